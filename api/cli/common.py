"""What every ``wijkgraaf`` command shares: the error boundary, ``--db`` and settings."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from graph.errors import Language, WijkgraafError

if TYPE_CHECKING:
    from api.access.audit import AuditLog
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


def audit_cli(
    settings: Settings,
    action: str,
    kind: str,
    object_id: str,
    result: str = "ok",
    *,
    request_id: str | None = None,
) -> None:
    """Append a line to the audit log for a command that changed something or read persons,
    as the API does for its routes: the actor is the command line (key id ``cli``, with an
    administrator's powers), each command its own request id (``request_id``, for the lines
    of one command about several objects). The log's head is signed, as the server's."""
    import uuid

    from api.access.audit import Action, AuditEvent, ObjectKind, Result, Role

    audit_log(settings).append(
        AuditEvent(
            actor_key_id=CLI_ACTOR,
            actor_role=Role.ADMIN,
            action=Action(action),
            object_kind=ObjectKind(kind),
            object_id=object_id,
            result=Result(result),
            request_id=request_id or str(uuid.uuid4()),
        )
    )


#: The key id the command line is logged under: whoever may run it holds the installation.
CLI_ACTOR = "cli"


@contextmanager
def audited(settings: Settings, action: str, kind: str, *object_ids: str) -> Iterator[None]:
    """Log a command that reads persons as the API logs its routes: one line for each of its
    objects (the neighbourhoods it read, say), all under one request id, once what it asked
    for is worked out, or with how it failed (``not_found``, ``invalid``, ``error``). The
    commands print after the block, so one that cannot log shows nothing.

    An object is an id or code (never a name); where one is no valid id of ``kind`` (a
    mistyped one) the command is logged as of the whole graph, so the mistake itself is not
    written."""
    import uuid

    from api.access.audit import OBJECT_ID, ObjectKind
    from graph.errors import InvalidArgumentError, InvalidDataError, NotFoundError

    ids = tuple(dict.fromkeys(object_ids))
    patterns = OBJECT_ID[ObjectKind(kind)]
    if not ids or not all(any(p.match(i) for p in patterns) for i in ids):
        kind, ids = ObjectKind.GRAPH.value, (settings.graph_name,)
    request = str(uuid.uuid4())

    def log(result: str) -> None:
        for object_id in ids:
            audit_cli(settings, action, kind, object_id, result, request_id=request)

    try:
        yield
    except NotFoundError:
        log("not_found")
        raise
    except (InvalidArgumentError, InvalidDataError):
        log("invalid")
        raise
    except Exception:
        log("error")
        raise
    log("ok")


#: The kind of a record by the first letter of its pseudonymous id (as ``api.web.deps.KINDS``).
_NODE_KINDS = {"r": "resident", "p": "professional", "i": "initiative", "o": "organisation"}


def node_object(settings: Settings, node_id: str) -> tuple[str, str]:
    """What a command's line names as the object of one person's or initiative's network."""
    kind = _NODE_KINDS.get(node_id[:1])
    return (kind, node_id) if kind else ("graph", settings.graph_name)


def scope_object(settings: Settings, codes: tuple[str, ...]) -> tuple[str, ...]:
    """What a command's lines name as the objects of a question of ``codes``: every
    neighbourhood (pseudonymous area codes), or the whole graph."""
    return ("neighbourhood", *codes) if codes else ("graph", settings.graph_name)


def audit_log(settings: Settings) -> AuditLog:
    """The installation's audit log, its head signed with a key derived from the
    installation key."""
    from api.access.audit import AuditLog
    from api.access.audit_head import PURPOSE
    from graph.installation import derived_key

    return AuditLog(settings.audit_log, head_key=derived_key(settings, PURPOSE))
