"""The network questions as a policymaker may read them: each question's publishable tables.

A policymaker never sees a person, so a question's answer for them is not a ranked list of
people but the tables that count what the question finds, per neighbourhood and per theme or
signal, under the one disclosure policy (:mod:`graph.analysis.publishing`,
:mod:`graph.analysis.disclosure`). :data:`QUESTION_TABLES` says which tables answer which
question; :func:`graph.analysis.present.publishable_answer` reads them as the present
publishes them (the last date of the series) for the whole graph or some neighbourhoods.

>>> sorted(QUESTION_TABLES)[:2]
['bridges', 'five-o']
"""

from __future__ import annotations

from pydantic import BaseModel

from graph.analysis.aggregates import AggregateTable
from graph.errors import NotFoundError

#: The publishable tables of each network question, in the order a page shows them.
QUESTION_TABLES: dict[str, tuple[str, ...]] = {
    "bridges": ("fragility_by_neighbourhood",),
    # isolated residents per need theme sit inside the needs table's cells: a cell whose
    # rest (the needs cell less it) would be small is hidden (TableSpec.within)
    "isolated": (
        "isolated_by_neighbourhood_and_signal",
        "isolated_needs_by_neighbourhood_and_theme",
    ),
    # residents who could be matched nearby sit inside the unused-strengths table's cells
    "unused-strengths": (
        "unused_strengths_by_neighbourhood_and_skill",
        "unused_strengths_nearby_by_neighbourhood_and_skill",
    ),
    "opportunities": ("opportunities_by_neighbourhood_and_theme",),
    # per theme: over the neighbourhoods asked together (a wijk, the whole municipality)
    "five-o": (
        "five_o_present_by_neighbourhood_and_sector",
        "five_o_missing_by_neighbourhood_and_sector",
        "five_o_present_by_theme_and_sector",
        "five_o_missing_by_theme_and_sector",
    ),
    "ownership": (
        "initiatives_by_neighbourhood_and_lead",
        "resident_led_initiatives_by_neighbourhood_and_theme",
    ),
}


class PublishableAnswer(BaseModel):
    """A network question's answer as it may be published: its tables, nothing per person."""

    question: str
    title_nl: str
    title_en: str
    #: the selection asked for; () is the whole graph
    neighbourhoods: tuple[str, ...]
    version: int
    tables: list[AggregateTable]


def question_tables(question: str) -> tuple[str, ...]:
    """The names of ``question``'s publishable tables, or a refusal naming the questions."""
    names = QUESTION_TABLES.get(question)
    if names is None:
        known = ", ".join(QUESTION_TABLES)
        raise NotFoundError(
            f"Onbekende vraag {question!r}; kies uit: {known}.",
            f"Unknown question {question!r}; choose from: {known}.",
        )
    return names
