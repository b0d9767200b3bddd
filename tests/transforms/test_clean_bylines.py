import pytest

from tests.conftest import clean_one

PARA = "会议要求，各单位要提高站位，压实责任，确保各项工作落到实处。"


def credited(cleaned) -> set[tuple]:
    return set(cleaned.bylines.select("name", "role", "credit").iter_rows())


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("记者 张改华 文/图", {("张改华", "记者", "文/图")}),
        ("本版记者 李四", {("李四", "记者", None)}),
        ("通讯员 郭佳星/文", {("郭佳星", "通讯员", "文")}),
        ("胡源浩/图", {("胡源浩", "摄影", "图")}),
        ("记者 柴琳琳 实习生 赵诗琦", {("柴琳琳", "记者", None), ("赵诗琦", "实习生", None)}),
        ("本报记者 孙志刚 通讯员 张明伦 赵峰 文/图",
         {("孙志刚", "记者", "文/图"), ("张明伦", "通讯员", "文/图"), ("赵峰", "通讯员", "文/图")}),
        ("摄影记者 欧阳明", {("欧阳明", "摄影", None)}),
    ],
)
def test_byline_lines(line, expected):
    doc, cleaned = clean_one(f"标题\n{line}\n{PARA}")
    assert credited(cleaned) == expected
    assert doc["body"] == PARA


def test_byline_closing_a_paragraph_is_cut_off():
    doc, cleaned = clean_one(f"标题\n{PARA}记者 张改华 文/图\n{PARA}")
    assert credited(cleaned) == {("张改华", "记者", "文/图")}
    assert doc["body"] == f"{PARA}\n{PARA}"


def test_byline_opening_a_news_brief_is_cut_off():
    doc, cleaned = clean_one(f"标题\n本报讯（记者 王芳 通讯员 刘洋）{PARA}")
    assert credited(cleaned) == {("王芳", "记者", None), ("刘洋", "通讯员", None)}
    assert doc["body"] == PARA


def test_officials_named_with_titles_are_not_bylines():
    doc, cleaned = clean_one(f"标题\n{PARA}\n三官庙街道党工委书记 樊志锋\n{PARA}")
    assert cleaned.bylines.is_empty()
    assert "樊志锋" in doc["body"]
