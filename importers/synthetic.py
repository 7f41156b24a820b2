"""Synthetic data in the template format: one sample neighbourhood and cities of any size.

Demos, documentation and tests need rows exactly as a coordinator types them into the templates
of :mod:`importers.templates` (strings only: enum values, ``ja``/``nee``, ``YYYY-MM-DD``, lists
joined with ``|``, an empty string for an empty cell), and they need known answers to the six
network questions of DOMAIN.md. Everything here is fictional; GM9999 and GM9998 are no real
municipality. Generation is deterministic for a seed and never touches the global random.

:func:`sample_neighbourhood` builds Vlinderwijk (WK999901) in Wijkgraafstad (GM9999), with the
buurten Bloemenbuurt, Havenkwartier and Parkzoom: 300 residents, 25 initiatives, 30
organisations (all five O's), 12 professionals. It plants, with the source ids in
:data:`SAMPLE_PLANTED`:

- bridges: Fatima (B001) is the moestuin group's only link to the rest of the neighbourhood,
  Mohammed (B101) that of a family and their flat neighbours, Kees (B211) that of the seniors'
  soos; each is an articulation point of the social fabric (``bridge_group:<id>`` lists what
  hangs on them);
- 8 isolated residents with needs (no ties, no participation; 4 with support only) and 5
  without ties or needs;
- a small component of 4 residents in Parkzoom who know only each other;
- 3 unused strengths: a shareable skill that an active initiative in the holder's buurt needs
  while no initiative of the holder's uses it (each holder knows someone who takes part);
- reciprocity: 4 residents who receive support and have a skill they want to share;
- an uncovered theme: 14 residents of Havenkwartier with a debt question (schulden) and no
  active initiative there that addresses it (an ended one did);
- initiatives whose partners miss some of the five O's, and two that have all five;
- 5 initiatives led by professionals (coached, no resident owner), 2 shared, the rest led by
  residents with an owner; 3 ended, 2 ideas, 1 paused;
- skill spellings to normalise ("Kookt graag", "Tuinier", "KOKEN ") and one unknown skill.

:func:`synthetic_city` builds Synthetistad (GM9998) of any size for scale tests, with the same
structure planted per buurt of about 5,000 residents (:func:`generate_city` also says where).
:func:`write_csv` writes a dataset as the CSV files the importer reads.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Callable, Sequence
from itertools import count
from pathlib import Path
from typing import NamedTuple, TypeVar

from graph.model import AgeBand, Contribution, OSector, TieKind, TransformationLevel
from importers.templates import SHEETS
from importers.vocabulary import SKILLS, THEMES

Dataset = dict[str, list[dict[str, str]]]
Planted = dict[str, list[str]]
T = TypeVar("T")

_FIRST_NAMES = (
    "Fatima", "Jan", "Noor", "Mohammed", "Sanne", "Kees", "Ayşe", "Priya", "Wim", "Emma",
    "Youssef", "Anouk", "Bram", "Daan", "Eline", "Femke", "Gerrit", "Hanneke", "Ibrahim", "Joost",
    "Karin", "Lotte", "Mehmet", "Nadia", "Olga", "Pieter", "Rachid", "Saskia", "Tom", "Ilse",
    "Yasmina", "Zeynep", "Anil", "Ricardo", "Shanti", "Dewi", "Gijs", "Marloes", "Soufiane",
    "Marieke", "Lucas", "Sophie", "Milan", "Julia", "Hamza", "Chantal", "Mei", "Bogdan", "Ewa",
    "Truus", "Henk", "Aziz", "Samira", "Ruud", "Esra", "Kofi", "Amina", "Thijs", "Roos", "Ahmet",
)  # fmt: skip
_SURNAMES = (
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot",
    "Bos", "El Amrani", "Bouzid", "Yılmaz", "Kaya", "Ramdin", "Tahiri", "Hassan", "Öztürk",
    "Pinas", "Nguyen", "Kowalski", "van Dijk", "Hoekstra", "Dekker", "Ouali", "Ramsaran",
    "Martina", "Demir", "Peters", "Willems", "Kuijpers", "Mensah", "van Leeuwen", "Çelik",
)  # fmt: skip
# How coordinators write the skills, besides the plain term:
_SKILL_VARIANTS: dict[str, tuple[str, ...]] = {
    "koken": ("Koken", "Kookt graag", "KOKEN ", "kok"), "tuinieren": ("Tuinier", "Moestuinieren"),
    "fietsen_repareren": ("Fietsenmaker", "Fietsreparatie"), "klussen": ("Klusjes", "Handyman"),
    "administratie": ("Formulieren invullen", "Boekhouden"), "taalles": ("Taalmaatje",),
    "computerhulp": ("Digitale hulp",), "vervoer": ("Autorijden", "Chauffeur"),
    "oppassen": ("Babysitten",), "muziek": ("Zingen",), "naaien": ("Kleding repareren",),
    "gezelschap": ("Bezoekjes", "Luisteren"), "organiseren": ("Evenementen",),
    "fondsenwerving": ("Subsidie aanvragen",), "vertalen": ("Tolk",),
    "sportbegeleiding": ("Trainer",), "boodschappen": ("Boodschappen doen",),
    "energiecoach": ("Energie besparen",), "huiswerkbegeleiding": ("Bijles",),
    "schilderen": ("Verven",),
}  # fmt: skip
_SKILL_CODES = tuple(_SKILL_VARIANTS)
_THEME_CODES = tuple(THEMES.terms)
_HEALTH = frozenset(code for code, term in THEMES.terms.items() if term.special)
# Weighted pools: picking from a tuple is several times faster than random.choices.
_AGE_POOL = ("0-17", *["18-26"] * 2, *["27-44"] * 6, *["45-66"] * 6, *["67-79"] * 3, "80+", "80+")
_TIE_POOL = (*["neighbour"] * 7, *["acquaintance"] * 6, *["friend"] * 5, "family", "family")
_ROLE_POOL = (*["organiser"] * 2, *["volunteer"] * 5, *["participant"] * 10, *["beneficiary"] * 3)
_SINCE_POOL = tuple(f"{2000 + n % 26}-{1 + n % 12:02d}-{1 + n * 7 % 28:02d}" for n in range(300))
_SINCE_POOL += ("",) * 75  # a fifth of the ties have no date
assert set(_TIE_POOL) == set(TieKind) and set(_AGE_POOL) == set(AgeBand)


class _Builder:
    """The dataset being built: rows with every column of their sheet, ties without repeats."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.data: Dataset = {key: [] for key in SHEETS}
        self._blank = {k: dict.fromkeys((c.key for c in s.columns), "") for k, s in SHEETS.items()}
        self._tied: set[tuple[str, str]] = set()
        self.degree: dict[str, int] = {}

    def add(self, sheet: str, **cells: str) -> None:
        self.data[sheet].append({**self._blank[sheet], **cells})

    def pick(self, pool: Sequence[T]) -> T:
        return pool[int(self.rng.random() * len(pool))]

    def add_resident(self, source_id: str, hood: str, name: str = "", age: str = "") -> None:
        """A resident, named and aged at random unless given; about 60 % consent to the name,
        everyone who is given a name does (the planted people the answers talk about)."""
        rnd = self.rng.random
        named = bool(name)
        name = name or f"{self.pick(_FIRST_NAMES)} {self.pick(_SURNAMES)}"
        self.add("residents", source_id=source_id, name=name, neighbourhood=hood,
                 age_band=age or self.pick(_AGE_POOL),
                 consent_name=_write_bool(named or rnd() < 0.6),
                 consent_contact=_write_bool(named or rnd() < 0.5))  # fmt: skip

    def tie(self, a: str, b: str) -> None:
        """A tie between two residents, unless they are the same or already tied."""
        key = (a, b) if a < b else (b, a)
        if a == b or key in self._tied:
            return
        self._tied.add(key)
        self.degree[a] = self.degree.get(a, 0) + 1
        self.degree[b] = self.degree.get(b, 0) + 1
        strength = "123"[int(self.rng.random() * 3)]
        kind, since = self.pick(_TIE_POOL), self.pick(_SINCE_POOL)
        self.add("ties", resident=a, other_resident=b, kind=kind, strength=strength, since=since)

    def knit(self, pool: Sequence[str], ties_each: float, window: int = 40) -> None:
        """Ties within a group: a random tree (so the group is connected), extra ties, two thirds
        of them with someone near in the list (a street), and at least two ties each, so that
        hardly anyone hangs on a single acquaintance."""
        n, rnd = len(pool), self.rng.random
        for i in range(1, n):
            self.tie(pool[i], pool[i - 1 - int(rnd() * min(i, window))])
        for _ in range(round((ties_each - 1) * n) if n > 2 else 0):
            i = int(rnd() * n)
            j = i + int((rnd() - 0.5) * 2 * window) if rnd() < 0.67 else int(rnd() * n)
            self.tie(pool[i], pool[min(max(j, 0), n - 1)])
        for i in range(n if n > 2 else 0):
            while self.degree.get(pool[i], 0) < 2:
                self.tie(pool[i], pool[(i + 1 + int(rnd() * min(window, n - 1))) % n])

    def tie_all(self, people: Sequence[str]) -> None:
        for i, a in enumerate(people):
            for b in people[i + 1 :]:
                self.tie(a, b)

    def tie_ring(self, people: Sequence[str]) -> None:
        for i, a in enumerate(people):
            self.tie(a, people[(i + 1) % len(people)])

    def take_part(self, initiative: str, lead: str, pool: Sequence[str], size: int) -> list[str]:
        """Random participants from ``pool``; the first owns it unless professionals lead it."""
        people = self.rng.sample(pool, min(size, len(pool)))
        for n, person in enumerate(people):
            role = "owner" if n == 0 and lead != "professionals" else self.pick(_ROLE_POOL)
            self.add("participation", resident=person, initiative=initiative, role=role)
        return people

    def add_skill(self, person: str, code: str, willing: bool, written: str = "") -> None:
        self.add("skills", resident=person, skill=written or _write_skill(self, code),
                 willing_to_share=_write_bool(willing),
                 level=self.pick(("1", "2", "3", "")))  # fmt: skip

    def add_need(self, person: str, code: str, written: str = "") -> None:
        """A need; health themes are always special (AVG art. 9)."""
        theme = written or _write_theme(self, code)
        self.add("needs", resident=person, theme=theme, special=_write_bool(code in _HEALTH))

    def support(self, person: str, by: str, craft: str) -> None:
        """Support by a professional (``P…``) or an organisation (``O…``): exactly one of both."""
        column = "organisation" if by.startswith("O") else "professional"
        self.add("support", resident=person, craft=craft, **{column: by})

    def add_traits(self, people: Sequence[str], covered: Sequence[str], need_share: float) -> None:
        """Random skills (40 %), needs from the ``covered`` themes, interests (half)."""
        rnd, sample = self.rng.random, self.rng.sample
        for person in people:
            if rnd() < 0.4:
                for code in sample(_SKILL_CODES, 1 + (rnd() < 0.4)):
                    self.add_skill(person, code, rnd() < 0.7)
            if covered and rnd() < need_share:
                for code in sample(covered, min(len(covered), 1 + (rnd() < 0.3))):
                    self.add_need(person, code)
            if rnd() < 0.5:
                for code in sample(_THEME_CODES, 1 + int(rnd() * 3)):
                    self.add("interests", resident=person, theme=_write_theme(self, code))


