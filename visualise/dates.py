"""The date fields of the pages (issue 16): a question page and a map as of a date, and the
two dates of what changed between them.

A page's dates are a form that reads (``method="get"``: no form token, nothing is written):
its date fields, the page's other query parameters kept as hidden fields, and a button. An
empty date means the present. The map page, which is not made from the templates, shows the
same form (:func:`render_date_form`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graph.analysis.results import Lang
from visualise.site import Chrome
from visualise.site import _render as render_template  # within the package: every page's way
from visualise.words import pick

#: Every word of the date fields, (Dutch, English).
WORDS: dict[str, tuple[str, str]] = {
    "as_of": ("Op datum", "As of"),
    "as_of_hint": (
        "Leeg: het netwerk van nu. Met een datum: het netwerk zoals het toen was.",
        "Empty: the network now. With a date: the network as it was then.",
    ),
    "as_of_shown": ("Het netwerk zoals het op {day} was.", "The network as it was on {day}."),
    "from": ("Van", "From"),
    "to": ("Tot", "To"),
    "to_hint": ("Leeg: vandaag.", "Empty: today."),
    "neighbourhood": ("Buurt of wijk", "Neighbourhood or district"),
    "all_mine": ("alle", "all"),
    "show": ("Tonen", "Show"),
}


def date_word(lang: Lang, key: str, **values: object) -> str:
    """One of :data:`WORDS` in ``lang``, with ``values`` filled in.

    >>> date_word("en", "as_of_shown", day="2025-06-30")
    'The network as it was on 2025-06-30.'
    """
    return pick(WORDS, lang, key, **values)


@dataclass(frozen=True)
class DateField:
    """One date field: its query parameter, label and value (``YYYY-MM-DD``, or empty)."""

    name: str
    label: str
    value: str = ""


@dataclass(frozen=True)
class Choice:
    """A select beside the dates: its query parameter, label, the value chosen and the
    options as (value, label)."""

    name: str
    label: str
    value: str
    options: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DateForm:
    """A form of date fields sent to ``action`` with the page's other parameters
    (``hidden``), its button's label, a hint under it and perhaps a :class:`Choice`."""

    action: str
    fields: tuple[DateField, ...]
    submit: str
    hidden: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    choice: Choice | None = None
    form_id: str = "dates"


def as_of_form(action: str, lang: Lang, as_of: str | None, keep: Mapping[str, object]) -> DateForm:
    """The one date field of a question page or a map: the date it is as of (empty: now),
    keeping the page's other parameters ``keep`` (those None or empty are left out)."""
    hidden = tuple(
        (name, str(value))
        for name, value in keep.items()
        if value is not None and value != "" and name != "as_of"
    )
    hint = date_word(lang, "as_of_shown", day=as_of) if as_of else date_word(lang, "as_of_hint")
    return DateForm(
        action,
        (DateField("as_of", date_word(lang, "as_of"), as_of or ""),),
        date_word(lang, "show"),
        hidden=hidden,
        hint=hint,
    )


def render_date_form(chrome: Chrome, form: DateForm) -> str:
    """The form alone, for a page not made from the templates (the map)."""
    return render_template("_date_form.html", chrome, form=form)
