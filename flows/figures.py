"""Figures as people read them: values written the way reports write them (567亿元, 8.5%), indicator and
region names resolved the way the extractor resolves them, and one indicator's series from the
fct_indicator_series mart for `gazette figures` and the HTML report."""

from __future__ import annotations

from functools import cache

import duckdb
import polars as pl

SERIES_COLUMNS = ("region", "region_full_name", "indicator", "measure", "is_target", "year", "full_year",
                  "period_label", "period_start", "period_end", "value", "unit", "base_value", "base_unit",
                  "documents", "values_stated", "document_id", "headline", "published_on", "sentence")


@cache
def _units() -> tuple[pl.DataFrame, dict[str, str], str]:
    """(written unit -> its stem and the stem's factor to the base unit, base unit -> its plain unit, the
    magnitude prefixes), all from transforms/rules/metrics.toml."""
    from transforms.extract.metric_rules import default_metric_rules

    rules = default_metric_rules()
    table = rules.unit_table().unique("unit", keep="first", maintain_order=True)
    plain = table.filter(pl.col("scale") == 1)
    stems = (table.select("unit", "base_unit", stem=pl.col("unit").str.replace(f"^(?:{rules.magnitude})", ""))
             .join(plain.select(stem="unit", base_unit="base_unit", stem_factor="factor"), on=["stem", "base_unit"],
                   how="left")
             .select("unit", "stem", "stem_factor"))
    # a base unit's plain word: its shortest unit of factor 1 (元, 人), the first listed on a tie; counts of
    # things mix measure words (个, 家, 辆), so they go bare
    base_plain = dict(plain.filter(pl.col("factor") == 1).with_row_index()
                      .sort(pl.col("unit").str.len_chars(), "index").unique("base_unit", keep="first")
                      .select("base_unit", "unit").iter_rows())
    base_plain["item"] = ""
    return stems, base_plain, rules.magnitude


def plain_unit(base_unit: str | None) -> str:
    """The word a base unit is written with (元 for CNY, % for pct; counts of things go bare)."""
    return {"pct": "%", "pct_point": "个百分点", "rank": "位"}.get(base_unit or "", _units()[1].get(base_unit or "", ""))


def _number(x: pl.Expr) -> pl.Expr:
    """2 decimals at most, no trailing zeros: 838.7, 567, 4650.99."""
    text = x.round(2).cast(pl.String)
    return pl.when(text.str.contains(r"\.")).then(text.str.strip_chars_end("0").str.strip_chars_end(".")).otherwise(text)


def with_shown_value(frame: pl.DataFrame) -> pl.DataFrame:
    """Adds `shown`: each figure as a report writes it. Amounts are rescaled to 万/亿/万亿 of their unit from
    base_value (so 1520000000000元 reads 1.52万亿元); rates, points and ranks keep their own form."""
    stems, base_plain, magnitude_pattern = _units()
    bare = pl.col("unit").str.contains(f"^(?:{magnitude_pattern})$").fill_null(False)  # 3.5亿: the base unit's
    frame = frame.join(stems, on="unit", how="left").with_columns(
        stem=pl.when(bare).then(pl.lit("")).otherwise("stem"),
        stem_factor=pl.when(bare).then(pl.lit(1.0)).otherwise("stem_factor"))
    unit_word = pl.coalesce(pl.when(pl.col("stem") != "").then(pl.col("stem")),
                            pl.col("base_unit").replace_strict(base_plain, default=None, return_dtype=pl.String),
                            pl.col("unit"), pl.lit(""))
    amount = pl.col("base_value") / pl.col("stem_factor")
    scaled_written = pl.col("unit").str.len_chars() > pl.col("stem").str.len_chars()
    magnitude = (pl.when(amount.abs() >= 1e12).then(pl.struct(d=pl.lit(1e12), w=pl.lit("万亿")))
                 .when(amount.abs() >= 1e8).then(pl.struct(d=pl.lit(1e8), w=pl.lit("亿")))
                 .when((amount.abs() >= 1e5) | ((amount.abs() >= 1e4) & scaled_written))
                 .then(pl.struct(d=pl.lit(1e4), w=pl.lit("万")))
                 .otherwise(pl.struct(d=pl.lit(1.0), w=pl.lit(""))))
    shown = (
        pl.when(pl.col("base_unit") == "pct").then(_number(pl.col("base_value")) + "%")
        .when(pl.col("base_unit") == "pct_point").then(_number(pl.col("base_value")) + "个百分点")
        .when(pl.col("measure") == "rank").then("第" + _number(pl.col("base_value")) + "位")
        .when(pl.col("stem_factor").is_not_null())
        .then(_number(amount / magnitude.struct.field("d")) + magnitude.struct.field("w") + unit_word)
        .otherwise(_number(pl.col("value")) + pl.col("unit").fill_null(""))
    )
    return frame.with_columns(shown=shown).drop("stem", "stem_factor")