def _write_bool(flag: bool) -> str:
    return "ja" if flag else "nee"


def _write_skill(builder: _Builder, code: str) -> str:
    """Mostly the plain term, sometimes a synonym or a careless spelling the vocabulary knows."""
    if builder.rng.random() < 0.25:
        return builder.pick(_SKILL_VARIANTS[code])
    return code.replace("_", " ")


def _write_theme(builder: _Builder, code: str) -> str:
    return THEMES.terms[code].name if builder.rng.random() < 0.2 else code.replace("_", " ")


def _draw_date(rng: random.Random, first: int, last: int) -> str:
    return f"{rng.randint(first, last)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _read_themes(written: str) -> set[str]:
    return {THEMES.lookup(part).code for part in written.split("|") if part.strip()}


# --- the sample neighbourhood ---------------------------------------------------------------

_GM, _WK = "GM9999", "WK999901"
_BU1, _BU2, _BU3 = "BU99990101", "BU99990102", "BU99990103"


def _number_residents(first: int, last: int) -> list[str]:
    return [f"B{n:03d}" for n in range(first, last + 1)]


# Residents B001-B100 live in Bloemenbuurt, B101-B210 in Havenkwartier, B211-B300 in Parkzoom;
# the first ones of each buurt are planted, the rest (_MAIN) form its ordinary network.
_MAIN = {
    _BU1: _number_residents(15, 100),
    _BU2: _number_residents(114, 210),
    _BU3: _number_residents(226, 300),
}
_NAMED = {  # planted residents with a fixed name: name, age band, buurt
    "B001": ("Fatima El Amrani", "45-66", _BU1), "B013": ("Ayşe Kaya", "27-44", _BU1),
    "B014": ("Noor Hassan", "27-44", _BU1), "B101": ("Mohammed Bouzid", "45-66", _BU2),
    "B112": ("Wim de Jong", "67-79", _BU2), "B113": ("Youssef Tahiri", "18-26", _BU2),
    "B211": ("Kees Visser", "67-79", _BU3), "B224": ("Priya Ramdin", "45-66", _BU3),
    "B225": ("Emma Jansen", "27-44", _BU3), "B008": ("Truus van Dam", "80+", _BU1),
}  # fmt: skip
_GROUPS = {
    "B001": _number_residents(2, 7),
    "B101": _number_residents(102, 106),
    "B211": _number_residents(212, 216),
}
_HOLDERS = ["B013", "B112", "B224"]  # with an unused strength
_UNCOVERED = ["B102", "B103", "B107", "B108", *_number_residents(120, 129)]

