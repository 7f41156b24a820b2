"""The page of what changed between two dates (issue 16): the form of the two dates, the
figures of both side by side, each list of changes as a table (a person's buurt, age band and
community on both dates beside their name), and the communities under one numbering.

The API serves it (``api.pages.changes``); this module only lays it out, with the templates
of the other pages (``visualise.site``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.analysis.changes import COMMUNITY_STATUS, FIGURES, SECTIONS, ChangesAnswer
from graph.analysis.collective import FIVE_O, O_NAMES
from graph.analysis.results import Item, Lang
from visualise.dates import DateForm
from visualise.site import Chrome
from visualise.site import _render as render_template  # within the package: every page's way
from visualise.style import count, kind_name
from visualise.words import pick

#: Every word of the page, (Dutch, English).
WORDS: dict[str, tuple[str, str]] = {
    "title": ("Wat veranderde er", "What changed"),
    "intro": (
        "Het netwerk op twee data naast elkaar: wie nu alleen staat en wie niet meer, wie "
        "een groep bij elkaar houdt, welke initiatieven begonnen, stopten of van trekker "
        "wisselden. Gemeenschappen houden op beide data hetzelfde nummer.",
        "The network on two dates side by side: who stands alone now and who no longer does, "
        "who holds a group together, which initiatives started, stopped or changed hands. "
        "Communities keep the same number on both dates.",
    ),
    "choose": ("Kies twee data.", "Choose two dates."),
    "figures": ("Cijfers", "Figures"),
    "name": ("Naam", "Name"),
    "kind": ("Soort", "Kind"),
    "where": ("Buurt en leeftijd", "Neighbourhood and age"),
    "community": ("Gemeenschap", "Community"),
    "reasons": ("Wat er veranderde", "What changed"),
    "communities": ("Gemeenschappen", "Communities"),
    "number": ("Nummer", "Number"),
    "status": ("Wat ermee gebeurde", "What became of it"),
    "members": ("Leden", "Members"),
    "overlap": ("Overlap", "Overlap"),
    "joined": ("Erbij", "Joined"),
    "left": ("Weg", "Left"),
    "who": ("Wie", "Who"),
    "with_o": ("Initiatieven met {o}", "Initiatives with {o}"),
    "notes": ("Toelichting", "Notes"),
}


def changes_word(lang: Lang, key: str, **values: object) -> str:
    return pick(WORDS, lang, key, **values)


def _number(value: Any, lang: Lang, *, share: bool = False) -> str:
    if value is None:
        return "—"
    if share:
        return f"{round(100 * float(value))}%"
    return count(int(value), lang)


def _figures(answer: ChangesAnswer, lang: Lang) -> list[dict[str, str]]:
    """The figures of both dates, one row each; then per O the initiatives it takes part in."""
    before, after = answer.before.model_dump(), answer.after.model_dump()
    rows = [
        {
            "label": names[0] if lang == "nl" else names[1],
            "before": _number(before[key], lang, share=key == "resident_led_share"),
            "after": _number(after[key], lang, share=key == "resident_led_share"),
        }
        for key, names in FIGURES.items()
    ]
    for o in FIVE_O:
        name = O_NAMES[o][0 if lang == "nl" else 1]
        rows.append(
            {
                "label": changes_word(lang, "with_o", o=name),
                "before": _number(answer.before.five_o_present.get(o), lang),
                "after": _number(answer.after.five_o_present.get(o), lang),
            }
        )
    return rows


def _row(item: Item, href: str | None, lang: Lang) -> dict[str, Any]:
    figures = item.figures
    where = ", ".join(
        str(figures[key]) for key in ("neighbourhood_name", "age_band") if figures.get(key)
    )
    community = figures.get("community") or {}
    numbers = [community.get(side) for side in ("before", "after")]
    return {
        "id": item.id,
        "name": item.name,
        "href": href,
        "kind": kind_name(item.kind, lang),
        "where": where,
        "community": " → ".join("—" if n is None else str(n) for n in numbers) if community else "",
        "reasons": [reason.text(lang) for reason in item.reasons],
    }


def render_changes(
    chrome: Chrome,
    *,
    form: DateForm,
    answer: ChangesAnswer | None,
    links: Mapping[str, str],
) -> str:
    """The page: the form, and once two dates are given the answer (``links``: where an
    item's name leads, by id: its map as of the date it is there)."""
    lang = chrome.lang
    values: dict[str, Any] = {
        "title": changes_word(lang, "title"),
        "intro": changes_word(lang, "intro"),
        "words": {key: changes_word(lang, key) for key in WORDS if key != "with_o"},
        "form": form,
        "answer": answer,
    }
    if answer is not None:
        index = 0 if lang == "nl" else 1
        values |= {
            "scope": answer.scope.describe(lang),
            "version": answer.version,
            "from_date": answer.from_date,
            "to_date": answer.to_date,
            "figures": _figures(answer, lang),
            "sections": [
                {
                    "key": key,
                    "title": names[index],
                    "count": answer.summary.get(key, 0),
                    "rows": [_row(item, links.get(item.id), lang) for item in getattr(answer, key)],
                }
                for key, names in SECTIONS.items()
            ],
            "communities": [
                {
                    "number": c.number,
                    "status": COMMUNITY_STATUS[c.status][index],
                    "before": _number(c.before, lang),
                    "after": _number(c.after, lang),
                    "overlap": "—" if c.overlap is None else _overlap(c.overlap, lang),
                    "joined": c.joined,
                    "left": c.left,
                    "who": [reason.text(lang) for reason in c.reasons],
                }
                for c in answer.communities
            ],
            "notes": [note.text(lang) for note in answer.notes],
        }
    return render_template("changes.html", chrome, **values)


def _overlap(value: float, lang: Lang) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if lang == "nl" else text
