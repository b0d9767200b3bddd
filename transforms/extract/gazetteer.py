"""The offline division gazetteer (data/gazetteer) as a resource: units, their names as matched in text, and
their ancestors. Loaded once per process by the caller (Resources.load) and cached as Parquet; the
transforms only receive it.

Besides regions.csv.gz and villages.csv.gz, zones.csv adds functional zones and new areas with their short
names (郑东新区, 经开区) and aliases.csv adds former names (郑县); each row says where it came from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import polars as pl

from transforms.cache import CACHE_DIR, default_dir, read_cached, safe_dir, write_cached  # noqa: F401
from transforms.rules import RuleError
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
# what the loader adds: kind (admin, zone, former), aliases (names sure on their own) and context_aliases
# (names that count only when the document names a relative: 高新区, 经开区), both separated by |
EXTRA_SCHEMA = {"kind": pl.String, "aliases": pl.String, "context_aliases": pl.String}
KINDS = ("admin", "zone", "former")
# county-level functional zones in the gazetteer: their names end so
ZONE_NAME = r"(?:开发区|新区|实验区|示范区|园区|新城|管理区|合作区|试验区)$"


@dataclass(frozen=True)
class Gazetteer:
    """Division units (GAZETTEER_SCHEMA columns) and their (code, ancestor_code) pairs."""

    units: pl.DataFrame
    # _surfaces(units) when the caller has it (load_gazetteer's cache); derived on first use otherwise
    known_surfaces: pl.DataFrame | None = field(default=None, repr=False, compare=False)
    # the lists below as load_gazetteer's cache holds them, and that cache's key (None: not from a cache)
    known_lists: dict[str, pl.Series] = field(default_factory=dict, repr=False, compare=False)
    cache_key: str | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if "kind" not in self.units.columns:  # a division list as given: kinds and aliases derived here
            object.__setattr__(self, "units", _normalise(self.units))

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
        if "surface_list" in self.known_lists:
            return self.known_lists["surface_list"]
        return self.surfaces.filter(~pl.col("bare_local"))["surface"].unique().sort()

    @cached_property
    def automaton(self):
        return _automaton(self.surface_list.to_list())

    @cached_property
    def short_surfaces(self) -> pl.Series:
        """The surfaces of the main search that are a bare short name for every unit they name (江西, 郑州)."""
        if "short_surfaces" in self.known_lists:
            return self.known_lists["short_surfaces"]
        main = self.surfaces.filter(~pl.col("bare_local"))
        return main.group_by("surface").agg(pl.col("is_short").all()).filter("is_short")["surface"].sort()

    @cached_property
    def local_surface_list(self) -> pl.Series:
        """Bare short names of districts and counties (荥阳): searched in a second pass, so that they never
        hide a name that overlaps them (路北 in 丝路北京)."""
        if "local_surface_list" in self.known_lists:
            return self.known_lists["local_surface_list"]
        local = self.surfaces.filter(pl.col("bare_local"))["surface"].unique()
        return local.filter(~local.is_in(self.surface_list.implode())).sort()

    @cached_property
    def local_automaton(self):
        return _automaton(self.local_surface_list.to_list())

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


def _normalise(units: pl.DataFrame) -> pl.DataFrame:
    for column, dtype in GAZETTEER_SCHEMA.items():
        if column not in units.columns:
            units = units.with_columns(pl.lit(None, dtype).alias(column))
    for column, dtype in EXTRA_SCHEMA.items():
        if column not in units.columns:
            units = units.with_columns(pl.lit(None, dtype).alias(column))
    units = units.select([pl.col(c).cast(t) for c, t in {**GAZETTEER_SCHEMA, **EXTRA_SCHEMA}.items()])
    zone = pl.col("level").is_in(["district", "county"]) & pl.col("name").str.contains(ZONE_NAME)
    return units.with_columns(
        pl.col("kind").fill_null(pl.when(zone).then(pl.lit("zone")).otherwise(pl.lit("admin"))),
        pl.col("level").replace(LEVEL_ALIASES),
        pl.col("full_name").fill_null(pl.col("name")),
        pl.col("parent_code").replace("", None),
    ).filter(pl.col("name").is_not_null() & pl.col("level").is_in(LEVELS))


def load_gazetteer(directory: Path | None = None, cache: Path | None = None) -> Gazetteer:
    """regions.csv.gz (and villages.csv.gz when present) from data/gazetteer; parsed once per process and
    cached as Parquet in cache (default: GAZETTE_CACHE, else CACHE_DIR) with the surfaces and name lists
    derived from it, keyed by the files' size and mtime and by this module's source (which derives both).
    A missing gazetteer gives an empty one: only suffix-recognised units are then found."""
    directory = Path(directory or GAZETTEER_DIR)
    files = [directory / n for n in ("regions.csv.gz", "villages.csv.gz") if (directory / n).exists()]
    if files:  # zones and former names only add to a gazetteer
        files += [directory / n for n in ("zones.csv", "aliases.csv") if (directory / n).exists()]
    stats = [(f.resolve(), f.stat()) for f in files]
    stamp = "|".join([*(f"{path}:{st.st_size}:{st.st_mtime_ns}" for path, st in stats), _source_digest(),
                      ",".join(COMMON_WORD_NAMES)])
    return _load_cached(stamp, tuple(str(f) for f in files), Path(cache or default_dir()))


@cache
def _source_digest() -> str:
    """This module's source, part of the cache key: it derives the cached units and surfaces."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


