"""Officials: title + name (+ organisation) on sentences of our own, and persons F1 on the sample gold."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.extract.tables import SCHEMAS
from transforms.extract.officials import extract_officials, load_official_rules
from transforms.keys import stable_key

from tests.transforms.helpers import frames, precision_recall_f1


def regions_of(docs: pl.DataFrame, names: dict[str, str], subject: str | None = None) -> pl.DataFrame:
    """Region mentions of the given names wherever they occur (stands in for extract_regions)."""
    rows = []
    for key, body in docs.select("document_key", "body").iter_rows():
        for name, level in names.items():
            start = body.find(name)
            while start >= 0:
                rows.append(dict(document_key=key, region_key=stable_key(name), name=name, level=level,
                                 span_start=start, span_end=start + len(name), is_subject=name == subject))
                start = body.find(name, start + len(name))
    return pl.DataFrame(rows, schema={"document_key": pl.Int64, "region_key": pl.Int64, "name": pl.String,
                                      "level": pl.String, "span_start": pl.Int32, "span_end": pl.Int32,
                                      "is_subject": pl.Boolean})


def pairs(texts, names=None, subject=None):
    docs, sents = frames(texts)
    fpt, dim_person, dim_org, mentions = extract_officials(docs, sents, regions_of(docs, names or {}, subject))
    out = fpt.join(dim_person, on="person_key").join(
        dim_org.rename({"name": "org"}), on="organization_key", how="left")
    return out, mentions, docs


CASES = [
    ("三官庙街道党工委书记 樊志锋", ("樊志锋", "党工委书记")),
    ("会议由区委常委会主持，区委书记乔旻做了讲话。", ("乔旻", "区委书记")),
    ("区委常委、副区长孙涵传达了方案。", ("孙涵", "区委常委、副区长")),
    ("“我们二七区会一年有一个新变化。”二七区区长苏建设说。", ("苏建设", "区长")),
    ("会议由管城回族区委副书记、区长张艳敏主持。", ("张艳敏", "区委副书记、区长")),
    ("副市长欧阳明华出席活动并致辞。", ("欧阳明华", "副市长")),
    ("县委书记王强表示，要抓好落实。", ("王强", "县委书记")),
    ("镇党委书记李丽在会上强调安全生产。", ("李丽", "镇党委书记")),
    ("社区党委书记赵红梅介绍了经验。", ("赵红梅", "社区党委书记")),
    ("市人大常委会主任刘建国、副市长陈晓东参加调研。", ("陈晓东", "副市长")),
    ("中原区林山寨街道党工委书记宋盼峰表示，将牢记使命。", ("宋盼峰", "党工委书记")),
    ("区长 冯涛同志出席。", ("冯涛", "区长")),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_title_and_name(text, expected):
    out, _, _ = pairs([text])
    assert expected in set(zip(out["name"], out["title"]))


@pytest.mark.parametrize("text", [
    "整体工作由区长负责，区政府所有领导都在领导小组。",  # 区长 followed by a verb, not a name
    "区委书记高度重视这项工作。",  # 高度 is not a name although 高 is a surname
    "各级书记要带头抓落实。",
    "会议学习了习近平总书记重要讲话精神。",  # name before the title is not this pattern
    "市长热线12345全天受理。",
])
def test_no_official(text):
    out, _, _ = pairs([text])
    assert out.is_empty()


def test_organisation_from_adjacent_region_and_context():
    out, mentions, docs = pairs(
        ["二七区区长苏建设说。", "近日，管城回族区召开会议。副区长苏莹玺传达方案。", "三官庙街道党工委书记 樊志锋"],
        names={"二七区": "district", "管城回族区": "district", "三官庙街道": "subdistrict"},
        subject="管城回族区")
    got = {(r["name"], r["org"], r["kind"]) for r in out.iter_rows(named=True)}
    assert ("苏建设", "二七区人民政府", "government") in got
    assert ("苏莹玺", "管城回族区人民政府", "government") in got
    assert ("樊志锋", "三官庙街道党工委", "party") in got
    # the written-out party committee is an organisation mention with an exact span
    body = dict(docs.select("document_key", "body").iter_rows())
    orgs = mentions.filter(pl.col("entity_type") == "organization")
    assert orgs["surface"].to_list() == ["三官庙街道党工委"]
    for r in mentions.iter_rows(named=True):
        assert body[r["document_key"]][r["span_start"]:r["span_end"]] == r["surface"]


def test_person_mentions_cover_later_bare_names_and_schema():
    text = "会议由区委副书记、区长张艳敏主持。张艳敏表示，要紧盯项目。"
    out, mentions, docs = pairs([text])
    persons = mentions.filter(pl.col("entity_type") == "person")
    assert persons["span_start"].to_list() == [text.index("张艳敏"), text.rindex("张艳敏")]
    assert out.columns and set(SCHEMAS["fact_person_title"]) <= set(out.columns)
    assert list(mentions.schema.items()) == list(SCHEMAS["fact_mention"].items())


def test_titles_file_is_extendable(tmp_path):
    path = tmp_path / "titles.txt"
    path.write_text("# mine\n网格长\n", encoding="utf-8")
    rules = load_official_rules(path)
    docs, sents = frames(["网格长周敏说，要做好服务。"])
    fpt, dim_person, _, _ = extract_officials(docs, sents, None, rules)
    assert dim_person["name"].to_list() == ["周敏"]
    assert fpt["title"].to_list() == ["网格长"]


# ------------------------------------------------------------------ sample gold

def test_persons_f1_on_sample_gold(sample):
    from transforms.extract.gazetteer import load_gazetteer
    from transforms.extract.regions import extract_regions
    from transforms.extract.subject import region_context

    cleaned, gold = sample
    gazetteer = load_gazetteer()
    dim_region, mentions, subject = extract_regions(cleaned.documents, cleaned.sentences, gazetteer)
    fpt, dim_person, _, _ = extract_officials(cleaned.documents, cleaned.sentences,
                                              region_context(dim_region, mentions, subject))
    got = {(r["document_key"], r["name"], r["title"]) for r in fpt.join(dim_person, on="person_key").iter_rows(named=True)}
    want = {(k, p["name"], p["title"]) for k, g in gold.items() for p in g["persons"]}
    p, r, f1 = precision_recall_f1(want, got)
    print(f"persons P={p:.3f} R={r:.3f} F1={f1:.3f}")
    assert f1 >= 0.95, (want - got, got - want)


# ------------------------------------------------------------------ lists, several posts, prefixes, script

def test_one_title_heads_a_list_of_names():
    out, _, _ = pairs(["区政协主席刘某某主持会议，副主席张建华、李明、王小红及秘书长赵大伟出席会议。"])
    got = set(zip(out["name"], out["title"]))
    assert {("张建华", "副主席"), ("李明", "副主席"), ("王小红", "副主席"), ("赵大伟", "秘书长"),
            ("刘某某", "区政协主席")} <= got


def test_a_listed_name_that_is_the_next_title_is_not_a_name():
    out, _, _ = pairs(["区委书记王强、区长李斌出席。"])
    assert set(zip(out["name"], out["title"])) == {("王强", "区委书记"), ("李斌", "区长")}


def test_several_posts_before_one_name_and_an_organisation_prefix():
    out, _, _ = pairs(["上虞区召开会议。区委常委、常务副区长孙海涛应邀出席会议，区人大常委会副主任钱芳应邀出席。",
                       "市发改委主任马强说，要加快进度。"], {"上虞区": "district"}, "上虞区")
    got = set(zip(out["name"], out["title"], out["org"], out["kind"]))
    assert ("孙海涛", "区委常委、常务副区长", "上虞区委", "party") in got
    assert ("钱芳", "区人大常委会副主任", "上虞区人大常委会", "people_congress") in got
    assert {("马强", "市发改委主任")} <= set(zip(out["name"], out["title"]))


def test_traditional_script_names_and_titles_with_spans_on_the_body():
    text = "昨日，市長趙國強到新區察看建設進度，趙國強強調要加快。"
    out, mentions, docs = pairs([text])
    assert set(zip(out["name"], out["title"])) == {("赵国强", "市长")}
    persons = mentions.filter(pl.col("entity_type") == "person")
    assert persons["surface"].to_list() == ["趙國強", "趙國強"]
    for r in persons.iter_rows(named=True):
        assert text[r["span_start"]:r["span_end"]] == r["surface"]


def test_a_name_does_not_hold_function_characters():
    out, _, _ = pairs(["委员和与会代表进行了讨论。"])
    assert out.is_empty()


LISTS = [
    # a collective title gives every listed name that title
    ("县领导孙建华、周明、欧阳晓丽等参加了开工仪式。", {("孙建华", "县领导"), ("周明", "县领导"), ("欧阳晓丽", "县领导")}),
    ("我市领导刘海洋、赵婷出席。", {("刘海洋", "市领导"), ("赵婷", "市领导")}),
    # a yearbook's padding between a title and its names
    ("县委常委〓郭立新、韩冬梅", {("郭立新", "县委常委"), ("韩冬梅", "县委常委")}),
    # appointments: the name before its title
    ("会议决定任命吴晓峰为副县长。", {("吴晓峰", "副县长")}),
    ("大会选举马超同志为县长，", {("马超", "县长")}),
    ("时任市长的何建设来到工地。", {("何建设", "市长")}),
    # Traditional script is matched in Simplified
    ("副區長鄭曉東主持會議。", {("郑晓东", "副区长")}),
    # no listed word after the name: the dictionary word that follows tells where it ends
    ("区委书记白玉林调研了园区。", {("白玉林", "区委书记")}),
    ("镇党委书记严彬告诉记者，", {("严彬", "镇党委书记")}),
    ("區委書記馬濤視頻連線主會場。", {("马涛", "区委书记")}),
    # one person's posts joined by 兼, an acting post
    ("村党支部书记兼村委会主任石磊介绍，", {("石磊", "村党支部书记兼村委会主任")}),
    ("区委副书记、代区长葛平主持。", {("葛平", "区委副书记、代区长")}),
]


@pytest.mark.parametrize("text, expected", LISTS)
def test_lists_appointments_and_padding(text, expected):
    out, _, _ = pairs([text])
    from transforms.evaluate import simplified
    assert {(simplified(n), t) for n, t in out.select("name", "title").iter_rows()} == expected


def test_and_after_a_title_is_not_a_surname():
    out, _, _ = pairs(["请各位政协委员和列席同志提出意见。"])
    assert out.is_empty()


DIRECTORY = [
    "金溪市年鉴", "·领导名录·", "市 委", "书 记〓高建民", "副书记〓林晓", "范志刚（挂职）", "常〓委〓庞涛", "许〓红（女）",
    "市政府", "市〓长〓林晓", "副市长〓庞涛", "蔡国庆", "市检察院", "检察长〓宁海",
    "·经济综述·", "全市生产总值增长6.1%。",
]


def cleaned_pairs(text: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Through the cleaning, as a page is: a directory's lines must reach extraction as lines."""
    from tests.conftest import clean_texts

    cleaned = clean_texts([text])
    docs = cleaned.documents
    fpt, dim_person, _, _ = extract_officials(docs, cleaned.sentences, regions_of(docs, {}))
    return fpt.join(dim_person, on="person_key"), docs


