"""Commands that move data in and out: template, import, export, restore, generate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from api.cli.common import audit_cli, db_option, settings_for
from graph.errors import ConfigurationError

if TYPE_CHECKING:
    from graph.store import GraphStore, WriteCounts
    from importers.report import ImportReport

# Each command imports the store, the importers and the generator when it runs, so that
# ``--help`` and argument errors answer at once.

INPUT_SUFFIXES = {
    ".csv", ".txt", ".xlsx", ".json", ".graphml", ".gexf", ".edgelist", ".edges", ".net",
    ".adjlist", ".multiline-adjlist",
}  # fmt: skip


def _expand(paths: tuple[Path, ...]) -> list[Path]:
    """Files as given; a directory stands for the input files in it."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in INPUT_SUFFIXES))
        else:
            files.append(path)
    return files


@click.command("template")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def template_command(directory: Path) -> None:
    """Schrijf lege sjablonen (CSV en .xlsx) / write blank templates (CSV and .xlsx)."""
    from importers.template_files import write_templates

    for path in write_templates(directory):
        click.echo(str(path))


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@click.option("--dry-run", is_flag=True, help="Alleen controleren / only check, write nothing.")
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Geldige rijen toch inlezen / import the valid rows anyway.",
)
@click.option(
    "--keep-names",
    is_flag=True,
    help="Namen bewaren ook zonder toestemming / keep names without consent.",
)
@click.option(
    "--neighbourhood",
    default=None,
    metavar="CODE",
    help="Buurt voor bewoners uit netwerkbestanden / neighbourhood for residents of network files.",
)
@click.option(
    "--accept-new-areas",
    is_flag=True,
    help="Onbekende CBS-gebiedscodes aanmaken / create CBS area codes nobody declared.",
)
@click.option(
    "--columns",
    "columns",
    default=None,
    metavar="KOPPELING.toml",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Kolomkoppeling voor andermans koppen / column mapping for another system's headers.",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="JJJJ-MM-DD",
    help="Datum die de gegevens beschrijven (standaard vandaag) / date the data describes "
    "(default today).",
)
@click.option(
    "--complete",
    "complete",
    multiple=True,
    metavar="BLAD",
    help="Blad is volledig voor zijn gebieden: wat ontbreekt, eindigt (herhaalbaar) / sheet is "
    "complete for its areas: what it lacks ends (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Verslag als JSON / report as JSON.")
@click.pass_context
def import_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    db: str | None,
    dry_run: bool,
    skip_invalid: bool,
    keep_names: bool,
    neighbourhood: str | None,
    accept_new_areas: bool,
    columns: Path | None,
    as_of: str | None,
    complete: tuple[str, ...],
    as_json: bool,
) -> None:
    """Lees bestanden in / import files: CSV, xlsx, JSON; GraphML, GEXF, Pajek, edge and
    adjacency lists; Kumu, Polinode and NodeXL sheets."""
    from graph.backends import open_store
    from importers.load import ImportOptions, run_import
    from importers.mapping import load_mapping

    settings = settings_for(ctx, db)
    files = _expand(paths)
    if not files:
        raise ConfigurationError("Geen bestanden om in te lezen.", "No files to import.")
    result = "invalid"  # a column mapping that cannot be read refuses the import
    try:  # an import that failed or was refused is logged too, whatever refused it
        mapping = load_mapping(columns) if columns is not None else None
        options = ImportOptions(
            dry_run, skip_invalid, keep_names, neighbourhood,
            accept_new_areas=accept_new_areas, columns=mapping, as_of=as_of, complete=complete,
        )  # fmt: skip
        result = "error"
        with open_store(settings) as store:
            report = run_import(store, settings, files, options)
        result = "invalid" if report.errors else "ok"
    finally:
        audit_cli(settings, "import", "graph", settings.graph_name, result)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        print_report(report, settings.lang)
    if report.rejected:
        ctx.exit(1)


