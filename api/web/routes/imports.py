"""``/imports``: files imported with the same validation and report as ``wijkgraaf import``."""

from __future__ import annotations

import re
import shutil
import tempfile
from datetime import date
from enum import StrEnum
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile

from api.access.audit import Action, ObjectKind, Result, Role
from api.web.deps import CODE, Caller, Found, allow, record
from api.web.errors import ERROR_RESPONSES, ApiError
from importers.limits import FORBIDDEN_CHARACTER
from importers.load import COMPLETE_NAMES, ImportOptions, run_import

router = APIRouter(responses=ERROR_RESPONSES)

if TYPE_CHECKING:
    CompleteSheet = str
else:  # the sheets that can be declared complete, as the OpenAPI description lists them
    CompleteSheet = StrEnum("CompleteSheet", {name: name for name in COMPLETE_NAMES})

UPLOAD_SUFFIXES = {
    ".csv", ".xlsx", ".json", ".graphml", ".gexf", ".edgelist", ".edges", ".adjlist",
    ".multiline-adjlist", ".net", ".txt",
}  # fmt: skip
#: A file's format by its media type, where its name has no suffix at all
#: (``curl -F 'files=@export;type=text/csv'``); the schema lists them, so a client knows.
MEDIA_SUFFIX = {
    "text/csv": ".csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/json": ".json",
    "application/graphml+xml": ".graphml",
    "application/gexf+xml": ".gexf",
    "text/plain": ".txt",
}
FILE_TYPES = {
    "multipart/form-data": {"encoding": {"files": {"contentType": ", ".join(MEDIA_SUFFIX)}}}
}


@router.post(
    "/imports",
    tags=["imports"],
    openapi_extra={"requestBody": {"content": FILE_TYPES}},
)
def upload(
    found: Found,
    who: Annotated[Caller, allow(Role.ADMIN)],
    files: Annotated[
        list[UploadFile],
        File(description="CSV, xlsx, JSON, GraphML, GEXF, edge lists", min_length=1),
    ],
    dry_run: Annotated[bool, Form()] = False,
    skip_invalid: Annotated[bool, Form()] = False,
    neighbourhood: Annotated[str | None, Form(pattern=CODE)] = None,
    accept_new_areas: Annotated[bool, Form()] = False,
    # absent: today. Not ``date | None``: a form field has no null, and a client that sends
    # one as text would be refused for a request the description allows
    as_of: Annotated[
        date,  # noqa: RUF013 - absent is today; the form field has no null (above)
        Form(description="Datum die de gegevens beschrijven / date the data describes"),
    ] = None,  # type: ignore[assignment]
    complete: Annotated[
        list[CompleteSheet],
        Form(description="Volledige bladen (deelname, contacten, …) / complete sheets"),
    ] = [],  # noqa: B006 - FastAPI reads the default, never mutates it
) -> dict[str, Any]:
    """Import files with the same validation and report as ``wijkgraaf import``; nothing
    is written when a file has an error (unless ``skip_invalid``). Every import is logged,
    refused and failed ones too."""
    result = Result.ERROR
    try:
        with tempfile.TemporaryDirectory(prefix="wijkgraaf-upload-") as work:
            paths = [
                _saved(FilePath(work), number, upload_file)
                for number, upload_file in enumerate(files, start=1)
            ]
            options = ImportOptions(
                dry_run=dry_run, skip_invalid=skip_invalid, neighbourhood=neighbourhood,
                accept_new_areas=accept_new_areas, complete=tuple(map(str, complete)),
                as_of=as_of.isoformat() if as_of is not None else None,
            )  # fmt: skip
            with found.write_lock:
                report = run_import(found.store, found.settings, paths, options)
        result = Result.INVALID if report.errors else Result.OK
    except ApiError:
        result = Result.INVALID
        raise
    finally:
        record(found, who, Action.IMPORT, ObjectKind.GRAPH, found.settings.graph_name, result)
    return report.as_json()


#: A folder of an upload's name as the client sent it (``a/bewoners.csv``): plain parts only.
_FOLDER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _saved(work: FilePath, number: int, upload_file: UploadFile) -> FilePath:
    """The upload written to a folder of its own, so two files of the same name are two
    files; named as the client named it, without any folder it cannot hold (``..``, ``/``),
    its format's suffix added from its media type where the name has none; refused when
    its name holds a control character or a suffix the importers do not know."""
    given = (upload_file.filename or f"upload-{number}").replace("\\", "/")
    name = given.rpartition("/")[2]
    folder = given.rpartition("/")[0].rpartition("/")[2]
    media = (upload_file.content_type or "").partition(";")[0].strip().lower()
    if not FilePath(name).suffix and media in MEDIA_SUFFIX:
        name += MEDIA_SUFFIX[media]
    if (
        FilePath(name).suffix.lower() not in UPLOAD_SUFFIXES
        or name.startswith(".")
        or FORBIDDEN_CHARACTER.search(name)
        or len(name) > 200
    ):
        raise ApiError(
            422,
            "unsupported_file",
            f"Bestand {number}: kies CSV, xlsx, JSON, GraphML, GEXF of een edge list, met een "
            "gewone naam.",
            f"File {number}: choose CSV, xlsx, JSON, GraphML, GEXF or an edge list, with a "
            "plain name.",
        )
    directory = work / (folder if _FOLDER.match(folder) else f"upload-{number}")
    if (directory / name).exists():
        directory = work / f"upload-{number}"
    directory.mkdir(exist_ok=True)
    path = directory / name
    with path.open("wb") as out:
        shutil.copyfileobj(upload_file.file, out, 1 << 20)
    return path
