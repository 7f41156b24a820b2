"""The pages on which a coach records what they learnt: a resident with what is known of them
and the form of a conversation, a new resident, a new initiative with who takes part, and what
came of an undo.

The API serves them (``api.pages.recording``) and says which fields a form has, with their
values, choices and the importer's messages (``api.pages.record_forms``); this module only
lays them out, with the templates of the other pages (``visualise.site``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from graph.analysis.results import Lang
from visualise.site import Chrome, Link
from visualise.site import _render as render_template  # within the package: every page's way

#: Every word these pages show, (Dutch, English).
WORDS: dict[str, tuple[str, str]] = {
    "record": ("Gesprek vastleggen", "Record a conversation"),
    "record_hint": (
        "Vul in wat u in dit gesprek hoorde; lege onderdelen blijven zoals ze zijn. Wat u "
        "vastlegt, wordt ingelezen zoals een bestand van de sjablonen: met dezelfde controles "
        "en meldingen, en alles of niets.",
        "Fill in what you learnt in this conversation; empty parts stay as they are. What you "
        "record is imported as a file of the templates is: with the same checks and messages, "
        "and all or nothing.",
    ),
    "save": ("Vastleggen", "Save"),
    "new_resident": ("Nieuwe bewoner", "New resident"),
    "resident": ("Bewoner", "Resident"),
    "new_initiative": ("Nieuw initiatief", "New initiative"),
    "refused": (
        "Er is niets vastgelegd. Verbeter wat hieronder gemeld wordt en probeer het opnieuw.",
        "Nothing was saved. Correct what is reported below and try again.",
    ),
    "saved": ("Vastgelegd.", "Saved."),
    "undo": ("Laatste wijziging ongedaan maken", "Undo my last change"),
    "undo_hint": (
        "Uw laatste wijziging (vastgelegd {at}, over {subject}) kunt u ongedaan maken, zolang "
        "niemand dezelfde gegevens sindsdien wijzigde.",
        "You can undo your last change (saved {at}, about {subject}) as long as nobody has "
        "changed the same facts since.",
    ),
    "known": ("Wat bekend is", "What is known"),
    "ties": ("Kent", "Knows"),
    "skills": ("Krachten", "Strengths"),
    "needs": ("Hulpvragen", "Support needs"),
    "interests": ("Interesses", "Interests"),
    "joins": ("Doet mee aan", "Takes part in"),
    "none": ("nog niets", "nothing yet"),
    "network": ("Netwerk van deze bewoner", "This resident's network"),
    "source_id": ("Bron-id tonen", "Show the source id"),
    "to_overview": ("Naar het overzicht", "To the overview"),
    "no_source": (
        "Het bron-id van deze bewoner is hier niet bekend: zijn gegevens wijzigt u via een "
        "nieuwe import; contacten, krachten en de rest kunt u hier vastleggen.",
        "This resident's source id is not known here: their details change through a new "
        "import; ties, strengths and the rest you can record here.",
    ),
}


def word(lang: Lang, key: str, **values: object) -> str:
    nl, en = WORDS[key]
    text = nl if lang == "nl" else en
    return text.format(**values) if values else text


@dataclass
class Field:
    """One field of a form: what it fills in, its value now, and what the importer said."""

    name: str
    label: str
    #: ``text``, ``select``, ``checkbox`` or ``date``
    kind: str = "text"
    value: str = ""
    #: a select's choices, (value, label); the first is the empty choice unless required
    options: Sequence[tuple[str, str]] = ()
    #: a text field's suggestions (the vocabulary's terms)
    suggestions: str | None = None
    hint: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class Section:
    """A part of a form: one row of one sheet of the templates."""

    key: str
    title: str
    fields: list[Field]
    #: what the importer said of the row as a whole (a row skipped, a reference)
    errors: list[str] = field(default_factory=list)


@dataclass
class Fact:
    """One line of what is known of a resident: a tie, a strength, an initiative, ..."""

    text: str
    href: str | None = None


@dataclass
class Undoable:
    """The caller's last change, which they may undo: when, about whom, and where to post."""

    at: str
    subject: str
    action: str


@dataclass
class RecordPage:
    """A form page: its title, what is known already, the form and its outcome."""

    title: str
    action: str
    sections: list[Section]
    #: the heading of the form
    form_title: str = ""
    #: the lists of what is known (heading, lines), shown above the form
    known: list[tuple[str, list[Fact]]] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    #: nothing was saved: the form is shown again with what was wrong
    refused: bool = False
    #: what the importer said of the form as a whole
    errors: list[str] = field(default_factory=list)
    notice: str | None = None
    undo: Undoable | None = None
    hint: str | None = None
    #: suggestions for the text fields: id -> terms
    suggestions: dict[str, list[str]] = field(default_factory=dict)


def render_record(chrome: Chrome, page: RecordPage) -> str:
    """A form page (a resident's, a new resident's or a new initiative's)."""
    return render_template(
        "record.html", chrome, page=page, w=lambda key, **v: word(chrome.lang, key, **v)
    )


def render_notice(chrome: Chrome, *, title: str, message: str, links: Sequence[Link]) -> str:
    """What came of a request that leaves nothing to fill in (an undo)."""
    return render_template("record_notice.html", chrome, title=title, message=message, links=links)
