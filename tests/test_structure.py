"""The house's structure: the import graph of every project module (all imports, also those inside functions)
has no circle, no module imports its own package's `__init__`, the top-level packages import one another in
one direction only, word lists live as data in transforms/rules, not in code, and settings are read from the
environment in flows/settings.py only."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Below-to-above order of the installed packages: each may import only those before it.
LAYERS = ["transforms", "warehouse", "reports", "flows", "cli"]
# Known exceptions: the run's artifacts log through the flow's logger and publish only inside a flow run
# (flows/local.py, from main at the last merge); to be passed in by the flow.
UPWARD_ALLOWED = {("reports.artifacts", "flows.local")}
CJK = re.compile(r"[\u4e00-\u9fff]")
WORDS_IN_CODE = 12  # a literal with this many Chinese strings is a word list


def _modules() -> dict[str, Path]:
    out = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    modules = {}
    for line in out.splitlines():
        path = ROOT / line
        if not path.exists():
            continue
        parts = list(Path(line).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES.get(name, Path()).name == "__init__.py"


def _imports(name: str, tree: ast.AST) -> list[tuple[str, int]]:
    """(project module imported, line) for every import statement anywhere in the module."""
    package = name if _is_package(name) else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                # `from package import module` imports the module; `from module import name` the module itself
                sub = f"{base}.{alias.name}"
                found.append((sub if sub in MODULES else base, node.lineno))
    return [(target, line) for target, line in found if target in MODULES and target != name]


GRAPH = {name: _imports(name, ast.parse(path.read_text(encoding="utf-8"))) for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_circle_between_modules():
    assert _cycles({name: {t for t, _ in edges} for name, edges in GRAPH.items()}) == []


def test_top_level_packages_import_downwards_only():
    upward = [f"{name} imports {target} (line {line})" for name, edges in GRAPH.items() for target, line in edges
              if name.split(".")[0] in LAYERS and target.split(".")[0] in LAYERS
              and LAYERS.index(target.split(".")[0]) > LAYERS.index(name.split(".")[0])
              and (name, target) not in UPWARD_ALLOWED]
    assert upward == []


def test_no_module_imports_its_own_package_init():
    offenders = [f"{name} imports {target} (line {line})" for name, edges in GRAPH.items() for target, line in edges
                 if _is_package(target) and name.startswith(target + ".")]
    assert offenders == []


def _word_lists_in_code(tree: ast.AST) -> list[tuple[int, int]]:
    """(line, words) of each literal list, set or tuple of at least WORDS_IN_CODE Chinese strings. (Regex
    alternations are grammar as often as lists: the administrative suffixes, a byline's credit forms.)"""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.List, ast.Set, ast.Tuple)):
            continue
        words = [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str) and CJK.search(e.value)]
        if len(words) >= WORDS_IN_CODE:
            found.append((node.lineno, len(words)))
    return found


def test_word_lists_live_in_the_rules_folder():
    lists = [f"{path.relative_to(ROOT)}:{line}: {n} words" for name, path in MODULES.items()
             if name.split(".")[0] in LAYERS and not name.startswith("transforms.rules")
             for line, n in _word_lists_in_code(ast.parse(path.read_text(encoding="utf-8")))]
    files = [p.relative_to(ROOT) for p in (ROOT / "transforms").rglob("*") if p.suffix in (".txt", ".toml", ".csv")
             and "rules" not in p.parts]
    assert (lists, files) == ([], [])


@pytest.mark.parametrize("code, found", [
    ("UNITS = ['万元', '亿元', '元', '吨', '万吨', '平方米', '公里', '千米', '米', '个', '家', '项']", [(1, 12)]),
    ("UNITS = {'万元', '亿元', '元'}", []),
    ("NAMES = ('甲乙丙丁戊己庚辛壬癸子丑寅',)", []),
])
def test_a_word_list_in_code_is_seen(code, found):
    assert _word_lists_in_code(ast.parse(code)) == found


def _environment_reads(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, name) of each os.environ.get / os.getenv / os.environ[...] read of a GAZETTE_ variable."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in ("os.environ.get", "os.getenv") and node.args:
            name = node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            name = node.slice
        else:
            continue
        if isinstance(name, ast.Constant) and str(name.value).startswith("GAZETTE_"):
            found.append((node.lineno, name.value))
    return found


def test_settings_are_read_in_one_place():
    reads = [f"{path.relative_to(ROOT)}:{line}: {name}" for module, path in MODULES.items()
             if module.split(".")[0] in LAYERS and module != "flows.settings"
             for line, name in _environment_reads(ast.parse(path.read_text(encoding="utf-8")))]
    assert reads == []
    assert _environment_reads(ast.parse('os.environ.get("GAZETTE_CACHE", "/tmp")\nx = os.environ["GAZETTE_DB"]')) == [
        (1, "GAZETTE_CACHE"), (2, "GAZETTE_DB")]


@pytest.mark.parametrize("graph, circles", [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
])
def test_the_circle_finder_finds_circles(graph, circles):
    assert _cycles(graph) == circles


def test_imports_inside_functions_and_of_submodules_are_seen():
    tree = ast.parse("def f():\n    from flows import batch\n    from reports.marts import build_marts\n"
                     "from transforms.extract import SCHEMAS\nfrom . import tables\n")
    assert sorted(t for t, _ in _imports("transforms.extract.terms", tree)) == [
        "flows.batch", "reports.marts", "transforms.extract", "transforms.extract.tables"]
