"""The data templates: one sheet (or CSV file) per kind of row, Dutch and English headers.

This is the contract between a coordinator filling in Excel and the importer: which sheets
exist, their columns, what each column holds, and an example row. ``wijkgraaf template DIR``
writes it out; the reader and validator read it back.

>>> SHEETS["residents"].nl, [c.nl for c in SHEETS["residents"].columns][:3]
('bewoners', ['bron_id', 'naam', 'buurt'])
>>> sheet_for_name("Bewoners.csv").key
'residents'
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from graph.model import (
    AgeBand,
    AreaLevel,
    Contribution,
    Craft,
    InitiativeStatus,
    Lead,
    OSector,
    ParticipationRole,
    TieKind,
    TransformationLevel,
)


class ColumnType(StrEnum):
    TEXT = "text"  # free text of a limited length (names only; never diagnoses)
    SOURCE_ID = "source_id"  # an id from the source system; pseudonymised on import
    CODE = "code"  # a neighbourhood code: CBS BU/WK/GM or a declared local code
    ENUM = "enum"
    ENUM_LIST = "enum_list"
    BOOL = "bool"
    INT = "int"
    DATE = "date"
    THEME = "theme"  # a term of the theme vocabulary
    THEMES = "themes"  # several theme terms
    SKILL = "skill"  # a term of the skill vocabulary
    REF = "ref"  # the source id of a row of another sheet


@dataclass(frozen=True)
class Column:
    key: str  # the English header, and the field name inside Wijkgraaf
    nl: str  # the Dutch header
    kind: ColumnType
    help_nl: str
    help_en: str
    example: str
    required: bool = False
    choices: type[StrEnum] | None = None
    ref: str | None = None  # the sheet a REF column points into
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Sheet:
    key: str  # English sheet/file name
    nl: str  # Dutch sheet/file name
    help_nl: str
    help_en: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    def column(self, key: str) -> Column:
        return self._columns_by_key[key]

    @functools.cached_property
    def _columns_by_key(self) -> dict[str, Column]:
        """The columns by key, made once per sheet and kept on it: an import looks one up for
        millions of cells, and a cache keyed on the sheet itself would hash all its columns at
        every look-up (9 s of a 100,000-resident import's planning)."""
        return {column.key: column for column in self.columns}


def _id(help_nl: str, help_en: str, example: str) -> Column:
    return Column("source_id", "bron_id", ColumnType.SOURCE_ID, help_nl, help_en, example, True)


def _ref(key: str, nl: str, sheet: str, example: str, *, required: bool = True) -> Column:
    return Column(
        key,
        nl,
        ColumnType.REF,
        f"bron_id uit het blad {SHEET_NL[sheet]}",
        f"source_id from the {sheet} sheet",
        example,
        required,
        ref=sheet,
    )


def _enum(key: str, nl: str, choices: type[StrEnum], example: str, **kw: object) -> Column:
    values = ", ".join(c.value for c in choices)
    return Column(
        key, nl, ColumnType.ENUM, f"een van: {values}", f"one of: {values}", example,
        choices=choices, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


SHEET_NL = {
    "residents": "bewoners",
    "professionals": "professionals",
    "organisations": "organisaties",
    "initiatives": "initiatieven",
    "neighbourhoods": "buurten",
    "ties": "contacten",
    "participation": "deelname",
    "support": "ondersteuning",
    "partnerships": "partners",
    "collaborations": "samenwerkingen",
    "coaching": "coaching",
    "skills": "krachten",
    "skills_needed": "gevraagde_krachten",
    "needs": "hulpvragen",
    "interests": "interesses",
}

_NAME_NL = (
    "Naam; alleen bewaard als de bewoner toestemming gaf (toestemming_naam) of met --keep-names"
)
_NAME_EN = "Name; kept only where the resident consented (consent_name) or with --keep-names"
_HOOD_NL = "Buurtcode: CBS (BU…, WK…, GM…) of een code uit het blad buurten"
_HOOD_EN = "Neighbourhood code: CBS (BU…, WK…, GM…) or a code from the neighbourhoods sheet"
_BOOL_NL = "ja of nee (leeg is nee)"
_BOOL_EN = "yes or no (empty is no)"

SHEETS: dict[str, Sheet] = {
    sheet.key: sheet
    for sheet in (
        Sheet(
            "residents", "bewoners", "Eén rij per bewoner.", "One row per resident.",
            (
                _id("Id van de bewoner in uw eigen systeem (geen BSN)", "The resident's id in your own system (not a citizen service number)", "B-0001"),
                Column("name", "naam", ColumnType.TEXT, _NAME_NL, _NAME_EN, "Fatima"),
                Column("neighbourhood", "buurt", ColumnType.CODE, _HOOD_NL, _HOOD_EN, "BU03630000"),
                _enum("age_band", "leeftijd", AgeBand, "27-44"),
                Column("consent_name", "toestemming_naam", ColumnType.BOOL, "Mag de naam getoond worden? " + _BOOL_NL, "May the name be shown? " + _BOOL_EN, "ja"),
                Column("consent_contact", "toestemming_contact", ColumnType.BOOL, "Mag de bewoner benaderd worden voor een kennismaking? " + _BOOL_NL, "May the resident be approached for an introduction? " + _BOOL_EN, "ja"),
            ),
        ),
        Sheet(
            "professionals", "professionals", "Eén rij per professional (wijkteam, opbouwwerk, ...).", "One row per professional (neighbourhood team, community work, ...).",
            (
                _id("Id van de professional in uw eigen systeem", "The professional's id in your own system", "P-01"),
                Column("name", "naam", ColumnType.TEXT, "Naam van de professional", "Name of the professional", "Sanne de Vries"),
                _enum("craft", "vakgebied", Craft, "welzijn"),
                _ref("organisation", "organisatie", "organisations", "O-01", required=False),
            ),
        ),
        Sheet(
            "organisations", "organisaties", "Eén rij per organisatie, met haar O (de vijf O's).", "One row per organisation, with its O (the five O's).",
            (
                _id("Id van de organisatie", "The organisation's id", "O-01"),
                Column("name", "naam", ColumnType.TEXT, "Naam van de organisatie", "Name of the organisation", "Welzijn Oost", required=True),
                _enum("o_sector", "o_sector", OSector, "omgeving", required=True),
                Column("kind", "soort", ColumnType.TEXT, "Soort organisatie (welzijn, school, woningcorporatie, bedrijf, gemeente, ...)", "Kind of organisation (welfare, school, housing association, business, municipality, ...)", "welzijn"),
                _enum("craft", "vakgebied", Craft, "welzijn"),
                Column("neighbourhood", "buurt", ColumnType.CODE, _HOOD_NL, _HOOD_EN, "BU03630000"),
            ),
        ),
        Sheet(
            "initiatives", "initiatieven", "Eén rij per bewonersinitiatief of collectieve voorziening.", "One row per resident initiative or collective provision.",
            (
                _id("Id van het initiatief", "The initiative's id", "I-01"),
                Column("name", "naam", ColumnType.TEXT, "Naam van het initiatief", "Name of the initiative", "Moestuin De Groene Hoek", required=True),
                Column("themes", "themas", ColumnType.THEMES, "Thema's, gescheiden door |", "Themes, separated by |", "groen|ontmoeting"),
                _enum("level", "niveau", TransformationLevel, "preventie"),
                _enum("status", "status", InitiativeStatus, "active"),
                _enum("lead", "trekker", Lead, "residents"),
                Column("started", "gestart", ColumnType.DATE, "Startdatum (JJJJ-MM-DD of DD-MM-JJJJ)", "Start date (YYYY-MM-DD or DD-MM-YYYY)", "2023-04-01"),
                Column("neighbourhood", "buurt", ColumnType.CODE, _HOOD_NL, _HOOD_EN, "BU03630000"),
            ),
        ),
        Sheet(
            "neighbourhoods", "buurten", "Buurten en wijken; nodig voor lokale codes, optioneel voor CBS-codes.", "Neighbourhoods and districts; needed for local codes, optional for CBS codes.",
            (
                Column("code", "code", ColumnType.CODE, "CBS-code (BU…, WK…, GM…) of een eigen code", "CBS code (BU…, WK…, GM…) or a local code", "BU03630000", required=True),
                Column("name", "naam", ColumnType.TEXT, "Naam van de buurt", "Name of the neighbourhood", "Kop Zeedijk", required=True),
                _enum("level", "niveau", AreaLevel, "buurt"),
                Column("parent", "valt_onder", ColumnType.CODE, "Code van de wijk of gemeente waar deze buurt onder valt", "Code of the district or municipality it belongs to", "WK036300"),
            ),
        ),
        Sheet(
            "ties", "contacten", "Wie kent wie (tussen bewoners).", "Who knows whom (between residents).",
            (
                _ref("resident", "bewoner", "residents", "B-0001"),
                _ref("other_resident", "andere_bewoner", "residents", "B-0002"),
                _enum("kind", "soort", TieKind, "neighbour"),
                Column("strength", "sterkte", ColumnType.INT, "Sterkte van het contact, 1 (zwak) tot 3 (sterk)", "Strength of the tie, 1 (weak) to 3 (strong)", "2", minimum=1, maximum=3),
                Column("since", "sinds", ColumnType.DATE, "Sinds wanneer (datum)", "Since when (date)", "2021-09-01"),
            ),
        ),
        Sheet(
            "participation", "deelname", "Wie doet mee aan welk initiatief, in welke rol.", "Who takes part in which initiative, in which role.",
            (
                _ref("resident", "bewoner", "residents", "B-0001"),
                _ref("initiative", "initiatief", "initiatives", "I-01"),
                _enum("role", "rol", ParticipationRole, "owner"),
            ),
        ),
        Sheet(
            "support", "ondersteuning", "Individuele ondersteuning: gevoelige gegevens. Vul professional óf organisatie in.", "Individual support: sensitive data. Fill in professional or organisation.",
            (
                _ref("resident", "bewoner", "residents", "B-0002"),
                _ref("professional", "professional", "professionals", "P-01", required=False),
                _ref("organisation", "organisatie", "organisations", "", required=False),
                _enum("craft", "vakgebied", Craft, "hulp"),
            ),
        ),
        Sheet(
            "partnerships", "partners", "Welke organisatie draagt bij aan welk initiatief.", "Which organisation contributes to which initiative.",
            (
                _ref("organisation", "organisatie", "organisations", "O-01"),
                _ref("initiative", "initiatief", "initiatives", "I-01"),
                Column("contribution", "bijdrage", ColumnType.ENUM_LIST, "Bijdragen, gescheiden door |: " + ", ".join(Contribution), "Contributions, separated by |: " + ", ".join(Contribution), "space|coaching", choices=Contribution),
            ),
        ),
        Sheet(
            "collaborations", "samenwerkingen", "Organisaties die samenwerken.", "Organisations that work together.",
            (
                _ref("organisation", "organisatie", "organisations", "O-01"),
                _ref("other_organisation", "andere_organisatie", "organisations", "O-02"),
            ),
        ),
        Sheet(
            "coaching", "coaching", "Welke professional begeleidt welk initiatief.", "Which professional coaches which initiative.",
            (
                _ref("professional", "professional", "professionals", "P-01"),
                _ref("initiative", "initiatief", "initiatives", "I-01"),
            ),
        ),
        Sheet(
            "skills", "krachten", "Krachten en talenten van bewoners.", "Residents' strengths and talents.",
            (
                _ref("resident", "bewoner", "residents", "B-0001"),
                Column("skill", "kracht", ColumnType.SKILL, "Kracht of talent (bijv. koken, fietsen repareren)", "Strength or talent (e.g. cooking, bicycle repair)", "koken", required=True),
                Column("willing_to_share", "wil_delen", ColumnType.BOOL, "Wil de bewoner dit inzetten voor anderen? " + _BOOL_NL, "Is the resident willing to use it for others? " + _BOOL_EN, "ja"),
                Column("level", "niveau", ColumnType.INT, "Niveau, 1 (beginner) tot 3 (expert)", "Level, 1 (beginner) to 3 (expert)", "2", minimum=1, maximum=3),
            ),
        ),
        Sheet(
            "skills_needed", "gevraagde_krachten", "Krachten die een initiatief zoekt.", "Strengths an initiative is looking for.",
            (
                _ref("initiative", "initiatief", "initiatives", "I-01"),
                Column("skill", "kracht", ColumnType.SKILL, "Gezochte kracht", "Strength sought", "tuinieren", required=True),
            ),
        ),
        Sheet(
            "needs", "hulpvragen", "Thema's van ondersteuningsvragen: themacodes, geen diagnoses.", "Themes of support questions: theme codes, no diagnoses.",
            (
                _ref("resident", "bewoner", "residents", "B-0002"),
                Column("theme", "thema", ColumnType.THEME, "Thema van de vraag", "Theme of the question", "eenzaamheid", required=True),
                Column("special", "bijzonder", ColumnType.BOOL, "Gezondheidsgegeven (AVG art. 9)? " + _BOOL_NL + "; gezondheidsthema's altijd", "Health data (GDPR art. 9)? " + _BOOL_EN + "; health themes always", "nee"),
            ),
        ),
        Sheet(
            "interests", "interesses", "Waar bewoners zich voor interesseren.", "What residents are interested in.",
            (
                _ref("resident", "bewoner", "residents", "B-0001"),
                Column("theme", "thema", ColumnType.THEME, "Thema", "Theme", "groen", required=True),
            ),
        ),
    )
}  # fmt: skip


def normalise_header(text: str) -> str:
    """Headers and sheet names compare without case, accents, spaces or punctuation.

    >>> normalise_header(" Toestemming Naam "), normalise_header("thema's")
    ('toestemming_naam', 'themas')
    """
    folded = unicodedata.normalize("NFKD", text.strip().lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = re.sub(r"['’`]", "", folded)
    return re.sub(r"[^a-z0-9]+", "_", folded).strip("_")


_SHEET_NAMES = {normalise_header(n): s.key for s in SHEETS.values() for n in (s.key, s.nl)}


def sheet_for_name(name: str) -> Sheet | None:
    """The sheet a file or worksheet name stands for (``bewoners.csv``, ``Residents``)."""
    stem = name.rsplit("/", 1)[-1]
    stem = re.sub(r"\.(csv|txt|json|xlsx)$", "", stem, flags=re.IGNORECASE)
    key = _SHEET_NAMES.get(normalise_header(stem))
    return SHEETS[key] if key else None


def header_map(sheet: Sheet) -> dict[str, Column]:
    """Normalised Dutch and English headers of ``sheet`` to their column."""
    mapping = {}
    for column in sheet.columns:
        mapping[normalise_header(column.key)] = column
        mapping[normalise_header(column.nl)] = column
    return mapping
