"""``/imports``: files imported with the same validation and report as ``wijkgraaf import``."""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile

from api.access.audit import Action, ObjectKind, Result, Role
from api.web.deps import CODE, Caller, Found, allow, record
from api.web.errors import ERROR_RESPONSES, ApiError
from importers.load import ImportOptions, run_import

router = APIRouter(responses=ERROR_RESPONSES)

UPLOAD_SUFFIXES = {".csv", ".xlsx", ".json", ".graphml", ".gexf", ".edgelist", ".txt"}


@router.post("/imports", tags=["imports"])
def upload(
    found: Found,
    who: Annotated[Caller, allow(Role.ADMIN)],
    files: Annotated[
        list[UploadFile], File(description="CSV, xlsx, JSON, GraphML, GEXF, edge lists")
    ],
    dry_run: Annotated[bool, Form()] = False,
    skip_invalid: Annotated[bool, Form()] = False,
    neighbourhood: Annotated[str | None, Form(pattern=CODE)] = None,
) -> dict[str, Any]:
    """Import files with the same validation and report as ``wijkgraaf import``; nothing
    is written when a file has an error (unless ``skip_invalid``)."""
    with tempfile.TemporaryDirectory(prefix="wijkgraaf-upload-") as work:
        paths = []
        for number, upload_file in enumerate(files, start=1):
            name = FilePath(upload_file.filename or f"upload-{number}").name
            if FilePath(name).suffix.lower() not in UPLOAD_SUFFIXES or name.startswith("."):
                raise ApiError(
                    422,
                    "unsupported_file",
                    f"Bestand {number}: kies CSV, xlsx, JSON, GraphML, GEXF of een edge list.",
                    f"File {number}: choose CSV, xlsx, JSON, GraphML, GEXF or an edge list.",
                )
            path = FilePath(work) / name
            path.write_bytes(upload_file.file.read())
            paths.append(path)
        options = ImportOptions(
            dry_run=dry_run, skip_invalid=skip_invalid, neighbourhood=neighbourhood
        )
        with found.write_lock:
            report = run_import(found.store, found.settings, paths, options)
    result = Result.INVALID if report.errors else Result.OK
    record(found, who, Action.IMPORT, ObjectKind.GRAPH, found.settings.graph_name, result)
    return report.as_json()
