"""Metric rule files (transforms/rules/metrics.toml, transforms/rules/indicators.csv), loaded and validated.

Every malformed entry fails with a RuleError naming the file and the entry, as transforms.rules does."""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from transforms.rules import RULES_DIR, RuleError, check_pattern, read_rules_toml

MEASURES = {"level", "growth_pct", "share_pct", "rank", "count", "change"}
LEVELS = {"province", "city", "district", "county", "subdistrict", "town", "community", "village", "subject"}


@dataclass(frozen=True)
class Unit:
    surface: str          # as written after the number: 亿元, 平方米, 个
    base_unit: str        # CNY, m2, item, ...
    factor: float         # surface -> base unit
    measure: str          # default measure (percentages are refined by context)
    needs_left: str | None = None    # regex on the text before the number (durations)
    needs_right: str | None = None   # regex on the text after the unit
    scale: float = 1.0    # the multiplier written in the unit (万元 -> 10 000), for ranges (两到三万元)


@dataclass(frozen=True)
class Period:
    label: str            # regex
    start: str | None     # MM-DD
    end: str | None       # MM-DD or month_end
    year_offset: int = 0
    fixed_start: dt.date | None = None
    fixed_end: dt.date | None = None


@dataclass(frozen=True)
class Indicator:
    name: str
    aliases: tuple[str, ...]
    category: str
    base_unit: str


@dataclass(frozen=True)
class MetricRules:
    arabic: str
    chinese: str
    sign: str
    list_separator: str
    magnitude: str
    bare_magnitude: str
    implied_units: tuple[tuple[str, str], ...]   # (cue regex, unit surface)
    range_magnitude: str
    range_joiners: tuple[str, ...]
    min_chinese_value: float
    jiao_fen: str
    currency_before: dict[str, str]
    currency_after: dict[str, str]
    qualifiers_inner: dict[str, str]
    qualifiers_before: dict[str, str]
    qualifiers_after: dict[str, str]
    units: tuple[Unit, ...]           # expanded: scalable units appear once per multiplier (万元, 亿元)
    rank_surface: str
    rank_cue: str
    rank_not_before: str
    growth_cue: str
    decrease_cue: str
    change_cue: str
    listed_before: str
    percent_chinese: str
    comparisons: tuple[tuple[str, str], ...]
    target_strong: str
    target_weak: str
    achieved: str
    exclude_in_quotes: bool
    max_quote_chars: int
    quote_pairs: tuple[str, ...]
    exclude_left: str
    exclude_right: str
    exclude_chinese_right: str
    exclude_chinese_left: str
    session_units: str
    session_right: str
    periods: tuple[Period, ...]
    year_pattern: str
    region_boundary: str
    region_stem: str
    region_normalise: dict[str, str]
    region_stop_prefix: str
    region_stop_suffix: str
    region_suffix_levels: dict[str, str]
    region_anaphora: dict[str, str]
    region_vouch: str
    region_stop_words: str
    region_min_mentions: int
    indicator_split: str
    indicators: tuple[Indicator, ...]

    def unit_table(self) -> pl.DataFrame:
        return pl.DataFrame(
            [(u.surface, u.base_unit, u.factor, u.measure, u.needs_left, u.needs_right, u.scale)
             for u in self.units],
            schema={"unit": pl.String, "base_unit": pl.String, "factor": pl.Float64, "unit_measure": pl.String,
                    "needs_left": pl.String, "needs_right": pl.String, "scale": pl.Float64},
            orient="row",
        )


_regex = check_pattern


def _table(path: Path, data: dict, key: str) -> dict:
    value = data.get(key)
    if not isinstance(value, dict):
        raise RuleError(f"{path}: missing table [{key}]")
    return value


def _str_map(path: Path, where: str, value: object) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and k and isinstance(v, str) for k, v in
                                              value.items()):
        raise RuleError(f"{path}: {where}: must map non-empty strings to strings")
    return dict(value)


def _units(path: Path, data: dict) -> tuple[Unit, ...]:
    scale = data.get("scale", {})
    for k, v in scale.items():
        if not isinstance(v, (int, float)) or v <= 0:
            raise RuleError(f"{path}: [scale] {k}: factor must be a positive number")
    units: dict[str, Unit] = {}
    allowed = {"surface", "base_unit", "factor", "measure", "scalable", "needs_left", "needs_right"}
    entries = data.get("unit", [])
    if not entries:
        raise RuleError(f"{path}: needs at least one [[unit]]")
    for i, entry in enumerate(entries, 1):
        where = f"[[unit]] entry {i} ({entry.get('surface', '?')})"
        unknown = set(entry) - allowed
        if unknown:
            raise RuleError(f"{path}: {where}: unknown keys {sorted(unknown)}")
        surface, base, factor, measure = (entry.get(k) for k in ("surface", "base_unit", "factor", "measure"))
        if not isinstance(surface, str) or not surface or not isinstance(base, str) or not base:
            raise RuleError(f"{path}: {where}: needs surface and base_unit strings")
        if not isinstance(factor, (int, float)) or factor <= 0:
            raise RuleError(f"{path}: {where}: factor must be a positive number")
        if measure not in MEASURES:
            raise RuleError(f"{path}: {where}: measure must be one of {sorted(MEASURES)}, got {measure!r}")
        left = _regex(path, f"{where} needs_left", entry["needs_left"]) if "needs_left" in entry else None
        right = _regex(path, f"{where} needs_right", entry["needs_right"]) if "needs_right" in entry else None
        variants = [(surface, 1.0)]
        if entry.get("scalable", False):
            variants += [(m + surface, float(f)) for m, f in scale.items()]
        for text, mult in variants:
            if text in units:
                if mult == 1.0:
                    raise RuleError(f"{path}: {where}: duplicate unit {text!r}")
                continue  # an explicit unit wins over a generated variant
            units[text] = Unit(text, base, float(factor) * mult, measure, left, right, mult)
    return tuple(units.values())


