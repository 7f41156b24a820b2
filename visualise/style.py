"""How a map looks and speaks: colours, shapes and every word a reader sees, in Dutch and English.

Colours are chosen so the four kinds, the five O's and the overlay roles stay apart: fills
for kinds and sectors, border colours for the roles a question gives a node. Shapes repeat
the kind, so a map still reads where colours do not (print, colour blindness).

>>> KIND_STYLE["Initiative"].shape, word("nl", "legend"), word("en", "legend")
('diamond', 'Legenda', 'Legend')
>>> relation_name("KNOWS", "nl"), relation_name("KNOWS", "en")
('kent', 'knows')
>>> count(102533, "nl"), count(102533, "en")
('102.533', '102,533')
"""

from __future__ import annotations

from typing import NamedTuple

from graph.analysis.results import Lang


class KindStyle(NamedTuple):
    colour: str
    shape: str
    nl: str
    en: str


KIND_STYLE: dict[str, KindStyle] = {
    "Resident": KindStyle("#8ecae6", "dot", "Bewoner", "Resident"),
    "Professional": KindStyle("#ffb703", "triangle", "Professional", "Professional"),
    "Initiative": KindStyle("#90be6d", "diamond", "Initiatief", "Initiative"),
    "Organisation": KindStyle("#577590", "square", "Organisatie", "Organisation"),
}
#: Aggregated maps: a neighbourhood or community drawn as one node.
GROUP_SHAPE = "hexagon"

#: The five O's (DOMAIN.md); residents and their own initiatives are the Omgeving.
SECTOR_STYLE: dict[str, tuple[str, str, str]] = {
    "ondernemers": ("#e76f51", "Ondernemers", "Businesses (ondernemers)"),
    "onderwijs": ("#f4a261", "Onderwijs", "Education (onderwijs)"),
    "onderzoek": ("#e9c46a", "Onderzoek", "Research (onderzoek)"),
    "overheid": ("#2a9d8f", "Overheid", "Government (overheid)"),
    "omgeving": ("#8ab17d", "Omgeving (bewoners)", "Community (omgeving: residents)"),
}
UNKNOWN_COLOUR = "#bbbbbb"

#: Communities, largest first; the ones past the palette share the grey of "smaller ones".
COMMUNITY_PALETTE: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#17becf", "#bcbd22",
)  # fmt: skip

#: What a network question makes of a node, strongest first: the border colour shows it.
ROLE_STYLE: dict[str, tuple[str, str, str]] = {
    "answer": ("#d7191c", "Antwoord op de vraag", "Answer to the question"),
    "target": ("#1a9641", "Initiatief dat past of zoekt", "Initiative that fits or needs it"),
    "candidate": ("#7b3294", "Mogelijke trekker", "Possible owner"),
    "via": ("#fdae61", "Kan introduceren", "Can introduce"),
    "need": ("#f781bf", "Bewoner met deze hulpvraag", "Resident with this support question"),
}
ROLE_ORDER = tuple(ROLE_STYLE)

#: Ties the overlay adds or marks.
EDGE_ROLE_STYLE: dict[str, tuple[str, str, str]] = {
    "bridge": (
        "#d7191c",
        "Brugband: zonder deze band valt het netwerk uiteen",
        "Bridge tie: without it the network falls apart",
    ),
    "path": ("#fdae61", "Warme route", "Warm introduction path"),
    "suggestion": (
        "#1a9641",
        "Voorstel: kan hier meedoen of helpen",
        "Suggestion: could join or help here",
    ),
}

RELATION_STYLE: dict[str, tuple[str, str, str]] = {
    "KNOWS": ("#9fb3c8", "kent", "knows"),
    "PARTICIPATES_IN": ("#90be6d", "doet mee aan", "takes part in"),
    "SUPPORTED_BY": ("#ffb703", "krijgt steun van", "is supported by"),
    "WORKS_FOR": ("#c9a227", "werkt bij", "works for"),
    "COACHES": ("#f4a261", "coacht", "coaches"),
    "PARTNER_OF": ("#577590", "is partner van", "is a partner of"),
    "COLLABORATES_WITH": ("#2a9d8f", "werkt samen met", "collaborates with"),
    "SUGGESTION": ("#1a9641", "voorstel", "suggestion"),
}

