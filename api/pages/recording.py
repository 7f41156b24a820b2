"""Recording in the pages: a coach (in their own neighbourhoods) or an administrator
(anywhere) adds or changes a resident with their consents, ties, strengths, support needs,
interests and participation, adds an initiative with who takes part, and undoes their own
last change.

Every form that writes

- shows it came from this site (:func:`api.pages.forms.session_form`), or is refused (403)
  and changes nothing; a policymaker's or an integration's is refused too (403), as is a
  revoked key's, and each refusal is logged (``denied``);
- names only what the caller may see (:mod:`api.pages.record_views`): a resident or an
  initiative outside a coach's world answers 404 as if absent, and a coach records in their
  own buurten only;
- is imported as a file of the templates would be (:mod:`api.pages.record_forms`): written
  as JSON to a private temporary folder, then read, checked and written by
  :func:`importers.load.run_import` — the same checks and messages, idempotent, recorded as
  an import run, all or nothing through the import journal (a row the importer would skip
  refuses it all: ``ImportOptions.whole``) — and what it overwrote is kept for the caller to
  undo (``ImportOptions.author``, :mod:`graph.changes`);
- leaves one line in the audit log: ``update`` (an undo too), the resident or initiative
  it is about, and how it went (``ok``; ``invalid`` when the importer refused it;
  ``not_found``; ``denied``; ``error``). Ids only: never a name or a source id.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.access.audit import Action, ObjectKind, Result, Role
from api.pages import record_forms as forms
from api.pages.access import LangQuery, chrome_for, html_page, page_allow, page_caller, page_url
from api.pages.forms import session_form
from api.pages.record_views import World, suggestions, undoable, world_of
from api.web.deps import (
    CODE,
    ID_PATTERN,
    KINDS,
    Caller,
    Found,
    Services,
    record,
    record_async,
    record_each,
    scope_objects,
)
from api.web.errors import PAGES_PREFIX, ApiError, not_found
from graph.analysis.results import Lang
from graph.changes import Author, Undo
from importers.load import ImportOptions, run_import
from importers.pseudonyms import installation_key, pseudonym
from importers.report import ImportReport
from visualise.records import RecordPage, render_notice, render_record, word
from visualise.site import Chrome, Link

router = APIRouter(prefix=PAGES_PREFIX, include_in_schema=False)

#: Where a form page opens: a refused form at its problems, a saved one at its notice.
FORM, SAVED = "#form-title", "#record-notice"
#: The name of the file a form is imported as (the import run's record names it).
FILES = {"resident": "formulier-bewoner.json", "initiative": "formulier-initiatief.json"}

AREA = Annotated[str | None, Query(pattern=CODE)]
WRITERS = (Role.COACH, Role.ADMIN)
NOT_YOURS = (
    "Vastleggen doet een coach, in de eigen buurten, of een beheerder; beleidsmakers en "
    "koppelingen kunnen dat niet.",
    "Recording is for a coach, in their own neighbourhoods, or an administrator; policymakers "
    "and integrations cannot record.",
)
TAKEN = {
    "resident": (
        "Er is al een bewoner met dit bron-id; wijzig die op de pagina van die bewoner.",
        "There is already a resident with this source id; change them on their own page.",
    ),
    "initiative": (
        "Er is al een initiatief met dit bron-id.",
        "There is already an initiative with this source id.",
    ),
}
UNDONE = {
    Undo.UNDONE: ("Uw laatste wijziging is ongedaan gemaakt.", "Your last change has been undone."),
    Undo.NOTHING: (
        "Er is geen wijziging van u om ongedaan te maken.",
        "There is no change of yours to undo.",
    ),
    Undo.CHANGED_SINCE: (
        "Uw laatste wijziging kan niet meer ongedaan worden gemaakt: sindsdien zijn dezelfde "
        "gegevens gewijzigd (door een import of iemand anders). Er is niets veranderd; pas de "
        "gegevens zo nodig zelf aan.",
        "Your last change can no longer be undone: the same facts have been changed since (by "
        "an import or someone else). Nothing was changed; correct the facts yourself if needed.",
    ),
}


def text_in(lang: Lang, pair: tuple[str, str]) -> str:
    return pair[0] if lang == "nl" else pair[1]


def writer(action: Action) -> Any:
    """A dependency that lets only a coach or an administrator send a form that writes (403
    for the other roles, logged as ``action``, ``denied``); a revoked key is signed out."""

    async def check(found: Found, who: Annotated[Caller, Depends(page_caller)]) -> Caller:
        if who.role not in WRITERS:
            graph = found.settings.graph_name
            await record_async(found, who, action, ObjectKind.GRAPH, graph, Result.DENIED)
            raise ApiError(403, "forbidden", *NOT_YOURS)
        return who

    return Depends(check)


def chrome_at(request: Request, who: Caller, lang: Lang, path: str, **params: Any) -> Chrome:
    """The header bar of the answer to a form, whose other language is the page at ``path``
    (a form's own address takes no GET)."""
    chrome = chrome_for(request, who, lang)
    chrome.other_lang = page_url(path, **params, lang="en" if lang == "nl" else "nl")
    return chrome


#: A recording page's reader: a coach or an administrator (403 for the other roles, logged).
Reader = Annotated[Caller, page_allow(*WRITERS)]
#: A form that writes: sent from this site with its session's token, by a coach or an
#: administrator whose key is active (each refusal logged as an ``update``).
FromHere = Annotated[Caller, session_form(Action.UPDATE)]
Writer = Annotated[Caller, writer(Action.UPDATE)]


def imported(found: Services, sheets: dict[str, Any], name: str, author: Author) -> ImportReport:
    """The form's rows imported as a file of the templates, all or nothing, with what they
    overwrite kept for ``author``."""
    options = ImportOptions(whole=True, stored_ids=True, author=author)
    with tempfile.TemporaryDirectory(prefix="wijkgraaf-form-") as work:
        path = FilePath(work) / name
        path.write_text(json.dumps(sheets, ensure_ascii=False), encoding="utf-8")
        with found.write_lock:
            return run_import(found.store, found.settings, [path], options)


def recorded_new(
    request: Request,
    found: Services,
    who: Caller,
    sent: dict[str, str],
    *,
    kind: str,
    parts: tuple[forms.Part, ...],
    page: Callable[[World, forms.Told], RecordPage],
    done: Callable[[str], str],
    lang: Lang,
) -> Response:
    """A form of a new resident or initiative (``kind``) with the rows around it, imported,
    then on to ``done(its id)``; refused as :mod:`this module <api.pages.recording>` says, its
    ``page`` again with what was wrong. Its source id must be new: one stored already is
    changed on its own page, not overwritten from here."""
    source_id = sent.get("bron_id", "")
    label, object_kind = KINDS[kind[0]]
    new_id = pseudonym(installation_key(found.settings), kind, source_id) if source_id else None
    audited = (object_kind, new_id) if new_id else (ObjectKind.GRAPH, found.settings.graph_name)
    result = Result.ERROR
    try:
        world = world_of(found, who)
        if not world.may_name(parts, sent):
            result = Result.NOT_FOUND
            raise not_found()
        said = world.own_area(sent, lang)
        if new_id and found.store.existing_ids(label, [new_id]):
            said.fields.setdefault("bron_id", []).append(text_in(lang, TAKEN[kind]))
        if not said.anything:
            sheets, rows = forms.document(parts, sent, own=source_id)
            report = imported(found, sheets, FILES[kind], Author(who.key.key_id, new_id or ""))
            said = forms.told(report, rows, lang)
        if new_id and not said.anything:
            result = Result.OK
            return RedirectResponse(done(new_id), status_code=303)
        result = Result.INVALID
        again = chrome_at(request, who, lang, f"/{kind}s/new", neighbourhood=sent.get("buurt"))
        return html_page(render_record(again, page(world, said)), 422)
    finally:
        record(found, who, Action.UPDATE, *audited, result)


# --- an initiative -------------------------------------------------------------------------------

INITIATIVE_PARTS = (forms.INITIATIVE, *forms.TAKING_PART)


def _new_initiative(
    found: Services,
    who: Caller,
    world: World,
    lang: Lang,
    sent: dict[str, str],
    *,
    said: forms.Told | None = None,
    saved: str | None = None,
) -> RecordPage:
    home = sent.get("buurt", "")
    around = world.context.area_codes((home,)) if home else set()
    options = {"area": world.buurten(), "resident": world.residents(around)}
    links, notice = [], None
    if saved is not None and world.initiative(saved):
        name = world.context.name(saved)
        notice = f"{word(lang, 'saved')} {name}"
        links.append(Link(page_url("/map", ego=saved, lang=lang), name))
    return RecordPage(
        title=word(lang, "new_initiative"),
        action=page_url("/initiatives", lang=lang) + FORM,
        sections=forms.sections(INITIATIVE_PARTS, sent, lang=lang, options=options, said=said),
        form_title=word(lang, "new_initiative"),
        links=links,
        refused=said is not None and said.anything,
        errors=said.form if said else [],
        notice=notice,
        undo=undoable(found.store.kept_change(who.key.key_id), world, lang),
        suggestions=suggestions(lang),
    )


@router.get("/initiatives/new")
def new_initiative_page(
    request: Request,
    found: Found,
    who: Reader,
    neighbourhood: AREA = None,
    saved: Annotated[str | None, Query(pattern=ID_PATTERN[ObjectKind.INITIATIVE])] = None,
    lang: LangQuery = "nl",
) -> HTMLResponse:
    """The form of a new initiative and who takes part, in ``neighbourhood``; the residents
    it offers to choose are read, and logged, as that neighbourhood's (a coach's: theirs)."""
    world = world_of(found, who)
    page = _new_initiative(found, who, world, lang, {"buurt": neighbourhood or ""}, saved=saved)
    record_each(found, who, Action.READ, listed(found, who, neighbourhood))
    return html_page(render_record(chrome_for(request, who, lang), page))


def listed(found: Services, who: Caller, neighbourhood: str | None) -> list[tuple[ObjectKind, str]]:
    """What a new resident's or initiative's form lists residents of, as the audit log names
    it: a coach's neighbourhoods, else the one the form is for (else none: the graph)."""
    return scope_objects(found, who.within or ((neighbourhood,) if neighbourhood else ()))


@router.post("/initiatives")
async def record_new_initiative(
    request: Request,
    found: Found,
    checked: FromHere,
    who: Writer,
    lang: LangQuery = "nl",
) -> Response:
    """A new initiative with who takes part, imported; the form again, to add another."""
    sent = forms.values(await request.form(), INITIATIVE_PARTS)

    def done(new_id: str) -> str:
        where = {"neighbourhood": sent["buurt"], "saved": new_id, "lang": lang}
        return page_url("/initiatives/new", **where) + SAVED

    def page(world: World, said: forms.Told) -> RecordPage:
        return _new_initiative(found, who, world, lang, sent, said=said)

    return await run_in_threadpool(
        recorded_new, request, found, who, sent,
        kind="initiative", parts=INITIATIVE_PARTS, page=page, done=done, lang=lang,
    )  # fmt: skip


# --- undo ----------------------------------------------------------------------------------------


@router.post("/undo")
async def undo_last_change(
    request: Request,
    found: Found,
    checked: FromHere,
    who: Writer,
    lang: LangQuery = "nl",
) -> HTMLResponse:
    """The caller's own last change undone, if nothing newer touched the same facts."""
    return await run_in_threadpool(_undone, request, found, who, lang)


def _undone(request: Request, found: Services, who: Caller, lang: Lang) -> HTMLResponse:
    kept = found.store.kept_change(who.key.key_id)
    subject = kept.author.subject if kept is not None else ""
    kind, object_id = (
        (KINDS[subject[0]][1], subject) if subject else (ObjectKind.KEY, who.key.key_id)
    )
    result = Result.ERROR
    try:
        with found.write_lock:
            outcome = found.store.undo_change(who.key.key_id, uuid.uuid4().hex)
        result = RESULTS[outcome]
    finally:
        record(found, who, Action.UPDATE, kind, object_id, result)
    world = world_of(found, who)
    links = [Link(page_url("/", lang=lang), word(lang, "to_overview"))]
    if subject in world.context.fabric:
        name = world.context.name(subject)
        links.insert(0, Link(page_url("/map", ego=subject, lang=lang), name))
        if world.resident(subject):
            links.insert(0, Link(page_url(f"/residents/{subject}", lang=lang), name))
    page = render_notice(
        chrome_at(request, who, lang, "/"),
        title=word(lang, "undo"),
        message=text_in(lang, UNDONE[outcome]),
        links=links,
    )
    return html_page(page, 409 if outcome is Undo.CHANGED_SINCE else 200)


RESULTS = {
    Undo.UNDONE: Result.OK,
    Undo.NOTHING: Result.NOT_FOUND,
    Undo.CHANGED_SINCE: Result.INVALID,
}
