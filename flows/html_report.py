"""`gazette report --html FILE`: one self-contained page of charts drawn from the dbt marts.

The charts are SVG written here (no chart library, nothing fetched when the page opens). A short inline
script counts the charts the browser laid out and records it on <body data-charts-drawn="N/M">, which the
headless-browser test reads."""

from __future__ import annotations

import html
import math
from datetime import datetime, timezone
from pathlib import Path

import duckdb

FONT = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif"
PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"]
LEVELS = ["province", "city", "district", "county", "subdistrict", "town", "community", "village"]


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _num(value: float) -> str:
    if value is None:
        return ""
    if abs(value) >= 1e8:
        return f"{value / 1e8:.4g}亿"
    if abs(value) >= 1e4:
        return f"{value / 1e4:.4g}万"
    return f"{value:.4g}"


def _width(text: str) -> int:
    """Rough width in px at 12px: CJK characters are about twice as wide as Latin ones."""
    return sum(12 if ord(c) > 0x2E80 else 7 for c in str(text))


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_e(title)}" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="12">'
            + "".join(body) + "</svg>")


def _no_data(title: str, why: str) -> str:
    return _svg(640, 60, [f'<text class="mark nodata" x="10" y="35" fill="#888">{_e(why)}</text>'], title)


def hbar_chart(title: str, rows: list[tuple[str, list[float]]], series: list[str], *, indent: list[int] | None = None,
               value_format=_num) -> str:
    """Horizontal bars, one row per label, series stacked."""
    if not rows:
        return _no_data(title, "no data")
    label_w = min(320, max(_width(label) + 16 * (max(indent) if indent else 0) for label, _ in rows) + 12)
    bar_w, row_h, top = 420, 22, 28
    total_max = max(sum(v or 0 for v in values) for _, values in rows) or 1
    body = []
    for i, name in enumerate(series):  # legend
        x = label_w + i * 140
        body.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>'
                    f'<text x="{x + 16}" y="16">{_e(name)}</text>')
    for r, (label, values) in enumerate(rows):
        y = top + r * row_h
        pad = 16 * (indent[r] if indent else 0)
        body.append(f'<text x="{pad + 4}" y="{y + 15}">{_e(label)}</text>'
                    f'<line class="mark" x1="{label_w}" y1="{y + 2}" x2="{label_w}" y2="{y + row_h - 2}" stroke="#999"/>')
        x = label_w
        for i, v in enumerate(values):
            w = bar_w * (v or 0) / total_max
            if w > 0:
                body.append(f'<rect class="mark" x="{x:.1f}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row_h - 6}" '
                            f'fill="{PALETTE[i % len(PALETTE)]}"><title>{_e(label)} {_e(series[i])}: '
                            f'{_e(value_format(v))}</title></rect>')
                x += w
        body.append(f'<text x="{x + 4:.1f}" y="{y + 15}" fill="#444">'
                    f'{_e(" / ".join(value_format(v) for v in values if v))}</text>')
    return _svg(label_w + bar_w + 160, top + len(rows) * row_h + 8, body, title)


