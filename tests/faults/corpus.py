"""A fault corpus generated into a folder at test time: encodings, shapes, duplicates and hostile content.

make_fault_corpus(folder) writes every file and returns one FaultCase per file, saying what the ingest flow
must do with it: load it (and a snippet of Chinese text that must appear in the stored body) or quarantine
it (and the reason). Nothing here is committed as data; the big files exist only in tmp dirs."""

from __future__ import annotations

import codecs
import random
from dataclasses import dataclass
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers the 'sloppy-windows-1252' codec)

# Default GAZETTE_MAX_FILE_MB is 16; the big file is comfortably over it.
HUGE_FILE_MB = 20


@dataclass(frozen=True)
class FaultCase:
    name: str
    file: str  # relative to the corpus folder
    outcome: str  # "loaded" or "quarantined"
    snippet: str | None = None  # loaded: Chinese text that must appear in dim_document.body
    reason: str | None = None  # quarantined: quarantine.reason
    absent: tuple[str, ...] = ()  # loaded: text that must NOT appear in the body (scripts, navigation)
    duplicate_of: str | None = None  # same bytes as another case: no document of its own
    group: str = "encoding"  # encoding, shape, duplicate, hostile
    encoding: str | None = None  # loaded: dim_document.encoding when the case is about it
    fix: str | None = None  # loaded: a decode repair logged in fact_cleaning (action rewrite, line 0)

    @property
    def loaded(self) -> bool:
        return self.outcome == "loaded"


def _article(headline: str, *paragraphs: str) -> str:
    return "\n".join([headline, *paragraphs]) + "\n"


