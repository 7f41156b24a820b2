"""What the recording pages show around their forms: who may be chosen in them (the caller's
world), what is known of a resident already, and the caller's last change, to undo.

A coach's world is their neighbourhoods, as on every page (``api.web.deps``): the residents
living there, the initiatives of their part of the network, their buurten. An
administrator's is everything; there a tie or a participant is chosen among the residents of
the neighbourhood the form is about, so that a city's form does not list the whole city.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from api.access.audit import Role
from api.pages import record_forms as forms
from api.pages.access import page_url
from api.web.deps import Caller, Services
from graph.analysis.context import NetworkContext
from graph.analysis.results import Lang
from graph.changes import KeptChange
from graph.model import NodeLabel, RelType
from graph.store import Neighbour, Node
from importers.vocabulary import SKILLS, THEMES
from visualise.records import Fact, Undoable, word
from visualise.style import VALUE_NAMES

OWN_AREAS = ("Kies een van uw eigen buurten.", "Choose one of your own neighbourhoods.")


@dataclass(frozen=True)
class World:
    """What a caller may choose in a form and record about."""

    context: NetworkContext
    #: the areas they work in, those within included; None: everywhere
    codes: frozenset[str] | None

    def area(self, code: str) -> bool:
        return self.codes is None or code in self.codes

    def resident(self, node_id: str) -> bool:
        data = self.context.fabric.nodes.get(node_id)
        return (
            data is not None
            and data.get("label") == NodeLabel.RESIDENT.value
            and self.area(str(data.get("neighbourhood")))
        )

    def initiative(self, node_id: str) -> bool:
        data = self.context.fabric.nodes.get(node_id)
        return data is not None and data.get("label") == NodeLabel.INITIATIVE.value

    def may_name(self, parts: Sequence[forms.Part], sent: Mapping[str, str]) -> bool:
        """Whether every resident and initiative a form names is one the caller may see."""
        return all(self.resident(i) for i in forms.chosen(parts, sent, "resident")) and all(
            self.initiative(i) for i in forms.chosen(parts, sent, "initiative")
        )

    def own_area(self, sent: Mapping[str, str], lang: Lang) -> forms.Told:
        """A coach records in their own buurten: a form's ``buurt`` must be one of them."""
        said = forms.Told()
        if self.codes is not None and not self.area(sent.get("buurt", "")):
            said.fields["buurt"] = [OWN_AREAS[0] if lang == "nl" else OWN_AREAS[1]]
        return said

    def buurten(self) -> list[tuple[str, str]]:
        """The neighbourhoods a resident or initiative may be recorded in, by name."""
        areas = self.context.areas
        codes = self.codes if self.codes is not None else set(areas)
        shown = [
            (code, f"{areas[code].get('name', code)} ({code})")
            for code in codes
            if code in areas and areas[code].get("level") in ("buurt", "local")
        ]
        return sorted(shown, key=lambda option: option[1])

    def residents(self, around: set[str], *, but: str | None = None) -> list[tuple[str, str]]:
        """The residents of ``around`` (a coach: of all their areas), by name and age band."""
        fabric = self.context.fabric
        where = set(self.codes) if self.codes is not None else around
        shown = []
        for node_id, data in fabric.nodes(data=True):
            if data.get("label") != NodeLabel.RESIDENT.value or node_id == but:
                continue
            if data.get("neighbourhood") in where:
                age = data.get("age_band")
                name = self.context.name(node_id)
                shown.append((node_id, f"{name} ({age})" if age else name))
        return sorted(shown, key=lambda option: (option[1], option[0]))

    def initiatives(self) -> list[tuple[str, str]]:
        fabric = self.context.fabric
        shown = [
            (node_id, self.context.name(node_id))
            for node_id, data in fabric.nodes(data=True)
            if data.get("label") == NodeLabel.INITIATIVE.value
        ]
        return sorted(shown, key=lambda option: (option[1], option[0]))


def world_of(found: Services, who: Caller) -> World:
    context = found.analyst.context_within(who.within)
    if who.role == Role.COACH:
        return World(context, frozenset(context.area_codes(who.within)))
    return World(context, None)


