"""Administrative regions named in the text, resolved against an offline division gazetteer.

Dictionary: every gazetteer unit under its name (郑州市, 管城回族区, 林山寨街道), its raw name, its short name
plus level character (管城区) and, for provinces and cities, the bare short name (郑州, 河南). Matching is
Aho-Corasick (ahocorasick_rs, the Rust aho-corasick crate; leftmost-longest) over the OpenCC t2s form of each body, so Traditional mirrors
match too; t2s is checked to keep the length, so spans index the original body (a conversion that changes the
length falls back to char-by-char). A bare short name followed by 区/县/市/省/路/街 is something else
(河南区域总部, 郑州路) and dropped; names inside a project name (郑州正道商业广场项目) are not mentions.

Units the gazetteer lacks are recognised by suffix: ...社区, ...村, ...办事处/...街道 (北下街办事处 = 北下街街道,
also in lists: 北下街、西大街、城东路4个办事处), and attached to the most specific unit known from context: the
nearest subdistrict/town named in the previous paragraphs, else the article's subject, else the nearest
higher unit named before it.

Ambiguity (one name, several units): each candidate scores by how many of its ancestors, or of its
descendants, the same document names unambiguously; the best wins, then the lower code.

Python UDFs that remain, and why: Aho-Corasick and OpenCC are per-text library calls, run once per distinct
body (map_elements), not per sentence; everything else (suffix patterns, joins, scoring, hierarchy) is Polars.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import polars as pl

from transforms.extract import SCHEMAS, per_text_rows
from transforms.keys import keys_for

_MARK, _END = "\x01", "\x03"  # never in cleaned text (they are replaced below to keep lengths equal)


def regex_spans(frame: pl.DataFrame, text: str, pattern: str, keep: list[str]) -> pl.DataFrame:
    """Every non-overlapping match of `pattern` in column `text`, vectorised over the whole frame.

    Returns `keep` columns plus `match` (the matched text) and `match_start` (its char offset in `text`).
    Polars has no "find all with positions"; one regex pass (replace_all) brackets each match with control
    characters, and splitting on the opening one gives pieces: piece k > 0 is match k, its closing mark,
    then the text up to the next match. Match k starts at the summed char length of pieces < k, less the
    k - 1 closing marks among them. The pattern must not match the empty string."""
    body = pl.col(text).str.replace_many([_MARK, _END], ["\x02", "\x02"])
    pieces = pl.col("_pieces")
    out = (
        frame.select(*keep, body.str.replace_all(pattern, _MARK + "${0}" + _END).str.split(_MARK).alias("_pieces"))
        .filter(pieces.list.len() > 1)
        .select(
            *keep,
            pieces.list.slice(1).list.eval(pl.element().str.extract(f"^([^{_END}]*)", 1)).alias("match"),
            (pieces.list.eval(pl.element().str.len_chars().cum_sum()) - pl.int_ranges(0, pieces.list.len()))
            .list.head(pieces.list.len() - 1).alias("match_start"),
        )
        .explode(["match", "match_start"])
    )
    return out.with_columns(pl.col("match_start").cast(pl.Int32))


def literal_spans(frame: pl.DataFrame, text: str, literal: str, keep: list[str]) -> pl.DataFrame:
    """Every non-overlapping occurrence of the per-row literal in column `literal` inside column `text`
    (split by an expression works per row where replace_all does not): `keep` + `match_start`."""
    out = (
        frame.filter(pl.col(literal).str.len_chars() > 0)
        .select(
            *keep,
            pl.col(literal).str.len_chars().alias("_len"),
            pl.col(text).str.split(pl.col(literal)).alias("_pieces"),
        )
        .filter(pl.col("_pieces").list.len() > 1)
        .with_columns(
            pl.col("_pieces").list.eval(pl.element().str.len_chars().cum_sum()).alias("_cum"),
            pl.int_ranges(0, pl.col("_pieces").list.len() - 1).alias("_k"),
        )
        .with_columns(pl.col("_cum").list.head(pl.col("_pieces").list.len() - 1))
        .explode(["_cum", "_k"])
        .with_columns((pl.col("_cum") + pl.col("_k") * pl.col("_len")).cast(pl.Int32).alias("match_start"))
    )
    return out.select(*keep, "match_start")


def attach_sentence(frame: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """Add sentence_no for spans (document_key, span_start) by the sentence that contains their start."""
    s = sentences.select("document_key", "sentence_no", pl.col("span_start").alias("_s_start")).sort("_s_start")
    return (
        frame.sort("span_start")
        .join_asof(s, left_on="span_start", right_on="_s_start", by="document_key", check_sortedness=False)
        .drop("_s_start")
    )


def span_text(frame: pl.DataFrame, sentences: pl.DataFrame, start: str = "span_start",
              alias: str = "surface") -> pl.DataFrame:
    """Add the text of each span (start .. span_end), read from the sentence holding its start: slicing the
    whole body at every span's offset walks the body from its start each time (quadratic in its length)."""
    s = sentences.select("document_key", pl.col("span_start").cast(pl.Int64).alias("_ss"), pl.col("text").alias("_st"))
    return (frame.with_row_index("_i").with_columns(pl.col(start).cast(pl.Int64).alias("_k")).sort("_k")
            .join_asof(s.sort("_ss"), left_on="_k", right_on="_ss", by="document_key", check_sortedness=False)
            .with_columns(pl.col("_st").str.slice(pl.col("_k") - pl.col("_ss"), pl.col("span_end") - pl.col("_k"))
                          .alias(alias))
            .sort("_i").drop("_i", "_k", "_ss", "_st"))