# Short district-news articles written for these tests (simplified Chinese unless said otherwise).
ARTICLES = {
    "gb18030": _article(
        "管城回族区推进老旧小区改造提质增效",
        "今年以来，管城回族区把老旧小区改造作为重点民生工程，坚持先民生后提升，统筹推进水电气暖管网更新。",
        "截至九月底，全区已完成改造小区四十二个，惠及居民一万一千余户，新增停车位八百余个。",
        "区住建局负责人表示，下一步将建立长效管理机制，引导居民参与小区治理，让改造成果可持续。",
    ),
    "gbk": _article(
        "二七区举办秋季高校毕业生专场招聘会",
        "十月十二日上午，二七区人社局在区人力资源市场举办秋季高校毕业生专场招聘会，吸引求职者两千余人。",
        "本次招聘会共有一百二十家企业参展，提供电子信息、现代物流、医疗康养等岗位三千六百个。",
        "现场设置了政策咨询台和简历指导区，工作人员为毕业生讲解就业补贴和创业担保贷款政策。",
    ),
    "utf16le": _article(
        "中原区林山寨街道开展消防安全大排查",
        "为切实防范化解冬季火灾风险，林山寨街道组织安监、社区和网格员对辖区沿街商铺开展拉网式排查。",
        "排查组重点检查了电动车违规充电、消防通道堵塞和灭火器过期等问题，现场督促整改隐患三十七处。",
    ),
    "utf16be": _article(
        "惠济区黄河湿地公园迎来候鸟越冬高峰",
        "随着气温逐渐降低，大批候鸟飞抵惠济区黄河湿地公园越冬，灰鹤、白琵鹭等珍稀鸟类频频现身。",
        "湿地管护站增派巡护人员，加强对重点区域的日常巡查，严厉打击非法捕猎和破坏湿地行为。",
        "市民可在观鸟平台远距离观赏，管护人员提醒大家不要投喂和惊扰鸟群。",
    ),
    "utf8_bom": _article(
        "上街区启动冬季清洁取暖补贴申报工作",
        "记者从上街区发展改革委获悉，今年冬季清洁取暖补贴申报工作已全面启动，符合条件的家庭可在社区窗口办理。",
        "补贴对象为辖区内完成电代煤、气代煤改造的居民家庭，申报截止时间为十二月十五日。",
    ),
    "crlf": _article(
        "荥阳市举办河阴石榴文化节",
        "金秋时节，荥阳市河阴石榴文化节在广武镇开幕，来自各地的游客走进果园体验采摘乐趣。",
        "文化节期间还举办了石榴产品展销、非遗技艺展示和乡村文艺演出等活动，带动农产品销售。",
        "当地干部介绍，河阴石榴种植面积已超过两万亩，成为群众增收致富的特色产业。",
    ),
    "mojibake_latin1": _article(
        "登封市加强嵩山景区秋季森林防火工作",
        "进入秋季以来，登封市林业部门在嵩山景区各主要入山口设立防火检查站，严禁携带火种进山。",
        "景区还组建了三支专业扑火队伍，配备风力灭火机和移动水泵，全天候开展防火值守。",
    ),
    "mojibake_cp1252": _article(
        "新密市举办中小企业融资对接会",
        "为缓解中小企业融资难题，新密市工信局联合八家银行举办融资对接会，四十余家企业负责人参会。",
        "会上，各银行推介了科技贷、税易贷等特色金融产品，现场达成意向授信金额两亿余元。",
        "与会企业表示，对接会搭建了银企沟通的桥梁，希望此类活动常态化开展。",
    ),
    "truncated": _article(
        "巩义市完成农村公路安全生命防护工程",
        "巩义市交通运输局今年投入专项资金，对全市农村公路临水临崖等危险路段实施安全生命防护工程。",
        "工程新增波形护栏四十六公里，设置警示标志两千余块，有效提升了农村公路的通行安全水平。",
    ),
    "nul": _article(
        "中牟县举办第十届西瓜节暨农产品展销会",
        "中牟县第十届西瓜节在雁鸣湖镇开幕，现场展销了本地西瓜、大蒜、草莓等特色农产品。",
        "展销会期间还开展了电商直播带货活动，吸引了众多网友在线下单，线上成交额超过三百万元。",
    ),
    "long_line_sentences": (
        "金水区持续深化放管服改革，推动政务服务事项网上可办。",
        "区政务服务中心设置综合受理窗口，群众办事只进一扇门。",
        "街道便民服务站延长服务时间，周末也能办理社保业务。",
        "社区网格员上门走访独居老人，帮助解决生活中的实际困难。",
        "辖区企业开展技术改造，生产效率明显提升。",
        "区里新建的口袋公园成为居民休闲健身的好去处。",
    ),
    "html": (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{headline}</title>\n"
        "<style>.nav {{ color: red; }} .样式说明文字 {{ display: none; }}</style>\n"
        "<script>var tracker = '统计脚本不应进入正文内容'; document.write(tracker);</script>\n"
        "</head><body>\n<nav><a href=\"/\">首页</a> <a href=\"/news\">区县动态</a> 导航栏目链接文字</nav>\n"
        "<div class=\"article\"><h1>{headline}</h1>\n{paragraphs}\n</div>\n"
        "<footer>版权所有 郑州市某区人民政府 页脚联系方式</footer>\n</body></html>\n"
    ),
    "html_txt": _article(
        "金水区文化路街道打造十五分钟便民生活圈",
        "文化路街道以群众需求为导向，在辖区新建便民菜店、社区食堂和养老服务驿站，方便居民就近办事。",
        "街道还引入家政维修、快递收发等服务网点，居民步行十五分钟即可满足日常生活需求。",
    ),
    "html_html": _article(
        "郑东新区龙子湖高校园区举办科技成果转化对接会",
        "龙子湖高校园区管委会联合十五所高校举办科技成果转化对接会，一百余项科研成果集中发布。",
        "现场有二十六个项目与企业签订合作协议，涉及新材料、智能制造和生物医药等领域。",
    ),
    "spaces_name": _article(
        "高新区石佛办事处开展垃圾分类进社区活动",
        "石佛办事处组织志愿者走进辖区各个社区，通过发放宣传册、现场演示等方式普及垃圾分类知识。",
        "活动现场，志愿者耐心讲解厨余垃圾、可回收物和有害垃圾的区别，居民参与热情高涨。",
        "办事处将持续开展垃圾分类督导，力争年底前实现辖区小区分类设施全覆盖。",
    ),
    "duplicate": _article(
        "经开区潮河街道召开安全生产工作推进会",
        "潮河街道召开安全生产工作推进会，传达上级会议精神，部署岁末年初安全生产重点工作。",
        "会议要求，各社区和企业要压实主体责任，深入开展隐患排查治理，坚决遏制各类事故发生。",
    ),
    "hostile": _article(
        "航空港区数据管理办公室提醒防范网络攻击",
        "区数据管理办公室近日发布提醒，近期发现有人在网上留言框中输入'); DROP TABLE dim_document; --这样的攻击代码。",
        "工作人员还列举了\" OR 1=1 --、'; DELETE FROM quarantine WHERE 1=1; /* 和 $$; TRUNCATE etl_run; $$等常见写法，提醒各单位做好防护。",
        "区数据管理办公室表示，将定期开展网络安全检查，保障政务系统安全稳定运行。",
    ),
    "edited": _article(
        "新郑市推进黄帝故里景区提升工程",
        "新郑市黄帝故里景区提升工程进展顺利，游客服务中心主体结构已经完工，正在进行内部装修。",
        "工程完工后，景区将新增停车位六百个，游客接待能力进一步提高。",
    ),
}

