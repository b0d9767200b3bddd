"""The cache of derived resources (transforms/cache.py) and what uses it: the gazetteer's parts, the
segmenter's words, a small batch's own automata. Real files in tmp dirs."""

from __future__ import annotations

import gzip
import os
from functools import cached_property

import polars as pl
import pytest

from transforms import cache
from transforms.extract import gazetteer as gaz
from transforms.extract import scoped
from transforms.extract.regions import extract_regions
from transforms.extract.script import to_simplified

from tests.transforms.helpers import frames
from tests.transforms.test_extract_regions import gazetteer as small_gazetteer

SCHEMA = {"word": pl.String, "freq": pl.Int64}


def _counting_build(calls: list[int]):
    def build() -> pl.DataFrame:
        calls.append(1)
        return pl.DataFrame({"word": ["郑州", "管城"], "freq": [3, len(calls)]}, schema=SCHEMA)
    return build


def test_a_frame_is_built_once_per_key_and_again_when_the_key_changes(tmp_path):
    calls: list[int] = []
    folder = cache.safe_dir(tmp_path / "c")
    first = cache.cached_frame(folder, "words", cache.cache_key("a"), SCHEMA, _counting_build(calls))
    again = cache.cached_frame(folder, "words", cache.cache_key("a"), SCHEMA, _counting_build(calls))
    assert len(calls) == 1 and again.equals(first)
    cache.cached_frame(folder, "words", cache.cache_key("b"), SCHEMA, _counting_build(calls))  # an input changed
    assert len(calls) == 2


@pytest.mark.parametrize("damage", ["truncated", "foreign", "other columns"])
def test_a_damaged_or_foreign_file_is_built_again_and_replaced(tmp_path, damage):
    folder, key = cache.safe_dir(tmp_path / "c"), cache.cache_key("a")
    calls: list[int] = []
    cache.cached_frame(folder, "words", key, SCHEMA, _counting_build(calls))
    path = cache.cache_path(folder, "words", key)
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:40])
    elif damage == "foreign":  # the right columns, but not written under this key
        pl.DataFrame({"word": ["恶意"], "freq": [1]}).write_parquet(path)
    else:
        pl.DataFrame({"word": ["恶意"]}).write_parquet(path, metadata={cache.KEY_FIELD: key})
    got = cache.cached_frame(folder, "words", key, SCHEMA, _counting_build(calls))
    assert len(calls) == 2 and "恶意" not in got["word"].to_list()
    assert cache.read_cached(folder, "words", key, SCHEMA).equals(got)  # written again, trusted again


