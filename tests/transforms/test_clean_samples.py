"""The bundled sample against its hand-checked gold: headlines, bylines, chrome and body hygiene."""

import json
import re

import pytest

from tests.conftest import GOLD_DIR, SAMPLE_DIR, clean_texts, docs_frame
from transforms.decode import detect_and_decode, normalise_text

STEMS = sorted(p.stem for p in SAMPLE_DIR.glob("*.txt"))
HAN = r"[\u4e00-\u9fff]"


@pytest.fixture(scope="module")
def cleaned():
    texts = [normalise_text(detect_and_decode((SAMPLE_DIR / f"{s}.txt").read_bytes()).text)[0] for s in STEMS]
    frame = docs_frame(texts, [str(SAMPLE_DIR / f"{s}.txt") for s in STEMS])
    result = clean_texts(texts, frame["source_uri"].to_list())
    stem_of = dict(zip(frame["document_key"], STEMS))
    docs = {stem_of[row["document_key"]]: row for row in result.documents.iter_rows(named=True)}
    return docs, result


def gold(stem: str) -> dict:
    return json.loads((GOLD_DIR / f"{stem}.json").read_text(encoding="utf-8"))


def punctuation_free(text: str) -> str:
    return re.sub(r"[\s,，:：;；()（）]", "", text)


@pytest.mark.parametrize("stem", STEMS)
def test_headline_is_the_real_title(cleaned, stem):
    docs, _ = cleaned
    assert punctuation_free(docs[stem]["headline"]) == punctuation_free(gold(stem)["headline"])


@pytest.mark.parametrize("stem", STEMS)
def test_publication_edition_and_date_only_where_stated(cleaned, stem):
    docs, _ = cleaned
    expected = gold(stem)
    row = docs[stem]
    assert row["publication"] == expected["publication"]
    assert row["edition"] == expected["edition"]
    assert (str(row["published_on"]) if row["published_on"] else None) == expected["published_on"]


@pytest.mark.parametrize("stem", STEMS)
def test_bylines_match_gold(cleaned, stem):
    docs, result = cleaned
    key = docs[stem]["document_key"]
    got = {(r["name"], r["role"]) for r in result.bylines.filter(document_key=key).iter_rows(named=True)}
    assert got == {(b["name"], b["role"]) for b in gold(stem)["bylines"]}


@pytest.mark.parametrize("stem", STEMS)
def test_body_is_clean(cleaned, stem):
    docs, result = cleaned
    body = docs[stem]["body"]
    for line in gold(stem)["chrome_lines"]:
        for body_line in body.split("\n"):
            assert " ".join(line.split()) != " ".join(body_line.split()), f"chrome line in body: {line}"
    assert "上一版" not in body and "版权声明" not in body and ".jpg" not in body
    assert "**" not in body
    assert not re.search(f"{HAN},{HAN}", body), "ASCII comma between Chinese characters"
    for byline in gold(stem)["bylines"]:
        assert not re.search(f"(记者|通讯员|实习生)\\s*{byline['name']}", body)
        assert f"{byline['name']}/" not in body


def test_sentence_spans_index_the_body(cleaned):
    docs, result = cleaned
    bodies = {row["document_key"]: row["body"] for row in docs.values()}
    assert result.sentences.height > 200
    for row in result.sentences.iter_rows(named=True):
        assert bodies[row["document_key"]][row["span_start"]:row["span_end"]] == row["text"]