def test_a_directory_gives_each_name_its_heading_and_role():
    out, docs = cleaned_pairs("\n".join(DIRECTORY))
    got = {(n, t) for n, t in out.select("name", "title").iter_rows()}
    assert got == {("高建民", "市委书记"), ("林晓", "市委副书记、市长"), ("范志刚", "市委副书记（挂职）"),
                   ("庞涛", "市委常委、副市长"), ("许红", "市委常委"), ("蔡国庆", "副市长"),
                   ("宁海", "市检察院检察长")}
    body = docs["body"][0]
    # each span ends with the name as printed, padding included (许〓红), and no note after it
    for name, start, end in out.select("name", "span_start", "span_end").iter_rows():
        assert body[start:end].replace("〓", "").replace(" ", "").endswith(name), (name, body[start:end])


def test_lines_of_names_without_a_heading_are_no_directory():
    out, _ = cleaned_pairs("\n".join(["获奖名单", "王立新", "主任〓李刚", "赵海"]))
    assert out.is_empty() or set(out["name"]) <= {"李刚"}


def test_a_leader_with_a_title_of_his_own_is_not_also_a_listed_leader():
    out, _, _ = pairs(["县领导方正、钱进等出席。县委书记方正宣布开工。"])
    assert set(out.select("name", "title").iter_rows()) == {("方正", "县委书记"), ("钱进", "县领导")}
    # a collective title names no one organisation
    assert out.filter(pl.col("title") == "县领导")["org"].null_count() == 1


