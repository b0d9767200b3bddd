"""Deterministic 64-bit surrogate keys from natural keys, stable across runs, processes and versions."""

from __future__ import annotations

import hashlib
import struct

import polars as pl

_FIRST_8 = struct.Struct(">q").unpack_from  # a digest's first 8 bytes, big-endian, signed


def stable_key(natural_key: str) -> int:
    """First 8 bytes of sha256 as a signed 64-bit int (DuckDB BIGINT)."""
    return _FIRST_8(hashlib.sha256(natural_key.encode("utf-8")).digest())[0]


def key_from_hex(hex_col: str | pl.Expr) -> pl.Expr:
    """The same key for a column that already holds a sha256 hex digest (document_id)."""
    col = pl.col(hex_col) if isinstance(hex_col, str) else hex_col
    return col.str.slice(0, 16).str.to_integer(base=16, dtype=pl.UInt64).reinterpret(signed=True)


def keys_for(values: pl.Series) -> pl.Series:
    """stable_key over a column, hashing each distinct value once (dimensions are small, facts are not)."""
    distinct = values.drop_nulls().unique()
    keys = pl.Series([stable_key(v) for v in distinct.to_list()], dtype=pl.Int64)
    return values.replace_strict(distinct, keys, default=None, return_dtype=pl.Int64)


def document_key(document_id: str) -> int:
    """key_from_hex for one value."""
    return int.from_bytes(bytes.fromhex(document_id[:16]), "big", signed=True)