SAMPLE_PLANTED: Planted = {
    "bridges": ["B001", "B101", "B211"],
    "bridge_group:B001": [*_GROUPS["B001"], "I01", "O03"],
    "bridge_group:B101": _GROUPS["B101"],
    "bridge_group:B211": [*_GROUPS["B211"], "I22"],
    "isolated_with_needs": ["B008", "B009", "B010", "B107", "B108", "B109", "B221", "B222"],
    "supported_only": ["B008", "B107", "B108", "B221"],
    "isolated_without_needs": ["B011", "B012", "B110", "B111", "B223"],
    "small_component": _number_residents(217, 220),
    "unused_skill_holders": _HOLDERS,
    "initiatives_needing_them": ["I04", "I10", "I21"],
    "reciprocity": ["B008", "B014", "B113", "B225"],
    "uncovered_theme": ["schulden"],
    "uncovered_theme_neighbourhood": [_BU2],
    "uncovered_theme_residents": _UNCOVERED,
    "initiatives_missing_an_o": ["I06", "I09", "I10", "I14", "I18"],
    "initiatives_all_five_o": ["I02", "I20"],
    "professional_led": ["I04", "I11", "I13", "I15", "I23"],
}
_ORGANISATIONS = (  # id, name, O, kind, craft, neighbourhood
    ("O01", "Bakkerij De Korenschoof", "ondernemers", "bakkerij", "", _BU1),
    ("O02", "Supermarkt Vlinderhof", "ondernemers", "supermarkt", "", _BU2),
    ("O03", "Tuincentrum Groenrijk", "ondernemers", "tuincentrum", "", _BU1),
    ("O04", "Fietsenwinkel Snel", "ondernemers", "fietsenwinkel", "", _BU2),
    ("O05", "Installatiebedrijf Van Dijk", "ondernemers", "installatiebedrijf", "", _WK),
    ("O06", "Kapsalon Yasmin", "ondernemers", "kapsalon", "", _BU2),
    ("O07", "Apotheek Parkzoom", "ondernemers", "apotheek", "zorg", _BU3),
    ("O08", "Basisschool De Regenboog", "onderwijs", "basisschool", "", _BU1),
    ("O09", "Basisschool De Havenmeeuw", "onderwijs", "basisschool", "", _BU2),
    ("O10", "Vlindercollege", "onderwijs", "vmbo", "", _WK),
    ("O11", "ROC Wijkgraafstad", "onderwijs", "mbo", "", _GM),
    ("O12", "Hogeschool Wijkgraafstad", "onderwijs", "hogeschool", "", _GM),
    ("O13", "Kinderopvang De Rups", "onderwijs", "kinderopvang", "", _BU3),
    ("O14", "Lectoraat Sociale Wijkteams", "onderzoek", "lectoraat", "", _GM),
    ("O15", "Buurtlab Universiteit Wijkgraafstad", "onderzoek", "universiteit", "", _GM),
    ("O16", "Kennisinstituut Vitale Wijken", "onderzoek", "kennisinstituut", "", _GM),
    ("O17", "Gemeente Wijkgraafstad", "overheid", "gemeente", "", _GM),
    ("O18", "Sociaal Wijkteam Vlinderwijk", "overheid", "wijkteam", "hulp", _WK),
    ("O19", "Welzijn Vlinderwijk", "overheid", "welzijn", "welzijn", _WK),
    ("O20", "Zorggroep Havenzorg", "overheid", "zorgaanbieder", "zorg", _BU2),
    ("O21", "Thuiszorg De Linde", "overheid", "zorgaanbieder", "zorg", _BU3),
    ("O22", "GGD Wijkgraafstad", "overheid", "ggd", "zorg", _GM),
    ("O23", "Schuldhulp Wijkgraafstad", "overheid", "schuldhulpverlening", "hulp", _GM),
    ("O24", "Woningcorporatie Thuis in de Wijk", "overheid", "woningcorporatie", "", _WK),
    ("O25", "Bibliotheek Wijkgraafstad", "overheid", "bibliotheek", "", _GM),
    ("O26", "Bewonersvereniging Bloemenbuurt", "omgeving", "bewonersvereniging", "", _BU1),
    ("O27", "Bewonerscommissie Havenkwartier", "omgeving", "bewonersvereniging", "", _BU2),
    ("O28", "Moskee Al Fath", "omgeving", "moskee", "", _BU2),
    ("O29", "Protestantse Gemeente De Ark", "omgeving", "kerk", "", _BU3),
    ("O30", "Sportclub VV Vlinderwijk", "omgeving", "sportclub", "", _BU3),
)
_COLLABORATIONS = (
    ("O17", "O18"), ("O17", "O19"), ("O18", "O19"), ("O19", "O20"), ("O19", "O21"), ("O18", "O23"),
    ("O20", "O22"), ("O24", "O26"), ("O24", "O27"), ("O06", "O27"), ("O08", "O13"), ("O11", "O12"),
    ("O12", "O14"), ("O14", "O15"), ("O19", "O26"), ("O27", "O28"),
)  # fmt: skip
_PROFESSIONALS = (  # id, name, craft, organisation
    ("P01", "Sanne de Vries", "welzijn", "O19"), ("P02", "Daan Mulder", "welzijn", "O19"),
    ("P03", "Samira Ouali", "welzijn", "O19"), ("P04", "Lotte Smit", "welzijn", "O19"),
    ("P05", "Ahmed Karimi", "hulp", "O18"), ("P06", "Ingrid Bos", "hulp", "O18"),
    ("P07", "Ruben Meijer", "hulp", "O18"), ("P08", "Femke de Graaf", "hulp", "O23"),
    ("P09", "Esther Hoekstra", "zorg", "O20"), ("P10", "Sevda Demir", "zorg", "O21"),
    ("P11", "Marco Peters", "zorg", "O22"), ("P12", "Anouk Willems", "zorg", "O21"),
)  # fmt: skip
# id, name, themes, level, status, lead, buurt; skills needed; partners (O:contribution); coaches
_INITIATIVES = (
    ("I01", "Moestuin De Groene Hoek", "groen|ontmoeting", "preventie", "active", "residents", _BU1,
     "Tuinier", "O03:materials", ""),
    ("I02", "Buurtkamer De Vlinder", "ontmoeting|eenzaamheid", "normaliseren", "active",
     "residents", _BU1, "gezelschap|organiseren",
     "O01:materials O12:volunteers O14:knowledge O17:funding O24:space O26:volunteers", "P01"),
    ("I03", "Repair Café Bloemenbuurt", "energie|ontmoeting", "normaliseren", "active", "residents",
     _BU1, "klussen|naaien", "O26:space", ""),
    ("I04", "Formulierenhulp Bloemenbuurt", "armoede|schulden|digitale vaardigheden", "preventie",
     "active", "professionals", _BU1, "Administratie|computerhulp",
     "O23:coaching|knowledge O25:space", "P08 P05"),
    ("I05", "Jonge Moeders Bloemenbuurt", "opvoeding|ontmoeting", "preventie", "active",
     "residents", _BU1, "oppassen", "O08:space O13:knowledge", "P03"),
    ("I06", "Buurtrestaurant De Smaakmakers", "voeding|ontmoeting|eenzaamheid", "normaliseren",
     "active", "shared", _BU1, "KOKEN ",
     "O01:materials O02:materials|funding O19:coaching O26:volunteers", "P02"),
    ("I07", "Kledingbank Bloemenbuurt", "armoede", "normaliseren", "ended", "residents", _BU1,
     "naaien", "O26:space", ""),
    ("I08", "Broodfonds De Bloemenbuurt", "werk|armoede", "innovatie", "active", "residents", _BU1,
     "administratie", "", ""),
    ("I09", "Taalcafé Havenkwartier", "taal|ontmoeting", "preventie", "active", "residents", _BU2,
     "Taalmaatje|organiseren", "O11:volunteers O25:space|knowledge O28:space", "P03"),
    ("I10", "Fietsenwerkplaats Havenkwartier", "mobiliteit|werk", "preventie", "active",
     "residents", _BU2, "fietsen repareren", "O04:materials O24:space", ""),
    ("I11", "Huiswerkklas De Haven", "jeugd|opvoeding|taal", "preventie", "active", "professionals",
     _BU2, "Bijles", "O09:space O12:volunteers O19:coaching", "P02"),
    ("I12", "Schuldhulpmaatjes Havenkwartier", "schulden|armoede", "preventie", "ended",
     "residents", _BU2, "administratie", "O23:coaching", ""),
    ("I13", "Vrouwengroep Havenkwartier", "ontmoeting|gezondheid", "preventie", "active",
     "professionals", _BU2, "", "O28:space O20:knowledge", "P03 P09"),
    ("I14", "Energiecoaches Havenkwartier", "energie|wonen", "innovatie", "active", "residents",
     _BU2, "energiecoach", "O05:knowledge O16:knowledge O17:funding O24:funding", ""),
    ("I15", "Zaalvoetbal Havenjongens", "sport|jeugd", "preventie", "active", "professionals", _BU2,
     "Trainer", "O30:materials O10:space", "P02 P07"),
    ("I16", "Digicafé Havenkwartier", "digitale vaardigheden|ontmoeting", "normaliseren", "idea",
     "residents", _BU2, "computerhulp", "", ""),
    ("I17", "Voedseltuin Havenkade", "voeding|groen", "preventie", "idea", "residents", _BU2,
     "tuinieren", "", ""),
    ("I18", "Koffieochtend Parkzoom", "eenzaamheid|ontmoeting", "normaliseren", "active",
     "residents", _BU3, "gezelschap", "O29:space O19:coaching", "P04"),
    ("I19", "Wandelgroep Parkzoom", "Sport en bewegen|gezondheid", "preventie", "active",
     "residents", _BU3, "sportbegeleiding", "O30:knowledge O22:knowledge", ""),
    ("I20", "Zorgcoöperatie Parkzoom", "mantelzorg|gezondheid|eenzaamheid", "innovatie", "active",
     "shared", _BU3, "gezelschap|boodschappen",
     "O07:knowledge O12:volunteers O15:knowledge O17:funding O21:coaching O29:volunteers", "P10"),
    ("I21", "Boodschappendienst Parkzoom", "mobiliteit|eenzaamheid", "normaliseren", "active",
     "residents", _BU3, "vervoer", "O02:materials", ""),
    ("I22", "Seniorensoos De Zonnebloem", "cultuur|ontmoeting", "normaliseren", "paused",
     "residents", _BU3, "", "", ""),
    ("I23", "Mantelzorgcafé Parkzoom", "mantelzorg", "preventie", "active", "professionals", _BU3,
     "", "O21:space O19:coaching", "P04 P12"),
    ("I24", "Buurtpreventie Parkzoom", "veiligheid", "preventie", "ended", "residents", _BU3, "",
     "O17:funding", ""),
    ("I25", "Energiecoöperatie Vlinderwijk", "energie|duurzaamheid", "innovatie", "active",
     "residents", _WK, "fondsenwerving|Energie besparen", "O05:materials O16:knowledge O17:funding",
     "P01"),
)  # fmt: skip
_PARTICIPATION = (  # the planted residents' own participation; the rest is random
    ("B001", "I01", "owner"), ("B002", "I01", "organiser"), ("B003", "I01", "volunteer"),
    ("B004", "I01", "volunteer"), ("B005", "I01", "participant"), ("B006", "I01", "participant"),
    ("B007", "I01", "participant"), ("B211", "I22", "owner"), ("B212", "I22", "organiser"),
    ("B213", "I22", "participant"), ("B214", "I22", "participant"), ("B215", "I22", "participant"),
    ("B216", "I22", "participant"), ("B013", "I05", "participant"), ("B014", "I06", "beneficiary"),
    ("B101", "I09", "volunteer"), ("B112", "I09", "participant"), ("B113", "I15", "participant"),
    ("B224", "I19", "volunteer"), ("B225", "I18", "participant"),
)  # fmt: skip
_SKILLS = (  # resident, as written, willing to share
    ("B001", "Tuinier", True), ("B008", "Kleding repareren", True),
    ("B013", "Formulieren invullen", True), ("B014", "Kookt graag", True),
    ("B112", "Fietsenmaker", True), ("B113", "Tolk", True), ("B224", "Autorijden", True),
    ("B225", "muziek", True), ("B101", "organiseren", True), ("B150", "Jongleren", True),
)  # fmt: skip
_NEEDS = (  # resident, as written (the uncovered theme's residents come on top)
    ("B008", "eenzaamheid"), ("B008", "gezondheid"), ("B009", "psychische gezondheid"),
    ("B010", "armoede"), ("B108", "taal"), ("B109", "opvoeding"), ("B221", "mantelzorg"),
    ("B222", "eenzaam"), ("B014", "armoede"), ("B113", "werk"), ("B225", "mantelzorg"),
)  # fmt: skip
_SUPPORT = (  # resident, professional or organisation
    ("B008", "P10"), ("B107", "O23"), ("B108", "P08"), ("B221", "P12"), ("B014", "P05"),
    ("B113", "P06"), ("B225", "P10"),
)  # fmt: skip