# ---------------------------------------------------------------------------------------------------------
# gazetteer

GAZETTEER_DIR = Path(__file__).resolve().parents[2] / "data" / "gazetteer"
LEVELS = ("province", "city", "district", "county", "subdistrict", "town", "community", "village")
DEPTH = {"province": 1, "city": 2, "district": 3, "county": 3, "subdistrict": 4, "town": 4, "community": 5,
         "village": 5}
# other spellings a gazetteer may use for the warehouse levels
LEVEL_ALIASES = {"prefecture": "city", "street": "subdistrict", "township": "town", "residential": "community",
                 "省": "province", "市": "city", "区": "district", "县": "county", "街道": "subdistrict",
                 "镇": "town", "乡": "town", "社区": "community", "村": "village"}
GAZETTEER_SCHEMA = {"code": pl.String, "name": pl.String, "level": pl.String, "parent_code": pl.String,
                    "full_name": pl.String, "short_name": pl.String, "raw_name": pl.String}


@dataclass(frozen=True)
class Gazetteer:
    """Division units (GAZETTEER_SCHEMA columns) and their (code, ancestor_code) pairs."""

    units: pl.DataFrame
    # _surfaces(units) when the caller has it (load_gazetteer's cache); derived on first use otherwise
    known_surfaces: pl.DataFrame | None = field(default=None, repr=False, compare=False)

    def ancestors(self, codes: pl.Series) -> pl.DataFrame:
        """(code, ancestor_code) for every ancestor of each of codes, walked up the parent links.

        Only upwards: "B is below A" is "A is among B's ancestors", so relatives are found from both sides'
        ancestors and nothing walks down (a province has 50 000 descendants). A table of all pairs cost
        each worker about 700 MB."""
        step = pl.DataFrame({"code": codes.unique()}, schema={"code": pl.String}).with_columns(
            ancestor_code=pl.col("code"))
        pairs = []
        for _ in range(len(DEPTH)):
            links = self.rows(step["ancestor_code"]).select("code", "parent_code").drop_nulls()
            step = step.join(links, left_on="ancestor_code", right_on="code").select("code", ancestor_code="parent_code")
            if step.is_empty():
                break
            pairs.append(step)
        return pl.concat(pairs).unique() if pairs else step.clear()

    # Derived once per process: building them costs seconds on 700 k units, a batch should not pay that.
    @cached_property
    def surfaces(self) -> pl.DataFrame:
        return self.known_surfaces if self.known_surfaces is not None else _surfaces(self.units)

    @cached_property
    def surface_list(self) -> pl.Series:
        return self.surfaces["surface"].unique().sort()

    @cached_property
    def automaton(self):
        return _automaton(self.surface_list.to_list())

    @cached_property
    def by_code(self) -> pl.DataFrame:
        return self.units if self.units["code"].is_sorted() else self.units.sort("code")

    def rows(self, codes: pl.Series) -> pl.DataFrame:
        """The units of codes, looked up by binary search: a batch joins with a few hundred units, and a hash
        join against all 700 k would rebuild its table every time."""
        table = self.by_code
        wanted = codes.drop_nulls().unique()
        if wanted.is_empty() or table.is_empty():
            return table.clear()
        found = table[table["code"].search_sorted(wanted, side="left").clip(0, table.height - 1)]
        return found.filter(pl.col("code").is_in(wanted.implode())).unique("code")

    def children(self, codes: pl.Series) -> pl.DataFrame:
        return self.units.filter(pl.col("parent_code").is_in(codes.drop_nulls().unique().implode()))

    def surface_rows(self, surfaces: pl.Series) -> pl.DataFrame:
        return self.surfaces.filter(pl.col("surface").is_in(surfaces.unique().implode()))

    def related_pairs(self, pairs: pl.DataFrame, left: str, right: str) -> pl.DataFrame:
        """The rows of pairs whose units in columns left and right are ancestor and descendant either way."""
        up = self.ancestors(pl.concat([pairs[left], pairs[right]]))
        return pl.concat([
            pairs.join(up, left_on=[left, right], right_on=["code", "ancestor_code"], how="semi"),
            pairs.join(up, left_on=[right, left], right_on=["code", "ancestor_code"], how="semi"),
        ])


