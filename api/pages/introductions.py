"""Following up an introduction from a question page: beside each introduction an answer
proposes, where it stands and a form to mark it (:mod:`graph.introductions`).

A question page of a coach or an administrator shows, for each item, the introductions it
proposes (:func:`graph.analysis.proposals.proposals`): the other end's name, the status
recorded, and a form with the statuses it may still become. A resident who did not agree to
be contacted gets no form, only that note. The form posts to ``/pages/introductions`` with the
session's form token (:mod:`api.pages.forms`: refused from another site or without it, and
logged), is marked exactly as ``POST /introductions`` marks (:func:`api.web.routes.
introductions.mark`: the coach's neighbourhoods, consent, the transitions, one audit line),
and leads back to the page it came from, which shows the answer after it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from api.access.audit import Action, ObjectKind, Result, Role
from api.pages.access import FORBIDDEN_PAGE, SAFE_NEXT, page_url
from api.pages.forms import session_form
from api.web.deps import Caller, Found, record
from api.web.errors import PAGES_PREFIX, ApiError
from api.web.routes.introductions import END, PAIRS, mark
from graph.analysis.context import NetworkContext
from graph.analysis.proposals import proposals
from graph.analysis.results import Answer, Lang
from graph.introductions import STATUS_NAMES, TRANSITIONS
from graph.model import IntroductionStatus
from visualise.site import FollowUp
from visualise.words import word

router = APIRouter(prefix=PAGES_PREFIX, include_in_schema=False)

#: Where a question page's forms post.
ACTION = PAGES_PREFIX + "/introductions"


def _status_name(status: IntroductionStatus, lang: Lang) -> str:
    nl, en = STATUS_NAMES[status]
    return nl if lang == "nl" else en


def follow_ups(context: NetworkContext, answer: Answer, lang: Lang) -> dict[str, list[FollowUp]]:
    """Per item of ``answer``, the introductions it proposes as its page offers to follow them
    up, worked out on the same part of the network the answer was."""
    found: dict[str, list[FollowUp]] = {}
    for item, proposed in proposals(answer).items():
        rows = []
        for proposal in proposed:
            other = proposal.target if proposal.source == item else proposal.source
            recorded = context.introduction(proposal.source, proposal.target)
            current = IntroductionStatus(recorded) if recorded else None
            willing = all(
                end in context.fabric and context.may_contact(end)
                for end in (proposal.source, proposal.target)
            )
            options = tuple(
                (status.value, _status_name(status, lang))
                for status in IntroductionStatus
                if willing and status != current and status in TRANSITIONS[current]
            )
            rows.append(
                FollowUp(
                    label=context.name(other) if other in context.fabric else other[:8],
                    status=_status_name(current, lang) if current else None,
                    source=proposal.source,
                    target=proposal.target,
                    options=options,
                    note=None if willing else word(lang, "no_contact_consent"),
                )
            )
        found[item] = rows
    return found


@router.post("/introductions")
def follow_up(
    found: Found,
    who: Annotated[Caller, session_form(Action.INTRODUCE)],
    source: Annotated[str, Form(pattern=END)],
    target: Annotated[str, Form(pattern=END)],
    status: Annotated[IntroductionStatus, Form()],
    back: Annotated[str, Form(max_length=2000)] = PAGES_PREFIX + "/",
    lang: Annotated[Lang, Form()] = "nl",
) -> Response:
    """Mark an introduction from a question page, then back to that page."""
    if who.role not in (Role.COACH, Role.ADMIN):
        graph = found.settings.graph_name
        record(found, who, Action.INTRODUCE, ObjectKind.GRAPH, graph, Result.DENIED)
        raise ApiError(403, "forbidden", *FORBIDDEN_PAGE)
    if (source[0], target[0]) not in PAIRS:
        raise ApiError(
            422,
            "not_an_introduction",
            "Dit is geen introductie die Wijkgraaf voorstelt; er is niets veranderd.",
            "This is no introduction Wijkgraaf proposes; nothing was changed.",
        )
    mark(found, who, source, target, status)
    target_page = back if SAFE_NEXT.match(back) else page_url("/", lang=lang)
    return RedirectResponse(target_page, status_code=303)
