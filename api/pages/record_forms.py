"""The recording pages' forms as rows of the templates' sheets, and the importer's report as
what each field of them is told.

A form is a few :class:`Part` s, each one row of one sheet of the templates
(:mod:`importers.templates`): a resident's details a row of ``bewoners``, a tie a row of
``contacten``, a strength one of ``krachten``, ... A part's fields are the cells of its row
under the sheet's Dutch headers, so a filled-in form is the JSON of an import
(``{"bewoners": [{...}], "contacten": [{...}]}``), which the importer reads, checks and writes
as it would a file (:func:`document`). Each mistake the importer reports names its sheet, row
and column: it goes back to the field of that cell, in the importer's own words
(:func:`told`). A part left empty is no row at all: what it would state stays as it is.

Cells that name something stored (another resident, an initiative) are chosen from lists the
page offers and hold the node's id (``r-…``, ``i-…``), which the importer takes as a reference
to it (``ImportOptions.stored_ids``); the page checks first that each is one the caller may
see (:func:`chosen`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.analysis.results import Lang
from graph.model import AgeBand, InitiativeStatus, Lead, ParticipationRole, TieKind
from graph.model import TransformationLevel as Level
from importers.report import ImportReport
from visualise.records import Field, Section
from visualise.style import VALUE_NAMES

#: a select's choices: (value, (Dutch, English))
Choices = tuple[tuple[str, tuple[str, str]], ...]


def _named(values: Sequence[str]) -> Choices:
    return tuple((v, VALUE_NAMES.get(v, (v, v))) for v in values)


AGES: Choices = tuple((band.value, (band.value, band.value)) for band in AgeBand)
STRENGTHS: Choices = (
    ("1", ("1 — zwak", "1 — weak")),
    ("2", ("2", "2")),
    ("3", ("3 — sterk", "3 — strong")),
)
SKILL_LEVELS: Choices = (
    ("1", ("1 — beginner", "1 — beginner")),
    ("2", ("2", "2")),
    ("3", ("3 — expert", "3 — expert")),
)


@dataclass(frozen=True)
class Input:
    """A field of a form: the cell of its part's row it fills in (``column``, the sheet's
    Dutch header)."""

    name: str
    column: str
    label: tuple[str, str]
    #: ``text``, ``select``, ``checkbox`` or ``date``
    kind: str = "text"
    choices: Choices = ()
    #: what a select's choices are, offered by the page: ``resident``, ``initiative`` (stored
    #: nodes, by id) or ``area`` (the caller's neighbourhoods)
    ref: str | None = None
    #: the vocabulary a text field suggests terms of: ``skills`` or ``themes``
    vocabulary: str | None = None


@dataclass(frozen=True)
class Part:
    """A part of a form: one row of one sheet."""

    key: str
    #: the sheet's Dutch name
    sheet: str
    title: tuple[str, str]
    inputs: tuple[Input, ...]
    #: the column naming the form's subject (the resident or the initiative), filled in by
    #: the page, not the form
    own: str | None = None
    #: a row even when left empty: a resident's details state every one of them
    always: bool = False


SOURCE_ID = Input(
    "bron_id", "bron_id", ("Bron-id (uit uw eigen systeem; nooit een BSN)",
                           "Source id (from your own system; never a BSN)"),
)  # fmt: skip
DETAILS = Part(
    "bewoner", "bewoners", ("Gegevens", "Details"),
    (
        Input("naam", "naam", ("Naam (alleen bewaard met toestemming)", "Name (kept only with consent)")),
        Input("buurt", "buurt", ("Buurt", "Neighbourhood"), "select", ref="area"),
        Input("leeftijd", "leeftijd", ("Leeftijd", "Age band"), "select", AGES),
        Input("toestemming_naam", "toestemming_naam", ("De naam mag getoond worden", "The name may be shown"), "checkbox"),
        Input("toestemming_contact", "toestemming_contact", ("Mag benaderd worden voor een kennismaking", "May be approached for an introduction"), "checkbox"),
    ),
    always=True,
)  # fmt: skip
NEW_RESIDENT = Part(
    DETAILS.key, DETAILS.sheet, DETAILS.title, (SOURCE_ID, *DETAILS.inputs), always=True
)
TIE = Part(
    "contact", "contacten", ("Een contact", "A tie"),
    (
        Input("contact_bewoner", "andere_bewoner", ("Kent", "Knows"), "select", ref="resident"),
        Input("contact_soort", "soort", ("Soort", "Kind"), "select", _named([k.value for k in TieKind])),
        Input("contact_sterkte", "sterkte", ("Sterkte", "Strength"), "select", STRENGTHS),
        Input("contact_sinds", "sinds", ("Sinds", "Since"), "date"),
    ),
    own="bewoner",
)  # fmt: skip
SKILL = Part(
    "kracht", "krachten", ("Een kracht", "A strength"),
    (
        Input("kracht", "kracht", ("Kracht of talent", "Strength or talent"), vocabulary="skills"),
        Input("kracht_wil_delen", "wil_delen", ("Wil die inzetten voor anderen", "Willing to use it for others"), "checkbox"),
        Input("kracht_niveau", "niveau", ("Niveau", "Level"), "select", SKILL_LEVELS),
    ),
    own="bewoner",
)  # fmt: skip
NEED = Part(
    "hulpvraag", "hulpvragen", ("Een hulpvraag (thema, geen diagnose)", "A support need (theme, no diagnosis)"),
    (
        Input("hulpvraag", "thema", ("Thema", "Theme"), vocabulary="themes"),
        Input("hulpvraag_bijzonder", "bijzonder", ("Gezondheidsgegeven (AVG art. 9)", "Health data (GDPR art. 9)"), "checkbox"),
    ),
    own="bewoner",
)  # fmt: skip
INTEREST = Part(
    "interesse", "interesses", ("Een interesse", "An interest"),
    (Input("interesse", "thema", ("Thema", "Theme"), vocabulary="themes"),),
    own="bewoner",
)  # fmt: skip
JOINS = Part(
    "deelname", "deelname", ("Doet mee aan", "Takes part in"),
    (
        Input("deelname_initiatief", "initiatief", ("Initiatief", "Initiative"), "select", ref="initiative"),
        Input("deelname_rol", "rol", ("Rol", "Role"), "select", _named([r.value for r in ParticipationRole])),
    ),
    own="bewoner",
)  # fmt: skip
#: What a conversation with a resident may teach, after their details.
CONVERSATION = (TIE, SKILL, NEED, INTEREST, JOINS)
INITIATIVE = Part(
    "initiatief", "initiatieven", ("Het initiatief", "The initiative"),
    (
        Input("bron_id", "bron_id", ("Bron-id (uit uw eigen systeem)", "Source id (from your own system)")),
        Input("naam", "naam", ("Naam", "Name")),
        Input("themas", "themas", ("Thema's (gescheiden door |)", "Themes (separated by |)"), vocabulary="themes"),
        Input("niveau", "niveau", ("Niveau", "Level"), "select", _named([v.value for v in Level])),
        Input("status", "status", ("Status", "Status"), "select", _named([s.value for s in InitiativeStatus])),
        Input("trekker", "trekker", ("Getrokken door", "Led by"), "select", _named([v.value for v in Lead])),
        Input("gestart", "gestart", ("Gestart", "Started"), "date"),
        Input("buurt", "buurt", ("Buurt", "Neighbourhood"), "select", ref="area"),
    ),
    always=True,
)  # fmt: skip
#: How many people a new initiative's form takes at once.
PARTICIPANTS = 5
TAKING_PART = tuple(
    Part(
        f"deelnemer{n}", "deelname", (f"Doet mee ({n})", f"Takes part ({n})"),
        (
            Input(f"deelnemer{n}", "bewoner", ("Bewoner", "Resident"), "select", ref="resident"),
            Input(f"deelnemer{n}_rol", "rol", ("Rol", "Role"), "select", _named([r.value for r in ParticipationRole])),
        ),
        own="initiatief",
    )
    for n in range(1, PARTICIPANTS + 1)
)  # fmt: skip


def inputs(parts: Sequence[Part]) -> list[Input]:
    return [each for part in parts for each in part.inputs]


def values(form: Mapping[str, Any], parts: Sequence[Part]) -> dict[str, str]:
    """The form's fields of ``parts`` as sent (a checkbox: ``ja`` when ticked), stripped."""
    found = {}
    for each in inputs(parts):
        sent = form.get(each.name)
        text = sent.strip() if isinstance(sent, str) else ""
        found[each.name] = ("ja" if text else "") if each.kind == "checkbox" else text
    return found