def _cache_dir() -> Path:
    path = Path(os.environ.get("GAZETTE_CACHE", Path(tempfile.gettempdir()) / "gazette-cache"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _normalise(units: pl.DataFrame) -> pl.DataFrame:
    for column, dtype in GAZETTEER_SCHEMA.items():
        if column not in units.columns:
            units = units.with_columns(pl.lit(None, dtype).alias(column))
    units = units.select([pl.col(c).cast(t) for c, t in GAZETTEER_SCHEMA.items()])
    return units.with_columns(
        pl.col("level").replace(LEVEL_ALIASES),
        pl.col("full_name").fill_null(pl.col("name")),
        pl.col("parent_code").replace("", None),
    ).filter(pl.col("name").is_not_null() & pl.col("level").is_in(LEVELS))


def load_gazetteer(directory: Path | None = None) -> Gazetteer:
    """regions.csv.gz (and villages.csv.gz when present) from data/gazetteer; parsed once per process and
    cached as Parquet in $GAZETTE_CACHE (default: the temp dir) with the matching surfaces derived from it,
    keyed by the files' size and mtime and by this module's source (which derives both).
    A missing gazetteer gives an empty one: only suffix-recognised units are then found."""
    directory = Path(directory or GAZETTEER_DIR)
    files = [directory / n for n in ("regions.csv.gz", "villages.csv.gz") if (directory / n).exists()]
    stats = [(f.resolve(), f.stat()) for f in files]
    stamp = "|".join([*(f"{path}:{st.st_size}:{st.st_mtime_ns}" for path, st in stats), _source_digest()])
    return _load_cached(stamp, tuple(str(f) for f in files))


@cache
def _source_digest() -> str:
    """This module's source, part of the cache key: it derives the cached units and surfaces."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


@cache
def _load_cached(stamp: str, files: tuple[str, ...]) -> Gazetteer:
    if not files:
        return Gazetteer(pl.DataFrame(schema=GAZETTEER_SCHEMA))
    # surfaces take 0.5-0.7 s to derive from 700 k units and 0.05 s to read
    key = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    cached = {part: _cache_dir() / f"gazetteer-{key}-{part}.parquet" for part in ("units", "surfaces")}
    if all(path.exists() for path in cached.values()):
        return Gazetteer(pl.read_parquet(cached["units"]), pl.read_parquet(cached["surfaces"]))
    frames = [pl.read_csv(f, infer_schema=False) for f in files]
    units = _normalise(pl.concat(frames, how="diagonal_relaxed")).unique("code", keep="first").sort("code")
    surfaces = _surfaces(units)
    for part, frame in (("units", units), ("surfaces", surfaces)):
        tmp = cached[part].with_suffix(f".{os.getpid()}.tmp")
        frame.write_parquet(tmp)
        tmp.replace(cached[part])
    return Gazetteer(units, surfaces)


# a unit's name must end like one (环保产业园 is a gazetteer unit but also a phrase) and not be a common word
LEVEL_SUFFIX = r"(?:省|市|自治区|自治州|地区|盟|区|县|旗|街道|办事处|镇|乡|苏木|社区|村|嘎查)"
COMMON_WORD_NAMES = ["城区", "市区", "郊区", "矿区", "新城区", "老城区", "新区", "老区", "西区", "东区", "南区", "北区",
                     "开发区", "社区", "街道", "乡村", "农村", "新村", "城中村"]


def gazetteer_names(gazetteer: Gazetteer | None = None) -> list[str]:
    """Names worth a place in a segmenter's dictionary: full names and short name + level char (no villages)."""
    gazetteer = gazetteer or load_gazetteer()
    above_villages = gazetteer.units.filter(pl.col("level") != "village").select("code")
    return gazetteer.surfaces.join(above_villages, on="code", how="semi")["surface"].unique().sort().to_list()


def _surfaces(units: pl.DataFrame) -> pl.DataFrame:
    """surface -> code, with is_short for a bare short name (郑州 for 郑州市)."""
    level_char = pl.col("name").str.slice(-1)
    forms = [
        units.select(pl.col("name").alias("surface"), "code", pl.lit(False).alias("is_short")),
        units.select(pl.col("raw_name").alias("surface"), "code", pl.lit(False).alias("is_short")),
        units.filter(pl.col("short_name").is_not_null() & pl.col("level").is_in(["district", "county", "city"])
                     & (pl.col("short_name") != pl.col("name")))
        .select(pl.concat_str(pl.col("short_name"), level_char).alias("surface"), "code",
                pl.lit(False).alias("is_short")),
        units.filter(pl.col("level").is_in(["province", "city"]) & (pl.col("short_name").str.len_chars() >= 2))
        .select(pl.col("short_name").alias("surface"), "code", pl.lit(True).alias("is_short")),
        # 北下街办事处 = 北下街街道
        units.filter(pl.col("name").str.ends_with("街道"))
        .select(pl.col("name").str.replace("街道$", "办事处").alias("surface"), "code", pl.lit(False).alias("is_short")),
    ]
    stem = pl.col("surface").str.replace(LEVEL_SUFFIX + "$", "")
    return (pl.concat(forms)
            .filter(pl.col("surface").str.len_chars() >= 2, ~pl.col("surface").is_in(COMMON_WORD_NAMES),
                    pl.col("is_short") | (pl.col("surface").str.contains(LEVEL_SUFFIX + "$")
                                          & (stem.str.len_chars() >= 2)))
            .unique(["surface", "code"])
            .group_by("surface", "code").agg(pl.col("is_short").all()))


# ---------------------------------------------------------------------------------------------------------
# per-text library calls (the only UDFs)

@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _simplified(text: str) -> str:
    converter = _t2s()
    out = converter.convert(text)
    if len(out) != len(text):  # a phrase conversion changed the length: convert char by char instead
        out = "".join(c if len(s := converter.convert(c)) != 1 else s for c in text)
    return out


def to_simplified(texts: pl.Series) -> pl.Series:
    """OpenCC t2s, same length as the input (spans stay valid); converted once per distinct text."""
    distinct = texts.drop_nulls().unique()
    mapping = {t: _simplified(t) for t in distinct.to_list()}
    return texts.replace_strict(mapping, default=None, return_dtype=pl.String)


def _automaton(surfaces: list[str]):
    """Measured on 2.4 M characters: 0.11 s to search (pyahocorasick took 3.5 s), 0.9 s to build once."""
    import ahocorasick_rs

    return ahocorasick_rs.AhoCorasick(surfaces, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)


def _dictionary_hits(texts: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """(document_key, surface, span_start) for leftmost-longest non-overlapping dictionary matches."""
    schema = {"document_key": pl.Int64, "surface": pl.String, "span_start": pl.Int32}
    if gazetteer.units.is_empty() or texts.is_empty():
        return pl.DataFrame(schema=schema)
    hits = per_text_rows(texts, "match_text", gazetteer.automaton.find_matches_as_indexes,
                         {"pattern": pl.UInt32, "span_start": pl.Int32, "span_end": pl.Int32})
    return hits.select("document_key", gazetteer.surface_list.gather(hits["pattern"]).alias("surface"), "span_start")


# ---------------------------------------------------------------------------------------------------------
# extraction

SUFFIX_UNIT = r"(?:社区|村|办事处)"  # a bare ...街道 outside the gazetteer is mostly prose (平安街道, 实现街道)
SUFFIX_MATCH = r"(?:村社区|社区|村|办事处)"  # lazy match must not stop at the 村 of 绿东村社区
SUFFIX_LEVEL = {"社区": "community", "村": "village", "办事处": "subdistrict", "街道": "subdistrict"}
# a suffix-recognised name starts after the last of these
UNIT_LEFT_CUT = (
    r"^.*(?:推进|加快|加速|启动|实施|谋划|推动|打造|做好|抓好|开展|完成|确保|加大|围绕|其中|包括|以|是|为|的|和|与|及|等|了|"
    r"年|月|日|对|将|把|在|有|个|好|抓|促|做|要|其|该|即|也|再|又|共|约|并|或|从|向|往|入|进|使|让|这|此|如|由|于|被|给|各|逐|驻|"
    r"整|每|参与|对接|涉及|主要|同|到|全|本|该|即|省|市|区|县|镇|乡|街道|社区|办事处|名|位|家|户|所)"
)
# stems that are words, not names (乡村, 农村, 城中村, 驻村)
UNIT_STEM_REJECT = r"^(?:乡|农|城中|美丽|新农|山|渔|一|二|三|四|五|六|七|八|九|十|两|百|千|万|[0-9]+|城乡|乡镇|街|居|小|大型|基层)$|[乡农]$"
ENUMERATION = (r"((?:\p{Han}{2,5}、)+\p{Han}{2,5})(?:[0-9一二三四五六七八九十两]+个)?(办事处|街道)")


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
    listed = regex_spans(sentences, "text", ENUMERATION, ["document_key", "span_start"]).with_columns(
        pl.col("match").str.extract_groups(f"^(?:{ENUMERATION})").struct.field("2").alias("suffix"),
        pl.col("match").str.extract_groups(f"^(?:{ENUMERATION})").struct.field("1").str.split("、").alias("items"),
    )
    listed = listed.with_columns(
        pl.col("items").list.eval(pl.element().str.len_chars() + 1).list.eval(pl.element().cum_sum()).alias("_cum"),
    ).with_columns(
        pl.concat_list(pl.lit(0, pl.Int64), pl.col("_cum").list.head(pl.col("items").list.len() - 1)).alias("_off"),
    ).explode(["items", "_off"]).with_columns(
        pl.col("items").str.replace(UNIT_LEFT_CUT, "").alias("stem"),
        (pl.col("span_start") + pl.col("match_start") + pl.col("_off") + pl.col("items").str.len_chars()).alias("span_end"),
    ).with_columns((pl.col("span_end") - pl.col("stem").str.len_chars()).alias("span_start"))
    units = pl.concat([
        single.select("document_key", "stem", "suffix", "span_start", "span_end"),
        listed.select("document_key", "stem", "suffix", "span_start", "span_end"),
    ], how="vertical_relaxed")
    units = units.filter(pl.col("stem").str.len_chars().is_between(2, 6)
                         & ~pl.col("stem").str.contains(UNIT_STEM_REJECT)
                         & ~pl.col("stem").str.contains(r"[^\p{Han}]"))
    canonical = pl.when(pl.col("suffix") == "办事处").then(pl.lit("街道")).otherwise(pl.col("suffix"))
    return units.select(
        "document_key",
        pl.col("span_start").cast(pl.Int32), pl.col("span_end").cast(pl.Int32),
        pl.concat_str(pl.col("stem"), canonical).alias("name"),
        pl.col("suffix").replace_strict(SUFFIX_LEVEL, return_dtype=pl.String).alias("level"),
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


def _next_char(hits: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """hits with _next: the character after each hit, read from its sentence (empty at a sentence's end)."""
    spans = sentences.select("document_key", pl.col("span_start").cast(pl.Int64).alias("_ss"), "text").sort("_ss")
    return (hits.with_row_index("_i").with_columns(pl.col("span_start").cast(pl.Int64).alias("_k")).sort("_k")
            .join_asof(spans, left_on="_k", right_on="_ss", by="document_key", check_sortedness=False)
            .with_columns(pl.col("text").str.slice(pl.col("span_end") - pl.col("_ss"), 1).fill_null("").alias("_next"))
            .sort("_i").drop("_i", "_k", "_ss", "text"))


def extract_regions(
    documents: pl.DataFrame, sentences: pl.DataFrame, gazetteer: Gazetteer | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """-> (dim_region rows incl. all ancestors, fact_mention rows with entity_type 'region',
    subject: document_key, region_key, name — the article's main administrative unit)."""
    from transforms.extract.projects import project_candidates

    gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
    bodies = documents.select("document_key", "body")
    texts = bodies.with_columns(to_simplified(bodies["body"]).alias("match_text"))
    # each sentence converted on its own: slicing the converted body at every sentence's offset is quadratic
    sentences_s = sentences.with_columns(to_simplified(sentences["text"]).alias("text"))

    hits = _dictionary_hits(texts, gazetteer)
    hits = hits.with_columns((pl.col("span_start") + pl.col("surface").str.len_chars()).cast(pl.Int32).alias("span_end"))
    hits = (
        _next_char(hits, sentences_s)
        .join(gazetteer.surface_rows(hits["surface"]), on="surface")
        .filter(~(pl.col("is_short") & pl.col("_next").is_in(list("区县市省路街镇乡村"))))
        .drop("_next")
    )
    # names inside project names are not mentions
    projects = project_candidates(sentences_s).select("document_key", pl.col("span_start").alias("p_start"),
                                                      pl.col("span_end").alias("p_end"))
    suffix = _suffix_units(sentences_s)

    def outside_projects(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.filter(~_within_any(frame, projects.rename({"p_start": "s", "p_end": "e"})))

    hits = outside_projects(hits)
    suffix = outside_projects(suffix)
    resolved = _disambiguate(hits, gazetteer)
    resolved = resolved.join(gazetteer.rows(resolved["code"])
                             .select("code", "name", "level", "full_name", "parent_code"), on="code")
    resolved = _supported(resolved, gazetteer)
    # a suffix unit that overlaps a dictionary hit is the dictionary's (林山寨街道 is in the gazetteer)
    suffix = suffix.filter(~_overlaps_any(suffix, resolved.select("document_key", s="span_start", e="span_end")))


    # suffix units: parent = nearest subdistrict/town within 3 paragraphs before, else subject, else nearest higher
    para = sentences.select("document_key", "paragraph_no", pl.col("span_start").alias("_s"))
    def with_paragraph(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.sort("span_start").join_asof(para.sort("_s"), left_on="span_start", right_on="_s",
                                                  by="document_key", check_sortedness=False).drop("_s")
    resolved = with_paragraph(resolved)
    suffix = with_paragraph(suffix).with_row_index("_u")
    subject_g = _subject(resolved.select("document_key", "code", "level", "span_start"))
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

    near = (nearest_before(suffix.filter(pl.col("level") != "subdistrict"),
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
    suffix = suffix.join(parent, on="_u", how="left")
    suffix = suffix.join(
        gazetteer.rows(suffix["p_code"]).select(pl.col("code").alias("p_code"), pl.col("full_name").alias("p_full")),
        on="p_code", how="left")
    # a gazetteer unit with the same name under that parent (北下街街道) is that unit
    same = suffix.join(gazetteer.children(suffix["p_code"]).select("code", "name", p_code="parent_code"),
                       on=["name", "p_code"], how="inner").select("_u", "code")
    suffix = suffix.join(same, on="_u", how="left").with_columns(
        pl.concat_str(pl.col("p_full").fill_null(""), pl.col("name")).alias("full_name"))

    # dim_region: mentioned gazetteer units, their ancestors, suffix units
    mentioned = pl.concat([resolved.select("code"), suffix.filter(pl.col("code").is_not_null()).select("code"),
                           suffix.select(pl.col("p_code").alias("code")).drop_nulls()]).unique()
    ancestors = gazetteer.ancestors(mentioned["code"])
    with_anc = pl.concat([mentioned, mentioned.join(ancestors, on="code").select(pl.col("ancestor_code").alias("code"))]).unique()
    gaz_rows = with_anc.join(gazetteer.rows(with_anc["code"]), on="code")
    gaz_rows = gaz_rows.join(
        gazetteer.rows(gaz_rows["parent_code"]).select(pl.col("code").alias("parent_code"),
                                                       pl.col("full_name").alias("parent_full")),
        on="parent_code", how="left")
    new_units = suffix.filter(pl.col("code").is_null()).select("name", "level", "full_name",
                                                             pl.col("p_full").alias("parent_full")).unique("full_name")
    dim = pl.concat([
        gaz_rows.select("name", "level", "full_name", "parent_full", "code"),
        new_units.with_columns(pl.lit(None, pl.String).alias("code")),
    ], how="vertical_relaxed").unique("full_name", keep="first")
    dim = dim.with_columns(keys_for(dim["full_name"]).alias("region_key"),
                           keys_for(dim["parent_full"]).alias("parent_region_key"))
    dim_region = dim.select([pl.col(c).cast(t) for c, t in SCHEMAS["dim_region"].items()]).sort("full_name")

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
    fact_mention = mentions.select([pl.col(c).cast(t) for c, t in SCHEMAS["fact_mention"].items()]).sort(
        "document_key", "span_start")

    subject = _subject_all(fact_mention, dim_region, documents)
    return dim_region, fact_mention, subject


def _supported(resolved: pl.DataFrame, gazetteer: Gazetteer) -> pl.DataFrame:
    """Keep a bare short name (郑州) or a unit below county level (保城镇 in 确保城镇) only when the document
    also names, in full, one of its ancestors or descendants (or the unit itself)."""
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
    ok = pl.concat([self_support, rel_support]).unique().with_columns(pl.lit(True).alias("_ok"))
    return (resolved.join(ok, on=["document_key", "code"], how="left")
            .filter(~weak | pl.col("_ok").fill_null(False)).drop("_ok", "surface_is_short"))


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
        return hits.select("document_key", "code", "span_start", "span_end", "surface_is_short")
    related = gazetteer.related_pairs(ambiguous.select("_h", "document_key", "code").join(sure, on="document_key"),
                                      "code", "ctx")
    score = related.group_by("_h", "code").agg(pl.len().alias("_score"))
    best = (ambiguous.join(score, on=["_h", "code"], how="left").with_columns(pl.col("_score").fill_null(0))
            .sort(["_h", "_score", "code"], descending=[False, True, False]).group_by("_h").first())
    cols = ["document_key", "code", "span_start", "span_end", "surface_is_short"]
    return pl.concat([hits.filter(pl.col("_n") == 1).select(cols), best.select(cols)])


def _subject(resolved: pl.DataFrame) -> pl.DataFrame:
    """Subject among gazetteer units (used for parents of suffix units): document_key, code, level."""
    scored = (resolved.filter(pl.col("level").is_in(["district", "county", "subdistrict", "town"]))
              .group_by("document_key", "code", "level").agg(pl.len().alias("n"))
              .sort(["document_key", "n", "code"], descending=[False, True, False])
              .group_by("document_key").first())
    return scored.select("document_key", "code", "level")


def _subject_all(fact_mention: pl.DataFrame, dim_region: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """The article's main unit: most mentioned (headline, subheadline and kicker count 3 each) among
    districts/counties/subdistricts/towns, else among all levels; ties go to the first mentioned."""
    schema = {"document_key": pl.Int64, "region_key": pl.Int64, "name": pl.String}
    if fact_mention.is_empty():
        return pl.DataFrame(schema=schema)
    heads = pl.concat_str([pl.col(c).fill_null("") for c in ("headline", "subheadline", "kicker")
                           if c in documents.columns], separator=" ")
    m = (fact_mention.group_by("document_key", pl.col("entity_key").alias("region_key"))
         .agg(pl.len().alias("n"), pl.col("span_start").min().alias("first"))
         .join(dim_region.select("region_key", "name", "level"), on="region_key")
         .join(documents.select("document_key", heads.alias("_heads")), on="document_key")
         .with_columns(
             (pl.col("n") + 3 * pl.col("_heads").str.count_matches(pl.col("name"), literal=True)).alias("score"),
             pl.col("level").is_in(["district", "county", "subdistrict", "town"]).alias("local"),
         ))
    best = (m.sort(["document_key", "local", "score", "first"], descending=[False, True, True, False])
            .group_by("document_key").first())
    return best.select([pl.col(c).cast(t) for c, t in schema.items()]).sort("document_key")


def region_context(dim_region: pl.DataFrame, fact_mention: pl.DataFrame, subject: pl.DataFrame) -> pl.DataFrame:
    """Region mentions with name, level and is_subject: the regions_frame extract_officials takes."""
    regions = fact_mention.filter(pl.col("entity_type") == "region")
    return (regions.select("document_key", pl.col("entity_key").alias("region_key"), "span_start", "span_end")
            .join(dim_region.select("region_key", "name", "level"), on="region_key")
            .join(subject.select("document_key", "region_key", pl.lit(True).alias("is_subject")),
                  on=["document_key", "region_key"], how="left")
            .with_columns(pl.col("is_subject").fill_null(False))
            .select("document_key", "region_key", "name", "level", "span_start", "span_end", "is_subject"))
