"""`gazette report --html FILE`: one self-contained page of charts drawn from the dbt marts.

Charts are Vega-Lite specifications made with altair, drawn in the browser by the Vega JavaScript that
vl-convert-python bundles; the bundle and the data are inlined, so nothing is fetched when the page opens.
Every figure's mark carries its value as reports write it (567亿元, 8.5%), its period, region and the
headline, date and sentence it was read from. A short script records on <body> how many charts drew
(data-charts-drawn="N/M") and whether Chinese text has glyphs (data-cjk-glyphs), for the browser test."""

from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import altair as alt
import duckdb
import polars as pl

from reports.figures import plain_unit, shorten, with_shown_value

FONT = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif"
LEVELS = ["province", "city", "district", "county", "subdistrict", "town", "community", "village"]
# what a figure's tooltip shows, in this order
FIGURE_TOOLTIP = [("shown", "value"), ("unit", "unit"), ("period", "period"), ("region", "region"),
                  ("headline", "headline"), ("published_on", "date"), ("sentence", "sentence")]
WIDTH = 640


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


@cache
def _vega_script(cache: Path | None) -> str:
    """Vega, Vega-Lite and vega-embed as one script (vl-convert bundles them; nothing to fetch), kept in
    the cache folder ($GAZETTE_CACHE) when one is given: bundling takes seconds, and the same versions always
    give the same script."""
    import vl_convert
    from altair.utils._importers import vl_version_for_vl_convert

    from warehouse.outputs import atomic_output

    version = vl_version_for_vl_convert()
    if cache is None:
        return vl_convert.javascript_bundle(vl_version=version)
    kept = cache / f"vega-embed-{vl_convert.__version__}-{version}.js"
    if kept.exists():
        return kept.read_text(encoding="utf-8")
    script = vl_convert.javascript_bundle(vl_version=version)
    try:
        with atomic_output(kept) as partial:
            partial.write_text(script, encoding="utf-8")
    except OSError:
        pass  # a read-only cache folder costs the next report the bundling, nothing else
    return script


