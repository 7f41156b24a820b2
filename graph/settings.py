"""Wijkgraaf's settings: one object, every field with a default, a help text and a
``WIJKGRAAF_…`` environment variable.

Built by :func:`load_settings` rather than at import time, so the command line and tests can
override any field. The README documents every field; ``tests/test_docs.py`` keeps it so.

>>> s = load_settings(db="embedded:/tmp/wijkgraaf-example")
>>> s.db, s.batch_size
('embedded:/tmp/wijkgraaf-example', 5000)
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.errors import ConfigurationError

ENV_PREFIX = "WIJKGRAAF_"


def default_data_dir() -> Path:
    """The platform's per-user data directory for Wijkgraaf (for example ``~/.local/share``)."""
    return Path(platformdirs.user_data_dir("wijkgraaf", appauthor=False))


def default_key_file() -> Path:
    """The installation key lives in the user's config directory, apart from the data."""
    return Path(platformdirs.user_config_dir("wijkgraaf", appauthor=False)) / "secret.key"


def _default_db() -> str:
    return f"embedded:{default_data_dir()}"


class Settings(BaseSettings):
    """All settings; the environment variable of a field is ``WIJKGRAAF_`` + its upper name."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid")

    db: str = Field(
        default_factory=_default_db,
        description=(
            "Which database: `embedded:PATH` (FalkorDB started by Wijkgraaf, data in PATH; "
            "default: the platform's user data directory) or a Neo4j URI "
            "(`bolt://`, `bolt+s://`, `neo4j://`, `neo4j+s://`)."
        ),
    )
    neo4j_user: str = Field(default="neo4j", description="Neo4j user name.")
    neo4j_password: SecretStr = Field(
        default=SecretStr(""),
        description="Neo4j password; empty means connect without authentication.",
    )
    neo4j_database: str = Field(default="neo4j", description="Neo4j database name.")
    graph_name: str = Field(
        default="wijkgraaf",
        pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,62}$",
        description="Name of the graph inside the embedded FalkorDB server.",
    )
    batch_size: int = Field(
        default=5000, ge=1, le=100_000, description="Rows per batch when writing to the store."
    )
    startup_timeout: float = Field(
        default=60.0,
        gt=0,
        description="Seconds to wait for the embedded database to start or finish loading.",
    )
    embedded_idle: float = Field(
        default=900.0,
        ge=0,
        description=(
            "Seconds the embedded database keeps running after the last Wijkgraaf command or "
            "server using it has ended, so consecutive commands start warm; a keeper process "
            "then compacts its file and stops it. The question server, which keeps the "
            "network in memory for `wijkgraaf ask`, ends after as many seconds without a "
            "question. 0 stops the database with the last user and starts no question server. "
            "`wijkgraaf stop` stops both at once."
        ),
    )
    projection_cache: bool = Field(
        default=True,
        description=(
            "Keep the network questions' projection of the embedded database on disk, in its "
            "data folder, one signed file per graph version, so a command loads it in a "
            "fraction of the time; deleted at every import, restore and erasure. Never kept "
            "for Neo4j."
        ),
    )
    query_timeout: float = Field(
        default=60.0,
        ge=0,
        description="Seconds a read query may run before it is stopped; 0 means no limit.",
    )
    secret_key: SecretStr = Field(
        default=SecretStr(""),
        description=(
            "The installation's secret key for pseudonymising source ids (at least 32 "
            "characters); empty means: use the key file."
        ),
    )
    key_file: Path = Field(
        default_factory=default_key_file,
        description=(
            "File holding the installation's secret key; created on first use, readable by "
            "its owner only. Default: the platform's user config directory."
        ),
    )
    opportunity_min_residents: int = Field(
        default=10,
        ge=2,
        le=10_000,
        description=(
            "Collective opportunities: how many residents of one neighbourhood must share a "
            "support theme that no active initiative addresses."
        ),
    )
    lang: Literal["nl", "en"] = Field(
        default="nl", description="Language of messages and explanations: `nl` or `en`."
    )
    api_keys_file: Path = Field(
        default_factory=lambda: default_key_file().with_name("api-keys.json"),
        description=(
            "File of the HTTP API's keys (hashed, never the keys themselves), readable by its "
            "owner only. Default: beside the key file."
        ),
    )
    audit_log: Path = Field(
        default_factory=lambda: default_data_dir() / "audit.jsonl",
        description=(
            "The audit log: one hash-chained JSON line per person-level read or write, "
            "aggregate query, import and erasure. Default: in the user data directory."
        ),
    )
    cors_origins: list[str] = Field(
        default_factory=list,
        description=(
            "Web origins allowed to call the API from a browser, as a JSON list "
            '(`["https://wijkteam.example.nl"]`); empty: none.'
        ),
    )
    rate_limit: int = Field(
        default=600,
        ge=1,
        le=1_000_000,
        description="Requests per minute one API key may make; more are answered with 429.",
    )
    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1_024,
        description="Largest request body the API accepts, in bytes (uploads excepted).",
    )
    max_upload_bytes: int = Field(
        default=52_428_800,
        ge=1_024,
        description="Largest import upload the API accepts, in bytes (all files together).",
    )
    import_max_bytes: int = Field(
        default=536_870_912,
        ge=1_024,
        description=(
            "Largest file an import reads, in bytes; for a workbook (.xlsx), its size "
            "unpacked. A larger file is refused before it is read."
        ),
    )
    import_max_rows: int = Field(
        default=5_000_000,
        ge=1,
        description=(
            "Most rows one sheet of an import may have (for a network file: nodes, and "
            "edges); a sheet with more is refused while it is read."
        ),
    )
    max_page_size: int = Field(
        default=100,
        ge=1,
        le=10_000,
        description="Most items one page of an API answer may hold.",
    )
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description=(
            "Server processes of `wijkgraaf serve`, sharing its address; each holds its own "
            "copy of the network in memory, and the rate limit is divided among them."
        ),
    )


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with ``overrides`` (those not None) taking precedence."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = "; ".join(
            f"{env_name(str(error['loc'][0])) if error['loc'] else 'WIJKGRAAF_…'}: {error['msg']}"
            for error in exc.errors()
        )
        raise ConfigurationError(
            f"Ongeldige instelling: {problems}.", f"Invalid setting: {problems}."
        ) from exc


def env_name(field: str) -> str:
    """The environment variable that sets ``field``."""
    return ENV_PREFIX + field.upper()


def settings_environment(
    settings: Settings, fields: Iterable[str] | None = None
) -> dict[str, str]:
    """The environment variables that give another process ``settings`` (those the command
    line chose included): all of them, or only ``fields``.

    >>> settings_environment(Settings(db="embedded:/d", embedded_idle=5), ["embedded_idle"])
    {'WIJKGRAAF_EMBEDDED_IDLE': '5.0'}
    """
    environment = {}
    for field in Settings.model_fields if fields is None else fields:
        value = getattr(settings, field)
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, list | dict):
            value = json.dumps(value)  # how pydantic reads a complex value from the environment
        environment[env_name(field)] = str(value)
    return environment


@dataclass(frozen=True)
class DatabaseTarget:
    """A parsed ``--db`` value."""

    kind: Literal["embedded", "neo4j"]
    location: str  # a data directory for embedded, a URI for Neo4j

    @property
    def path(self) -> Path:
        return Path(self.location)


_NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def parse_db(value: str) -> DatabaseTarget:
    """Parse ``embedded:PATH`` or a Neo4j URI.

    >>> parse_db("embedded:/data/wijk")
    DatabaseTarget(kind='embedded', location='/data/wijk')
    >>> parse_db("bolt://127.0.0.1:7687").kind
    'neo4j'
    """
    if value.startswith("embedded:"):
        location = value.removeprefix("embedded:")
        if not location:
            raise ConfigurationError(
                "--db embedded: mist een map, bijvoorbeeld embedded:/pad/naar/data.",
                "--db embedded: needs a directory, for example embedded:/path/to/data.",
            )
        return DatabaseTarget("embedded", str(Path(location).expanduser().absolute()))
    if value.startswith(_NEO4J_SCHEMES):
        return DatabaseTarget("neo4j", value)
    raise ConfigurationError(
        f"Onbekende database {value!r}: gebruik embedded:PAD of een Neo4j-adres (bolt://…, neo4j://…).",
        f"Unknown database {value!r}: use embedded:PATH or a Neo4j URI (bolt://…, neo4j://…).",
    )
