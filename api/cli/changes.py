"""``wijkgraaf changes``: what changed in the network between two dates (issue 16)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from api.cli.common import audited, db_option, scope_object, settings_for

if TYPE_CHECKING:
    from graph.analysis.changes import ChangesAnswer
    from graph.analysis.results import Item, Lang


@click.command("changes")
@db_option
@click.option(
    "--from",
    "start",
    required=True,
    metavar="JJJJ-MM-DD",
    help="De eerste datum / the first date.",
)
@click.option(
    "--to",
    "end",
    default=None,
    metavar="JJJJ-MM-DD",
    help="De tweede datum (standaard vandaag) / the second date (default today).",
)
@click.option(
    "--neighbourhood",
    "neighbourhoods",
    multiple=True,
    metavar="CODE",
    help="Buurt of wijk (herhaalbaar) / neighbourhood or district (repeatable).",
)
@click.option(
    "--limit",
    type=click.IntRange(1, 1000),
    default=50,
    show_default=True,
    help="Hoeveel per lijst / how many per list.",
)
@click.option(
    "--lang", "lang_option", type=click.Choice(["nl", "en"]), default=None, help="Taal / language."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Als JSON, het document van de API / as JSON."
)
@click.pass_context
def changes_command(
    ctx: click.Context,
    db: str | None,
    start: str,
    end: str | None,
    neighbourhoods: tuple[str, ...],
    limit: int,
    lang_option: str | None,
    as_json: bool,
) -> None:
    """Wat veranderde er tussen twee data / what changed between two dates."""
    from datetime import date

    from api.answers import changes_from_command, document_json
    from graph.periods import as_date

    settings = settings_for(ctx, db)
    dates = (as_date(start, "--from"), as_date(end, "--to") if end else date.today().isoformat())
    lang: Lang = "en" if (lang_option or settings.lang) == "en" else "nl"
    with audited(settings, "changes", *scope_object(settings, neighbourhoods)):
        answer = changes_from_command(settings, neighbourhoods, dates, limit=limit)
    if as_json:
        click.echo(document_json(answer).decode())
        return
    print_changes(answer, lang)


def _person(item: Item, lang: Lang) -> str:
    """Beside a name: a resident's buurt and age band, and a community on both dates."""
    figures = item.figures
    parts = [str(figures[key]) for key in ("neighbourhood_name", "age_band") if figures.get(key)]
    community = figures.get("community")
    if community:
        before, after = (community.get(side) or "—" for side in ("before", "after"))
        parts.append(f"{'gemeenschap' if lang == 'nl' else 'community'} {before} → {after}")
    return f" ({', '.join(parts)})" if parts else ""


def _share(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}%"


def print_changes(answer: ChangesAnswer, lang: Lang, *, brief: bool = False) -> None:
    """The changes as text: the figures of both dates side by side, then each list with every
    item's reasons, then the communities that changed. ``brief``: only the lists that hold
    something, two reasons an item, no communities (the demo)."""
    from graph.analysis.changes import COMMUNITY_STATUS, FIGURES, SECTIONS

    index = 0 if lang == "nl" else 1
    where = answer.scope.describe(lang)
    click.echo(
        f"Wat veranderde er tussen {answer.from_date} en {answer.to_date} ({where})"
        if lang == "nl"
        else f"What changed between {answer.from_date} and {answer.to_date} ({where})"
    )
    before, after = answer.before.model_dump(), answer.after.model_dump()
    width = max(len(names[index]) for names in FIGURES.values())
    click.echo(f"  {'':<{width}}  {answer.from_date:>10}  {answer.to_date:>10}")
    for key, names in FIGURES.items():
        then, now = before[key], after[key]
        if key == "resident_led_share":
            then, now = _share(then), _share(now)
        click.echo(f"  {names[index]:<{width}}  {then!s:>10}  {now!s:>10}")
    for key, names in SECTIONS.items():
        items: list[Item] = getattr(answer, key)
        if brief and not items:
            continue
        click.echo("")
        click.echo(f"{names[index]} ({answer.summary.get(key, len(items))})")
        if not items:
            click.echo("  —")
        for item in items:
            click.echo(f"  - {item.name}{_person(item, lang)}")
            for reason in item.reasons[:2] if brief else item.reasons:
                click.echo(f"      {reason.text(lang)}")
    if brief:
        return
    changed = [c for c in answer.communities if c.status != "same"]
    click.echo("")
    click.echo(
        f"{'Gemeenschappen die veranderden' if lang == 'nl' else 'Communities that changed'} "
        f"({len(changed)} / {answer.summary.get('communities', len(answer.communities))})"
    )
    members = "leden" if lang == "nl" else "members"
    for c in changed:
        status = COMMUNITY_STATUS[c.status][index]
        moved = f"+{c.joined} −{c.left}"
        click.echo(
            f"  {c.number}: {c.before or '—'} → {c.after or '—'} {members} ({status}, {moved})"
        )
        for reason in c.reasons:
            click.echo(f"      {reason.text(lang)}")
    for note in answer.notes:
        click.echo(f"  ({note.text(lang)})")