def main_indicators() -> list[str]:
    """The indicators reports lead with: the dbt project's var main_indicators."""
    import yaml

    from reports.marts import DBT_DIR

    project = yaml.safe_load((DBT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return list(project["vars"]["main_indicators"])


def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pl.DataFrame:
    return con.sql(sql).pl()


def _for_chart(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates as ISO text and no nested columns: what goes into a spec's inline data."""
    return frame.with_columns(pl.col(pl.Date, pl.Datetime).cast(pl.String)).select(
        pl.exclude(pl.List, pl.Struct, pl.Array))


def _figures(frame: pl.DataFrame) -> pl.DataFrame:
    """fct_indicator_series rows with what a figure's tooltip shows."""
    frame = with_shown_value(frame)
    period = (pl.when(pl.col("year").is_null()).then(pl.coalesce("period_label", pl.lit("year not stated")))
              .when(pl.col("full_year")).then(pl.col("year").cast(pl.String))
              .otherwise(pl.col("year").cast(pl.String) + " " + pl.col("period_label").fill_null("")))
    return frame.with_columns(period=period, unit=pl.col("unit").fill_null(""),
                              headline=pl.col("headline").fill_null("(no headline)"),
                              sentence=_short("sentence"))


def _short(column: str, limit: int = 160) -> pl.Expr:
    text = pl.col(column).fill_null("").str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(text.str.len_chars() > limit).then(text.str.slice(0, limit - 1) + "…").otherwise(text)


def _tooltip(fields=FIGURE_TOOLTIP) -> list[alt.Tooltip]:
    return [alt.Tooltip(f"{name}:N", title=title) for name, title in fields]


def _scale(base_unit: str | None, peak: float) -> tuple[float, str]:
    """Divisor and axis unit for amounts in base_unit whose largest is peak: 亿元 for billions of yuan."""
    word = plain_unit(base_unit)
    if base_unit in ("pct", "pct_point", "rank"):
        return 1.0, word
    if abs(peak) >= 1e8:
        return 1e8, "亿" + word
    if abs(peak) >= 1e5:
        return 1e4, "万" + word
    return 1.0, word


def _table(columns: list[str], rows: list[tuple], limit: int = 60) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in rows[:limit])
    more = f'<p class="note">{len(rows) - limit} more rows not shown.</p>' if len(rows) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _source_rows(frame: pl.DataFrame) -> list[tuple]:
    return [(r["period"], r["region"], r["shown"], r["headline"], r["published_on"] or "", shorten(r["sentence"], 80))
            for r in frame.iter_rows(named=True)]


SOURCE_COLUMNS = ["period", "region", "value", "headline", "date", "sentence"]


class Page:
    """Sections of HTML and the chart specs they hold."""

    def __init__(self) -> None:
        self.sections: list[tuple[str, str, str]] = []
        self.specs: list[dict] = []

    def chart(self, chart: alt.TopLevelMixin, caption: str = "") -> str:
        spec = chart.configure(font=FONT).to_dict()
        self.specs.append(spec)
        note = f"<figcaption>{_e(caption)}</figcaption>" if caption else ""
        return f'<figure class="chart"><div class="vega" id="chart-{len(self.specs)}"></div>{note}</figure>'

    def add(self, sid: str, title: str, content: str) -> None:
        self.sections.append((sid, title, content))


def _series_section(page: Page, series: pl.DataFrame, main: list[str]) -> None:
    """Per main indicator, the achieved whole-year values over the years of the regions with two or more."""
    yearly = series.filter(pl.col("year").is_not_null() & pl.col("full_year") & ~pl.col("is_target")
                           & pl.col("measure").is_in(["level", "growth_pct"]) & pl.col("indicator").is_in(main))
    years = yearly.group_by("indicator", "measure", "base_unit", "region_full_name").agg(pl.col("year").n_unique())
    kept = years.filter(pl.col("year") >= 2).drop("year")
    parts = []
    for indicator in main:
        for measure in ("level", "growth_pct"):
            rows = yearly.join(kept.filter((pl.col("indicator") == indicator) & (pl.col("measure") == measure)),
                               on=["indicator", "measure", "base_unit", "region_full_name"], how="semi")
            if rows.is_empty():
                continue
            rows = _figures(rows).sort("region", "year")
            divisor, unit = _scale(rows["base_unit"][0], rows["base_value"].abs().max())
            rows = rows.with_columns(amount=pl.col("base_value") / divisor)
            what = f"{indicator}{'增速' if measure == 'growth_pct' else ''}"
            chart = alt.Chart(_for_chart(rows), title=f"{what} ({unit})", width=WIDTH, height=240).mark_line(
                point=alt.OverlayMarkDef(size=70, filled=True)).encode(
                x=alt.X("year:Q", title="year", axis=alt.Axis(format="d", tickMinStep=1),
                        scale=alt.Scale(zero=False, nice=False, padding=20)),
                y=alt.Y("amount:Q", title=unit),
                color=alt.Color("region:N", title="region"),
                tooltip=_tooltip())
            parts.append(f"<h3>{_e(what)}</h3>" + page.chart(chart) + _table(SOURCE_COLUMNS, _source_rows(rows)))
    single = yearly.join(kept, on=["indicator", "measure", "base_unit", "region_full_name"], how="anti")
    note = (f'<p class="note">{single.height} more whole-year figures of main indicators belong to regions with '
            'one year only; the next section shows the latest of them by region.</p>')
    page.add("series", "Main indicators over the years (主要指标历年数值)",
             ("".join(parts) if parts else '<p class="note">No region has a main indicator for two or more '
                                           'years yet.</p>') + note)


def _latest_section(page: Page, series: pl.DataFrame, main: list[str]) -> None:
    """Per main indicator, each region's latest achieved whole-year level, largest first."""
    latest = (series.filter(pl.col("year").is_not_null() & pl.col("full_year") & ~pl.col("is_target")
                            & (pl.col("measure") == "level") & pl.col("indicator").is_in(main))
              .sort("year", descending=True).unique(["indicator", "base_unit", "region_full_name"], keep="first"))
    parts = []
    for indicator in main:
        rows = latest.filter(pl.col("indicator") == indicator)
        if rows.is_empty():
            continue
        # one unit per chart: the unit most of its figures have
        unit_of_most = rows["base_unit"].mode().sort()[0]
        rows = _figures(rows.filter(pl.col("base_unit") == unit_of_most)).sort("base_value", descending=True)
        divisor, unit = _scale(unit_of_most, rows["base_value"].abs().max())
        rows = rows.with_columns(amount=pl.col("base_value") / divisor, label=pl.col("region") + " " + pl.col("period"))
        bars = alt.Chart(_for_chart(rows), title=f"{indicator}: latest year by region ({unit})", width=WIDTH).encode(
            y=alt.Y("label:N", sort=None, title=None), x=alt.X("amount:Q", title=unit), tooltip=_tooltip())
        chart = bars.mark_bar(color="#4e79a7") + bars.mark_text(align="left", dx=4).encode(text="shown:N")
        parts.append(page.chart(chart))
    page.add("latest", "Latest value by region (各地区最新数值)",
             "".join(parts) or '<p class="note">No whole-year figures of main indicators yet.</p>')


def _targets_section(page: Page, con: duckdb.DuckDBPyConnection) -> None:
    """Targets with an achieved figure in their period, drawn; targets with none, listed apart."""
    pairs = _frame(con, "select * from fct_actual_vs_target order by region, indicator, target_period_start")
    target = with_shown_value(pairs.select("measure", "base_unit", value="target_value", unit="target_unit",
                                           base_value="target_base_value"))["shown"]
    actual = with_shown_value(pairs.select("measure", "base_unit", value="actual_value", unit="actual_unit",
                                           base_value="actual_base_value"))["shown"]
    pairs = pairs.with_columns(target_shown=target, actual_shown=actual)
    met = pairs.filter(pl.col("actual_value").is_not_null())
    open_targets = pairs.filter(pl.col("actual_value").is_null())
    content = ""
    if met.is_empty():
        content += '<p class="note">No target has an achieved figure for its period yet.</p>'
    else:
        marks = pl.concat([
            met.select("region", "indicator", "measure", "base_unit", "target_period_label",
                       kind=pl.lit("target"), shown="target_shown", base_value="target_base_value",
                       unit=pl.col("target_unit").fill_null(""), period=pl.col("target_period_label").fill_null(""),
                       headline="target_headline", published_on="target_published_on", sentence="target_evidence"),
            met.select("region", "indicator", "measure", "base_unit", "target_period_label",
                       kind=pl.lit("achieved"), shown="actual_shown", base_value="actual_base_value",
                       unit=pl.col("actual_unit").fill_null(""), period=pl.col("actual_period_label").fill_null(""),
                       headline="actual_headline", published_on="actual_published_on", sentence="actual_evidence"),
        ]).with_columns(
            row=pl.col("region") + " " + pl.col("indicator") + " " + pl.col("target_period_label").fill_null(""),
            headline=pl.col("headline").fill_null("(no headline)"),
            sentence=_short("sentence"))
        # as a share of the target, so that targets in different units share one axis
        marks = marks.with_columns(
            share=100 * pl.col("base_value") / pl.col("base_value").filter(pl.col("kind") == "target").first()
            .over("row", "measure", "base_unit"))
        base = alt.Chart(_for_chart(marks), title="achieved against target (% of the target)", width=WIDTH)
        chart = (base.mark_rule(color="#999").encode(y=alt.Y("row:N", title=None), x="min(share):Q", x2="max(share):Q")
                 + base.mark_point(filled=True, size=110).encode(
                     y=alt.Y("row:N", title=None), x=alt.X("share:Q", title="% of the target"),
                     color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=["target", "achieved"],
                                                                           range=["#f28e2b", "#4e79a7"])),
                     shape=alt.Shape("kind:N", legend=None),
                     tooltip=[alt.Tooltip("kind:N", title="figure"), *_tooltip()]))
        content += page.chart(chart) + _table(
            ["region", "indicator", "period", "target", "achieved", "achieved in", "target from", "achieved from"],
            [(r["region"], r["indicator"], r["target_period_label"] or "", r["target_shown"], r["actual_shown"],
              r["actual_period_label"] or "", r["target_headline"] or "", r["actual_headline"] or "")
             for r in met.iter_rows(named=True)])
    content += (f"<h3>Open targets: no achieved figure yet ({open_targets.height})</h3>"
                + _table(["region", "indicator", "period", "target", "headline", "date", "sentence"],
                         [(r["region"], r["indicator"], r["target_period_label"] or "", r["target_shown"],
                           r["target_headline"] or "", r["target_published_on"] or "",
                           shorten(r["target_evidence"], 80)) for r in open_targets.iter_rows(named=True)], 40))
    page.add("targets", "Targets against actuals (目标与完成)", content)