BIG5_ARTICLE = _article(
    "臺中市北屯區舉辦社區長者健康講座",
    "北屯區公所邀請醫院專業醫師走進社區活動中心，為長者講解高血壓和糖尿病的日常保健知識。",
    "講座結束後，醫護人員還為到場長者免費測量血壓和血糖，並耐心解答大家提出的各種問題。",
    "區公所表示，今後將定期舉辦類似活動，讓長者在家門口就能享受健康服務。",
)

ENGLISH_ERROR_PAGE = (
    "502 Bad Gateway\n\nThe server encountered a temporary error and could not complete your request.\n"
    "Please try again in 30 seconds.\n\nnginx/1.18.0 (Ubuntu)\n"
)

HOSTILE_STRINGS = (
    "'); DROP TABLE dim_document; --",
    "\" OR 1=1 --",
    "'; DELETE FROM quarantine WHERE 1=1; /*",
    "$$; TRUNCATE etl_run; $$",
)

# Appended to the `edited` case's file by the edit test.
EDIT_ADDITION = "会议最后强调，要倒排工期、挂图作战，确保景区提升工程年底前全面完工。\n"


def _second_paragraph(text: str) -> str:
    return text.split("\n")[2]


def long_line_text(chars: int = 100_000) -> str:
    """One line of about `chars` Chinese characters of prose (no newline at all)."""
    sentences = ARTICLES["long_line_sentences"]
    out, n, i = [], 0, 0
    while n < chars:
        s = sentences[i % len(sentences)]
        out.append(s)
        n += len(s)
        i += 1
    return "".join(out)[:chars]


def _html_page(article: str) -> str:
    headline, *paragraphs = [line for line in article.split("\n") if line]
    return ARTICLES["html"].format(headline=headline, paragraphs="\n".join(f"<p>{p}</p>" for p in paragraphs))


def write_huge_file(path: Path, megabytes: float = HUGE_FILE_MB) -> int:
    """A plain UTF-8 article file of at least `megabytes` MiB, written in chunks (memory stays small)."""
    paragraph = (
        "金水区统计局发布数据，前三季度全区规模以上工业增加值同比增长百分之六点五，"
        "社会消费品零售总额稳步回升，重点项目建设有序推进。\n"
    ).encode("utf-8")
    target = int(megabytes * 2**20) + 1
    head = "金水区前三季度经济运行情况通报\n".encode("utf-8")
    with path.open("wb") as handle:
        handle.write(head)
        written = len(head)
        chunk = paragraph * 64
        while written < target:
            handle.write(chunk)
            written += len(chunk)
    return written