def sample_neighbourhood(seed: int = 2026) -> Dataset:
    """The fictional neighbourhood Vlinderwijk with the structures of :data:`SAMPLE_PLANTED`.

    Organisations, professionals, initiatives and the planted residents are fixed; the other
    residents, their ties, participation, skills, needs and support vary with ``seed`` without
    ever touching what is planted.
    """
    b = _Builder(seed)
    crafts = _add_sample_organisations(b)
    _add_sample_residents(b)
    covered = _add_sample_initiatives(b)
    _add_sample_traits(b, crafts, covered)
    return b.data


def _add_sample_organisations(b: _Builder) -> dict[str, str]:
    """The areas, organisations, collaborations and professionals; returns crafts by id."""
    b.add("neighbourhoods", code=_GM, name="Wijkgraafstad", level="gemeente")
    b.add("neighbourhoods", code=_WK, name="Vlinderwijk", level="wijk", parent=_GM)
    for code, name in ((_BU1, "Bloemenbuurt"), (_BU2, "Havenkwartier"), (_BU3, "Parkzoom")):
        b.add("neighbourhoods", code=code, name=name, level="buurt", parent=_WK)
    crafts: dict[str, str] = {}
    for oid, name, sector, kind, craft, hood in _ORGANISATIONS:
        crafts[oid] = craft
        b.add("organisations", source_id=oid, name=name, o_sector=sector, kind=kind, craft=craft,
              neighbourhood=hood)  # fmt: skip
    for one, other in _COLLABORATIONS:
        b.add("collaborations", organisation=one, other_organisation=other)
    for pid, name, craft, oid in _PROFESSIONALS:
        crafts[pid] = craft
        b.add("professionals", source_id=pid, name=name, craft=craft, organisation=oid)
    return crafts