def test_a_folder_others_may_write_to_is_not_used(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    assert cache.safe_dir(shared) is None
    calls: list[int] = []
    for _ in range(2):
        cache.cached_frame(cache.safe_dir(shared), "words", cache.cache_key("a"), SCHEMA, _counting_build(calls))
    assert len(calls) == 2 and not list(shared.iterdir())
    assert cache.safe_dir(tmp_path / "new").stat().st_mode & 0o077 == 0  # created private


def _gazetteer_files(tmp_path):
    folder = tmp_path / "gazetteer"
    folder.mkdir()
    with gzip.open(folder / "regions.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write(small_gazetteer().units.write_csv())
    return folder


def test_a_corrupt_gazetteer_cache_is_rebuilt_with_the_same_content(tmp_path):
    folder, where = _gazetteer_files(tmp_path), tmp_path / "cache"
    gaz._load_cached.cache_clear()
    built = gaz.load_gazetteer(folder, where)
    lists = {name: getattr(built, name) for name in gaz.CACHED_LISTS}
    for path in where.glob("gazetteer-*.parquet"):
        path.write_bytes(b"PAR1 not a parquet file")
    gaz._load_cached.cache_clear()
    rebuilt = gaz.load_gazetteer(folder, where)
    assert rebuilt.units.equals(built.units)
    assert rebuilt.surfaces.sort("surface", "code").equals(built.surfaces.sort("surface", "code"))
    gaz._load_cached.cache_clear()
    cached = gaz.load_gazetteer(folder, where)  # the rewritten files are read, not derived
    assert set(cached.known_lists) == set(gaz.CACHED_LISTS)
    for name in gaz.CACHED_LISTS:
        assert getattr(cached, name).equals(lists[name]), name
        assert getattr(cached, name).equals(getattr(gaz.Gazetteer(built.units), name)), name
    gaz._load_cached.cache_clear()


TEXTS = ["河南省郑州市管城区北下街街道办事处，石家庄市长安区城关镇。", "卢氏县与三门峡的合作，郑州与河北。",
         "林山寨街道碧沙岗社区：中原区城关镇"]


def test_a_small_batch_finds_with_its_own_automata_what_the_full_ones_find():
    full = small_gazetteer()
    docs, sentences = frames(TEXTS)
    docs = docs.with_columns(to_simplified(docs["body"]).alias("match_text"))
    sentences = sentences.with_columns(to_simplified(sentences["text"]).alias("match_text"))
    view = scoped.for_texts(full, docs["match_text"].to_list())
    assert view is not full and isinstance(view.automaton, scoped.ScopedAutomaton)
    assert len(view.automaton.positions) < full.surface_list.len()  # names the texts cannot hold are left out
    got = extract_regions(docs, sentences, view)
    assert "automaton" not in full.__dict__  # the full automaton was never needed
    assert not got[1].is_empty()
    for found, want in zip(got, extract_regions(docs, sentences, full)):
        assert found.equals(want)
    # a text the batch did not declare is searched with the full automaton, numbered the same
    other = "河北省石家庄市长安区"
    assert view.automaton.find_matches_as_indexes(other) == full.automaton.find_matches_as_indexes(other)
    assert view.automaton.find_matches_as_indexes(TEXTS[1]) == full.automaton.find_matches_as_indexes(TEXTS[1])


def test_a_large_batch_and_a_process_with_the_full_automaton_use_it():
    full = small_gazetteer()
    assert scoped.for_texts(full, ["郑" * (scoped.BATCH_CHARS + 1)]) is full
    full.automaton
    assert scoped.for_texts(full, TEXTS) is full


def test_every_derived_structure_of_a_gazetteer_is_shared_or_scoped():
    derived = {name for name, value in vars(gaz.Gazetteer).items() if isinstance(value, cached_property)}
    assert derived == set(scoped.SHARED) | set(scoped.SCOPED)  # a new one would be derived again per batch


def test_the_segmenter_from_cached_words_tags_as_one_from_derived_words(tmp_path, monkeypatch):
    import rjieba

    from transforms.extract import terms

    monkeypatch.setattr(cache, "_folder", tmp_path / "cache")
    terms.user_words.cache_clear()
    derived = terms._suggested_user_words()
    assert terms.user_words().equals(derived)  # a miss: derived and written
    terms.user_words.cache_clear()
    assert list((tmp_path / "cache").glob("user-words-*.parquet"))
    cached = terms.user_words()
    assert cached.equals(derived)
    fresh, replayed = rjieba.Jieba(), rjieba.Jieba()
    for word, _, pos in derived.iter_rows():
        fresh.add_word(word, None, pos)
    for word, freq, pos in cached.iter_rows():
        replayed.add_word(word, freq, pos)
    text = "郑州市管城回族区北下街街道办事处召开会议，林山寨街道碧沙岗社区推进城市更新和营商环境建设。"
    assert replayed.tag(text, True) == fresh.tag(text, True)
    terms.user_words.cache_clear()


def test_the_idf_table_from_the_cache_is_the_one_read_from_jieba(tmp_path, monkeypatch):
    from transforms.extract import terms

    monkeypatch.setattr(cache, "_folder", tmp_path / "cache")
    terms.idf_frame.cache_clear()
    derived = terms.read_idf(cache.package_file("jieba", "analyse", "idf.txt"))
    first = terms.idf_frame()
    terms.idf_frame.cache_clear()
    assert list((tmp_path / "cache").glob("idf-*.parquet"))
    cached = terms.idf_frame()
    assert cached[1] == first[1] == float(derived["idf"].median())
    assert cached[0].sort("term").equals(derived.sort("term"))
    terms.idf_frame.cache_clear()
