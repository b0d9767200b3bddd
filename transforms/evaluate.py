"""Scoring extraction against gold annotations (corpus/gold/GUIDE.md). Pure functions: no I/O except load_gold.

Each category has a scorer `score_<category>(gold_docs, predicted) -> dict` built on `_match`, which pairs
gold and predicted items per document, greedily in document order, on a category-specific key. Gold items
marked optional are excluded from both sides: matched, they are neither true nor false positives; unmatched,
they are not false negatives. Add persons / regions / bylines by writing a key function and a scorer in the
same style (see `score_metrics`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from pathlib import Path

import polars as pl


def load_gold(directory: str | Path) -> dict[str, dict]:
    """{doc stem: gold document} for every *.json in `directory`."""
    out = {}
    for path in sorted(Path(directory).glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        out[doc.get("doc") or path.stem] = doc
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


def _score(gold_docs: dict[str, dict], predicted: pl.DataFrame, category: str, order: str | None,
           same: Callable[[dict, dict], bool], attributes: dict[str, Callable[[dict, dict], bool]]) -> dict:
    tp = fp = fn = 0
    hits = {name: 0 for name in attributes}
    errors: list[dict] = []
    by_doc = {doc: [] for doc in gold_docs}
    rows = predicted.sort(["doc", order]) if order else predicted
    for row in rows.iter_rows(named=True):
        if row["doc"] in by_doc:
            by_doc[row["doc"]].append(row)
    for doc, gdoc in gold_docs.items():
        gold = gdoc.get(category, [])
        # Required items are paired first so an optional twin does not steal their prediction.
        required = [g for g in gold if not g.get("optional")]
        optional = [g for g in gold if g.get("optional")]
        pairs, missed, extra = _match(required, by_doc[doc], same)
        opt_pairs, _, extra = _match(optional, extra, same)
        tp += len(pairs)
        fn += len(missed)
        fp += len(extra)
        for g, p in pairs:
            for name, check in attributes.items():
                ok = check(g, p)
                hits[name] += ok
                if not ok:
                    errors.append({"doc": doc, "kind": name, "gold": g, "predicted": p})
        errors += [{"doc": doc, "kind": "missed", "gold": g} for g in missed]
        errors += [{"doc": doc, "kind": "spurious", "predicted": p} for p in extra]
    result = _prf(tp, fp, fn)
    for name in attributes:
        result[f"{name}_accuracy"] = hits[name] / tp if tp else 1.0
    result["errors"] = errors
    return result


def _close(a: float | None, b: float | None, rel: float = 1e-6) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-12)


def _metric_key(g: dict, p: dict) -> bool:
    return (_close(float(g["base_value"]), p["base_value"]) and g["base_unit"] == p["base_unit"]
            and g["measure"] == p["measure"])


METRIC_ATTRIBUTES: dict[str, Callable[[dict, dict], bool]] = {
    "is_target": lambda g, p: bool(g.get("is_target")) == bool(p.get("is_target")),
    "region": lambda g, p: (g.get("region") or None) == (p.get("region") or None),
    "indicator": lambda g, p: (g.get("indicator") or None) == (p.get("indicator") or None),
}


def score_metrics(gold_docs: dict[str, dict], predicted: pl.DataFrame) -> dict:
    """Precision/recall/F1 of metrics (key: document + base_value (1e-6 relative) + base_unit + measure, paired
    in document order) plus is_target/region/indicator accuracy over matched required items.

    predicted: doc, text, value, base_value, base_unit, measure, indicator, region, is_target, span_start."""
    return _score(gold_docs, predicted, "metrics", "span_start", _metric_key, METRIC_ATTRIBUTES)


def _set_score(gold_docs: dict[str, dict], predicted: pl.DataFrame, category: str,
               key: Callable[[dict], Hashable]) -> dict:
    """P/R/F1 over distinct keys per document (persons, regions, bylines are sets, not sequences)."""
    # A gold file that does not annotate the category says nothing about it.
    annotated = {doc for doc, g in gold_docs.items() if category in g}
    want = {(doc, key(item)) for doc in annotated for item in gold_docs[doc][category]}
    got = {(row["doc"], key(row)) for row in predicted.iter_rows(named=True) if row["doc"] in annotated}
    result = _prf(len(want & got), len(got - want), len(want - got))
    result["errors"] = ([{"doc": d, "kind": "missed", "gold": k} for d, k in sorted(want - got)]
                        + [{"doc": d, "kind": "spurious", "predicted": k} for d, k in sorted(got - want)])
    return result


def _office(name: str) -> str:
    """北下街办事处 and 北下街街道 are one subdistrict."""
    return name[: -len("办事处")] + "街道" if name.endswith("办事处") and not name.endswith("街道办事处") else name


def score_persons(gold_docs: dict[str, dict], predicted: pl.DataFrame) -> dict:
    """predicted: doc, name, title. Key: name + title."""
    return _set_score(gold_docs, predicted, "persons", lambda r: (r["name"], r["title"]))


def score_regions(gold_docs: dict[str, dict], predicted: pl.DataFrame) -> dict:
    """predicted: doc, name. Key: the unit's name (办事处 written as 街道)."""
    return _set_score(gold_docs, predicted, "regions", lambda r: _office(r["name"]))


def score_bylines(gold_docs: dict[str, dict], predicted: pl.DataFrame) -> dict:
    """predicted: doc, name, role. Key: name + role."""
    return _set_score(gold_docs, predicted, "bylines", lambda r: (r["name"], r["role"]))


def chrome_in_bodies(gold_docs: dict[str, dict], bodies: dict[str, str]) -> list[tuple[str, str]]:
    """(doc, chrome line) for every gold chrome line still standing as a line of the stored body."""
    found = []
    for doc, g in gold_docs.items():
        lines = {" ".join(line.split()) for line in bodies.get(doc, "").split("\n")}
        found += [(doc, c) for c in g.get("chrome_lines", []) if " ".join(c.split()) in lines]
    return found
