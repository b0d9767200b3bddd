"""Scoring extraction against gold annotations, with the rules of the gold guide (GUIDE.md beside the gold).

Pure functions over plain rows; `load_gold` is the only I/O. Names are compared in Simplified script, with a
functional zone's names all equal; metrics are a multiset per document of (base value to 2 decimals, base
unit), paired in document order so that attributes (target, region, period year) are judged on pairs."""

from __future__ import annotations

import json
import re
import unicodedata
import zlib
from collections.abc import Callable, Hashable
from functools import cache
from pathlib import Path

import polars as pl

# The guide's equal names of one zone; the first is the canonical form scores compare.
ZONE_ALIASES: tuple[tuple[str, ...], ...] = (
    ("郑州航空港经济综合实验区", "郑州航空港实验区", "郑州航空港区", "航空港实验区", "航空港区", "郑州航空港"),
    ("郑州经济技术开发区", "郑州经开区", "经开区", "郑州经济开发区"),
    ("郑州高新技术产业开发区", "郑州高新区", "高新区"),
    ("郑东新区", "郑州郑东新区"),
)
_ZONE = {alias: names[0] for names in ZONE_ALIASES for alias in names}
_YEAR = re.compile(r"((?:19|20)\d{2})")


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@cache
def simplified(text: str | None) -> str | None:
    """NFKC, Simplified script, no whitespace: the form in which the guide compares names and lines."""
    if text is None:
        return None
    return "".join(_t2s().convert(unicodedata.normalize("NFKC", text)).split())


def region_name(name: str | None) -> str | None:
    """A region's name as the guide compares it: Simplified, zone aliases equal, 北下街办事处 = 北下街街道."""
    name = simplified(name)
    if not name:
        return None
    if name.endswith("办事处") and not name.endswith("街道办事处"):
        name = name[: -len("办事处")] + "街道"
    elif name.endswith("街道办事处"):
        name = name[: -len("办事处")]
    return _ZONE.get(name, name)


class GoldError(ValueError):
    """A gold file that is not JSON of the guide's shape; the message names the file."""


# What the scoring reads from a gold document: these lists (of objects, or of strings for chrome_lines), and
# in each metric a number base_value and a text base_unit.
_GOLD_LISTS = {"metrics": dict, "persons": dict, "regions": dict, "bylines": dict, "chrome_lines": str}


def _gold_shape_error(doc: object) -> str | None:
    if not isinstance(doc, dict):
        return f"a JSON object is expected, not {type(doc).__name__}"
    for key, item_type in _GOLD_LISTS.items():
        items = doc.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, item_type) for i in items):
            return f"{key!r} must be a list of {'objects' if item_type is dict else 'strings'}"
    for m in doc.get("metrics", []):
        if not isinstance(m.get("base_value"), (int, float)) or not isinstance(m.get("base_unit"), str):
            return "every metric needs a number base_value and a text base_unit"
    for key in ("doc", "published_on"):
        if not isinstance(doc.get(key), (str, type(None))):
            return f"{key!r} must be text or null"
    return None