def _implied(path: Path, data: dict) -> tuple[tuple[str, str], ...]:
    out = []
    for i, entry in enumerate(data.get("implied_unit", []), 1):
        where = f"[[implied_unit]] entry {i}"
        if not isinstance(entry.get("unit"), str) or not entry["unit"]:
            raise RuleError(f"{path}: {where}: needs cue and unit")
        out.append((_regex(path, where, entry.get("cue")), entry["unit"]))
    return tuple(out)


def _periods(path: Path, data: dict) -> tuple[Period, ...]:
    out = []
    for i, entry in enumerate(data.get("period", []), 1):
        where = f"[[period]] entry {i}"
        label = _regex(path, where, entry.get("label"))
        try:
            fixed_start = dt.date.fromisoformat(entry["fixed_start"]) if "fixed_start" in entry else None
            fixed_end = dt.date.fromisoformat(entry["fixed_end"]) if "fixed_end" in entry else None
            for k in ("start", "end"):
                v = entry.get(k)
                if v is not None and v != "month_end":
                    dt.date.fromisoformat(f"2000-{v}")
        except ValueError as err:
            raise RuleError(f"{path}: {where}: bad date: {err}") from None
        if (fixed_start is None) != (fixed_end is None) or (fixed_start is None and
                                                            ("start" not in entry or "end" not in entry)):
            raise RuleError(f"{path}: {where}: needs start and end (MM-DD) or fixed_start and fixed_end")
        out.append(Period(label, entry.get("start"), entry.get("end"), int(entry.get("year_offset", 0)),
                          fixed_start, fixed_end))
    return tuple(out)


def load_indicators(path: Path) -> tuple[Indicator, ...]:
    try:
        rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    except (OSError, csv.Error) as err:
        raise RuleError(f"{path}: {err}") from None
    if not rows or set(rows[0]) != {"name", "aliases", "category", "base_unit"}:
        raise RuleError(f"{path}: header must be name,aliases,category,base_unit")
    seen: dict[str, str] = {}
    out = []
    for i, row in enumerate(rows, 2):
        name = (row["name"] or "").strip()
        if not name or None in row.values():
            raise RuleError(f"{path}: line {i}: needs name,aliases,category,base_unit")
        aliases = tuple(a.strip() for a in (row["aliases"] or "").split("|") if a.strip()) or (name,)
        if name not in aliases:
            aliases = (name, *aliases)
        for a in aliases:
            if a in seen and seen[a] != name:
                raise RuleError(f"{path}: line {i} ({name}): alias {a!r} already belongs to {seen[a]}")
            seen[a] = name
        out.append(Indicator(name, aliases, (row["category"] or "other").strip(), (row["base_unit"] or "").strip()))
    return tuple(out)


