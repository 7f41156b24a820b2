"""Asking questions: the catalogue, and answers cached per graph version.

An :class:`Analyst` loads the network context once and keeps answers keyed on (question,
scope, limit) for the graph version they were computed at; any write to the store bumps the
version, and the next question reloads and recomputes. A question asked within some areas (a
coach's) reads only their part of the network while the whole is not in hand.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graph import periods
from graph.analysis.bridges import answer_bridges
from graph.analysis.changes import ChangesAnswer, compare
from graph.analysis.collective import answer_five_o, answer_opportunities, answer_ownership
from graph.analysis.context import KEPT_DATES, NetworkContext
from graph.analysis.isolated import answer_isolated
from graph.analysis.questions import QUESTION_TITLES
from graph.analysis.recommend import for_initiative, for_neighbourhood, for_resident
from graph.analysis.results import Answer, Scope
from graph.analysis.strengths import answer_strengths
from graph.errors import InvalidArgumentError, NotFoundError
from graph.store import GraphStore


@dataclass(frozen=True)
class Question:
    key: str
    title_nl: str
    title_en: str
    answer: Callable[..., Answer]
    #: answer keyword -> setting that supplies it
    settings: dict[str, str] = field(default_factory=dict)


_ANSWERS: dict[str, Callable[..., Answer]] = {
    "bridges": answer_bridges,
    "isolated": answer_isolated,
    "unused-strengths": answer_strengths,
    "opportunities": answer_opportunities,
    "five-o": answer_five_o,
    "ownership": answer_ownership,
}
_SETTINGS: dict[str, dict[str, str]] = {
    "opportunities": {"min_residents": "opportunity_min_residents"},
}
CATALOGUE: dict[str, Question] = {
    key: Question(key, nl, en, _ANSWERS[key], _SETTINGS.get(key, {}))
    for key, (nl, en) in QUESTION_TITLES.items()
}


def recommendation_subject(
    *, resident: str | None, initiative: str | None, neighbourhood: str | None
) -> tuple[str, str]:
    """(kind, id) of the one subject given for recommendations; refused unless exactly one."""
    given = [
        (kind, value)
        for kind, value in (
            ("resident", resident),
            ("initiative", initiative),
            ("neighbourhood", neighbourhood),
        )
        if value
    ]
    if len(given) != 1:
        raise InvalidArgumentError(
            "Geef precies één bewoner, initiatief of buurt.",
            "Give exactly one resident, initiative or neighbourhood.",
        )
    return given[0]


def _part_key(within: tuple[str, ...]) -> tuple[str, ...]:
    """The areas of a part, as its context is kept under."""
    return tuple(sorted(set(within)))


class Analyst:
    """Answers network questions about one store, cached per graph version."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._context: NetworkContext | None = None
        #: the parts of some areas read on their own (``within``), while the whole is not
        #: loaded; of one version, the one they were read at
        self._parts: dict[tuple[str, ...], NetworkContext] = {}
        self._answers: dict[tuple[str, Scope | str, int, tuple[str, ...]], Answer] = {}
        #: the network as of past dates, by (date, areas), and answers about it, by (date,
        #: question, scope, limit, areas); of one graph version, the one they were read at
        self._dated: dict[tuple[str, tuple[str, ...]], NetworkContext] = {}
        self._dated_answers: dict[tuple[Any, ...], Answer] = {}
        #: what changed between two dates, by (dates, scope, limit, areas); likewise
        self._changes: dict[tuple[Any, ...], ChangesAnswer] = {}
        #: one question at a time: a server's threads share the cache and the context
        self._lock = threading.RLock()

    def context(self, *, version: int | None = None) -> NetworkContext:
        """The context of the stored graph's version: the one in hand if still current
        (no waiting for the lock), else loaded once, one thread at a time. ``version``: the
        stored graph's, if just read."""
        version = self._version(version)
        current = self._context
        if current is not None and current.version == version:
            return current
        with self._lock:
            if self._context is None or self._context.version != self.store.version():
                self._context = NetworkContext.load(self.store)
                self._answers.clear()
                self._parts.clear()
            return self._context

    def context_within(
        self, within: tuple[str, ...], *, version: int | None = None
    ) -> NetworkContext:
        """The network as someone working in the areas ``within`` sees it
        (:meth:`NetworkContext.restricted`): cut from the whole if that is in hand and
        current, else their part read on its own, which for a neighbourhood of a city takes
        a fraction of the whole's load (the two are the same network, tests hold them to it).
        No areas: the whole network. ``version``: the stored graph's, if just read.
        """
        if not within:
            return self.context(version=version)
        whole = self.current_context(version)
        if whole is not None:
            return whole.restricted(within)
        key = _part_key(within)
        with self._lock:
            version = self.store.version()
            part = self._parts.get(key)
            if part is None or part.version != version:
                if any(held.version != version for held in self._parts.values()):
                    self._parts.clear()
                part = self._parts[key] = NetworkContext.load(self.store, areas=key)
            return part

    def context_as_of(self, as_of: str, within: tuple[str, ...] = ()) -> NetworkContext:
        """The network as it was on ``as_of`` (every tie that held then, as it was then), as
        someone working ``within`` some areas sees it: cut from the whole of that date if it is
        in hand, else their part of it read on its own. Kept until the graph changes."""
        as_of = periods.as_date(as_of)
        with self._lock:
            version = self.store.version()
            if any(held.version != version for held in self._dated.values()):
                self._dated.clear()
                self._dated_answers.clear()
                self._changes.clear()
            key = (as_of, _part_key(within))
            context = self._dated.get(key)
            if context is None:
                whole = self._dated.get((as_of, ()))
                if within and whole is not None:
                    context = whole.restricted(within)
                else:
                    context = NetworkContext.load(self.store, areas=key[1] or None, as_of=as_of)
                self._dated[key] = context
                for old in list(self._dated)[: max(len(self._dated) - KEPT_DATES, 0)]:
                    del self._dated[old]  # the dates asked longest ago go first
                kept = set(self._dated)  # and the answers worked out on them
                self._dated_answers = {
                    k: a for k, a in self._dated_answers.items() if (k[0], k[4]) in kept
                }
            return context

    def area_codes(self, within: tuple[str, ...], *, version: int | None = None) -> set[str]:
        """The areas ``within`` and every area inside them (a wijk's buurten), from the context
        in hand; if none is current, from the part of ``within`` (which a question about them
        reads next anyway), so a coach's first request after a write loads no whole city."""
        return self.context_within(within, version=version).area_codes(within)

    def _cached(
        self,
        key: tuple[str, Scope | str, int, tuple[str, ...]],
        within: tuple[str, ...],
        compute: Callable[[NetworkContext], Answer],
        version: int | None,
    ) -> Answer:
        """The cached answer while it is still true of the stored graph, found without waiting
        for the lock (a server answering the same questions between writes); else computed,
        one at a time."""
        answer = self._current(key, version)
        if answer is not None:
            return answer
        with self._lock:
            context = self.context_within(within, version=version)
            answer = self._answers.get(key)
            if answer is None or answer.version != context.version:
                answer = self._answers[key] = compute(context)
            return answer

    def ask(
        self,
        question: str,
        scope: Scope | None = None,
        *,
        limit: int = 20,
        within: tuple[str, ...] = (),
        version: int | None = None,
        as_of: str | None = None,
    ) -> Answer:
        """The answer to ``question`` for ``scope``; with ``within``, computed on the part of
        the network in those areas only (:meth:`NetworkContext.restricted`), so nothing
        outside them shows in it. ``version``: the stored graph's, if just read. ``as_of``: a
        date (``YYYY-MM-DD``): the answer on the network as it was then
        (:meth:`context_as_of`)."""
        if question not in CATALOGUE:
            known = ", ".join(CATALOGUE)
            raise NotFoundError(
                f"Onbekende vraag {question!r}; kies uit: {known}.",
                f"Unknown question {question!r}; choose from: {known}.",
            )
        scope = scope or Scope()
        entry = CATALOGUE[question]
        options = {kw: getattr(self.store.settings, name) for kw, name in entry.settings.items()}
        if as_of is not None:
            day = periods.as_date(as_of)
            with self._lock:
                context = self.context_as_of(day, within)
                key = (day, question, scope, limit, _part_key(within))
                answer = self._dated_answers.get(key)
                if answer is None or answer.version != context.version:
                    answer = entry.answer(context, scope, limit=limit, **options)
                    self._dated_answers[key] = answer
                return answer
        return self._cached(
            (question, scope, limit, within),
            within,
            lambda context: entry.answer(context, scope, limit=limit, **options),
            version,
        )

    def changes(
        self,
        start: str,
        end: str,
        scope: Scope | None = None,
        *,
        limit: int = 50,
        within: tuple[str, ...] = (),
    ) -> ChangesAnswer:
        """What changed in ``scope`` between the dates ``start`` and ``end``
        (:func:`graph.analysis.changes.compare`), each read as :meth:`context_as_of` reads
        it: with ``within``, on the part of the network in those areas only. Kept until the
        graph changes."""
        scope = scope or Scope()
        days = (periods.as_date(start, "from"), periods.as_date(end, "to"))
        with self._lock:
            before = self.context_as_of(days[0], within)
            after = self.context_as_of(days[1], within)
            key = (days, scope, limit, _part_key(within))
            answer = self._changes.get(key)
            if answer is None or answer.version != after.version:
                answer = compare(before, after, scope, dates=days, limit=limit)
                self._changes[key] = answer
            return answer

    def recommend(
        self,
        *,
        resident: str | None = None,
        initiative: str | None = None,
        neighbourhood: str | None = None,
        limit: int = 20,
        within: tuple[str, ...] = (),
        version: int | None = None,
    ) -> Answer:
        """Recommendations for exactly one resident, initiative or neighbourhood; with
        ``within``, from the part of the network in those areas only."""
        kind, target = recommendation_subject(
            resident=resident, initiative=initiative, neighbourhood=neighbourhood
        )
        minimum = self.store.settings.opportunity_min_residents

        def compute(context: NetworkContext) -> Answer:
            if kind == "resident":
                return for_resident(context, target, limit=limit)
            if kind == "initiative":
                return for_initiative(context, target, limit=limit)
            return for_neighbourhood(context, target, limit=limit, min_residents=minimum)

        key = (f"recommend:{kind}", target, limit, within)
        return self._cached(key, within, compute, version)

    # --- without computing: for a server's event loop, which must not wait on a computation ---

    # A server's event loop reads the version once for a request (and shares the read with
    # others, ``api.web.deps.VersionReads``): these take it as ``version``; else they read it.

    def current_context(self, version: int | None = None) -> NetworkContext | None:
        """The context in hand if it is still the stored graph's version, else None (nothing
        is loaded)."""
        context = self._context
        if context is None:
            return None
        return context if context.version == self._version(version) else None

    def has_current(self, within: tuple[str, ...] = (), *, version: int | None = None) -> bool:
        """Whether what a question ``within`` these areas stands on is in hand and current:
        the whole context, or the part of ``within`` read on its own."""
        version = self._version(version)
        if self.current_context(version) is not None:
            return True
        part = self._parts.get(_part_key(within)) if within else None
        return part is not None and part.version == version

    def cached(
        self,
        question: str,
        scope: Scope | None = None,
        *,
        limit: int = 20,
        within: tuple[str, ...] = (),
        version: int | None = None,
    ) -> Answer | None:
        """What :meth:`ask` would answer, if that is cached and current; else None."""
        return self._current((question, scope or Scope(), limit, within), version)

    def cached_recommendation(
        self,
        *,
        resident: str | None = None,
        initiative: str | None = None,
        neighbourhood: str | None = None,
        limit: int = 20,
        within: tuple[str, ...] = (),
        version: int | None = None,
    ) -> Answer | None:
        """What :meth:`recommend` would answer, if that is cached and current; else None."""
        kind, target = recommendation_subject(
            resident=resident, initiative=initiative, neighbourhood=neighbourhood
        )
        return self._current((f"recommend:{kind}", target, limit, within), version)

    def _current(
        self, key: tuple[str, Scope | str, int, tuple[str, ...]], version: int | None = None
    ) -> Answer | None:
        answer = self._answers.get(key)
        if answer is not None and answer.version == self._version(version):
            return answer
        return None

    def _version(self, known: int | None) -> int:
        return self.store.version() if known is None else known
