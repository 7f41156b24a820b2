"""``wijkgraaf map`` and ``wijkgraaf export-graph``: network maps and files for Gephi.

``map`` writes one HTML page that opens in a browser with no internet: a neighbourhood, one
person's or initiative's network (``--ego``), optionally with a network question drawn over
it. ``export-graph`` writes the social fabric as GraphML or GEXF with each node's measures
(betweenness, constraint, community, coreness, isolation signals), beside the portable dump;
``--format csv`` writes those measures alone, one row per node, as Dutch Excel opens it
(``--lang en``: commas and English headers).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from api.cli.common import audited, db_option, node_object, scope_object, settings_for
from graph.errors import ConfigurationError
from visualise.choices import COLOUR_MODES, FORMATS, GROUP_CHOICES, OVERLAY_QUESTIONS, SIZE_MODES

if TYPE_CHECKING:
    from graph.analysis.results import Lang
    from visualise.choices import GraphFormat

# The commands import the analytics, the store and the drawing code when they run, so that
# ``--help`` and argument errors answer at once.


#: What ``export-graph`` writes: the graph for Gephi, or the nodes' measures as a CSV.
EXPORT_FORMATS = (*FORMATS, "csv")


def _lang(option: str | None, default: str) -> Lang:
    return "en" if (option or default) == "en" else "nl"


@click.command("map")
@db_option
@click.option(
    "--neighbourhood",
    "neighbourhoods",
    multiple=True,
    metavar="CODE",
    help="Buurt of wijk (herhaalbaar) / neighbourhood or district (repeatable).",
)
@click.option("--theme", default=None, metavar="T", help="Alleen dit thema / only this theme.")
@click.option(
    "--ego",
    default=None,
    metavar="ID",
    help="Netwerk van één bewoner, initiatief, ... / network of one node (pseudonymous id).",
)
@click.option(
    "--steps",
    type=click.IntRange(1, 2),
    default=1,
    show_default=True,
    help="Stappen rond --ego / steps around --ego.",
)
@click.option(
    "--question",
    type=click.Choice(OVERLAY_QUESTIONS),
    default=None,
    help="Netwerkvraag over de kaart / network question drawn over the map.",
)
@click.option(
    "--limit",
    type=click.IntRange(1, 1000),
    default=20,
    show_default=True,
    help="Hoeveel antwoorden / how many answers.",
)
@click.option(
    "--colour",
    "colour_by",
    type=click.Choice(COLOUR_MODES),
    default="kind",
    show_default=True,
    help="Kleur naar soort, vijf O's of gemeenschap / colour by kind, five O's or community.",
)
@click.option(
    "--size",
    "size_by",
    type=click.Choice(SIZE_MODES),
    default="degree",
    show_default=True,
    help="Grootte naar / size by.",
)
@click.option(
    "--group-by",
    type=click.Choice(GROUP_CHOICES),
    default="auto",
    show_default=True,
    help="Groepen op een grote kaart / groups on a large map.",
)
@click.option(
    "--drill-url",
    default=None,
    metavar="PATTERN",
    help="Link achter een buurtgroep, bv. '?neighbourhood={code}' / link behind a group.",
)
@click.option(
    "--lang", "lang_option", type=click.Choice(["nl", "en"]), default=None, help="Taal / language."
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="HTML-bestand / HTML file.",
)
@click.pass_context
def map_command(
    ctx: click.Context,
    db: str | None,
    neighbourhoods: tuple[str, ...],
    theme: str | None,
    ego: str | None,
    steps: int,
    question: str | None,
    limit: int,
    colour_by: str,
    size_by: str,
    group_by: str,
    drill_url: str | None,
    lang_option: str | None,
    output: Path,
) -> None:
    """Teken een interactieve netwerkkaart (HTML) / draw an interactive network map (HTML)."""
    from graph.analysis.engine import Analyst
    from graph.analysis.results import Scope
    from graph.backends import open_store
    from visualise.maps import build_map
    from visualise.page import render_page
    from visualise.style import count

    if ego and neighbourhoods:
        raise ConfigurationError(
            "Kies --neighbourhood of --ego, niet allebei.",
            "Choose --neighbourhood or --ego, not both.",
        )
    settings = settings_for(ctx, db)
    lang = _lang(lang_option, settings.lang)
    scope = Scope(neighbourhoods=neighbourhoods, theme=theme)
    drawn = node_object(settings, ego) if ego else scope_object(settings, neighbourhoods)
    with audited(settings, "map", *drawn), open_store(settings) as store:
        analyst = Analyst(store)
        context = analyst.context()
        answer = None
        if question:
            asked = scope
            if ego and ego in context.fabric:
                # the answers around one node: those of its own neighbourhood
                home = context.fabric.nodes[ego].get("neighbourhood")
                asked = Scope(neighbourhoods=(str(home),) if home else (), theme=theme)
            answer = analyst.ask(question, asked, limit=limit)
        data = build_map(
            context,
            scope=scope,
            ego=ego,
            steps=steps,
            answer=answer,
            colour_by=next(mode for mode in COLOUR_MODES if mode == colour_by),
            size_by=next(mode for mode in SIZE_MODES if mode == size_by),
            lang=lang,
            group_by=next(choice for choice in GROUP_CHOICES if choice == group_by),
            drill_url=drill_url,
        )
    output.write_text(render_page(data), encoding="utf-8")
    nodes, total = data["drawnNodes"], data["totalNodes"]
    if lang == "nl":
        line = f"Kaart geschreven naar {output}: {count(total, lang)} knopen"
        line += f", getekend als {count(nodes, lang)} groepen." if data["aggregate"] else "."
    else:
        line = f"Map written to {output}: {count(total, lang)} nodes"
        line += f", drawn as {count(nodes, lang)} groups." if data["aggregate"] else "."
    click.echo(line)


@click.command("export-graph")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default=None,
    help="graphml, gexf of csv (maten per knoop; standaard: naar de extensie) / graphml, gexf "
    "or csv (measures per node; default: by suffix).",
)
@click.option(
    "--neighbourhood",
    "neighbourhoods",
    multiple=True,
    metavar="CODE",
    help="Alleen deze buurt of wijk (herhaalbaar) / only this neighbourhood (repeatable).",
)
@click.option(
    "--lang",
    "lang_option",
    type=click.Choice(["nl", "en"]),
    default=None,
    help="Taal (csv: nl met puntkomma's en decimale komma's) / language (csv: en with commas).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Bestand / file.",
)
@click.pass_context
def export_graph_command(
    ctx: click.Context,
    db: str | None,
    fmt: str | None,
    neighbourhoods: tuple[str, ...],
    lang_option: str | None,
    output: Path,
) -> None:
    """Schrijf het sociale weefsel met de maten per knoop als GraphML of GEXF (voor Gephi), of
    de maten alleen als CSV / write the social fabric with each node's measures as GraphML or
    GEXF (for Gephi), or the measures alone as CSV."""
    from graph.analysis.bridges import bound
    from graph.analysis.engine import Analyst
    from graph.analysis.results import Scope
    from graph.backends import open_store
    from visualise.export import export_graph
    from visualise.measures import write_measures
    from visualise.style import count

    chosen = fmt or output.suffix.lower().lstrip(".")
    if chosen not in EXPORT_FORMATS:
        raise ConfigurationError(
            "Kies --format graphml, gexf of csv (of een bestand op .graphml, .gexf of .csv).",
            "Choose --format graphml, gexf or csv (or a file ending in .graphml, .gexf or .csv).",
        )
    settings = settings_for(ctx, db)
    lang = _lang(lang_option, settings.lang)
    scope = Scope(neighbourhoods=neighbourhoods) if neighbourhoods else None
    read = scope_object(settings, neighbourhoods)
    with audited(settings, "export", *read), open_store(settings) as store:
        context = Analyst(store).context()
    if chosen == "csv":
        nodes = write_measures(context, output, scope=scope, lang=lang)
        line = (
            f"Maten geschreven naar {output}: {count(nodes, 'nl')} knopen."
            if lang == "nl"
            else f"Measures written to {output}: {count(nodes, 'en')} nodes."
        )
    else:
        graph_format: GraphFormat = "graphml" if chosen == "graphml" else "gexf"
        counts = export_graph(context, output, graph_format, scope=scope)
        nodes = counts["nodes"]
        line = (
            f"Graaf geschreven naar {output}: {count(nodes, 'nl')} knopen, "
            f"{count(counts['edges'], 'nl')} banden."
            if lang == "nl"
            else f"Graph written to {output}: {count(nodes, 'en')} nodes, "
            f"{count(counts['edges'], 'en')} ties."
        )
    steps = bound(nodes)
    if steps is not None:
        line += (
            f" De tussenpositie telt wegen tot {steps} stappen (grote graaf)."
            if lang == "nl"
            else f" Betweenness counts paths of up to {steps} steps (large graph)."
        )
    click.echo(line)


MAP_COMMANDS = [map_command, export_graph_command]