def load_metric_rules(path: Path | None = None, indicators: Path | None = None) -> MetricRules:
    path = Path(path) if path else RULES_DIR / "metrics.toml"
    indicators = Path(indicators) if indicators else path.with_name("indicators.csv")
    data = read_rules_toml(path)
    try:
        number, quals, rank, pct = (_table(path, data, k) for k in ("number", "qualifiers", "rank", "percent"))
        target, exclude, year, region = (_table(path, data, k) for k in ("target", "exclude", "year", "region"))
        comparisons = []
        for i, c in enumerate(data.get("comparison", []), 1):
            if not isinstance(c.get("value"), str):
                raise RuleError(f"{path}: [[comparison]] entry {i}: needs cue and value")
            comparisons.append((_regex(path, f"[[comparison]] entry {i}", c.get("cue")), c["value"]))
        levels = _str_map(path, "[region.suffix_levels]", region["suffix_levels"])
        anaphora = _str_map(path, "[region.anaphora]", region["anaphora"])
        for where, mapping in (("suffix_levels", levels), ("anaphora", anaphora)):
            bad = {k: v for k, v in mapping.items() if v not in LEVELS}
            if bad:
                raise RuleError(f"{path}: [region.{where}] unknown level in {bad}; use one of {sorted(LEVELS)}")
        rules = MetricRules(
            arabic=_regex(path, "[number] arabic", number["arabic"]),
            chinese=_regex(path, "[number] chinese", number["chinese"]),
            sign=_regex(path, "[number] sign", number.get("sign", "(?!)")),
            magnitude=_regex(path, "[number] magnitude", number.get("magnitude", "(?!)")),
            list_separator=str(number.get("list_separator", "")),
            bare_magnitude=_regex(path, "[number] bare_magnitude", number.get("bare_magnitude", "(?!)")),
            implied_units=_implied(path, data),
            range_magnitude=_regex(path, "[number] range_magnitude", number.get("range_magnitude", "(?!)")),
            range_joiners=tuple(number.get("range_joiners", [])),
            min_chinese_value=float(number.get("min_chinese_value", 0)),
            jiao_fen=_regex(path, "[number] jiao_fen", number.get("jiao_fen", "")),
            currency_before=_str_map(path, "[currency.before]", data.get("currency", {}).get("before", {})),
            currency_after=_str_map(path, "[currency.after]", data.get("currency", {}).get("after", {})),
            qualifiers_inner=_str_map(path, "[qualifiers.inner]", quals.get("inner", {})),
            qualifiers_before=_str_map(path, "[qualifiers.before]", quals.get("before", {})),
            qualifiers_after=_str_map(path, "[qualifiers.after]", quals.get("after", {})),
            units=_units(path, data),
            rank_surface=_regex(path, "[rank] surface", rank["surface"]),
            rank_cue=_regex(path, "[rank] cue", rank["cue"]),
            rank_not_before=_regex(path, "[rank] not_before", rank.get("not_before", "(?!)")),
            growth_cue=_regex(path, "[percent] growth_cue", pct["growth_cue"]),
            decrease_cue=_regex(path, "[percent] decrease_cue", pct.get("decrease_cue", "(?!)")),
            change_cue=_regex(path, "[percent] change_cue", pct.get("change_cue", "(?!)")),
            listed_before=_regex(path, "[percent] listed_before", pct.get("listed_before", "(?!)")),
            percent_chinese=_regex(path, "[percent] chinese", pct["chinese"]),
            comparisons=tuple(comparisons),
            target_strong=_regex(path, "[target] strong", target["strong"]),
            target_weak=_regex(path, "[target] weak", target["weak"]),
            achieved=_regex(path, "[target] achieved", target["achieved"]),
            exclude_in_quotes=bool(exclude.get("in_quotes", True)),
            max_quote_chars=int(exclude.get("max_quote_chars", 16)),
            quote_pairs=tuple(exclude.get("quote_pairs", ["“”"])),
            exclude_left=_regex(path, "[exclude] left", exclude["left"]),
            exclude_right=_regex(path, "[exclude] right", exclude["right"]),
            exclude_chinese_right=_regex(path, "[exclude] chinese_right", exclude.get("chinese_right", "(?!)")),
            exclude_chinese_left=_regex(path, "[exclude] chinese_left", exclude.get("chinese_left", "(?!)")),
            session_units=_regex(path, "[exclude] session_units", exclude["session_units"]),
            session_right=_regex(path, "[exclude] session_right", exclude["session_right"]),
            periods=_periods(path, data),
            year_pattern=_regex(path, "[year] pattern", year["pattern"]),
            region_boundary=_regex(path, "[region] boundary", region["boundary"]),
            region_stem=_regex(path, "[region] stem", region["stem"]),
            region_normalise=_str_map(path, "[region] normalise", region.get("normalise", {})),
            region_stop_prefix=_regex(path, "[region] stop_prefix", region["stop_prefix"]),
            region_stop_suffix=_regex(path, "[region] stop_suffix", region["stop_suffix"]),
            region_suffix_levels=levels,
            region_anaphora=anaphora,
            region_vouch=_regex(path, "[region] vouch", region["vouch"]),
            region_stop_words=_regex(path, "[region] stop_words", region["stop_words"]),
            region_min_mentions=int(region.get("min_mentions", 1)),
            indicator_split=_regex(path, "[indicator] split", _table(path, data, "indicator")["split"]),
            indicators=load_indicators(indicators),
        )
    except KeyError as err:
        raise RuleError(f"{path}: missing key {err}") from None
    if any(not isinstance(q, str) or len(q) != 2 for q in rules.quote_pairs):
        raise RuleError(f"{path}: [exclude] quote_pairs: each entry is an opening and a closing mark, got "
                        f"{rules.quote_pairs!r}")
    if re.search(r"\(\?P?<", rules.rank_surface + rules.arabic + rules.chinese + rules.sign + rules.jiao_fen
                 + rules.magnitude + rules.bare_magnitude):
        raise RuleError(f"{path}: [number]/[rank] patterns must not use named groups")
    return rules


@cache
def default_metric_rules() -> MetricRules:
    return load_metric_rules()
