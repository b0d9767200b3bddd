"""Administrative regions named in the text, resolved against an offline division gazetteer.

Dictionary: every gazetteer unit under its name (郑州市, 管城回族区, 林山寨街道), its raw name, its short name
plus level character (管城区) and, for provinces and cities, the bare short name (郑州, 河南). Matching is
Aho-Corasick (ahocorasick_rs, the Rust aho-corasick crate; leftmost-longest) over the Simplified form of each
body (transforms/extract/script.py), so Traditional mirrors match too; the conversion keeps the length, so
spans index the original body. A bare short name followed by 区/县/市/省/路/街 is something else
(河南区域总部, 郑州路) and dropped; names inside a project name (郑州正道商业广场项目) are not mentions.

Units the gazetteer lacks are recognised by suffix: ...社区, ...村, ...办事处/...街道 (北下街办事处 = 北下街街道,
also in lists: 北下街、西大街、城东路4个办事处), and attached to the most specific unit known from context: the
nearest subdistrict/town named in the previous paragraphs, else the article's subject, else the nearest
higher unit named before it.

Zones and new towns the gazetteer lacks (牛河梁开发区, 富山新市镇, a county report's bare 经济开发区) are units only in a
document whose own unit (its headline's or title line's, transforms/extract/context.py) is a city, district or
county, and are filed under it (_own_zones).

Ambiguity (one name, several units): each candidate scores by how many of its ancestors, or of its
descendants, the same document names unambiguously; the best wins, then the lower code.

Python calls that remain, and why: Aho-Corasick is a per-text library call, run once per body; everything else
(suffix patterns, joins, scoring, hierarchy) is Polars.
"""

from __future__ import annotations

import polars as pl

from transforms.extract.tables import SCHEMAS, conform, per_text_rows
from transforms.extract.context import ORGANISATION, document_regions
from transforms.extract.gazetteer import DEPTH, Gazetteer, load_gazetteer
from transforms.extract.projects import project_candidates
from transforms.extract.script import match_text
from transforms.extract.spans import attach_sentence, regex_spans, span_text, with_windows
from transforms.extract.subject import document_subject, gazetteer_subject
from transforms.extract.words import named_items, unnamed_units, word_reading
from transforms.keys import keys_for
from transforms.rules import word_alternation, word_list