@cache
def _alias_table() -> dict[str, str]:
    from transforms.extract.metric_rules import default_metric_rules

    return {alias: ind.name for ind in default_metric_rules().indicators for alias in (ind.name, *ind.aliases)}


def _simplified(text: str) -> str:
    from transforms.extract.script import to_simplified

    return to_simplified(pl.Series([text]))[0]


def resolve_indicator(name: str) -> str:
    """The canonical indicator an alias names (GDP, 生产总值 -> 地区生产总值, Traditional script too), as the
    extractor maps it (transforms/rules/indicators.csv); any other name as given (a noun-phrase indicator)."""
    name = _simplified(name.strip())
    aliases = _alias_table()
    folded = {alias.casefold(): canonical for alias, canonical in aliases.items()}
    return aliases.get(name) or folded.get(name.casefold()) or name


def resolve_region(name: str, known: pl.DataFrame) -> pl.DataFrame:
    """The rows of known (region, region_full_name, region_code) that name means: the region itself by name
    or full name, else the units whose names in the gazetteer (short forms like 二七 for 二七区 included,
    as the extractor reads them) are that name."""
    name = _simplified(name.strip())
    exact = known.filter((pl.col("region") == name) | (pl.col("region_full_name") == name))
    if not exact.is_empty():
        return exact
    from transforms.extract.gazetteer import load_gazetteer

    codes = load_gazetteer().surface_rows(pl.Series([name]))["code"]
    return known.filter(pl.col("region_code").is_in(codes.implode()))


def read_series(con: duckdb.DuckDBPyConnection, indicator: str, *, region: str | None = None,
                from_year: int | None = None, to_year: int | None = None,
                measures: tuple[str, ...] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(figures with a year, figures without one) of an indicator from fct_indicator_series, each with
    `shown`. Dated rows are ordered by region, measure, year and period; a region names one or more."""
    rows = con.sql("select * from fct_indicator_series where indicator = $name", params={"name": indicator}).pl()
    if measures:
        rows = rows.filter(pl.col("measure").is_in(measures))
    if region is not None:
        places = resolve_region(region, rows.select("region", "region_full_name", "region_code").unique())
        rows = rows.filter(pl.col("region_full_name").is_in(places["region_full_name"].implode()))
    rows = with_shown_value(rows)
    dated = rows.filter(pl.col("year").is_not_null())
    if from_year is not None:
        dated = dated.filter(pl.col("year") >= from_year)
    if to_year is not None:
        dated = dated.filter(pl.col("year") <= to_year)
    dated = dated.sort("region_full_name", "measure", "is_target", "year", "period_start", "period_end")
    undated = rows.filter(pl.col("year").is_null()).sort("region_full_name", "measure", "published_on",
                                                           nulls_last=True)
    return dated, undated


def indicator_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [name for (name,) in con.execute(
        "select indicator from fct_indicator_series group by all order by count(*) desc, indicator").fetchall()]


def shorten(text: str | None, limit: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