def _undated_section(page: Page, series: pl.DataFrame, main: list[str]) -> None:
    rows = _figures(series.filter(pl.col("year").is_null() & pl.col("indicator").is_in(main))
                    .sort("indicator", "region_full_name", "measure"))
    page.add("undated", "Figures without a year (年份不详的数据)",
             f'<p class="note">{rows.height} figures of main indicators whose text names no single year '
             '(or a span of years); they are in no chart above. The date is the article\'s.</p>'
             + _table(["indicator", "period as written", "region", "value", "target", "headline", "date", "sentence"],
                      [(r["indicator"], r["period_label"] or "", r["region"], r["shown"],
                        "目标" if r["is_target"] else "", r["headline"], r["published_on"] or "",
                        shorten(r["sentence"], 80)) for r in rows.iter_rows(named=True)], 80))


def _documents_section(page: Page, con: duckdb.DuckDBPyConnection) -> None:
    months = _frame(con, "select publication, strftime(month, '%Y-%m') as month, documents "
                         "from fct_documents_by_publication_month")
    dated = months.filter(pl.col("month").is_not_null())
    undated = months.filter(pl.col("month").is_null())["documents"].sum()
    chart = alt.Chart(_for_chart(dated), title="documents per month", width=WIDTH, height=200).mark_bar().encode(
        x=alt.X("month:O", title="month"), y=alt.Y("sum(documents):Q", title="documents"),
        color=alt.Color("publication:N", title="publication"),
        tooltip=["month:N", "publication:N", "sum(documents):Q"])
    page.add("documents", "Documents over time (文章数量)",
             page.chart(chart) + f'<p class="note">{undated} documents have no publication date and are not shown.</p>')


