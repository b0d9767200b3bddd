"""Per-document keywords: jieba segmentation with a domain user dictionary, TF-IDF weights -> fact_term.

The user dictionary is transforms/rules/user_dict.txt (words a user adds), the titles (transforms/rules/titles.txt), the indicator
names (transforms/rules/indicators.csv, when present) and the gazetteer's region names (when present); with
it jieba stops cutting 林山寨 into 林/山寨 or reading 碧沙岗 as a person. IDF comes from the idf.txt shipped
inside jieba.analyse (offline); unknown words get the median IDF, as jieba.analyse does.

Segmentation is a per-text library call (jieba-rs through rjieba, no columnar API): it runs once per
document; counting, IDF join, weighting and ranking are Polars over the whole batch.
Traditional-script documents are converted to Simplified (OpenCC t2s) before segmentation, so their terms
are Simplified and comparable with the rest of the corpus."""

from __future__ import annotations

import csv
import re
import threading
from collections import deque
from functools import cache
from pathlib import Path

import polars as pl

from transforms.extract.tables import SCHEMAS, conform
from transforms.rules import RULES_DIR

TOP_N = 20
# parts of speech worth a keyword: nouns (incl. places, organisations, our own tags), verbs used as nouns,
# idioms and abbreviations, English
KEEP_POS = frozenset(("n", "ns", "nt", "nz", "nr", "nrt", "vn", "v", "l", "i", "j", "eng"))
STOP_CHARS = re.compile(r"^[\d\W_]+$")


def _user_dict_entries() -> list[tuple[str, str]]:
    """(word, pos) from the rule files and the gazetteer; one word once, the first tag wins."""
    entries: list[tuple[str, str]] = []
    user = RULES_DIR / "user_dict.txt"
    if user.exists():
        for line in user.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if parts and not parts[0].startswith("#"):
                entries.append((parts[0], parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else "n"))
    from transforms.extract.officials import default_official_rules

    entries += [(t, "n") for title in default_official_rules().titles for t in title.split("、")]
    indicators = RULES_DIR / "indicators.csv"
    if indicators.exists():
        with indicators.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for column in ("name", "alias", "aliases", "synonyms"):
                    for word in re.split(r"[|;；,，\s]+", row.get(column) or ""):
                        if len(word) >= 2:
                            entries.append((word, "n"))
    from transforms.extract.gazetteer import gazetteer_names

    entries += [(name, "ns") for name in gazetteer_names()]
    return list(dict.fromkeys(entries))


_per_thread = threading.local()
USER_WORDS_SCHEMA = {"word": pl.String, "freq": pl.Int64, "tag": pl.String}


def segmenter():
    """jieba-rs (rjieba) with jieba's dictionary plus the domain words, built once per thread.

    Measured here: the same tokens as jieba on Chinese text (they differ only in how runs of digits and
    Latin letters split), 20-40x faster, and its tagger reads parts of speech from the dictionary like
    jieba.posseg at a fraction of posseg's cost. add_word has jieba's semantics (freq None = suggested).
    One per thread because rjieba puts each instance behind a mutex: two threads sharing one took turns
    (600 articles: 0.34 s in one thread, 0.28 s in two; 0.18 s with one each, for 41 MB and 0.5 s more)."""
    tokenizer = getattr(_per_thread, "tokenizer", None)
    if tokenizer is None:
        import rjieba

        tokenizer = rjieba.Jieba()
        words = user_words()
        deque(map(tokenizer.add_word, *(words[c].to_list() for c in ("word", "freq", "tag"))), maxlen=0)
        _per_thread.tokenizer = tokenizer
    return tokenizer


@cache
def user_words() -> pl.DataFrame:
    """word, freq, tag of the domain words in the order they are added, each with the frequency jieba-rs
    suggested when it was added after the ones before it: added again with those, the segmenter is the same,
    and neither the words (the gazetteer's names) nor the suggestions are derived again. Kept in the cache
    folder (transforms/cache.py), keyed by the rule files, the gazetteer and this code."""
    from importlib.metadata import version

    from transforms.cache import cache_key, cached_frame, file_stamp, safe_dir, source_digest
    from transforms.extract.gazetteer import load_gazetteer
    from transforms.extract.officials import default_official_rules

    rules = [p for p in (RULES_DIR / "user_dict.txt", RULES_DIR / "indicators.csv") if p.exists()]
    key = cache_key(file_stamp(rules), "、".join(default_official_rules().titles), load_gazetteer().cache_key,
                    source_digest(__file__), version("rjieba"))
    return cached_frame(safe_dir(None), "user-words", key, USER_WORDS_SCHEMA, _suggested_user_words)


def _suggested_user_words() -> pl.DataFrame:
    import rjieba

    tokenizer = rjieba.Jieba()
    entries = _user_dict_entries()
    freqs = [tokenizer.add_word(word, None, pos) for word, pos in entries]
    return pl.DataFrame({"word": [w for w, _ in entries], "freq": freqs, "tag": [p for _, p in entries]},
                        schema=USER_WORDS_SCHEMA)


