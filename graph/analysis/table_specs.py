"""The publishable tables: what each counts, along which dimensions, and how it is published.

:data:`TABLES` is the fixed list :mod:`graph.analysis.aggregates` works out and publishes;
nobody can ask for another cross-tabulation. A table is neighbourhood × at most one second
dimension, or, counting initiatives only, theme × sector over the neighbourhoods asked
(:attr:`TableSpec.over_selection`). Most tables have totals (a row, a column, the whole table)
that add up their cells; a table of indicators, whose columns measure different things, or a
table that shows cells of another table, has none (:attr:`TableSpec.totals`).

>>> sorted({spec.dimensions[-1].value for spec in TABLES.values()})[:3]
['indicator', 'introduction', 'lead']
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
    with_areas_around,
)
from graph.analysis.fragility import count_fragility, counts_persons
from graph.analysis.introduction_counts import count_happened, count_proposed
from graph.analysis.introduction_counts import counts_persons as introductions_persons
from graph.analysis.question_counts import (
    LEADS,
    count_five_o_missing,
    count_five_o_missing_by_theme,
    count_five_o_present,
    count_five_o_present_by_theme,
    count_opportunities,
    count_ownership,
    count_resident_led,
    count_unused_nearby,
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
    #: a kind of introduction (resident to initiative, to resident; initiative to organisation)
    INTRODUCTION = "introduction"


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

INTRODUCTION_NAMES: dict[str, tuple[str, str]] = {
    "resident_initiative": ("Bewoner aan initiatief", "Resident to initiative"),
    "resident_resident": ("Bewoner aan bewoner", "Resident to resident"),
    "initiative_organisation": ("Initiatief aan organisatie", "Initiative to organisation"),
}

#: The names of the values of the dimensions that are not named in the graph (themes and
#: skills are): (Dutch, English); a value not listed is shown as it is.
VALUE_NAMES: dict[Dimension, dict[str, tuple[str, str]]] = {
    Dimension.SECTOR: SECTOR_NAMES,
    Dimension.SIGNAL: SIGNAL_NAMES,
    Dimension.LEAD: LEAD_NAMES,
    Dimension.INDICATOR: INDICATOR_NAMES,
    Dimension.INTRODUCTION: INTRODUCTION_NAMES,
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
    #: whether the rows (a table without totals, counted by home) have a row besides for
    #: every wijk and gemeente around them, the distinct members of what lies within
    #: (:func:`~graph.analysis.counting.with_areas_around`), published only when the rows
    #: within are (:func:`graph.analysis.whole_tables._area_rows`)
    area_rows: bool = False
    #: tables whose counts of persons may hold this one's or lie within them, at any entry
    #: (not the same key): a count here is hidden where its difference from a published one
    #: there would be 1 to ``min_cell - 1`` persons (:func:`graph.analysis.whole_tables._apart`)
    compared: tuple[str, ...] = ()
    #: what a reader should know to read the table right, beside its title (Dutch, English)
    note_nl: str = ""
    note_en: str = ""

    @property
    def over_selection(self) -> bool:
        """Whether the rows are something else than neighbourhoods (themes): the table then
        counts over the neighbourhoods asked (all of them by default), each selection a table
        of its own. Only for counts that are not persons: two selections' tables could be
        subtracted from each other, which no rule here protects against."""
        return self.dimensions[0] is not Dimension.NEIGHBOURHOOD


def _residents_and_totals(key: Key) -> bool:
    """The participants table: residents take part as Omgeving, organisations in the other
    columns; a row or the grand total adds up both."""
    return key[1] is None or key[1] == OSector.OMGEVING.value


def _none(key: Key) -> bool:
    return False


_HOOD, _THEME, _SECTOR = Dimension.NEIGHBOURHOOD, Dimension.THEME, Dimension.SECTOR
NEEDS = "needs_by_neighbourhood_and_theme"
INTRODUCTIONS = "introductions_proposed_by_neighbourhood"
UNUSED = "unused_strengths_by_neighbourhood_and_skill"
ISOLATED = "isolated_by_neighbourhood_and_signal"

#: What a reader of the five-O tables per theme should know (Dutch, English).
_FIVE_O_THEME_NOTE = (
    "Telt initiatieven, geen personen: er is niets verborgen. Een initiatief met meer thema's "
    "telt bij elk thema, in een totaal één keer. Omgeving: bewoners doen mee; dat zegt alleen "
    "of er iemand meedoet, niet hoeveel (dat staat, afgerond, in de tabel van deelnemers). "
    "Telt de buurten en wijken die u kiest samen, zonder keuze de hele gemeente.",
    "Counts initiatives, not persons: nothing is hidden. An initiative with several themes "
    "counts under each, once in a total. Community: residents take part; that says only "
    "whether anyone does, not how many (the table of participants gives that, rounded). "
    "Counts the neighbourhoods and districts you choose together, without a choice the whole "
    "municipality.",
)
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
            ISOLATED,
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
            with_areas_around(count_isolated_needs),
            totals=False,
            area_rows=True,
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
            with_areas_around(count_opportunities),
            totals=False,
            area_rows=True,
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
            "five_o_present_by_theme_and_sector",
            "Actieve initiatieven per thema en O die meedoet",
            "Active initiatives per theme and O-sector taking part",
            "initiatieven",
            "initiatives",
            (_THEME, _SECTOR),
            count_five_o_present_by_theme,
            _none,
            note_nl=_FIVE_O_THEME_NOTE[0],
            note_en=_FIVE_O_THEME_NOTE[1],
        ),
        TableSpec(
            "five_o_missing_by_theme_and_sector",
            "Actieve initiatieven per thema en O die ontbreekt",
            "Active initiatives per theme and O-sector missing",
            "initiatieven",
            "initiatives",
            (_THEME, _SECTOR),
            count_five_o_missing_by_theme,
            _none,
            note_nl=_FIVE_O_THEME_NOTE[0],
            note_en=_FIVE_O_THEME_NOTE[1],
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
            # residents outside the largest part of a whole wijk's network are mostly its
            # isolated residents: no count may be a few more or fewer than one of those
            compared=(ISOLATED,),
        ),
        TableSpec(
            UNUSED,
            "Bewoners met een kracht die geen initiatief gebruikt, per buurt en kracht",
            "Residents with a strength no initiative uses, per neighbourhood and strength",
            "bewoners",
            "residents",
            (_HOOD, Dimension.SKILL),
            count_unused_strengths,
        ),
        TableSpec(
            "unused_strengths_nearby_by_neighbourhood_and_skill",
            "Bewoners met een onbenutte kracht die een initiatief in hun buurt of wijk zoekt, "
            "per buurt en kracht",
            "Residents with an unused strength an initiative in their neighbourhood or "
            "district looks for, per neighbourhood and strength",
            "bewoners",
            "residents",
            (_HOOD, Dimension.SKILL),
            with_areas_around(count_unused_nearby),
            totals=False,
            area_rows=True,
            within=UNUSED,
            note_nl="Elke cel is een deel van dezelfde cel in de tabel van onbenutte krachten: "
            "wie daar met een initiatief in de eigen buurt of wijk te koppelen is, zoals de "
            "coach ze koppelt. Verborgen waar die cel verborgen is, en waar de rest (die cel "
            "min deze) 1 tot 9 bewoners zou zijn.",
            note_en="Each cell is a part of the same cell of the table of unused strengths: "
            "those who could be matched to an initiative in their own neighbourhood or "
            "district, as the coach's answer matches them. Hidden where that cell is hidden, "
            "and where the rest (that cell less this one) would be 1 to 9 residents.",
        ),
        # introductions followed up: each kind's column counts other things (no totals);
        # those that happened are a part of those proposed (within)
        TableSpec(
            INTRODUCTIONS,
            "Voorgestelde introducties per buurt en soort",
            "Introductions proposed per neighbourhood and kind",
            "bewoners voorgesteld (aan een organisatie: initiatieven)",
            "residents introduced (to an organisation: initiatives)",
            (_HOOD, Dimension.INTRODUCTION),
            count_proposed,
            introductions_persons,
            totals=False,
        ),
        TableSpec(
            "introductions_happened_by_neighbourhood",
            "Introducties die plaatsvonden per buurt en soort",
            "Introductions that happened per neighbourhood and kind",
            "bewoners voorgesteld (aan een organisatie: initiatieven)",
            "residents introduced (to an organisation: initiatives)",
            (_HOOD, Dimension.INTRODUCTION),
            count_happened,
            introductions_persons,
            totals=False,
            within=INTRODUCTIONS,
        ),
    )
}