# what the cache keeps besides units and surfaces: the lists every process would derive again (1-1.5 s)
CACHED_LISTS = ("surface_list", "short_surfaces", "local_surface_list")


@cache
def _load_cached(stamp: str, files: tuple[str, ...], cache: Path) -> Gazetteer:
    if not files:
        return Gazetteer(pl.DataFrame(schema=GAZETTEER_SCHEMA))
    # surfaces take 0.5-0.7 s to derive from 700 k units and 0.05 s to read
    key = hashlib.sha256(stamp.encode()).hexdigest()
    folder = safe_dir(cache)
    expected = _expected_schemas()
    found = {part: read_cached(folder, f"gazetteer-{part}", key, schema) for part, schema in expected.items()}
    if all(frame is not None for frame in found.values()):
        lists = {name: found[name].to_series() for name in CACHED_LISTS}
        return Gazetteer(found["units"], found["surfaces"], lists, key)
    by_name = {Path(f).name: f for f in files}
    frames = [pl.read_csv(by_name[n], infer_schema=False) for n in ("regions.csv.gz", "villages.csv.gz") if n in by_name]
    units = _normalise(pl.concat(frames, how="diagonal_relaxed")).unique("code", keep="first")
    zones = read_places(by_name["zones.csv"]) if "zones.csv" in by_name else None
    former = read_places(by_name["aliases.csv"]) if "aliases.csv" in by_name else None
    units = with_derived_units(units, zones, former).sort("code")
    gazetteer = Gazetteer(units, _surfaces(units), cache_key=key)
    for part in expected:
        frame = getattr(gazetteer, part)
        write_cached(folder, f"gazetteer-{part}", key, frame if part in ("units", "surfaces") else frame.to_frame())
    return gazetteer


def _expected_schemas() -> dict[str, dict[str, pl.DataType]]:
    """The cached parts' columns, as the code derives them from an empty division list."""
    empty = Gazetteer(with_derived_units(pl.DataFrame(schema=GAZETTEER_SCHEMA)))
    schemas = {"units": empty.units.schema, "surfaces": empty.surfaces.schema}
    schemas.update({name: {"surface": getattr(empty, name).dtype} for name in CACHED_LISTS})
    return {part: dict(schema) for part, schema in schemas.items()}


# characters that, before 县, are a word of the sentence rather than a county (各县, 和县 in 区和县, 该县)
ONE_CHAR_NOT_STEM = "和与及或在对为是将等于全各本该每我这那此其一二两三四五六七八九十百上下外邻省市区县州乡镇村"
# a unit's name must end like one (环保产业园 is a gazetteer unit but also a phrase) and not be a common word
LEVEL_SUFFIX = r"(?:省|市|自治区|自治州|地区|盟|区|县|旗|街道|办事处|镇|乡|苏木|社区|村|嘎查)"
COMMON_WORD_NAMES = list(load_word_list("common_word_names"))


def gazetteer_names(gazetteer: Gazetteer | None = None) -> list[str]:
    """Names worth a place in a segmenter's dictionary: full names and short name + level char (no villages)."""
    gazetteer = gazetteer or load_gazetteer()
    above_villages = gazetteer.units.filter(pl.col("level") != "village").select("code")
    # one-character counties (萧县) stay as the segmenter's own dictionary has them: as words they would
    # swallow 县 after a conjunction or a noun
    names = gazetteer.surfaces.join(above_villages, on="code", how="semi")["surface"].unique()
    return names.filter(~names.str.contains(r"^\p{Han}县$")).sort().to_list()