def _add_sample_residents(b: _Builder) -> None:
    """The residents and their ties: random within each buurt's main network, planted around
    it (the bridges and their groups, the small component; no ties for the isolated)."""
    for n in range(1, 301):
        hood = _BU1 if n <= 100 else _BU2 if n <= 210 else _BU3
        name, age, hood = _NAMED.get(f"B{n:03d}", ("", "", hood))
        b.add_resident(f"B{n:03d}", hood, name, age)
    for pool in _MAIN.values():
        b.knit(pool, 2.5, window=15)
    for _ in range(10):  # a few friendships across the buurten
        b.tie(b.pick(_MAIN[_BU1] + _MAIN[_BU3]), b.pick(_MAIN[_BU2]))
    for rid, (_, _, hood) in _NAMED.items():
        if rid != "B008":  # Truus: isolated, with support only
            for other in b.rng.sample(_MAIN[hood], 3):
                b.tie(rid, other)
    for bridge, group in _GROUPS.items():
        if bridge == "B101":
            b.tie_all(group)  # a family and their neighbours in one flat
        else:
            b.tie_ring(group)
        for member in group[: 1 if bridge == "B211" else 2]:
            b.tie(bridge, member)
    b.tie_all(SAMPLE_PLANTED["small_component"])


def _add_sample_initiatives(b: _Builder) -> dict[str, set[str]]:
    """The initiatives with what they need, their partners, coaches and participants; returns
    the themes active initiatives address, by buurt."""
    participants: dict[str, list[str]] = {}
    covered: dict[str, set[str]] = {_BU1: set(), _BU2: set(), _BU3: set()}
    everyone = [rid for pool in _MAIN.values() for rid in pool]
    for iid, name, themes, level, status, lead, hood, needed, partners, coaches in _INITIATIVES:
        started = "" if status == "idea" else _draw_date(b.rng, 2014, 2025)
        b.add("initiatives", source_id=iid, name=name, themes=themes, level=level, status=status,
              lead=lead, started=started, neighbourhood=hood)  # fmt: skip
        for skill in filter(None, needed.split("|")):
            b.add("skills_needed", initiative=iid, skill=skill)
        for partner in partners.split():
            oid, contribution = partner.split(":")
            b.add("partnerships", organisation=oid, initiative=iid, contribution=contribution)
        for pid in coaches.split():
            b.add("coaching", professional=pid, initiative=iid)
        if status == "active":
            for area in covered if hood == _WK else (hood,):
                covered[area] |= _read_themes(themes)
        if iid not in ("I01", "I22"):  # the bridges' groups take part in those only
            size = {"active": 12, "idea": 2}.get(status, 5) + b.rng.randint(0, 4)
            participants[iid] = b.take_part(iid, lead, _MAIN.get(hood, everyone), size)
    for rid, iid, role in _PARTICIPATION:
        b.add("participation", resident=rid, initiative=iid, role=role)
    for holder, iid in zip(_HOLDERS, SAMPLE_PLANTED["initiatives_needing_them"], strict=True):
        b.tie(holder, participants[iid][-1])  # a warm introduction path
    return covered


