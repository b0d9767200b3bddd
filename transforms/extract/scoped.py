"""Aho-Corasick automata over only the gazetteer names a small batch can contain.

The automaton over all 360 000 names costs about 2 s of CPU to build, once per process: a run over a few new
documents paid that for a handful of matches. A small batch gets automata over the names whose first two and
last two characters both occur in its texts (a few thousand names: milliseconds to build). They find what the
full automaton finds: a name that occurs in a text has both pairs in that text, and a leftmost-longest search
depends only on the names that occur. Pairs are taken within lines (no name spans a newline, and one that
did would always be kept), so texts joined by newlines are covered by their parts. Each text searched is checked to be made of pairs the batch holds; one
that is not (a text the caller did not declare) is searched with the full automaton. Pattern numbers are those
of the full lists, so callers gather from gazetteer.surface_list as before."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from operator import add

import polars as pl

from transforms.extract.gazetteer import Gazetteer, _automaton

# a batch's texts up to this many characters get their own automata (building them and checking each text
# costs about 1 s of CPU per million characters; the full automaton about 2 s once per process)
BATCH_CHARS = 300_000
# once a process has matched this many characters with automata of their own, it builds the full one
PROCESS_CHARS = 1_000_000
# what a batch's gazetteer takes from the process's: derived once per process, the same for every batch
SHARED = ("surfaces", "surface_list", "short_surfaces", "local_surface_list", "by_code")
SCOPED = ("automaton", "local_automaton")

_lock = threading.Lock()
_scoped_chars: dict[int, int] = {}  # id(process gazetteer) -> characters matched by scoped automata


class ScopedAutomaton:
    """find_matches_as_indexes as the full automaton over surfaces answers it, for texts of the given pairs."""

    def __init__(self, surfaces: pl.Series, pairs: set[str], full: Callable[[], object]) -> None:
        known = pl.Series(list(pairs), dtype=pl.String).implode()
        mask = ((surfaces.str.slice(0, 2).is_in(known) & surfaces.str.slice(-2).is_in(known))
                | surfaces.str.contains("\n", literal=True))  # pairs are taken line by line
        self.positions: list[int] = mask.arg_true().to_list()
        self.pairs, self._full = pairs, full
        self._automaton = _automaton(surfaces.filter(mask).to_list()) if self.positions else None

    def find_matches_as_indexes(self, text: str, overlapping: bool = False) -> list[tuple[int, int, int]]:
        if overlapping or not self.pairs.issuperset(character_pairs([text])):
            return self._full().find_matches_as_indexes(text, overlapping)
        if self._automaton is None:
            return []
        at = self.positions
        return [(at[p], start, end) for p, start, end in self._automaton.find_matches_as_indexes(text)]


def character_pairs(texts: Iterable[str]) -> set[str]:
    """The two-character substrings of texts within a line: a caller may join declared texts by newlines."""
    pairs: set[str] = set()
    for text in texts:
        for line in text.split("\n"):
            pairs.update(map(add, line, line[1:]))
    return pairs


def for_texts(gazetteer: Gazetteer, texts: list[str]) -> Gazetteer:
    """gazetteer for a batch that searches texts (and their substrings): with automata of its own when the
    batch is small and the process has not built the full automaton yet; else gazetteer itself."""
    chars = sum(map(len, texts))
    if "automaton" in gazetteer.__dict__ or gazetteer.units.is_empty() or chars > BATCH_CHARS:
        return gazetteer
    with _lock:
        done = _scoped_chars.get(id(gazetteer), 0)
        if done + chars > PROCESS_CHARS:
            return gazetteer
        _scoped_chars[id(gazetteer)] = done + chars
    view = Gazetteer(gazetteer.units, gazetteer.known_surfaces, gazetteer.known_lists, gazetteer.cache_key)
    for name in SHARED:  # cached_property values live in the instance's __dict__: shared, not derived again
        view.__dict__[name] = getattr(gazetteer, name)
    pairs = character_pairs(texts)
    view.__dict__["automaton"] = ScopedAutomaton(gazetteer.surface_list, pairs, lambda: gazetteer.automaton)
    view.__dict__["local_automaton"] = ScopedAutomaton(gazetteer.local_surface_list, pairs,
                                                       lambda: gazetteer.local_automaton)
    return view