# ------------------------------------------------------------------ issue 24: lists, directories, notices as grammar

COLLECTIVE_LISTS = [
    # the last name after 和/及/与, or names between spaces, still carry the collective title
    ("市领导韩立国、贾春生和蒋丽萍到我县调研。", {("韩立国", "市领导"), ("贾春生", "市领导"), ("蒋丽萍", "市领导")}),
    ("市领导马振华 殷德全出席。", {("马振华", "市领导"), ("殷德全", "市领导")}),
    ("省领导史红兵、崔建业及市领导冯晓光参加活动。",
     {("史红兵", "省领导"), ("崔建业", "省领导"), ("冯晓光", "市领导")}),
    ("县委常委 杜晓光 韩志宏参加会议。", {("杜晓光", "县委常委"), ("韩志宏", "县委常委")}),
    # an ellipsis ends the list as a comma does
    ("市领导邵青山、龙一鸣…等出席。", {("邵青山", "市领导"), ("龙一鸣", "市领导")}),
    # a personal title gives no one else its post: 区长甲和乙 makes 乙 no 区长
    ("副区长范立群和施工方代表交流。", {("范立群", "副区长")}),
    ("区长范立群和邱晓东握手。", {("范立群", "区长")}),
    # a personnel notice: the name before its title
    ("常委会决定：任命方志远为副县长，任命唐秀英为县财政局局长。", {("方志远", "副县长"), ("唐秀英", "局长")}),
    # a name before its title, as a speech report writes it
    ("会上，严志刚副县长指出，要抓好落实。", {("严志刚", "副县长")}),
    # units of other provinces and village posts
    ("州委常委冉建华、副州长龙德顺出席。村支书田满仓说，变化很大。",
     {("冉建华", "州委常委"), ("龙德顺", "副州长"), ("田满仓", "村支书")}),
    ("县人大副主任魏长青主持。", {("魏长青", "县人大副主任")}),
]


