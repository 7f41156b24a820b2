"""One way to ask: this caller asks this question, or for these recommendations, in this scope.

The HTTP API's routes (:mod:`api.web.routes.questions`, :mod:`api.web.routes.recommendations`),
the pages (:mod:`api.pages.views`) and the command line (:mod:`api.cli.questions`) all ask
here, so a question is scoped, answered, cached and serialised the same way wherever it comes
from:

- **Scope.** A caller works ``within`` some areas (a coach: their neighbourhoods; everyone
  else: the whole graph, ``()``). The neighbourhoods they name must lie within those areas,
  else the answer is :class:`~graph.errors.NotFoundError`, as if they did not exist; naming
  none means all of their own (:meth:`AnswerService.codes`).
- **Answers** come from the :class:`~graph.analysis.engine.Analyst`, which keeps them per graph
  version; :meth:`AnswerService.cached_ask` finds one without computing or loading anything,
  for a server's event loop.
- **Serialised once, one way.** An answer is given as a document of :mod:`api.documents`,
  turned into JSON by :func:`document_json` alone: the API's answer and the command line's
  ``--json`` are the same bytes. The API makes it once per graph version and key
  (:class:`BodyCache`, :meth:`AnswerService.serialised`).

Nothing here imports FastAPI: the command line uses it too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.analysis.results import Answer, Scope
from graph.errors import NotFoundError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from api.documents import RecommendationsForCoach
    from graph.analysis.changes import ChangesAnswer
    from graph.analysis.engine import Analyst
    from graph.analysis.publishable import PublishableAnswer
    from graph.settings import Settings

# The disclosure control (graph.analysis.publishing, .publishable) loads the tables' counting
# and scipy: imported where a published answer is made, so that ``wijkgraaf ask`` answered by
# the question server starts without them.

#: Recommendations are worked out this deep once, then served in pages.
RECOMMEND_DEPTH = 200


@dataclass(frozen=True)
class Asking:
    """A network question as a caller asks it: which question, within which of their areas
    (``()``: a caller who may see the whole graph), about which neighbourhoods and theme, and
    how many items."""

    question: str
    within: tuple[str, ...] = ()
    neighbourhoods: tuple[str, ...] = ()
    theme: str | None = None
    limit: int = 20
    #: people only, where an answer lists people and places (the bridges)
    people_only: bool = False
    #: the date the network is asked about (``YYYY-MM-DD``); None: the present
    as_of: str | None = None


@dataclass(frozen=True)
class Wanted:
    """Recommendations as a caller asks for them: for which ``kind`` (``"resident"``,
    ``"initiative"`` or ``"neighbourhood"``) of ``subject``, within which areas, how deep."""

    kind: str
    subject: str
    within: tuple[str, ...] = ()
    limit: int = RECOMMEND_DEPTH
    #: for a role that may not see persons (an integration): every count of persons in it
    #: as the publishable tables publish it (:mod:`graph.analysis.publishing`)
    published: bool = False

    def subject_argument(self) -> dict[str, Any]:
        """``{kind: subject}``, as :meth:`~graph.analysis.engine.Analyst.recommend` takes it."""
        return {self.kind: self.subject}


@dataclass(frozen=True)
class Asked:
    """A question's answer with the neighbourhoods it was worked out for (what the audit log
    names as its object)."""

    codes: tuple[str, ...]
    answer: Answer


class BodyCache:
    """Answers of the hot routes as serialised JSON, for the graph version they were made at:
    a repeated request is one lookup, not a model built and dumped again. Entries of an
    older version are dropped as soon as a newer one is stored; at most ``size`` are kept."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._version: int | None = None
        self._bodies: dict[tuple[Any, ...], bytes] = {}
        self._lock = threading.Lock()

    def get(self, version: int, key: tuple[Any, ...]) -> bytes | None:
        return self._bodies.get(key) if version == self._version else None

    def put(self, version: int, key: tuple[Any, ...], body: bytes) -> None:
        with self._lock:
            if version != self._version:
                self._version, self._bodies = version, {}
            if len(self._bodies) >= self.size:
                self._bodies.clear()
            self._bodies[key] = body


