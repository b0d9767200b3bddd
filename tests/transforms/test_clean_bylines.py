import pytest

from tests.conftest import clean_one

PARA = "会议要求，各单位要提高站位，压实责任，确保各项工作落到实处。"


def credited(cleaned) -> set[tuple]:
    return set(cleaned.bylines.select("name", "role", "credit").iter_rows())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *((f"标题\n{line}\n{PARA}", credits) for line, credits in [
            ("记者 张改华 文/图", {("张改华", "记者", "文/图")}),
            ("本版记者 李四", {("李四", "记者", None)}),
            ("通讯员 郭佳星/文", {("郭佳星", "通讯员", "文")}),
            ("胡源浩/图", {("胡源浩", "摄影", "图")}),
            ("记者 柴琳琳 实习生 赵诗琦", {("柴琳琳", "记者", None), ("赵诗琦", "实习生", None)}),
            ("本报记者 孙志刚 通讯员 张明伦 赵峰 文/图",
             {("孙志刚", "记者", "文/图"), ("张明伦", "通讯员", "文/图"), ("赵峰", "通讯员", "文/图")}),
            ("摄影记者 欧阳明", {("欧阳明", "摄影", None)}),
            # an outlet's or app's name before the role, several names before a credit
            ("洛报融媒记者 王丽 张强/文 通讯员 刘洋 陈明/图",
             {("王丽", "记者", None), ("张强", "记者", "文"), ("刘洋", "通讯员", None), ("陈明", "通讯员", "图")}),
            ("某某新闻客户端记者 刘晓", {("刘晓", "记者", None)}),
            # the whole line in brackets, in Traditional script
            ("（本報記者 林立 通訊員 吳敏）", {("林立", "记者", None), ("吴敏", "通讯员", None)}),
            ("（文/西安報業全媒體記者 陶然 圖/西安報業全媒體記者 翟雪）", {("陶然", "记者", "文"), ("翟雪", "记者", "图")}),
            # page furniture run into the line after its credit
            ("记者 李华 通讯员 周涛 文/图Abc某某网·新闻频道", {("李华", "记者", "文/图"), ("周涛", "通讯员", "文/图")}),
            # a photo's caption credit
            ("朱書靈攝", {("朱书灵", "摄影", "图")}),
        ]),
        # credit-first and reporting-credit lines closing the article
        *((f"标题\n{PARA}\n{line}", credits) for line, credits in [
            # the role word governs the credit it comes with; the photographer printed without one is 摄影
            ("文/记者 张三丰 图/李小四", {("张三丰", "记者", "文"), ("李小四", "摄影", "图")}),
            ("文字：周九州 图片：吴十一", {("周九州", "作者", "文"), ("吴十一", "摄影", "图")}),
            ("本报记者 孙八一 报道", {("孙八一", "记者", "文")}),
        ]),
    ],
)
def test_byline_lines(text, expected):
    doc, cleaned = clean_one(text)
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


def names_roles(cleaned) -> set[tuple]:
    return set(cleaned.bylines.select("name", "role").iter_rows())


@pytest.mark.parametrize(
    ("text", "expected", "body"),
    [
        # names printed without a space between them split on surnames
        (f"标题\n本报讯(记者王立新刘洋){PARA}", {("王立新", "记者"), ("刘洋", "记者")}, PARA),
        (f"标题\n本报讯（记者 赵文 通讯员 钱江孙丽丽）{PARA}",
         {("赵文", "记者"), ("钱江", "通讯员"), ("孙丽丽", "通讯员")}, PARA),
        # several roles on one line, one of them a trainee reporter
        (f"标题\n洛阳日报记者 周明 见习记者 吴小燕\n{PARA}", {("周明", "记者"), ("吴小燕", "记者")}, PARA),
        # an agency's dateline with names and no role
        (f"标题\n新华社郑州3月2日电（郑卫东 冯晓）{PARA}", {("郑卫东", "记者"), ("冯晓", "记者")},
         f"新华社郑州3月2日电{PARA}"),
        # a website's dateline with a bare name
        (f"标题\n本网讯(陈志军){PARA}", {("陈志军", "记者")}, PARA),
        # the byline before the dateline word, after a paragraph mark
        (f"标题\n□晚报记者 韩雪 本报讯 {PARA}", {("韩雪", "记者")}, PARA),
        # credits inside a sentence are bylines, and the sentence is not body text
        (f"标题\n{PARA}\n图片由晚报记者林海翻拍于市档案馆，文字由晚报记者宋佳采写。",
         {("林海", "记者"), ("宋佳", "记者")}, PARA),
        # a source line ending in its author
        (f"标题\n来自：某某日报；何晓东\n{PARA}", {("何晓东", "作者")}, PARA),
        # Traditional script
        (f"標題\n本報訊（記者 馬俊傑 通訊員 鄭麗）{PARA}", {("马俊杰", "记者"), ("郑丽", "通讯员")}, PARA),
    ],
)
def test_bylines_in_the_forms_real_pages_use(text, expected, body):
    doc, cleaned = clean_one(text)
    assert names_roles(cleaned) == expected
    assert doc["body"] == body