@pytest.mark.parametrize("text, expected", COLLECTIVE_LISTS)
def test_collective_lists_notices_and_names_before_titles(text, expected):
    out, _, _ = pairs([text])
    assert set(out.select("name", "title").iter_rows()) == expected


@pytest.mark.parametrize("text", [
    "许昌市长期坚持这项工作。",  # a place before 市长, no name
    "，全市县长参加培训。",
    "会议由高度重视书记主持。",
])
def test_a_place_or_a_word_before_a_title_is_no_name(text):
    out, _, _ = pairs([text], names={"许昌市": "city"})
    assert out.is_empty()


def test_a_directory_with_several_names_a_line_and_its_organisations_full_name():
    lines = ["某县年鉴", "全县经济平稳发展，各项工作稳步推进。", "中共青禾县委员会", "书记 韦振国",
             "副书记 罗春华 曹德胜", "常委 梁晓燕 蔡立新", "县人大常委会领导", "主〓〓任〓卫东升", "副 主 任〓龚海波",
             "〓〓〓〓〓贺〓兰（女）"]
    out, docs = cleaned_pairs("\n".join(lines))
    got = set(out.select("name", "title").iter_rows())
    assert got == {("韦振国", "青禾县委书记"), ("罗春华", "青禾县委副书记"), ("曹德胜", "青禾县委副书记"),
                   ("梁晓燕", "青禾县委常委"), ("蔡立新", "青禾县委常委"), ("卫东升", "县人大常委会主任"),
                   ("龚海波", "县人大常委会副主任"), ("贺兰", "县人大常委会副主任")}
    body = docs["body"][0]
    for name, start, end in out.select("name", "span_start", "span_end").iter_rows():
        assert body[start:end].replace("〓", "").replace(" ", "").endswith(name), (name, body[start:end])