def column_chart(title: str, labels: list[str], stacks: dict[str, list[float]]) -> str:
    """Vertical bars over time (labels in order), series stacked."""
    if not labels:
        return _no_data(title, "no dated documents")
    n = len(labels)
    step = max(14, min(48, 760 // n))
    left, top, plot_h = 40, 30, 200
    width = left + step * n + 20
    totals = [sum(s[i] for s in stacks.values()) for i in range(n)]
    peak = max(totals) or 1
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#999"/>',
            f'<text x="4" y="{top + 4}" fill="#666">{_num(peak)}</text>']
    for k, name in enumerate(stacks):
        body.append(f'<rect x="{left + k * 140}" y="6" width="12" height="12" fill="{PALETTE[k % len(PALETTE)]}"/>'
                    f'<text x="{left + k * 140 + 16}" y="16">{_e(name)}</text>')
    every = math.ceil(n / 12)
    for i, label in enumerate(labels):
        x = left + i * step
        y = top + plot_h
        for k, (name, values) in enumerate(stacks.items()):
            h = plot_h * values[i] / peak
            if h > 0:
                y -= h
                body.append(f'<rect class="mark" x="{x + 2}" y="{y:.1f}" width="{step - 4}" height="{h:.1f}" '
                            f'fill="{PALETTE[k % len(PALETTE)]}"><title>{_e(label)} {_e(name)}: '
                            f'{values[i]:g}</title></rect>')
        if i % every == 0:
            body.append(f'<text x="{x + step / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                        f'font-size="10">{_e(label)}</text>')
    return _svg(width, top + plot_h + 26, body, title)


def heatmap(title: str, rows: list[str], cols: list[str], cells: dict[tuple[str, str], float]) -> str:
    if not rows or not cols:
        return _no_data(title, "no figures with a region, an indicator and a year")
    label_w = max(_width(r) for r in rows) + 16
    cell_w = max(56, max(_width(c) for c in cols) // 2 + 8)
    top = 64
    peak = max(cells.values()) or 1
    body = []
    for j, col in enumerate(cols):
        x = label_w + j * cell_w + cell_w / 2
        body.append(f'<text x="{x:.1f}" y="{top - 8}" text-anchor="start" transform="rotate(-30 {x:.1f} {top - 8})"'
                    f' font-size="11">{_e(col)}</text>')
    for i, row in enumerate(rows):
        y = top + i * 24
        body.append(f'<text x="4" y="{y + 16}">{_e(row)}</text>')
        for j, col in enumerate(cols):
            v = cells.get((row, col), 0)
            shade = 0.08 + 0.92 * v / peak if v else 0.03
            body.append(f'<rect class="mark" x="{label_w + j * cell_w}" y="{y}" width="{cell_w - 2}" height="22" '
                        f'fill="#4e79a7" fill-opacity="{shade:.2f}"><title>{_e(row)} {_e(col)}: {v:g}</title></rect>')
            if v:
                body.append(f'<text x="{label_w + j * cell_w + cell_w / 2 - 1:.1f}" y="{y + 15}" text-anchor="middle" '
                            f'fill="{"#fff" if shade > 0.55 else "#222"}">{v:g}</text>')
    return _svg(label_w + cell_w * len(cols) + 20, top + 24 * len(rows) + 8, body, title)


def timeline(title: str, rows: list[dict]) -> str:
    """One line per person and title, from the first to the last document date naming them so."""
    dated = [r for r in rows if r["first_seen_on"] is not None]
    if not dated:
        return _no_data(title, f"{len(rows)} officials named, none in a dated document")
    start = min(r["first_seen_on"] for r in dated)
    end = max(r["last_seen_on"] for r in dated)
    span = max((end - start).days, 1)
    labels = [f'{r["person"]} · {r["title"]}' for r in dated]
    label_w = max(_width(label) for label in labels) + 12
    plot_w, top = 520, 30
    body = [f'<text x="{label_w}" y="16" fill="#666">{start}</text>',
            f'<text x="{label_w + plot_w}" y="16" text-anchor="end" fill="#666">{end}</text>']
    for i, (r, label) in enumerate(zip(dated, labels)):
        y = top + i * 20
        x0 = label_w + plot_w * (r["first_seen_on"] - start).days / span
        x1 = label_w + plot_w * (r["last_seen_on"] - start).days / span
        body.append(f'<text x="4" y="{y + 12}">{_e(label)}</text>'
                    f'<line x1="{label_w}" y1="{y + 8}" x2="{label_w + plot_w}" y2="{y + 8}" stroke="#eee"/>'
                    f'<rect class="mark" x="{x0:.1f}" y="{y + 3}" width="{max(x1 - x0, 6):.1f}" height="10" rx="5" '
                    f'fill="{PALETTE[i % len(PALETTE)]}"><title>{_e(label)} ({_e(r["organization"])}): '
                    f'{r["first_seen_on"]} – {r["last_seen_on"]}, {r["documents"]} documents</title></rect>')
    return _svg(label_w + plot_w + 20, top + 20 * len(dated) + 8, body, title)


def _table(columns: list[str], rows: list[tuple], limit: int = 50) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(_num(v) if isinstance(v, float) else v)}</td>" for v in row) + "</tr>"
                   for row in rows[:limit])
    more = f'<p class="note">{len(rows) - limit} more rows not shown.</p>' if len(rows) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def build_sections(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    """(id, title, HTML with one chart) for each section of the page."""
    sections = []

    months = _rows(con, "select publication, strftime(month, '%Y-%m') as month, documents "
                        "from fct_documents_by_publication_month order by month")
    labels = sorted({r["month"] for r in months if r["month"]})
    pubs = sorted({r["publication"] for r in months if r["month"]})
    stacks = {p: [sum(r["documents"] for r in months if r["publication"] == p and r["month"] == m) for m in labels]
              for p in pubs}
    undated = sum(r["documents"] for r in months if not r["month"])
    sections.append(("documents", "Documents over time (文章数量)",
                     column_chart("documents per month", labels, stacks)
                     + f'<p class="note">{undated} documents have no publication date and are not shown.</p>'))

    regions = _rows(con, "select region, region_level, region_full_name, sum(own_figures) as own, "
                         "sum(below_figures) as below from fct_figures_by_region group by all "
                         "order by region_full_name limit 60")
    sections.append(("regions", "Figures per region, down the hierarchy (各级地区数据)",
                     hbar_chart("figures per region", [(r["region"], [r["own"], r["below"]]) for r in regions],
                                ["own figures", "figures of regions below"],
                                indent=[LEVELS.index(r["region_level"]) if r["region_level"] in LEVELS else 0
                                        for r in regions], value_format=lambda v: f"{v:g}")))

    cells = _rows(con, "select region || ' ' || coalesce(year(period_start)::varchar, '?') as row_label, indicator, "
                       "sum(own_figures) as n from fct_figures_by_region where indicator is not null "
                       "and own_figures > 0 group by all")
    by_row: dict[str, float] = {}
    by_col: dict[str, float] = {}
    for c in cells:
        by_row[c["row_label"]] = by_row.get(c["row_label"], 0) + c["n"]
        by_col[c["indicator"]] = by_col.get(c["indicator"], 0) + c["n"]
    top_rows = sorted(by_row, key=lambda k: (-by_row[k], k))[:12]
    top_cols = sorted(by_col, key=lambda k: (-by_col[k], k))[:10]
    sections.append(("indicators", "Top indicators by region and year (主要指标)",
                     heatmap("figures by region and year, top indicators", top_rows, top_cols,
                             {(c["row_label"], c["indicator"]): c["n"] for c in cells})))

    targets = _rows(con, "select region, indicator, target_period_label, target_value, target_unit, actual_value, "
                         "actual_unit, measure, progress, gap_points from fct_actual_vs_target "
                         "order by progress desc nulls last, region, indicator limit 40")
    progress_rows = [(f'{t["region"]} {t["indicator"]} ({t["target_period_label"] or ""})',
                      [min(t["progress"], 2.0) * 100 if t["progress"] is not None else 0,
                       0 if t["progress"] is not None else 100]) for t in targets]
    sections.append(("targets", "Targets against actuals (目标与完成)",
                     hbar_chart("progress toward targets", progress_rows, ["achieved, % of target",
                                                                           "target with no achieved figure yet"],
                                value_format=lambda v: f"{v:.0f}%")
                     + _table(["region", "indicator", "period", "target", "unit", "actual", "unit", "measure",
                               "progress", "gap (points)"], [tuple(t.values()) for t in targets], 20)))

    roster = _rows(con, "select person, title, organization, region, first_seen_on, last_seen_on, documents "
                        "from fct_officials_roster order by first_seen_on nulls last, person limit 60")
    undated = sum(1 for r in roster if r["first_seen_on"] is None)
    sections.append(("officials", "Officials' titles on a timeline (领导干部)", timeline("officials' titles", roster)
                     + (f'<p class="note">{undated} officials named only in undated documents are not drawn: '
                        '<code>gazette report fct_officials_roster</code> lists everyone.</p>' if undated else "")))

    conflicts = _rows(con, "select region, indicator, measure, period_start, value_a, unit_a, value_b, unit_b, "
                           "headline_a, headline_b, base_value_a, base_value_b from fct_reconciliation "
                           "order by abs(base_value_b - base_value_a) / greatest(abs(base_value_a), abs(base_value_b), "
                           "1e-9) desc, region, indicator")
    # the widest disagreements first; the mart has them all
    bars = [row for c in conflicts[:30] for row in (
        (f'{c["region"]} {c["indicator"]} {c["period_start"] or ""} A', [c["base_value_a"], 0]),
        (f'{c["region"]} {c["indicator"]} {c["period_start"] or ""} B', [0, c["base_value_b"]]))]
    sections.append(("reconciliation", "Reconciliation: one figure, two values (数据冲突)",
                     (hbar_chart("conflicting values", bars, ["document A", "document B"]) if bars
                      else _no_data("conflicting values", "no conflicts: every figure reported twice agrees"))
                     + f'<p class="note">{len(conflicts)} conflicts (the 30 widest drawn): '
                       '<code>gazette report fct_reconciliation</code> lists them with both sources.</p>'
                     + _table(["region", "indicator", "measure", "period", "A", "unit", "B", "unit",
                               "document A", "document B"], [tuple(c.values())[:10] for c in conflicts])))

    quarantine = _rows(con, "select reason, count(*) as n from fct_quarantine group by all order by n desc")
    cleaning = _rows(con, "select action || ': ' || reason as label, lines from fct_cleaning_by_reason "
                          "order by lines desc limit 15")
    coverage = _rows(con, "select avg(share_with_region) as region, avg(share_with_indicator) as indicator, "
                          "avg(share_with_period) as period, avg(dated::int) as dated, count(*) as documents "
                          "from fct_extraction_coverage")[0]
    quality_rows = ([(f"quarantined: {q['reason']}", [q["n"]]) for q in quarantine]
                    + [(f"cleaned: {c['label']}", [c["lines"]]) for c in cleaning])
    shares = [(name, [round(100 * (coverage[key] or 0), 1)]) for name, key in
              [("figures with a region", "region"), ("figures with an indicator", "indicator"),
               ("figures with a period", "period"), ("documents with a date", "dated")]]
    sections.append(("quality", "Data quality (数据质量)",
                     hbar_chart("quarantine and cleaning", quality_rows, ["files or lines"],
                                value_format=lambda v: f"{v:g}")
                     + hbar_chart("extraction coverage", shares, ["% (mean over documents)"],
                                  value_format=lambda v: f"{v:g}%")))
    return sections


PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gazette report</title>
<style>
body {{ font-family: {font}; margin: 24px; color: #222; max-width: 1200px; }}
h1 {{ font-size: 22px; }} h2 {{ font-size: 17px; margin-top: 32px; border-bottom: 1px solid #ddd; }}
figure.chart {{ margin: 8px 0; overflow-x: auto; }}
table {{ border-collapse: collapse; font-size: 12px; margin: 8px 0; }}
td, th {{ border: 1px solid #ddd; padding: 2px 6px; text-align: left; }}
.note {{ color: #666; font-size: 12px; }}
</style></head>
<body data-charts-drawn="0/{n}">
<h1>Gazette report</h1>
<p class="note">Warehouse marts: {marts} · written {written} UTC · {n} sections</p>
<nav>{nav}</nav>
{sections}
<script>
// Count the charts the browser laid out: an SVG with a non-empty box holding at least one mark.
(function () {{
  var figures = document.querySelectorAll('figure.chart');
  var drawn = 0;
  figures.forEach(function (f) {{
    var svgs = f.querySelectorAll('svg');
    var ok = svgs.length > 0;
    svgs.forEach(function (svg) {{
      var box = svg.getBBox();
      if (!(box.width > 0 && box.height > 0 && svg.querySelectorAll('.mark').length > 0)) ok = false;
    }});
    f.setAttribute('data-drawn', ok ? 'yes' : 'no');
    if (ok) drawn += 1;
  }});
  document.body.setAttribute('data-charts-drawn', drawn + '/' + figures.length);
}})();
</script>
</body></html>
"""


def render_html(marts: Path) -> str:
    con = duckdb.connect(str(marts), read_only=True)
    try:
        sections = build_sections(con)
    finally:
        con.close()
    nav = " · ".join(f'<a href="#{sid}">{_e(title)}</a>' for sid, title, _ in sections)
    body = "\n".join(f'<section id="{sid}"><h2>{_e(title)}</h2><figure class="chart" data-chart="{sid}">'
                     f"{content}</figure></section>" for sid, title, content in sections)
    return PAGE.format(font=FONT, n=len(sections), marts=_e(marts.name), nav=nav, sections=body,
                       written=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"))


def write_html_report(marts: Path, path: Path) -> Path:
    from warehouse.outputs import atomic_output

    text = render_html(marts)
    with atomic_output(path) as partial:
        partial.write_text(text, encoding="utf-8")
    return path