class AnswerService:
    """Questions and recommendations of one store, as a caller ``within`` some areas asks
    them: the one place that scopes, answers and serialises them."""

    def __init__(self, analyst: Analyst) -> None:
        self.analyst = analyst
        #: serialised answers, of the current graph version only
        self.bodies = BodyCache()

    def codes(
        self, within: tuple[str, ...], asked: tuple[str, ...], *, version: int | None = None
    ) -> tuple[str, ...]:
        """The neighbourhoods ``asked`` for, each within the caller's areas (else
        :class:`NotFoundError`); a caller with areas who asks for none gets their own.
        ``version``: the graph's, if just read (then nothing is read again)."""
        if not within:
            return asked
        mine = self.analyst.area_codes(within, version=version)
        if any(code not in mine for code in asked):
            raise NotFoundError("Niet gevonden.", "Not found.")
        return asked or within

    def ask(self, asking: Asking, version: int | None = None) -> Asked:
        """The answer to what ``asking`` asks, worked out on the caller's part of the network
        only (computed if it is not cached). ``version``: the graph's, if just read."""
        codes, scope = self._scope(asking, version)
        answer = self.analyst.ask(
            asking.question, scope, limit=asking.limit, within=asking.within, version=version,
            as_of=asking.as_of,
        )  # fmt: skip
        return Asked(codes, answer)

    def cached_ask(self, asking: Asking, version: int) -> Asked | None:
        """What :meth:`ask` would answer at graph ``version``, if that is in hand; else None
        (nothing is computed or loaded). A question about a past date is never in hand."""
        if asking.as_of is not None or not self.analyst.has_current(asking.within, version=version):
            return None
        codes, scope = self._scope(asking, version)
        answer = self.analyst.cached(
            asking.question, scope, limit=asking.limit, within=asking.within, version=version
        )
        return Asked(codes, answer) if answer is not None else None

    def _scope(self, asking: Asking, version: int | None) -> tuple[tuple[str, ...], Scope]:
        """The neighbourhoods ``asking`` may ask about (:meth:`codes`) and its scope."""
        codes = self.codes(asking.within, asking.neighbourhoods, version=version)
        return codes, Scope(
            neighbourhoods=codes, theme=asking.theme, people_only=asking.people_only
        )

    def recommend(self, wanted: Wanted, version: int | None = None) -> Answer:
        """The recommendations ``wanted``; a neighbourhood must lie within the caller's
        areas. ``version``: the graph's, if just read."""
        if wanted.kind == "neighbourhood":
            self.codes(wanted.within, (wanted.subject,), version=version)
        answer = self.analyst.recommend(
            **wanted.subject_argument(), limit=wanted.limit, within=wanted.within, version=version
        )
        if not wanted.published:
            return answer
        return self._published(answer)

    def cached_recommendation(self, wanted: Wanted, version: int) -> Answer | None:
        """What :meth:`recommend` would answer at graph ``version``, if that is in hand."""
        answer = self.analyst.cached_recommendation(
            **wanted.subject_argument(), limit=wanted.limit, within=wanted.within, version=version
        )
        if answer is not None and wanted.kind == "neighbourhood":
            # the context in hand is current: no loading
            self.codes(wanted.within, (wanted.subject,), version=version)
        if answer is None or not wanted.published:
            return answer
        from graph.analysis.present import present_ready
        from graph.analysis.publishing import NEEDS_TABLE

        if not present_ready(self.analyst, NEEDS_TABLE, version=version):
            return None
        return self._published(answer)

    def _published(self, answer: Answer) -> Answer:
        """``answer`` with every count of persons as the present publishes it
        (:mod:`graph.analysis.publishing`, :mod:`graph.analysis.present`)."""
        from graph.analysis.present import present_values
        from graph.analysis.publishing import NEEDS_TABLE, published

        needs = present_values(self.analyst, NEEDS_TABLE, version=answer.version)
        return published(answer, needs)

    def changes(
        self,
        within: tuple[str, ...],
        neighbourhoods: tuple[str, ...],
        dates: tuple[str, str],
        *,
        limit: int = 50,
    ) -> tuple[tuple[str, ...], ChangesAnswer]:
        """What changed between ``dates`` in the neighbourhoods asked (each within the
        caller's areas, :meth:`codes`; none: all of theirs), worked out on the caller's part
        of the network only; with the neighbourhoods it was worked out for (what the audit
        log names)."""
        codes = self.codes(within, neighbourhoods)
        scope = Scope(neighbourhoods=codes)
        answer = self.analyst.changes(*dates, scope, limit=limit, within=within)
        return codes, answer

    def publishable(
        self, question: str, neighbourhoods: tuple[str, ...] = (), version: int | None = None
    ) -> PublishableAnswer:
        """``question`` as a policymaker may read it: its publishable tables, for the whole
        graph or the neighbourhoods asked (:mod:`graph.analysis.publishable`). Of the present
        only, which is the last date of the trends' series (:mod:`graph.analysis.present`):
        earlier dates are published as trends (:mod:`graph.analysis.trends`)."""
        from graph.analysis.present import publishable_answer

        return publishable_answer(self.analyst, question, neighbourhoods, version=version)

    def serialised(
        self, version: int, key: tuple[object, ...], build: Callable[[], BaseModel]
    ) -> bytes:
        """The JSON of what ``build`` makes, made once per graph version and ``key``. The
        models are response models built by the caller: they need no second validation."""
        body = self.bodies.get(version, key)
        if body is None:
            body = document_json(build())
            self.bodies.put(version, key, body)
        return body