@pytest.mark.parametrize("text, expected", [
    ("主持人：副县长：龚海波", {("龚海波", "副县长")}),
    ("韦振国　县委书记", {("韦振国", "县委书记")}),
    ("罗春华 | 县委副书记、县长", {("罗春华", "县委副书记、县长")}),
])
def test_a_colon_after_a_title_and_a_name_before_its_title_in_a_table(text, expected):
    out, _, _ = pairs([text])
    assert set(out.select("name", "title").iter_rows()) == expected


def test_a_spaced_list_of_titles_and_names_pairs_each_name_with_the_title_before_it():
    out, _, _ = pairs(["县长 王立新 副县长 李建业"])
    assert set(out.select("name", "title").iter_rows()) == {("王立新", "县长"), ("李建业", "副县长")}


def test_a_directory_with_colons():
    lines = ["某县年鉴", "全县经济平稳发展，各项工作稳步推进。", "县委领导", "书记：韦振国", "副书记：罗春华"]
    out, _ = cleaned_pairs("\n".join(lines))
    assert set(out.select("name", "title").iter_rows()) == {("韦振国", "县委书记"), ("罗春华", "县委副书记")}


@pytest.mark.parametrize("text, expected", [
    ("市领导邵青山、龙一鸣、马 懿等出席。", {("邵青山", "市领导"), ("龙一鸣", "市领导"), ("马懿", "市领导")}),
    ("副县长 王 军主持会议。", {("王军", "副县长")}),
])
def test_a_two_character_name_padded_to_three(text, expected):
    out, mentions, _ = pairs([text])
    assert set(out.select("name", "title").iter_rows()) == expected


@pytest.mark.parametrize("text, written", [
    ("会上，严志刚副县长指出，要抓好落实。", "严志刚副县长"),
    ("副县长严志刚指出，要抓好落实。", "副县长严志刚"),
])
def test_a_title_fact_spans_its_name_and_title_in_either_order(text, written):
    out, _, docs = pairs([text])
    (start, end), = out.select("span_start", "span_end").iter_rows()
    assert docs["body"][0][start:end] == written


def test_names_listed_before_the_title_they_share():
    out, _, docs = pairs(["开幕式上，邝长河、谭志远、柯明等大会执行主席和欧阳晓、韦东成、夏禾等主席团成员出席会议。",
                          "韦东成、夏禾等县人大常委会副主任参加活动。"])
    got = set(out.select("name", "title").iter_rows())
    assert got == {("邝长河", "大会执行主席"), ("谭志远", "大会执行主席"), ("柯明", "大会执行主席"),
                   ("欧阳晓", "主席团成员"), ("韦东成", "主席团成员"), ("夏禾", "主席团成员"),
                   ("韦东成", "县人大常委会副主任"), ("夏禾", "县人大常委会副主任")}
    # each span runs from the name to the end of its title
    body = docs["body"][0]
    spans = {body[a:b] for a, b in out.filter(pl.col("name") == "柯明").select("span_start", "span_end").iter_rows()}
    assert spans == {"柯明等大会执行主席"}


@pytest.mark.parametrize("text", [
    "会上，邝长河、谭志远等村民代表发言。",  # not a title
    "邝长河、谭志远等县领导干部群众参加。",  # the title runs on into another word
    "邝长河等县领导出席。",  # one name: 等 may cut a longer list the page does not print
])
def test_lists_before_a_title_that_give_no_official(text):
    out, _, _ = pairs([text])
    assert not set(out["name"]) & {"邝长河", "谭志远"}


def test_a_listed_name_with_a_title_of_its_own_keeps_it():
    out, _, _ = pairs(["县委书记柯明主持会议。柯明、谭志远等县领导出席。"])
    assert set(out.select("name", "title").iter_rows()) == {("柯明", "县委书记"), ("谭志远", "县领导")}


def test_a_candidate_for_a_post_is_named_with_it():
    out, _, _ = pairs(["随后，青河镇党委副书记、镇长候选人柯晓梅等按响鸣笛。"])
    assert set(out.select("name", "title").iter_rows()) == {("柯晓梅", "镇党委副书记、镇长候选人")}


def test_a_company_manager_is_no_official():
    out, _, _ = pairs(["青河实业有限公司总经理柯晓梅代表企业发言，副县长邝长河出席。"])
    assert set(out.select("name", "title").iter_rows()) == {("邝长河", "副县长")}