def test_a_byline_run_into_a_subheadline_line_is_cut_out_of_it():
    doc, cleaned = clean_one(f"标题\n全年完成投资超百亿元 本报讯(记者高峰){PARA}")
    assert names_roles(cleaned) == {("高峰", "记者")}
    assert doc["body"] == f"全年完成投资超百亿元 {PARA}"


def test_a_speech_subtitle_gives_its_speaker_as_author():
    doc, cleaned = clean_one(f"主标题在这里\n——在全县经济工作会议上的讲话（2022年1月5日）白 杨\n{PARA}")
    assert names_roles(cleaned) == {("白杨", "作者")}
    assert "白 杨" not in doc["body"]


def test_a_run_of_characters_that_does_not_split_into_names_is_not_guessed():
    _, cleaned = clean_one(f"标题\n本报讯(记者徐建设发展){PARA}")
    assert "徐建设发展" not in set(cleaned.bylines["name"])


def test_a_bracketed_byline_closing_a_paragraph_is_cut_off():
    doc, cleaned = clean_one(f"标题\n{PARA}（记者 王五一 通讯员 赵六一）")
    assert names_roles(cleaned) == {("王五一", "记者"), ("赵六一", "通讯员")}
    assert doc["body"] == PARA


def test_an_agency_dateline_with_a_reporting_group():
    doc, cleaned = clean_one(f"标题\n本报金华10月2日电 （记者 叶晨 徐飞 区委报道组 张悦）{PARA}")
    assert {(n, r) for n, r, _ in credited(cleaned)} == {("叶晨", "记者"), ("徐飞", "记者"), ("张悦", "通讯员")}
    # the dateline stays, as an agency's does; the names go
    assert doc["body"] == f"本报金华10月2日电{PARA}"


def test_a_sentence_after_a_credit_is_kept():
    """Only furniture may follow a byline's credit on its line: a sentence keeps the line in the body."""
    doc, cleaned = clean_one(f"标题\n记者 李华 文/图，各单位要提高站位，压实责任。\n{PARA}")
    assert "各单位要提高站位" in doc["body"]


def test_a_caption_credit_closing_a_paragraph():
    doc, cleaned = clean_one(f"标题\n{PARA}图为施工现场。罗晓东摄\n{PARA}")
    assert credited(cleaned) == {("罗晓东", "摄影", "图")}
    assert doc["body"] == f"{PARA}图为施工现场。\n{PARA}"


# ------------------------------------------------------------------ issue 24: more forms, one grammar

@pytest.mark.parametrize(
    ("text", "expected", "body"),
    [
        # a dateline, then the byline without brackets: each name ends at a space
        (f"标题\n本报讯 记者胡雪莲 通讯员毛志强 近日，{PARA}", {("胡雪莲", "记者"), ("毛志强", "通讯员")}, f"近日，{PARA}"),
        # a paragraph opening with its byline in brackets of any kind
        (f"标题\n【记者 胡雪莲】{PARA}", {("胡雪莲", "记者")}, PARA),
        # a bar between the credit or the role and the name
        (f"标题\n文|记者 胡雪莲\n{PARA}", {("胡雪莲", "记者")}, PARA),
        (f"标题\n記者|胡雪蓮\n{PARA}", {("胡雪莲", "记者")}, PARA),
        (f"标题\n撰文/胡雪莲 摄影/毛志强\n{PARA}", {("胡雪莲", "作者"), ("毛志强", "摄影")}, PARA),
        # a two-character name padded to three
        (f"标题\n{PARA}\n（本报记者 胡雪莲 本报通讯员 毛志强 宋 洁）",
         {("胡雪莲", "记者"), ("毛志强", "通讯员"), ("宋洁", "通讯员")}, PARA),
        # an outlet with a middle dot before the role
        (f"标题\n大河报·豫视频客户端记者 温建国\n{PARA}", {("温建国", "记者")}, PARA),
        # names alone after a reporter's mark: no role word says what they did, so authors
        (f"标题\n☉蕭明輝 龔曉東\n{PARA}", {("萧明辉", "作者"), ("龚晓东", "作者")}, PARA),
        # the editors after the credits are furniture, not bylines
        (f"标题\n{PARA}\n文字：胡雪莲 图片：毛志强 编辑：宋洁", {("胡雪莲", "作者"), ("毛志强", "摄影")}, PARA),
        # a source line ending in its byline
        (f"标题\n2021-05-06 09:12 来源：某某日报 记者 胡雪莲 通讯员 毛志强\n{PARA}",
         {("胡雪莲", "记者"), ("毛志强", "通讯员")}, PARA),
    ],
)
def test_bylines_in_forms_of_other_papers(text, expected, body):
    doc, cleaned = clean_one(text)
    assert names_roles(cleaned) == expected
    assert doc["body"] == body