def _dictionary_hits(texts: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """(document_key, surface, span_start) for leftmost-longest non-overlapping dictionary matches."""
    schema = {"document_key": pl.Int64, "surface": pl.String, "span_start": pl.Int32}
    if gazetteer.units.is_empty() or texts.is_empty():
        return pl.DataFrame(schema=schema)
    found = []
    for automaton, surfaces in ((gazetteer.automaton, gazetteer.surface_list),
                                (gazetteer.local_automaton, gazetteer.local_surface_list)):
        if surfaces.is_empty():
            continue
        hits = per_text_rows(texts, "match_text", automaton.find_matches_as_indexes,
                             {"pattern": pl.UInt32, "span_start": pl.Int32, "span_end": pl.Int32})
        hits = hits.select("document_key", surfaces.gather(hits["pattern"]).alias("surface"), "span_start", "span_end")
        if not found:
            hits = _full_names_over_short(texts, hits, gazetteer)
        found.append(hits if not found else _not_overlapping(hits, found[0]))
    if not found:
        return pl.DataFrame(schema=schema)
    return pl.concat(found).select(list(schema))


def _full_names_over_short(texts: pl.DataFrame, hits: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """hits, where a full name begins inside a bare short name and runs past it (晋江西园街道: 江西 is read
    first, leftmost, over 西园街道), with the full name in place of the short one and of what it overlaps.
    Only the text right after each short hit is searched again."""
    short = gazetteer.short_surfaces.implode()
    cand = hits.with_row_index("_h").filter(pl.col("surface").is_in(short))
    if cand.is_empty():
        return hits
    windows = (cand.join(texts.select("document_key", "match_text"), on="document_key")
               .select(pl.col("_h").cast(pl.Int64).alias("document_key"),
                       pl.col("match_text").str.slice(pl.col("span_start") + 1, 12).alias("window")))
    again = per_text_rows(windows, "window", gazetteer.automaton.find_matches_as_indexes,
                          {"pattern": pl.UInt32, "start": pl.Int32, "end": pl.Int32}).filter(pl.col("start") == 0)
    again = again.select(pl.col("document_key").cast(pl.UInt32).alias("_h"),
                         gazetteer.surface_list.gather(again["pattern"]).alias("surface"), "end")
    again = again.filter(~pl.col("surface").is_in(short))
    longer = (cand.select("_h", "document_key", pl.col("span_start").alias("_s"), pl.col("span_end").alias("_e"))
              .join(again, on="_h")
              .select("document_key", "surface", (pl.col("_s") + 1).alias("span_start"),
                      (pl.col("_s") + 1 + pl.col("end")).alias("span_end"), "_e")
              .filter(pl.col("span_end") > pl.col("_e")).drop("_e"))
    if longer.is_empty():
        return hits
    return pl.concat([_not_overlapping(hits, longer), longer.cast(hits.schema)]).sort("document_key", "span_start")


# ---------------------------------------------------------------------------------------------------------
# extraction

SUFFIX_UNIT = r"(?:社区|村|办事处)"  # a bare ...街道 outside the gazetteer is mostly prose (平安街道, 实现街道)
SUFFIX_MATCH = r"(?:村社区|社区|村|办事处)"  # lazy match must not stop at the 村 of 绿东村社区
SUFFIX_LEVEL = {"社区": "community", "村": "village", "办事处": "subdistrict", "街道": "subdistrict"}
# a suffix-recognised name starts after the last of these; stems that are words, not names (乡村, 农村, 城中村)
UNIT_LEFT_CUT = "^.*(?:" + word_alternation("unit_left_cut") + ")"
UNIT_STEM_REJECT = "^(?:" + word_alternation("unit_stem_reject") + ")$"
BRACKETED = r"(\p{Han}{2,8})[（(]\p{Han}{1,4}[）)](村|社区)"
ORG_SUFFIX = word_alternation("org_suffixes")
# what may follow a bare place name that ends there (超越重庆，; 北京5月10日电; 郑州的)
NAME_END = r"^(?:[\p{P}\s0-9０-９]|[的和与及等是在将已为从到对向同也都还就])"
FACILITY = r"^(?:大道|大街|大桥|路|街|道|桥|公园|广场|小区|站|机场|港|湖|河|山)"
ENUMERATION = (r"((?:\p{Han}{2,5}、)+\p{Han}{2,5})(?:[0-9一二三四五六七八九十两]+个)?(办事处|街道)")
VILLAGE_LIST = r"((?:\p{Han}{2,5}、)+\p{Han}{2,5})等[0-9一二三四五六七八九十两百]+个(村|社区)"


def _list_items(sentences: pl.DataFrame, groups: str, pattern: str) -> pl.DataFrame:
    """Each item of a 、-separated list the pattern finds (group 1 the items, group 2 their shared suffix), one row
    per item with its stem and span; _list numbers the lists."""
    found = regex_spans(sentences, "text", pattern, ["document_key", "span_start"]).with_row_index("_list")
    return found.with_columns(
        pl.col("match").str.extract_groups(groups).struct.field("2").alias("suffix"),
        pl.col("match").str.extract_groups(groups).struct.field("1").str.split("、").alias("items"),
    ).with_columns(
        pl.col("items").list.eval(pl.element().str.len_chars() + 1).list.eval(pl.element().cum_sum()).alias("_cum"),
    ).with_columns(
        pl.concat_list(pl.lit(0, pl.Int64), pl.col("_cum").list.head(pl.col("items").list.len() - 1)).alias("_off"),
    ).explode(["items", "_off"]).with_columns(
        pl.col("items").str.replace(UNIT_LEFT_CUT, "").alias("stem"),
        (pl.col("span_start") + pl.col("match_start") + pl.col("_off") + pl.col("items").str.len_chars()).alias("span_end"),
    ).with_columns((pl.col("span_end") - pl.col("stem").str.len_chars()).alias("span_start"))

def _suffix_units(sentences: pl.DataFrame) -> pl.DataFrame:
    """Units recognised by suffix: document_key, surface, span_start, span_end, name, level."""
    single = regex_spans(sentences, "text", rf"\p{{Han}}+?{SUFFIX_MATCH}", ["document_key", "span_start"])
    single = single.with_columns(
        pl.col("match").str.extract(f"({SUFFIX_UNIT})$", 1).alias("suffix"),
    ).with_columns(
        pl.col("match").str.strip_suffix(pl.col("suffix")).str.replace(UNIT_LEFT_CUT, "").alias("stem"),
    ).with_columns(
        (pl.col("span_start") + pl.col("match_start") + pl.col("match").str.len_chars()).alias("span_end"),
    ).with_columns(
        (pl.col("span_end") - pl.col("stem").str.len_chars() - pl.col("suffix").str.len_chars()).alias("span_start"),
    )
    listed = _list_items(sentences, f"^(?:{ENUMERATION})", ENUMERATION)
    # 柿园(宋庄)村: a village named with its other name in brackets is the first name's
    aliased = regex_spans(sentences, "text", BRACKETED, ["document_key", "span_start"]).with_columns(
        pl.col("match").str.extract_groups(BRACKETED).alias("_g")).with_columns(
        pl.col("_g").struct.field("1").str.replace(UNIT_LEFT_CUT, "").alias("stem"),
        pl.col("_g").struct.field("2").alias("suffix"),
        (pl.col("span_start") + pl.col("match_start") + pl.col("match").str.len_chars()).alias("span_end"),
    ).with_columns((pl.col("span_start") + pl.col("match_start") + pl.col("_g").struct.field("1").str.len_chars()
                    - pl.col("stem").str.len_chars()).alias("span_start"))
    # 以大堰、磨嘴、中沟等12个村: short names listed before a count of villages (communities) are theirs
    villages = _list_items(sentences, VILLAGE_LIST, VILLAGE_LIST)
    villages = villages.join(named_items(villages.select("_list", item="stem")), on="_list", how="semi")
    units = pl.concat([
        villages.select((pl.col("_list") + 3_000_000_000).alias("_list"), "document_key", "stem", "suffix",
                        "span_start", "span_end"),
        single.with_row_index("_list").select("_list", "document_key", "stem", "suffix", "span_start", "span_end"),
        listed.select((pl.col("_list") + 1_000_000_000).alias("_list"), "document_key", "stem", "suffix", "span_start",
                      "span_end"),
        aliased.with_row_index("_list").select((pl.col("_list") + 2_000_000_000).alias("_list"), "document_key", "stem",
                                               "suffix", "span_start", "span_end"),
    ], how="vertical_relaxed")
    # 东石羊城中村 is the village 东石羊村 (城中村: a village the city has grown around)
    units = units.with_columns(pl.when(pl.col("suffix") == "村").then(pl.col("stem").str.replace("城中$", ""))
                               .otherwise(pl.col("stem")).alias("stem"))
    valid = (pl.col("stem").str.len_chars().is_between(2, 6) & ~pl.col("stem").str.contains(UNIT_STEM_REJECT)
             & ~pl.col("stem").str.contains(r"[^\p{Han}]"))
    # a list with an item that is no name (为了科学、客观地对各街道…) is prose, not a list of units
    units = units.filter(valid & valid.all().over("_list"))
    listed_village = pl.col("_list") >= 3_000_000_000
    canonical = pl.when(pl.col("suffix") == "办事处").then(pl.lit("街道")).otherwise(pl.col("suffix"))
    return units.select(
        "document_key",
        pl.col("span_start").cast(pl.Int32), pl.col("span_end").cast(pl.Int32),
        pl.concat_str(pl.col("stem"), canonical).alias("name"),
        pl.col("suffix").replace_strict(SUFFIX_LEVEL, return_dtype=pl.String).alias("level"),
        listed_village.alias("listed"),
    ).unique(["document_key", "span_start", "span_end"])


# Span questions answered with one sorted as-of join instead of a join of every span with every other span of
# its document (quadratic in a long document): the spans (document_key, s, e) sorted by start, with the
# furthest end reached so far.
def _furthest_end(spans: pl.DataFrame) -> pl.DataFrame:
    return (spans.select("document_key", pl.col("s").cast(pl.Int64), pl.col("e").cast(pl.Int64)).sort("document_key", "s")
            .with_columns(pl.col("e").cum_max().over("document_key").alias("_reach")).sort("s"))


def _within_any(frame: pl.DataFrame, spans: pl.DataFrame) -> pl.Series:
    """Whether each row's (span_start, span_end) lies inside one of spans of its document."""
    found = (frame.select("document_key", pl.col("span_start").cast(pl.Int64).alias("_k"),
                          pl.col("span_end").cast(pl.Int64).alias("_e")).with_row_index("_i").sort("_k")
             .join_asof(_furthest_end(spans), left_on="_k", right_on="s", by="document_key", check_sortedness=False)
             .sort("_i"))
    return (found["_reach"] >= found["_e"]).fill_null(False)


def _overlaps_any(frame: pl.DataFrame, spans: pl.DataFrame) -> pl.Series:
    """Whether each row's (span_start, span_end) shares a character with one of spans of its document."""
    found = (frame.select("document_key", (pl.col("span_end").cast(pl.Int64) - 1).alias("_k"),
                          pl.col("span_start").cast(pl.Int64).alias("_s")).with_row_index("_i").sort("_k")
             .join_asof(_furthest_end(spans), left_on="_k", right_on="s", by="document_key", check_sortedness=False)
             .sort("_i"))
    return (found["_reach"] > found["_s"]).fill_null(False)


def _context_chars(hits: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """hits with the text around them, read from their sentence (empty past its ends): _next (one character
    after), _after (twelve) and _before (one before)."""
    end = pl.col("span_end") - pl.col("_wb")
    start = pl.col("span_start") - pl.col("_wb")
    return (with_windows(hits, sentences, "span_start", "span_end", before=1, after=12)
            .with_columns(pl.col("_wt").str.slice(end, 1).fill_null("").alias("_next"),
                          pl.col("_wt").str.slice(end, 12).fill_null("").alias("_after"),
                          pl.when(pl.col("span_start") > pl.col("_ss")).then(pl.col("_wt").str.slice(start - 1, 1))
                          .otherwise(pl.lit("")).alias("_before"))
            .drop("_ss", "_wb", "_wt"))


def extract_regions(
    documents: pl.DataFrame, sentences: pl.DataFrame, gazetteer: Gazetteer | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """-> (dim_region rows incl. all ancestors, fact_mention rows with entity_type 'region',
    subject: document_key, region_key, name — the article's main administrative unit — and found: where the
    document names it as its own unit, `headline` or `title_line` (transforms/extract/context.py), else null)."""
    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    bodies = documents.select("document_key", "body")
    texts = bodies.with_columns(match_text(documents, "body").alias("match_text"))
    # each sentence converted on its own: slicing the converted body at every sentence's offset is quadratic
    sentences_s = sentences.with_columns(match_text(sentences, "text").alias("text")).drop("match_text", strict=False)
    sentences = sentences.drop("match_text", strict=False)

    hits = _dictionary_hits(texts, gazetteer)
    hits = hits.with_columns((pl.col("span_start") + pl.col("surface").str.len_chars()).cast(pl.Int32).alias("span_end"))
    every_hit = hits.select("document_key", "span_start", "span_end")
    hits = _context_chars(hits, sentences_s)
    # a match that segmentation reads as part of another word or as a given name is no place (安居乐业, 曹广州)
    rows = gazetteer.surface_rows(hits["surface"])
    short = rows.group_by("surface").agg((pl.col("is_short") | pl.col("bare_local")).any().alias("short"))
    hits = hits.join(short, on="surface", how="left").with_columns(
        pl.col("short").fill_null(False), (pl.col("_next").str.contains(NAME_END) | (pl.col("_next") == "")).alias("ends"))
    hits = pl.concat([hits, word_reading(hits, sentences_s)], how="horizontal").filter(~pl.col("misread")).drop(
        "short", "misread", "ends")
    # a name read as one word still names a road or a venue before one of these (射洪大道, 荥阳广场)
    hits = hits.with_columns(pl.col("whole_word") & ~pl.col("_after").str.contains(FACILITY))
    hits = (
        hits.join(rows, on="surface")
        # a bare short name before 区/路 is part of another name (河南区域, 郑州路); before an organisation's
        # ending it names the organisation (郑州某某有限公司, 建材（河南）有限公司)
        .filter(~(pl.col("is_short") & (pl.col("_next").is_in(list("区市省路街镇乡村道"))
                                        | pl.col("_after").str.contains(ORGANISATION)
                                        | (pl.col("_before").is_in(["（", "("])
                                           & pl.col("_after").str.contains(f"^[）)](?:{ORG_SUFFIX})")))))
        .drop("_after", "_before")
    )
    hits, siblings = _listed_siblings(hits, gazetteer)
    projects = project_candidates(sentences_s).select("document_key", pl.col("span_start").alias("p_start"),
                                                      pl.col("span_end").alias("p_end"))
    suffix = _suffix_units(sentences_s)

    def outside_projects(frame: pl.DataFrame) -> pl.DataFrame:
        """Names inside project names are not mentions (郑州某某广场项目), except a village's or community's:
        a project named after one (某某村安置房项目) lies there."""
        inside = _within_any(frame, projects.rename({"p_start": "s", "p_end": "e"}))
        return frame.filter(~(inside & ~pl.col("level").is_in(["village", "community"])))

    suffix = outside_projects(suffix)
    resolved = _disambiguate(hits, gazetteer)
    resolved = resolved.join(gazetteer.rows(resolved["code"])
                             .select("code", "name", "level", "full_name", "parent_code"), on="code")
    resolved = outside_projects(resolved)
    resolved = _not_the_towns_stem(resolved)
    towns = resolved.filter(~pl.col("surface_is_short") & (pl.col("level") == "town")
                            & pl.col("surface").str.contains("[镇乡]$"))
    listed_siblings = resolved.join(siblings, on=["document_key", "span_start"], how="semi")
    resolved = _supported(resolved, gazetteer, texts)
    # units a list places under one parent need no other relative (到杨集镇、拐河镇、柳河镇观摩 in a county's own news)
    resolved = pl.concat([resolved, listed_siblings.join(resolved, on=["document_key", "span_start"], how="anti")
                          .with_columns(pl.lit(False).alias("context_only")).select(resolved.columns)])
    context_only = resolved.filter(pl.col("context_only")).select("document_key", pl.col("span_start").cast(pl.Int32))
    resolved = resolved.drop("context_only")
    counted = _counted_villages(sentences_s, gazetteer)
    # (villages counted in a list are a group, not what the article is about: see grouped below)
    context_only = pl.concat([context_only, counted.select("document_key", "span_start")])
    listed = pl.concat([_listed_units(sentences_s, resolved, gazetteer), counted],
                       how="vertical_relaxed").unique(["document_key", "span_start"])
    resolved = pl.concat([resolved, _not_overlapping(listed, resolved)], how="vertical_relaxed")
    # the document's own unit (headline, title line): a figure's region even when the body never names it
    own = document_regions(documents, gazetteer, resolved.select("document_key", "code"))
    # a suffix unit that overlaps a dictionary hit is the dictionary's (林山寨街道 is in the gazetteer)
    suffix = _not_overlapping(suffix, resolved)
    suffix = pl.concat([suffix, _own_towns(towns, resolved, texts)], how="vertical_relaxed")


    # suffix units: parent = nearest subdistrict/town within 3 paragraphs before, else subject, else nearest higher
    para = sentences.select("document_key", "paragraph_no", pl.col("span_start").alias("_s"))
    def with_paragraph(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.sort("span_start").join_asof(para.sort("_s"), left_on="span_start", right_on="_s",
                                                  by="document_key", check_sortedness=False).drop("_s")
    resolved = with_paragraph(resolved)
    suffix = with_paragraph(suffix).with_row_index("_u")
    subject_g = gazetteer_subject(resolved.select("document_key", "code", "level", "span_start"))
    known = resolved.select("document_key", pl.col("code").alias("p_code"), pl.col("level").alias("p_level"),
                            pl.col("span_start").alias("p_start"), pl.col("paragraph_no").alias("p_para"))
    depth = pl.col("level").replace_strict(DEPTH, default=9)

    def nearest_before(units: pl.DataFrame, parents: pl.DataFrame) -> pl.DataFrame:
        """Each unit with the closest of parents that starts before it in its document (an as-of join: one
        sorted pass, where pairing every unit with every earlier unit is quadratic in a long document)."""
        return (units.sort("span_start")
                .join_asof(parents.sort("p_start"), left_on="span_start", right_on="p_start", by="document_key",
                           allow_exact_matches=False, check_sortedness=False)
                .filter(pl.col("p_code").is_not_null()))

    near = (nearest_before(suffix.filter(pl.col("level").is_in(["village", "community"])),
                           known.filter(pl.col("p_level").is_in(["subdistrict", "town"])))
            .filter(pl.col("paragraph_no") - pl.col("p_para") <= 3).select("_u", "p_code"))
    subj = (suffix.join(near.select("_u"), on="_u", how="anti")
            .join(subject_g.select("document_key", pl.col("code").alias("p_code"),
                                   pl.col("level").alias("p_level")), on="document_key")
            .filter(pl.col("p_level").replace_strict(DEPTH, default=9) < depth)
            .select("_u", "p_code"))
    rest = suffix.join(pl.concat([near.select("_u"), subj.select("_u")]), on="_u", how="anti").with_columns(
        depth.alias("_depth"))
    higher = pl.concat([
        nearest_before(rest.filter(pl.col("_depth") == d),
                       known.filter(pl.col("p_level").replace_strict(DEPTH, default=9) < d)).select("_u", "p_code")
        for d in rest["_depth"].unique().to_list()
    ], how="vertical_relaxed") if not rest.is_empty() else near.clear()
    parent = pl.concat([near, subj, higher])
    # a town kept by _own_towns is no child of the units around it (the gazetteer would have placed it)
    suffix = suffix.join(parent, on="_u", how="left").with_columns(
        pl.when(pl.col("level") == "town").then(None).otherwise(pl.col("p_code")).alias("p_code"),
        pl.lit("admin").alias("kind"))
    zones = _own_zones(sentences_s, every_hit, resolved, own, gazetteer)
    suffix = pl.concat([suffix, zones.with_columns((pl.int_range(pl.len()) + suffix.height).cast(pl.UInt32).alias("_u"),
                                                   pl.lit(False).alias("listed"))], how="diagonal_relaxed")
    suffix = suffix.join(
        gazetteer.rows(suffix["p_code"]).select(pl.col("code").alias("p_code"), pl.col("full_name").alias("p_full")),
        on="p_code", how="left")
    # a gazetteer unit with the same name under that parent (北下街街道) is that unit
    same = suffix.join(gazetteer.children(suffix["p_code"]).select("code", "name", p_code="parent_code"),
                       on=["name", "p_code"], how="inner").select("_u", "code")
    suffix = suffix.join(same, on="_u", how="left").with_columns(
        pl.concat_str(pl.col("p_full").fill_null(""), pl.col("name")).alias("full_name"))
    # a village or community the gazetteer does not hold under its parent needs a name for a stem: not 务工村民,
    # 增加村集体收入, 我们村 (segmentation reads the stem's words)
    # (a list's names were read as names already, and their spans hold no suffix)
    loose = suffix.filter(pl.col("code").is_null() & pl.col("level").is_in(["village", "community"])
                          & ~pl.col("listed")).with_columns(
        pl.when(pl.col("name").str.ends_with("社区")).then(pl.lit("社区")).otherwise(pl.lit("村")).alias("_sfx"))
    unnamed = loose.filter(unnamed_units(loose, sentences_s, "_sfx"))["_u"]
    suffix = suffix.filter(~pl.col("_u").is_in(unnamed.implode()))

    # dim_region: mentioned gazetteer units, their ancestors, suffix units
    mentioned = pl.concat([resolved.select("code"), suffix.filter(pl.col("code").is_not_null()).select("code"),
                           suffix.select(pl.col("p_code").alias("code")).drop_nulls(), own.select("code")]).unique()
    ancestors = gazetteer.ancestors(mentioned["code"])
    with_anc = pl.concat([mentioned, mentioned.join(ancestors, on="code").select(pl.col("ancestor_code").alias("code"))]).unique()
    gaz_rows = with_anc.join(gazetteer.rows(with_anc["code"]), on="code")
    gaz_rows = gaz_rows.join(
        gazetteer.rows(gaz_rows["parent_code"]).select(pl.col("code").alias("parent_code"),
                                                       pl.col("full_name").alias("parent_full")),
        on="parent_code", how="left")
    new_units = suffix.filter(pl.col("code").is_null()).select("name", "level", "full_name",
                                                             pl.col("p_full").alias("parent_full"), "kind").unique("full_name")
    dim = pl.concat([
        gaz_rows.select("name", "level", "full_name", "parent_full", "code", "kind"),
        new_units.select("name", "level", "full_name", "parent_full", pl.lit(None, pl.String).alias("code"), "kind"),
    ], how="vertical_relaxed").unique("full_name", keep="first")
    dim = dim.with_columns(keys_for(dim["full_name"]).alias("region_key"),
                           keys_for(dim["parent_full"]).alias("parent_region_key"))
    dim_region = conform(dim, "dim_region").sort("full_name")

    suffix_full = suffix.join(gazetteer.rows(suffix["code"]).select("code", pl.col("full_name").alias("_gaz_full")),
                              on="code", how="left")
    mentions = pl.concat([
        resolved.select("document_key", "full_name", "span_start", "span_end"),
        suffix_full.with_columns(pl.coalesce("_gaz_full", "full_name").alias("full_name"))
        .select("document_key", "full_name", "span_start", "span_end"),
    ], how="vertical_relaxed")
    mentions = span_text(mentions, sentences).with_columns(
        keys_for(mentions["full_name"]).alias("entity_key"),
        pl.lit("region").alias("entity_type"),
    )
    mentions = attach_sentence(mentions, sentences)
    fact_mention = conform(mentions, "fact_mention").sort(
        "document_key", "span_start")

    own = own.join(gazetteer.rows(own["code"]).select("code", "full_name"), on="code")
    own = own.select("document_key", keys_for(own["full_name"]).alias("region_key"), "found")
    # villages named as items of a list (大堰、磨嘴等12个村) are a group, not what the article is about
    # (nor are units a town's own text names only as its context)
    grouped = pl.concat([suffix.filter(pl.col("listed")).select("document_key", pl.col("span_start").cast(pl.Int32)),
                         context_only])
    subject = document_subject(fact_mention.join(grouped, on=["document_key", "span_start"], how="anti"), dim_region,
                               documents, own.drop("found"))
    # found: where the document names the subject as its own unit (dim_document.region_source), null when the
    # subject is only the unit its body mentions most
    subject = subject.join(own, on=["document_key", "region_key"], how="left")
    return dim_region, fact_mention, subject


def _own_towns(towns: pl.DataFrame, kept: pl.DataFrame, texts: pl.DataFrame) -> pl.DataFrame:
    """Towns named in full that no relative supports, in a document that speaks as a town (我镇, 全镇, 镇党委;
    乡 alike): a town's own report (沙沟镇2021年政府工作报告) seldom names its county. Several towns share
    such a name, so it is kept as a unit recognised by its suffix, placed only by the context."""
    schema = {"document_key": pl.Int64, "span_start": pl.Int32, "span_end": pl.Int32, "name": pl.String,
              "level": pl.String, "listed": pl.Boolean}
    towns = towns.join(kept.select("document_key", "span_start"), on=["document_key", "span_start"], how="anti")
    if towns.is_empty():
        return pl.DataFrame(schema=schema)
    speaks = texts.join(towns.select("document_key").unique(), on="document_key", how="semi").select(
        "document_key", *[pl.col("match_text").str.contains(f"(?:[我全本]{c}|{c}(?:党委|政府|人大|人民政府))")
                          .alias(c) for c in "镇乡"])
    towns = towns.join(speaks, on="document_key").filter(
        pl.when(pl.col("surface").str.ends_with("镇")).then(pl.col("镇")).otherwise(pl.col("乡")))
    return towns.select("document_key", "span_start", "span_end", pl.col("surface").alias("name"), "level",
                        pl.lit(False).alias("listed")).unique(["document_key", "span_start"]).cast(schema)


# zones and new towns a division list seldom holds (牛河梁开发区, 富山新市镇), by the ending of their names; the
# generic names are a unit's own zone without a name of their own (经济开发区 in a county's report)
ZONE_ENDING = r"(?:经济技术开发区|高新技术产业开发区|经济开发区|高新区|经开区|开发区|新区|新市镇)"
GENERIC_ZONES = ("经济技术开发区", "高新技术产业开发区", "经济开发区", "高新区", "经开区")
ZONE_CANDIDATE = rf"\p{{Han}}{{0,4}}?{ZONE_ENDING}"
# how segmentation reads a zone's own name (牛河梁, 富山): a place's or a person's name
ZONE_NAME_POS = r"^(?:ns|nr|nz)"


def _own_zones(sentences: pl.DataFrame, every_hit: pl.DataFrame, resolved: pl.DataFrame, own: pl.DataFrame,
               gazetteer: Gazetteer) -> pl.DataFrame:
    """Zones the gazetteer lacks, named in a document whose own unit (own: document_key, code, found) is a city,
    district or county, filed under that unit: a name segmentation reads as a name (2 to 4 characters) before a
    zone's ending (牛河梁开发区; 富山新市镇 a town, the others districts, as division lists file county-level
    zones), or a generic zone name with no name before it (经济开发区 in a county's work report). Never when a
    gazetteer place lies in the name (二七新区 is 二七区's, 朝阳经济开发区 is not the county's), nor where the
    gazetteer reads the span (经开区 of a city that has one). -> document_key, span_start, span_end, name, level,
    p_code, kind."""
    schema = {"document_key": pl.Int64, "span_start": pl.Int32, "span_end": pl.Int32, "name": pl.String,
              "level": pl.String, "p_code": pl.String, "kind": pl.String}
    if own.is_empty():
        return pl.DataFrame(schema=schema)
    owners = own.join(gazetteer.rows(own["code"]).select("code", "level"), on="code").filter(
        pl.col("level").is_in(["city", "district", "county"])).select("document_key", p_code="code")
    # the endings alone first: a cheap scan that leaves few sentences
    cand = regex_spans(sentences.filter(pl.col("text").str.contains(ZONE_ENDING))
                       .join(owners.select("document_key"), on="document_key", how="semi"), "text",
                       ZONE_CANDIDATE, ["document_key", "span_start"])
    if cand.is_empty():
        return pl.DataFrame(schema=schema)
    generic = "(?:" + "|".join(GENERIC_ZONES) + ")$"
    cand = (cand.with_row_index("_z")
            .with_columns(pl.coalesce(pl.col("match").str.extract(f"({generic})", 1),
                                      pl.col("match").str.extract(f"({ZONE_ENDING})$", 1)).alias("_ending"))
            .with_columns((pl.col("match").str.len_chars() - pl.col("_ending").str.len_chars()).alias("_stem_len"),
                          (pl.col("span_start") + pl.col("match_start") + pl.col("match").str.len_chars())
                          .cast(pl.Int32).alias("span_end")))
    from transforms.extract.terms import segmenter

    tagger = segmenter()
    tokens = per_text_rows(cand.select(pl.col("_z").cast(pl.Int64).alias("document_key"), "match"), "match",
                           lambda w: tagger.tag(w, True), {"token": pl.String, "pos": pl.String})
    tokens = (tokens.select(pl.col("document_key").cast(pl.UInt32).alias("_z"), "pos",
                            pl.col("token").str.len_chars().alias("_len"))
              .with_columns((pl.col("_len").cum_sum().over("_z") - pl.col("_len")).alias("_at"))
              .join(cand.select("_z", "_stem_len"), on="_z")
              .filter(pl.col("_at") < pl.col("_stem_len")))
    # the stem's name: the run of name words that ends where the zone's ending begins (no word runs across it)
    stems = (tokens.sort("_z", "_at", descending=[False, True])
             .with_columns(pl.col("pos").str.contains(ZONE_NAME_POS).cum_min().over("_z").alias("_run"),
                           ((pl.col("_at") + pl.col("_len")).max().over("_z") == pl.col("_stem_len")).alias("_clean"))
             .filter(pl.col("_run") & pl.col("_clean"))
             .group_by("_z").agg(pl.col("_at").min().alias("_name_at")))
    # a word that runs from the stem across the ending's start (东营港经济开发区 read whole): a name not read
    crossed = tokens.filter(pl.col("_at") + pl.col("_len") > pl.col("_stem_len")).select("_z").unique()
    cand = cand.join(stems, on="_z", how="left").with_columns(
        (pl.col("_stem_len") - pl.col("_name_at")).fill_null(0).alias("_name_len"),
        pl.col("_z").is_in(crossed["_z"].implode()).alias("_crossed"))
    # a zone named after the owner by its bare short name (霞浦经济开发区 in 霞浦县's report), however it is read
    own_surfaces = gazetteer.surfaces.filter(pl.col("code").is_in(owners["p_code"].implode()) & pl.col("is_short"))
    own = (cand.join(owners, on="document_key").join(own_surfaces.select("surface", p_code="code"), on="p_code")
           .filter(pl.col("match").str.slice(0, pl.col("_stem_len")).str.ends_with(pl.col("surface")))
           .group_by("_z").agg(pl.col("surface").str.len_chars().max().alias("_own_len")))
    own_name = own["_z"]
    cand = cand.join(own, on="_z", how="left").with_columns(
        pl.coalesce("_own_len", "_name_len").alias("_name_len")).drop("_own_len")
    cand = cand.with_columns((pl.col("span_end") - pl.col("_ending").str.len_chars() - pl.col("_name_len"))
                             .cast(pl.Int32).alias("span_start"))
    named = pl.col("_name_len").is_between(2, 4)
    cand = cand.filter(named | (pl.col("_ending").is_in(GENERIC_ZONES) & (pl.col("_name_len") == 0)
                                & ~pl.col("_crossed")))
    # ... nor a place in the words before a generic name (东营港经济开发区: a zone of 东营's, not the owner's)
    stem_part = cand.filter(pl.col("_name_len") == 0).select(
        "document_key", "_z", (pl.col("span_end") - pl.col("match").str.len_chars()).alias("span_start"),
        (pl.col("span_end") - pl.col("_ending").str.len_chars()).alias("span_end")).filter(
        pl.col("span_end") > pl.col("span_start"))
    near_place = stem_part.filter(_overlaps_any(stem_part, every_hit.rename({"span_start": "s", "span_end": "e"})))["_z"]
    cand = cand.filter(~pl.col("_z").is_in(near_place.implode()))
    # no gazetteer place in the zone's name, and none run into a generic name from before (郑州经开区)
    name_part = cand.select("document_key", "span_start", (pl.col("span_end") - pl.col("_ending").str.len_chars())
                            .alias("span_end"), "_z").filter(pl.col("span_end") > pl.col("span_start"))
    placed = name_part.filter(_overlaps_any(name_part, every_hit.rename({"span_start": "s", "span_end": "e"})))["_z"]
    placed = placed.filter(~placed.is_in(own_name.implode()))
    glued = cand.join(every_hit.select("document_key", pl.col("span_end").alias("span_start")),
                      on=["document_key", "span_start"], how="semi")["_z"]
    cand = cand.filter(~pl.col("_z").is_in(pl.concat([placed, glued]).implode()))
    cand = pl.concat([_not_overlapping(cand.filter(~pl.col("_z").is_in(own_name.implode())), resolved),
                      cand.filter(pl.col("_z").is_in(own_name.implode()))])
    zones = cand.join(owners, on="document_key").select(
        "document_key", "span_start", "span_end", "_ending",
        pl.col("match").str.slice(pl.col("_stem_len") - pl.col("_name_len")).alias("name"),
        pl.when(pl.col("_ending") == "新市镇").then(pl.lit("town")).otherwise(pl.lit("district")).alias("level"),
        "p_code", pl.lit("zone").alias("kind"))
    # a generic name is the owner's zone of that kind where the gazetteer holds one (张家界高新区), named so;
    # where it holds several, none
    kind_of = {z: ("高新" if "高新" in z else "经济|经开") for z in GENERIC_ZONES}
    generic_rows = zones.filter(pl.col("_ending") == pl.col("name")).with_columns(
        pl.col("_ending").replace_strict(kind_of, default=None).alias("_kind"))
    # (a scan of every unit: only for the owners of generic names)
    held = (gazetteer.children(generic_rows["p_code"]) if not generic_rows.is_empty() else gazetteer.units.clear()
            ).filter(pl.col("kind") == "zone").select(pl.col("parent_code").alias("p_code"), pl.col("name").alias("_held"))
    matched = (generic_rows.join(held, on="p_code").filter(pl.col("_held").str.contains(pl.col("_kind")))
               .group_by("document_key", "span_start").agg(pl.col("_held").unique()))
    zones = (zones.join(matched, on=["document_key", "span_start"], how="left")
             .filter(pl.col("_held").list.len().fill_null(1) == 1)
             .with_columns(pl.coalesce(pl.col("_held").list.first(), pl.col("name")).alias("name")))
    return zones.drop("_ending", "_held").unique(["document_key", "span_start"]).cast(schema)


# a list of units (A镇、B镇、C乡) places its items under one parent when at least this many have a unit of that name
# under it: towns of one name lie in many counties, but three of a list seldom share another county
LISTED_SIBLINGS = 3


def _listed_siblings(hits: pl.DataFrame, gazetteer: Gazetteer) -> tuple[pl.DataFrame, pl.DataFrame]:
    """hits (one row per candidate unit of a match), where matches follow one another separated only by 、, and
    LISTED_SIBLINGS or more of them have a candidate town or subdistrict under one parent (and no other parent has as many): those
    matches keep only that candidate. -> (hits, the (document_key, span_start) of the matches so placed)."""
    keys = pl.DataFrame(schema={"document_key": pl.Int64, "span_start": pl.Int32})
    spans = (hits.select("document_key", "span_start", "span_end", "_next").unique(["document_key", "span_start"])
             .sort("document_key", "span_start"))
    linked = ((pl.col("span_start") == pl.col("span_end").shift(1).over("document_key") + 1)
              & (pl.col("_next").shift(1).over("document_key") == "、")).fill_null(False)
    spans = spans.with_columns(linked.alias("_link")).with_columns(
        (~pl.col("_link")).cum_sum().alias("_list"))
    spans = spans.filter(pl.len().over("_list") >= LISTED_SIBLINGS)
    if spans.is_empty():
        return hits, keys
    cand = hits.select("document_key", "span_start", "code").join(
        spans.select("document_key", "span_start", "_list"), on=["document_key", "span_start"])
    # towns and subdistricts only: a village's town is often held twice (庄里乡 and 庄里镇 after a merger), and
    # the town the text names decides between them
    cand = cand.join(gazetteer.rows(cand["code"]).filter(pl.col("level").is_in(["town", "subdistrict"]))
                     .select("code", "parent_code"), on="code")
    per = (cand.group_by("_list", "parent_code").agg(pl.col("span_start").n_unique().alias("_items"))
           .filter(pl.col("_items") >= LISTED_SIBLINGS)
           .filter(pl.col("_items") == pl.col("_items").max().over("_list"))
           .filter(pl.len().over("_list") == 1))
    chosen = cand.join(per, on=["_list", "parent_code"]).unique(["document_key", "span_start"])
    if chosen.is_empty():
        return hits, keys
    hits = (hits.join(chosen.select("document_key", "span_start", _keep="code"), on=["document_key", "span_start"],
                      how="left")
            .filter(pl.col("_keep").is_null() | (pl.col("code") == pl.col("_keep"))).drop("_keep"))
    return hits, chosen.select("document_key", "span_start").cast(keys.schema)


# short names listed before a count of villages, with or without 等 (包集、牌坊等6个村; 二府庄、姚家村、闵旗寨3个村)
COUNTED_VILLAGES = r"((?:\p{Han}{2,5}、)+\p{Han}{2,5}?)等?[0-9一二三四五六七八九十两百]+个(村|社区)"


def _counted_villages(sentences: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """The items of a list before a count of villages (communities) that the gazetteer holds under one town:
    where LISTED_SIBLINGS or more items, with the list's suffix, name units of one parent (and no other parent
    has as many), those items are those units, whatever segmentation reads in them (牌坊, 大营 are words).
    -> rows shaped like resolved units (document_key, code, span_start, span_end, name, level, full_name,
    parent_code)."""
    items = _list_items(sentences.filter(pl.col("text").str.contains("个[村社]")), COUNTED_VILLAGES, COUNTED_VILLAGES)
    if items.is_empty():
        return pl.DataFrame(schema={"document_key": pl.Int64, "code": pl.String, "span_start": pl.Int32,
                                    "span_end": pl.Int32, "name": pl.String, "level": pl.String,
                                    "full_name": pl.String, "parent_code": pl.String})
    # each item as cut (以及二府庄 -> 二府庄) and whole (姚家村: 家 is a cut word)
    whole = items.with_columns(pl.col("items").alias("stem"),
                               (pl.col("span_end") - pl.col("items").str.len_chars()).alias("span_start"))
    items = pl.concat([items, whole.select(items.columns)]).with_columns(
        pl.concat_str(pl.col("stem").str.strip_suffix(pl.col("suffix")), pl.col("suffix")).alias("surface"))
    cand = items.join(gazetteer.surface_rows(items["surface"]).filter(~pl.col("is_short")).select("surface", "code"),
                      on="surface")
    cand = cand.join(gazetteer.rows(cand["code"]).select("code", "name", "level", "full_name", "parent_code"), on="code")
    per = (cand.group_by("_list", "parent_code").agg(pl.col("span_end").n_unique().alias("_items"))
           .filter(pl.col("_items") >= LISTED_SIBLINGS)
           .filter(pl.col("_items") == pl.col("_items").max().over("_list"))
           .filter(pl.len().over("_list") == 1))
    return (cand.join(per, on=["_list", "parent_code"]).sort("span_start")
            .unique(["document_key", "span_end"], keep="first")
            .select("document_key", "code", pl.col("span_start").cast(pl.Int32), pl.col("span_end").cast(pl.Int32),
                    "name", "level", "full_name", "parent_code"))


def _not_the_towns_stem(resolved: pl.DataFrame) -> pl.DataFrame:
    """resolved without a bare short name of a province or city where the same document names in full a lower
    unit of that stem (九江 beside 九江镇, a town of 南海区: 九江全镇 is the town, not 九江市)."""
    lower = (resolved.filter(~pl.col("surface_is_short") & pl.col("name").str.contains("(?:镇|乡|街道|区|县)$"))
             .select("document_key", pl.col("name").str.replace("(?:镇|乡|街道|区|县)$", "").alias("surface"),
                     pl.col("code").alias("_lower")).unique())
    stem = (resolved.filter(pl.col("surface_is_short") & pl.col("level").is_in(["province", "city"]))
            .join(lower, on=["document_key", "surface"]).filter(pl.col("_lower") != pl.col("code"))
            .select("document_key", "span_start").unique())
    return resolved.join(stem, on=["document_key", "span_start"], how="anti")


def _supported(resolved: pl.DataFrame, gazetteer: Gazetteer, texts: pl.DataFrame | None = None) -> pl.DataFrame:
    """Keep a bare short name (郑州 in 郑州机场) or a unit below county level (保城镇 in 确保城镇) only when the document
    also names, in full, one of its ancestors or descendants (or the unit itself). The bare short name of a
    province or city is certain on its own (超越重庆，; 新疆的) where the name ends there or recurs, unless it
    is also an everyday word (大同, 安康)."""
    # a unit run straight into one of its own units (晋江西园街道, 郑州中原区) is a chain of names: both are places
    pairs = (resolved.select("document_key", pl.col("code").alias("_a"), pl.col("span_end").alias("_at"))
             .join(resolved.select("document_key", pl.col("code").alias("_b"), pl.col("span_start").alias("_at")),
                   on=["document_key", "_at"]))
    chain = gazetteer.related_pairs(pairs, "_a", "_b")
    resolved = resolved.with_columns(
        pl.struct("document_key", "code", "span_end").is_in(
            chain.select(pl.struct("document_key", pl.col("_a").alias("code"), pl.col("_at").alias("span_end"))
                         .implode()).to_series()).alias("_head"),
        pl.struct("document_key", "code", "span_start").is_in(
            chain.select(pl.struct("document_key", pl.col("_b").alias("code"), pl.col("_at").alias("span_start"))
                         .implode()).to_series()).alias("_tail"))
    ends = pl.col("_next").str.contains(NAME_END) | (pl.col("_next") == "") | pl.col("_head")
    everyday = pl.col("surface").is_in(list(word_list("everyday_place_names")))
    # ... or it recurs (郑州火车站 twice is about 郑州, 某某医药 once may be a company)
    recurs = pl.col("surface_is_short").sum().over("document_key", "code") >= 2
    # ... or segmentation reads it as a word with a verb after it (赴重庆考察)
    certain = pl.col("surface_is_short") & pl.col("level").is_in(["province", "city"]) & ~everyday & (
        ends | recurs | pl.col("verb_next"))
    # a district's bare short name run into a longer name (金水河, 中原网) is not the district
    # ... and it is certain where it is the only place a document names, one unit of that name in the
    # country, and the document speaks as that kind of unit (我区, 区委, 全区 for a 区): a district's own news
    # seldom writes its full name
    voice = pl.lit(False)
    if texts is not None:
        speaks = texts.select("document_key", *[
            pl.col("match_text").str.contains(f"(?:[我全本]{c}|{c}(?:委|政府|政协|人大))").alias(f"_voice_{c}")
            for c in "区县市"], pl.col("match_text").str.contains("(?:[我全本][镇乡]|[镇乡](?:党委|政府|人大))")
            .alias("_voice_town"))
        alone = resolved.group_by("document_key").agg(pl.col("bare_local").all().alias("_alone"))
        resolved = resolved.join(speaks, on="document_key", how="left").join(alone, on="document_key", how="left")
        voice = pl.col("_alone") & pl.coalesce(*[pl.when(pl.col("name").str.ends_with(c)).then(pl.col(f"_voice_{c}"))
                                                 for c in "区县市"], pl.lit(False))
        # a county since made a city (射洪县 -> 射洪市) in a text that speaks as a county (县委, 全县): the county
        # under its former name, where the gazetteer holds one (with_derived_units)
        as_county = (pl.col("bare_local") & pl.col("_alone") & pl.col("_voice_县").fill_null(False)
                     & ~pl.col("_voice_市").fill_null(False)
                     & (pl.col("level") == "county") & pl.col("name").str.ends_with("市"))
        voice = voice | as_county
    # ... where it ends there, or segmentation reads it as one word (射洪 in 绵渝路射洪现代农业示范带)
    alone_sure = (pl.col("bare_local") & ~everyday & (ends | pl.col("whole_word")) & (pl.col("_n") == 1)
                  & voice.fill_null(False))
    certain = certain | alone_sure
    # ... but in a town's own text (我镇, 全镇) a unit so named is its context, not what the text is about
    context = alone_sure & ~ends & pl.col("_voice_town").fill_null(False) if texts is not None else pl.lit(False)
    resolved = (resolved.with_columns(alone_sure.alias("_alone_sure"), context.alias("context_only"))
                .filter(~(pl.col("bare_local") & (everyday | ~ends)) | pl.col("_alone_sure"))
                .with_columns(pl.col("surface_is_short") & ~certain))
    if texts is not None:
        resolved = _as_former_county(resolved.with_columns(as_county.fill_null(False).alias("_as_county")), gazetteer)
    resolved = resolved.drop("_alone_sure")
    weak = (pl.col("surface_is_short") | pl.col("level").is_in(["subdistrict", "town", "community", "village"]))
    strong = resolved.filter(~pl.col("surface_is_short")).select("document_key", pl.col("code").alias("ctx")).unique()
    strong_up = strong
    # a full-name unit supports itself only for short names (郑州 + 郑州市); low units need a relative
    self_support = resolved.filter(pl.col("surface_is_short")).select("document_key", "code").join(
        strong, left_on=["document_key", "code"], right_on=["document_key", "ctx"]).unique()
    weak_units = resolved.filter(weak).select("document_key", "code").unique()
    # is_in first: a scan of the big pair table is cheap, a hash join against all of it is not
    rel_support = gazetteer.related_pairs(weak_units.join(strong_up, on="document_key"), "code", "ctx").select(
        "document_key", "code").unique()
    in_chain = resolved.filter(pl.col("_head") | pl.col("_tail")).select("document_key", "code").unique()
    ok = pl.concat([self_support, rel_support, in_chain]).unique().with_columns(pl.lit(True).alias("_ok"))
    return (resolved.join(ok, on=["document_key", "code"], how="left")
            .filter(~weak | pl.col("_ok").fill_null(False))
            .drop("_ok", "surface_is_short", "surface", "_next", "verb_next", "whole_word", "bare_local", "_n", "_head", "_tail", *(
                c for c in ("_alone", "_voice_区", "_voice_县", "_voice_市", "_voice_town") if c in resolved.columns)))


def _as_former_county(resolved: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """Rows flagged _as_county (a county-level city named bare in a county's voice) become the county under its
    former name (射洪市 -> 射洪县) where the gazetteer holds that unit; the flag is dropped."""
    flagged = resolved.filter(pl.col("_as_county"))
    if flagged.is_empty():
        return resolved.drop("_as_county")
    former = gazetteer.rows(flagged["code"] + "-c").select(
        pl.col("code").alias("_former"), pl.col("name").alias("_fname"), pl.col("full_name").alias("_ffull"),
        pl.col("code").str.strip_suffix("-c").alias("code"))
    return (resolved.join(former, on="code", how="left")
            .with_columns(*[pl.when(pl.col("_as_county") & pl.col("_former").is_not_null()).then(pl.col(new))
                            .otherwise(pl.col(old)).alias(old)
                            for old, new in (("code", "_former"), ("name", "_fname"), ("full_name", "_ffull"))])
            .drop("_as_county", "_former", "_fname", "_ffull"))


def _disambiguate(hits: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """One code per hit: the candidate whose ancestors/descendants the document names most, then the lowest code."""
    # one hit is one span; its candidate codes are its rows
    hits = hits.rename({"is_short": "surface_is_short"}).with_columns(
        pl.struct("document_key", "span_start", "span_end").rank("dense").alias("_h"))
    counts = hits.group_by("_h").agg(pl.len().alias("_n"))
    hits = hits.join(counts, on="_h")
    sure = hits.filter(pl.col("_n") == 1).select("document_key", pl.col("code").alias("ctx")).unique()
    ambiguous = hits.filter(pl.col("_n") > 1)
    if ambiguous.is_empty():
        return hits.select("document_key", "code", "span_start", "span_end", "surface", "surface_is_short", "_next", "verb_next", "whole_word", "bare_local", "_n")
    related = gazetteer.related_pairs(ambiguous.select("_h", "document_key", "code").join(sure, on="document_key"),
                                      "code", "ctx")
    score = related.group_by("_h", "code").agg(pl.len().alias("_score"))
    best = (ambiguous.join(score, on=["_h", "code"], how="left").with_columns(pl.col("_score").fill_null(0))
            .sort(["_h", "_score", "code"], descending=[False, True, False]).group_by("_h").first())
    cols = ["document_key", "code", "span_start", "span_end", "surface", "surface_is_short", "_next", "verb_next", "whole_word", "bare_local", "_n"]
    return pl.concat([hits.filter(pl.col("_n") == 1).select(cols), best.select(cols)])


# after a district: a run of names separated by 、 (金水区|丰产路、经八路、文化路), or one name (二七区|淮河路)
AFTER_DISTRICT = r"^(\p{Han}{2,8}(?:、\p{Han}{2,8})*)"
# before a district: short names sharing its level character (金水、二七、|管城区)
BEFORE_DISTRICT = r"((?:\p{Han}{2,3}、)+)$"
UNIT_ENDING = r"(?:街道办事处|办事处|街道|镇|乡)$"


def _split_items(frame: pl.DataFrame, column: str, start: str) -> pl.DataFrame:
    """One row per 、-separated item of `column` (which begins at body offset `start`): item, item_no,
    item_start, and _last (the last item's number)."""
    return (
        frame.with_row_index("list_no")
        .with_columns(pl.col(column).str.split("、").alias("item"))
        .with_columns(pl.col("item").list.eval(pl.element().str.len_chars() + 1).list.eval(pl.element().cum_sum())
                      .alias("_cum"), (pl.col("item").list.len() - 1).alias("_last"))
        .with_columns(pl.concat_list(pl.lit(0, pl.Int64), pl.col("_cum").list.head(pl.col("item").list.len() - 1))
                      .alias("_off"), pl.int_ranges(0, pl.col("item").list.len()).alias("item_no"))
        .explode(["item", "_off", "item_no"])
        .with_columns((pl.col(start) + pl.col("_off")).cast(pl.Int32).alias("item_start"))
        .drop("_cum", "_off", column)
    )


def _listed_units(sentences: pl.DataFrame, resolved: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """Units a list names through its context: the subdistricts and towns listed right after their district
    (金水区丰产路、经八路 -> 丰产路街道, 经八路街道 of 金水区), and districts listed by short name before the last
    one's level character (金水、二七、管城区 -> 金水区, 二七区). Only children of the anchoring unit, or its
    siblings, count: a list of roads under a district yields nothing the gazetteer does not place there.
    The lists are read from the text next to each district mention, not searched for in every sentence."""
    cols = ["document_key", "code", "span_start", "span_end"]
    anchors = (resolved.filter(pl.col("level").is_in(["district", "county"]))
               .select("document_key", pl.col("code").alias("a_code"), pl.col("parent_code").alias("a_parent"),
                       pl.col("span_start").alias("a_start"), pl.col("span_end").alias("a_end")))
    # the text around a mention is read from a window of its sentence (match_text here, starting at _wb):
    # slicing the whole body, or a long sentence, at each mention is quadratic
    anchors = with_windows(anchors, sentences, "a_start", "a_end", before=30, after=80).rename({"_wt": "match_text"})
    after = (anchors.with_columns(pl.col("match_text").str.slice(pl.col("a_end") - pl.col("_wb"), 80)
                                  .str.extract(AFTER_DISTRICT, 1).alias("_list"))
             .filter(pl.col("_list").is_not_null()).drop("match_text"))
    items = _split_items(after, "_list", "a_end")
    children = gazetteer.children(items["a_code"]).filter(pl.col("level").is_in(["subdistrict", "town"])).select(
        "code", pl.col("parent_code").alias("a_code"), pl.col("name").str.replace(UNIT_ENDING, "").alias("stem"))
    under = (
        items.with_columns(pl.col("item").str.replace(UNIT_ENDING, "").alias("_item_stem"))
        .join(children, on="a_code")
        # each item is a child's name; the last of several may run on into the sentence (…、文化路完成改造)
        .filter((pl.col("_item_stem") == pl.col("stem"))
                | ((pl.col("item_no") == pl.col("_last")) & (pl.col("_last") > 0)
                   & pl.col("item").str.starts_with(pl.col("stem"))))
        .with_columns(pl.col("item_start").alias("span_start"))
        .sort(pl.col("stem").str.len_chars(), descending=True)
        .unique(["document_key", "span_start"], keep="first")
        .with_columns(pl.when(pl.col("_item_stem") == pl.col("stem"))
                      .then(pl.col("span_start") + pl.col("item").str.len_chars())
                      .otherwise(pl.col("span_start") + pl.col("stem").str.len_chars()).alias("span_end"))
        .select(cols)
    )

    level_char = pl.col("match_text").str.slice(pl.col("a_end") - 1 - pl.col("_wb"), 1)
    before = (anchors.filter(level_char.is_in(["区", "县"]))
              .with_columns(level_char.alias("level_char"),
                            pl.max_horizontal(pl.col("a_start") - 30, pl.col("_ss")).alias("_from"))
              .with_columns(pl.col("match_text").str.slice(pl.col("_from") - pl.col("_wb"),
                                                           pl.col("a_start") - pl.col("_from"))
                            .str.extract(BEFORE_DISTRICT, 1).alias("_list"))
              .filter(pl.col("_list").is_not_null())
              .with_columns(pl.col("_list").str.strip_suffix("、"),
                            (pl.col("a_start") - pl.col("_list").str.len_chars()).alias("_list_start"))
              .drop("match_text"))
    shared = _split_items(before, "_list", "_list_start")
    # an item is the short name, or ends with it (均衡金水 when the run began early): its last 2 or 3 chars
    tails = pl.concat([shared.with_columns((pl.col("item").str.len_chars() - k).alias("_cut")) for k in (2, 3)])
    tails = (tails.filter(pl.col("_cut") >= 0)
             .with_columns((pl.col("item").str.slice(pl.col("_cut")) + pl.col("level_char")).alias("surface")))
    siblings = tails.join(gazetteer.surface_rows(tails["surface"]).filter(~pl.col("is_short")).select("surface", "code"),
                          on="surface")
    siblings = (siblings.join(gazetteer.rows(siblings["code"]).select("code", "parent_code"), on="code")
                .filter(pl.col("parent_code") == pl.col("a_parent"))
                .select("document_key", "code", (pl.col("item_start") + pl.col("_cut")).alias("span_start"),
                        (pl.col("item_start") + pl.col("item").str.len_chars()).alias("span_end"))
                .unique(["document_key", "span_start"], keep="first"))
    found = pl.concat([under.select(cols), siblings.select(cols)], how="vertical_relaxed").with_columns(
        pl.col("span_start").cast(pl.Int32), pl.col("span_end").cast(pl.Int32)).unique(["document_key", "span_start"])
    return found.join(gazetteer.rows(found["code"]).select("code", "name", "level", "full_name", "parent_code"),
                      on="code").select(resolved.columns)


def _not_overlapping(frame: pl.DataFrame, taken: pl.DataFrame) -> pl.DataFrame:
    """The rows of frame whose span overlaps no span of taken in the same document."""
    return frame.filter(~_overlaps_any(frame, taken.select("document_key", s="span_start", e="span_end")))
