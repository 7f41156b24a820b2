"""The ``wijkgraaf`` command line.

Every command takes ``--db`` (and the group does too: ``wijkgraaf --db embedded:/x status``).
A Wijkgraaf error becomes one line on standard error and exit code 1, never a traceback;
messages are Dutch by default, English with ``--lang en`` or ``WIJKGRAAF_LANG=en``.
"""

from __future__ import annotations

import json
from typing import Any

import click

from api.audit import audit_command
from api.cli_common import WijkgraafGroup, db_option, settings_for
from api.cli_data import DATA_COMMANDS
from api.cli_demo import demo_command
from api.cli_keys import keys_command
from api.cli_map import MAP_COMMANDS
from api.cli_questions import ask_command, recommend_command
from api.cli_serve import serve_command
from graph.model import NodeLabel
from graph.store import GraphStore, open_store

LABEL_NAMES_NL: dict[NodeLabel, str] = {
    NodeLabel.RESIDENT: "Bewoners",
    NodeLabel.PROFESSIONAL: "Professionals",
    NodeLabel.INITIATIVE: "Initiatieven",
    NodeLabel.ORGANISATION: "Organisaties",
    NodeLabel.NEIGHBOURHOOD: "Buurten en wijken",
    NodeLabel.THEME: "Thema's",
    NodeLabel.SKILL: "Krachten",
}
LABEL_NAMES_EN: dict[NodeLabel, str] = {
    NodeLabel.RESIDENT: "Residents",
    NodeLabel.PROFESSIONAL: "Professionals",
    NodeLabel.INITIATIVE: "Initiatives",
    NodeLabel.ORGANISATION: "Organisations",
    NodeLabel.NEIGHBOURHOOD: "Neighbourhoods",
    NodeLabel.THEME: "Themes",
    NodeLabel.SKILL: "Skills",
}


@click.group(cls=WijkgraafGroup)
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


@main.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON / output as JSON.")
@click.pass_context
def status(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """Toon de database en het aantal knopen per soort / show the database and node counts."""
    settings = settings_for(ctx, db)
    with open_store(settings) as store:
        report = status_report(store)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
        return
    names = LABEL_NAMES_NL if settings.lang == "nl" else LABEL_NAMES_EN
    click.echo(f"Database: {report['database']}")
    click.echo(
        ("Versie van de graaf" if settings.lang == "nl" else "Graph version")
        + f": {report['version']}"
    )
    width = max(len(name) for name in names.values())
    for label in NodeLabel:
        click.echo(f"  {names[label]:<{width}}  {report['counts'][label.value]:>9}")


def status_report(store: GraphStore) -> dict[str, Any]:
    return {
        "backend": store.backend,
        "database": store.describe(),
        "version": store.version(),
        "counts": store.count_by_label(),
    }


for command in [
    *DATA_COMMANDS,
    ask_command,
    recommend_command,
    *MAP_COMMANDS,
    audit_command,
    serve_command,
    keys_command,
    demo_command,
]:
    main.add_command(command)


def run() -> None:
    """Entry point of the console script."""
    main(prog_name="wijkgraaf")


if __name__ == "__main__":  # python -m api.cli
    run()
