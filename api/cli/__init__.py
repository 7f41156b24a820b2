"""The ``wijkgraaf`` command line.

Every command takes ``--db`` (and the group does too: ``wijkgraaf --db embedded:/x status``).
A Wijkgraaf error becomes one line on standard error and exit code 1, never a traceback;
messages are Dutch by default, English with ``--lang en`` or ``WIJKGRAAF_LANG=en``.

The commands load lazily (:data:`COMMANDS`): ``wijkgraaf --help`` and a mistyped command
import only click, and a command imports the analytics, the maps or the database driver only
when it runs, so the command line answers at once.
"""

from __future__ import annotations

import importlib

import click

from api.cli.common import WijkgraafGroup

#: name -> (module, attribute, one line of help): the help is here so that listing the
#: commands needs none of their modules.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "ask": ("api.cli.questions", "ask_command", "Stel een netwerkvraag / ask a network question."),
    "audit": ("api.cli.audit", "audit_command", "Het auditlog / the audit log."),
    "changes": (
        "api.cli.changes",
        "changes_command",
        "Wat veranderde er tussen twee data / what changed between two dates.",
    ),
    "demo": (
        "api.cli.demo",
        "demo_command",
        "Laad de voorbeeldbuurt, beantwoord elke vraag, start de pagina's / load the sample, "
        "answer every question, start the pages.",
    ),
    "export": (
        "api.cli.data",
        "export_command",
        "Schrijf de hele graaf naar een dump / write the whole graph to a dump.",
    ),
    "export-graph": (
        "api.cli.map",
        "export_graph_command",
        "Schrijf het sociale weefsel als GraphML of GEXF / write the fabric as GraphML or GEXF.",
    ),
    "generate": (
        "api.cli.data",
        "generate_command",
        "Schrijf synthetische gegevens als CSV / write synthetic data as CSV templates.",
    ),
    "import": (
        "api.cli.data",
        "import_command",
        "Lees bestanden in / import files (CSV, xlsx, JSON, GraphML, edge lists).",
    ),
    "keys": (
        "api.cli.keys",
        "keys_command",
        "API-sleutels maken, tonen en intrekken / make, list and revoke API keys.",
    ),
    "map": (
        "api.cli.map",
        "map_command",
        "Teken een interactieve netwerkkaart (HTML) / draw an interactive network map.",
    ),
    "recommend": (
        "api.cli.questions",
        "recommend_command",
        "Aanbevelingen voor een bewoner, initiatief of buurt / recommendations.",
    ),
    "restore": (
        "api.cli.data",
        "restore_command",
        "Laad een dump in deze database / load a dump into this database.",
    ),
    "serve": (
        "api.cli.serve",
        "serve_command",
        "Start de HTTP-API en de pagina's / start the HTTP API and the pages.",
    ),
    "status": (
        "api.cli.status",
        "status_command",
        "Toon de database en het aantal knopen per soort / show the database and node counts.",
    ),
    "stop": (
        "api.cli.status",
        "stop_command",
        "Stop de ingebouwde database nu / stop the embedded database now.",
    ),
    "template": (
        "api.cli.data",
        "template_command",
        "Schrijf lege sjablonen (CSV en .xlsx) / write blank templates (CSV and .xlsx).",
    ),
    "trends": (
        "api.cli.trends",
        "trends_command",
        "Publiceerbare tabellen per kwartaal / publishable tables per quarter.",
    ),
}


class LazyGroup(WijkgraafGroup):
    """A group whose commands are imported when they are run, not when the group is."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module}.{attribute} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.option(
    "--db",
    default=None,
    metavar="DB",
    help="embedded:PAD of een Neo4j-adres (standaard WIJKGRAAF_DB) / "
    "embedded:PATH or a Neo4j URI (default WIJKGRAAF_DB).",
)
@click.option(
    "--lang",
    type=click.Choice(["nl", "en"]),
    default=None,
    help="Taal van meldingen / language of messages.",
)
@click.version_option(package_name="wijkgraaf")
@click.pass_context
def main(ctx: click.Context, db: str | None, lang: str | None) -> None:
    """Wijkgraaf: de kennisgraaf van netwerken in de wijk / the knowledge graph of
    community networks."""
    ctx.obj = {"db": db, "lang": lang}


def run() -> None:
    """Entry point of the console script."""
    main(prog_name="wijkgraaf")