def print_report(report: ImportReport, lang: str) -> None:
    nl = lang == "nl"
    total = report.totals()
    title = "Import" + (
        " (proefdraai)" if nl and report.dry_run else " (dry run)" if report.dry_run else ""
    )
    click.echo(f"{title} {report.run_id}: {', '.join(report.files)}")
    if report.undone:
        click.echo(
            f"  Een eerdere import die niet afmaakte ({report.undone}) is eerst ongedaan gemaakt."
            if nl
            else f"  An earlier import that did not finish ({report.undone}) was undone first."
        )
    words = ("aangemaakt", "bijgewerkt", "ongewijzigd", "overgeslagen") if nl else (
        "created", "updated", "unchanged", "skipped"
    )  # fmt: skip
    click.echo(
        f"  {words[0]} {total.created}, {words[1]} {total.updated}, "
        f"{words[2]} {total.unchanged}, {words[3]} {report.skipped_rows}"
    )
    for name, counts in (*report.nodes.items(), *report.relationships.items()):
        click.echo(f"    {name:<20} {counts.created:>8} {counts.updated:>8} {counts.unchanged:>8}")
    if report.errors:
        click.echo(("Fouten" if nl else "Errors") + f" ({len(report.errors)}):")
        for error in report.errors:
            click.echo("  " + error.message("nl" if nl else "en"))
    if report.skipped:
        heading = (
            ("Overgeslagen rijen", "Skipped rows")
            if report.written or report.skip_invalid
            else ("Rijen die op een afgekeurde rij steunen", "Rows that depend on a rejected row")
        )
        click.echo(heading[0 if nl else 1] + f" ({len(report.skipped)}):")
        for skipped in report.skipped:
            reason = skipped.reason_nl if nl else skipped.reason_en
            click.echo(f"  {skipped.place.describe('nl' if nl else 'en')}: {reason}")
    if report.notes:
        click.echo(("Weggelaten" if nl else "Left out") + f" ({len(report.notes)}):")
        for note in report.notes:
            click.echo("  " + note.message("nl" if nl else "en"))
    for kind, terms in report.unknown_terms.items():
        label = {"theme": ("thema's", "themes"), "skill": ("krachten", "skills")}[kind]
        click.echo(
            (
                f"Nieuwe {label[0]} (niet in de woordenlijst): "
                if nl
                else f"New {label[1]} (not in the vocabulary): "
            )
            + ", ".join(terms)
        )
    if report.errors and not report.written and not report.dry_run:
        click.echo(
            "Niets geschreven. Verbeter de fouten, of lees de geldige rijen in met --skip-invalid."
            if nl
            else "Nothing was written. Fix the errors, or import the valid rows with "
            "--skip-invalid."
        )


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.pass_context
def export_command(ctx: click.Context, file: Path, db: str | None) -> None:
    """Schrijf de hele graaf naar een dump / write the whole graph to a portable dump."""
    from graph.backends import open_store
    from importers.dump import export_dump

    settings = settings_for(ctx, db)
    with open_store(settings) as store:
        counts = export_dump(store, file)
    audit_cli(settings, "export", "graph", settings.graph_name)  # every person, read
    click.echo(json.dumps({"file": str(file), "counts": counts}, ensure_ascii=False))


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@click.option("--replace", is_flag=True, help="Eerst alles wissen / clear the database first.")
@click.pass_context
def restore_command(ctx: click.Context, file: Path, db: str | None, replace: bool) -> None:
    """Laad een dump in deze database / load a dump into this database."""
    from graph.backends import open_store

    settings = settings_for(ctx, db)
    result = "error"
    try:
        with open_store(settings) as store:
            counts = _restore(store, file, replace=replace)
        result = "ok"
    finally:
        audit_cli(settings, "restore", "graph", settings.graph_name, result)
    summary = {name: c.created + c.updated + c.unchanged for name, c in counts.items()}
    click.echo(json.dumps({"file": str(file), "counts": summary}, ensure_ascii=False))


def _restore(store: GraphStore, file: Path, *, replace: bool) -> dict[str, WriteCounts]:
    """The dump loaded into ``store``; a store that holds data only with ``replace``."""
    from importers.dump import restore_dump

    if any(store.count_by_label().values()) and not replace:
        raise ConfigurationError(
            "De database is niet leeg; gebruik --replace om eerst alles te wissen.",
            "The database is not empty; use --replace to clear it first.",
        )
    # the dump is checked before anything is cleared; a restore that fails puts it all back
    return restore_dump(store, file, replace=replace)


@click.command("generate")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--residents",
    type=click.IntRange(min=1),
    default=None,
    help="Aantal bewoners van een synthetische stad / residents of a synthetic city.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Zaad / random seed.")
@click.option(
    "--sample",
    is_flag=True,
    help="De voorbeeldwijk in plaats van een stad / the sample neighbourhood.",
)
@click.option(
    "--sample-history",
    is_flag=True,
    help="De voorbeeldwijk per kwartaal van 2025, een map per datum / the sample "
    "neighbourhood each quarter of 2025, a folder per date.",
)
def generate_command(
    out: Path, residents: int | None, seed: int, sample: bool, sample_history: bool
) -> None:
    """Schrijf synthetische gegevens als CSV / write synthetic data as CSV templates."""
    if sample + sample_history + (residents is not None) != 1:
        raise ConfigurationError(
            "Kies --sample, --sample-history of --residents N.",
            "Choose --sample, --sample-history or --residents N.",
        )
    if sample_history:
        from importers.sample_history import COMPLETE, write_sample_history

        complete = " ".join(f"--complete {sheet}" for sheet in COMPLETE)
        for day, _ in write_sample_history(out):
            click.echo(f"wijkgraaf import --as-of {day} {complete} {out / day}")
        return
    from importers.synthetic import sample_neighbourhood, synthetic_city, write_csv

    dataset = sample_neighbourhood() if sample else synthetic_city(residents or 0, seed=seed)
    for path in write_csv(dataset, out):
        click.echo(str(path))


DATA_COMMANDS = [
    template_command,
    import_command,
    export_command,
    restore_command,
    generate_command,
]
