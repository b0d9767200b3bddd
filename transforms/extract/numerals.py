"""One numeral grammar: Arabic, Chinese and mixed numbers, decimals, ranges and approximations -> values.

    read_number('三点五亿') -> 350000000.0     read_number('一千零十') -> 1010.0     read_number('82,225.00') -> 82225.0
    read_figure('两到三万') -> Figure(20000, 30000)      read_figure('三四万') -> Figure(30000, 40000)

A form that cannot be read with certainty (一千十, 一亿五千, 三五, 8000到1亿) reads as None: a figure left out is
better than a different number stored. The grammar runs once per *distinct* numeral string of a batch
(`figure_table`), and its result is joined back to the candidate rows; the rest is Polars expressions
(`range_low`, `base_value`).

Standard forms and the colloquial ones news text uses:
  * 零 marks a gap (一千零十 = 1010, 十万零十 = 100 010); a gap without 零 is read when the lower term has its
    own digit (一千一十 = 1010, 一千五十 = 1050), not otherwise (一千十);
  * a bare 十 right after 百 is one ten (一百十一 = 111, 三百十 = 310);
  * elision: a last digit right after a unit fills the next place down (一百二 = 120, 两千六 = 2600,
    三万五 = 35 000, 三亿五 = 350 000 000);
  * 点 decimals bind to the coefficient of a following 万/亿 (三点五亿, 一点五万, 三十四点五二一);
  * adjacent digits d, d+1 are an approximation (三四万 = 30 000-40 000, 十七八 = 17-18, 一两 = 1-2), and so is
    the idiom 三五 before a place (三五百 = 300-500; 三五家 is vague);
  * a full-width comma between groups of three digits is a thousands separator (82，225.00) in a number
    the candidate pattern admits (metrics.toml: with decimals or more than one group);
  * a range's low end shares the high end's magnitude when that keeps it below the high end (两到三万,
    一百二十到一百五十万), otherwise it stands on its own (8500到3万, 1万-5万);
  * Traditional and financial digits (兩, 萬, 億, 壹, 貳, 拾, 佰, 仟) read like their everyday forms."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

import polars as pl


DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "兩": 2, "贰": 2, "貳": 2, "三": 3,
          "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6, "七": 7, "柒": 7,
          "八": 8, "捌": 8, "九": 9, "玖": 9}
SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
LARGE = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
ZERO = "零〇○"
SIGNS = "-−－负負"
JOINERS = ("到", "至", "-", "~", "～", "—", "–", "－")
PERCENT = {"百分之": Decimal(1), "千分之": Decimal("0.1")}   # -> percent

_ARABIC = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
# A Chinese number with 点: whole part, fraction digits, then the magnitude the decimal scales (三点五亿).
_POINT = re.compile(r"^(?P<whole>.*?)[点點](?P<frac>[零〇○一二三四五六七八九]+)(?P<tail>[万萬亿億]*)$")


class Figure(NamedTuple):
    low: float               # the low end as written (8500 in 8500到3万, 2 in 两到三万)
    low_decimals: int        # fraction digits the source gives it (for rounding base values)
    low_scaled: float        # the low end times the high end's trailing magnitude (20000 in 两到三万)
    low_scaled_decimals: int
    high: float              # the high end (= low for a single number)
    high_decimals: int
    low_has_magnitude: bool  # the low end carries its own 万/亿 (1万-5万)


def _dec(value: Decimal) -> int:
    """Fraction digits of a Decimal (82225.00 -> 2, 3.5E+8 -> 0)."""
    exp = value.as_tuple().exponent
    return max(-exp, 0) if isinstance(exp, int) else 0


def _section(text: str) -> tuple[Decimal, int] | None:
    """A section below 10 000 (一千零十, 两千六, 3.5千, 十五) -> (value, place of its leading term)."""
    if not text:
        return None
    if _ARABIC.fullmatch(text):
        value = Decimal(text.replace(",", ""))
        return value, 10 ** max(len(str(int(value))) - 1, 0)
    arabic = _ARABIC.match(text)
    terms: list[tuple[Decimal, int]] = []   # (coefficient, place)
    coef: Decimal | None = None
    gap = False          # a 零 since the last term
    i = 0
    if arabic:           # 3.5千, 5百: an Arabic coefficient, then one small unit
        coef, i = Decimal(arabic.group().replace(",", "")), arabic.end()
        if i >= len(text) or text[i] not in SMALL or i + 1 != len(text):
            return None
    while i < len(text):
        c = text[i]
        if c in DIGITS and DIGITS[c] == 0 and c in ZERO + "零":
            if coef is not None or gap or not terms:
                return None
            gap = True
        elif c in DIGITS:
            if coef is not None:
                return None          # two digits in a row (三五) are not a section
            coef = Decimal(DIGITS[c])
        elif c in SMALL:
            place = SMALL[c]
            explicit = coef is not None
            if coef is None:
                # a bare 十 leads a number (十五), follows 零 (一千零十) or 百 (一百十一); other bare units are not read
                if place != 10 or (terms and not gap and terms[-1][1] != 100):
                    return None
                coef = Decimal(1)
            if terms:
                prev = terms[-1][1]
                skipped = place < prev // 10 and not gap and explicit   # 一千一十: 零 left out, the digit says it
                if place >= prev or (place != prev // 10 and not gap and not skipped) or (place == prev // 10 and gap):
                    return None
            terms.append((coef, place))
            coef, gap = None, False
        else:
            return None
        i += 1
    if coef is not None:   # a last bare digit: ones after 零 or with no unit, else the place below (一百二)
        if terms and not gap:
            place = terms[-1][1] // 10
            if place < 1:
                return None
            terms.append((coef, place))
        else:
            if terms and terms[-1][1] == 10 and gap:
                return None
            terms.append((coef, 1))
    elif gap:
        return None        # trailing 零
    if not terms:
        return None
    return sum((c * p for c, p in terms), Decimal(0)), terms[0][1]


# A magnitude word alone is a number (突破万亿元, 千万人口); 千 or 百 alone is not (千亿台阶 is checked by units).
_BARE = {"万亿": Decimal(10) ** 12, "千亿": Decimal(10) ** 11, "百亿": Decimal(10) ** 10, "千万": Decimal(10) ** 7,
         "百万": Decimal(10) ** 6}
_TRILLION = "\x00"   # 万亿 while parsing: one unit of 10^12
_LEVELS = ((10**12, _TRILLION, 10_000), (10**8, "亿", 10**8), (10**4, "万", 10**4))   # unit, mark, head below


def _below(text: str, large: int) -> tuple[Decimal, int] | None:
    """A number below `large` -> (value, place of its leading term): sections joined by 万, 亿, 万亿."""
    for size, mark, head_below in _LEVELS:
        if size < large and mark in text:
            cut = text.rfind(mark)
            head = _below(text[:cut], head_below)
            rest = _rest(text[cut + 1:], size)
            if head is None or rest is None:
                return None
            return head[0] * size + rest, head[1] * size
    return _section(text)


def _rest(text: str, large: int) -> Decimal | None:
    """What follows 万, 亿 or 万亿: nothing, 零 + a smaller number, one elided digit (三万五), or a number
    that starts at the place right below (三万五千, 一亿五千万)."""
    if not text:
        return Decimal(0)
    if text[0] in ZERO:
        found = _below(text[1:], large)
        return None if found is None or found[1] * 10 > large else found[0]
    if len(text) == 1 and text in DIGITS:
        return Decimal(DIGITS[text]) * large / 10
    found = _below(text, large)
    return None if found is None or found[1] * 10 != large else found[0]


def _integer(text: str) -> Decimal | None:
    """A whole Chinese or mixed number without 点: 十二亿三千万, 3.5万, 一万亿, 二〇二一."""
    if not text:
        return None
    if len(text) == 1 and text in ZERO:
        return Decimal(0)
    if len(text) >= 3 and all(c in DIGITS for c in text) and text[0] not in ZERO:
        return Decimal("".join(str(DIGITS[c]) for c in text))       # digit by digit: 二〇二一
    text = text.replace("萬", "万").replace("億", "亿")
    if text in _BARE:
        return _BARE[text]
    found = _below(text.replace("万亿", _TRILLION), 10**16)
    return None if found is None else found[0]


def _number(text: str) -> Decimal | None:
    text = text.strip().replace("，", ",")
    if not text:
        return None
    sign = 1
    if text[0] in SIGNS:
        sign, text = -1, text[1:]
    for prefix, scale in PERCENT.items():
        if text.startswith(prefix):
            rest = text[len(prefix):]
            if rest in ("百", "佰") and scale == 1:
                return Decimal(100) * sign
            found = _number(rest) if rest and rest[0] not in SIGNS else None
            return None if found is None else found * scale * sign
    if not text or text[0] in SIGNS:
        return None
    if _ARABIC.fullmatch(text):
        try:
            return Decimal(text.replace(",", "")) * sign
        except InvalidOperation:
            return None
    point = _POINT.match(text)
    if point:
        whole = point["whole"]
        head = Decimal(0) if whole in ("", "零", "〇") else _integer(whole)
        if head is None or any(c in whole for c in "万萬亿億") and point["tail"]:
            return None
        frac = Decimal("0." + "".join(str(DIGITS[c]) for c in point["frac"]))
        tail = point["tail"].replace("萬", "万").replace("億", "亿")
        scale = {"": 1, "万": 10**4, "亿": 10**8, "万亿": 10**12}.get(tail)
        if scale is None:
            return None
        return (head + frac) * scale * sign
    found = _integer(text)
    return None if found is None else found * sign


def read_number(text: str) -> float | None:
    """One number, Arabic, Chinese or mixed, with its sign: 三点五亿, 一千零十, 3.5万, -3.8, 负百分之十三."""
    found = _number(text)
    return None if found is None else float(found)


def _magnitudes(text: str) -> list[Decimal]:
    """The magnitudes a range's high end ends on, largest first: 三千万 -> [10^7, 10^4], 一百五十万 ->
    [10^4], 三十 -> [], 3 -> []."""
    run = re.search("[十拾百佰千仟万萬亿億]+$", text)
    if not run:
        return []
    out = []
    for i in range(len(run.group())):
        if run.group()[i] in "十拾":
            continue   # 两到三十 is 2-30 as often as 20-30 (which is written 二十到三十): not shared
        scale = Decimal(1)
        for c in run.group()[i:]:
            scale *= SMALL.get(c) or LARGE[c]
        out.append(scale)
    return out


def _approximation(text: str) -> tuple[str, str] | None:
    """三四万 -> (三万, 四万); 十七八 -> (十七, 十八); 一百五六十 -> (一百五十, 一百六十); 一两 -> (一, 两)."""
    pairs = [i for i in range(len(text) - 1) if text[i] in DIGITS and text[i + 1] in DIGITS]
    if len(pairs) != 1:
        return None
    i = pairs[0]
    a, b = DIGITS[text[i]], DIGITS[text[i + 1]]
    # 三五 is an approximation before a place (三五百), vague on its own (三五家)
    three_five = (a, b) == (3, 5) and i + 2 < len(text) and text[i + 2] in "十拾百佰千仟万萬亿億"
    if a == 0 or (b != a + 1 and not three_five):
        return None
    return text[:i + 1] + text[i + 2:], text[:i] + text[i + 1:]


def _split_range(text: str) -> tuple[str, str] | None:
    for j in JOINERS:
        start = 1 if text[:1] in SIGNS else 0    # a leading minus is a sign, not a joiner
        cut = text.find(j, start)
        if cut > 0:
            return text[:cut], text[cut + len(j):]
    return None


def read_figure(text: str) -> Figure | None:
    """A number, a range (两到三万, 1万-5万, 8500到3万) or an approximation (三四万, 八九千) -> Figure; None when
    the text cannot be read with certainty."""
    if not text:
        return None
    parts = _split_range(text)
    if parts:
        low_text, high_text = parts
        low, high = _number(low_text), _number(high_text)
        if low is None or high is None or high <= 0 or low < 0:
            return None
        # the low end shares the largest of the high end's magnitudes that keeps it below (两到三千万 -> 2千万)
        scaled = next((low * m for m in _magnitudes(high_text) if low * m < high), low)
        return Figure(float(low), _dec(low), float(scaled), _dec(scaled.normalize()) if scaled != low else
                      _dec(low), float(high), _dec(high), bool(re.search("[万萬亿億]", low_text)))
    single = _number(text)
    if single is not None:
        d = _dec(single)
        return Figure(float(single), d, float(single), d, float(single), d, False)
    approx = _approximation(text)
    if approx:
        low, high = _number(approx[0]), _number(approx[1])
        if low is not None and high is not None and low < high:
            return Figure(float(low), _dec(low), float(low), _dec(low), float(high), _dec(high), True)
    return None


FIGURE_SCHEMA = {"num": pl.String, "low": pl.Float64, "low_decimals": pl.Int32, "low_scaled": pl.Float64,
                 "low_scaled_decimals": pl.Int32, "high": pl.Float64, "high_decimals": pl.Int32,
                 "low_has_magnitude": pl.Boolean}


def figure_table(strings: pl.Series) -> pl.DataFrame:
    """read_figure over the distinct strings of a column -> one row per string (FIGURE_SCHEMA), to join back.

    Plain Arabic numbers (most of them) are read by expressions; the rest with a Python call per distinct
    string: Chinese numeral grammar is not a regex job, and a batch has a few thousand distinct numerals
    against hundreds of thousands of rows."""
    distinct = strings.drop_nulls().unique().rename("num").to_frame()
    plain = pl.col("num").str.contains(r"^(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?$")
    arabic = distinct.filter(plain)
    value = pl.col("num").str.replace_all("[,，]", "").cast(pl.Float64)
    decimals = pl.col("num").str.extract(r"\.(\d+)$", 1).str.len_chars().fill_null(0).cast(pl.Int32)
    arabic = arabic.select("num", value.alias("low"), decimals.alias("low_decimals"), value.alias("low_scaled"),
                           decimals.alias("low_scaled_decimals"), value.alias("high"),
                           decimals.alias("high_decimals"), pl.lit(False).alias("low_has_magnitude"))
    rest = distinct.filter(~plain)["num"].to_list()
    rows = [(s, *(read_figure(s) or (None,) * 7)) for s in rest]
    columns = {name: [r[i] for r in rows] for i, name in enumerate(FIGURE_SCHEMA)}
    return pl.concat([arabic.cast(FIGURE_SCHEMA), pl.DataFrame(columns, schema=FIGURE_SCHEMA)])


# A range whose low end must be read on its own is trusted only this close to its high end (8500到3万 is;
# 8000到1亿 is not: 8000 or 8000万?).
MAX_RANGE_RATIO = 100


def range_low(f: dict[str, pl.Expr], scale: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(low end in the unit's terms, its fraction digits), null when unreadable, from figure_table's columns
    and the unit's scale (万元 -> 10 000). 两到三|万元 -> 2; 一百二十到一百五十万|元 -> 1 200 000;
    8500到3|万元 -> 0.85 (8500 on its own); 8000到1|亿元 -> null (8000 or 8000万?)."""
    low, scaled, high = f["low"], f["low_scaled"], f["high"]
    alone = low / scale
    alone_ok = (alone <= high) & (f["low_has_magnitude"] | (high <= alone * MAX_RANGE_RATIO))
    value = (pl.when(scaled <= high).then(scaled).when(low <= high).then(low)
             .when(alone_ok).then(alone).otherwise(None))
    decimals = (pl.when(scaled <= high).then(f["low_scaled_decimals"]).when(low <= high).then(f["low_decimals"])
                .otherwise(f["low_decimals"] + scale.log10().round(0).cast(pl.Int32)))
    return value, decimals


