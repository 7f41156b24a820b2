"""The builder of a synthetic dataset: rows exactly as a coordinator types them into the
templates of :mod:`importers.templates`, ties without repeats, names, skills and themes
spelled the many ways people write them.

Everything is drawn from the builder's own seeded random, never the global one, so a dataset
is the same for the same seed. :mod:`importers.sample_neighbourhood` and
:mod:`importers.synthetic_city` build with it; :mod:`importers.synthetic` is their entry point.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

from graph.model import AgeBand, TieKind
from importers.templates import SHEETS
from importers.vocabulary import THEMES

#: A dataset: rows of template cells (strings) by sheet key.
Dataset = dict[str, list[dict[str, str]]]
#: What a dataset planted, by kind: source ids (or codes) to find in the answers.
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
SKILL_CODES = tuple(_SKILL_VARIANTS)
THEME_CODES = tuple(THEMES.terms)
_HEALTH = frozenset(code for code, term in THEMES.terms.items() if term.special)
# Weighted pools: picking from a tuple is several times faster than random.choices.
_AGE_POOL = ("0-17", *["18-26"] * 2, *["27-44"] * 6, *["45-66"] * 6, *["67-79"] * 3, "80+", "80+")
_TIE_POOL = (*["neighbour"] * 7, *["acquaintance"] * 6, *["friend"] * 5, "family", "family")
ROLE_POOL = (*["organiser"] * 2, *["volunteer"] * 5, *["participant"] * 10, *["beneficiary"] * 3)
_SINCE_POOL = tuple(f"{2000 + n % 26}-{1 + n % 12:02d}-{1 + n * 7 % 28:02d}" for n in range(300))
_SINCE_POOL += ("",) * 75  # a fifth of the ties have no date
assert set(_TIE_POOL) == set(TieKind) and set(_AGE_POOL) == set(AgeBand)


class DatasetBuilder:
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

    def random_name(self) -> str:
        return f"{self.pick(_FIRST_NAMES)} {self.pick(_SURNAMES)}"

    def written_skill(self, code: str) -> str:
        """A skill as a coordinator writes it: mostly the plain term, sometimes a synonym or a
        careless spelling the vocabulary knows."""
        if self.rng.random() < 0.25:
            return self.pick(_SKILL_VARIANTS[code])
        return code.replace("_", " ")

    def written_theme(self, code: str) -> str:
        return THEMES.terms[code].name if self.rng.random() < 0.2 else code.replace("_", " ")

    def draw_date(self, first: int, last: int) -> str:
        """A date in the years ``first`` to ``last``, as the templates write it."""
        rng = self.rng
        return f"{rng.randint(first, last)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    def add_resident(self, source_id: str, hood: str, name: str = "", age: str = "") -> None:
        """A resident, named and aged at random unless given; about 60 % consent to the name,
        everyone who is given a name does (the planted people the answers talk about)."""
        rnd = self.rng.random
        named = bool(name)
        name = name or self.random_name()
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
            role = "owner" if n == 0 and lead != "professionals" else self.pick(ROLE_POOL)
            self.add("participation", resident=person, initiative=initiative, role=role)
        return people

    def add_skill(self, person: str, code: str, willing: bool, written: str = "") -> None:
        self.add("skills", resident=person, skill=written or self.written_skill(code),
                 willing_to_share=_write_bool(willing),
                 level=self.pick(("1", "2", "3", "")))  # fmt: skip

    def add_need(self, person: str, code: str, written: str = "") -> None:
        """A need; health themes are always special (AVG art. 9)."""
        theme = written or self.written_theme(code)
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
                for code in sample(SKILL_CODES, 1 + (rnd() < 0.4)):
                    self.add_skill(person, code, rnd() < 0.7)
            if covered and rnd() < need_share:
                for code in sample(covered, min(len(covered), 1 + (rnd() < 0.3))):
                    self.add_need(person, code)
            if rnd() < 0.5:
                for code in sample(THEME_CODES, 1 + int(rnd() * 3)):
                    self.add("interests", resident=person, theme=self.written_theme(code))


def _write_bool(flag: bool) -> str:
    return "ja" if flag else "nee"