def _regions_section(page: Page, con: duckdb.DuckDBPyConnection) -> None:
    regions = _frame(con, "select region, region_level, region_full_name, sum(own_figures)::int as own, "
                          "sum(below_figures)::int as below from fct_figures_by_region group by all "
                          "order by region_full_name limit 60")
    indent = pl.col("region_level").replace_strict({lv: i for i, lv in enumerate(LEVELS)}, default=0,
                                                   return_dtype=pl.Int64)
    rows = regions.with_columns(label=pl.lit("\u3000").repeat_by(indent).list.join("") + pl.col("region")).unpivot(
        index=["label", "region_full_name", "region_level"], on=["own", "below"], variable_name="whose",
        value_name="figures")
    chart = alt.Chart(_for_chart(rows), title="figures per region, down the hierarchy", width=WIDTH).mark_bar().encode(
        y=alt.Y("label:N", sort=None, title=None), x=alt.X("figures:Q", title="figures"),
        color=alt.Color("whose:N", title=None, scale=alt.Scale(domain=["own", "below"], range=["#4e79a7", "#a0cbe8"])),
        tooltip=[alt.Tooltip("region_full_name:N", title="region"), alt.Tooltip("region_level:N", title="level"),
                 alt.Tooltip("whose:N", title="figures of"), alt.Tooltip("figures:Q", title="figures")])
    page.add("regions", "Figures per region, down the hierarchy (各级地区数据)", page.chart(chart))


def _officials_section(page: Page, con: duckdb.DuckDBPyConnection) -> None:
    roster = _frame(con, "select person, title, organization, region, first_seen_on, last_seen_on, documents "
                         "from fct_officials_roster order by first_seen_on nulls last, person limit 60")
    dated = roster.filter(pl.col("first_seen_on").is_not_null()).with_columns(
        label=pl.col("person") + " · " + pl.col("title"))
    undated = roster.height - dated.height
    chart = alt.Chart(_for_chart(dated), title="officials' titles", width=WIDTH).mark_bar(
        cornerRadius=4, minBandSize=6).encode(
        y=alt.Y("label:N", sort=None, title=None), x=alt.X("first_seen_on:T", title="first and last document"),
        x2="last_seen_on:T", color=alt.Color("organization:N", legend=None),
        tooltip=["person:N", "title:N", "organization:N", "region:N", "first_seen_on:T", "last_seen_on:T",
                 "documents:Q"])
    page.add("officials", "Officials' titles on a timeline (领导干部)", page.chart(chart) + (
        f'<p class="note">{undated} officials named only in undated documents are not drawn: '
        '<code>gazette report fct_officials_roster</code> lists everyone.</p>' if undated else ""))


