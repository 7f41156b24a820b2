"""Every word the pages show, in Dutch and English: the words of the pages themselves, the
names of the roles and of the headline figures of the answers. :func:`word` picks one.

>>> word("nl", "sign_out"), word("en", "version", version=3)
('Afmelden', 'Graph version 3')
"""

from __future__ import annotations

from collections.abc import Mapping

from graph.analysis.results import Lang

#: Every word the pages show, (Dutch, English).
WORDS: dict[str, tuple[str, str]] = {
    "sign_in": ("Aanmelden", "Sign in"),
    "sign_out": ("Afmelden", "Sign out"),
    "key": ("API-sleutel", "API key"),
    "key_hint": (
        "Plak de sleutel die u van uw beheerder kreeg (begint met wgk_). Hij blijft op deze "
        "computer in een cookie zolang u aangemeld bent.",
        "Paste the key your administrator gave you (it starts with wgk_). It stays on this "
        "computer in a cookie while you are signed in.",
    ),
    "bad_key": (
        "Deze sleutel is onbekend of ingetrokken.",
        "This key is unknown or revoked.",
    ),
    "home": ("Overzicht", "Overview"),
    "changes": ("Wat veranderde er", "What changed"),
    "your_areas": ("Uw buurten", "Your neighbourhoods"),
    "all_areas": ("Alle buurten en wijken", "All neighbourhoods and districts"),
    "no_areas": ("Er zijn nog geen buurten geladen.", "No neighbourhoods have been loaded yet."),
    "code": ("Code", "Code"),
    "name": ("Naam", "Name"),
    "level": ("Niveau", "Level"),
    "residents": ("Bewoners", "Residents"),
    "initiatives": ("Initiatieven", "Initiatives"),
    "map": ("Kaart", "Map"),
    "whole_map": ("Kaart van alles", "Map of everything"),
    "questions": ("Netwerkvragen", "Network questions"),
    "aggregates": ("Cijfers om te publiceren", "Figures safe to publish"),
    "publishable_intro": (
        "Deze vraag zoals hij gepubliceerd mag worden: tabellen per buurt, zonder personen. "
        "Wat verborgen is en waarom staat onder elke tabel.",
        "This question as it may be published: tables per neighbourhood, without persons. "
        "What is hidden, and why, is noted under each table.",
    ),
    "aggregates_intro": (
        "Een cel met personen telt verschillende personen: minder dan {min_cell} wordt niet "
        "getoond, net als wat zo'n klein aantal zou verraden, en de rest is afgerond op "
        "{rounding}. Initiatieven en organisaties zijn geen personen: die staan er precies, "
        "tenzij ze een klein aantal personen zouden verraden.",
        "A cell of persons counts distinct persons: fewer than {min_cell} is not shown, nor "
        "is what would give such a small count away, and the rest is rounded to {rounding}. "
        "Initiatives and organisations are not persons: they are shown as they are, unless "
        "they would give a small count of persons away.",
    ),
    "tables": ("Tabellen", "Tables"),
    "download_csv": ("Download CSV", "Download CSV"),
    "people_only": ("Alleen mensen", "People only"),
    "people_and_places": ("Mensen en plekken", "People and places"),
    "on_map": ("Op de kaart", "On the map"),
    "as_table": ("Als tabel", "As a table"),
    "scope": ("Waar", "Where"),
    "rank": ("#", "#"),
    "kind": ("Soort", "Kind"),
    "score": ("Score", "Score"),
    "reasons": ("Waarom", "Why"),
    "no_items": ("Deze vraag vindt hier niets.", "This question finds nothing here."),
    "summary": ("Kerncijfers", "Key figures"),
    "notes": ("Opmerkingen", "Notes"),
    "total": ("Totaal", "Total"),
    "hidden": ("niet gepubliceerd", "not published"),
    "chart": ("Grafiek", "Chart"),
    "chart_of": ("{title}, per {dimension}", "{title}, by {dimension}"),
    "version": ("Grafversie {version}", "Graph version {version}"),
    "role": ("Rol: {role}", "Role: {role}"),
    "error": ("Fout {status}", "Error {status}"),
    "to_home": ("Naar het overzicht", "To the overview"),
    "neighbourhood": ("buurt", "neighbourhood"),
    "theme": ("thema", "theme"),
    "sector": ("sector", "sector"),
    "everything": ("Hele graaf", "Whole graph"),
    "limit": ("Aantal", "Number"),
    "show": ("Toon", "Show"),
    "follow_up": ("Introductie opvolgen", "Follow up the introduction"),
    "record": ("Vastleggen", "Record"),
    "not_followed_up": ("nog niet opgevolgd", "not followed up yet"),
    "no_contact_consent": (
        "geen toestemming om benaderd te worden: niet op te volgen",
        "has not agreed to be contacted: not to be followed up",
    ),
}

#: Role names as a reader sees them.
ROLE_NAMES: dict[str, tuple[str, str]] = {
    "coach": ("coach", "coach"),
    "policymaker": ("beleidsmaker", "policymaker"),
    "integration": ("koppeling", "integration"),
    "admin": ("beheerder", "administrator"),
}

#: The headline figures of the answers, as a reader names them.
SUMMARY_NAMES: dict[str, tuple[str, str]] = {
    "articulation_points": ("Scharnierpunten", "Articulation points"),
    "betweenness_bound": ("Padlengte tussenpositie", "Betweenness path bound"),
    "bridge_ties": ("Brugbanden", "Bridge ties"),
    "communities": ("Groepen", "Communities"),
    "complete": ("Met alle vijf O's", "With all five O's"),
    "edges": ("Banden", "Ties"),
    "initiatives": ("Initiatieven", "Initiatives"),
    "isolated": ("Alleen", "Isolated"),
    "matched": ("Gekoppeld", "Matched"),
    "min_residents": ("Drempel bewoners", "Residents threshold"),
    "nodes": ("Knopen", "Nodes"),
    "opportunities": ("Kansen", "Opportunities"),
    "places": ("Plekken", "Places"),
    "professionals": ("Door professionals getrokken", "Led by professionals"),
    "reciprocity": ("Krijgen en kunnen geven", "Receive and could give"),
    "resident_led_share": ("Aandeel door bewoners getrokken", "Share led by residents"),
    "residents": ("Bewoners", "Residents"),
    "shared": ("Samen getrokken", "Led together"),
    "unknown": ("Trekker onbekend", "Lead unknown"),
    "residents_with_unused_strengths": (
        "Bewoners met onbenutte kracht",
        "Residents with an unused strength",
    ),
    "ties": ("Banden", "Ties"),
    "unused_strengths": ("Onbenutte krachten", "Unused strengths"),
}


def word(lang: Lang, key: str, **values: object) -> str:
    return pick(WORDS, lang, key, **values)


def pick(words: Mapping[str, tuple[str, str]], lang: Lang, key: str, **values: object) -> str:
    """One of ``words`` (Dutch, English) in ``lang``, with ``values`` filled in: the way every
    table of words of the pages is read.

    >>> pick({"day": ("Per {day}", "As of {day}")}, "en", "day", day="2025-06-30")
    'As of 2025-06-30'
    """
    nl, en = words[key]
    text = nl if lang == "nl" else en
    return text.format(**values) if values else text