def _add_sample_traits(b: _Builder, crafts: dict[str, str], covered: dict[str, set[str]]) -> None:
    """Skills, needs, interests and support: planted ones, and random ones for the main networks
    (needs only of themes an active initiative in the buurt addresses)."""
    for rid, written, willing in _SKILLS:
        b.add_skill(rid, SKILLS.lookup(written).code, willing, written)
    for rid, written in _NEEDS:
        b.add_need(rid, THEMES.lookup(written).code, written)
    for rid in _UNCOVERED:
        b.add_need(rid, "schulden", b.pick(("schulden", "Schulden", "schuldhulp")))
    for rid, by in _SUPPORT:
        b.support(rid, by, crafts[by])
    helpers = [pid for pid, *_ in _PROFESSIONALS] + ["O18", "O20", "O23"]
    for hood, pool in _MAIN.items():
        b.add_traits(pool, sorted(covered[hood]), need_share=0.25)
        for rid in b.rng.sample(pool, 7):
            by = b.pick(helpers)
            b.support(rid, by, crafts[by])
    main = {rid for pool in _MAIN.values() for rid in pool}
    others = [rid for rid in _number_residents(1, 300) if rid not in main and rid not in _HOLDERS]
    b.add_traits(others, (), need_share=0.0)  # skills and interests; their needs are planted


# --- a synthetic city -------------------------------------------------------------------------

_CITY_GM = "GM9998"
_BUURT_SIZE = 5000
_PLANT_MINIMUM = 150  # a smaller buurt gets nothing planted: there is no room for it
_PLANTED_PER_BUURT = 21  # the first residents of a buurt: see _plant
_STEMS = (
    "Molen", "Haven", "Kerk", "Beek", "Dijk", "Veld", "Hof", "Brug", "Linden", "Wilgen", "Eiken",
    "Sluis", "Vaart", "Zand", "Klaver",
)  # fmt: skip
_SUFFIXES = ("buurt", "kwartier", "zoom", "hoek", "park", "weide")
_ACTIVITIES = (
    "Buurtkamer", "Moestuin", "Taalcafé", "Repair Café", "Wandelgroep", "Kookclub", "Huiswerkklas",
    "Koffieochtend", "Buurtrestaurant", "Energieteam", "Klussendienst", "Kledingruil", "Buurtbus",
    "Ouderkamer",
)  # fmt: skip
_KINDS: dict[str, tuple[tuple[str, str, str], ...]] = {  # O: (kind, name, craft)
    "ondernemers": (("bakkerij", "Bakkerij", ""), ("supermarkt", "Supermarkt", ""),
                    ("fietsenwinkel", "Fietsenwinkel", ""), ("apotheek", "Apotheek", "zorg"),
                    ("kapsalon", "Kapsalon", ""), ("installatiebedrijf", "Installateur", "")),
    "onderwijs": (("basisschool", "Basisschool", ""), ("vmbo", "Vmbo-school", ""),
                  ("mbo", "ROC", ""), ("hogeschool", "Hogeschool", ""),
                  ("kinderopvang", "Kinderopvang", "")),
    "onderzoek": (("lectoraat", "Lectoraat", ""), ("universiteit", "Buurtlab", ""),
                  ("kennisinstituut", "Kennisinstituut", "")),
    "overheid": (("wijkteam", "Sociaal Wijkteam", "hulp"), ("welzijn", "Welzijn", "welzijn"),
                 ("zorgaanbieder", "Zorggroep", "zorg"), ("woningcorporatie", "Woonstichting", ""),
                 ("ggd", "GGD-post", "zorg"), ("schuldhulpverlening", "Schuldhulp", "hulp"),
                 ("bibliotheek", "Bibliotheek", "")),
    "omgeving": (("bewonersvereniging", "Bewonersvereniging", ""), ("moskee", "Moskee", ""),
                 ("kerk", "Kerk", ""), ("sportclub", "Sportclub", ""),
                 ("stichting", "Stichting", "")),
}  # fmt: skip
_SECTOR_POOL = (
    *["ondernemers"] * 6, *["onderwijs"] * 3, "onderzoek", *["overheid"] * 7, *["omgeving"] * 3,
)  # fmt: skip
_STATUS_POOL = (*["active"] * 40, *["idea"] * 4, *["ended"] * 4, *["paused"] * 2)
_LEAD_POOL = (*["residents"] * 15, *["professionals"] * 3, *["shared"] * 2)
_LEVELS = tuple(level.value for level in TransformationLevel)
_CONTRIBUTIONS = tuple(contribution.value for contribution in Contribution)
_UNCOVERED_CANDIDATES = (
    "schulden", "eenzaamheid", "armoede", "mantelzorg", "taal", "opvoeding",
    "digitale_vaardigheden", "psychische_gezondheid",
)  # fmt: skip
_CITY_KEYS = (
    "bridges", "bridge_groups", "isolated_with_needs", "supported_only", "isolated_without_needs",
    "small_component", "unused_skill_holders", "initiatives_needing_them", "uncovered_theme",
    "uncovered_theme_neighbourhood", "uncovered_theme_residents",
)  # fmt: skip
assert set(_KINDS) == set(OSector)


def synthetic_city(residents: int, *, seed: int) -> Dataset:
    """A synthetic city of ``residents`` residents for scale tests; see :func:`generate_city`."""
    return generate_city(residents, seed=seed)[0]


