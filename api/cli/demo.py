"""``wijkgraaf demo``: the main job in one command, on the embedded database.

Loads the sample neighbourhood (Vlinderwijk) with its history — four dated exports, one per
quarter of 2025, oldest first (:mod:`importers.sample_history`) —, prints the headline
answers of every network question, writes the maps, prints what changed in Parkzoom between
the first quarter and the last, then serves the pages and the API on this machine and prints
the address and a key to open them with. The key is an administrator's made for this run
only: it is revoked when the demo stops. ``--no-serve`` does all but the serving, and exits.

Run again, the exports the store already holds data after are left out (an older export
cannot be put before newer data) and the last is imported again: everything unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from api.cli.common import audit_cli, audited, db_option, settings_for
from api.cli.data import print_report
from api.cli.serve import loopback, run_server
from visualise.choices import OVERLAY_QUESTIONS

if TYPE_CHECKING:
    from graph.analysis.engine import Analyst
    from graph.analysis.results import Lang
    from graph.settings import Settings
    from graph.store import GraphStore

# The analytics, the store, the importer and the maps load when the demo runs, so that its
# ``--help`` answers at once.

#: How many items of each answer the demo prints.
HEADLINES = 3
#: The buurt whose changes the demo prints: where a resident who held a group together moved
#: away and an initiative was handed over to residents (Parkzoom).
CHANGES_IN = "BU99990103"


def _history(store: GraphStore, settings: Settings, lang: Lang) -> bool:
    """Import the sample's history, oldest first, each export as of its date with its complete
    sheets; an export older than what the store holds is left out. False if one was refused."""
    import tempfile

    from importers.load import ImportOptions, latest_import_date, run_import
    from importers.sample_history import COMPLETE, write_sample_history

    nl = lang == "nl"
    with tempfile.TemporaryDirectory(prefix="wijkgraaf-geschiedenis-") as folder:
        for day, files in write_sample_history(Path(folder)):
            latest = latest_import_date(store)
            if latest is not None and day < latest:
                click.echo(
                    f"Export per {day}: overgeslagen, de opslag heeft al gegevens per {latest}."
                    if nl
                    else f"Export as of {day}: left out, the store holds data as of {latest}."
                )
                continue
            result = "error"
            try:
                options = ImportOptions(as_of=day, complete=COMPLETE)
                report = run_import(store, settings, files, options)
                result = "invalid" if report.errors else "ok"
            finally:  # logged as the command line's imports are, failed ones too
                audit_cli(settings, "import", "graph", settings.graph_name, result)
            if report.errors:
                print_report(report, lang)
                return False
            total = report.totals()
            words = ("aangemaakt", "bijgewerkt", "ongewijzigd", "beëindigd")
            if not nl:
                words = ("created", "updated", "unchanged", "ended")
            counts = (total.created, total.updated, total.unchanged, total.ended)
            click.echo(
                f"Export {'per' if nl else 'as of'} {day} ({', '.join(COMPLETE)} "
                f"{'volledig' if nl else 'complete'}): "
                + ", ".join(f"{word} {n}" for word, n in zip(words, counts, strict=True))
            )
    return True


def _changes(analyst: Analyst, settings: Settings, lang: Lang) -> None:
    """What changed in Parkzoom between the first quarter and the last."""
    from api.cli.changes import print_changes
    from graph.analysis.results import Scope
    from importers.sample_history import QUARTERS

    with audited(settings, "changes", "neighbourhood", CHANGES_IN):
        answer = analyst.changes(QUARTERS[0], QUARTERS[-1], Scope(neighbourhoods=(CHANGES_IN,)))
    click.echo("")
    print_changes(answer, lang, brief=True)
    command = f"wijkgraaf changes --from {QUARTERS[0]} --to {QUARTERS[-1]}"
    click.echo(("Alles: " if lang == "nl" else "Everything: ") + command)


def _headlines(analyst: Analyst, lang: Lang) -> None:
    from graph.analysis.engine import CATALOGUE
    from graph.analysis.results import Scope

    for key, entry in CATALOGUE.items():
        answer = analyst.ask(key, Scope(), limit=HEADLINES)
        click.echo("")
        click.echo(f"{entry.title_nl if lang == 'nl' else entry.title_en}  [{key}]")
        if not answer.items:
            click.echo(
                "  " + ("Geen antwoorden gevonden." if lang == "nl" else "No answers found.")
            )
        for number, item in enumerate(answer.items, start=1):
            click.echo(f"  {number}. {item.name}")
            if item.reasons:
                click.echo(f"     {item.reasons[0].text(lang)}")


def _maps(analyst: Analyst, out: Path, lang: Lang) -> list[Path]:
    """The whole sample, each buurt, and each question drawn on the whole sample."""
    from graph.analysis.results import Scope
    from visualise.maps import write_map

    out.mkdir(parents=True, exist_ok=True)
    context = analyst.context()
    written = [write_map(context, out / "kaart.html", lang=lang)]
    for code, area in sorted(context.areas.items()):
        if area["level"] == "buurt":
            scope = Scope(neighbourhoods=(code,))
            written.append(write_map(context, out / f"kaart-{code}.html", scope=scope, lang=lang))
    for question in OVERLAY_QUESTIONS:
        answer = analyst.ask(question, Scope())
        written.append(write_map(context, out / f"kaart-{question}.html", answer=answer, lang=lang))
    return written


def _serve(store: GraphStore, host: str, port: int, lang: Lang) -> None:
    from api.access.api_keys import KeyStore
    from api.access.roles import Role
    from api.app import create_app
    from importers.sample_history import QUARTERS

    settings = store.settings
    keys = KeyStore(settings.api_keys_file)
    key, token = keys.create(Role.ADMIN, label="demo")
    audit_cli(settings, "key_create", "key", key.key_id)
    address = f"http://{host}:{port}/"
    changes = f"{address}pages/changes?from={QUARTERS[0]}&to={QUARTERS[-1]}&neighbourhood="
    click.echo("")
    if lang == "nl":
        click.echo(f"Pagina's en API: {address}  (API-beschrijving: {address}docs)")
        click.echo(f"Wat veranderde er in Parkzoom: {changes}{CHANGES_IN}")
        click.echo(f"Meld u aan met deze sleutel (geldig tot de demo stopt): {token}")
        click.echo("Stoppen: Ctrl+C")
    else:
        click.echo(f"Pages and API: {address}  (API description: {address}docs)")
        click.echo(f"What changed in Parkzoom: {changes}{CHANGES_IN}&lang=en")
        click.echo(f"Sign in with this key (valid until the demo stops): {token}")
        click.echo("Stop: Ctrl+C")
    try:
        run_server(create_app(settings, store=store), host, port)
    finally:
        keys.revoke(key.key_id)
        audit_cli(settings, "key_revoke", "key", key.key_id)


@click.command("demo")
@db_option
@click.option(
    "--out",
    default="wijkgraaf-demo",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Map voor de kaarten / folder for the maps.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Adres / address (loopback).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--no-serve", is_flag=True, help="Niet serveren, alleen laden en schrijven / do not serve."
)
@click.pass_context
def demo_command(
    ctx: click.Context, db: str | None, out: Path, host: str, port: int, no_serve: bool
) -> None:
    """Laad de voorbeeldbuurt, beantwoord elke vraag, schrijf de kaarten en open de pagina's /
    load the sample neighbourhood, answer every question, write the maps and serve the pages."""
    if not loopback(host):
        raise click.UsageError(
            f"De demo luistert alleen op loopback, niet op {host} / "
            f"the demo listens on loopback only, not on {host}."
        )
    from graph.analysis.engine import Analyst
    from graph.backends import open_store

    settings = settings_for(ctx, db)
    lang: Lang = settings.lang
    with open_store(settings) as store:
        click.echo(f"Database: {store.describe()}")
        if not _history(store, settings, lang):
            ctx.exit(1)
        analyst = Analyst(store)
        # every question and every map read every person (of the sample): logged as such
        with audited(settings, "ask", "graph", settings.graph_name):
            _headlines(analyst, lang)
        with audited(settings, "map", "graph", settings.graph_name):
            written = _maps(analyst, out, lang)
        click.echo("")
        click.echo(("Kaarten" if lang == "nl" else "Maps") + f" ({len(written)}): {out}/")
        for path in written:
            click.echo(f"  {path}")
        _changes(analyst, settings, lang)
        if not no_serve:
            _serve(store, host, port, lang)