@pytest.mark.parametrize("text", [
    "东岭文化发展有限公司董事长尹秋生和副县长邝长河出席。",
    "省农村商业银行北湖支行行长华东明、某某青年创业培训中心主任柴宏远和副县长邝长河出席。",
])
def test_a_post_right_after_an_organisation_outside_the_state_is_no_officials(text):
    out, _, _ = pairs([text])
    assert set(out.select("name", "title").iter_rows()) == {("邝长河", "副县长")}


def test_a_party_post_in_a_company_still_counts():
    out, _, _ = pairs(["东岭文化发展有限公司党委书记尹秋生出席。"])
    assert set(out.select("name", "title").iter_rows()) == {("尹秋生", "党委书记")}


def test_a_rare_surname_is_a_surname_but_a_word_it_starts_is_no_name():
    out, _, _ = pairs(["副县长妥晓峰出席会议。", "会议要求，副县长妥善，确保落实。", "全县县领导干部、各乡镇负责人参加会议。",
                       "县领导干部，要带头。"])
    assert set(out.select("name", "title").iter_rows()) == {("妥晓峰", "副县长")}
    # a surname-led name the dictionary marks as a name stays one
    out, _, _ = pairs(["市领导王文明、高峰、周密出席。"])
    assert set(out["name"]) == {"王文明", "高峰", "周密"}


def test_a_directorys_first_heading_right_under_the_title_is_its_heading_not_a_subtitle():
    text = "\n".join(["某县领导名录", "县 委", "书 记〓卜长海", "副书记〓乐山川", "宋明理", "县政府", "县 长〓卜长海",
                      "副县长〓庄一鸣"])
    out, docs = cleaned_pairs(text)
    assert docs["subheadline"][0] is None
    got = set(out.select("name", "title").iter_rows())
    assert {("乐山川", "县委副书记"), ("宋明理", "县委副书记"), ("庄一鸣", "副县长")} <= got
    assert ("卜长海", "县委书记、县长") in got


def test_a_removal_names_the_post_held_and_a_nomination_its_candidate_post():
    out, _, docs = pairs(["会议决定免去柯一帆同志的县人民政府副县长职务，提名庄一鸣为县长候选人。"])
    assert set(out.select("name", "title").iter_rows()) == {("柯一帆", "副县长"), ("庄一鸣", "县长")}
    body = docs["body"][0]
    for name, title, start, end in out.select("name", "title", "span_start", "span_end").iter_rows():
        assert name in body[start:end] and title in body[start:end]


def test_a_directory_line_may_list_its_names_with_enumeration_commas():
    out, docs = cleaned_pairs("\n".join(["县级领导", "县委", "书记：卜长海", "副书记：乐山川", "县人大常委会", "主任：宋明理",
                                         "副主任：庄一鸣、钱二宝"]))
    got = set(out.select("name", "title").iter_rows())
    assert {("庄一鸣", "县人大常委会副主任"), ("钱二宝", "县人大常委会副主任"), ("卜长海", "县委书记")} <= got
    body = docs["body"][0]
    for name, start, end in out.select("name", "span_start", "span_end").iter_rows():
        assert body[start:end].endswith(name)


def test_a_notices_items_name_then_post_and_a_verb_ending_in_ren_is_no_name():
    out, _, docs = pairs(["经研究决定：卜长海同志任城关镇党委书记；乐山川同志任城关镇镇长。",
                          "会上，高小川兼任县长。", "他在城关镇任党委书记期间，成效明显。"])
    got = set(out.select("document_key", "name").iter_rows())
    assert got == {(1, "卜长海"), (1, "乐山川")}
    body = docs["body"][0]
    for name, title, start, end in out.select("name", "title", "span_start", "span_end").iter_rows():
        assert body[start:end].startswith(name) and body[start:end].endswith(title)


def test_a_directory_in_traditional_script_keeps_its_first_heading():
    out, docs = cleaned_pairs("\n".join(["領導名錄", "縣委", "書　記〓卜長海", "副書記〓樂山川", "縣政府", "縣　長〓樂山川",
                                         "副縣長〓莊一鳴"]))
    assert docs["subheadline"][0] is None
    assert {("卜长海", "县委书记"), ("乐山川", "县委副书记、县长")} <= set(out.select("name", "title").iter_rows())