def _reconciliation_section(page: Page, con: duckdb.DuckDBPyConnection) -> None:
    conflicts = _frame(con, "select * from fct_reconciliation order by abs(base_value_b - base_value_a) / "
                            "greatest(abs(base_value_a), abs(base_value_b), 1e-9) desc, region, indicator limit 30")
    content = f'<p class="note">{conflicts.height} conflicts: <code>gazette report fct_reconciliation</code> ' \
              'lists them with both sources.</p>'
    if not conflicts.is_empty():
        conflicts = conflicts.with_row_index("n").with_columns(
            row=pl.col("region") + " " + pl.col("indicator") + " " + pl.col("period_start").cast(pl.String))
        sides = pl.concat([conflicts.select(
            "n", "row", "region", "measure", "base_unit", "period_start", "period_end", document=pl.lit(side.upper()),
            value=f"value_{side}", unit=f"unit_{side}", base_value=f"base_value_{side}", headline=f"headline_{side}",
            published_on=f"published_on_{side}", sentence=f"evidence_{side}") for side in "ab"])
        sides = with_shown_value(sides).with_columns(
            period=pl.col("period_start").cast(pl.String) + "–" + pl.col("period_end").cast(pl.String),
            unit=pl.col("unit").fill_null(""), headline=pl.col("headline").fill_null("(no headline)"),
            sentence=_short("sentence"),
            share=100 * pl.col("base_value") / pl.col("base_value").abs().max().over("n"))
        chart = alt.Chart(_for_chart(sides), title="one figure, two values (% of the larger)", width=WIDTH).mark_point(
            filled=True, size=110).encode(
            y=alt.Y("row:N", title=None), x=alt.X("share:Q", title="% of the larger value"),
            color=alt.Color("document:N", title="document"), tooltip=[alt.Tooltip("document:N"), *_tooltip()])
        content = page.chart(chart) + content + _table(
            ["region", "indicator", "period", "A", "B", "document A", "document B"],
            [(r["region"], r["indicator"], r["period_start"], a, b, r["headline_a"] or "", r["headline_b"] or "")
             for r, a, b in zip(conflicts.iter_rows(named=True), sides.filter(pl.col("document") == "A")["shown"],
                                sides.filter(pl.col("document") == "B")["shown"])])
    page.add("reconciliation", "Reconciliation: one figure, two values (数据冲突)", content)


def _quality_section(page: Page, con: duckdb.DuckDBPyConnection) -> None:
    quality = pl.concat([
        _frame(con, "select 'quarantined: ' || reason as label, count(*)::int as n from fct_quarantine group by all"),
        _frame(con, "select 'cleaned: ' || action || ': ' || reason as label, lines::int as n "
                    "from fct_cleaning_by_reason order by lines desc limit 15"),
    ]).sort("n", descending=True)
    shares = _frame(con, "unpivot (select 100 * avg(share_with_region) as \"figures with a region\", "
                         "100 * avg(share_with_indicator) as \"figures with an indicator\", "
                         "100 * avg(share_with_period) as \"figures with a period\", "
                         "100 * avg(dated::int) as \"documents with a date\" from fct_extraction_coverage) "
                         "on columns(*) into name label value share").with_columns(pl.col("share").round(1))
    chart_q = alt.Chart(quality, title="quarantine and cleaning", width=WIDTH).mark_bar(color="#76b7b2").encode(
        y=alt.Y("label:N", sort=None, title=None), x=alt.X("n:Q", title="files or lines"), tooltip=["label:N", "n:Q"])
    chart_c = alt.Chart(shares, title="extraction coverage (mean over documents)", width=WIDTH).mark_bar(
        color="#59a14f").encode(y=alt.Y("label:N", sort=None, title=None),
                                x=alt.X("share:Q", title="%", scale=alt.Scale(domain=[0, 100])),
                                tooltip=["label:N", "share:Q"])
    page.add("quality", "Data quality (数据质量)", page.chart(chart_q) + page.chart(chart_c))


def build_page(con: duckdb.DuckDBPyConnection) -> Page:
    page = Page()
    series = _frame(con, "select * from fct_indicator_series")
    main = main_indicators()
    _series_section(page, series, main)
    _latest_section(page, series, main)
    _targets_section(page, con)
    _undated_section(page, series, main)
    _documents_section(page, con)
    _regions_section(page, con)
    _officials_section(page, con)
    _reconciliation_section(page, con)
    _quality_section(page, con)
    return page


PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gazette report</title>
<style>
body {{ font-family: {font}; margin: 24px; color: #222; max-width: 1200px; }}
h1 {{ font-size: 22px; }} h2 {{ font-size: 17px; margin-top: 32px; border-bottom: 1px solid #ddd; }}
h3 {{ font-size: 14px; margin: 18px 0 4px; }}
figure.chart {{ margin: 8px 0; overflow-x: auto; }}
table {{ border-collapse: collapse; font-size: 12px; margin: 8px 0; }}
td, th {{ border: 1px solid #ddd; padding: 2px 6px; text-align: left; vertical-align: top; }}
.note, figcaption {{ color: #666; font-size: 12px; }}
#vg-tooltip-element {{ max-width: 420px; white-space: normal; font-family: {font}; }}
</style>
<script>
{vega}
</script>
</head>
<body data-charts-drawn="0/{n}" data-cjk-glyphs="unknown">
<h1>Gazette report (数据报告)</h1>
<p class="note">Warehouse marts: {marts} · written {written} UTC · {n} charts · hover a mark for its value,
period, region and the sentence it was read from</p>
<nav>{nav}</nav>
{sections}
<script type="application/json" id="specs">{specs}</script>
<script>
(function () {{
  var specs = JSON.parse(document.getElementById('specs').textContent);
  var drawing = specs.map(function (spec, i) {{
    return vegaEmbed('#chart-' + (i + 1), spec, {{renderer: 'svg', actions: false}})
      .then(function () {{ return true; }}, function (err) {{ console.error(err); return false; }});
  }});
  Promise.all(drawing).then(function () {{
    // a chart drew when its SVG has a box and marks in it
    var drawn = 0;
    document.querySelectorAll('figure.chart').forEach(function (f) {{
      var svg = f.querySelector('svg.marks');
      var ok = !!svg && svg.getBBox().width > 0 && svg.querySelectorAll('path, rect, line, text, circle').length > 0;
      f.setAttribute('data-drawn', ok ? 'yes' : 'no');
      if (ok) drawn += 1;
    }});
    document.body.setAttribute('data-charts-drawn', drawn + '/' + specs.length);
  }});
  // Chinese has glyphs when two different characters draw differently and unlike a character no font has
  // (missing glyphs all draw as the same box)
  var canvas = document.createElement('canvas');
  canvas.width = 40; canvas.height = 40;
  var ctx = canvas.getContext('2d');
  function ink(ch) {{
    ctx.clearRect(0, 0, 40, 40);
    ctx.font = '32px ' + getComputedStyle(document.body).fontFamily;
    ctx.fillText(ch, 2, 34);
    return Array.prototype.join.call(ctx.getImageData(0, 0, 40, 40).data, ',');
  }}
  var one = ink('地'), two = ink('区'), none = ink('\\uE000');
  document.body.setAttribute('data-cjk-glyphs', one !== two && one !== none && two !== none ? 'yes' : 'no');
}})();
</script>
</body></html>
"""


def render_html(marts: Path, cache: Path | None = None) -> str:
    con = duckdb.connect(str(marts), read_only=True)
    try:
        page = build_page(con)
    finally:
        con.close()
    nav = " · ".join(f'<a href="#{sid}">{_e(title)}</a>' for sid, title, _ in page.sections)
    body = "\n".join(f'<section id="{sid}"><h2>{_e(title)}</h2>{content}</section>'
                     for sid, title, content in page.sections)
    # inside <script>, "</" would end the element early
    specs = json.dumps(page.specs, ensure_ascii=False, default=str).replace("</", "<\\/")
    return PAGE.format(font=FONT, n=len(page.specs), marts=_e(marts.name), nav=nav, sections=body, specs=specs,
                       vega=_vega_script(cache).replace("</script", "<\\/script"),
                       written=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"))


def write_html_report(marts: Path, path: Path, cache: Path | None = None) -> Path:
    from warehouse.outputs import atomic_output  # the one way reports and exports reach a file

    text = render_html(marts, cache)
    with atomic_output(path) as partial:
        partial.write_text(text, encoding="utf-8")
    return path