def base_value(value: pl.Expr, decimals: pl.Expr, factor: pl.Expr) -> pl.Expr:
    """value x factor rounded to the precision the source gives (162.3亿 -> 16 230 000 000, not
    16 230 000 000.000002). Factors that are not powers of ten (亩 -> m2) keep 4 decimals."""
    raw = value * factor
    power = factor.log10()
    is_power = (power - power.round(0)).abs() < 1e-9
    keep = pl.when(is_power).then(decimals.cast(pl.Float64) - power.round(0)).otherwise(4.0)
    up = pl.lit(10.0).pow(keep)
    down = pl.lit(10.0).pow(-keep)
    return pl.when(keep >= 0).then((raw * up).round(0) / up).otherwise((raw / down).round(0) * down)


# ---------------------------------------------------------------------------------------------------------
# Rendering (the inverse, for tests and for readers of the grammar)

_NAMES = "零一二三四五六七八九"


def _render_section(n: int, leading: bool) -> str:
    out, gap = "", False
    for place, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // place % 10
        if d == 0:
            gap = bool(out)
            continue
        if gap:
            out += "零"
            gap = False
        if place == 10 and d == 1 and leading and not out:
            out += "十"
        else:
            out += _NAMES[d] + name
    return out


def render_chinese(n: int) -> str:
    """A non-negative integer in standard Chinese words: 1010 -> 一千零一十, 100010 -> 十万零一十."""
    if n == 0:
        return "零"
    groups = []
    rest = n
    while rest:
        groups.append(rest % 10_000)
        rest //= 10_000
    names = ["", "万", "亿", "万亿"]
    out, zero = "", False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            zero = bool(out)
            continue
        if out and (zero or g < 1000):
            out += "零"
        out += _render_section(g, leading=not out) + names[i]
        zero = False
    return out
