"""Controlled vocabularies for themes and skills (krachten), with normalisation and synonyms.

Coordinators write "Koken", "koken ", "kookt graag" or "Cooking"; they must meet. A term is
normalised (case, accents, spaces, punctuation) and looked up among the codes, the Dutch and
English names and the synonyms. A term that is not known is accepted under its normalised form
and reported, so the vocabulary can grow (extensible, as DOMAIN.md asks).

>>> SKILLS.lookup("Kookt graag").code, SKILLS.lookup("  KOKEN").code, SKILLS.lookup("cooking").code
('koken', 'koken', 'koken')
>>> THEMES.lookup("Eénzaamheid").code, THEMES.lookup("loneliness").known
('eenzaamheid', True)
>>> SKILLS.lookup("Jongleren").known, SKILLS.lookup("Jongleren").code
(False, 'jongleren')
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass


@functools.lru_cache(maxsize=65_536)  # a city writes the same few hundred terms millions of times
def normalise_term(text: str) -> str:
    """Lower case, no accents, words joined by underscores.

    >>> normalise_term("  Fietsen   Repareren! "), normalise_term("Eénzaamheid")
    ('fietsen_repareren', 'eenzaamheid')
    """
    folded = unicodedata.normalize("NFKD", text.strip().lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "_", folded).strip("_")


@dataclass(frozen=True)
class Term:
    code: str
    name: str  # Dutch
    name_en: str
    synonyms: tuple[str, ...] = ()
    special: bool = False  # health-related: special category data (AVG/GDPR art. 9)


@dataclass(frozen=True)
class Match:
    code: str
    known: bool
    term: Term | None


class Vocabulary:
    """Terms with every way of writing them mapped to one code."""

    def __init__(self, kind: str, terms: list[Term]) -> None:
        self.kind = kind
        self.terms = {term.code: term for term in terms}
        self._index: dict[str, str] = {}
        for term in terms:
            for form in (term.code, term.name, term.name_en, *term.synonyms):
                key = normalise_term(form)
                if self._index.setdefault(key, term.code) != term.code:
                    raise ValueError(f"{kind}: {form!r} names two terms")

    def lookup(self, text: str) -> Match:
        key = normalise_term(text)
        code = self._index.get(key)
        if code is not None:
            return Match(code, True, self.terms[code])
        return Match(key, False, None)


THEMES = Vocabulary(
    "theme",
    [
        Term("eenzaamheid", "Eenzaamheid", "Loneliness", ("eenzaam", "sociaal isolement", "isolement")),
        Term("armoede", "Armoede", "Poverty", ("geldzorgen", "rondkomen", "minima")),
        Term("schulden", "Schulden", "Debt", ("schuldhulp", "schuldhulpverlening")),
        Term("gezondheid", "Gezondheid", "Health", ("zorg", "lichamelijke gezondheid"), special=True),
        Term("psychische_gezondheid", "Psychische gezondheid", "Mental health", ("ggz", "mentale gezondheid"), special=True),
        Term("verslaving", "Verslaving", "Addiction", (), special=True),
        Term("groen", "Groen", "Green spaces", ("natuur", "groen in de wijk", "greenery")),
        Term("energie", "Energie", "Energy", ("energiearmoede", "energie besparen", "duurzaamheid")),
        Term("opvoeding", "Opvoeding", "Parenting", ("opvoedondersteuning", "ouderschap")),
        Term("mobiliteit", "Mobiliteit", "Mobility", ("vervoer", "transport")),
        Term("wonen", "Wonen", "Housing", ("huisvesting",)),
        Term("werk", "Werk", "Work", ("werkloosheid", "employment", "jobs")),
        Term("taal", "Taal", "Language", ("laaggeletterdheid", "nederlands leren", "literacy")),
        Term("ontmoeting", "Ontmoeting", "Meeting people", ("elkaar ontmoeten", "meeting")),
        Term("veiligheid", "Veiligheid", "Safety", ("overlast",)),
        Term("voeding", "Voeding", "Food", ("eten", "gezond eten", "voedselbank")),
        Term("digitale_vaardigheden", "Digitale vaardigheden", "Digital skills", ("digitaal", "computer")),
        Term("mantelzorg", "Mantelzorg", "Informal care", ("mantelzorger", "carer support")),
        Term("bewegen", "Sport en bewegen", "Sport and exercise", ("sport", "sport_en_bewegen", "exercise")),
        Term("cultuur", "Cultuur", "Culture", ("kunst", "arts")),
        Term("jeugd", "Jeugd", "Youth", ("jongeren", "youth work")),
    ],
)  # fmt: skip

SKILLS = Vocabulary(
    "skill",
    [
        Term("koken", "Koken", "Cooking", ("kookt graag", "kookt", "koken voor groepen", "kok")),
        Term("tuinieren", "Tuinieren", "Gardening", ("tuinier", "moestuinieren", "tuinwerk")),
        Term("fietsen_repareren", "Fietsen repareren", "Bicycle repair", ("fietsenmaker", "fietsreparatie", "bike repair")),
        Term("klussen", "Klussen", "Odd jobs and DIY", ("klusjes", "handyman", "diy", "repareren")),
        Term("administratie", "Administratie", "Paperwork", ("boekhouden", "bookkeeping", "formulieren invullen", "papierwerk")),
        Term("taalles", "Taalles geven", "Language teaching", ("taalmaatje", "nederlands leren geven", "language tutoring")),
        Term("computerhulp", "Computerhulp", "IT help", ("computer", "digitale hulp", "it support")),
        Term("vervoer", "Vervoer", "Driving", ("autorijden", "chauffeur", "rijden", "transport")),
        Term("oppassen", "Oppassen", "Childcare", ("kinderopvang", "babysitten", "childminding")),
        Term("muziek", "Muziek maken", "Music", ("muzikant", "zingen")),
        Term("naaien", "Naaien", "Sewing", ("kleding maken", "kleding repareren", "verstellen")),
        Term("gezelschap", "Gezelschap", "Companionship", ("luisteren", "bezoekjes", "aanspraak", "befriending")),
        Term("organiseren", "Organiseren", "Organising events", ("evenementen", "event organisation", "activiteiten organiseren")),
        Term("fondsenwerving", "Fondsenwerving", "Fundraising", ("subsidie aanvragen", "fundraising events")),
        Term("vertalen", "Vertalen", "Translation", ("tolk", "tolken", "interpreting")),
        Term("sportbegeleiding", "Sport begeleiden", "Sports coaching", ("trainer", "sportcoach")),
        Term("boodschappen", "Boodschappen doen", "Shopping help", ("boodschappenhulp",)),
        Term("energiecoach", "Energiecoach", "Energy advice", ("energie besparen", "energy advice")),
        Term("huiswerkbegeleiding", "Huiswerkbegeleiding", "Homework help", ("bijles", "tutoring")),
        Term("schilderen", "Schilderen", "Painting", ("verven",)),
    ],
)  # fmt: skip