def chosen(parts: Sequence[Part], sent: Mapping[str, str], ref: str) -> list[str]:
    """What the fields that choose a stored node of kind ``ref`` name."""
    return [sent[i.name] for i in inputs(parts) if i.ref == ref and sent.get(i.name)]


#: Where each row of a form's import came from: (sheet, row) -> part.
Rows = dict[tuple[str, int], Part]


def document(
    parts: Sequence[Part],
    sent: Mapping[str, str],
    *,
    own: str,
    fixed: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[dict[str, list[dict[str, str]]], Rows]:
    """The import a form makes: each part a row of its sheet, unless left empty (every field
    empty, no box ticked), with ``own`` in its subject's column and the cells ``fixed`` by
    the page (part key -> column -> value); and where each row came from."""
    sheets: dict[str, list[dict[str, str]]] = {}
    rows: Rows = {}
    for part in parts:
        cells = {each.column: sent.get(each.name, "") for each in part.inputs}
        if not part.always and not any(cells.values()):
            continue
        for each in part.inputs:  # an unticked box of a row that states everything: no
            if part.always and each.kind == "checkbox" and not cells[each.column]:
                cells[each.column] = "nee"
        if part.own is not None:
            cells[part.own] = own
        cells.update((fixed or {}).get(part.key, {}))
        sheet = sheets.setdefault(part.sheet, [])
        sheet.append(cells)
        rows[(part.sheet, len(sheet))] = part
    return sheets, rows


@dataclass
class Told:
    """What the importer said of a form: of the whole, of a part, of a field."""

    form: list[str] = field(default_factory=list)
    parts: dict[str, list[str]] = field(default_factory=dict)
    fields: dict[str, list[str]] = field(default_factory=dict)

    @property
    def anything(self) -> bool:
        return bool(self.form or self.parts or self.fields)


def told(report: ImportReport, rows: Rows, lang: Lang) -> Told:
    """The importer's errors and skipped rows, each at the field of its cell (or its part, or
    the form), in its own words."""
    result = Told()
    said = [
        (e.place.sheet, e.place.row, e.place.column, e.nl if lang == "nl" else e.en)
        for e in report.errors
    ]
    said += [
        (s.place.sheet, s.place.row, None, s.reason_nl if lang == "nl" else s.reason_en)
        for s in report.skipped
    ]
    for sheet, row, column, text in said:
        part = rows.get((sheet or "", row or 0))
        if part is None:
            result.form.append(text)
            continue
        name = next((i.name for i in part.inputs if i.column == column), None)
        if name is None:
            result.parts.setdefault(part.key, []).append(text)
        else:
            result.fields.setdefault(name, []).append(text)
    return result


def sections(
    parts: Sequence[Part],
    sent: Mapping[str, str],
    *,
    lang: Lang,
    options: Mapping[str, Sequence[tuple[str, str]]],
    said: Told | None = None,
) -> list[Section]:
    """The form as a page shows it: each part with its fields, their values, choices (fixed,
    or the page's ``options`` by ``ref``) and what the importer said of them."""
    said = said or Told()
    nl = lang == "nl"
    shown = []
    for part in parts:
        fields = []
        for each in part.inputs:
            choices: list[tuple[str, str]] = [
                (v, names[0] if nl else names[1]) for v, names in each.choices
            ]
            if each.ref is not None:
                choices = list(options.get(each.ref, ()))
            if each.kind == "select" and not (each.ref == "area" and len(choices) == 1):
                choices.insert(0, ("", "—"))
            fields.append(
                Field(
                    each.name,
                    each.label[0] if nl else each.label[1],
                    each.kind,
                    sent.get(each.name, ""),
                    choices,
                    suggestions=each.vocabulary,
                    errors=said.fields.get(each.name, []),
                )
            )
        title = part.title[0] if nl else part.title[1]
        shown.append(Section(part.key, title, fields, said.parts.get(part.key, [])))
    return shown
