"""Reporting periods of figures: the label a figure belongs to (上半年, 2017年全年, 截至7月31日, 去年) and the dates
it spans, its year taken from the label itself, the sentence, the paragraph, the headline or the document's date.

Pure Polars over the batch's figures; the grammar is data (transforms/rules/periods.toml). A figure whose year
cannot be determined keeps its label with null dates: a missing year is better than a wrong one."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from transforms.rules import RULES_DIR, RuleError, check_pattern, read_rules_toml

_YEAR_KINDS = {"context", "relative", "fixed", "none"}
_BOUNDS = {"open", "M1", "M2", "D"}
# Keys of dim_date (sql/schema/001_initial.sql): a period outside it has no dates.
_FIRST_YEAR, _LAST_YEAR = 1990, 2040
# A period ending no later than this many days after the document's date is reported on in progress.
_IN_PROGRESS_DAYS = 92


@dataclass(frozen=True)
class PeriodEntry:
    pattern: str             # with {Y} {M} {D} placeholders
    year: str                # context | relative | fixed | none
    offset: int = 0          # relative: years from the document's date
    start: str | None = None  # MM-DD | M1
    end: str | None = None    # MM-DD | M1 | M2 | D | open
    fixed_start: int | None = None  # yyyymmdd
    fixed_end: int | None = None
    needs_year: bool = False  # only after a year (2018年底): not a label of its own
    attached: bool = False    # needs_year, and a label wherever it follows a year (我县2021年第四批)


@dataclass(frozen=True)
class PeriodRules:
    year: str
    month: str
    day: str
    boundary: str
    ignore: str
    entries: tuple[PeriodEntry, ...]
    present: str = "(?!)"  # a sentence opening with it (此次…) takes no label from the sentences before it
    spans_years: str = "(?!)"  # a figure after it (近年来, 累计) takes no year from its section or document
    item: str = "(?!)"  # a list item's opening (——看发展，…)

    def expand(self, pattern: str, capture: bool = False) -> str:
        """Placeholders -> regex; with capture, months become groups m1, m2 and the day group d."""
        count = iter(("m1", "m2"))
        out = pattern.replace("{Y}", f"(?:{self.year})")
        out = out.replace("{D}", f"(?P<d>{self.day})" if capture else f"(?:{self.day})")
        if capture:
            out = re.sub(r"\{M\}", lambda _: f"(?P<{next(count)}>{self.month})", out)
        return out.replace("{M}", f"(?:{self.month})")

    @property
    def finder(self) -> str:
        """Every label in a text: a year with a period (2017年全年, anywhere), a year alone at the start of a
        clause (，2021年，; the character after it is consumed so that 2021年3月 is not one), a period alone."""
        periods = "|".join(f"(?:{self.expand(e.pattern)})" for e in self.entries if not e.needs_year)
        attached = "".join(f"|(?:{self.expand(e.pattern)})" for e in self.entries if e.attached)
        lead = f"(?:^|{self.boundary})"
        y = f"(?:{self.year})年"
        return (f"(?:{lead})?{y}(?:度(?:{periods})?|{periods}{attached})"
                f"|{lead}{y}(?:底|末|以[来來])?(?:[^0-9〇零一二三四五六七八九十月]|$)"
                f"|{periods}")

    def core(self, label: pl.Expr) -> pl.Expr:
        """A found label without the boundary before it and the character consumed after a lone year."""
        y = f"(?:{self.year})年"
        return (label.str.replace(f"^{self.boundary}({self.year})", "${1}")
                .str.replace(f"^({y}(?:底|末|以[来來])?)[^0-9〇零一二三四五六七八九十月度]$", "${1}"))


def _date_key(text: str, path: Path, where: str) -> int:
    try:
        return int(dt.date.fromisoformat(text).strftime("%Y%m%d"))
    except (TypeError, ValueError):
        raise RuleError(f"{path}: {where}: bad date {text!r}") from None


def _bound(value: object, path: Path, where: str) -> str | None:
    if value is None or value in _BOUNDS:
        return value
    try:
        dt.date.fromisoformat(f"2000-{value}")
    except (TypeError, ValueError):
        raise RuleError(f"{path}: {where}: start/end must be MM-DD or one of {sorted(_BOUNDS)}, "
                        f"got {value!r}") from None
    return value


def load_period_rules(path: Path | None = None) -> PeriodRules:
    path = Path(path) if path else RULES_DIR / "periods.toml"
    data = read_rules_toml(path)
    grammar = data.get("grammar")
    if not isinstance(grammar, dict):
        raise RuleError(f"{path}: missing table [grammar]")
    try:
        parts = {k: check_pattern(path, f"[grammar] {k}", grammar[k]) for k in ("year", "month", "day", "boundary")}
        parts["ignore"] = grammar["ignore"]
        for optional in ("present", "spans_years", "item"):
            if optional in grammar:
                parts[optional] = check_pattern(path, f"[grammar] {optional}", grammar[optional])
    except KeyError as err:
        raise RuleError(f"{path}: [grammar] missing key {err}") from None
    entries = []
    allowed = {"pattern", "year", "offset", "start", "end", "fixed_start", "fixed_end", "needs_year", "attached"}
    for i, e in enumerate(data.get("period", []), 1):
        where = f"[[period]] entry {i} ({e.get('pattern', '?')})"
        if set(e) - allowed:
            raise RuleError(f"{path}: {where}: unknown keys {sorted(set(e) - allowed)}")
        if e.get("year") not in _YEAR_KINDS:
            raise RuleError(f"{path}: {where}: year must be one of {sorted(_YEAR_KINDS)}")
        if not isinstance(e.get("pattern"), str):
            raise RuleError(f"{path}: {where}: needs a pattern")
        if e["year"] == "none":
            entry = PeriodEntry(e["pattern"], "none")
        elif e["year"] == "fixed":
            entry = PeriodEntry(e["pattern"], "fixed", fixed_start=_date_key(e.get("fixed_start"), path, where),
                                fixed_end=_date_key(e.get("fixed_end"), path, where))
        else:
            if "start" not in e or "end" not in e:
                raise RuleError(f"{path}: {where}: needs start and end")
            entry = PeriodEntry(e["pattern"], e["year"], int(e.get("offset", 0)), _bound(e["start"], path, where),
                                _bound(e["end"], path, where), needs_year=bool(e.get("needs_year", False))
                                or bool(e.get("attached", False)), attached=bool(e.get("attached", False)))
        entries.append(entry)
    if not entries:
        raise RuleError(f"{path}: needs at least one [[period]]")
    rules = PeriodRules(**parts, entries=tuple(entries))
    for i, e in enumerate(rules.entries, 1):
        check_pattern(path, f"[[period]] entry {i}", rules.expand(e.pattern, capture=True))
    check_pattern(path, "[grammar] ignore", rules.expand(rules.ignore))
    check_pattern(path, "the label finder", rules.finder)
    return rules


@cache
def default_period_rules() -> PeriodRules:
    return load_period_rules()


def _numbers(top: int) -> dict[str, int]:
    """'7', '07', '七', '十二', '二十一', '三十一' -> int, for 1..top."""
    digits = "一二三四五六七八九"
    out = {}
    for n in range(1, top + 1):
        tens, ones = divmod(n, 10)
        han = (("" if tens < 2 else digits[tens - 1]) + "十" if tens else "") + (digits[ones - 1] if ones else "")
        out.update({str(n): n, f"{n:02d}": n, han: n})
    return out


_MONTHS, _DAYS = _numbers(12), _numbers(31)


def _found(text: pl.Expr, rules: PeriodRules) -> pl.Expr:
    """Every label in `text`, comparison bases blanked first; 自2006年…以来 read as 2006年以来."""
    since = f"(?:自|从|從)({rules.year})年[^，,。；;：:0-9月]{{0,24}}?以[来來]"
    blanked = text.str.replace_all(rules.expand(rules.ignore), "＿")
    blanked = pl.when(blanked.str.contains("以[来來]")).then(blanked.str.replace_all(since, "，${1}年以来")) \
        .otherwise(blanked)
    return blanked.str.extract_all(rules.finder)


def _with_year(found: pl.Expr, rules: PeriodRules) -> pl.Expr:
    # A lone year lends itself to later labels only as the topic of its clause (2021年，…上半年…), not as a
    # qualifier (2020年尚未完工的78个小区，…确保上半年完成: the 上半年 of the plan, not of 2020).
    qualifier = f"^{rules.boundary}?(?:{rules.year})年(?:底|末|以[来來])?[^，,：:是]$"
    return found.list.eval(pl.element().filter(pl.element().str.contains(f"(?:{rules.year})年")
                                               & ~pl.element().str.contains(qualifier)))


def year_labels(text: pl.Expr, rules: PeriodRules) -> pl.Expr:
    """The labels in `text` that state a year and name a period of it (2022年，; 2017年度; 2018年第一批), not
    a span from it (2019年以来)."""
    qualifier = f"^{rules.boundary}?(?:{rules.year})年(?:底|末)?[^，,：:是度]$"
    return _found(text, rules).list.eval(pl.element().filter(
        pl.element().str.contains(f"(?:{rules.year})年") & ~pl.element().str.contains(qualifier)
        & ~pl.element().str.contains("以[来來前]")))


def _labels(text: pl.Expr, rules: PeriodRules) -> tuple[pl.Expr, pl.Expr]:
    """(last label, last label that states a year) in `text`."""
    found = _found(text, rules)
    return found.list.last(), _with_year(found, rules).list.last()


def _year_of(label: pl.Expr, rules: PeriodRules) -> pl.Expr:
    return label.str.extract(f"({rules.year})年", 1).cast(pl.Int32, strict=False)


# Label tables already built, per rules: a corpus repeats a few hundred labels, and building the table's
# expressions costs a batch more than applying them.
_LABEL_TABLES: dict[PeriodRules, pl.DataFrame] = {}
_LABEL_TABLE_ROWS = 100_000


def _label_table(labels: pl.Series, rules: PeriodRules) -> pl.DataFrame:
    """Per distinct label: its own year, the entry it matches (kind, offset) and its bounds as months and days
    (_e_d null: the end of the month; _open: no end). The year is applied per figure. Holds at least the
    labels asked for (those built for earlier batches too)."""
    wanted = labels.drop_nulls().unique()
    known = _LABEL_TABLES.get(rules)
    if known is not None and known.height >= _LABEL_TABLE_ROWS:
        known = None  # an unusual corpus: start afresh rather than grow without end
    new = wanted if known is None else wanted.filter(~wanted.is_in(known["_label"].implode()))
    if known is not None and new.is_empty():
        return known
    built = _build_label_table(new, rules)
    table = built if known is None else pl.concat([known, built])
    _LABEL_TABLES[rules] = table  # a thread's concurrent addition may be lost: it is only built again
    return table


def _build_label_table(labels: pl.Series, rules: PeriodRules) -> pl.DataFrame:
    table = pl.DataFrame({"_label": labels}, schema={"_label": pl.String})
    own_year = _year_of(pl.col("_label"), rules)
    rest = pl.col("_label").str.replace(f"^(?:{rules.year})年", "")
    null_int = pl.lit(None, dtype=pl.Int32)
    cols = {"_kind": pl.lit(None, dtype=pl.String), "_offset": null_int, "_s_m": null_int, "_s_d": null_int,
            "_e_m": null_int, "_e_d": null_int, "_open": pl.lit(False), "_fs": pl.lit(None, dtype=pl.Date),
            "_fe": pl.lit(None, dtype=pl.Date)}
    for entry in reversed(rules.entries):
        hit = rest.str.contains(f"^(?:{rules.expand(entry.pattern)})$")
        if entry.needs_year:
            hit = hit & own_year.is_not_null()
        captured = rules.expand(entry.pattern, capture=True)
        groups = rest.str.extract_groups(f"^(?:{captured})$") if "(?P<" in captured else None
        has = set(re.findall(r"\(\?P<(\w+)>", captured))

        def group(name: str, numbers: dict[str, int], groups=groups, has=has) -> pl.Expr:
            if name not in has:
                return null_int
            return groups.struct.field(name).replace_strict(numbers, default=None, return_dtype=pl.Int32)

        m1, m2, day = group("m1", _MONTHS), group("m2", _MONTHS), group("d", _DAYS)

        def month_day(spec: str | None, m1=m1, m2=m2, day=day) -> tuple[pl.Expr, pl.Expr]:
            if spec in (None, "open"):
                return null_int, null_int
            if spec in ("M1", "M2", "D"):
                return (m2 if spec == "M2" else m1), (day if spec == "D" else null_int)
            month, d = (int(x) for x in spec.split("-"))
            return pl.lit(month, dtype=pl.Int32), pl.lit(d, dtype=pl.Int32)

        s_m, s_d = month_day(entry.start)
        if entry.start == "M1":
            s_d = pl.lit(1, dtype=pl.Int32)
        e_m, e_d = month_day(entry.end)
        fixed = (lambda k: pl.lit(str(k)).str.to_date("%Y%m%d")) if entry.year == "fixed" else None
        new = {"_kind": pl.lit(entry.year), "_offset": pl.lit(entry.offset, dtype=pl.Int32), "_s_m": s_m,
               "_s_d": s_d, "_e_m": e_m, "_e_d": e_d, "_open": pl.lit(entry.end == "open"),
               "_fs": fixed(entry.fixed_start) if fixed else pl.lit(None, dtype=pl.Date),
               "_fe": fixed(entry.fixed_end) if fixed else pl.lit(None, dtype=pl.Date)}
        cols = {k: pl.when(hit).then(new[k]).otherwise(v) for k, v in cols.items()}
    return table.with_columns(_own_year=own_year, **{k: v.alias(k) for k, v in cols.items()})


def _carried_labels(sentences: pl.DataFrame, frame: pl.DataFrame, rules: PeriodRules,
                    s_ylabel: pl.Expr) -> pl.DataFrame:
    """(document_key, paragraph_no, _carried): list items (——看发展，…) after a lead-in naming a year
    (以2019年的统计数据为例：) carry the lead-in's last year-bearing label; the items run until a paragraph that is
    no item."""
    schema = {"document_key": pl.Int64, "paragraph_no": pl.Int32, "_carried": pl.String}
    docs = sentences.join(frame.select("document_key").unique(), on="document_key", how="semi")
    items = docs.filter(pl.col("text").str.contains(f"^\\s*(?:{rules.item})"))
    if items.is_empty():
        return pl.DataFrame(schema=schema)
    paragraphs = (docs.join(items.select("document_key").unique(), on="document_key", how="semi")
                  .group_by("document_key", "paragraph_no")
                  .agg(pl.col("text").sort_by("sentence_no").str.join("").alias("_text"))
                  .with_columns(_item=pl.col("_text").str.contains(f"^\\s*(?:{rules.item})"),
                                _lead=pl.col("_text").str.contains(f"[：:](?:\\s*(?:{rules.item})|\\s*$)"),
                                _label=_labels(pl.col("_text"), rules)[1])
                  .sort("document_key", "paragraph_no")
                  .with_columns(_run=(~pl.col("_item")).cum_sum().over("document_key")))
    starts = paragraphs.filter(~pl.col("_item") & pl.col("_lead") & pl.col("_label").is_not_null())
    return (paragraphs.filter(pl.col("_item"))
            .join(starts.select("document_key", "_run", pl.col("_label").alias("_carried")), on=["document_key", "_run"])
            .select([pl.col(c).cast(t) for c, t in schema.items()]))


def assign_periods(frame: pl.DataFrame, sentences: pl.DataFrame, context: pl.DataFrame, sections: pl.DataFrame,
                   rules: PeriodRules | None = None) -> pl.DataFrame:
    """frame: figures with document_key, sentence_no, paragraph_no, before (their sentence's text before them),
    is_target; sentences: document_key, sentence_no, paragraph_no, text; context and sections: the documents'
    context and their paragraphs' section years (transforms/extract/context.py). Adds period_label (as
    written), period_start_key, period_end_key (yyyymmdd, null when the year cannot be determined)."""
    rules = rules or default_period_rules()
    s_label, s_ylabel = _labels(pl.col("text"), rules)
    carried = _carried_labels(sentences, frame, rules, s_ylabel)
    # a figure reads labels in its own paragraph only
    sentences = sentences.join(frame.select("document_key", "paragraph_no").unique(),
                               on=["document_key", "paragraph_no"], how="semi")
    labelled = (sentences.select("document_key", "paragraph_no", "sentence_no", _p_label=s_label, _p_ylabel=s_ylabel)
                .filter(pl.col("_p_label").is_not_null() | pl.col("_p_ylabel").is_not_null()))
    # A figure's own sentence, read up to the figure, only where the sentence has a label at all.
    frame = frame.with_row_index("_row")
    own = frame.join(labelled.select("document_key", "sentence_no"), on=["document_key", "sentence_no"], how="semi")
    label, label_with_year = _labels(pl.col("before"), rules)
    # A lone year that qualifies the counted noun (2019年尚未完成的21个小区) is a cohort, not the period.
    cohort = (label.str.contains(f"^{rules.boundary}?(?:{rules.year})年[^，,：:是]$")
              & pl.col("before").str.contains(f"(?:{rules.year})年[^，,：:是][^，,。；;：]*的[^，,。；;：]*$"))
    own = own.select("_row", _label=pl.when(~cohort).then(label), _ylabel=label_with_year)
    frame = frame.join(own, on="_row", how="left")
    # Labels of earlier sentences of the paragraph, for figures whose own sentence has none before them.
    per_sentence = (
        labelled
        .with_columns(pl.col("_p_ylabel").forward_fill().over("document_key", "paragraph_no", order_by="sentence_no"),
                      pl.col("_p_label").forward_fill().over("document_key", "paragraph_no", order_by="sentence_no"))
        .sort("sentence_no")
    )
    # The headline's year is the context's (a work report's is its anchor, not the year it reviews); the year
    # the text settles counts only where the document has no date to count from.
    docs = context.select(
        "document_key",
        _h_year=pl.when(pl.col("year_basis") == "headline").then("year"),
        _t_year=pl.when((pl.col("year_basis") == "text") & pl.col("anchor_on").is_null()).then("year"),
        _pub=pl.col("anchor_on"),
        _c_year=pl.col("year"),
        _basis=pl.col("year_basis"),
    )
    frame = (
        frame.sort("sentence_no")
        .join_asof(per_sentence, on="sentence_no", by=["document_key", "paragraph_no"], strategy="backward",
                   allow_exact_matches=False, check_sortedness=False)
        .join(docs, on="document_key", how="left")
        .join(sections, on=["document_key", "paragraph_no"], how="left")
        .join(carried, on=["document_key", "paragraph_no"], how="left")
        .with_columns(_p_label=pl.coalesce("_p_label", "_carried"), _p_ylabel=pl.coalesce("_p_ylabel", "_carried"))
        .with_columns(_p_label=pl.when(~pl.col("before").str.contains(f"^(?:{rules.present})")).then("_p_label"),
                      _inherits=pl.col("_label").is_null(),
                      # a year the sentence names before the figure that is no label (而2018年以前，…)
                      _sent_year=pl.col("before").str.extract_all(f"(?:{rules.year})年").list.last()
                      .str.slice(0, 4).cast(pl.Int32, strict=False))
        .with_columns(_label=rules.core(pl.coalesce("_label", "_p_label")))
    )
    # A figure with no label of its own is of the year its section heading or the document's own context names
    # (2018年工作回顾 …; a bulletin opening 2022年，…; an event 2018年第一批…): written as that year's label.
    # Not a span the sentence says reaches over years (近年来, 累计), nor the date's year alone: that is a guess.
    # A work report's figures are of the year it reviews, its targets of its own year.
    report = pl.col("_c_year") - (~pl.col("is_target").fill_null(False)).cast(pl.Int32)
    inherited = pl.coalesce("section_year", pl.when(pl.col("_basis").is_in(["headline", "text"])).then("_c_year"),
                            pl.when(pl.col("_basis") == "work_report").then(report))
    spans_years = pl.col("before").str.contains(rules.spans_years)
    frame = frame.with_columns(_label=pl.when(pl.col("_label").is_null() & ~spans_years)
                               .then(inherited.cast(pl.String) + "年").otherwise("_label"))
    table = _label_table(frame["_label"], rules)
    frame = frame.join(table, on="_label", how="left", nulls_equal=False)
    context_year = pl.coalesce("_own_year", _year_of(pl.col("_ylabel"), rules), _year_of(pl.col("_p_ylabel"), rules),
                               "section_year", "_h_year")
    pub_year = pl.col("_pub").dt.year().cast(pl.Int32)
    pub_day = pl.col("_pub").dt.month().cast(pl.Int32) * 31 + pl.col("_pub").dt.day().cast(pl.Int32)
    # From the document's date: a period ending more than a quarter after it, reported as achieved, is last
    # year's (全年 in a January report); one ending within the quarter is this year's, in progress (a share of
    # 年度计划 in October).
    ahead = (pl.col("_e_m") * 31 + pl.col("_e_d").fill_null(31) - pub_day > _IN_PROGRESS_DAYS).fill_null(False)
    from_pub = pub_year - (ahead & ~pl.col("is_target").fill_null(False)).cast(pl.Int32)
    # undated: 今年 is the year the document reports on (an undated article on 2017年度 projects)
    undated_year = pl.when(pl.col("_pub").is_null()).then(pl.coalesce("_h_year", "_t_year"))
    year = (pl.when(pl.col("_kind") == "relative")
            .then(pl.coalesce("_own_year", pub_year + pl.col("_offset"), undated_year + pl.col("_offset")))
            .when(pl.col("_kind") == "context").then(pl.coalesce(context_year, from_pub, "_t_year")))
    # each step its own column: nested, the year's expression would be evaluated once per use
    # a label from outside the sentence does not hold against a year the sentence names of its own
    clash = pl.col("_inherits") & pl.col("_sent_year").is_not_null() & (year != pl.col("_sent_year"))
    frame = frame.with_columns(_year=pl.when(year.is_between(_FIRST_YEAR, _LAST_YEAR) & ~clash.fill_null(False))
                               .then(year), _clash=clash.fill_null(False))
    frame = frame.with_columns(_label=pl.when(~pl.col("_clash")).then("_label"))
    frame = frame.with_columns(_first_of_end_month=pl.date("_year", "_e_m", 1))
    month_end = pl.col("_first_of_end_month").dt.month_end()
    on_day = pl.col("_first_of_end_month") + pl.duration(days=pl.col("_e_d") - 1)
    frame = frame.with_columns(
        _start=pl.when(pl.col("_clash")).then(None).when(pl.col("_kind") == "fixed").then(pl.col("_fs"))
        .otherwise(pl.date("_year", "_s_m", "_s_d")),
        _end=(pl.when(pl.col("_kind") == "fixed").then(pl.col("_fe"))
              .when(pl.col("_open")).then(None)
              .when(pl.col("_e_d").is_null() | (on_day > month_end)).then(month_end)
              .otherwise(on_day)),
    )
    key = lambda d: (d.dt.year().cast(pl.Int32) * 10000 + d.dt.month().cast(pl.Int32) * 100  # noqa: E731
                     + d.dt.day().cast(pl.Int32))
    out = frame.with_columns(
        period_label=pl.col("_label"),
        period_start_key=key(pl.col("_start")),
        period_end_key=pl.when(pl.col("_start").is_not_null()).then(key(pl.col("_end"))),
    ).drop(*[c for c in table.columns if c != "_label"], "_year", "_first_of_end_month", "_start", "_end")
    return out.sort("_row").drop("_row", "_label", "_ylabel", "_p_label", "_p_ylabel", "_h_year", "_t_year", "_pub",
                                 "section_year", "_c_year", "_basis", "_inherits", "_carried",
                                 "_sent_year", "_clash")
