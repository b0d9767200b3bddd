"""The HTML report: one self-contained page whose every chart a real headless browser draws."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from reports.html import render_html, write_html_report
from reports.marts import build_marts, dbt_executable
from tests.reports.conftest import build_warehouse
from tests.conftest import ROOT, SAMPLE_DIR

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(dbt_executable() is None, reason="dbt is not installed (pip install '.[dbt]')")]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    db = build_warehouse(tmp_path_factory.mktemp("html") / "gazette.duckdb",
                         [SAMPLE_DIR, ROOT / "tests" / "fixtures" / "analytics"])
    result = build_marts(db)
    assert result.ok, result.output[-4000:]
    return write_html_report(result.marts, db.with_name("report.html"))


def test_the_page_is_self_contained(page):
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)  # nothing fetched when opened
    assert "<script src" not in text and "@import" not in text
    assert text.count('<figure class="chart"') == 7
    for label in ("二七区", "地区生产总值", "林山寨街道"):  # Chinese labels written as text, not escaped
        assert label in text


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium (apt-get install chromium fonts-noto-cjk)")
def test_a_headless_browser_draws_every_chart(page, tmp_path):
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path}",
                          "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    drawn = re.search(r'data-charts-drawn="(\d+)/(\d+)"', dom)
    assert drawn, dom[:2000]
    assert drawn.group(1) == drawn.group(2) == "7"
    assert dom.count('data-drawn="yes"') == 7


def test_an_empty_warehouse_still_renders(tmp_path):
    db = build_warehouse(tmp_path / "gazette.duckdb", [ROOT / "tests" / "fixtures" / "analytics" / "README.md"])
    result = build_marts(db)
    assert result.ok, result.output[-4000:]
    text = render_html(result.marts)
    assert text.count('<figure class="chart"') == 7 and "no data" in text
