"""``wijkgraaf keys``: make, list and revoke the HTTP API's keys."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from api.access.roles import Role
from api.cli.common import WijkgraafGroup, audit_cli, settings_for

if TYPE_CHECKING:
    from api.access.api_keys import KeyStore


def _store(ctx: click.Context) -> KeyStore:
    from api.access.api_keys import KeyStore  # pydantic and the importers' codes: only when it runs

    return KeyStore(settings_for(ctx, None).api_keys_file)


def _english(ctx: click.Context) -> bool:
    return (ctx.obj or {}).get("lang") == "en" or settings_for(ctx, None).lang == "en"


@click.group("keys", cls=WijkgraafGroup)
def keys_command() -> None:
    """API-sleutels maken, tonen en intrekken / make, list and revoke API keys."""


@keys_command.command("create")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option(
    "--neighbourhood",
    "neighbourhoods",
    multiple=True,
    metavar="CODE",
    help="Buurt of wijk van een coach (herhaalbaar) / a coach's neighbourhood (repeatable).",
)
@click.option("--label", default=None, help="Notitie, zonder persoonsgegevens / a note.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def create(
    ctx: click.Context, role: str, neighbourhoods: tuple[str, ...], label: str | None, as_json: bool
) -> None:
    """Maak een sleutel; het token wordt één keer getoond / make a key; its token shows once."""
    key, token = _store(ctx).create(Role(role), neighbourhoods, label)
    audit_cli(settings_for(ctx, None), "key_create", "key", key.key_id)
    if as_json:
        click.echo(json.dumps({**key.model_dump(mode="json"), "token": token}))
        return
    click.echo(token)
    if _english(ctx):
        click.echo(f"Key {key.key_id} ({key.role.value}); the token is not shown again.", err=True)
    else:
        click.echo(
            f"Sleutel {key.key_id} ({key.role.value}); het token komt niet meer terug.", err=True
        )


@keys_command.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def list_keys(ctx: click.Context, as_json: bool) -> None:
    """Toon de sleutels (nooit een token) / list the keys (never a token)."""
    found = _store(ctx).list()
    if as_json:
        click.echo(json.dumps([key.model_dump(mode="json") for key in found]))
        return
    for key in found:
        state = "ingetrokken" if key.revoked else "actief"
        if _english(ctx):
            state = "revoked" if key.revoked else "active"
        areas = ",".join(key.neighbourhoods) or "-"
        click.echo(f"{key.key_id}  {key.role.value:<12} {state:<12} {areas}  {key.label or ''}")


@keys_command.command("revoke")
@click.argument("key_id")
@click.pass_context
def revoke(ctx: click.Context, key_id: str) -> None:
    """Trek een sleutel in / revoke a key."""
    from api.access.audit import KEY_ID
    from graph.errors import NotFoundError

    settings = settings_for(ctx, None)
    try:
        key = _store(ctx).revoke(key_id)
    except NotFoundError:
        if KEY_ID.match(key_id):  # an id that could be one is logged; any other text is not
            audit_cli(settings, "key_revoke", "key", key_id, "not_found")
        raise
    audit_cli(settings, "key_revoke", "key", key.key_id)
    message = "revoked" if _english(ctx) else "ingetrokken"
    click.echo(f"{key.key_id} {message}")
