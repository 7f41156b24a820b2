"""``wijkgraaf status`` and ``wijkgraaf stop``: what is stored, and the embedded server's life."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from api.cli.common import db_option, settings_for

if TYPE_CHECKING:
    from graph.store import GraphStore

#: The node labels (:class:`graph.model.NodeLabel` values) as people read them, in order.
LABEL_NAMES_NL: dict[str, str] = {
    "Resident": "Bewoners",
    "Professional": "Professionals",
    "Initiative": "Initiatieven",
    "Organisation": "Organisaties",
    "Neighbourhood": "Buurten en wijken",
    "Theme": "Thema's",
    "Skill": "Krachten",
}
LABEL_NAMES_EN: dict[str, str] = {
    "Resident": "Residents",
    "Professional": "Professionals",
    "Initiative": "Initiatives",
    "Organisation": "Organisations",
    "Neighbourhood": "Neighbourhoods",
    "Theme": "Themes",
    "Skill": "Skills",
}


@click.command("status")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON / output as JSON.")
@click.pass_context
def status_command(ctx: click.Context, db: str | None, as_json: bool) -> None:
    """Toon de database en het aantal knopen per soort / show the database and node counts."""
    from graph.backends import open_store

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
    for label, name in names.items():
        click.echo(f"  {name:<{width}}  {report['counts'][label]:>9}")
    if report["server"] is not None:
        click.echo(describe_server(report["server"], settings.lang))


def status_report(store: GraphStore) -> dict[str, Any]:
    from graph import question_server
    from graph.settings import parse_db

    server = store.server_state()
    if server is not None:
        place = question_server.Place(parse_db(store.settings.db).path.absolute())
        server["question_server"] = place.pid()
    return {
        "backend": store.backend,
        "database": store.describe(),
        "version": store.version(),
        "counts": store.count_by_label(),
        "server": server,
    }


def describe_server(state: dict[str, Any], lang: str) -> str:
    """The embedded server's state in one or two lines for people."""
    size = f"{state['disk_bytes'] / 1_048_576:.1f} MB"
    idle = state["idle_seconds"]
    if lang == "nl":
        start = (
            "draaide al"
            if state["was_running"]
            else f"gestart voor dit commando ({state['start_seconds']:.1f} s)"
        )
        life = (
            f"blijft {idle:.0f} s na het laatste gebruik draaien (wijkgraaf stop stopt haar nu)"
            if idle
            else "stopt met het laatste commando of de laatste server die haar gebruikt"
        )
        questions = (
            f" De vragenserver (pid {state['question_server']}) houdt het netwerk in het geheugen."
            if state.get("question_server")
            else ""
        )
        return (
            f"Ingebouwde database: {start}, pid {state['pid']}, {size} op schijf; {life}."
            + questions
        )
    start = (
        "was running"
        if state["was_running"]
        else f"started for this command ({state['start_seconds']:.1f} s)"
    )
    life = (
        f"keeps running {idle:.0f} s after its last use (wijkgraaf stop stops it now)"
        if idle
        else "stops with the last command or server using it"
    )
    questions = (
        f" The question server (pid {state['question_server']}) keeps the network in memory."
        if state.get("question_server")
        else ""
    )
    return f"Embedded database: {start}, pid {state['pid']}, {size} on disk; {life}." + questions


@click.command("stop")
@db_option
@click.pass_context
def stop_command(ctx: click.Context, db: str | None) -> None:
    """Stop de ingebouwde database nu / stop the embedded database now."""
    from graph import question_server
    from graph.embedded_server import EmbeddedServer
    from graph.settings import parse_db

    settings = settings_for(ctx, db)
    target = parse_db(settings.db)
    nl = settings.lang == "nl"
    if target.kind != "embedded":
        click.echo(
            "Neo4j wordt niet door Wijkgraaf gestart of gestopt."
            if nl
            else "Neo4j is not started or stopped by Wijkgraaf."
        )
        return
    server = EmbeddedServer.for_directory(
        target.path, startup_timeout=settings.startup_timeout, idle=settings.embedded_idle
    )
    if question_server.stop(question_server.Place(target.path.absolute())):
        click.echo("Vragenserver gestopt." if nl else "Question server stopped.")
    if server.stop_unused():
        click.echo("Ingebouwde database gestopt." if nl else "Embedded database stopped.")
    else:
        click.echo(
            "Er draaide geen ingebouwde database." if nl else "No embedded database was running."
        )
