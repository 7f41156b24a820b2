"""Recording in the pages, a resident: what is known of them with the form of a conversation
(``/pages/residents/{id}``), and a new resident (``/pages/residents/new``); the rules every
form that writes follows are :mod:`api.pages.recording`'s.

A resident's details are a row of ``bewoners``, which the importer names by the resident's
source id: it is opened from the sealed ``source_ref`` on the server, put in that row and
never shown or logged. Where it does not open here (imported without one, or under another
installation key), their details are left out of the form; ties, strengths and the rest name
the resident by their id and are recorded all the same.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.access.audit import Action, ObjectKind, Result, Role
from api.pages import record_forms as forms
from api.pages.access import LangQuery, chrome_for, html_page, page_url
from api.pages.record_views import World, known, suggestions, undoable, world_of
from api.pages.recording import (
    AREA,
    FILES,
    FORM,
    SAVED,
    FromHere,
    Reader,
    Writer,
    imported,
    listed,
    recorded_new,
)
from api.web.deps import ID_PATTERN, Caller, Found, Services, record, record_each
from api.web.errors import PAGES_PREFIX, not_found
from graph.analysis.results import Lang
from graph.changes import Author
from graph.errors import NotFoundError
from graph.model import NodeLabel
from graph.source_ids import PROPERTY, SourceIds
from graph.store import Node
from visualise.records import RecordPage, render_record, word
from visualise.site import Link

router = APIRouter(prefix=PAGES_PREFIX, include_in_schema=False)

RESIDENT = Annotated[str, Path(pattern=ID_PATTERN[ObjectKind.RESIDENT])]


NEW_PARTS = (forms.NEW_RESIDENT, *forms.CONVERSATION)


def _parts(opened: str | None) -> tuple[forms.Part, ...]:
    """A conversation's parts: the resident's details where their source id is known here
    (the importer names a resident by it), and what else a conversation may teach."""
    return (forms.DETAILS, *forms.CONVERSATION) if opened else forms.CONVERSATION


def _opened(found: Services, node: Node) -> str | None:
    return SourceIds.of(found.settings).open(node.id, node.properties.get(PROPERTY))


def _details(props: dict[str, Any]) -> dict[str, str]:
    """A resident's details as their form shows them."""
    return {
        "naam": str(props.get("display_name") or ""),
        "buurt": str(props.get("neighbourhood") or ""),
        "leeftijd": str(props.get("age_band") or ""),
        "toestemming_naam": "ja" if props.get("consent_name") else "",
        "toestemming_contact": "ja" if props.get("consent_contact") else "",
    }


def _facts(props: dict[str, Any], world: World, lang: Lang) -> list[tuple[str, str]]:
    nl, home = lang == "nl", str(props.get("neighbourhood") or "")
    yes, no = ("ja", "nee") if nl else ("yes", "no")
    return [
        ("Buurt" if nl else "Neighbourhood", world.context.area_name(home) if home else "—"),
        ("Leeftijd" if nl else "Age band", str(props.get("age_band") or "—")),
        ("Naam tonen" if nl else "Name shown", yes if props.get("consent_name") else no),
        ("Benaderen" if nl else "May be approached", yes if props.get("consent_contact") else no),
    ]


def _resident_page(
    found: Services,
    who: Caller,
    world: World,
    node: Node,
    lang: Lang,
    *,
    sent: dict[str, str] | None = None,
    said: forms.Told | None = None,
    notice: str | None = None,
) -> RecordPage:
    """A resident: what is known of them, and the form of a conversation with them."""
    resident_id, props = node.id, node.properties
    opened = _opened(found, node)
    home = str(props.get("neighbourhood") or "")
    options = {
        "area": world.buurten(),
        "resident": world.residents(world.context.area_codes((home,)), but=resident_id),
        "initiative": world.initiatives(),
    }
    links = [Link(page_url("/map", ego=resident_id, lang=lang), word(lang, "network"))]
    if who.role == Role.COACH:
        source = page_url(f"/source-id/{resident_id}", lang=lang)
        links.append(Link(source, word(lang, "source_id")))
    name = world.context.name(resident_id)
    shown = sent if sent is not None else _details(props)
    return RecordPage(
        title=name if props.get("display_name") else f"{word(lang, 'resident')} {name}",
        action=page_url(f"/residents/{resident_id}", lang=lang) + FORM,
        sections=forms.sections(_parts(opened), shown, lang=lang, options=options, said=said),
        form_title=word(lang, "record"),
        known=known(world, found.store.neighbours(NodeLabel.RESIDENT, resident_id), lang),
        details=_facts(props, world, lang),
        links=links,
        refused=said is not None and said.anything,
        errors=said.form if said else [],
        notice=notice,
        undo=undoable(found.store.kept_change(who.key.key_id), world, lang),
        hint=word(lang, "record_hint" if opened else "no_source"),
        suggestions=suggestions(lang),
    )


