"""Which region a figure is about, among the regions extract_regions found in its document.

A figure belongs to the unit it modifies (2000平方米的某某社区), else to the nearest unit named before it in
its clause or in the first clause of its sentence that names one (the topic) (某某村安置房项目…，总建筑面积45万平方米;
近年来，某某新区东至…，南至某某镇，总规划面积33平方公里; not across a semicolon), else to the unit the metric step
read for it (全区 -> the district), else to the document's subject. A unit above the subject's level is
context, not the figure's owner (在郑州市15个县（市）区中排名第一 in an article about a district), and so is a
unit under a former name when the subject is current. A unit listed with others (A、B、C) owns only the
figure of its own item (江苏38个、广东31个); a figure counting a set its nearest unit is a member of
(A、B等12个村, 包括A在内的12个城市) has no region; after a sentence listing peers (three or more units of one
level), a figure of none of them with no unit named since is their common parent's, or has no region."""

from __future__ import annotations

import polars as pl

from transforms.extract.gazetteer import DEPTH


def _depth(level: str) -> pl.Expr:
    return pl.col(level).replace_strict(DEPTH, default=9, return_dtype=pl.Int32)


# what ends a counted set before its figure: 大堰、中沟等12个村; 包括郑州在内的12个城市
_SET_END = "等|在[内內]的?"
_DELIMS = "、，,；;：:。与與"
_CLAUSE_ENDS = "，,；;：:。"
# how far after a unit the end of its list item is looked for
_ITEM_CHARS = 64
# units of one level listed in one sentence that make the figures after them their common parent's
PEERS = 3


def _listed(named: pl.DataFrame) -> pl.DataFrame:
    """Mentions (with their sentence's text, _ss) marked _listed when they are an item of a list: the item
    holding them (text between delimiters) follows a 、, or precedes one and they end it or do not open their
    clause (官道口镇以杨庄村、李寨村为重点: the town opens the clause, the villages are listed); _member when the unit
    itself is an item (大堰、磨嘴、中沟等); _clause, the index of their clause in their semicolon-delimited
    segment."""
    named = named.sort("document_key", "span_start")
    # a chain (卢氏县官道口镇) opens its clause when its first unit does
    chained = (pl.col("span_start") == pl.col("span_end").shift(1).over("document_key")).fill_null(False)
    head = pl.when(~chained).then(pl.col("span_start")).forward_fill().over("document_key")
    # the words before a mention back to its segment's start, a window after it (an item is short), and the
    # character before its chain: sliced once
    at = head - pl.col("_ss")
    named = named.with_columns(
        _b=pl.col("text").str.slice(0, pl.col("span_start") - pl.col("_ss")).str.replace("^.*[；;]", ""),
        _a=pl.col("text").str.slice(pl.col("span_end") - pl.col("_ss"), _ITEM_CHARS),
        _h=pl.col("text").str.slice((at - 1).clip(0), at.clip(0, 1)),
    )
    before, after = pl.col("_b"), pl.col("_a")
    prev = before.str.extract(f"([{_DELIMS}])[^{_DELIMS}]*$", 1)
    nxt = after.str.extract(f"^[^{_DELIMS}]*([{_DELIMS}])", 1)
    opens = pl.col("_h").str.contains(f"^(?:[{_CLAUSE_ENDS}])?$")
    return named.with_columns(
        _listed=((prev == "、") | ((nxt == "、") & (~opens | after.str.contains(f"^[^{_DELIMS}]{{0,3}}、"))))
        .fill_null(False),
        _member=after.str.contains(f"^(?:、|{_SET_END})"),
        _clause=before.str.count_matches("[，,]"),
    ).drop("_b", "_a", "_h")


