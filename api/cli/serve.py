"""``wijkgraaf serve``: the HTTP API on this machine."""

from __future__ import annotations

import ipaddress
import os
import signal
from types import FrameType
from typing import TYPE_CHECKING

import click

from api.cli.common import db_option, settings_for

if TYPE_CHECKING:
    from fastapi import FastAPI


def loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Adres / address.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Ook op een ander adres dan loopback luisteren (achter een TLS-proxy) / "
    "listen on a non-loopback address too (behind a TLS proxy).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Serverprocessen / server processes (default: WIJKGRAAF_WORKERS, 1).",
)
@click.pass_context
def serve_command(
    ctx: click.Context,
    db: str | None,
    host: str,
    port: int,
    allow_remote: bool,
    workers: int | None,
) -> None:
    """Start de HTTP-API en de pagina's / start the HTTP API and the pages (loopback by
    default)."""
    from api.app import create_app

    if not loopback(host) and not allow_remote:
        raise click.UsageError(
            f"{host} is geen loopback-adres; voeg --allow-remote toe als dat zo bedoeld is / "
            f"{host} is not a loopback address; add --allow-remote if that is meant."
        )
    settings = settings_for(ctx, db)
    if workers is not None:
        settings = settings.model_copy(update={"workers": workers})
    click.echo(f"Wijkgraaf API: http://{host}:{port}/docs", err=True)
    if settings.workers == 1:
        run_server(create_app(settings), host, port)
        return
    # Each process builds its app from the environment: hand it what the command line chose.
    os.environ.update(
        WIJKGRAAF_DB=settings.db,
        WIJKGRAAF_LANG=settings.lang,
        WIJKGRAAF_WORKERS=str(settings.workers),
    )
    run_server("api.app:app_from_environment", host, port, workers=settings.workers)


def run_server(app: FastAPI | str, host: str, port: int, *, workers: int = 1) -> None:
    """Serve ``app`` until Ctrl+C or SIGTERM, then return through the callers' ``finally``
    blocks, so the store closes and the embedded database stops. With ``workers`` above 1,
    ``app`` names a factory (``module:function``) that each process calls.

    uvicorn stops gracefully on either signal and then raises it again with the handler that
    was there before it started: Python's default for SIGTERM would end the process on the
    spot, so SIGTERM is made to raise ``SystemExit`` first, as Ctrl+C raises
    ``KeyboardInterrupt``.
    """
    import uvicorn

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            workers=workers,
            factory=isinstance(app, str),
            log_level="warning",
            access_log=False,
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
