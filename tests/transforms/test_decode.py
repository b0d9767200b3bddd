import codecs

import pytest

from transforms.decode import decode_documents, detect_and_decode, normalise_text

TEXT = "二七区召开推进会，全区生产总值完成252.8亿元，同比增长8.1%，市内六区排名第二。" * 3


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "gbk", "utf-16-le", "utf-16-be"])
def test_round_trips_common_encodings(encoding):
    raw = TEXT.encode(encoding)
    if encoding.startswith("utf-16"):
        raw = (codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE) + raw
    decoded = detect_and_decode(raw)
    assert decoded.reason is None
    assert normalise_text(decoded.text)[0] == TEXT


def test_utf8_bom_is_removed():
    decoded = detect_and_decode(codecs.BOM_UTF8 + TEXT.encode())
    assert decoded.text == TEXT


def test_big5_traditional_text():
    traditional = "管城回族區召開全體會議，區長張艷敏主持會議並講話，確保一季度實現開門紅。" * 2
    decoded = detect_and_decode(traditional.encode("big5"))
    assert decoded.text == traditional


def test_mojibake_is_repaired():
    garbled = TEXT.encode("utf-8").decode("latin-1").encode("utf-8")
    decoded = detect_and_decode(garbled)
    text, fixes = normalise_text(decoded.text)
    assert text == TEXT
    assert "mojibake" in fixes


def test_truncated_multibyte_tail_keeps_the_rest():
    decoded = detect_and_decode(TEXT.encode("utf-8")[:-1])
    assert decoded.text == TEXT[:-1]
    assert decoded.detail == "truncated multi-byte sequence"


def test_nul_bytes_and_crlf_are_normalised():
    text, fixes = normalise_text("第一行\x00内容\r\n第二行\r第三行")
    assert text == "第一行内容\n第二行\n第三行"
    assert {"nul", "newline"} <= set(fixes)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"  \r\n\t \n", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
        (bytes(range(256)) * 8, "binary"),
    ],
)
def test_refusals(raw, reason):
    assert detect_and_decode(raw).reason == reason


def test_english_page_is_not_chinese():
    import polars as pl

    frame = pl.DataFrame({"raw": [b"404 Not Found. The page you requested could not be found on this server."]})
    out = decode_documents(frame)
    assert out["reason"].to_list() == ["not_chinese"]
    assert out["text"].to_list() == [None]


PAGE = """<!DOCTYPE html><html><head><title>二七区召开推进会</title><style>.a{color:red}</style>
<script>var tracking = "脚本里的中文不应出现";</script></head><body>
<nav>首页 | 新闻中心 | 区县动态</nav><h1>二七区召开推进会</h1>
<div class="content"><p>11月23日上午，二七区召开百城建设提质工程推进会，全区生产总值<b>增长</b>8.1%。</p>
<p>会议要求，各单位要提高站位，压实责任。<br>确保各项工作落到实处。</p></div>
<footer>版权所有 © 某某网</footer></body></html>"""


def test_html_page_keeps_visible_text_by_block():
    text, fixes = normalise_text(PAGE)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    assert "html" in fixes
    assert lines == ["二七区召开推进会", "11月23日上午，二七区召开百城建设提质工程推进会，全区生产总值增长8.1%。",
                     "会议要求，各单位要提高站位，压实责任。", "确保各项工作落到实处。"]


def test_plain_text_with_an_angle_bracket_is_not_html():
    text = "会议强调，要把握 <重点> 工作，确保各项任务完成。"
    assert normalise_text(text) == (text, [])
