"""The publishable tables: what each counts, along which dimensions, and how it is published.

:data:`TABLES` is the fixed list :mod:`graph.analysis.aggregates` works out and publishes;
nobody can ask for another cross-tabulation. A table is neighbourhood × at most one second
dimension. Most tables have totals (a row, a column, the whole table) that add up their
cells; a table of indicators, whose columns measure different things, or a table that shows
cells of another table, has none (:attr:`TableSpec.totals`).

>>> sorted({spec.dimensions[-1].value for spec in TABLES.values()})[:3]
['indicator', 'lead', 'neighbourhood']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from graph.analysis.context import NetworkContext
from graph.analysis.counting import (
    Counts,
    Key,
    count_initiatives,
    count_isolated,
    count_isolated_needs,
    count_needs,
    count_participants,
    count_residents,
)
from graph.analysis.fragility import count_fragility, counts_persons
from graph.analysis.question_counts import (
    LEADS,
    count_five_o_missing,
    count_five_o_present,
    count_opportunities,
    count_ownership,
    count_resident_led,
    count_unused_strengths,
)
from graph.model import OSector


class Dimension(StrEnum):
    NEIGHBOURHOOD = "neighbourhood"
    THEME = "theme"
    SECTOR = "sector"
    #: a signal of the isolated question (no ties, only support, cut off, …)
    SIGNAL = "signal"
    #: who leads an initiative (residents, shared, professionals, unknown)
    LEAD = "lead"
    #: a measure of how fragile a neighbourhood's network is (the bridges question)
    INDICATOR = "indicator"
    #: a strength (skill) residents want to share
    SKILL = "skill"


SECTOR_NAMES: dict[str, tuple[str, str]] = {
    OSector.ONDERNEMERS: ("Ondernemers", "Businesses"),
    OSector.ONDERWIJS: ("Onderwijs", "Education"),
    OSector.ONDERZOEK: ("Onderzoek", "Research"),
    OSector.OVERHEID: ("Overheid", "Government"),
    OSector.OMGEVING: ("Omgeving (bewoners)", "Community (residents)"),
}


SIGNAL_NAMES: dict[str, tuple[str, str]] = {
    "no_ties": ("Geen banden", "No ties"),
    "only_support": ("Alleen hulpverleners", "Only support workers"),
    "cut_off": ("Afgesneden van de rest", "Cut off from the rest"),
    "low_coreness": ("Aan de rand van het netwerk", "At the edge of the network"),
    "no_participation": ("Doet nergens aan mee", "Takes part in nothing"),
}

LEAD_NAMES: dict[str, tuple[str, str]] = dict(
    zip(
        LEADS,
        [
            ("Bewoners", "Residents"),
            ("Bewoners en professionals samen", "Residents and professionals together"),
            ("Professionals", "Professionals"),
            ("Onbekend", "Unknown"),
        ],
        strict=True,
    )
)

INDICATOR_NAMES: dict[str, tuple[str, str]] = {
    "outside_largest": (
        "Bewoners buiten het grootste verbonden deel",
        "Residents outside the largest connected part",
    ),
    "cut_off": (
        "Bewoners die losraken als één persoon of plek wegvalt",
        "Residents cut off if one person or place drops out",
    ),
    "bridge_ties": ("Banden waarvan het netwerk afhangt", "Ties the network hangs on"),
    "lifeworld_system_ties": (
        "Banden tussen leefwereld en systeemwereld",
        "Ties between lifeworld and system world",
    ),
    "communities": ("Groepen (van minstens twee)", "Communities (of at least two)"),
}

#: The names of the values of the dimensions that are not named in the graph (themes and
#: skills are): (Dutch, English); a value not listed is shown as it is.
VALUE_NAMES: dict[Dimension, dict[str, tuple[str, str]]] = {
    Dimension.SECTOR: SECTOR_NAMES,
    Dimension.SIGNAL: SIGNAL_NAMES,
    Dimension.LEAD: LEAD_NAMES,
    Dimension.INDICATOR: INDICATOR_NAMES,
}


@dataclass(frozen=True)
class TableSpec:
    name: str
    title_nl: str
    title_en: str
    unit_nl: str
    unit_en: str
    dimensions: tuple[Dimension, ...]
    count: Callable[[NetworkContext], Counts]
    #: which entries count persons; the others (initiatives, organisations) are published
    #: exactly unless a count of persons needs them hidden
    persons: Callable[[Key], bool] = lambda key: True
    #: whether the table has totals that add up its cells. Without (indicators, or cells of
    #: another table) every cell stands alone: nothing can be worked out from the others, so
    #: only counts of persons under the threshold are hidden (and those of ``linked``)
    totals: bool = True
    #: a table whose cells this one repeats (same key, same or no members): an entry that
    #: table hides is hidden here too, so that neither undoes the other's protection
    linked: str | None = None
    #: a table whose cells hold this one's (same key, a part of the members): an entry that
    #: table hides is hidden here too, and so is one whose rest (that table's cell less this
    #: one) would be a count of 1 to ``min_cell - 1`` persons, worked out by subtraction
    within: str | None = None


def _residents_and_totals(key: Key) -> bool:
    """The participants table: residents take part as Omgeving, organisations in the other
    columns; a row or the grand total adds up both."""
    return key[1] is None or key[1] == OSector.OMGEVING.value


def _none(key: Key) -> bool:
    return False


_HOOD, _THEME, _SECTOR = Dimension.NEIGHBOURHOOD, Dimension.THEME, Dimension.SECTOR
NEEDS = "needs_by_neighbourhood_and_theme"
TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "residents_by_neighbourhood",
            "Bewoners per buurt",
            "Residents per neighbourhood",
            "bewoners",
            "residents",
            (_HOOD,),
            count_residents,
        ),
        TableSpec(
            NEEDS,
            "Bewoners met een hulpvraag per buurt en thema",
            "Residents with a support need per neighbourhood and theme",
            "bewoners",
            "residents",
            (_HOOD, _THEME),
            count_needs,
        ),
        TableSpec(
            "participants_by_neighbourhood_and_sector",
            "Deelnemers aan actieve initiatieven per buurt en O",
            "Participants in active initiatives per neighbourhood and O-sector",
            "bewoners en organisaties",
            "residents and organisations",
            (_HOOD, _SECTOR),
            count_participants,
            _residents_and_totals,
        ),
        TableSpec(
            "initiatives_by_neighbourhood_and_theme",
            "Actieve initiatieven per buurt en thema",
            "Active initiatives per neighbourhood and theme",
            "initiatieven",
            "initiatives",
            (_HOOD, _THEME),
            count_initiatives,
            _none,
        ),
        TableSpec(
            "isolated_by_neighbourhood_and_signal",
            "Bewoners die alleen staan per buurt en signaal",
            "Isolated residents per neighbourhood and signal",
            "bewoners",
            "residents",
            (_HOOD, Dimension.SIGNAL),
            count_isolated,
        ),
        TableSpec(
            "isolated_needs_by_neighbourhood_and_theme",
            "Bewoners die alleen staan met een hulpvraag, per buurt en thema",
            "Isolated residents with a support need, per neighbourhood and theme",
            "bewoners",
            "residents",
            (_HOOD, _THEME),
            count_isolated_needs,
            totals=False,
            within=NEEDS,
        ),
        TableSpec(
            "opportunities_by_neighbourhood_and_theme",
            "Bewoners met een hulpvraag waar geen actief initiatief op werkt, per buurt en thema",
            "Residents with a support need no active initiative takes up, per neighbourhood "
            "and theme",
            "bewoners",
            "residents",
            (_HOOD, _THEME),
            count_opportunities,
            totals=False,
            linked=NEEDS,
        ),
        TableSpec(
            "five_o_present_by_neighbourhood_and_sector",
            "Actieve initiatieven per buurt en O die meedoet",
            "Active initiatives per neighbourhood and O-sector taking part",
            "initiatieven",
            "initiatives",
            (_HOOD, _SECTOR),
            count_five_o_present,
            _none,
        ),
        TableSpec(
            "five_o_missing_by_neighbourhood_and_sector",
            "Actieve initiatieven per buurt en O die ontbreekt",
            "Active initiatives per neighbourhood and O-sector missing",
            "initiatieven",
            "initiatives",
            (_HOOD, _SECTOR),
            count_five_o_missing,
            _none,
        ),
        TableSpec(
            "initiatives_by_neighbourhood_and_lead",
            "Actieve initiatieven per buurt, naar wie ze trekt",
            "Active initiatives per neighbourhood, by who leads them",
            "initiatieven",
            "initiatives",
            (_HOOD, Dimension.LEAD),
            count_ownership,
            _none,
        ),
        TableSpec(
            "resident_led_initiatives_by_neighbourhood_and_theme",
            "Actieve initiatieven getrokken door bewoners, per buurt en thema",
            "Active initiatives led by residents, per neighbourhood and theme",
            "initiatieven",
            "initiatives",
            (_HOOD, _THEME),
            count_resident_led,
            _none,
        ),
        TableSpec(
            "fragility_by_neighbourhood",
            "Hoe kwetsbaar het netwerk van elke buurt is",
            "How fragile each neighbourhood's network is",
            "bewoners, banden en groepen",
            "residents, ties and communities",
            (_HOOD, Dimension.INDICATOR),
            count_fragility,
            counts_persons,
            totals=False,
        ),
        TableSpec(
            "unused_strengths_by_neighbourhood_and_skill",
            "Bewoners met een kracht die geen initiatief gebruikt, per buurt en kracht",
            "Residents with a strength no initiative uses, per neighbourhood and strength",
            "bewoners",
            "residents",
            (_HOOD, Dimension.SKILL),
            count_unused_strengths,
        ),
    )
}
