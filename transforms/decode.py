"""Bytes to text: encoding detection, mojibake repair, NULs and newlines, and the refusal reasons."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer
import ftfy
import polars as pl
from selectolax.lexbor import LexborHTMLParser

_MAGIC = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF": "PDF document",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip archive",
    b"BM": None,  # too short a signature to trust alone
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CHINESE = ("gb18030", "big5hkscs")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SINGLE_BYTE_RANGE = re.compile("[\u0080-\u07ff]")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\x00]")
# charset-normalizer names the smallest fitting code page; decode with its superset instead.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "ascii": "utf-8"}


@dataclass(frozen=True)
class Decoded:
    text: str | None
    encoding: str | None
    reason: str | None = None  # quarantine reason when text is None
    detail: str | None = None
    fix: str | None = None  # a repair made while decoding (logged in fact_cleaning): truncated, invalid_bytes


def _strict(raw: bytes, encoding: str) -> Decoded | None:
    try:
        return Decoded(raw.decode(encoding), encoding)
    except UnicodeDecodeError as err:
        # A file cut mid-character by a scraper: keep what precedes the cut.
        if err.reason == "unexpected end of data" and err.start >= len(raw) - 3 and err.start > 0:
            return Decoded(raw[: err.start].decode(encoding), encoding, detail="truncated multi-byte sequence",
                           fix="truncated")
        return None


# A few invalid bytes in otherwise clean UTF-8 (a scraper's bad cut, a flipped bit) are replaced with U+FFFD
# and noted, rather than costing the whole article: at most one per this many bytes.
_INVALID_BYTES_PER = 4096


def _utf8_repaired(raw: bytes) -> Decoded | None:
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - raw.count("\ufffd".encode())
    if 0 < bad <= max(1, len(raw) // _INVALID_BYTES_PER) and han_share(text) >= 0.2:
        return Decoded(text, "utf-8", detail=f"{bad} invalid UTF-8 sequence(s) replaced by U+FFFD", fix="invalid_bytes")
    return None


def detect_and_decode(raw: bytes) -> Decoded:
    """Decode raw bytes, or say why they cannot be a document."""
    if not raw.strip(b" \t\r\n\x00"):
        return Decoded(None, None, "empty", f"{len(raw)} bytes of whitespace" if raw else "0 bytes")
    for magic, kind in _MAGIC.items():
        if kind and raw.startswith(magic):
            return Decoded(None, None, "binary", kind)
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            decoded = _strict(raw, enc)
            if decoded:
                return decoded
            return Decoded(None, None, "undecodable", f"invalid {enc} after its byte-order mark")
    decoded = _strict(raw, "utf-8") or _utf8_repaired(raw)
    if decoded is None:
        best = charset_normalizer.from_bytes(raw).best()
        if best is None:
            nul_share = raw.count(0) / len(raw)
            reason = "binary" if nul_share > 0.1 or _control_share(raw) > 0.1 else "undecodable"
            return Decoded(None, None, reason, "no text encoding fits the bytes")
        encoding = _SUPERSET.get(best.encoding, best.encoding)
        decoded = _strict(raw, encoding) or Decoded(str(best), best.encoding)
        if han_share(decoded.text or "") < 0.2:
            # Short texts fool the detector (Big5 read as UTF-16); the Chinese code pages decide then.
            tries = [d for d in (_strict(raw, e) for e in _CHINESE) if d is not None]
            decoded = max([decoded, *tries], key=lambda d: han_share(d.text or ""))
    text = decoded.text or ""
    if raw.count(0) and _control_share(text.encode("utf-8", "replace")) > 0.1:
        return Decoded(None, None, "binary", "control characters throughout")
    return Decoded(text, decoded.encoding, detail=decoded.detail, fix=decoded.fix)


def _control_share(raw: bytes) -> float:
    controls = sum(1 for b in raw[:65536] if b < 9 or 13 < b < 32)
    return controls / max(1, min(len(raw), 65536))


def normalise_text(text: str) -> tuple[str, list[str]]:
    """Repair mojibake, drop NULs and invisible marks, unify newlines. Returns the text and what changed."""
    changes = []
    if looks_like_html(text):
        changes.append("html")
        text = html_to_text(text)
    # ftfy's own test for mojibake is a large regex over the whole text; UTF-8 misread through any single-byte
    # code page always shows characters from U+0080-U+07FF (its lead bytes), so text without one is left alone.
    fixed = ftfy.fix_encoding(text) if _SINGLE_BYTE_RANGE.search(text) else text
    if fixed != text and len(_HAN.findall(fixed)) > len(_HAN.findall(text)):
        changes.append("mojibake")
        text = fixed
    if "\x00" in text:
        changes.append("nul")
    cleaned = _INVISIBLE.sub("", text)
    if "\r" in cleaned:
        changes.append("newline")
        cleaned = cleaned.replace("\r\n", "\n").replace("\r", "\n")
    return cleaned, changes


_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|p|table)\b", re.I | re.S)
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_DROP = "script,style,noscript,template,iframe,svg,form,nav,header,footer,aside,button,select"
_BLOCKS = "p,div,h1,h2,h3,h4,h5,h6,li,tr,section,article,blockquote,pre,dd,dt,figcaption,caption,title"


def looks_like_html(text: str) -> bool:
    """A page saved as .txt: it opens like HTML, or tags make up much of its first kilobytes."""
    head = text[:4096]
    return bool(_HTML_START.match(head)) or len(_TAG.findall(head)) >= 12


def html_to_text(html: str) -> str:
    """Visible text of a page, one block element per line; scripts, styles and navigation dropped."""
    tree = LexborHTMLParser(html)
    for node in tree.css(_DROP):
        node.decompose()
    for node in tree.css(_BLOCKS):
        node.insert_after("\n")
    for node in tree.css("br"):
        node.replace_with("\n")
    root = tree.body or tree.root
    text = root.text(separator="", strip=False) if root is not None else ""
    title = tree.css_first("title")
    # The <title> usually carries the headline when the body's own heading is missing.
    if title is not None and title.text(strip=True) and title.text(strip=True) not in text:
        text = title.text(strip=True) + "\n" + text
    return text


def _han_counts(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Chinese characters in text, and their share of its visible (non-space) characters. Counted as what
    removing runs takes away: one regex match per run, not per character."""
    chars = text.str.len_chars()
    han = chars - text.str.replace_all(_HAN.pattern + "+", "").str.len_chars()
    visible = text.str.replace_all(r"\s+", "").str.len_chars()
    return han, han / pl.max_horizontal(visible, 1)