#: Values of enum properties, as a reader says them.
VALUE_NAMES: dict[str, tuple[str, str]] = {
    # tie kinds
    "family": ("familie", "family"),
    "neighbour": ("buur", "neighbour"),
    "friend": ("vriend", "friend"),
    "acquaintance": ("kennis", "acquaintance"),
    # participation roles
    "owner": ("trekker", "owner"),
    "organiser": ("organisator", "organiser"),
    "volunteer": ("vrijwilliger", "volunteer"),
    "participant": ("deelnemer", "participant"),
    "beneficiary": ("gebruiker", "beneficiary"),
    # crafts
    "hulp": ("hulp", "help (hulp)"),
    "zorg": ("zorg", "care (zorg)"),
    "welzijn": ("welzijn", "welfare (welzijn)"),
    # initiative status and lead
    "idea": ("idee", "idea"),
    "active": ("actief", "active"),
    "paused": ("gepauzeerd", "paused"),
    "ended": ("gestopt", "ended"),
    "residents": ("bewoners", "residents"),
    "professionals": ("professionals", "professionals"),
    "shared": ("bewoners en professionals samen", "residents and professionals together"),
    # partner contributions
    "funding": ("geld", "funding"),
    "space": ("ruimte", "space"),
    "coaching": ("coaching", "coaching"),
    "materials": ("materiaal", "materials"),
    "knowledge": ("kennis", "knowledge"),
    "volunteers": ("vrijwilligers", "volunteers"),
}

WORDS: dict[str, tuple[str, str]] = {
    "legend": ("Legenda", "Legend"),
    "colour_by": ("Kleur naar", "Colour by"),
    "colour_kind": ("soort", "kind"),
    "colour_sector": ("vijf O's", "five O's"),
    "colour_community": ("gemeenschap", "community"),
    "size_by": ("Grootte naar", "Size by"),
    "size_degree": ("aantal banden", "number of ties"),
    "size_betweenness": ("brugfunctie (betweenness)", "brokerage (betweenness)"),
    "size_score": ("score op de vraag", "score on the question"),
    "search": ("Zoek op naam of id", "Search by name or id"),
    "search_none": ("Niets gevonden.", "Nothing found."),
    "search_found": ("gevonden", "found"),
    "theme": ("Thema", "Theme"),
    "all_themes": ("alle thema's", "all themes"),
    "relations": ("Soorten banden", "Kinds of ties"),
    "details": ("Details", "Details"),
    "click_hint": ("Klik op een knoop voor details.", "Click a node for details."),
    "back": ("Terug naar het overzicht", "Back to the overview"),
    "kind": ("soort", "kind"),
    "id": ("id", "id"),
    "neighbourhood": ("buurt", "neighbourhood"),
    "no_neighbourhood": ("Zonder buurt", "No neighbourhood"),
    "ties": ("banden", "ties"),
    "community": ("gemeenschap", "community"),
    "community_n": ("Gemeenschap {n}", "Community {n}"),
    "smaller_communities": ("kleinere gemeenschappen", "smaller communities"),
    "other_groups": ("Overige kleine groepen", "Other small groups"),
    "unknown": ("onbekend", "unknown"),
    "sector": ("O-sector", "five-O sector"),
    "craft": ("vak", "craft"),
    "organisation": ("organisatie", "organisation"),
    "themes": ("thema's", "themes"),
    "interests": ("interesses", "interests"),
    "status": ("status", "status"),
    "lead": ("getrokken door", "led by"),
    "initiatives": ("initiatieven", "initiatives"),
    "participants": ("deelnemers", "participants"),
    "partners": ("partners", "partners"),
    "role": ("rol in de vraag", "role in the question"),
    "rank": ("plaats", "rank"),
    "score": ("score", "score"),
    "reasons": ("Waarom", "Why"),
    "members": ("leden", "members"),
    "inner_ties": ("banden binnen de groep", "ties within the group"),
    "outer_ties": ("banden met andere groepen", "ties with other groups"),
    "between": ("banden tussen", "ties between"),
    "largest_members": ("meest verbonden leden", "best connected members"),
    "answers_inside": ("antwoorden hierin", "answers inside"),
    "open_group": ("Klik om te openen.", "Click to open."),
    "too_large": (
        "Te groot om hier te openen: maak een kaart van alleen deze groep, bijvoorbeeld "
        "`wijkgraaf map --neighbourhood {code}`.",
        "Too large to open here: make a map of this group alone, for example "
        "`wijkgraaf map --neighbourhood {code}`.",
    ),
    "too_large_community": (
        "Te groot om hier te openen: maak een kaart van een kleiner gebied.",
        "Too large to open here: make a map of a smaller area.",
    ),
    "aggregated": (
        "{nodes} knopen is te veel om te tekenen; elke zeshoek is een {by} (grootte = aantal "
        "leden, dikte van een lijn = aantal banden ertussen).",
        "{nodes} nodes is too many to draw; each hexagon is a {by} (size = number of members, "
        "line width = number of ties between them).",
    ),
    "by_neighbourhood": ("buurt", "neighbourhood"),
    "by_community": ("gemeenschap", "community"),
    "group": ("Groep", "Group"),
    "group_legend": (
        "Zeshoek: een groep (grootte = aantal leden)",
        "Hexagon: a group (size = number of members)",
    ),
    "shapes": ("Vormen", "Shapes"),
    "overlay": ("Vraag", "Question"),
    "outside_map": (
        "{count} van de {total} antwoorden vallen buiten deze kaart.",
        "{count} of the {total} answers fall outside this map.",
    ),
    "no_answers": ("Deze vraag heeft hier geen antwoorden.", "This question has no answers here."),
    "ego_title": (
        "Netwerk van {name} ({steps} {stepword})",
        "Network of {name} ({steps} {stepword})",
    ),
    "step": ("stap", "step"),
    "steps": ("stappen", "steps"),
    "area_title": ("Netwerkkaart: {scope}", "Network map: {scope}"),
    "empty": ("Niets om te tekenen in deze selectie.", "Nothing to draw in this selection."),
    "loading": ("Kaart laden…", "Loading map…"),
    "filters": ("Filters", "Filters"),
    "no_script": (
        "Deze kaart heeft JavaScript nodig; het zit in dit bestand, internet is niet nodig.",
        "This map needs JavaScript; it is inside this file, no internet needed.",
    ),
}