def _after_peers(out: pl.DataFrame, named: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """_m, _peer, _after_peers: a figure after a sentence listing PEERS or more units of one level (江苏38个、
    广东31个、浙江13个…), with no unit named on its own since in the paragraph, is none of theirs: it is their
    common parent's (_peer; null when they share none, as provinces do). Figures read as an anaphora (全市)
    are left to it."""
    para = sentences.select("document_key", "sentence_no", "paragraph_no")
    units = named.join(para, on=["document_key", "sentence_no"])
    lists = (units.filter(pl.col("_listed")).group_by("document_key", "paragraph_no", "sentence_no", "level")
             .agg(pl.col("region_key").n_unique().alias("_n"), pl.col("span_end").max().alias("_pe"),
                  pl.col("parent_region_key").unique().alias("_parents"))
             .filter(pl.col("_n") >= PEERS)
             .select("document_key", "paragraph_no", "_pe",
                     _peer=pl.when(pl.col("_parents").list.len() == 1).then(pl.col("_parents").list.first()))
             .sort("_pe"))
    if lists.is_empty():
        return pl.DataFrame(schema={"_m": pl.UInt32, "_peer": pl.Int64, "_after_peers": pl.Boolean})
    alone = (units.filter(~pl.col("_listed")).select("document_key", "paragraph_no", pl.col("span_end").alias("_la"))
             .sort("_la"))
    return (out.filter(pl.col("_ad").is_null()).select("_m", "document_key", "sentence_no", "span_start")
            .join(para, on=["document_key", "sentence_no"])
            .sort("span_start")
            .join_asof(lists, left_on="span_start", right_on="_pe", by=["document_key", "paragraph_no"],
                       strategy="backward", check_sortedness=False)
            .join_asof(alone, left_on="span_start", right_on="_la", by=["document_key", "paragraph_no"],
                       strategy="backward", check_sortedness=False)
            .filter(pl.col("_pe").is_not_null() & (pl.col("_la").is_null() | (pl.col("_la") < pl.col("_pe"))))
            .select("_m", pl.col("_peer").cast(pl.Int64), _after_peers=pl.lit(True)))


def _ancestors(subject: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """document_key, _anc_key, _anc_depth: the subject's units above it in the gazetteer (units: dim_region)."""
    parents = units.select(pl.col("region_key").alias("_k"), pl.col("parent_region_key").alias("_p"),
                           _depth("level").alias("_d"))
    step = subject.select("document_key", pl.col("region_key").alias("_k"))
    found = []
    for _ in range(len(set(DEPTH.values()))):
        step = (step.join(parents, on="_k").select("document_key", pl.col("_p").alias("_k")).drop_nulls("_k")
                .join(parents.select("_k", "_d"), on="_k"))
        if step.is_empty():
            break
        found.append(step.select("document_key", pl.col("_k").alias("_anc_key"), pl.col("_d").alias("_anc_depth")))
        step = step.select("document_key", "_k")
    schema = {"document_key": pl.Int64, "_anc_key": pl.Int64, "_anc_depth": pl.Int32}
    return pl.concat([f.cast(schema) for f in found]) if found else pl.DataFrame(schema=schema)


def _whole_area(out: pl.DataFrame, sentences: pl.DataFrame, anaphora: dict[str, str]) -> pl.DataFrame:
    """_m, _wd: a count right after a whole-area word (全市74个街道, 全市12个组团新区) is that area's: the depth
    of its level. Ranks and shares against the whole (全市第一, 占全市比重) are the part's, so only counts."""
    words = {w: DEPTH[lvl] for w, lvl in anaphora.items() if w.startswith("全") and lvl in DEPTH}
    if not words or "measure" not in out.columns:
        return pl.DataFrame(schema={"_m": pl.UInt32, "_wd": pl.Int32})
    alt = "|".join(sorted(words, key=len, reverse=True))
    rel = pl.col("span_start") - pl.col("_ss")
    word = (pl.col("text").str.slice((rel - 4).clip(0), pl.min_horizontal(rel, 4)).str.extract(f"({alt})$", 1))
    return (out.filter(pl.col("measure") == "count").select("_m", "document_key", "sentence_no", "span_start")
            .join(sentences.select("document_key", "sentence_no", pl.col("span_start").alias("_ss"), "text"),
                  on=["document_key", "sentence_no"])
            .select("_m", _wd=word.replace_strict(words, default=None, return_dtype=pl.Int32))
            .drop_nulls("_wd"))


def metric_regions(metrics: pl.DataFrame, region_mentions: pl.DataFrame, subject: pl.DataFrame,
                   sentences: pl.DataFrame | None = None, units: pl.DataFrame | None = None,
                   anaphora: dict[str, str] | None = None) -> pl.DataFrame:
    """metrics: fact_metric rows with `region_name` (the metric step's reading); region_mentions: the
    region_context frame (with sentence_no); subject: document_key, region_key; sentences: fact_sentence
    rows (without them only the metric step's reading and the subject count); units: dim_region (for the
    subject's ancestors); anaphora: the metric rules' whole-area words and their levels. -> fact_metric rows."""
    mentions = region_mentions.select("document_key", "region_key", "name", "level", "span_start", "span_end",
                                      *[c for c in ("sentence_no", "parent_region_key") if c in region_mentions.columns])
    subject_level = (subject.select("document_key", pl.col("region_key").alias("_subject_key"))
                     .join(mentions.select(pl.col("region_key").alias("_subject_key"), pl.col("level").alias("_sl"))
                           .unique("_subject_key"), on="_subject_key", how="left"))
    out = metrics.drop("region_key").with_row_index("_m").join(subject_level, on="document_key", how="left")
    owner = (_depth("level") >= _depth("_sl")) | pl.col("_sl").is_null()

    # An anaphora (全市) read as a unit the gazetteer puts at another level (辉县市, a county-level city) is
    # that level's nearest unit named earlier in the document instead, else the subject if of that level.
    anaphor = pl.col("region_anaphor") if "region_anaphor" in out.columns else pl.lit(None, dtype=pl.String)
    out = out.with_columns(_ad=anaphor.replace_strict(DEPTH, default=None, return_dtype=pl.Int32))
    # (1) the unit the figure modifies, else the last unit before it in its clause, else in the first clause
    # of its sentence that names one (the topic; 近年来，城阳村…，带动300余人)
    topic = pl.DataFrame(schema={"_m": pl.UInt32, "_topic": pl.Int64})
    void = pl.DataFrame(schema={"_m": pl.UInt32})
    peer = pl.DataFrame(schema={"_m": pl.UInt32, "_peer": pl.Int64, "_after_peers": pl.Boolean})
    if sentences is not None and "sentence_no" in mentions.columns:
        text = sentences.select("document_key", "sentence_no", pl.col("span_start").alias("_ss"), "text")
        named = _listed(mentions.join(text, on=["document_key", "sentence_no"]))
        cand = (out.select("_m", "document_key", "sentence_no", "span_start", "span_end", "_sl", "_ad")
                .join(named.rename({"span_start": "_ms", "span_end": "_me"}), on=["document_key", "sentence_no"])
                .filter(pl.col("_ms") < pl.col("span_start"))
                .with_columns(pl.col("text").str.slice(pl.col("_me") - pl.col("_ss"),
                                                       (pl.col("span_start") - pl.col("_me")).clip(0)).alias("_between")))
        # 2000平方米的某某社区: the unit right after 的 (not after 、: 江苏38个、广东31个 lists units with theirs)
        modified = (out.select("_m", "document_key", "sentence_no", "span_end", "_sl")
                    .join(named.select("document_key", "sentence_no", "region_key", "level", "_ss", "text",
                                       pl.col("span_start").alias("_ms")), on=["document_key", "sentence_no"])
                    .filter(owner & (pl.col("_ms") == pl.col("span_end") + 1)
                            & (pl.col("text").str.slice(pl.col("span_end") - pl.col("_ss"), 1) == "的"))
                    .group_by("_m").agg(pl.col("region_key").first().alias("_mod")))
        between = pl.col("_between")
        # 大堰、中沟等12个村, 包括郑州在内的12个城市: the figure counts a set the unit is one of
        counts_set = between.str.contains(f"(?:{_SET_END})$")
        same_clause = ~between.str.contains("[，,；;]")
        # a listed unit owns only the figure of its own item (江苏38个、广东31个)
        own_item = ~between.str.contains("[、，,；;等]")
        in_clause = same_clause & ~counts_set & (~pl.col("_listed") | own_item)
        segment = ~between.str.contains("[；;]") & ~pl.col("_listed")
        # past an opening clause that names none (近年来，), unless the figure's own words point elsewhere (全市)
        first = segment & ((pl.col("_clause") == 0)
                           | ((pl.col("_clause") == pl.col("_clause").filter(segment & owner).min().over("_m"))
                              & pl.col("_ad").is_null()))
        topic = (cand.filter(owner & (in_clause | first))
                 .sort("_ms").group_by("_m").agg(pl.col("region_key").last().alias("_topic"))
                 .join(modified, on="_m", how="full", coalesce=True)
                 .select("_m", pl.coalesce("_mod", "_topic").alias("_topic")))
        # the nearest unit before the figure (of any level) is itself a member of the set the figure counts
        void = (cand.filter(same_clause).sort("_ms").group_by("_m").agg(pl.all().last())
                .filter(pl.col("_member") & counts_set).select("_m"))
        if {"paragraph_no"} <= set(sentences.columns) and "parent_region_key" in named.columns:
            peer = _after_peers(out, named, sentences)
    # (2) the metric step's reading, when it names a unit of the document
    named = mentions.select("document_key", pl.col("region_key").alias("_named"), pl.col("name").alias("region_name"),
                            "level").unique(["document_key", "region_name"], keep="first", maintain_order=True)
    read = (out.select("_m", "document_key", "region_name", "_sl", "_ad").join(named, on=["document_key", "region_name"])
            .filter(owner & (pl.col("_ad").is_null() | (pl.col("_ad") == _depth("level"))))
            .select("_m", "_named"))
    unread = out.filter(pl.col("_ad").is_not_null()).join(read, on="_m", how="anti")
    by_level = (mentions.select("document_key", pl.col("region_key").alias("_lvl_key"), pl.col("span_start").alias("_ls"),
                                _depth("level").alias("_ad"))
                .filter(pl.col("_ad") < 5).sort("_ls"))
    leveled = (unread.select("_m", "document_key", "span_start", "_ad").sort("span_start")
               .join_asof(by_level, left_on="span_start", right_on="_ls", by=["document_key", "_ad"],
                          strategy="backward", check_sortedness=False)
               .join(subject_level.select("document_key", "_subject_key", _sd=_depth("_sl")), on="document_key",
                     how="left")
               .select("_m", _leveled=pl.coalesce("_lvl_key", pl.when(pl.col("_sd") == pl.col("_ad"))
                                                  .then("_subject_key"))))
    whole = pl.DataFrame(schema={"_m": pl.UInt32, "_whole": pl.Int64})
    wd = _whole_area(out, sentences, anaphora) if sentences is not None and anaphora else None
    if wd is not None and not wd.is_empty():
        wd = wd.join(out.select("_m", "document_key"), on="_m")
        ancestors = (_ancestors(subject.join(wd, on="document_key", how="semi"), units) if units is not None
                     else pl.DataFrame(schema={"document_key": pl.Int64, "_anc_key": pl.Int64, "_anc_depth": pl.Int32}))
        whole = (wd.join(out.select("_m", "span_start", "_subject_key", _sd=_depth("_sl")), on="_m")
                 .sort("span_start")
                 .join_asof(by_level.rename({"_ad": "_wd"}), left_on="span_start", right_on="_ls",
                            by=["document_key", "_wd"], strategy="backward", check_sortedness=False)
                 .join(ancestors.rename({"_anc_depth": "_wd"}), on=["document_key", "_wd"], how="left")
                 .select("_m", _whole=pl.coalesce("_lvl_key", "_anc_key",
                                                  pl.when(pl.col("_sd") == pl.col("_wd")).then("_subject_key"))))
    return (
        out.join(topic, on="_m", how="left").join(read, on="_m", how="left").join(leveled, on="_m", how="left")
        .join(whole, on="_m", how="left")
        .join(peer, on="_m", how="left")
        .with_columns(region_key=pl.coalesce("_whole", "_topic", pl.when(pl.col("_after_peers").fill_null(False))
                                             .then("_peer").otherwise(pl.coalesce("_named", "_leveled", "_subject_key"))))
        .with_columns(region_key=pl.when(pl.col("_m").is_in(void["_m"].implode())).then(None)
                      .otherwise(pl.col("region_key")))
        .sort("_m").drop("_m", "_topic", "_whole", "_named", "_leveled", "_peer", "_after_peers", "_subject_key", "_sl", "_ad",
                         "region_name",
                         *(["region_anaphor"] if "region_anaphor" in out.columns else []))
    )
