"""What every ``wijkgraaf`` command shares: the error boundary, ``--db`` and settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from graph.errors import Language, WijkgraafError
from graph.settings import Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])


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
