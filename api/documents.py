"""The documents answers are given as: one shape wherever an answer is read.

The HTTP API sends these and the command line's ``--json`` prints them, both through
:func:`api.answers.document_json`, so ``wijkgraaf ask --json`` and ``GET /questions/{q}``
(or ``wijkgraaf recommend --json`` and ``GET /recommendations``) give the same document.
The API describes them in its OpenAPI schema (:mod:`api.web.schemas` re-exports them).

- A question's answer is the :class:`~graph.analysis.results.Answer` itself: items with
  reasons in Dutch and English (``{code, nl, en, data}``).
- What changed between two dates (``wijkgraaf changes --json``, ``GET /changes``) is the
  :class:`~graph.analysis.changes.ChangesAnswer` itself: the figures of both dates, and lists
  of items as a question's answer has them (persons with their buurt and age band, names
  only with consent), the communities under one numbering.
- Recommendations come in pages: :class:`RecommendationsForCoach` for a coach or an
  administrator (and the command line), :class:`RecommendationsForIntegration` for another
  system (pseudonymous ids and codes, no names or texts, nothing resting on a
  special-category need); ``view`` says which (:data:`Recommendations`), so a client tells
  them apart even when a page is empty.

They live outside :mod:`api.web` because the command line, which never imports the HTTP API,
prints them too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, Field

from graph.analysis.results import Item

if TYPE_CHECKING:
    from api.answers import Wanted
    from graph.analysis.results import Answer


class Page(BaseModel):
    """Where a page of items sits in the whole, ordered by score then id (stable)."""

    total: int
    page: int
    page_size: int


class RecommendationsForCoach(BaseModel):
    """Recommendations as a coach (or admin) reads them."""

    #: whose view this is: tells it from an integration's, an empty page included
    view: Literal["coach"]
    kind: str
    subject: str
    version: int
    paging: Page
    items: list[Item]


class MachineReason(BaseModel):
    code: str
    data: dict[str, Any] = Field(default_factory=dict)


class IntegrationItem(BaseModel):
    id: str
    kind: str
    score: float
    reasons: list[MachineReason]
    path: list[str]


class RecommendationsForIntegration(BaseModel):
    """Recommendations for another system: pseudonymous ids and codes, no names, no text,
    and nothing that rests on a special-category need (health and the like)."""

    #: whose view this is: tells it from a coach's, an empty page included
    view: Literal["integration"]
    kind: str
    subject: str
    version: int
    paging: Page
    items: list[IntegrationItem]


#: The recommendations as the API answers them: the two views, told apart by ``view``.
Recommendations = Annotated[
    RecommendationsForCoach | RecommendationsForIntegration, Field(discriminator="view")
]


def special(item: Item) -> bool:
    """Whether anything in the item rests on a special-category need."""
    return any(reason.data.get("special_category") for reason in item.reasons)


def for_integration(item: Item) -> IntegrationItem:
    return IntegrationItem(
        id=item.id,
        kind=item.kind,
        score=item.score,
        reasons=[MachineReason(code=r.code, data=r.data) for r in item.reasons],
        path=item.path,
    )


def recommendations_document(
    answer: Answer, wanted: Wanted, *, page: int = 1, page_size: int = 20
) -> RecommendationsForCoach | RecommendationsForIntegration:
    """One page of the recommendations ``wanted``: for an integration (``wanted.published``)
    without names, texts or anything special-category, else as a coach reads them."""
    start = (page - 1) * page_size
    window = slice(start, start + page_size)
    if wanted.published:
        safe = [for_integration(item) for item in answer.items if not special(item)]
        return RecommendationsForIntegration(
            view="integration",
            kind=wanted.kind,
            subject=wanted.subject,
            version=answer.version,
            paging=Page(total=len(safe), page=page, page_size=page_size),
            items=safe[window],
        )
    return RecommendationsForCoach(
        view="coach",
        kind=wanted.kind,
        subject=wanted.subject,
        version=answer.version,
        paging=Page(total=len(answer.items), page=page, page_size=page_size),
        items=answer.items[window],
    )