def test_a_byline_in_the_page_header_opens_the_article_and_is_read():
    text = "\n".join(["新闻 财经 体育 | 返回首页", "某区举办读书节", "记者 胡雪莲 通讯员 毛志强", "首页 > 新闻 > 正文", PARA])
    doc, cleaned = clean_one(text)
    assert names_roles(cleaned) == {("胡雪莲", "记者"), ("毛志强", "通讯员")}
    assert doc["body"] == PARA


@pytest.mark.parametrize("line", [
    "●工作要求 各单位",  # a bullet before words, no names
    "2021年5月6日 记者获悉，全县经济平稳发展。",
])
def test_lines_near_the_new_forms_stay_text(line):
    doc, cleaned = clean_one(f"标题\n{PARA}\n{line}")
    assert cleaned.bylines.is_empty()


@pytest.mark.parametrize(
    ("text", "expected", "body"),
    [
        # a site's dateline with its date before 讯
        (f"标题\n晨光网青河5月3日讯（通讯员 郑远山）{PARA}", {("郑远山", "通讯员")}, f"晨光网青河5月3日讯{PARA}"),
        # a role word governs names up to the first with its own credit; the run after it takes its credit
        (f"标题\n南川新闻网11月2日讯（记者 范书田/文 柯小岚 韦东成/图）{PARA}",
         {("范书田", "记者"), ("柯小岚", "摄影"), ("韦东成", "摄影")}, f"南川新闻网11月2日讯{PARA}"),
        # names alone in brackets, or after a reporter's mark, closing the article
        (f"标题\n{PARA}（柯远航 谭晓梅）", {("柯远航", "作者"), ("谭晓梅", "作者")}, PARA),
        (f"标题\n{PARA}(韦东)", {("韦东", "作者")}, PARA),
        (f"标题\n{PARA}☉鄺雪梅 鄧立衛 |", {("邝雪梅", "作者"), ("邓立卫", "作者")}, PARA),
        # credits before the names closing a paragraph, in Traditional script
        (f"标题\n{PARA}(文/南川報業全媒體記者 範書田 圖/南川報業全媒體記者 韋東成)",
         {("范书田", "记者"), ("韦东成", "记者")}, PARA),
    ],
)
def test_bylines_in_datelines_and_closing_an_article(text, expected, body):
    doc, cleaned = clean_one(text)
    assert names_roles(cleaned) == expected
    assert doc["body"] == body


@pytest.mark.parametrize("line", [
    f"{PARA}（高新区）",  # a place in brackets is not a name
    f"{PARA}（东风村）",
    f"她说：“这条路修好了。”（李清远）",  # a name citing a quotation
    f"{PARA}（完）",
])
def test_brackets_closing_a_paragraph_that_are_not_bylines(line):
    doc, cleaned = clean_one(f"标题\n{line}")
    assert cleaned.bylines.is_empty()
    assert doc["body"] == line


def test_an_author_field_repeating_the_reporter_adds_no_one():
    doc, cleaned = clean_one(f"标题\n本报讯（记者 柯远航）{PARA}\n作者：柯远航\n作者：谭晓梅")
    assert names_roles(cleaned) == {("柯远航", "记者"), ("谭晓梅", "作者")}


@pytest.mark.parametrize("line", ["作者：记者 钟一鸣 | 编辑：田小禾", "记者 钟一鸣 ｜ 责任编辑：田小禾"])
def test_a_byline_with_its_editor_after_a_bar_is_read_and_the_editor_is_not(line):
    for text in (f"标题\n{line}\n{PARA}", f"标题\n{PARA}\n{line}"):
        doc, cleaned = clean_one(text)
        assert set(cleaned.bylines.select("name", "role").iter_rows()) == {("钟一鸣", "记者")}
        assert doc["body"] == PARA