IDF_SCHEMA = {"term": pl.String, "idf": pl.Float64}


@cache
def idf_frame() -> tuple[pl.DataFrame, float]:
    """The IDF table shipped with jieba.analyse, read as a file: importing jieba.analyse loads its POS
    tagger too (about 100 MB and a second per process) for nothing we use. Kept one row per term in the
    cache folder (deduplicating 350 000 rows was most of its 0.15 s)."""
    from transforms.cache import cache_key, cached_frame, file_stamp, package_file, safe_dir, source_digest

    path = package_file("jieba", "analyse", "idf.txt")
    frame = cached_frame(safe_dir(None), "idf", cache_key(file_stamp([path]), source_digest(__file__)), IDF_SCHEMA,
                         lambda: read_idf(path))
    return frame, float(frame["idf"].median())


def read_idf(path: Path) -> pl.DataFrame:
    frame = pl.read_csv(path, separator=" ", has_header=False, new_columns=list(IDF_SCHEMA),
                        schema_overrides=IDF_SCHEMA, quote_char=None)
    return frame.unique("term", keep="first")


@cache
def stop_words() -> list[str]:
    """rules/stop_words.txt: jieba.analyse's default stop words and any a user adds."""
    lines = (RULES_DIR / "stop_words.txt").read_text(encoding="utf-8").splitlines()
    return sorted({w.strip().lower() for w in lines if w.strip() and not w.startswith("#")})


def segment(text: str) -> list[dict[str, str]]:
    return [{"term": word, "pos": pos} for word, pos in segmenter().tag(text, True)]


def _candidate_tokens(texts: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(document_key, term, pos of the tokens that can be keywords: two characters or more, a kept part of
    speech), (document_key, total: every token counted). Half the tokens go before they become columns, and
    the rest reach Polars as one newline-joined string per text, split there (jieba never keeps a newline
    inside a token): cheaper than a column of Python strings, and no token tuples are held for the batch."""
    terms, tags, totals = [], [], []
    tag = segmenter().tag
    for text in texts["text"].to_list():
        tokens = tag(text, True)
        totals.append(len(tokens))
        kept = [t for t in tokens if len(t[0]) >= 2 and t[1] in KEEP_POS]
        terms.append("\n".join([t[0] for t in kept]))
        tags.append("\n".join([t[1] for t in kept]))
    tokens = (texts.select("document_key", term=pl.Series(terms, dtype=pl.String),
                           pos=pl.Series(tags, dtype=pl.String))
              .filter(pl.col("term") != "")
              .with_columns(pl.col("term").str.split("\n"), pl.col("pos").str.split("\n"))
              .explode("term", "pos"))
    return tokens, texts.select("document_key", total=pl.Series(totals, dtype=pl.UInt32))


def extract_terms(documents: pl.DataFrame, top_n: int = TOP_N) -> pl.DataFrame:
    """fact_term: the top_n TF-IDF terms of each document (headline + subheadline + body)."""
    from transforms.extract.script import to_simplified

    if documents.is_empty():
        return pl.DataFrame(schema=SCHEMAS["fact_term"])
    text = pl.concat_str([pl.col(c).fill_null("") for c in ("headline", "subheadline", "body")
                          if c in documents.columns], separator="\n")
    texts = documents.select("document_key", text.alias("text"))
    texts = texts.with_columns(to_simplified(texts["text"]).alias("text"))
    tokens, totals = _candidate_tokens(texts)
    idf, median = idf_frame()
    stops = stop_words()
    kept = tokens.filter(~pl.col("term").str.to_lowercase().is_in(stops),
                         ~pl.col("term").str.contains(STOP_CHARS.pattern))
    counted = kept.group_by("document_key", "term").agg(pl.len().alias("frequency"))
    # only the batch's terms of the IDF table are joined, only a document's top terms (and ties) are sorted,
    # and a term's tag is looked up for the terms kept: each of those was a pass over every term of the batch
    ranked = (
        counted.join(totals, on="document_key")
        .join(idf.filter(pl.col("term").is_in(counted["term"].implode())), on="term", how="left")
        .with_columns((pl.col("frequency") / pl.col("total") * pl.col("idf").fill_null(median)).alias("weight"))
        .filter(pl.col("weight").rank("min", descending=True).over("document_key") <= top_n)
        .sort(["document_key", "weight", "term"], descending=[False, True, False])
        .with_columns(pl.int_range(1, pl.len() + 1).over("document_key").alias("rank"))
        .filter(pl.col("rank") <= top_n)
    )
    tags = (kept.join(ranked.select("document_key", "term"), on=["document_key", "term"], how="semi")
            .group_by("document_key", "term").agg(pl.col("pos").min()))
    terms = ranked.join(tags, on=["document_key", "term"], how="left", maintain_order="left")
    return conform(terms, "fact_term")
