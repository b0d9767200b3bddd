#!/usr/bin/env python3
"""Build Gazette's offline gazetteer of China's administrative divisions.

What it does
------------
Reads the administrative-division dictionary that ships inside the PyPI
package ``jionlp`` (``jionlp/dictionary/china_location.zip``, which holds
``china_location.txt``) and writes two gzip-compressed UTF-8 CSV files:

* ``regions.csv.gz`` (``--out``): province, city, district/county,
  subdistrict/town and community rows;
* ``villages.csv.gz`` (``--villages-out``, default: next to ``--out``):
  village rows (村, 嘎查, 生产队/连队 …), split off to keep the main file small.

Both files have the same header and are sorted by ``code``::

    code,name,level,parent_code,full_name,short_name,raw_name

The project does not depend on jionlp at run time: it only reads the shipped
CSV files.  jionlp (and whatever it pulls in) is needed only to re-run this
script, and only its data file is read -- no jionlp code is imported or run
(the package is located with ``importlib.util.find_spec``, which does not
execute it).

Origin and licence of the data
------------------------------
``china_location.txt`` is part of JioNLP by dongrixinyu
(https://github.com/dongrixinyu/JioNLP), released under the Apache License 2.0.
The package itself does not name its upstream sources.  Its maintainer has
said (JioNLP GitHub issue #58) that province/city/county entries and codes are
collected item by item from the official State Council publications of
division changes, and that the township and village lists were crawled from
the Ministry of Civil Affairs' pages and are refreshed less often.  The township tier contains NBS-style "类似乡级单位" (farms,
development zones, ...), so it is close to the National Bureau of Statistics'
统计用区划代码 lists, but without their 9/12-digit codes.  Attribution to
jionlp (Apache-2.0 notice, statement of modification) is kept in
``data/gazetteer/README.md``.

How to re-run
-------------
::

    python3 -m venv /tmp/gz && /tmp/gz/bin/pip install jionlp
    /tmp/gz/bin/python scripts/build_gazetteer.py \\
        --out data/gazetteer/regions.csv.gz

The output is byte-for-byte deterministic for a given jionlp data file (rows
are sorted, gzip headers carry no timestamp or file name).  ``--jionlp-dir``
points at an unpacked jionlp package directory instead of the installed one.
A summary (row counts, collisions, ambiguity) is printed to stderr.

Source layout and how it is mapped
----------------------------------
``china_location.txt`` is a tab-indented tree: depth 0 province, depth 1 city,
depth 2 county (these three as ``name<TAB>code<TAB>alias``), depth 3 township,
depth 4 village/community (name only).  Consequences:

* ``code``: the 6-digit code for province, city and county rows.  Townships
  and villages have no codes in the source, so they (and the few county-level
  rows whose code is missing or not unique: Hong Kong and Macau districts all
  carry 810000/820000, Taiwan districts carry none) get a **synthetic id**
  ``<parent code>-<h>``, where ``<h>`` is the first ``HASH_LEN`` (6) hex
  digits of SHA-1 of ``"<tier>|<name>"`` (tier ``K``/``T``/``V`` for county,
  township, village tier).  Example: ``410102-4a6196`` is 林山寨街道 under
  中原区 (410102), ``410102-4a6196-0165a4`` its 伊河路社区.  The id depends
  only on the chain of names, so it survives re-runs and the insertion or
  removal of siblings.  On a hash clash inside one parent (2 in the current
  data: 城南社区 / 金溪村) the name processed later -- children are walked in
  name order -- gets ``~2``, ``~3`` ... appended.  The ids contain ``-`` so
  they can never be mistaken for real 9/12-digit statistical
  codes.  Plain string sorting puts every row right after its parent.
* Pseudo levels are skipped and their children re-attached to the
  grandparent: the repeated 北京市/上海市/天津市/重庆市/香港/澳门 city row
  (same code as the province), 省直辖行政区划 (so 济源市 hangs directly off
  河南省), 市直辖行政区划 (so 东莞市/中山市/嘉峪关市/儋州市 towns hang off
  the city) and 县直辖行政区划/区直辖行政区划 (so those villages hang off the
  county).
* Duplicate entries (same normalised name under the same parent) are merged;
  their children are merged too.

Levels
------
* ``province``: depth 0 (provinces, autonomous regions, municipalities, SARs).
* ``city``: depth 1 (地级市, 自治州, 地区, 盟).
* ``district`` / ``county``: depth 2.  ``district`` when the name ends in 区
  (市辖区, incl. 新区 and the 区-named functional zones), except 林区/特区
  (神农架林区, 六枝特区) which are ``county``; everything else (县, 自治县,
  县级市, 旗, 自治旗, and the few non-standard county-level units such as
  管委会) is ``county``.
* ``subdistrict`` / ``town``: depth 3.  ``subdistrict`` for 街道, …办事处,
  township-tier 社区 / 社区服务中心 and Beijing's 地区 (地区办事处);
  ``town`` for 镇, 乡 (incl. 民族乡), 苏木 -- and also for the non-standard
  township-level units (农场, 林场, 开发区, 园区, 管委会, 兵团 团场 ...), which
  the level vocabulary cannot express separately.
* ``community`` / ``village``: depth 4.  ``community`` for names ending in
  社区, 居委会, 居民委员会, 生活区, 居民区, 小区; ``village`` for everything
  else (村, 嘎查, 生产队, 连队, 管理区 ...).

Name normalisation (raw source name kept in ``raw_name`` when different)
-----------------------------------------------------------------------
* ``XX村委会`` / ``XX村民委员会`` -> ``XX村``;
  ``XX社区居委会`` / ``XX社区居民委员会`` -> ``XX社区``;
  ``XX嘎查委会`` / ``XX嘎查委员会`` / ``XX嘎查村委会`` -> ``XX嘎查``;
  other ``XX居民委员会`` -> ``XX居委会``.
* ``XX街道办事处`` -> ``XX街道``.
* A township name that repeats its county's full name as a prefix
  (``化德县七号镇``, ``阿尔山市五岔沟镇``) loses the prefix when what remains
  is a standard 镇/乡/苏木/街道 name with at least two characters before the
  suffix.
* Leading/trailing whitespace is stripped; nothing else is changed.

``full_name`` is the concatenation of the (normalised) names from the
province down, pseudo levels skipped, e.g. 河南省郑州市中原区林山寨街道.

Short names (``short_name``)
----------------------------
Rule-based, filled for province .. township rows, empty for
community/village rows:

* province: drop 省 / 市 / 特别行政区 / [ethnic]自治区 (河南, 北京, 广西,
  内蒙古, 新疆, 香港).
* city: 市 / 地区 / 盟 -> the stem (郑州, 阿里, 锡林郭勒);
  [ethnic]自治州 -> stem + 州 (大理州, 海南州, 湘西州), the form used in
  official writing, which also avoids clashes with 大理市 or 海南省.
* county / district / township: an ethnic designation is removed but the
  generic type kept (管城回族区 -> 管城区, 长阳土家族自治县 -> 长阳县,
  鄂伦春自治旗 -> 鄂伦春旗, 南美拉祜族乡 -> 南美乡, 金坪民族乡 -> 金坪乡);
  otherwise the type suffix (区, 新区, 矿区, 县, 市, 特区/林区 of 六枝特区/
  神农架林区, 街道, 镇, 乡, 苏木, Beijing's 地区) is stripped (中原区 -> 中原,
  卢氏县 -> 卢氏, 林山寨街道 -> 林山寨).  Banners (…旗) and county-level
  functional zones (…开发区, …园区, …示范区, …管理区 ...) get no short name:
  they are referred to by their full names.  A county-level row counts as a
  functional zone when its name says so or its code ends in 71-80 (the
  statistical-code block for 开发区/新区 such as 北戴河新区 130372).
* The short name is left empty when the stripped stem
  - has fewer than two characters (城区, 郊区, 芒市);
  - is in ``COMMON_WORDS`` below (和平, 胜利, 建设, 城关, 新城, 上街 ...),
    is a generic direction+place compound (城东, 东城, 西关, 市中 ...) or
    ends in 族 (a town literally named 回族乡);
  - equals the short name of a higher-level unit anywhere (吉林市 -> not
    吉林 because of 吉林省; 朝阳区 -> not 朝阳 because of 朝阳市; a town
    named 中原镇 -> not 中原 because of 中原区); provinces win over cities,
    cities over counties, counties over townships;
  - the name has no recognised type suffix (non-standard units).
  - a sibling (same parent) has the same short name: the one with the
    shorter full name keeps it (井陉县 over 井陉矿区); on a tie neither does
    (临夏市 / 临夏县 under 临夏州).
  Other same-level clashes (two counties in different cities both shortening
  to 通州) are allowed: ``full_name`` disambiguates.
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import hashlib
import importlib.util
import io
import os
import re
import sys
import zipfile
from dataclasses import dataclass, field

COLUMNS = ["code", "name", "level", "parent_code", "full_name", "short_name", "raw_name"]
LEVELS = ["province", "city", "district", "county", "subdistrict", "town", "community", "village"]
# Levels written to the main file; the rest go to the villages file.
MAIN_LEVELS = {"province", "city", "district", "county", "subdistrict", "town", "community"}

# The 56 officially recognised ethnic groups (without 族), longest first so the
# regex prefers 土家 over 土, 蒙古 over 蒙 ...
ETHNIC_GROUPS = sorted(
    """汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳
    佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬
    锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙
    鄂伦春 赫哲 门巴 珞巴 基诺 各""".split(),  # 各 as in 龙胜各族自治县
    key=len,
    reverse=True,
)
_ETH = "(?:" + "|".join(ETHNIC_GROUPS) + ")"
# One or more "<group>族" designations, e.g. 土家族苗族.
ETHNIC_SEQ = f"(?:{_ETH}族)+"

# Stems that are everyday words (or generic place words) rather than names.
COMMON_WORDS = frozenset(
    """和平 胜利 前进 红旗 光明 解放 建设 人民 团结 友谊 东方 向阳 幸福 民主 新华
    太平 平安 和谐 文明 繁荣 振兴 新兴 先锋 红星 东风 曙光 朝阳 永安 长安 吉祥 兴隆
    城关 城区 城中 郊区 矿区 新区 新城 老城 古城 市中 上街 开发 高新 经开 工业 中心
    农场 林场 牧场 站前 桥东 桥西 桥南 桥北 河东 河西 河南 河北 江南 江北 江东 江西
    山东 山西 湖南 湖北 海南 海北 广东 广西 中山 西湖 东湖 南湖 北湖 中华 华夏 花园
    公园 车站 火车站 机场 港口 码头 大学 学院 新村 老街 前门 后街 城郊 城镇 旧城 新街
    中西 中外 南北 东西 民族 民族街""".split()
)
# 城东, 东城, 东关, 西街, 市中, 中城 ... : direction + generic place word.
GENERIC_DIRECTIONAL = re.compile(r"^(?:[东西南北中][城关街郊]|[城关街郊市][东西南北中])$")

TOWNSHIP_STANDARD = re.compile(r"(?:街道|镇|乡|苏木)$")

# Hex digits of the synthetic-id hash.  Siblings under one parent number at
# most a few hundred, so 24 bits make clashes rare (they are resolved with ~N).
HASH_LEN = 6

_TOWN_SUFFIXES = ["街道", "苏木", "镇", "乡"]


# --------------------------------------------------------------------------
# reading the source


@dataclass
class SrcNode:
    depth: int
    name: str
    code: str | None = None
    alias: str | None = None
    children: list["SrcNode"] = field(default_factory=list)


def find_jionlp_dir(explicit: str | None) -> str:
    if explicit:
        return explicit
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("jionlp is not installed; install it in a scratch venv "
                 "(pip install jionlp) or pass --jionlp-dir")
    return list(spec.submodule_search_locations)[0]


def read_source_text(jionlp_dir: str) -> tuple[str, str]:
    """Return (text of china_location.txt, description of where it came from)."""
    dic = os.path.join(jionlp_dir, "dictionary")
    zpath = os.path.join(dic, "china_location.zip")
    if os.path.exists(zpath):
        with zipfile.ZipFile(zpath) as zf:
            raw = zf.read("china_location.txt")
        where = zpath + "!china_location.txt"
    else:  # jionlp may have unpacked it already
        tpath = os.path.join(dic, "china_location.txt")
        with open(tpath, "rb") as fh:
            raw = fh.read()
        where = tpath
    return raw.decode("utf-8-sig"), where


def parse_tree(text: str) -> list[SrcNode]:
    roots: list[SrcNode] = []
    stack: list[SrcNode] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        fields = [f.strip() for f in line.strip().split("\t")]
        if depth > 4:
            raise ValueError(f"line {lineno}: unexpected depth {depth}")
        node = SrcNode(depth=depth, name=fields[0])
        if len(fields) >= 2 and fields[1]:
            node.code = fields[1]
        if len(fields) >= 3 and fields[2]:
            node.alias = fields[2]
        while stack and stack[-1].depth >= depth:
            stack.pop()
        if depth == 0:
            roots.append(node)
        else:
            if not stack or stack[-1].depth != depth - 1:
                raise ValueError(f"line {lineno}: orphan entry {fields[0]!r}")
            stack[-1].children.append(node)
        stack.append(node)
    return roots


# --------------------------------------------------------------------------
# normalisation and classification


def normalise_village_name(name: str) -> str:
    for pat, rep in (
        (r"^(.+社区)(?:居委会|居民委员会)$", r"\1"),
        (r"^(.+嘎查)(?:委会|委员会|村委会|村民委员会)$", r"\1"),
        (r"^(.+?)村?(?:村委会|村民委员会)$", r"\1村"),
        (r"^(.+)居民委员会$", r"\1居委会"),
    ):
        new = re.sub(pat, rep, name)
        if new != name:
            return new
    return name


def normalise_township_name(name: str, county_name: str | None) -> str:
    m = re.match(r"^(.+街道)办事处$", name)
    if m:
        name = m.group(1)
    if county_name and name.startswith(county_name):
        rest = name[len(county_name):]
        m = re.match(r"^(.{2,})(街道|镇|乡|苏木)$", rest)
        if m:
            name = rest
    return name


def county_level(name: str) -> str:
    if name.endswith(("林区", "特区")):
        # 神农架林区, 六枝特区 are county-level units, not 市辖区.  (Districts
        # like 万柏林区 or 北林区 end in 林区 too; only 4-char 林区 names after
        # a 3-char stem are real forest districts, so check the known ones.)
        if name in ("神农架林区", "六枝特区"):
            return "county"
    return "district" if name.endswith("区") else "county"


def township_level(name: str, province: str) -> str:
    if name.endswith(("街道", "办事处", "社区", "社区服务中心")):
        return "subdistrict"
    if name.endswith("地区") and province == "北京市":
        return "subdistrict"
    return "town"


def village_level(name: str) -> str:
    if name.endswith(("社区", "居委会", "居民委员会", "生活区", "居民区", "小区")):
        return "community"
    return "village"


def _strip_ethnic(name: str, generic_types: list[str]) -> tuple[str, str] | None:
    """Split '<stem><ethnic>[自治]<type>' into (stem, type) or return None.

    Before 自治 the 族 may be missing (新疆维吾尔自治区, 鄂伦春自治旗); without
    自治 (管城回族区, 南美拉祜族乡) it is required; 民族乡/民族苏木 forms
    (麻麻门巴民族乡, 金坪民族乡) are handled too.  When the name is nothing
    but the ethnic designation (鄂温克族自治旗), the group name is the stem.
    """
    types = "|".join(re.escape(t) for t in generic_types)
    for pat in (rf"^(.{{2,}}?)((?:{_ETH}族?)+)自治({types})$",
                rf"^(.{{2,}}?)((?:{_ETH}族?)*)(?:少数)?民族({types})$",  # 金坪民族乡
                rf"^(.{{2,}}?)((?:{_ETH}族)+)({types})$",
                rf"^()((?:{_ETH}族?)+)(?:自治|民族)({types})$",
                rf"^(.{{2,}}?)()自治({types})$"):  # 内蒙古自治区, 西藏自治区
        m = re.match(pat, name)
        if m:
            stem = m.group(1) or m.group(2).replace("族", "")
            return stem, m.group(3)
    return None


def province_short(name: str) -> str:
    for suf in ("特别行政区", "省", "市"):
        if name.endswith(suf):
            return name[: -len(suf)]
    split = _strip_ethnic(name, ["区"])
    if split and name.endswith("自治区"):
        return split[0]
    return ""


def city_stem(name: str) -> tuple[str, bool]:
    """Return (candidate short name, whether it must still pass the checks)."""
    if name.endswith("自治州"):
        split = _strip_ethnic(name, ["州"])
        if split:
            return split[0] + "州", False
    for suf in ("地区", "盟", "市"):
        if name.endswith(suf):
            return name[: -len(suf)], True
    return "", False


# County-level functional zones (开发区, 园区, 示范区 ...) have no short form.
FUNCTIONAL_ZONE = re.compile(
    r"(?:开发区|园区|示范区|管理区|实验区|试验区|保税区|合作区|工业区|特定区|食品区|"
    r"聚集区|名胜区|产业园|管委会|委员会|新城|海域)$")


def is_functional_zone(name: str, code: str) -> bool:
    """开发区/新区 ... with a county-level code: the statistical codes put
    them at xxxx71-xxxx80 (邯郸冀南新区 130473, 北戴河新区 130372)."""
    if FUNCTIONAL_ZONE.search(name):
        return True
    return bool(re.fullmatch(r"\d{4}(7[1-9]|80)", code))


def county_stem(name: str, code: str = "") -> tuple[str, bool]:
    split = _strip_ethnic(name, ["县", "旗", "区"])
    if split:
        return split[0] + split[1], False
    if is_functional_zone(name, code):
        return "", False
    if name.endswith("旗"):
        # banners are called by their full name (达拉特旗, 巴林左旗, 正蓝旗)
        return "", False
    if name in ("神农架林区", "六枝特区"):
        return name[:-2], True
    # 浦东新区 -> 浦东, 峰峰矿区 -> 峰峰, but 清新区 -> 清新 (a 1-char stem
    # means 新 is part of the name); 北林区/碑林区 only lose 区.
    for suf in ("新区", "矿区"):
        if name.endswith(suf) and len(name) - 2 >= 2:
            return name[:-2], True
    for suf in ("区", "县", "市"):
        if name.endswith(suf):
            return name[: -len(suf)], True
    return "", False


def township_stem(name: str, level: str, province: str) -> tuple[str, bool]:
    split = _strip_ethnic(name, ["乡", "镇", "苏木", "街道"])
    if split:
        return split[0] + split[1], False
    for suf in _TOWN_SUFFIXES:
        if name.endswith(suf):
            return name[: -len(suf)], True
    if level == "subdistrict" and province == "北京市" and name.endswith("地区"):
        return name[:-2], True
    return "", False


def stem_ok(stem: str, reserved: set[str], common_check: bool = True) -> bool:
    if len(stem) < 2:
        return False
    if common_check and (stem in COMMON_WORDS or GENERIC_DIRECTIONAL.match(stem)
                         or stem.endswith("族")):
        return False
    return stem not in reserved


# --------------------------------------------------------------------------
# building rows


@dataclass
class Row:
    code: str
    name: str
    level: str
    parent_code: str
    full_name: str
    short_name: str
    raw_name: str
    tier: str  # P C K T V  (province, city, county, township, village)
    province: str = ""
    children: list["Row"] = field(default_factory=list)


def _h(tier: str, name: str) -> str:
    return hashlib.sha1(f"{tier}|{name}".encode("utf-8")).hexdigest()[:HASH_LEN]


def _by_name(node: SrcNode) -> str:
    return node.name


class Builder:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.stats: collections.Counter[str] = collections.Counter()
        self.used_codes: set[str] = set()
        # (parent_code, tier, name) -> Row, for merging duplicate entries
        self.by_key: dict[tuple[str, str, str], Row] = {}

    # -- ids ---------------------------------------------------------------
    def synthetic_id(self, parent_code: str, tier: str, name: str) -> str:
        base = f"{parent_code}-{_h(tier, name)}"
        code, n = base, 1
        while code in self.used_codes:
            n += 1
            code = f"{base}~{n}"
            self.stats["hash_clashes"] += 1
        return code

    def add(self, parent: Row | None, tier: str, name: str, raw: str, level: str,
            src_code: str | None, province: str) -> Row:
        parent_code = parent.code if parent else ""
        key = (parent_code, tier, name)
        if key in self.by_key:
            self.stats[f"merged_duplicates_{tier}"] += 1
            return self.by_key[key]
        if src_code and re.fullmatch(r"\d{6}", src_code) and src_code not in self.used_codes \
                and src_code != parent_code:
            code = src_code
        else:
            if tier in "PCK":
                self.stats["synthetic_code_" + tier] += 1
            code = self.synthetic_id(parent_code, tier, name)
        self.used_codes.add(code)
        row = Row(code=code, name=name, level=level, parent_code=parent_code,
                  full_name=(parent.full_name if parent else "") + name,
                  short_name="", raw_name=raw if raw != name else "", tier=tier,
                  province=province)
        self.by_key[key] = row
        self.rows.append(row)
        return row

    # -- walking the source ------------------------------------------------
    def build(self, roots: list[SrcNode]) -> None:
        for prov in sorted(roots, key=_by_name):
            p = self.add(None, "P", prov.name, prov.name, "province", prov.code, prov.name)
            for city in sorted(prov.children, key=_by_name):
                pseudo_city = (city.code is not None and city.code == prov.code) \
                    or city.name == "省直辖行政区划"
                if pseudo_city:
                    self.stats["skipped_pseudo_city"] += 1
                    c = p
                else:
                    c = self.add(p, "C", city.name, city.name, "city", city.code, prov.name)
                for county in sorted(city.children, key=_by_name):
                    if county.name == "市直辖行政区划":
                        self.stats["skipped_pseudo_county"] += 1
                        k, county_name = c, None
                    else:
                        k = self.add(c, "K", county.name, county.name,
                                     county_level(county.name), county.code, prov.name)
                        county_name = county.name
                    for town in sorted(county.children, key=_by_name):
                        if town.name in ("县直辖行政区划", "区直辖行政区划"):
                            self.stats["skipped_pseudo_township"] += 1
                            t = k
                        else:
                            tname = normalise_township_name(town.name, county_name)
                            t = self.add(k, "T", tname, town.name,
                                         township_level(tname, prov.name), None, prov.name)
                        for vil in sorted(town.children, key=_by_name):
                            vname = normalise_village_name(vil.name)
                            self.add(t, "V", vname, vil.name, village_level(vname), None,
                                     prov.name)

    # -- short names -------------------------------------------------------
    def assign_short_names(self) -> None:
        reserved: set[str] = set()
        for tier in "PCKT":
            new: set[str] = set()
            for r in self.rows:
                if r.tier != tier:
                    continue
                if tier == "P":
                    cand, check = province_short(r.name), False
                elif tier == "C":
                    cand, check = city_stem(r.name)
                elif tier == "K":
                    cand, check = county_stem(r.name, r.code)
                else:
                    cand, check = township_stem(r.name, r.level, r.province)
                if not cand:
                    continue
                # everyday-word checks apply from the county tier down:
                # 中山市 -> 中山, 朝阳市 -> 朝阳 are the standard short forms
                if check and not stem_ok(cand, reserved, common_check=tier in "KT"):
                    continue
                if not check and cand in reserved:
                    continue
                r.short_name = cand
            # Siblings (same parent) sharing a short name: the shortest full
            # name keeps it (井陉县 over 井陉矿区); on a tie nobody does
            # (临夏市 / 临夏县 under 临夏州).
            groups: dict[tuple[str, str], list[Row]] = collections.defaultdict(list)
            for r in self.rows:
                if r.tier == tier and r.short_name:
                    groups[(r.parent_code, r.short_name)].append(r)
            for (_, short), members in groups.items():
                if len(members) > 1:
                    members.sort(key=lambda m: len(m.name))
                    tie = len(members[0].name) == len(members[1].name)
                    for m in members[0 if tie else 1:]:
                        m.short_name = ""
                        self.stats["short_name_sibling_clash_blanked"] += 1
                if any(m.short_name for m in members):
                    new.add(short)
            reserved |= new
            # full names of higher levels are reserved too (吉林市 ...)
            reserved |= {r.name for r in self.rows if r.tier == tier}


def write_csv_gz(path: str, rows: list[Row]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow([r.code, r.name, r.level, r.parent_code, r.full_name, r.short_name,
                    r.raw_name])
    data = buf.getvalue().encode("utf-8")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        # filename='' and mtime=0 keep the gzip header free of varying data
        with gzip.GzipFile(filename="", mode="wb", fileobj=fh, compresslevel=9,
                           mtime=0) as gz:
            gz.write(data)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True,
                    help="path of the main gzip CSV (province .. town + communities)")
    ap.add_argument("--villages-out",
                    help="path of the villages gzip CSV (default: villages.csv.gz "
                         "next to --out)")
    ap.add_argument("--jionlp-dir",
                    help="jionlp package directory (default: found via importlib)")
    args = ap.parse_args(argv)
    villages_out = args.villages_out or os.path.join(
        os.path.dirname(os.path.abspath(args.out)), "villages.csv.gz")

    text, where = read_source_text(find_jionlp_dir(args.jionlp_dir))
    b = Builder()
    b.build(parse_tree(text))
    b.assign_short_names()

    # full_name must be unique
    fn_count = collections.Counter(r.full_name for r in b.rows)
    collisions = {k: v for k, v in fn_count.items() if v > 1}
    if collisions:
        sys.exit(f"full_name collisions: {len(collisions)} e.g. {list(collisions)[:5]}")
    codes = [r.code for r in b.rows]
    assert len(codes) == len(set(codes)), "duplicate codes"

    rows = sorted(b.rows, key=lambda r: r.code)
    main_rows = [r for r in rows if r.level in MAIN_LEVELS]
    vil_rows = [r for r in rows if r.level not in MAIN_LEVELS]
    write_csv_gz(args.out, main_rows)
    write_csv_gz(villages_out, vil_rows)

    # ---- summary --------------------------------------------------------
    out = sys.stderr
    print(f"source: {where}", file=out)
    lv = collections.Counter(r.level for r in rows)
    for level in LEVELS:
        print(f"  {level:12s} {lv[level]:>8d}", file=out)
    print(f"  {'total':12s} {len(rows):>8d}", file=out)
    for k in sorted(b.stats):
        print(f"  {k}: {b.stats[k]}", file=out)
    print(f"  renamed (raw_name set): {sum(1 for r in rows if r.raw_name)}", file=out)
    twn = [r for r in rows if r.tier == "T"]
    by_name = collections.defaultdict(set)
    for r in twn:
        by_name[r.name].add(r.parent_code)
    amb = {n: len(p) for n, p in by_name.items() if len(p) > 1}
    print(f"  township names: {len(by_name)} distinct, {len(amb)} used in >1 county "
          f"({sum(amb.values())} rows)", file=out)
    for path in (args.out, villages_out):
        print(f"  wrote {path}: {os.path.getsize(path)} bytes", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
