"""``wijkgraaf ask``: the network questions on the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from api.cli.common import F, audited, db_option, scope_object, settings_for
from graph.analysis.questions import QUESTION_KEYS, QUESTION_TITLES

if TYPE_CHECKING:
    from graph.analysis.aggregates import AggregateTable
    from graph.analysis.results import Lang
    from graph.settings import Settings


def answer_options(command: F) -> F:
    """``--limit``, ``--lang`` and ``--json``: what every answering command takes."""
    command = click.option(
        "--json",
        "as_json",
        is_flag=True,
        help="Als JSON, het document van de API / as JSON, the API's document.",
    )(command)
    command = click.option(
        "--lang",
        "lang_option",
        type=click.Choice(["nl", "en"]),
        default=None,
        help="Taal / language.",
    )(command)
    return click.option(
        "--limit",
        type=click.IntRange(1, 1000),
        default=20,
        show_default=True,
        help="Hoeveel / how many.",
    )(command)


@click.command("ask")
@click.argument("question", type=click.Choice(sorted(QUESTION_KEYS)))
@db_option
@click.option(
    "--neighbourhood",
    "neighbourhoods",
    multiple=True,
    metavar="CODE",
    help="Buurt of wijk (herhaalbaar) / neighbourhood or district (repeatable).",
)
@click.option("--theme", default=None, metavar="T", help="Thema / theme code.")
@click.option(
    "--people-only",
    is_flag=True,
    help="Alleen mensen, plekken apart (bruggen) / people only, places apart (bridges).",
)
@click.option(
    "--publishable",
    is_flag=True,
    help="Als publiceerbare tabellen, zonder personen / as publishable tables, without persons.",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="JJJJ-MM-DD",
    help="Het netwerk zoals het op die datum was / the network as it was on that date.",
)
@answer_options
@click.pass_context
def ask_command(
    ctx: click.Context,
    question: str,
    db: str | None,
    neighbourhoods: tuple[str, ...],
    theme: str | None,
    people_only: bool,
    publishable: bool,
    as_of: str | None,
    limit: int,
    lang_option: str | None,
    as_json: bool,
) -> None:
    """Stel een netwerkvraag / ask a network question."""
    from api.answers import ask_from_command, document_json
    from graph.analysis.results import Scope
    from graph.errors import InvalidArgumentError
    from graph.periods import as_date

    settings = settings_for(ctx, db)
    as_of = None if as_of is None else as_date(as_of, "--as-of")
    lang: Lang = "en" if (lang_option or settings.lang) == "en" else "nl"
    asked = scope_object(settings, tuple(neighbourhoods))
    if publishable:
        if as_of is not None:  # a table of another date beside today's is not protected
            raise InvalidArgumentError(
                "Publiceerbare cijfers van eerdere datums staan in de trends: wijkgraaf trends "
                f"{question} --from {as_of}.",
                f"Publishable figures of earlier dates are in the trends: wijkgraaf trends "
                f"{question} --from {as_of}.",
            )
        with audited(settings, "ask", *asked):
            print_publishable(settings, question, tuple(neighbourhoods), lang=lang, as_json=as_json)
        return
    scope = Scope(neighbourhoods=tuple(neighbourhoods), theme=theme, people_only=people_only)
    with audited(settings, "ask", *asked):
        answer = ask_from_command(settings, question, scope, limit=limit, as_of=as_of)
    if as_json:
        click.echo(document_json(answer).decode())
        return
    title_nl, title_en = QUESTION_TITLES[question]
    when = ""
    if as_of is not None:
        when = f", op {as_of}" if lang == "nl" else f", as of {as_of}"
    click.echo(f"{title_nl if lang == 'nl' else title_en} ({scope.describe(lang)}{when})")
    for note in answer.notes:
        click.echo(f"  ({note.text(lang)})")
    if not answer.items:
        click.echo("  Geen antwoorden gevonden." if lang == "nl" else "  No answers found.")
    for number, item in enumerate(answer.items, start=1):
        click.echo(f"{number:>3}. {item.name} — {item.score:.3f}")
        for reason in item.reasons:
            click.echo(f"       {reason.text(lang)}")


@click.command("recommend")
@db_option
@click.option(
    "--resident",
    default=None,
    metavar="ID",
    help="Bewoner (pseudoniem id) / resident (pseudonymous id).",
)
@click.option("--initiative", default=None, metavar="ID", help="Initiatief / initiative id.")
@click.option("--neighbourhood", default=None, metavar="CODE", help="Buurt / neighbourhood code.")
@answer_options
@click.pass_context
def recommend_command(
    ctx: click.Context,
    db: str | None,
    resident: str | None,
    initiative: str | None,
    neighbourhood: str | None,
    limit: int,
    lang_option: str | None,
    as_json: bool,
) -> None:
    """Aanbevelingen voor een bewoner, initiatief of buurt / recommendations."""
    from api.answers import document_json, recommend_from_command
    from graph.analysis.engine import recommendation_subject

    settings = settings_for(ctx, db)
    lang: Lang = "en" if (lang_option or settings.lang) == "en" else "nl"
    kind, subject = recommendation_subject(
        resident=resident, initiative=initiative, neighbourhood=neighbourhood
    )
    with audited(settings, "recommend", kind, subject):
        recommended = recommend_from_command(settings, kind, subject, limit=limit)
    if as_json:
        click.echo(document_json(recommended).decode())
        return
    if not recommended.items:
        click.echo("Geen aanbevelingen." if lang == "nl" else "No recommendations.")
    for number, item in enumerate(recommended.items, start=1):
        why = "; ".join(reason.text(lang) for reason in item.reasons)
        click.echo(f"{number:>3}. {item.name} ({item.kind}) — {item.score:.2f}: {why}")


def print_publishable(
    settings: Settings,
    question: str,
    neighbourhoods: tuple[str, ...],
    *,
    lang: Lang,
    as_json: bool,
) -> None:
    """``wijkgraaf ask Q --publishable``: the question's publishable tables, as the pages and
    the API publish them (hidden counts as "—", with why)."""
    from api.answers import AnswerService, document_json
    from graph.analysis.engine import Analyst
    from graph.backends import open_store

    with open_store(settings) as store:
        answer = AnswerService(Analyst(store)).publishable(question, neighbourhoods)
    if as_json:
        click.echo(document_json(answer).decode())
        return
    click.echo(answer.title_nl if lang == "nl" else answer.title_en)
    for table in answer.tables:
        echo_table(table, lang)


def echo_table(table: AggregateTable, lang: Lang) -> None:
    """One publishable table as text: its title, a grid (hidden counts as "—") and why each
    is hidden."""
    from visualise.site import aggregate_grid, counted_over
    from visualise.words import word

    grid = aggregate_grid(table, lang)
    click.echo("")
    click.echo(f"{table.title(lang)} ({table.unit_nl if lang == 'nl' else table.unit_en})")
    where = counted_over(table, lang)
    if where is not None:
        click.echo(f"  {word(lang, 'scope')}: {where}")
    if table.note(lang):
        click.echo(f"  {table.note(lang)}")
    total = "totaal" if lang == "nl" else "total"
    header = [grid["corner"], *grid["columns"]]
    if any(len(row["cells"]) > len(grid["columns"]) for row in grid["rows"]):
        header.append(total if grid["columns"] else ("aantal" if lang == "nl" else "count"))
    lines = [[row["label"], *(cell["text"] for cell in row["cells"])] for row in grid["rows"]]
    if grid["totals"]:  # a table whose columns do not add up has none
        lines.append([total, *(cell["text"] for cell in grid["totals"])])
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]
    for line in [header, *lines]:
        cells = [str(line[0]).ljust(widths[0])]
        cells += [
            str(value).rjust(width) for value, width in zip(line[1:], widths[1:], strict=True)
        ]
        click.echo("  " + "  ".join(cells))
    for reason in sorted({c.reason for c in table.cells if c.reason is not None}):
        click.echo(f"  — {table.reason_text(reason, lang)}")