PLACE_COLUMNS = ("name", "level", "parent", "aliases", "context_aliases", "kind", "source")


def read_places(path: Path | str) -> pl.DataFrame:
    """zones.csv / aliases.csv: places the division lists lack or name otherwise, one per row with its source.
    Columns PLACE_COLUMNS (others, such as `became`, are notes); parent is the full_name of the unit above."""
    path = Path(path)
    frame = pl.read_csv(path, infer_schema=False, comment_prefix="#")
    missing = [c for c in PLACE_COLUMNS if c not in frame.columns]
    if missing:
        raise RuleError(f"{path}: missing columns {missing}")
    for no, row in enumerate(frame.iter_rows(named=True), 2):
        if not row["name"] or not row["parent"] or not (row["source"] or "").strip():
            raise RuleError(f"{path}: row {no}: needs name, parent and source, got {row}")
        if row["level"] not in LEVELS or row["kind"] not in KINDS:
            raise RuleError(f"{path}: row {no}: level {row['level']!r} / kind {row['kind']!r} unknown")
    return frame.select(PLACE_COLUMNS)


def with_derived_units(units: pl.DataFrame, zones: pl.DataFrame | None = None,
                       former: pl.DataFrame | None = None) -> pl.DataFrame:
    """units plus the places of zones.csv and aliases.csv (a place the division list has already gets its
    aliases and kind) and the former towns of subdistricts: a town made a subdistrict (须水镇 -> 须水街道) keeps
    its old name in older articles, so X镇 is a former-name unit beside X街道, under the same parent."""
    units = _normalise(units)
    places = pl.concat([f for f in (zones, former) if f is not None], how="vertical_relaxed") if (
        zones is not None or former is not None) else pl.DataFrame(schema={c: pl.String for c in PLACE_COLUMNS})
    parents = units.select(pl.col("full_name").alias("parent"), pl.col("code").alias("parent_code"))
    places = (places.join(parents, on="parent", how="inner")
              .with_columns(pl.concat_str("parent", "name").alias("full_name")))
    known = places.join(units.select("full_name", "code"), on="full_name", how="inner")
    update = known.select("code", pl.col("aliases").alias("_a"), pl.col("context_aliases").alias("_c"),
                          pl.col("kind").alias("_k"))
    units = units.join(update, on="code", how="left").with_columns(
        pl.coalesce("_a", "aliases").alias("aliases"), pl.coalesce("_c", "context_aliases").alias("context_aliases"),
        pl.coalesce("_k", "kind").alias("kind")).drop("_a", "_c", "_k")
    new = places.join(units.select("full_name"), on="full_name", how="anti")
    new = new.with_columns(pl.concat_str(
        "parent_code", pl.lit("-"), pl.col("kind").str.slice(0, 1),
        pl.col("name").map_elements(lambda n: hashlib.sha1(n.encode()).hexdigest()[:6], return_dtype=pl.String),
    ).alias("code"))
    towns = (units.filter((pl.col("level") == "subdistrict") & pl.col("name").str.ends_with("街道")
                          & (pl.col("short_name").str.len_chars() >= 2))
             .select(pl.concat_str("code", pl.lit("-f")).alias("code"), (pl.col("short_name") + "镇").alias("name"),
                     pl.lit("town").alias("level"), "parent_code",
                     (pl.col("full_name").str.strip_suffix(pl.col("name")) + pl.col("short_name") + "镇")
                     .alias("full_name"), pl.lit("former").alias("kind")))
    towns = towns.join(units.select("full_name"), on="full_name", how="anti")
    # a township made a town (庄里乡 -> 庄里镇) is written X镇 in newer articles than the division list: the
    # same unit under its new name, beside X乡 under the same parent
    stem = pl.col("name").str.strip_suffix("乡")
    upgraded = (units.filter((pl.col("level") == "town") & pl.col("name").str.ends_with("乡")
                             & (stem.str.len_chars() >= 2) & (pl.col("kind") == "admin"))
                .select(pl.concat_str("code", pl.lit("-u")).alias("code"), (stem + "镇").alias("name"),
                        pl.lit("town").alias("level"), "parent_code",
                        (pl.col("full_name").str.strip_suffix("乡") + "镇").alias("full_name"), pl.lit("admin").alias("kind")))
    upgraded = upgraded.join(units.select("full_name"), on="full_name", how="anti")
    # a county made a county-level city (射洪县 -> 射洪市) keeps its old name in older texts: X县 is a former
    # unit beside X市, as the towns above (a county-level 市 was a 县 before, almost always)
    cities = (units.filter((pl.col("level") == "county") & pl.col("name").str.ends_with("市")
                           & (pl.col("name").str.len_chars() >= 3) & (pl.col("kind") == "admin"))
              .select(pl.concat_str("code", pl.lit("-c")).alias("code"),
                      (pl.col("name").str.strip_suffix("市") + "县").alias("name"), pl.lit("county").alias("level"),
                      "parent_code", (pl.col("full_name").str.strip_suffix("市") + "县").alias("full_name"),
                      pl.lit("former").alias("kind")))
    upgraded = pl.concat([upgraded, cities.join(units.select("full_name"), on="full_name", how="anti")])
    return pl.concat([units, _normalise(new.drop("parent", "source")), _normalise(towns), _normalise(upgraded),
                      _city_zones(units)],
                     how="vertical_relaxed")