def generate_city(residents: int, *, seed: int) -> tuple[Dataset, Planted]:
    """Synthetistad (GM9998) with buurten of about 5,000 residents, and what it planted there.

    Buurten go five to a wijk. Per resident about 3 ties (95 % within the buurt, mostly near),
    per 50 residents an initiative, per 300 an organisation (all five O's), per 500 a
    professional; about 10 % of the residents get support. Every buurt of at least 150
    residents gets a bridge with a group of six and an initiative that hang on it, 5 isolated
    residents with needs (2 with support only), 3 without, a small component of 4, 2 unused
    strengths and an uncovered theme that 15 residents need. The planted lists are flat;
    ``uncovered_theme`` and ``uncovered_theme_neighbourhood`` run in parallel, and each
    ``bridge_groups`` entry joins a group's ids with ``|``.
    """
    if residents < 1:
        raise ValueError("a city needs at least one resident")
    b = _Builder(seed)
    buurten = max(1, round(residents / _BUURT_SIZE))
    per_wijk = max(5, math.ceil(buurten / 99))
    if per_wijk > 99:
        raise ValueError("too many residents for the CBS codes of one municipality")
    b.add("neighbourhoods", code=_CITY_GM, name="Synthetistad", level="gemeente")
    hoods: list[tuple[str, str, str]] = []  # buurt, wijk, name
    for i in range(buurten):
        wijk = f"WK9998{i // per_wijk + 1:02d}"
        if i % per_wijk == 0:
            b.add("neighbourhoods", code=wijk, name=f"Wijk {i // per_wijk + 1}", level="wijk",
                  parent=_CITY_GM)  # fmt: skip
        name = _STEMS[i % len(_STEMS)] + _SUFFIXES[i // len(_STEMS) % len(_SUFFIXES)]
        name += f" {i // (len(_STEMS) * len(_SUFFIXES)) + 1}" if i >= 90 else ""
        code = f"BU9998{i // per_wijk + 1:02d}{i % per_wijk + 1:02d}"
        b.add("neighbourhoods", code=code, name=name, level="buurt", parent=wijk)
        hoods.append((code, wijk, name))

    local = _add_city_organisations(b, residents, [(h, w) for h, w, _ in hoods])
    pros = _add_city_professionals(b, residents)
    helpers = list(pros.items())  # who gives support: professionals, some organisations
    helpers += [(oid, craft) for area in local.values() for oid, craft in area if craft][:20]
    planted: Planted = {key: [] for key in _CITY_KEYS}
    width = max(6, len(str(residents)))
    digits = max(4, len(str(residents // 50 + buurten)))
    next_initiative = (f"I{n:0{digits}d}" for n in count(1)).__next__
    everyone: list[str] = []
    start = 0
    for i, (hood, wijk, name) in enumerate(hoods):
        size = residents // buurten + (i < residents % buurten)
        ids = [f"R{n:0{width}d}" for n in range(start + 1, start + size + 1)]
        start += size
        for rid in ids:
            b.add_resident(rid, hood)
        town = _Town(hood, name, local[hood] + local[wijk] + local[_CITY_GM], list(pros), helpers)
        everyone += _populate_buurt(b, town, ids, next_initiative, planted)
    for _ in range(round(0.15 * residents) if buurten > 1 else 0):
        b.tie(b.pick(everyone), b.pick(everyone))  # mostly across buurten
    return b.data, planted


class _Town(NamedTuple):
    """What generating a buurt needs to know about the city around it."""

    hood: str
    name: str
    partners: list[tuple[str, str]]  # organisations active in the buurt, its wijk or the city
    pros: list[str]
    helpers: list[tuple[str, str]]  # who gives support: (professional or organisation, craft)


def _add_city_organisations(
    b: _Builder, residents: int, hoods: list[tuple[str, str]]
) -> dict[str, list[tuple[str, str]]]:
    """Organisations and their collaborations (a random tree, so they hang together, and some
    more); the first eight are fixed so that all five O's and all three crafts exist. Returns
    (id, craft) by the area each is active in: a buurt, a wijk or the municipality."""
    number = max(8, round(residents / 300))
    width = max(3, len(str(number)))
    local: dict[str, list[tuple[str, str]]] = {_CITY_GM: []}
    for hood, wijk in hoods:
        local[hood], local[wijk] = [], []
    ids: list[str] = []
    for n in range(number):
        if n < 5:  # one of each O, the municipality among them
            sector = tuple(_KINDS)[n]
            kind, label, craft = ("gemeente", "Gemeente", "") if n == 3 else _KINDS[sector][0]
        elif n < 8:  # wijkteam, welzijn, zorgaanbieder: a craft each
            sector, (kind, label, craft) = "overheid", _KINDS["overheid"][n - 5]
        else:
            sector = b.pick(_SECTOR_POOL)
            kind, label, craft = _KINDS[sector][int(b.rng.random() * len(_KINDS[sector]))]
        hood, wijk = b.pick(hoods)
        area = _CITY_GM if n == 3 or b.rng.random() < 0.1 else b.pick((hood, hood, hood, wijk))
        oid = f"O{n + 1:0{width}d}"
        b.add("organisations", source_id=oid, name=f"{label} {n + 1}", o_sector=sector, kind=kind,
              craft=craft, neighbourhood=area)  # fmt: skip
        local[area].append((oid, craft))
        if ids:
            b.add("collaborations", organisation=oid, other_organisation=b.pick(ids))
        ids.append(oid)
    for _ in range(number // 2):
        one, other = b.rng.sample(ids, 2)
        b.add("collaborations", organisation=one, other_organisation=other)
    return local


def _add_city_professionals(b: _Builder, residents: int) -> dict[str, str]:
    """Professionals of the three crafts in turn, each working for an organisation with that
    craft; returns their crafts by id."""
    employers: dict[str, list[str]] = {}
    for row in b.data["organisations"]:
        if row["craft"]:
            employers.setdefault(row["craft"], []).append(row["source_id"])
    number = max(1, round(residents / 500))
    width = max(3, len(str(number)))
    crafts = {}
    for n in range(number):
        craft, pid = ("welzijn", "hulp", "zorg")[n % 3], f"P{n + 1:0{width}d}"
        b.add("professionals", source_id=pid, name=f"{b.pick(_FIRST_NAMES)} {b.pick(_SURNAMES)}",
              craft=craft, organisation=b.pick(employers[craft]))  # fmt: skip
        crafts[pid] = craft
    return crafts


def _populate_buurt(
    b: _Builder, town: _Town, ids: list[str], next_initiative: Callable[[], str], planted: Planted
) -> list[str]:
    """Ties, initiatives, participation, support and traits of one buurt; returns the residents
    of its main network (all but the planted ones)."""
    rng = b.rng
    plant = len(ids) >= _PLANT_MINIMUM
    main = ids[_PLANTED_PER_BUURT:] if plant else ids
    uncovered = rng.choice(_UNCOVERED_CANDIDATES) if plant else ""
    themes = [theme for theme in _THEME_CODES if theme != uncovered]
    b.knit(main, 2.93)
    covered: set[str] = set()
    needing: list[tuple[str, str, list[str]]] = []  # active, needs a skill: id, skill, people
    for n in range(max(1, round(len(ids) / 50)) - plant):
        iid, status, lead = next_initiative(), b.pick(_STATUS_POOL), b.pick(_LEAD_POOL)
        chosen = rng.sample(themes, 1 + int(rng.random() * 3))
        b.add("initiatives", source_id=iid, name=f"{b.pick(_ACTIVITIES)} {town.name} {n + 1}",
              themes="|".join(chosen), level=b.pick(_LEVELS), status=status, lead=lead,
              started="" if status == "idea" else _draw_date(rng, 2012, 2025),
              neighbourhood=town.hood)  # fmt: skip
        skills = rng.sample(_SKILL_CODES, int(rng.random() * 3))
        for code in skills:
            b.add("skills_needed", initiative=iid, skill=_write_skill(b, code))
        for oid, _ in rng.sample(town.partners, min(len(town.partners), int(rng.random() * 4))):
            contribution = "|".join(rng.sample(_CONTRIBUTIONS, 1 + (rng.random() < 0.3)))
            b.add("partnerships", organisation=oid, initiative=iid, contribution=contribution)
        if lead != "residents" or rng.random() < 0.25:
            for pid in rng.sample(town.pros, min(len(town.pros), 1 + (lead == "professionals"))):
                b.add("coaching", professional=pid, initiative=iid)
        size = 4 + int(rng.random() * (15 if status == "active" else 5))
        people = b.take_part(iid, lead, main, size)
        if status == "active":
            covered.update(chosen)
            if skills and people:
                needing.append((iid, skills[0], people))
    if plant:
        _plant(b, town, ids, main, uncovered, themes, needing, next_initiative, planted)
    b.add_traits(main, sorted(covered), need_share=0.2)
    for rid in rng.sample(main, min(len(main), round(0.1 * len(ids)))):
        b.support(rid, *b.rng.choice(town.helpers))
    return main


def _plant(
    b: _Builder,
    town: _Town,
    ids: list[str],
    main: list[str],
    uncovered: str,
    themes: list[str],
    needing: list[tuple[str, str, list[str]]],
    next_initiative: Callable[[], str],
    planted: Planted,
) -> None:
    """Plant one city buurt's structure in its first 21 residents (see :func:`generate_city`)
    and the 15 main residents with the uncovered theme; record it all in ``planted``."""
    rng = b.rng
    bridge, group, lonely, alone = ids[0], ids[1:7], ids[7:12], ids[12:15]
    small, holders = ids[15:19], ids[19:21]
    for other in rng.sample(main, 3):
        b.tie(bridge, other)
    b.tie_ring(group)
    b.tie(bridge, group[0])
    b.tie(bridge, group[3])
    iid = next_initiative()
    b.add("initiatives", source_id=iid, name=f"Buurtgroep {town.name}", level="normaliseren",
          themes="|".join(rng.sample(themes, 2)), status="active", lead="residents",
          started=_draw_date(rng, 2015, 2025), neighbourhood=town.hood)  # fmt: skip
    b.add("participation", resident=bridge, initiative=iid, role="owner")
    for rid in group:
        b.add("participation", resident=rid, initiative=iid, role=b.pick(_ROLE_POOL))
    for n, rid in enumerate(lonely):
        for code in rng.sample(_THEME_CODES, 1 + n % 2):
            b.add_need(rid, code)
        if n < 2:
            b.support(rid, *rng.choice(town.helpers))
    b.tie_all(small)
    b.add_traits([bridge, *group, *lonely, *alone, *small], (), need_share=0.0)
    chosen = rng.sample(needing, min(2, len(needing)))
    for holder, (initiative, code, people) in zip(holders, chosen, strict=False):
        b.add_skill(holder, code, True)  # and no participation at all
        for other in [*rng.sample(main, 2), people[-1]]:
            b.tie(holder, other)
        planted["unused_skill_holders"].append(holder)
        planted["initiatives_needing_them"].append(initiative)
    needers = rng.sample(main, 15)
    for rid in needers:
        b.add_need(rid, uncovered)
    planted["bridges"].append(bridge)
    planted["bridge_groups"].append("|".join([*group, iid]))
    planted["isolated_with_needs"] += lonely
    planted["supported_only"] += lonely[:2]
    planted["isolated_without_needs"] += alone
    planted["small_component"] += small
    planted["uncovered_theme"].append(uncovered)
    planted["uncovered_theme_neighbourhood"].append(town.hood)
    planted["uncovered_theme_residents"] += needers


def write_csv(
    dataset: Dataset, directory: Path, *, dutch_headers: bool = True, delimiter: str = ","
) -> list[Path]:
    """One UTF-8 CSV file per non-empty sheet, named and headed in Dutch or English with every
    column in template order; returns the paths written. An unknown sheet or column is an
    error rather than silently left out."""
    unknown = set(dataset) - set(SHEETS)
    if unknown:
        raise ValueError(f"not a sheet of the templates: {sorted(unknown)}")
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for key, sheet in SHEETS.items():
        rows = dataset.get(key)
        if not rows:
            continue
        path = directory / f"{sheet.nl if dutch_headers else sheet.key}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            headers = [column.nl if dutch_headers else column.key for column in sheet.columns]
            csv.writer(handle, delimiter=delimiter).writerow(headers)
            keys = [column.key for column in sheet.columns]
            csv.DictWriter(handle, keys, restval="", delimiter=delimiter).writerows(rows)
        paths.append(path)
    return paths


#: The sample neighbourhood as shipped CSV files (``python -m importers.synthetic`` rewrites
#: them; a test checks they equal what :func:`sample_neighbourhood` builds).
SAMPLE_DIR = Path(__file__).with_name("sample_data")


def sample_files() -> list[Path]:
    """The shipped CSV files of the sample neighbourhood, ready for ``wijkgraaf import``."""
    return sorted(SAMPLE_DIR.glob("*.csv"))


if __name__ == "__main__":
    for written in write_csv(sample_neighbourhood(), SAMPLE_DIR):
        print(written)