def load_gold(directory: str | Path) -> dict[str, dict]:
    """{doc stem: gold document} for every *.json in `directory`; GoldError names a file that cannot be scored."""
    out = {}
    for path in sorted(Path(directory).glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise GoldError(f"{path}: not a readable JSON gold file ({err})") from None
        problem = _gold_shape_error(doc)
        if problem:
            raise GoldError(f"{path}: {problem} (the gold guide, GUIDE.md)")
        out[doc.get("doc") or path.stem] = doc
    return out


def half(stem: str) -> str:
    """The fixed split of a gold corpus into two halves: "A" when the CRC-32 of the document's stem is even,
    "B" when odd. Stable when pages are added; rules are worked out on A's misses and reported on B."""
    return "AB"[zlib.crc32(stem.encode("utf-8")) % 2]


def split_halves(gold: dict[str, dict]) -> dict[str, dict[str, dict]]:
    """{"A": gold of half A, "B": gold of half B}."""
    out: dict[str, dict[str, dict]] = {"A": {}, "B": {}}
    for stem, doc in gold.items():
        out[half(stem)][stem] = doc
    return out


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def _match(gold: list[dict], predicted: list[dict], same: Callable[[dict, dict], bool]) -> tuple[
        list[tuple[dict, dict]], list[dict], list[dict]]:
    """Pair items in document order: each gold item takes the first unused predicted item that is `same`
    and comes after the previous pairing's predicted item (falling back to any unused one, so one missed
    ordering does not cascade). Returns (pairs, unmatched gold, unmatched predicted)."""
    used = [False] * len(predicted)
    pairs, missed = [], []
    last = -1
    for g in gold:
        found = next((i for i in range(last + 1, len(predicted)) if not used[i] and same(g, predicted[i])), None)
        if found is None:
            found = next((i for i in range(len(predicted)) if not used[i] and same(g, predicted[i])), None)
        if found is None:
            missed.append(g)
            continue
        used[found] = True
        last = max(last, found)
        pairs.append((g, predicted[found]))
    return pairs, missed, [p for i, p in enumerate(predicted) if not used[i]]


def _by_doc(gold_docs: dict[str, dict], predicted: pl.DataFrame, order: str | None) -> dict[str, list[dict]]:
    by_doc: dict[str, list[dict]] = {doc: [] for doc in gold_docs}
    rows = predicted.sort(["doc", order]) if order and not predicted.is_empty() else predicted
    for row in rows.iter_rows(named=True):
        if row["doc"] in by_doc:
            by_doc[row["doc"]].append(row)
    return by_doc


def _metric_key(item: dict) -> tuple[float, str]:
    return round(float(item["base_value"]), 2), item["base_unit"]


def _period_year(gold: dict) -> int | None:
    found = _YEAR.search(gold.get("period") or "")
    return int(found[1]) if found else None


# Attributes judged on matched figures: (gold, predicted) -> right, or None when the pair says nothing.
METRIC_ATTRIBUTES: dict[str, Callable[[dict, dict], bool | None]] = {
    "is_target": lambda g, p: bool(g.get("is_target")) == bool(p.get("is_target")),
    "region": lambda g, p: region_name(g.get("region")) == region_name(p.get("region")),
    "measure": lambda g, p: g.get("measure") == p.get("measure"),
    "period_year": lambda g, p: (None if _period_year(g) is None
                                 else p.get("period_year") == _period_year(g)),
    "indicator": lambda g, p: simplified(g.get("indicator")) == simplified(p.get("indicator")),
}


def score_metrics(gold_docs: dict[str, dict], predicted: pl.DataFrame) -> dict:
    """P/R/F1 of figures, per document the multiset of (base_value to 2 decimals, base_unit) paired in
    document order, and the accuracy of each attribute over the matched required figures.

    predicted: doc, base_value, base_unit, span_start, and the attributes' columns (is_target, region,
    measure, period_year, indicator)."""
    tp = fp = fn = 0
    hits = {name: 0 for name in METRIC_ATTRIBUTES}
    judged = {name: 0 for name in METRIC_ATTRIBUTES}
    errors: list[dict] = []
    by_doc = _by_doc(gold_docs, predicted, "span_start")
    same = lambda g, p: _metric_key(g) == _metric_key(p)  # noqa: E731
    for doc, gdoc in gold_docs.items():
        gold = gdoc.get("metrics", [])
        # Required items are paired first so an optional twin does not steal their prediction.
        required = [g for g in gold if not g.get("optional")]
        optional = [g for g in gold if g.get("optional")]
        pairs, missed, extra = _match(required, by_doc[doc], same)
        _, _, extra = _match(optional, extra, same)
        tp, fn, fp = tp + len(pairs), fn + len(missed), fp + len(extra)
        for g, p in pairs:
            for name, check in METRIC_ATTRIBUTES.items():
                ok = check(g, p)
                if ok is None:
                    continue
                judged[name] += 1
                hits[name] += ok
                if not ok:
                    errors.append({"doc": doc, "kind": name, "gold": g, "predicted": p})
        errors += [{"doc": doc, "kind": "missed", "gold": g} for g in missed]
        errors += [{"doc": doc, "kind": "spurious", "predicted": p} for p in extra]
    result = _prf(tp, fp, fn)
    for name in METRIC_ATTRIBUTES:
        result[f"{name}_accuracy"] = hits[name] / judged[name] if judged[name] else 1.0
        result[f"{name}_judged"] = judged[name]
    result["errors"] = errors
    return result


def _set_score(gold_docs: dict[str, dict], predicted: pl.DataFrame, category: str,
               key: Callable[[dict], Hashable], same: Callable[[Hashable, Hashable], bool] | None = None) -> dict:
    """P/R/F1 over distinct keys per document (persons, regions, bylines are sets, not sequences); with
    `same`, keys pair one to one when `same` holds instead of when equal."""
    annotated = {doc for doc, g in gold_docs.items() if category in g}  # absent: says nothing
    tp = fp = fn = 0
    errors: list[dict] = []
    by_doc = _by_doc(gold_docs, predicted, None)
    for doc in sorted(annotated):
        want = list(dict.fromkeys(key(item) for item in gold_docs[doc][category]))
        got = list(dict.fromkeys(key(row) for row in by_doc[doc]))
        if same is None:
            missed, extra = [k for k in want if k not in got], [k for k in got if k not in want]
        else:
            pairs, missed, extra = _match([{"k": k} for k in want], [{"k": k} for k in got],
                                          lambda g, p: same(g["k"], p["k"]))
            missed, extra = [m["k"] for m in missed], [e["k"] for e in extra]
        tp += len(want) - len(missed)
        fp, fn = fp + len(extra), fn + len(missed)
        errors += [{"doc": doc, "kind": "missed", "gold": k} for k in missed]
        errors += [{"doc": doc, "kind": "spurious", "predicted": k} for k in extra]
    result = _prf(tp, fp, fn)
    result["errors"] = errors
    return result


def _same_person(g: tuple[str, str], p: tuple[str, str]) -> bool:
    """Same name, and one title contains the other (区委书记 ~ 中原区区委书记)."""
    return g[0] == p[0] and bool(g[1]) and bool(p[1]) and (g[1] in p[1] or p[1] in g[1])


def score_persons(gold_docs: dict[str, dict], predicted: pl.DataFrame) -> dict:
    """predicted: doc, name, title."""
    return _set_score(gold_docs, predicted, "persons",
                      lambda r: (simplified(r["name"]), simplified(r["title"])), _same_person)


def score_regions(gold_docs: dict[str, dict], predicted: pl.DataFrame) -> dict:
    """predicted: doc, name."""
    return _set_score(gold_docs, predicted, "regions", lambda r: region_name(r["name"]))


def score_bylines(gold_docs: dict[str, dict], predicted: pl.DataFrame) -> dict:
    """predicted: doc, name, role."""
    return _set_score(gold_docs, predicted, "bylines", lambda r: (simplified(r["name"]), r["role"]))


def chrome_in_bodies(gold_docs: dict[str, dict], bodies: dict[str, str]) -> tuple[list[tuple[str, str]], int]:
    """(doc, line) for every gold chrome line whose text (NFKC, no whitespace) still appears in its document's
    body, and the number of gold chrome lines of the documents that have a body."""
    found, total = [], 0
    for doc, g in gold_docs.items():
        if doc not in bodies:
            continue
        body = "".join(unicodedata.normalize("NFKC", bodies[doc] or "").split())
        for line in g.get("chrome_lines", []):
            text = "".join(unicodedata.normalize("NFKC", line).split())
            total += 1
            if text and text in body:
                found.append((doc, line))
    return found, total


def score_dates(gold_docs: dict[str, dict], dates: dict[str, str | None]) -> dict:
    """Documents whose gold gives a publication date (the text determines it): how many are dated right."""
    judged = {doc: g["published_on"] for doc, g in gold_docs.items() if g.get("published_on")}
    right = [doc for doc, day in judged.items() if dates.get(doc) == day]
    wrong = {doc: (day, dates.get(doc)) for doc, day in judged.items() if dates.get(doc) != day}
    # A date where the gold has none was guessed (the guide: only if the text itself says so).
    guessed = {doc: day for doc, day in dates.items() if day and doc in gold_docs and doc not in judged}
    return {"judged": len(judged), "right": len(right), "wrong": wrong, "undetermined_but_dated": guessed}
