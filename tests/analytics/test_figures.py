"""`gazette figures` and how figures are written for people: 567亿元, 8.5%, names resolved as the extractor
resolves them."""

from __future__ import annotations

import re

import polars as pl
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.figures import resolve_indicator, resolve_region, with_shown_value

runner = CliRunner()


def shown(rows: list[tuple]) -> list[str]:
    frame = pl.DataFrame(rows, schema={"value": pl.Float64, "unit": pl.String, "base_value": pl.Float64,
                                       "base_unit": pl.String, "measure": pl.String}, orient="row")
    return with_shown_value(frame)["shown"].to_list()


def test_amounts_read_as_reports_write_them():
    assert shown([
        (567, "亿元", 567e8, "CNY", "level"),
        (1.52, "万亿元", 1.52e12, "CNY", "level"),
        (4650.99, "万元", 46509900, "CNY", "level"),
        (42004, "元", 42004, "CNY", "level"),
        (1.8, "万元", 18000, "CNY", "level"),           # written in 万: kept in 万
        (3.5, "亿", 3.5e8, "CNY", "level"),            # a bare magnitude takes its base unit's word
        (12, "万人", 12e4, "person", "count"),
        (8.5, "%", 8.5, "pct", "growth_pct"),
        (6, "成", 60, "pct", "share_pct"),
        (5.8, "个百分点", 5.8, "pct_point", "change"),
        (2, None, 2, "rank", "rank"),
        (300, "亩", 300 * 666.6667, "m2", "level"),     # a unit with no 万/亿 form stays as written
    ]) == ["567亿元", "1.52万亿元", "4650.99万元", "42004元", "1.8万元", "3.5亿元", "12万人", "8.5%", "60%",
           "5.8个百分点", "第2位", "300亩"]


def test_indicator_aliases_resolve_as_the_extractor_maps_them():
    assert resolve_indicator("GDP") == "地区生产总值"
    assert resolve_indicator("gdp") == "地区生产总值"
    assert resolve_indicator("生产总值") == "地区生产总值"
    assert resolve_indicator("生產總值") == "地区生产总值"   # Traditional script, as mirror sites print it
    assert resolve_indicator("固投") == "固定资产投资"
    assert resolve_indicator("新建学校") == "新建学校"        # not in the list: a noun-phrase indicator


def test_short_region_names_resolve_through_the_gazetteer():
    known = pl.DataFrame({"region": ["二七区", "金水区", "郑州市"],
                          "region_full_name": ["河南省郑州市二七区", "河南省郑州市金水区", "河南省郑州市"],
                          "region_code": ["410103", "410105", "410100"]})
    assert resolve_region("二七区", known)["region"].to_list() == ["二七区"]
    assert resolve_region("二七", known)["region"].to_list() == ["二七区"]
    assert resolve_region("郑州", known)["region"].to_list() == ["郑州市"]
    assert resolve_region("火星", known).is_empty()


@pytest.mark.slow
def test_figures_prints_one_line_per_year_with_its_source(planted_marts):
    db, _ = planted_marts
    result = runner.invoke(app, ["figures", "GDP", "--region", "二七", "--db", str(db), "--no-build"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("地区生产总值 (GDP), level: 2 figures with a year in 1 region")
    values = [line for line in lines[1:] if re.match(r"20\d\d ", line)]
    assert len(values) == 2
    assert values[0].startswith("2019") and "701.5亿元" in values[0] and "二七区" in values[0]
    assert "《二七区去年经济平稳增长》" in values[0] and "2020-01-16" in values[0] and "2019年，二七区实现" in values[0]
    assert values[1].startswith("2020") and "≠2" in values[1]
    assert not any("?" in line for line in lines)

    growth = runner.invoke(app, ["figures", "地区生产总值", "--measure", "growth_pct", "--from", "2021",
                                 "--db", str(db), "--no-build"])
    assert growth.exit_code == 0, growth.output
    years = [line.split()[0] for line in growth.stdout.splitlines()[1:] if re.match(r"\d{4} ", line)]
    assert years and set(years) == {"2021"}
    assert re.search(r"2021\s+目标\s+6%", growth.stdout) and re.search(r"2021\s+6\.5%", growth.stdout)


@pytest.mark.slow
def test_figures_names_what_exists_when_nothing_matches(planted_marts):
    db, _ = planted_marts
    nothing = runner.invoke(app, ["figures", "地区生产总值", "--region", "火星", "--db", str(db), "--no-build"])
    assert nothing.exit_code == 1 and "二七区" in nothing.output
    bad = runner.invoke(app, ["figures", "GDP", "--measure", "speed", "--db", str(db), "--no-build"])
    assert bad.exit_code == 2