def han_share(text: str) -> float:
    return pl.select(_han_counts(pl.lit(text, pl.String))[1]).item()


def decode_documents(raw: pl.DataFrame, *, min_han: int = 20, min_han_share: float = 0.2) -> pl.DataFrame:
    """source rows (source_uri, document_id, raw: binary) -> the same rows with text, encoding, fixes and
    quarantine reason/detail. Detection is per document by nature (one library call each)."""
    texts, encodings, reasons, details, fixes = [], [], [], [], []
    for blob in raw["raw"].to_list():
        decoded = detect_and_decode(blob)
        text, fixed = (None, [])
        if decoded.text is not None:
            text, fixed = normalise_text(decoded.text)
            if decoded.fix:
                fixed = [decoded.fix, *fixed]
        texts.append(text)
        encodings.append(decoded.encoding)
        reasons.append(decoded.reason)
        details.append(decoded.detail)
        fixes.append(fixed)
    out = raw.with_columns(
        text=pl.Series(texts, dtype=pl.String),
        encoding=pl.Series(encodings, dtype=pl.String),
        reason=pl.Series(reasons, dtype=pl.String),
        detail=pl.Series(details, dtype=pl.String),
        decode_fixes=pl.Series(fixes, dtype=pl.List(pl.String)),
    )
    han, share = _han_counts(pl.col("text"))
    empty = pl.col("text").str.strip_chars().str.len_chars() == 0
    foreign = (pl.col("_han") < min_han) | (pl.col("_share") < min_han_share)
    return out.with_columns(_han=han, _share=share).with_columns(  # counted once, read three times
        reason=pl.when(empty).then(pl.lit("empty")).when(foreign).then(pl.lit("not_chinese"))
        .otherwise(pl.col("reason")),
        detail=pl.when(empty).then(pl.lit("only invisible characters"))
        .when(foreign).then(pl.format("{} Chinese characters, {}% of visible text", "_han",
                                      (pl.col("_share") * 100).round(0).cast(pl.Int64)))
        .otherwise(pl.col("detail")),
    ).with_columns(text=pl.when(empty | foreign).then(None).otherwise(pl.col("text"))).drop("_han", "_share")