def document_json(document: BaseModel) -> bytes:
    """The one serialiser of an answer document (:mod:`api.documents`): the bytes the HTTP
    API sends and the command line's ``--json`` prints, so both give the same document, the
    one the OpenAPI schema describes (reasons with ``code``, ``nl``, ``en`` and ``data``)."""
    return document.model_dump_json().encode()


def ask_from_command(
    settings: Settings, question: str, scope: Scope, *, limit: int, as_of: str | None = None
) -> Answer:
    """A question asked on the command line: by the embedded database's question server,
    which keeps the network between commands; where there is none (Neo4j, an idle time of 0)
    or it gives no answer, by this process."""
    from graph import question_server

    answer = question_server.ask(settings, question, scope, limit=limit, as_of=as_of)
    if answer is not None:
        return answer
    from graph.analysis.engine import Analyst
    from graph.backends import open_store

    asking = Asking(
        question,
        neighbourhoods=scope.neighbourhoods,
        theme=scope.theme,
        limit=limit,
        people_only=scope.people_only,
        as_of=as_of,
    )
    with open_store(settings) as store:
        return AnswerService(Analyst(store)).ask(asking).answer


def recommend_from_command(
    settings: Settings, kind: str, subject: str, *, limit: int
) -> RecommendationsForCoach:
    """Recommendations asked on the command line, answered by this process: the first page
    of ``limit``, worked out as deep as the API's (:data:`RECOMMEND_DEPTH`), so the document
    is the one ``GET /recommendations?page_size=limit`` gives an administrator."""
    from api.documents import RecommendationsForCoach, recommendations_document
    from graph.analysis.engine import Analyst
    from graph.backends import open_store

    wanted = Wanted(kind, subject, limit=max(RECOMMEND_DEPTH, limit))
    with open_store(settings) as store:
        answer = AnswerService(Analyst(store)).recommend(wanted)
    document = recommendations_document(answer, wanted, page_size=limit)
    assert isinstance(document, RecommendationsForCoach)  # nothing published: a coach's view
    return document


def changes_from_command(
    settings: Settings, neighbourhoods: tuple[str, ...], dates: tuple[str, str], *, limit: int
) -> ChangesAnswer:
    """What changed between two dates, asked on the command line (as an administrator:
    the whole graph, or the neighbourhoods given), answered by this process."""
    from graph.analysis.engine import Analyst
    from graph.backends import open_store

    with open_store(settings) as store:
        return AnswerService(Analyst(store)).changes((), neighbourhoods, dates, limit=limit)[1]