def _resident(found: Services, world: World, resident_id: str) -> Node | None:
    """The resident, if the caller may see them (None: 404, as if absent)."""
    if not world.resident(resident_id):
        return None
    try:
        return found.store.get_node(NodeLabel.RESIDENT, resident_id)
    except NotFoundError:
        return None


@router.get("/residents/new")
def new_resident_page(
    request: Request,
    found: Found,
    who: Reader,
    neighbourhood: AREA = None,
    lang: LangQuery = "nl",
) -> HTMLResponse:
    """The form of a new resident, in ``neighbourhood``; the residents it offers to choose
    are read, and logged, as that neighbourhood's (a coach's: theirs)."""
    world = world_of(found, who)
    page = _new_resident(found, who, world, lang, {"buurt": neighbourhood or ""})
    record_each(found, who, Action.READ, listed(found, who, neighbourhood))
    return html_page(render_record(chrome_for(request, who, lang), page))


def _new_resident(
    found: Services,
    who: Caller,
    world: World,
    lang: Lang,
    sent: dict[str, str],
    said: forms.Told | None = None,
) -> RecordPage:
    home = sent.get("buurt", "")
    options = {
        "area": world.buurten(),
        "resident": world.residents(world.context.area_codes((home,)) if home else set()),
        "initiative": world.initiatives(),
    }
    return RecordPage(
        title=word(lang, "new_resident"),
        action=page_url("/residents", lang=lang) + FORM,
        sections=forms.sections(NEW_PARTS, sent, lang=lang, options=options, said=said),
        form_title=word(lang, "record"),
        refused=said is not None and said.anything,
        errors=said.form if said else [],
        undo=undoable(found.store.kept_change(who.key.key_id), world, lang),
        hint=word(lang, "record_hint"),
        suggestions=suggestions(lang),
    )


@router.get("/residents/{resident_id}")
def resident_page(
    request: Request,
    found: Found,
    who: Reader,
    resident_id: RESIDENT,
    saved: bool = False,
    lang: LangQuery = "nl",
) -> HTMLResponse:
    """A resident: what is known of them, and the form of a conversation with them."""
    world = world_of(found, who)
    node = _resident(found, world, resident_id)
    if node is None:
        record(found, who, Action.READ, ObjectKind.RESIDENT, resident_id, Result.NOT_FOUND)
        raise not_found()
    notice = word(lang, "saved") if saved else None
    page = _resident_page(found, who, world, node, lang, notice=notice)
    record(found, who, Action.READ, ObjectKind.RESIDENT, resident_id)
    return html_page(render_record(chrome_for(request, who, lang), page))


@router.post("/residents/{resident_id}")
async def record_conversation(
    request: Request,
    found: Found,
    checked: FromHere,
    who: Writer,
    resident_id: RESIDENT,
    lang: LangQuery = "nl",
) -> Response:
    """What a conversation with a resident taught, imported; back to their page."""
    form = await request.form()
    return await run_in_threadpool(_conversation, request, found, who, resident_id, form, lang)


def _conversation(
    request: Request, found: Services, who: Caller, resident_id: str, form: Any, lang: Lang
) -> Response:
    result = Result.ERROR
    try:
        world = world_of(found, who)
        node = _resident(found, world, resident_id)
        opened = _opened(found, node) if node is not None else None
        parts = _parts(opened)
        sent = forms.values(form, parts)
        if node is None or not world.may_name(parts, sent):
            result = Result.NOT_FOUND
            raise not_found()
        said = world.own_area(sent, lang) if opened else forms.Told()
        if not said.anything:
            fixed = {"bewoner": {"bron_id": opened or ""}}
            sheets, rows = forms.document(parts, sent, own=resident_id, fixed=fixed)
            author = Author(who.key.key_id, resident_id)
            report = imported(found, sheets, FILES["resident"], author)
            said = forms.told(report, rows, lang)
        if not said.anything:
            result = Result.OK
            target = page_url(f"/residents/{resident_id}", saved="true", lang=lang) + SAVED
            return RedirectResponse(target, status_code=303)
        result = Result.INVALID
        page = _resident_page(found, who, world, node, lang, sent=sent, said=said)
        return html_page(render_record(chrome_for(request, who, lang), page), 422)
    finally:
        record(found, who, Action.UPDATE, ObjectKind.RESIDENT, resident_id, result)


@router.post("/residents")
async def record_new_resident(
    request: Request,
    found: Found,
    checked: FromHere,
    who: Writer,
    lang: LangQuery = "nl",
) -> Response:
    """A new resident with what the conversation taught, imported; on to their page."""
    sent = forms.values(await request.form(), NEW_PARTS)

    def done(new_id: str) -> str:
        return page_url(f"/residents/{new_id}", saved="true", lang=lang) + SAVED

    def page(world: World, said: forms.Told) -> RecordPage:
        return _new_resident(found, who, world, lang, sent, said)

    return await run_in_threadpool(
        recorded_new, request, found, who, sent,
        kind="resident", parts=NEW_PARTS, page=page, done=done, lang=lang,
    )  # fmt: skip
