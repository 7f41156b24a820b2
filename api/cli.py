"""The ``wijkgraaf`` command line.

Every command takes ``--db`` (and the group does too: ``wijkgraaf --db embedded:/x status``).
A Wijkgraaf error becomes one line on standard error and exit code 1, never a traceback;
messages are Dutch by default, English with ``--lang en`` or ``WIJKGRAAF_LANG=en``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

from graph.errors import Language, WijkgraafError
from graph.model import NodeLabel
from graph.settings import Settings, load_settings
from graph.store import GraphStore, open_store

F = TypeVar("F", bound=Callable[..., Any])

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


class WijkgraafGroup(click.Group):
    """A click group that turns Wijkgraaf errors into one line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WijkgraafError as exc:
            lang = _lang_of(ctx)
            prefix = "fout" if lang == "nl" else "error"
            line = " ".join(exc.message(lang).split())  # one line, whatever the cause said
            click.echo(f"{prefix}: {line}", err=True)
            ctx.exit(1)


def _lang_of(ctx: click.Context) -> Language:
    options = ctx.obj or {}
    lang = options.get("lang")
    if lang in ("nl", "en"):
        return "nl" if lang == "nl" else "en"
    try:
        return load_settings().lang
    except WijkgraafError:
        return "nl"


def db_option(command: F) -> F:
    """``--db`` on a subcommand; it overrides the group's ``--db`` and ``WIJKGRAAF_DB``."""
    return click.option(
        "--db",
        "db",
        default=None,
        metavar="DB",
        help="embedded:PAD of een Neo4j-adres / embedded:PATH or a Neo4j URI.",
    )(command)


def settings_for(ctx: click.Context, db: str | None) -> Settings:
    options = ctx.obj or {}
    return load_settings(db=db or options.get("db"), lang=options.get("lang"))


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


def run() -> None:
    """Entry point of the console script."""
    main(prog_name="wijkgraaf")


if __name__ == "__main__":  # python -m api.cli
    run()
