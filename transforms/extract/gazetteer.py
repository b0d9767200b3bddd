"""The offline division gazetteer (data/gazetteer) as a resource: units, their names as matched in text, and
their ancestors. Loaded once per process by the caller (Resources.load) and cached as Parquet; the
transforms only receive it.

Besides regions.csv.gz and villages.csv.gz, zones.csv adds functional zones and new areas with their short
names (郑东新区, 经开区) and aliases.csv adds former names (郑县); each row says where it came from."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import polars as pl

from transforms.rules import word_list as load_word_list

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
COMMON_WORD_NAMES = list(load_word_list("common_word_names"))


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


def _automaton(surfaces: list[str]):
    """Measured on 2.4 M characters: 0.11 s to search (pyahocorasick took 3.5 s), 0.9 s to build once."""
    import ahocorasick_rs

    return ahocorasick_rs.AhoCorasick(surfaces, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
