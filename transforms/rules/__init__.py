"""Rule files a user extends (patterns, dictionaries), loaded and validated with messages that name the file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

RULES_DIR = Path(__file__).parent


class RuleError(ValueError):
    """A rule file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class ChromeRule:
    reason: str
    pattern: str
    max_chars: int | None = None


@dataclass(frozen=True)
class CleaningRules:
    chrome: tuple[ChromeRule, ...]
    metadata: dict[str, str]
    byline_roles: dict[str, str]
    byline_name: str
    byline_role_prefix: str
    byline_credits: tuple[str, ...]
    kicker: str
    article_list_header: str
    editor_note: str
    title_max_chars: int
    long_line_chars: int
    chrome_shape: dict  # [chrome_shape]: patterns, threshold, weights (transforms/clean/chrome.py, drop_by_shape)


def check_pattern(path: Path, where: str, pattern: object) -> str:
    if not isinstance(pattern, str) or not pattern:
        raise RuleError(f"{path}: {where}: pattern must be a non-empty string")
    try:
        pl.Series([""]).str.contains(pattern)
    except Exception as err:  # polars raises ComputeError with the regex parser's message
        raise RuleError(f"{path}: {where}: invalid regular expression {pattern!r}: {err}") from None
    return pattern


def read_rules_toml(path: Path) -> dict:
    """A rules file's TOML; a syntax error is a RuleError naming the file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise RuleError(f"{path}: {err}") from None


def load_cleaning_rules(path: Path | None = None) -> CleaningRules:
    path = path or RULES_DIR / "cleaning.toml"
    data = read_rules_toml(path)
    chrome = []
    for i, entry in enumerate(data.get("chrome", []), 1):
        where = f"[[chrome]] entry {i}"
        unknown = set(entry) - {"reason", "pattern", "max_chars"}
        if unknown or "reason" not in entry:
            raise RuleError(f"{path}: {where}: needs reason and pattern, got keys {sorted(entry)}")
        chrome.append(ChromeRule(entry["reason"], check_pattern(path, where, entry.get("pattern")),
                                 entry.get("max_chars")))
    try:
        meta, byline, structure = data["metadata"], data["byline"], data["structure"]
        rules = CleaningRules(
            chrome=tuple(chrome),
            metadata={k: check_pattern(path, f"[metadata] {k}", v) for k, v in meta.items()},
            byline_roles=dict(byline["roles"]),
            byline_name=check_pattern(path, "[byline] name", byline["name"]),
            byline_role_prefix=check_pattern(path, "[byline] role_prefix", byline["role_prefix"]),
            byline_credits=tuple(byline["credits"]),
            kicker=check_pattern(path, "[structure] kicker", structure["kicker"]),
            article_list_header=check_pattern(path, "[structure] article_list_header",
                                              structure["article_list_header"]),
            editor_note=check_pattern(path, "[structure] editor_note", structure["editor_note"]),
            title_max_chars=int(structure["title_max_chars"]),
            long_line_chars=int(structure["long_line_chars"]),
            chrome_shape=_chrome_shape(path, data["chrome_shape"]),
        )
    except KeyError as err:
        raise RuleError(f"{path}: missing key {err}") from None
    for key in ("source", "date", "extra_tokens", "author", "publication", "epaper_path", "edition", "date_label",
                "dateline", "filename_date", "running_date", "source_unnamed", "table_title"):
        if key not in rules.metadata:
            raise RuleError(f"{path}: [metadata] needs {key}")
    return rules


_SHAPE_PATTERNS = ("field", "field_value", "field_label", "date_only", "dated_header", "clock", "url", "bar_list", "word_list",
                   "empty_label", "link_arrow", "button")
_SHAPE_WEIGHTS = ("fields", "date_only", "dated_header", "url", "bar_list", "word_list", "menu_run", "menu_run_by_chrome",
                  "menu_run_of_words", "title_like", "tail_after_chrome", "body", "prose", "byline")


def _chrome_shape(path: Path, shape: dict) -> dict:
    missing = [k for k in (*_SHAPE_PATTERNS, "threshold", "url_max_han", "word_list_mean_chars", "menu_item_chars")
               if k not in shape] + [f"weights.{k}" for k in _SHAPE_WEIGHTS if k not in shape.get("weights", {})]
    if missing:
        raise RuleError(f"{path}: [chrome_shape] needs {', '.join(missing)}")
    for key in _SHAPE_PATTERNS:
        check_pattern(path, f"[chrome_shape] {key}", shape[key])
    return shape


@cache
def default_cleaning_rules() -> CleaningRules:
    return load_cleaning_rules()


def load_word_list(name: str, directory: Path | None = None) -> tuple[str, ...]:
    """transforms/rules/<name>.txt: one entry per line, `#` starts a comment line, blank lines skipped.
    What an entry is (a word, a regex alternative) is said in the file's header."""
    path = (directory or RULES_DIR) / f"{name}.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise RuleError(f"{path}: word list missing") from None
    words = tuple(dict.fromkeys(w for w in (line.strip() for line in lines) if w and not w.startswith("#")))
    if not words:
        raise RuleError(f"{path}: no entries")
    return words


@cache
def word_list(name: str) -> tuple[str, ...]:
    """The bundled word list `name`, read once per process."""
    return load_word_list(name)


def word_alternation(name: str, escape: bool = False) -> str:
    """The entries of word list `name` as one regex alternation (longest first, so that 党工委 wins over 党)."""
    import re

    words = sorted(word_list(name), key=len, reverse=True)
    return "|".join(re.escape(w) if escape else w for w in words)
