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

from transforms.extract.tables import SCHEMAS, conform
from transforms.extract.script import match_text
from transforms.extract.spans import attach_sentence, literal_spans, regex_spans, span_text
from transforms.keys import keys_for
from transforms.rules import RULES_DIR, RuleError, word_alternation, word_list

# Surnames are a closed class (rules/surnames.txt), not a list of names; a name ends at punctuation, the end
# of the sentence or a word that starts the predicate (rules/after_name.txt).
SURNAMES = word_list("surnames")
SINGLE_SURNAMES = "".join(s for s in SURNAMES if len(s) == 1)
COMPOUND_SURNAMES = tuple(s for s in SURNAMES if len(s) > 1)
AFTER_NAME = word_alternation("after_name", escape=True) + r"|[，。、；：！？“”‘’（）《》,.;:!?()\s0-9]|$"
# an organisation written before the title: 区人大常委会|副主任, 区政协|主席, 市发改委|主任
ORG_PREFIX = r"[省市区县](?:人大常委会|人大|政协|纪委|监委|\p{Han}{1,4}?[局委办厅])"
# characters a name does not contain after its surname (委员和与会代表)
NOT_IN_NAME = r"^.+[与及的等在和了是]"

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
        name = rf"(?:{surname})\p{{Han}}{{1,2}}?"
        # one title may head a list of names: 副主席郑某、徐某、王某及秘书长陈某
        return (rf"(?P<prefix>{ORG_PREFIX})?(?P<title>{chain})[ \u3000]?(?P<name>{name}(?:、{name})*)"
                rf"(?P<after>{AFTER_NAME})")

    @property
    def heads(self) -> list[str]:
        """First two characters of every title: a listed 'name' that starts so is the next title (区长李某)."""
        return sorted({t[:2] for t in self.titles if len(t) >= 2})


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
    is_subject (transforms.extract.subject.region_context builds it); None or empty means no regions."""
    rules = rules or default_official_rules()
    regions = _empty_regions() if regions_frame is None else regions_frame.select(_empty_regions().columns)
    regions = regions.with_columns(pl.col("span_start").cast(pl.Int32), pl.col("span_end").cast(pl.Int32))
    pattern = rules.pattern
    # matched in Simplified script (鄭州市長 -> 郑州市长), one character for one, so spans index the body
    simplified = documents.select("document_key", match_text(documents, "body").alias("_simple"))
    stored = sentences.drop("match_text", strict=False)
    # each sentence converted on its own: slicing the converted body at every sentence is quadratic
    sentences = sentences.with_columns(match_text(sentences, "text").alias("text")).drop("match_text", strict=False)

    hits = regex_spans(sentences, "text", pattern, ["document_key", "sentence_no", "span_start"])
    hits = (
        hits.with_columns(pl.col("match").str.extract_groups(f"^(?:{pattern})").alias("g"))
        .unnest("g")
        .with_columns(pl.col("prefix").fill_null(""))
        .with_columns(
            (pl.col("span_start") + pl.col("match_start")).alias("title_start"),
            (pl.col("span_start") + pl.col("match_start") + pl.col("prefix").str.len_chars()
             + pl.col("title").str.len_chars()).alias("_tend"),
            (pl.col("match").str.len_chars() - pl.col("after").str.len_chars()).alias("_nend"),
            pl.col("title").alias("core"),
            (pl.col("prefix") + pl.col("title")).alias("title"),
        )
        .with_columns(
            (pl.col("span_start") + pl.col("match_start") + pl.col("_nend")).alias("_names_end"),
            pl.col("name").str.split("、").alias("name"),
        )
        # the names of a list, each at its own offset; the last ends where the match's names end
        .with_columns(
            pl.col("name").list.eval(pl.element().str.len_chars() + 1).list.eval(pl.element().cum_sum())
            .alias("_cum"))
        .with_columns(pl.concat_list(pl.lit(0, pl.Int64), pl.col("_cum").list.head(pl.col("name").list.len() - 1))
                      .alias("_off"), pl.int_ranges(0, pl.col("name").list.len()).alias("_k"))
        .explode(["name", "_off", "_k"])
        .with_columns((pl.col("_names_end") - pl.col("_cum").list.last() + 1 + pl.col("_off")).alias("name_start"))
        .with_columns((pl.col("name_start") + pl.col("name").str.len_chars()).alias("name_end"))
        .filter(~pl.col("name").str.contains(NOT_IN_NAME)
                & ((pl.col("_k") == 0) | ~pl.col("name").str.slice(0, 2).is_in(rules.heads)))
        .select("document_key", "sentence_no", "title", "core", "prefix", "name", "title_start", "name_start",
                "name_end", pl.col("span_start").alias("sentence_start"))
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
    body = pl.col("core").str.extract(PARTY.pattern, 1)
    hits = hits.with_columns(body.alias("body"))
    region_stem = pl.when(pl.col("body").is_not_null()
                          & pl.col("region_name").str.ends_with(pl.col("body").str.slice(0, 1))
                          & pl.col("region_level").is_in(["province", "city", "district", "county"])
                          ).then(pl.col("region_name").str.slice(0, pl.col("region_name").str.len_chars() - 1)
                                 ).otherwise(pl.col("region_name"))
    hits = hits.with_columns(
        pl.when(pl.col("region_name").is_null()).then(None)
        .when(pl.col("body").is_not_null()).then(pl.concat_str(region_stem, pl.col("body")))
        .when(pl.col("prefix").str.contains("人大") | pl.col("core").str.starts_with("人大"))
        .then(pl.concat_str(pl.col("region_name"), pl.lit("人大常委会")))
        .when(pl.col("prefix").str.contains("政协") | pl.col("core").str.starts_with("政协"))
        .then(pl.concat_str(pl.col("region_name"), pl.lit("政协")))
        .when(pl.col("prefix") != "").then(pl.concat_str(pl.col("region_name"), pl.col("prefix").str.slice(1)))
        .otherwise(pl.concat_str(pl.col("region_name"),
                                 pl.col("region_level").replace_strict(GOVERNMENT_BODY, default="人民政府")))
        .alias("organization"),
        pl.when(pl.col("body").is_not_null()).then(pl.lit("party"))
        .when(pl.col("prefix").str.contains("人大") | pl.col("core").str.starts_with("人大"))
        .then(pl.lit("people_congress"))
        .when(pl.col("prefix").str.contains("政协") | pl.col("core").str.starts_with("政协")).then(pl.lit("other"))
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
    found = literal_spans(
        names.join(simplified, on="document_key"), "_simple", "name", ["document_key", "person_key", "name"],
    ).with_columns((pl.col("match_start") + pl.col("name").str.len_chars()).cast(pl.Int32).alias("span_end"))
    person_mentions = span_text(found, stored, start="match_start").select(
        "document_key", pl.lit("person").alias("entity_type"), pl.col("person_key").alias("entity_key"),
        "surface", pl.col("match_start").alias("span_start"), "span_end",
    )
    # organisations written out: region + body (管城回族区委, 三官庙街道党工委)
    organizations = (hits.filter(pl.col("org_start").is_not_null() & pl.col("body").is_not_null())
                     .with_columns((pl.col("title_start") + pl.col("body").str.len_chars()).cast(pl.Int32)
                                   .alias("span_end")))
    org_mentions = span_text(organizations, stored, start="org_start").select(
        "document_key", pl.lit("organization").alias("entity_type"), pl.col("organization_key").alias("entity_key"),
        "surface", pl.col("org_start").cast(pl.Int32).alias("span_start"), "span_end",
    )
    mentions = attach_sentence(pl.concat([person_mentions, org_mentions], how="vertical_relaxed"), sentences)
    mentions = conform(mentions, "fact_mention").unique().sort(
        "document_key", "span_start", "entity_type")
    fact_person_title = conform(fact_person_title, "fact_person_title")
    return (fact_person_title.sort("document_key", "span_start"), conform(dim_person, "dim_person"),
            conform(dim_organization, "dim_organization"), mentions)
