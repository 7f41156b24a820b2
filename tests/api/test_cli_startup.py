"""The command line starts quickly: help and argument errors load none of the heavy modules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from api.cli import COMMANDS, main
from graph.analysis.engine import CATALOGUE
from graph.analysis.questions import QUESTION_KEYS

ROOT = Path(__file__).parents[2]
HEAVY = ("networkx", "igraph", "fastapi", "falkordb", "redis", "neo4j", "pyvis", "pydantic")

# Run the command line in a fresh interpreter and report which heavy modules it loaded.
_PROBE = """
import json, sys
from api.cli import main
try:
    main(sys.argv[1:], prog_name="wijkgraaf", standalone_mode=True)
except SystemExit as exit:
    code = exit.code
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(sys.stdin.read())))
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--help"], 0),
        (["--version"], 0),
        (["no-such-command"], 2),
        (["ask", "--help"], 0),
        (["ask", "no-such-question"], 2),
        (["map", "--colour", "no-such-colour", "-o", "x.html"], 2),
        (["import", "--help"], 0),
        (["import"], 2),
        (["export-graph", "--format", "pdf", "-o", "x"], 2),
        (["generate", "--residents", "0", "out"], 2),
        (["status", "--help"], 0),
        (["stop", "--help"], 0),
        (["serve", "--port", "0"], 2),
        (["keys", "--help"], 0),
        (["keys", "create", "--role", "no-such-role"], 2),
        (["audit", "--help"], 0),
        (["audit", "verify", "--lang", "fr"], 2),
        (["demo", "--help"], 0),
        (["changes", "--help"], 0),
        (["changes", "--limit", "0"], 2),
        (["demo", "--port", "0"], 2),
        (["recommend", "--limit", "0"], 2),
    ],
)
def test_help_and_argument_errors_load_no_heavy_module(args: list[str], code: int) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        input=json.dumps(HEAVY), capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    report = json.loads(result.stderr.strip().splitlines()[-1])
    assert report["code"] == code, result.stderr
    assert report["heavy"] == [], f"wijkgraaf {' '.join(args)} loaded {report['heavy']}"


def test_every_listed_command_loads_and_its_help_line_is_its_own() -> None:
    assert set(COMMANDS) == set(main.list_commands(click.Context(main)))
    for name, (_, _, line) in COMMANDS.items():
        command = main.get_command(click.Context(main), name)
        assert command is not None and command.name == name
        assert command.help is not None
        # the table's line begins as the command's own help does (Dutch first)
        assert command.help.split("/")[0].split()[0] == line.split("/")[0].split()[0], name


def test_the_question_keys_are_the_catalogue_s() -> None:
    assert tuple(CATALOGUE) == QUESTION_KEYS


def test_asking_through_the_question_server_loads_no_analytics() -> None:
    """``wijkgraaf ask`` answered by the question server imports the answer service and the
    client only: the analytics, the disclosure control's linear programming and the drivers
    stay with the server that answers."""
    probe = (
        "import json, sys\n"
        "import api.answers, api.cli.questions, graph.question_server\n"
        "print(json.dumps(sorted({n.split('.')[0] for n in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(result.stdout))
    assert "api" in loaded and "graph" in loaded
    assert loaded.isdisjoint({"scipy", "networkx", "igraph", "falkordb", "neo4j", "fastapi"})