# zones most cities have, named <city>高新区 / <city>经开区; the division lists hold only some of them
CITY_ZONES = {"高新区": ("高新技术产业开发区", "高新技术开发区"), "经开区": ("经济技术开发区",)}


def _city_zones(units: pl.DataFrame) -> pl.DataFrame:
    """A zone unit <short>高新区 / <short>经开区 (long forms as aliases) under every city whose units hold none
    of that kind: 张家界高新区 is a place although the division list lacks it. The name is the form texts
    use; a city that has the zone in the list keeps that unit (its short forms come from ZONE_SHORT)."""
    cities = units.filter((pl.col("level") == "city") & (pl.col("short_name").str.len_chars() >= 2)
                          & (pl.col("kind") == "admin"))
    zones = units.filter((pl.col("kind") == "zone") & pl.col("level").is_in(["district", "county"]))
    out = []
    for short, longs in CITY_ZONES.items():
        has = zones.filter(pl.col("name").str.contains("(?:" + "|".join(longs) + ")$"))["parent_code"]
        made = cities.filter(~pl.col("code").is_in(has.implode()))
        out.append(made.select(
            pl.concat_str("code", pl.lit("-z" + ("h" if short == "高新区" else "e"))).alias("code"),
            (pl.col("short_name") + short).alias("name"), pl.lit("district").alias("level"),
            pl.col("code").alias("parent_code"), (pl.col("full_name") + pl.col("short_name") + short).alias("full_name"),
            pl.concat_str([pl.col("short_name") + f for f in longs] +
                          [pl.col("name") + f for f in (short, *longs)], separator="|").alias("aliases"),
            pl.lit("zone").alias("kind")))
    return _normalise(pl.concat(out)) if out else _normalise(units.clear())


# a gazetteer zone's usual short forms: 郑州高新技术产业开发区 -> 郑州高新区 (and 高新区 when the city is named)
ZONE_SHORT = {r"^(\p{Han}{2,}?)市?(?:高新技术产业开发区|高新技术开发区|高新技术产业园区)$": "高新区",
              r"^(\p{Han}{2,}?)市?(?:经济技术开发区|经济开发区)$": "经开区"}


def _split(column: str) -> pl.Expr:
    return pl.col(column).str.split("|").list.eval(pl.element().str.strip_chars()).alias("surface")


