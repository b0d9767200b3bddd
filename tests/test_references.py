"""Every repository path that a comment, docstring or document names exists: a renamed file leaves no stale pointer."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# A path as prose names it: a file with a known suffix under a folder, a folder ending in a slash, or anything
# under one of the repository's top folders.
TOP = r"(?:cli|flows|reports|transforms|sql|warehouse|tests|data|bench|scripts|docs|dbt)"
PATH = re.compile(r"(?<![\w./<*$-])((?:\.{1,2}/)+[\w.-]+|" + TOP + r"/[\w.-]{2,}[\w./-]*[\w/]|(?:[A-Za-z_][\w.-]*/)+"
                  r"(?:[\w-]+\.(?:py|sql|toml|csv|txt|md|json|ya?ml|html|sh|gz))?)(?![\w*<>{-]|/[\w*])")
# Where text names paths: comments and docstrings in code; all of a document.
COMMENT = re.compile(r"#[^\n]*|--[^\n]*|\"\"\"[\s\S]*?\"\"\"")
SUFFIXES = {".py", ".sql", ".toml", ".md", ".yml", ".yaml", ".sh"}
# Paths that name places outside the repository or made at run time, not files of ours.
OUTSIDE = re.compile(r"^(?:\./)?(?:\.\./shared/|/|~|warehouse/(?:staging|gazette|eval|report)|\.venv(?:/|$)|\.prefect(?:/|$)|bench/results/.|"
                     r"target/|logs/|dbt_packages/|http)")


def _tracked() -> list[Path]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / line for line in out.splitlines() if Path(line).suffix in SUFFIXES or Path(line).name == "Makefile"]


def _named_paths(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix not in {".md"}:
        text = "\n".join(m.group(0) for m in COMMENT.finditer(text))
    return [m.group(1) for m in PATH.finditer(text)]


def _exists(name: str, where: Path) -> bool:
    name = name.rstrip("/.")
    if "/" not in name:  # a bare folder name, as a tree listing gives it: any folder of ours by that name
        return any(p.is_dir() for p in ROOT.glob(f"*/{name}")) or (ROOT / name).is_dir()
    # inside the repository only: a clone has nothing beside it
    bases = [ROOT, *(p for p in [where.parent, *where.parents] if p.is_relative_to(ROOT))]
    return any((base / name).exists() for base in bases)


def test_named_paths_exist():
    missing = []
    for path in _tracked():
        if "fixtures" in path.parts:
            continue
        for name in _named_paths(path):
            if OUTSIDE.match(name) or "..." in name or "NNN" in name:
                continue
            if not _exists(name, path):
                missing.append(f"{path.relative_to(ROOT)}: {name}")
    assert not missing, "paths named but missing:\n" + "\n".join(sorted(set(missing)))


def _readme_map() -> str:
    """The README's picture (the block under "How it works") and its "One document's way" paragraph."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    picture = re.search(r"## How it works\n+```\n(.*?)```", readme, flags=re.S)
    way = re.search(r"\nOne document's way.*?\n\n", readme, flags=re.S)
    assert picture and way, "the README lost its picture or its one document's way"
    return picture[1] + way[0]


def test_the_readme_map_names_the_places_that_exist():
    named = [m.group(1) for m in PATH.finditer(_readme_map())]
    missing = [name for name in named if not (ROOT / name.rstrip("/")).exists()]
    rooms = {name.split("/")[0] for name in named}
    assert (missing, {"cli", "flows", "reports", "transforms", "warehouse"} - rooms) == ([], set())
    assert "flows/batch.py" in named and "warehouse/load.py" in named


@pytest.mark.parametrize("text, found", [
    ("# see sql/views/v_metric.sql for the columns", ["sql/views/v_metric.sql"]),
    ('"""Loaded by transforms/rules/__init__.py."""', ["transforms/rules/__init__.py"]),
    ("-- a view over dim_document", []),
])
def test_the_scanner_finds_paths_in_comments(tmp_path, text, found):
    path = tmp_path / "x.py"
    path.write_text(text, encoding="utf-8")
    assert _named_paths(path) == found