def make_fault_corpus(folder: Path, *, huge: bool = True) -> list[FaultCase]:
    """Write the fault corpus into `folder` (created if needed) and return what each file must become."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20240607)
    cases: list[FaultCase] = []

    def put(name: str, file: str, data: bytes, **expect) -> None:
        path = folder / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        cases.append(FaultCase(name=name, file=file, **expect))

    def loaded(key: str, **kw) -> dict:
        return {"outcome": "loaded", "snippet": _second_paragraph(ARTICLES[key]), **kw}

    # --- encodings ------------------------------------------------------------------------------------
    put("gb18030", "enc/gb18030.txt", ARTICLES["gb18030"].encode("gb18030"),
        **loaded("gb18030", encoding="gb18030"))
    put("gbk", "enc/gbk.txt", ARTICLES["gbk"].encode("gbk"), **loaded("gbk", encoding="gb18030"))
    put("utf16le_bom", "enc/utf16le.txt", codecs.BOM_UTF16_LE + ARTICLES["utf16le"].encode("utf-16-le"),
        **loaded("utf16le", encoding="utf-16-le"))
    put("utf16be_bom", "enc/utf16be.txt", codecs.BOM_UTF16_BE + ARTICLES["utf16be"].encode("utf-16-be"),
        **loaded("utf16be", encoding="utf-16-be"))
    put("utf8_bom", "enc/utf8bom.txt", codecs.BOM_UTF8 + ARTICLES["utf8_bom"].encode("utf-8"),
        **loaded("utf8_bom", encoding="utf-8-sig"))
    put("crlf", "enc/crlf.txt", ARTICLES["crlf"].replace("\n", "\r\n").encode("utf-8"),
        **loaded("crlf", fix="newline"))
    put("big5", "enc/big5.txt", BIG5_ARTICLE.encode("big5"),
        outcome="loaded", snippet=_second_paragraph(BIG5_ARTICLE), encoding="big5hkscs")
    latin1 = ARTICLES["mojibake_latin1"].encode("utf-8").decode("latin-1")
    put("mojibake_latin1", "enc/mojibake-latin1.txt", latin1.encode("utf-8"),
        **loaded("mojibake_latin1", fix="mojibake"))
    cp1252 = ARTICLES["mojibake_cp1252"].encode("utf-8").decode("sloppy-windows-1252")
    put("mojibake_cp1252", "enc/mojibake-cp1252.txt", cp1252.encode("utf-8"),
        **loaded("mojibake_cp1252", fix="mojibake"))
    # A scraper cut the file inside the last character: 2 of the 3 bytes of 。 (e3 80 82).
    truncated = ARTICLES["truncated"].rstrip("\n").encode("utf-8") + "。".encode("utf-8")[:2]
    put("truncated_multibyte", "enc/truncated.txt", truncated, **loaded("truncated"))
    nul = ARTICLES["nul"].replace("西瓜节", "西\x00瓜节", 1).replace("，现场", "，\x00\x00现场", 1)
    put("nul_bytes", "enc/nul.txt", nul.encode("utf-8"), **loaded("nul", fix="nul"))

    # --- shapes ---------------------------------------------------------------------------------------
    put("empty", "shape/empty.txt", b"", outcome="quarantined", reason="empty", group="shape")
    put("whitespace_only", "shape/blank.txt", b" \r\n\t \n\n   \r\n", outcome="quarantined", reason="empty",
        group="shape")
    png = b"\x89PNG\r\n\x1a\n" + bytes(rng.getrandbits(8) for _ in range(4096))
    put("binary_png", "shape/photo.txt", png, outcome="quarantined", reason="binary", group="shape")
    put("english_error_page", "shape/error.txt", ENGLISH_ERROR_PAGE.encode("utf-8"), outcome="quarantined",
        reason="not_chinese", group="shape")
    line = long_line_text()
    assert len(line) == 100_000 and "\n" not in line
    put("one_line_100k_chars", "shape/one-line.txt", line.encode("utf-8"), outcome="loaded",
        snippet=ARTICLES["long_line_sentences"][3], group="shape")
    if huge:
        path = folder / "shape" / "huge.txt"
        write_huge_file(path)
        cases.append(FaultCase("huge_20mb", "shape/huge.txt", "quarantined", reason="too_large", group="shape"))
    html_absent = ("统计脚本不应进入正文内容", "document.write", "样式说明文字", "导航栏目链接文字", "页脚联系方式")
    put("html_as_txt", "shape/page.txt", _html_page(ARTICLES["html_txt"]).encode("utf-8"),
        **loaded("html_txt", absent=html_absent, group="shape", fix="html"))
    put("html_as_html", "shape/page.html", _html_page(ARTICLES["html_html"]).encode("utf-8"),
        **loaded("html_html", absent=html_absent, group="shape", fix="html"))
    put("name_with_spaces_and_chinese", "shape/2021 年 高新区 新闻 稿.txt", ARTICLES["spaces_name"].encode("utf-8"),
        **loaded("spaces_name", group="shape"))

    # --- duplicates -----------------------------------------------------------------------------------
    dup = ARTICLES["duplicate"].encode("utf-8")
    put("duplicate_first", "dup/a.txt", dup, **loaded("duplicate", group="duplicate"))
    put("duplicate_second", "dup/b copy.txt", dup, **loaded("duplicate", group="duplicate",
                                                            duplicate_of="duplicate_first"))
    put("edited_later", "dup/edited.txt", ARTICLES["edited"].encode("utf-8"), **loaded("edited", group="duplicate"))

    # --- hostile content ------------------------------------------------------------------------------
    put("sql_injection_text", "hostile/sql.txt", ARTICLES["hostile"].encode("utf-8"),
        **loaded("hostile", group="hostile"))
    return cases