def suggestions(lang: Lang) -> dict[str, list[str]]:
    """The vocabularies' terms, for the text fields that take one."""
    nl = lang == "nl"
    return {
        "skills": sorted(term.name if nl else term.name_en for term in SKILLS.terms.values()),
        "themes": sorted(term.name if nl else term.name_en for term in THEMES.terms.values()),
    }


def _value(value: object, lang: Lang) -> str:
    names = VALUE_NAMES.get(str(value))
    return str(value) if names is None else names[0 if lang == "nl" else 1]


def _name(node: Node) -> str:
    props = node.properties
    name = props.get("display_name") or props.get("name")
    return str(name) if name else node.id[:8]


def known(world: World, ties: list[Neighbour], lang: Lang) -> list[tuple[str, list[Fact]]]:
    """What is known of a resident, list by list: whom they know, their strengths, support
    needs and interests, and what they take part in (people only as far as the caller may
    see them)."""
    nl = lang == "nl"
    lists: dict[RelType, list[Fact]] = {rel: [] for rel in _LISTS}
    for tie in ties:
        props, other = tie.properties, tie.node
        if tie.type is RelType.KNOWS:
            if not world.resident(other.id):
                continue
            extra = ", ".join(
                text
                for text in (
                    _value(props["kind"], lang) if props.get("kind") else "",
                    (f"sterkte {props['strength']}" if nl else f"strength {props['strength']}")
                    if props.get("strength")
                    else "",
                )
                if text
            )
            href = page_url(f"/residents/{other.id}", lang=lang)
            lists[tie.type].append(Fact(_name(other) + (f" ({extra})" if extra else ""), href))
        elif tie.type is RelType.HAS_SKILL:
            share = props.get("willing_to_share")
            extra = (" (wil delen)" if nl else " (willing to share)") if share else ""
            lists[tie.type].append(Fact(world.context.skill_name(other.id, lang) + extra))
        elif tie.type in (RelType.HAS_NEED, RelType.INTERESTED_IN):
            lists[tie.type].append(Fact(world.context.theme_name(other.id, lang)))
        elif tie.type is RelType.PARTICIPATES_IN:
            role = f" ({_value(props['role'], lang)})" if props.get("role") else ""
            href = page_url("/map", ego=other.id, lang=lang)
            lists[tie.type].append(Fact(_name(other) + role, href))
    return [
        (word(lang, key), sorted(lists[rel], key=lambda f: f.text)) for rel, key in _LISTS.items()
    ]


_LISTS = {
    RelType.KNOWS: "ties",
    RelType.HAS_SKILL: "skills",
    RelType.HAS_NEED: "needs",
    RelType.INTERESTED_IN: "interests",
    RelType.PARTICIPATES_IN: "joins",
}


def undoable(kept: KeptChange | None, world: World, lang: Lang) -> Undoable | None:
    """The caller's last change, as the undo form shows it."""
    if kept is None:
        return None
    subject = kept.author.subject
    fabric = world.context.fabric
    named = world.context.name(subject) if subject in fabric else subject[:8]
    at = kept.at.replace("T", " ").removesuffix("+00:00") + " UTC"
    return Undoable(at, named, page_url("/undo", lang=lang))


def record_links(
    context: NetworkContext, *, ego: str | None, neighbourhood: str | None, lang: Lang
) -> list[dict[str, str]]:
    """Where a map leads to record: a resident's network to a conversation with them, a
    neighbourhood's map to a new resident or initiative there."""
    if ego is not None:
        if (
            ego in context.fabric
            and context.fabric.nodes[ego].get("label") == NodeLabel.RESIDENT.value
        ):
            return [
                {"href": page_url(f"/residents/{ego}", lang=lang), "label": word(lang, "record")}
            ]
        return []
    if neighbourhood is None:
        return []
    return [
        {
            "href": page_url("/residents/new", neighbourhood=neighbourhood, lang=lang),
            "label": word(lang, "new_resident"),
        },
        {
            "href": page_url("/initiatives/new", neighbourhood=neighbourhood, lang=lang),
            "label": word(lang, "new_initiative"),
        },
    ]
