"""``wijkgraaf audit verify``: check the audit log's hash chain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from api.cli.common import WijkgraafGroup, settings_for

if TYPE_CHECKING:
    from graph.errors import Language


@click.group("audit", cls=WijkgraafGroup)
def audit_command() -> None:
    """Het auditlog / the audit log."""


@audit_command.command("verify")
@click.option(
    "--log",
    "log_path",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Het auditlog (standaard WIJKGRAAF_AUDIT_LOG) / the audit log (default "
    "WIJKGRAAF_AUDIT_LOG).",
)
@click.option(
    "--lang", "lang_option", type=click.Choice(["nl", "en"]), default=None, help="Taal / language."
)
@click.option("--json", "as_json", is_flag=True, help="Als JSON / as JSON.")
@click.pass_context
def verify_command(
    ctx: click.Context, log_path: Path | None, lang_option: str | None, as_json: bool
) -> None:
    """Controleer de keten van het auditlog / check the audit log's chain."""
    from api.access.audit import verify
    from api.access.audit_head import PURPOSE
    from graph.installation import derived_key

    settings = settings_for(ctx, None)
    lang: Language = "en" if (lang_option or settings.lang) == "en" else "nl"
    # held to its signed head too: lines cut off the end are found
    result = verify(log_path or settings.audit_log, head_key=derived_key(settings, PURPOSE))
    click.echo(json.dumps(result.as_json()) if as_json else result.message(lang))
    if not result.ok:
        ctx.exit(1)