def word(lang: Lang, key: str, **values: object) -> str:
    """A user-facing text in ``lang``, with ``{placeholders}`` filled in."""
    nl, en = WORDS[key]
    text = nl if lang == "nl" else en
    return text.format(**values) if values else text


def count(value: int, lang: Lang) -> str:
    """A whole number as a reader writes it: ``12.345`` in Dutch, ``12,345`` in English."""
    text = f"{value:,}"
    return text.replace(",", ".") if lang == "nl" else text


def kind_name(kind: str, lang: Lang) -> str:
    style = KIND_STYLE.get(kind)
    if style is None:
        return kind
    return style.nl if lang == "nl" else style.en


def sector_name(sector: str, lang: Lang) -> str:
    style = SECTOR_STYLE.get(sector)
    if style is None:
        return word(lang, "unknown")
    return style[1] if lang == "nl" else style[2]


def relation_name(rel_type: str, lang: Lang) -> str:
    style = RELATION_STYLE.get(rel_type)
    if style is None:
        return rel_type
    return style[1] if lang == "nl" else style[2]


def value_name(value: object, lang: Lang) -> str:
    """An enum value as a reader says it; other values as they are."""
    names = VALUE_NAMES.get(str(value))
    if names is None:
        return str(value)
    return names[0] if lang == "nl" else names[1]


def role_name(role: str, lang: Lang) -> str:
    style = ROLE_STYLE.get(role) or EDGE_ROLE_STYLE.get(role)
    if style is None:
        return role
    return style[1] if lang == "nl" else style[2]


def community_colour(rank: int) -> str:
    """The colour of the community that is ``rank``-th largest (0 = largest)."""
    if 0 <= rank < len(COMMUNITY_PALETTE):
        return COMMUNITY_PALETTE[rank]
    return UNKNOWN_COLOUR
