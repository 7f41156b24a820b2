"""What a network question answers: items with a score, the figures behind it, and reasons.

Every reason exists in Dutch and English and has a machine-readable ``code`` with its data,
so a coach reads "als Fatima wegvalt, raakt de moestuin los van de rest van de buurt" and an
integration reads ``{"code": "articulation_point", "data": {"parts": [8, 3]}}``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Lang = Literal["nl", "en"]


def counted(number: int, one: str, many: str) -> str:
    """A number with its noun in the right form, in either language.

    >>> counted(1, "initiatief", "initiatieven"), counted(3, "initiatief", "initiatieven")
    ('1 initiatief', '3 initiatieven')
    """
    return f"{number} {one if number == 1 else many}"


class Reason(BaseModel):
    """One reason, in both languages, with the data it is built from."""

    model_config = ConfigDict(frozen=True)

    code: str
    nl: str
    en: str
    data: dict[str, Any] = Field(default_factory=dict)

    def text(self, lang: Lang) -> str:
        return self.nl if lang == "nl" else self.en


class Item(BaseModel):
    """One answer: a person, initiative, organisation, tie, theme or neighbourhood."""

    id: str
    kind: str  # a node label, "tie", "theme" or "neighbourhood"
    name: str
    score: float
    figures: dict[str, Any] = Field(default_factory=dict)
    reasons: list[Reason] = Field(default_factory=list)
    #: ids of the evidence path (a warm introduction: from, via, to)
    path: list[str] = Field(default_factory=list)


class Scope(BaseModel):
    """Where a question looks: the whole graph, some neighbourhoods, and/or one theme; and
    ``people_only``: an answer that lists people and places (the bridges) lists people
    (residents and professionals) only, with the places that would have ranked among them in
    their own list in the summary."""

    model_config = ConfigDict(frozen=True)

    neighbourhoods: tuple[str, ...] = ()
    theme: str | None = None
    people_only: bool = False

    def area(self) -> Scope:
        """Where the question looks, without how its answer is filtered: the part of the
        network it runs on is the same for both.

        >>> Scope(theme="groen", people_only=True).area() == Scope(theme="groen")
        True
        """
        return Scope(neighbourhoods=self.neighbourhoods, theme=self.theme)

    def describe(self, lang: Lang) -> str:
        parts = []
        if self.neighbourhoods:
            parts.append(
                ("buurt " if lang == "nl" else "neighbourhood ") + ", ".join(self.neighbourhoods)
            )
        if self.theme:
            parts.append(("thema " if lang == "nl" else "theme ") + self.theme)
        where = "; ".join(parts) or ("hele graaf" if lang == "nl" else "whole graph")
        if self.people_only:
            where += "; alleen mensen" if lang == "nl" else "; people only"
        return where


class Answer(BaseModel):
    """A question's answer for one scope, computed at one graph version."""

    question: str
    scope: Scope
    version: int
    items: list[Item]
    #: headline figures of the whole answer (counts, shares), safe to show on their own
    summary: dict[str, Any] = Field(default_factory=dict)
    notes: list[Reason] = Field(default_factory=list)
