"""The HTML report: one self-contained page whose every chart a real headless browser draws, with Chinese
text in real glyphs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from flows.html_report import render_html, write_html_report
from flows.marts import build_marts, dbt_executable
from tests.analytics.conftest import build_warehouse
from tests.conftest import ROOT

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(dbt_executable() is None, reason="dbt is not installed (pip install '.[dbt]')")]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("GAZETTE_REQUIRE_BROWSER"):  # CI (.ci/run) installs it: never skip there
    raise RuntimeError("GAZETTE_REQUIRE_BROWSER is set but no chromium is installed")
FIGURE_TOOLTIP = {"value", "unit", "period", "region", "headline", "date", "sentence"}


@pytest.fixture(scope="module")
def page(planted_marts):
    db, marts = planted_marts
    return write_html_report(marts, db.with_name("report.html"))


def specs(text: str) -> list[dict]:
    found = re.search(r'<script type="application/json" id="specs">(.*?)</script>', text, re.S)
    return json.loads(found.group(1).replace("<\\/", "</"))


def rows(spec: dict) -> list[dict]:
    return [row for data in spec.get("datasets", {}).values() for row in data]


def tooltips(spec: dict) -> set[str]:
    found = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "tooltip":
                    found.update(t.get("title", t.get("field")) for t in (value if isinstance(value, list) else [value])
                                 if isinstance(t, dict))
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    return found


def test_the_page_is_self_contained(page):
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)  # nothing fetched when opened
    assert "<script src" not in text and "@import" not in text and "<link" not in text
    charts = specs(text)
    assert len(charts) == text.count('<figure class="chart"') >= 6
    for label in ("二七区", "地区生产总值", "林山寨街道"):  # Chinese labels written as text, not escaped
        assert label in text


def test_series_show_values_over_the_years_with_their_sources(page):
    text = page.read_text(encoding="utf-8")
    series = [s for s in specs(text) if s.get("title", {}) and "地区生产总值 (亿元)" == s["title"]]
    assert len(series) == 1
    points = {(r["region"], r["year"]): r for r in rows(series[0])}
    assert {("二七区", 2019), ("二七区", 2020)} <= set(points)
    assert points[("二七区", 2019)]["shown"] == "701.5亿元"
    assert "2019年，二七区实现地区生产总值701.5亿元" in points[("二七区", 2019)]["sentence"]
    assert points[("二七区", 2019)]["headline"] == "二七区去年经济平稳增长"
    assert "701.5亿元" in text.split('id="specs"')[0]  # also in the page's own text, beside the chart


def test_every_figure_mark_tells_value_unit_period_region_and_source(page):
    for spec in specs(page.read_text(encoding="utf-8")):
        data = rows(spec)
        if data and "shown" in data[0]:
            assert FIGURE_TOOLTIP <= tooltips(spec), spec.get("title")
            assert all(r["period"] and r["shown"] and r["sentence"] for r in data)


def test_only_targets_with_an_achieved_figure_are_drawn(page):
    text = page.read_text(encoding="utf-8")
    drawn = [s for s in specs(text) if "achieved against target" in json.dumps(s, ensure_ascii=False)]
    assert len(drawn) == 1
    marks = rows(drawn[0])
    pairs = {}
    for mark in marks:
        pairs.setdefault(mark["row"], set()).add(mark["kind"])
    assert pairs and all(kinds == {"target", "achieved"} for kinds in pairs.values())
    assert any(m["kind"] == "achieved" and m["shown"] == "6.5%" for m in marks)
    # the targets with no achieved figure are in their own table, not drawn
    assert re.search(r"Open targets: no achieved figure yet \((\d+)\)", text)


def test_no_year_is_shown_as_a_question_mark(page):
    text = page.read_text(encoding="utf-8")
    for spec in specs(text):
        for row in rows(spec):
            assert "?" not in str(row.get("period", "")) and "?" not in str(row.get("label", ""))
            if "year" in row:
                assert row["year"] is not None
    assert not re.search(r"[\u4e00-\u9fff] \?", text)


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium (apt-get install chromium fonts-noto-cjk)")
def test_a_headless_browser_draws_every_chart_in_real_glyphs(page, tmp_path):
    browse = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
              "--virtual-time-budget=15000", "--window-size=1280,2400"]
    dom = subprocess.run([*browse, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=180).stdout
    drawn = re.search(r'data-charts-drawn="(\d+)/(\d+)"', dom)
    assert drawn, dom[:2000]
    expected = len(specs(page.read_text(encoding="utf-8")))
    assert int(drawn.group(1)) == int(drawn.group(2)) == expected >= 6
    assert dom.count('data-drawn="yes"') == expected
    assert dom.count('class="marks"') >= expected  # Vega's own SVG, one per chart
    assert 'data-cjk-glyphs="yes"' in dom            # Chinese drawn in a font that has it, not as boxes
    shot = tmp_path / "report.png"
    subprocess.run([*browse, f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=180)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000


def test_an_empty_warehouse_still_renders(tmp_path):
    db = build_warehouse(tmp_path / "gazette.duckdb", [ROOT / "tests" / "fixtures" / "analytics" / "README.md"])
    result = build_marts(db)
    assert result.ok, result.output[-4000:]
    text = render_html(result.marts)
    assert "No region has a main indicator for two or more years yet." in text
    assert "No target has an achieved figure for its period yet." in text
    assert text.count('<figure class="chart"') == len(specs(text)) >= 4
