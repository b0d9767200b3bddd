"""The extraction package's shape: no import circle among its modules; word lists load from transforms/rules."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from transforms.rules import RuleError, load_word_list

PACKAGE = Path(__file__).resolve().parents[2] / "transforms" / "extract"


def _imports(path: Path) -> set[str]:
    """Sibling modules of transforms.extract that `path` imports, at module level or inside functions."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("transforms.extract."):
            out.add(node.module.split(".")[2])
        elif isinstance(node, ast.ImportFrom) and node.module == "transforms.extract":
            out |= {alias.name for alias in node.names if (PACKAGE / f"{alias.name}.py").exists()}
    return out


def test_no_import_circle_among_extraction_modules():
    graph = {p.stem: _imports(p) - {p.stem} for p in PACKAGE.glob("*.py") if p.stem != "__init__"}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    circles = sorted(m for m in graph if reaches(m, m, {m}))
    assert not circles, circles


def test_word_list_loader_skips_comments_and_names_the_file(tmp_path):
    (tmp_path / "words.txt").write_text("# a header\n\n甲\n乙\n甲\n", encoding="utf-8")
    assert load_word_list("words", tmp_path) == ("甲", "乙")
    (tmp_path / "empty.txt").write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(RuleError, match="empty.txt"):
        load_word_list("empty", tmp_path)
    with pytest.raises(RuleError, match="missing.txt"):
        load_word_list("missing", tmp_path)
