"""``wijkgraaf trends``: a network question's publishable tables per quarter (issue 16)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from api.cli.common import audited, db_option, scope_object, settings_for
from graph.analysis.questions import QUESTION_KEYS

if TYPE_CHECKING:
    from graph.analysis.results import Lang
    from graph.analysis.trends import TrendAnswer


@click.command("trends")
@click.argument("question", type=click.Choice(QUESTION_KEYS))
@db_option
@click.option(
    "--neighbourhood",
    "neighbourhoods",
    multiple=True,
    metavar="CODE",
    help="Buurt, wijk of gemeente (herhaalbaar) / neighbourhood, district or municipality "
    "(repeatable).",
)
@click.option(
    "--from",
    "start",
    default=None,
    metavar="JJJJ-MM-DD",
    help="Vanaf deze datum (standaard de eerste met gegevens) / from this date (default the "
    "first with data).",
)
@click.option(
    "--to",
    "end",
    default=None,
    metavar="JJJJ-MM-DD",
    help="Tot en met deze datum (standaard de laatste met gegevens) / up to this date "
    "(default the last with data).",
)
@click.option(
    "--lang", "lang_option", type=click.Choice(["nl", "en"]), default=None, help="Taal / language."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Als JSON, het document van de API / as JSON."
)
@click.pass_context
def trends_command(
    ctx: click.Context,
    question: str,
    db: str | None,
    neighbourhoods: tuple[str, ...],
    start: str | None,
    end: str | None,
    lang_option: str | None,
    as_json: bool,
) -> None:
    """Publiceerbare tabellen per kwartaal / publishable tables per quarter."""
    from api.answers import document_json
    from graph.analysis.engine import Analyst
    from graph.analysis.trends import trend_answer
    from graph.backends import open_store

    settings = settings_for(ctx, db)
    lang: Lang = "en" if (lang_option or settings.lang) == "en" else "nl"
    asked = scope_object(settings, neighbourhoods)
    with audited(settings, "ask", *asked), open_store(settings) as store:
        answer = trend_answer(Analyst(store), question, neighbourhoods, start=start, end=end)
    if as_json:
        click.echo(document_json(answer).decode())
        return
    print_trend(answer, lang)


def print_trend(answer: TrendAnswer, lang: Lang) -> None:
    """The trend as text: each quarter's tables as ``ask --publishable`` prints them, then
    the notes on what is hidden over time."""
    from api.cli.questions import echo_table

    click.echo(answer.title_nl if lang == "nl" else answer.title_en)
    for quarter in answer.quarters:
        click.echo("")
        click.echo(f"== {'Per' if lang == 'nl' else 'As of'} {quarter.as_of} ==")
        for table in quarter.tables:
            echo_table(table, lang)
    click.echo("")
    for note in answer.notes:
        click.echo(f"— {note.text(lang)}")
