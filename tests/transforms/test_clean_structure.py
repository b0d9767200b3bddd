import polars as pl

from tests.conftest import clean_one

PARA = "会议要求，各单位要提高站位，压实责任，确保各项工作落到实处，以优异成绩迎接检查验收。"


def paragraphs(doc: dict) -> list[str]:
    return doc["body"].split("\n")


def test_line_broken_inside_a_word_is_joined():
    long_line = "近年来，全区大力推进以交通道路为带动的基础设施建设，大力推进产业招商、产业培育、产业"
    doc, cleaned = clean_one("标题\n\n" + long_line + "\n\n升级和重大产业项目建设。")
    assert "产业升级和重大产业项目建设。" in doc["body"]
    assert cleaned.cleaning.filter(pl.col("action") == "join").height == 1


def test_short_line_broken_inside_a_word_is_joined():
    doc, _ = clean_one("标题\n\n下一步，区政府办要牵头完善民\n\n生热线办理制度，优化热线转办流程。")
    assert "完善民生热线办理制度" in doc["body"]


def test_line_ending_with_a_comma_is_joined():
    doc, _ = clean_one("标题\n\n将工业文化、现代文化展示好,\n\n全面提升城市气质。")
    assert paragraphs(doc) == ["将工业文化、现代文化展示好，全面提升城市气质。"]


def test_paragraph_ends_and_headings_stay_separate():
    doc, cleaned = clean_one(f"标题\n\n{PARA}\n\n紧盯重点 统筹推进\n\n{PARA}\n\n健全机制,狠抓落实\n\n{PARA}")
    assert paragraphs(doc) == [PARA, "紧盯重点 统筹推进", PARA, "健全机制，狠抓落实", PARA]
    kinds = cleaned.sentences.group_by("paragraph_no").agg(pl.col("kind").first()).sort("paragraph_no")
    assert kinds["kind"].to_list() == ["text", "heading", "text", "heading", "text"]


def test_headline_and_subheadline_leave_the_body():
    doc, _ = clean_one(f"\n\n起步就要冲刺 开局就要决战\n\n某某区开足马力,提速争先\n\n{PARA}")
    assert doc["headline"] == "起步就要冲刺 开局就要决战"
    assert doc["subheadline"] == "某某区开足马力，提速争先"
    assert paragraphs(doc) == [PARA]


def test_kicker_and_editors_note_are_not_the_headline():
    text = "\n".join([
        "学习贯彻全会精神 “我们怎么办”系列访谈", "编者按",
        "本报特推出系列访谈，宣传展示各单位的思考和举措，为中心城市建设凝心聚力、营造氛围。",
        "他们有想法、有思路", "本版记者 王小明", "抢抓新机遇 开启新征程", PARA,
    ])
    doc, _ = clean_one(text)
    assert doc["kicker"] == "学习贯彻全会精神 “我们怎么办”系列访谈"
    assert doc["headline"] == "他们有想法、有思路"
    assert doc["subheadline"] is None
    assert paragraphs(doc)[0] == "编者按"


def test_organisation_label_above_the_headline_is_a_kicker():
    doc, _ = clean_one(f"某某区某某街道办事处\n真正的标题 副题\n{PARA}")
    assert (doc["kicker"], doc["headline"]) == ("某某区某某街道办事处", "真正的标题 副题")


def test_article_without_a_title_line_has_no_headline():
    doc, _ = clean_one(PARA + "\n" + PARA)
    assert doc["headline"] is None
    assert paragraphs(doc) == [PARA, PARA]


def test_a_dash_led_subtitle_is_never_the_headline():
    doc, _ = clean_one("——在全县经济工作会议上的讲话\n团结奋进 再创佳绩\n同志们：\n今年以来，全县经济运行稳中有进，主要指标好于预期。")
    assert (doc["headline"], doc["subheadline"]) == ("团结奋进 再创佳绩", "——在全县经济工作会议上的讲话")


def test_lines_separated_by_a_blank_line_are_not_joined_on_word_evidence():
    # 站|上 is a dictionary word, but a blank line between two titles is a paragraph break, not a print break
    doc, _ = clean_one("老城区的火车站\n\n上世纪的老照片\n\n从此，这里开始了迈向现代工业文明的第一步。")
    assert doc["headline"] == "老城区的火车站"