def _surfaces(units: pl.DataFrame) -> pl.DataFrame:
    """surface -> code, with is_short for a bare short name (郑州 for 郑州市)."""
    units = _normalise(units) if "kind" not in units.columns else units
    level_char = pl.col("name").str.slice(-1)
    forms = [
        units.select(pl.col("name").alias("surface"), "code", pl.lit(False).alias("is_short")),
        units.select(pl.col("raw_name").alias("surface"), "code", pl.lit(False).alias("is_short")),
        # an ethnic township goes by its name without the people's (袁店回族乡 -> 袁店乡) like a district
        units.filter(pl.col("short_name").is_not_null() & (pl.col("short_name") != pl.col("name"))
                     & (pl.col("level").is_in(["district", "county", "city"])
                        | ((pl.col("level") == "town") & pl.col("name").str.contains("族[乡镇]$"))))
        # 管城区 is the short name of 管城回族区 already with its level character
        .select(pl.when(pl.col("short_name").str.ends_with(level_char)).then(pl.col("short_name"))
                .otherwise(pl.concat_str(pl.col("short_name"), level_char)).alias("surface"), "code",
                pl.lit(False).alias("is_short")),
        units.filter(pl.col("level").is_in(["province", "city"]) & (pl.col("short_name").str.len_chars() >= 2))
        .select(pl.col("short_name").alias("surface"), "code", pl.lit(True).alias("is_short")),
        # 北下街办事处 = 北下街街道
        units.filter(pl.col("name").str.ends_with("街道"))
        .select(pl.col("name").str.replace("街道$", "办事处").alias("surface"), "code", pl.lit(False).alias("is_short")),
    ]
    # an autonomous prefecture by its bare stem (巴音郭楞, 凉山: short name 凉山州), a short name like a city's,
    # unless another unit already goes by it (大理市, 海南省)
    prefectures = (units.filter((pl.col("level") == "city") & pl.col("name").str.ends_with("自治州")
                                & pl.col("short_name").str.ends_with("州"))
                   .select(pl.col("short_name").str.strip_suffix("州").alias("surface"), "code",
                           pl.lit(True).alias("is_short"))
                   .filter(pl.col("surface").str.len_chars() >= 2))
    taken = pl.concat([f.select("surface") for f in forms] + [
        units.filter(pl.col("level").is_in(["district", "county"])).select(pl.col("short_name").alias("surface"))])
    forms.append(prefectures.join(taken.drop_nulls().unique(), on="surface", how="anti"))
    # a county of one character and 县 (萧县, 叶县): matched like a bare short name, so it counts only where
    # the document names a relative; not when the character is a function word or count (和县 in 区和县)
    one_char = pl.col("name").str.contains(r"^\p{Han}县$") & ~pl.col("name").str.contains(f"^[{ONE_CHAR_NOT_STEM}]")
    forms.append(units.filter((pl.col("level") == "county") & (pl.col("kind") == "admin") & one_char)
                 .select(pl.col("name").alias("surface"), "code", pl.lit(True).alias("is_short")))
    stem = pl.col("surface").str.replace(LEVEL_SUFFIX + "$", "")
    checked = pl.concat(forms).filter(pl.col("is_short") | (pl.col("surface").str.contains(LEVEL_SUFFIX + "$")
                                                            & (stem.str.len_chars() >= 2)))
    # a district's or county's bare short name (荥阳, 上虞): matched, but it counts only where regions.py
    # finds it certain (a relative named, and the name not run into a longer one)
    forms.append(units.filter(pl.col("level").is_in(["district", "county"]) & pl.col("short_name").is_not_null()
                              & ~pl.col("short_name").str.contains(LEVEL_SUFFIX + "$"))
                 .select(pl.col("short_name").alias("surface"), "code", pl.lit(True).alias("is_short")))
    curated = [
        # names from zones.csv and aliases.csv are names whatever their length (郑县)
        units.filter(pl.col("kind") != "admin").select(pl.col("name").alias("surface"), "code",
                                                      pl.lit(False).alias("is_short")),
        units.filter(pl.col("aliases").is_not_null()).select(_split("aliases"), "code", pl.lit(False).alias("is_short"))
        .explode("surface"),
        units.filter(pl.col("context_aliases").is_not_null()).select(_split("context_aliases"), "code",
                                                                   pl.lit(True).alias("is_short")).explode("surface"),
    ]
    zones = units.filter((pl.col("kind") == "zone") & pl.col("level").is_in(["district", "county"]))
    for pattern, short in ZONE_SHORT.items():
        prefix = pl.col("name").str.extract(pattern, 1)
        matched = zones.filter(prefix.is_not_null())
        curated += [matched.select((prefix + short).alias("surface"), "code", pl.lit(False).alias("is_short")),
                    matched.select(pl.lit(short).alias("surface"), "code", pl.lit(True).alias("is_short"))]
    curated = pl.concat(curated)
    bare = forms[-1].with_columns(pl.lit(True).alias("bare_local"))
    checked, curated = (f.with_columns(pl.lit(False).alias("bare_local")) for f in (checked, curated))
    return (pl.concat([checked, bare, curated], how="vertical_relaxed")
            .filter(pl.col("surface").str.len_chars() >= 2, ~pl.col("surface").is_in(COMMON_WORD_NAMES))
            .unique(["surface", "code"])
            .group_by("surface", "code").agg(pl.col("is_short").all(), pl.col("bare_local").all()))


def _automaton(surfaces: list[str]):
    """Measured on 2.4 M characters: 0.11 s to search (pyahocorasick took 3.5 s), 0.9 s to build once."""
    import ahocorasick_rs

    return ahocorasick_rs.AhoCorasick(surfaces, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
