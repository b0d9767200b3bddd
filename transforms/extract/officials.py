"""Officials named with a title: 三官庙街道党工委书记 樊志锋, 区委书记乔旻, 区委常委、副区长孙涵, 二七区区长苏建设说.

Names are recognised without a list of names: a title from transforms/rules/titles.txt (a chain of them
joined by 、), an optional space, then a surname (a closed class, listed below) with one or two more Han
characters, then a boundary (punctuation, end of sentence, or a reporting verb such as 说/表示/主持/传达).
The name is taken as short as the boundary allows, so 乔旻做了讲话 gives 乔旻 and 苏建设说 gives 苏建设.

The organisation is the region written right before the title (二七区区长, 管城回族区委副书记 where the
region and the title share 区) or, when the title stands alone (区委书记乔旻, 副区长苏莹玺), the region of the
title's level named nearest before it in the sentence, else the article's subject region, else the nearest
one before it in the document. The body comes from the title: 区委/党工委 -> party, 人大 -> people_congress,
a bare 区长 -> the unit's government.

Everything is vectorised over all sentences of the batch: one regex pass (regex_spans), joins against the
region mentions, and literal splits for the later bare mentions of each name. No Python UDF."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from transforms.extract import SCHEMAS
from transforms.extract.regions import attach_sentence, literal_spans, regex_spans, span_text
from transforms.keys import keys_for
from transforms.rules import RULES_DIR, RuleError

# Surnames are a closed class (the ~300 that cover nearly all officials), not a list of names.
SINGLE_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向"
    "汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕"
    "单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦"
    "褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明"
    "佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅"
    "屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修"
    "邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡"
    "富尧闭由"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "尉迟", "公孙", "夏侯",
                     "端木", "司徒", "长孙", "宇文", "独孤", "呼延", "南宫", "万俟", "澹台")
# What may follow a name: punctuation, whitespace, end of sentence, or a word that starts a predicate.
AFTER_NAME = (
    "说|表示|介绍|指出|强调|主持|传达|讲话|做了|作了|出席|参加|提出|要求|通报|围绕|带领|一行|等|和|与|及|同志|"
    "在|对|到|为|就|向|代表|宣读|部署|总结|调研|认为|告诉|坦言|称|也|还|又|则|率|陪同|分别|听取|宣布|致辞|"
    "主讲|作|做|汇报|发言|点评|颁发|检查|督导|深入|来到|走访|看望|慰问|会见|签署|批示|"
    r"[，。、；：！？“”‘’（）《》,.;:!?()\s]|$"
)

PARTY = re.compile(r"^(省委|市委|区委|县委|镇党委|乡党委|党委|党工委|党组|党支部|党总支|纪工委|纪委|政法委|社区党委"
                   r"|社区党支部|村党支部)")
LEVEL_OF_CHAR = {"省": "province", "市": "city", "区": "district", "县": "county", "镇": "town", "乡": "town",
                 "村": "village"}
GOVERNMENT_BODY = {"province": "人民政府", "city": "人民政府", "district": "人民政府", "county": "人民政府",
                   "town": "人民政府", "subdistrict": "办事处", "community": "居民委员会", "village": "村民委员会"}


@dataclass(frozen=True)
class OfficialRules:
    titles: tuple[str, ...]

    @property
    def pattern(self) -> str:
        title = "|".join(re.escape(t) for t in sorted(self.titles, key=len, reverse=True))
        chain = f"(?:{title})(?:、(?:{title}))*"
        surname = "|".join(COMPOUND_SURNAMES) + f"|[{SINGLE_SURNAMES}]"
        return rf"(?P<title>{chain})[ \u3000]?(?P<name>(?:{surname})\p{{Han}}{{1,2}}?)(?P<after>{AFTER_NAME})"


def load_official_rules(path: Path | None = None) -> OfficialRules:
    path = path or RULES_DIR / "titles.txt"
    titles = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not re.fullmatch(r"[\u4e00-\u9fff、]+", line):
            raise RuleError(f"{path}: line {no}: a title is Chinese characters only, got {line!r}")
        titles.append(line)
    if not titles:
        raise RuleError(f"{path}: no titles")
    return OfficialRules(tuple(dict.fromkeys(titles)))


@cache
def default_official_rules() -> OfficialRules:
    return load_official_rules()


def title_level(title: pl.Expr) -> pl.Expr:
    """The level of unit a title belongs to, from its leading characters (区委书记, 副区长 -> district)."""
    head = title.str.strip_prefix("常务").str.strip_prefix("副").str.slice(0, 1)
    return (
        pl.when(title.str.contains("^(党工委|办事处|街道|纪工委)")).then(pl.lit("subdistrict"))
        .when(title.str.starts_with("社区")).then(pl.lit("community"))
        .otherwise(head.replace_strict(LEVEL_OF_CHAR, default=None, return_dtype=pl.String))
    )


def _empty_regions() -> pl.DataFrame:
    return pl.DataFrame(schema={"document_key": pl.Int64, "region_key": pl.Int64, "name": pl.String,
                                "level": pl.String, "span_start": pl.Int32, "span_end": pl.Int32,
                                "is_subject": pl.Boolean})


def extract_officials(
    documents: pl.DataFrame,
    sentences: pl.DataFrame,
    regions_frame: pl.DataFrame | None,
    rules: OfficialRules | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """-> (fact_person_title, dim_person, dim_organization, fact_mention for persons and organizations).

    regions_frame: region mentions with document_key, region_key, name, level, span_start, span_end,
    is_subject (transforms.extract.regions.region_context builds it); None or empty means no regions."""
    rules = rules or default_official_rules()
    regions = _empty_regions() if regions_frame is None else regions_frame.select(_empty_regions().columns)
    regions = regions.with_columns(pl.col("span_start").cast(pl.Int32), pl.col("span_end").cast(pl.Int32))
    pattern = rules.pattern

    hits = regex_spans(sentences, "text", pattern, ["document_key", "sentence_no", "span_start"])
    hits = (
        hits.with_columns(pl.col("match").str.extract_groups(f"^(?:{pattern})").alias("g"))
        .unnest("g")
        .with_columns(
            (pl.col("span_start") + pl.col("match_start")).alias("title_start"),
            pl.col("title").str.len_chars().alias("_tlen"),
            (pl.col("match").str.len_chars() - pl.col("after").str.len_chars()).alias("_nend"),
        )
        .with_columns(
            (pl.col("span_start") + pl.col("match_start") + pl.col("_nend")).alias("name_end"),
        )
        .with_columns((pl.col("name_end") - pl.col("name").str.len_chars()).alias("name_start"))
        .select("document_key", "sentence_no", "title", "name", "title_start", "name_start", "name_end",
                pl.col("span_start").alias("sentence_start"))
        .with_row_index("hit")
    )
    if hits.is_empty():
        return (pl.DataFrame(schema=SCHEMAS["fact_person_title"]), pl.DataFrame(schema=SCHEMAS["dim_person"]),
                pl.DataFrame(schema=SCHEMAS["dim_organization"]), pl.DataFrame(schema=SCHEMAS["fact_mention"]))
    hits = hits.with_columns(title_level(pl.col("title")).alias("level"))

    # Regions are paired with titles by equality and as-of joins, never every title with every region of its
    # document: that is quadratic in a long document.
    right = regions.select("document_key", "region_key", name_right="name", level_right="level",
                           region_start="span_start", region_end="span_end", is_subject="is_subject")
    # 1. a region written right before the title (二七区|区长) or sharing its first char (管城回族区|委).
    adjacent = (
        pl.concat([
            hits.join(right, left_on=["document_key", "title_start"], right_on=["document_key", "region_end"]),
            hits.with_columns((pl.col("title_start") + 1).alias("_shared"))
            .join(right, left_on=["document_key", "_shared"], right_on=["document_key", "region_end"])
            .filter(pl.col("name_right").str.ends_with(pl.col("title").str.slice(0, 1))).drop("_shared"),
        ], how="vertical_relaxed")
        .sort("hit", "region_start")
        .group_by("hit").agg(pl.col("region_key", "name_right", "level_right", "region_start").first())
        .rename({"name_right": "region_name", "level_right": "region_level", "region_start": "org_start"})
    )
    # 2. otherwise a region of the title's level: in the same sentence before it, else the subject, else the
    # nearest one before it in the document.
    rest = hits.join(adjacent.select("hit"), on="hit", how="anti")
    before = (rest.select("hit", "document_key", "level", "title_start", "sentence_start").sort("title_start")
              .join_asof(right.filter(~pl.col("is_subject")).rename({"level_right": "level"}).sort("region_end"),
                         left_on="title_start", right_on="region_end", by=["document_key", "level"],
                         check_sortedness=False)
              .filter(pl.col("region_key").is_not_null()))
    subject = (rest.select("hit", "document_key", "level")
               .join(right.filter(pl.col("is_subject")).rename({"level_right": "level"})
                     .unique(["document_key", "level"], keep="first"), on=["document_key", "level"]))
    in_sentence = before.filter(pl.col("region_start") >= pl.col("sentence_start"))
    chosen = pl.concat([
        in_sentence.select("hit", "region_key", "name_right", "level"),
        subject.join(in_sentence.select("hit"), on="hit", how="anti").select("hit", "region_key", "name_right", "level"),
        before.join(pl.concat([in_sentence.select("hit"), subject.select("hit")]), on="hit", how="anti")
        .select("hit", "region_key", "name_right", "level"),
    ], how="vertical_relaxed")
    candidates = chosen.rename({"name_right": "region_name", "level": "region_level"})
    located = pl.concat([adjacent.drop("org_start"), candidates], how="vertical_relaxed")
    hits = hits.join(adjacent.select("hit", "org_start"), on="hit", how="left").join(located, on="hit", how="left")

    # organisation: body named in the title (区委, 党工委) or the unit's government for a bare role
    body = pl.col("title").str.extract(PARTY.pattern, 1)
    hits = hits.with_columns(body.alias("body"))
    region_stem = pl.when(pl.col("body").is_not_null()
                          & pl.col("region_name").str.ends_with(pl.col("body").str.slice(0, 1))
                          & pl.col("region_level").is_in(["province", "city", "district", "county"])
                          ).then(pl.col("region_name").str.slice(0, pl.col("region_name").str.len_chars() - 1)
                                 ).otherwise(pl.col("region_name"))
    hits = hits.with_columns(
        pl.when(pl.col("region_name").is_null()).then(None)
        .when(pl.col("body").is_not_null()).then(pl.concat_str(region_stem, pl.col("body")))
        .when(pl.col("title").str.starts_with("人大")).then(pl.concat_str(pl.col("region_name"), pl.lit("人大常委会")))
        .when(pl.col("title").str.starts_with("政协")).then(pl.concat_str(pl.col("region_name"), pl.lit("政协")))
        .otherwise(pl.concat_str(pl.col("region_name"),
                                 pl.col("region_level").replace_strict(GOVERNMENT_BODY, default="人民政府")))
        .alias("organization"),
        pl.when(pl.col("body").is_not_null()).then(pl.lit("party"))
        .when(pl.col("title").str.starts_with("人大")).then(pl.lit("people_congress"))
        .when(pl.col("title").str.starts_with("政协")).then(pl.lit("other"))
        .otherwise(pl.lit("government")).alias("kind"),
    )
    hits = hits.with_columns(
        keys_for(hits["name"]).alias("person_key"),
        keys_for(hits["organization"]).alias("organization_key"),
    )

    fact_person_title = hits.select(
        "document_key", "person_key", "title", "organization_key", "region_key", "sentence_no",
        pl.min_horizontal("org_start", "title_start").alias("span_start"), pl.col("name_end").alias("span_end"),
    )
    dim_person = hits.select("person_key", "name").unique().sort("name")
    dim_organization = (hits.filter(pl.col("organization").is_not_null())
                        .select("organization_key", pl.col("organization").alias("name"), "kind")
                        .unique("organization_key").sort("name"))

    # every occurrence of a titled name in its document (张艳敏 later says ..., 乔旻同志)
    names = hits.select("document_key", "person_key", "name").unique()
    person_mentions = literal_spans(
        names.join(documents.select("document_key", "body"), on="document_key"),
        "body", "name", ["document_key", "person_key", "name"],
    ).select(
        "document_key", pl.lit("person").alias("entity_type"), pl.col("person_key").alias("entity_key"),
        pl.col("name").alias("surface"), pl.col("match_start").alias("span_start"),
        (pl.col("match_start") + pl.col("name").str.len_chars()).cast(pl.Int32).alias("span_end"),
    )
    # organisations written out: region + body (管城回族区委, 三官庙街道党工委)
    organizations = (hits.filter(pl.col("org_start").is_not_null() & pl.col("body").is_not_null())
                     .with_columns((pl.col("title_start") + pl.col("body").str.len_chars()).cast(pl.Int32)
                                   .alias("span_end")))
    org_mentions = span_text(organizations, sentences, start="org_start").select(
        "document_key", pl.lit("organization").alias("entity_type"), pl.col("organization_key").alias("entity_key"),
        "surface", pl.col("org_start").cast(pl.Int32).alias("span_start"), "span_end",
    )
    mentions = attach_sentence(pl.concat([person_mentions, org_mentions], how="vertical_relaxed"), sentences)
    mentions = mentions.select([pl.col(c).cast(t) for c, t in SCHEMAS["fact_mention"].items()]).unique().sort(
        "document_key", "span_start", "entity_type")
    fact_person_title = fact_person_title.select([pl.col(c).cast(t) for c, t in SCHEMAS["fact_person_title"].items()])
    return (fact_person_title.sort("document_key", "span_start"), dim_person.cast(SCHEMAS["dim_person"]),
            dim_organization.cast(SCHEMAS["dim_organization"]), mentions)
