"""What every ``wijkgraaf`` command shares: the error boundary, ``--db`` and settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from graph.errors import Language, WijkgraafError

if TYPE_CHECKING:
    from graph.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


class ProgressLines(logging.Handler):
    """Prints the progress graph code reports (:mod:`graph.progress`) on standard error, in
    the language of the command."""

    def __init__(self, ctx: click.Context) -> None:
        super().__init__(logging.INFO)
        self._ctx = ctx

    def emit(self, record: logging.LogRecord) -> None:
        nl = getattr(record, "nl", None)
        text = nl if nl and _lang_of(self._ctx) == "nl" else record.getMessage()
        click.echo(text, err=True)


class WijkgraafGroup(click.Group):
    """A click group that turns Wijkgraaf errors into one line and exit code 1, and shows
    the progress of long operations on standard error."""

    def invoke(self, ctx: click.Context) -> Any:
        progress = logging.getLogger("wijkgraaf.progress")
        lines = ProgressLines(ctx)
        progress.addHandler(lines)
        progress.setLevel(logging.INFO)
        try:
            return super().invoke(ctx)
        except WijkgraafError as exc:
            lang = _lang_of(ctx)
            prefix = "fout" if lang == "nl" else "error"
            line = " ".join(exc.message(lang).split())  # one line, whatever the cause said
            click.echo(f"{prefix}: {line}", err=True)
            ctx.exit(1)
        finally:
            progress.removeHandler(lines)


def _lang_of(ctx: click.Context) -> Language:
    options = ctx.obj or {}
    lang = options.get("lang")
    if lang in ("nl", "en"):
        return "nl" if lang == "nl" else "en"
    from graph.settings import load_settings

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
    from graph.settings import load_settings

    options = ctx.obj or {}
    return load_settings(db=db or options.get("db"), lang=options.get("lang"))
