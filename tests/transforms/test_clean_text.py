import polars as pl
import pytest

from tests.conftest import clean_one, docs_frame
from transforms.clean.lines import split_lines
from transforms.clean.text import fullwidth_alnum, normalise_punctuation, strip_emphasis, strip_markup


def apply(rule, text: str) -> tuple[str, list[str]]:
    row = rule(split_lines(docs_frame([text]))).row(0, named=True)
    return row["text"], row["rewrites"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("完成252.8亿元,同比增长8.1%,排名第二", "完成252.8亿元，同比增长8.1%，排名第二"),
        ("会议强调:要抓落实;要重实效!", "会议强调：要抓落实；要重实效！"),
        ("怎么办?", "怎么办？"),
        ("中央文化区(CCD)为引领", "中央文化区（CCD）为引领"),
        ("全体(扩大)会议", "全体（扩大）会议"),
        ("在 2020 年, 全区", "在 2020 年，全区"),
    ],
)
def test_ascii_punctuation_inside_chinese_becomes_full_width(raw, expected):
    text, rewrites = apply(normalise_punctuation, raw)
    assert text == expected
    assert rewrites == ["punctuation"]


@pytest.mark.parametrize("raw", ["版本 1.2,3 与 a,b", "时间 10:03:42", "GDP (2020) was 1,234.5"])
def test_ascii_punctuation_between_latin_and_digits_stays(raw):
    text, rewrites = apply(normalise_punctuation, raw)
    assert text == raw
    assert rewrites == []


def test_emphasis_markers_are_removed():
    assert apply(strip_emphasis, "完成**252.8亿元**，增长**8.1%**") == ("完成252.8亿元，增长8.1%", ["emphasis"])


def test_markup_bullets_and_images_are_removed():
    assert apply(strip_markup, "- 1 大力推进城市有机更新")[0] == "1 大力推进城市有机更新"
    assert apply(strip_markup, "## 小标题")[0] == "小标题"
    assert apply(strip_markup, "正文![](a.png)继续")[0] == "正文继续"


def test_full_width_digits_and_letters_become_ascii():
    assert apply(fullwidth_alnum, "增长１２．５％，ＣＣＤ")[0] == "增长12.5%，CCD"


def test_nbsp_zero_width_and_ideographic_spaces():
    lines = split_lines(docs_frame(["\u3000\u3000第一段\u200b内容\u00a0\u00a0结束"]))
    assert lines["text"].to_list() == ["第一段内容 结束"]


def test_pinyin_glosses_of_a_mirror_site_are_removed_and_logged():
    doc, cleaned = clean_one("標題\n開(kāi)發(fā)區(qū)的項(xiàng)目共12個(gè)，總投資5億元。")
    assert doc["body"] == "開發區的項目共12個，總投資5億元。"
    log = cleaned.cleaning.filter(pl.col("reason") == "pinyin_gloss")
    assert log.height == 1 and "(kāi)" in log["raw_text"][0]


def test_brackets_that_are_not_glosses_stay():
    body = "該公司（DHL）與開發區（高新區）簽約，比例為（a）類。"
    doc, _ = clean_one(f"標題\n{body}")
    assert doc["body"] == body


def test_html_tags_entities_and_cms_fields_left_in_the_text_are_removed():
    doc, _ = clean_one("标题\n<p>全区完成投资&nbsp;12亿元，增长8%。</p>[!--empirenews.page--]")
    assert doc["body"] == "全区完成投资 12亿元，增长8%。"
