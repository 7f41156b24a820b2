"""An import's references resolved to node ids, against the import itself and the store.

A cell can refer to a row of another sheet (a REF column: a resident, an organisation, ...), to
a neighbourhood (a CODE column) or to a vocabulary term (a theme or a skill). Each resolves to
the id of a node that the import writes or that is stored already. What cannot resolve is an
error (an unknown row or local code) or a skip (an erased person, a row that refers to an
invalid one); CBS areas and unknown terms that are used are added to the plan unless stored.
The store is read once per label, in batches (:meth:`References.prefetch`), never once a row.
"""

from __future__ import annotations

from typing import Any

from graph.model import NODE_HISTORY_FIELDS, NodeLabel
from graph.store import GraphStore
from importers.plan import ENTITY_SHEETS, Plan
from importers.pseudonyms import is_pseudonym, pseudonym
from importers.report import ImportReport, Place, RowError, Skipped
from importers.templates import SHEETS, ColumnType
from importers.validate import CBS_CODE, Record, Validated
from importers.vocabulary import SKILLS, THEMES

L = NodeLabel
#: Entity sheets of people: their ids are checked against the tombstones of erased people.
PERSON_SHEETS = frozenset({"residents", "professionals"})
ERASED_NL = "Deze persoon is op verzoek gewist en wordt niet opnieuw ingelezen."
ERASED_EN = "This person was erased on request and is not imported again."
#: how many of the rows that repeat an unknown area its error names
_NAMED = 3


def neighbourhood_level(code: str) -> str:
    """gemeente, wijk or buurt from a CBS code's prefix; ``local`` for other codes."""
    if CBS_CODE.match(code):
        return {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}[code[:2]]
    return "local"


def cbs_parent(code: str) -> str | None:
    """The CBS area a code lies in: BU03630000 → WK036300 → GM0363.

    >>> cbs_parent("BU03630000"), cbs_parent("WK036300"), cbs_parent("GM0363")
    ('WK036300', 'GM0363', None)
    """
    if code.startswith("BU") and CBS_CODE.match(code):
        return "WK" + code[2:8]
    if code.startswith("WK") and CBS_CODE.match(code):
        return "GM" + code[2:6]
    return None


class References:
    """Resolves the references of one import's valid records: errors and skips go to
    ``report``, the areas and terms the records use that are not stored go to ``plan``."""

    def __init__(
        self,
        store: GraphStore,
        key: bytes,
        *,
        validated: Validated,
        report: ImportReport,
        plan: Plan,
        accept_new_areas: bool = False,
        stored_ids: bool = False,
    ) -> None:
        self.store = store
        self.accept_new_areas = accept_new_areas
        #: a reference may name a stored node by its own id (:meth:`ref_id`)
        self.stored_ids = stored_ids
        self.rejected = validated.rejected
        self.key = key
        self.records = validated.records
        self.invalid = validated.invalid_ids
        self.report = report
        self.plan = plan
        self._ids: dict[str, dict[str, str]] = {sheet: {} for sheet in ENTITY_SHEETS}
        self._erased: set[str] = set()
        self._stored: dict[NodeLabel, set[str]] = {}
        #: of those, the ones a complete sheet ended (a resident who moved away)
        self._ended: dict[NodeLabel, set[str]] = {}
        self._unknown: dict[str, dict[str, str]] = {"theme": {}, "skill": {}}
        #: the source ids of the import's valid rows, by entity sheet
        self._valid: dict[str, set[str]] = {
            sheet: {r.values["source_id"] for r in self.records.get(sheet, [])}
            for sheet in ENTITY_SHEETS
        }
        #: nodes this import would add only when missing, and found stored: unchanged
        self.already_stored: dict[NodeLabel, set[str]] = {}
        self._declared: set[str] = {
            r.values["code"] for r in self.records.get("neighbourhoods", [])
        }
        #: the CBS areas a declared one lies in (its wijk and gemeente): known, not guessed
        self._implied: set[str] = set()
        for code in self._declared:
            while (code := cbs_parent(code) or "") and code not in self._implied:
                self._implied.add(code)
        #: the rows (file, sheet, row) that a reference or an area made invalid
        self.error_rows: set[tuple[str, str | None, int]] = set()
        #: how many records a reference or an area made invalid: grows with each, also where
        #: two records share a row (the two people of an edge list's line)
        self.failures = 0
        #: unknown area codes: the index of their error, its row, and the rows after it that
        #: use them (file, sheet, row), in order
        self._bad_areas: dict[str, tuple[int, Place, dict[Place, None]]] = {}

    def pid(self, sheet: str, source_id: str) -> str:
        ids = self._ids[sheet]
        cached = ids.get(source_id)
        if cached is None:
            cached = ids[source_id] = pseudonym(self.key, ENTITY_SHEETS[sheet][0], source_id)
        return cached

    def ref_id(self, sheet: str, value: str) -> str:
        """The node a reference cell names: the pseudonym of the source id it holds or, where
        the import lets references name stored nodes (the pages' forms, which show no source
        ids), a node's own id of the sheet's kind (``r-…``, ``i-…``) as it is."""
        if self.stored_ids and is_pseudonym(ENTITY_SHEETS[sheet][0], value):
            return value
        return self.pid(sheet, value)

    def unknown_terms(self) -> dict[str, list[str]]:
        return {kind: sorted(terms.values()) for kind, terms in self._unknown.items() if terms}

    def prefetch(self) -> None:
        """Which referenced ids are stored already, and which people were erased: one batched
        read per label instead of one per row.

        A reference to a row of this import needs no read: it resolves to that row (an id is
        looked up only where the import does not have it). Every person, imported or
        referenced, is checked against the tombstones: a reference to a person of the import
        names one of its rows, so only references to others add to them.
        """
        wanted: dict[NodeLabel, set[str]] = {}
        people: set[str] = set()
        areas: set[str] = set()
        for sheet, records in (*self.records.items(), *self.rejected.items()):
            columns = SHEETS[sheet].columns
            refs = [(c.key, c.ref) for c in columns if c.kind is ColumnType.REF and c.ref]
            codes = [c.key for c in columns if c.kind is ColumnType.CODE]
            own = sheet if sheet in PERSON_SHEETS else None
            for record in records:
                values = record.values
                if own is not None and "source_id" in values:
                    person = self.pid(own, values["source_id"])
                    people.add(person)
                    if record.table.implicit:  # only named by an edge list: stored already?
                        wanted.setdefault(L.RESIDENT, set()).add(person)
                for key, target in refs:
                    value = values.get(key)
                    if value is None or value in self._valid[target]:
                        continue
                    node_id = self.ref_id(target, value)
                    wanted.setdefault(ENTITY_SHEETS[target][1], set()).add(node_id)
                    if target in PERSON_SHEETS:
                        people.add(node_id)
                for key in codes:
                    area: str | None = values.get(key)
                    if not area or area in areas:
                        continue  # a buurt's thousands of residents name it once
                    while area:  # the CBS areas it lies in may be created too
                        areas.add(area)
                        area = cbs_parent(area)
                for kind, code, _written in record.unknown_terms:
                    wanted.setdefault(L.THEME if kind == "theme" else L.SKILL, set()).add(code)
        if areas:
            wanted[L.NEIGHBOURHOOD] = areas
        for label, ids in wanted.items():
            self._stored[label] = self.store.existing_ids(label, ids)
            if label in NODE_HISTORY_FIELDS and self._stored[label]:
                self._ended[label] = self.store.ended_ids(label, self._stored[label])
        self._erased = self.store.tombstoned(people) if people else set()

    def _error(self, record: Record, column: str, value: str, nl: str, en: str) -> None:
        header = SHEETS[record.sheet.key].column(column).nl
        place = Place(record.place.file, record.place.sheet, record.place.row, header)
        self.report.errors.append(RowError(place, value, nl, en))
        self.error_rows.add((place.file, place.sheet, record.row))
        self.failures += 1
        skipped = self.report.skipped
        if skipped and skipped[-1].place == record.place:
            skipped.pop()  # a row with an error is not also a skipped one

    def stored_already(self, record: Record, node_id: str) -> bool:
        """Whether a person an edge list only names is stored already: then the row is a
        reference to them, and leaves what is stored about them as it is."""
        if not record.table.implicit or node_id not in self._stored.get(L.RESIDENT, ()):
            return False
        self.already_stored.setdefault(L.RESIDENT, set()).add(node_id)
        return True

    def reject(self, record: Record, sheet: str) -> None:
        """An entity row with an error found here: not planned, and a row that refers to it
        is skipped as one that refers to an invalid row."""
        source_id = record.values["source_id"]
        self._valid[sheet].discard(source_id)
        self.invalid.setdefault(sheet, set()).add(source_id)

    def check_rejected(self) -> None:
        """The references of rows rejected for another mistake, checked all the same, so that
        one run reports every mistake (their rows were counted as rejected already)."""
        counted = self.error_rows
        self.error_rows = set()
        for sheet, records in self.rejected.items():
            columns = SHEETS[sheet].columns
            refs = [c.key for c in columns if c.kind is ColumnType.REF]
            codes = [c.key for c in columns if c.kind is ColumnType.CODE]
            for record in records:
                for key in refs:
                    if key in record.values and self._known(record, key) is None:
                        self._unknown_row(record, key)
                for key in codes:
                    code = record.values.get(key)
                    if code and not self._area_known(code):
                        self._unknown_area(record, key, code)
        self.error_rows = counted

    def _skip(self, record: Record, nl: str, en: str) -> None:
        """A row skipped, once (both its ends may be rejected), and not if it has an error."""
        place = record.place
        skipped = self.report.skipped
        if (place.file, place.sheet, place.row) in self.error_rows or (
            skipped and skipped[-1].place == place
        ):
            return
        skipped.append(Skipped(place, nl, en))

    # --- rows and their references to rows --------------------------------------------------

    def own_id(self, record: Record, sheet: str) -> str | None:
        """The node id of an entity row, or None (with a skip) for a person erased on request."""
        node_id = self.pid(sheet, record.values["source_id"])
        if node_id in self._erased:
            self._skip(record, ERASED_NL, ERASED_EN)
            return None
        return node_id

    def resolve_to(self, record: Record, column: str, sheet: str) -> str | None:
        """:meth:`resolve` for a column referring to ``sheet``, at once for the usual case
        (a row of this import, not erased, its pseudonym made already)."""
        source_id = record.values[column]
        node_id = self._ids[sheet].get(source_id)
        if node_id is not None and source_id in self._valid[sheet] and node_id not in self._erased:
            return node_id
        return self.resolve(record, column)

    def resolve(self, record: Record, column: str) -> str | None:
        """The stored id a REF cell points to, or None (with an error or a skip) if it cannot."""
        spec = SHEETS[record.sheet.key].column(column)
        source_id = record.values[column]
        assert spec.ref is not None
        node_id = self.ref_id(spec.ref, source_id)
        if node_id in self._erased:
            self._skip(record, ERASED_NL, ERASED_EN)
            return None
        label = ENTITY_SHEETS[spec.ref][1]
        if source_id in self._valid[spec.ref]:
            return node_id  # a row of this import (which states them there again if they left)
        if node_id in self._ended.get(label, ()):
            sheet = SHEETS[spec.ref]
            self._error(
                record,
                column,
                source_id,
                f"Deze {sheet.nl}-rij staat niet meer in de gegevens: een volledige export liet "
                f"die weg. Neem de rij weer op in {sheet.nl} als dit weer klopt.",
                f"This {spec.ref} row is no longer in the data: a complete export left it out. "
                f"Put the row in {spec.ref} again if this holds again.",
            )
            return None
        if node_id in self._stored.get(label, ()):
            return node_id
        if source_id in self.invalid.get(spec.ref, set()):
            self._skip(
                record,
                f"Verwijst naar een afgekeurde rij in {SHEETS[spec.ref].nl} ({source_id}); "
                "verbeter die rij, dan komt deze mee.",
                f"Refers to a rejected row in {spec.ref} ({source_id}); fix that row and this "
                "one comes with it.",
            )
            return None
        self._unknown_row(record, column)
        return None

    def _known(self, record: Record, column: str) -> str | None:
        """The node id a REF cell names if the import or the store has it (valid or not)."""
        spec = SHEETS[record.sheet.key].column(column)
        assert spec.ref is not None
        source_id = record.values[column]
        node_id = self.ref_id(spec.ref, source_id)
        label = ENTITY_SHEETS[spec.ref][1]
        if (
            source_id in self._valid[spec.ref]
            or source_id in self.invalid.get(spec.ref, set())
            or node_id in self._stored.get(label, ())
            or node_id in self._erased
        ):
            return node_id
        return None

    def _unknown_row(self, record: Record, column: str) -> None:
        spec = SHEETS[record.sheet.key].column(column)
        assert spec.ref is not None
        self._error(
            record,
            column,
            record.values[column],
            f"Verwijzing naar onbekende {SHEETS[spec.ref].nl}-rij: staat niet in deze import "
            "en niet in de database.",
            f"Reference to an unknown {spec.ref} row: not in this import and not stored.",
        )

    # --- neighbourhoods and vocabulary terms ------------------------------------------------

    def neighbourhood(self, record: Record, column: str) -> str | None:
        """The area code of a CODE cell, or None if empty or (with an error) a code neither
        declared in the import nor stored. New areas are declared, not guessed: a CBS code
        nobody declared is accepted only with ``accept_new_areas``, and is then added to the
        plan with the wijk and gemeente it lies in."""
        code = record.values.get(column)
        if code is None:
            return None
        if code in self._declared:
            return str(code)
        if self._area_known(code):
            self._add_cbs_area(code)
            return str(code)
        self._unknown_area(record, column, code)
        return None

    def _area_known(self, code: str) -> bool:
        return (
            code in self._declared
            or code in self._implied
            or code in self._stored.get(L.NEIGHBOURHOOD, set())
            or (self.accept_new_areas and CBS_CODE.match(code) is not None)
        )

    def _unknown_area(self, record: Record, column: str, code: str) -> None:
        """An error for the first row that uses an unknown area; the rows after it that use
        it are rejected too, and counted in that one error (:meth:`name_repeated_areas`)."""
        seen = self._bad_areas.get(code)
        row = Place(record.place.file, record.place.sheet, record.row)
        if seen is not None:
            if row != seen[1]:
                seen[2][row] = None
            self.error_rows.add((row.file, row.sheet, record.row))
            self.failures += 1
            return
        self._bad_areas[code] = (len(self.report.errors), row, {})
        if CBS_CODE.match(code):
            self._error(
                record,
                column,
                code,
                f"Onbekende gebiedscode {code}: niet vastgelegd in het blad buurten van deze "
                "import en niet in de database. Controleer de code; is het een nieuw gebied, "
                "zet het in het blad buurten of lees in met --accept-new-areas.",
                f"Unknown area code {code}: not declared in this import's neighbourhoods sheet "
                "and not stored. Check the code; for a new area, add it to the neighbourhoods "
                "sheet or import with --accept-new-areas.",
            )
            return
        self._error(
            record,
            column,
            code,
            "Eigen buurtcode die nergens is vastgelegd: voeg hem toe aan het blad buurten.",
            "Local neighbourhood code that is not declared: add it to the neighbourhoods sheet.",
        )

    def name_repeated_areas(self) -> None:
        """Say in each unknown area's error how many more rows use it, and where the first
        few are (rows, not records: an edge list's line names two people)."""
        errors = self.report.errors
        for index, _, rows in self._bad_areas.values():
            if not rows:
                continue
            more, e = len(rows), errors[index]
            first = list(rows)[:_NAMED]
            rest = "; …" if more > _NAMED else ""
            nl = "; ".join(p.describe("nl") for p in first) + rest
            en = "; ".join(p.describe("en") for p in first) + rest
            errors[index] = RowError(
                e.place, e.value,
                f"{e.nl} Ook gebruikt in {more} {'rij' if more == 1 else 'rijen'} hierna: {nl}.",
                f"{e.en} Also used in {more} {'row' if more == 1 else 'rows'} after this one: "
                f"{en}.",
            )  # fmt: skip

    def _add_cbs_area(self, code: str) -> None:
        """A CBS area used but not declared nor stored: created with its code as name."""
        while (
            code
            and code not in self._declared
            and code not in self.plan.nodes.get(L.NEIGHBOURHOOD, {})
        ):
            parent = cbs_parent(code)
            if code in self._stored.get(L.NEIGHBOURHOOD, set()):
                self.already_stored.setdefault(L.NEIGHBOURHOOD, set()).add(code)
                code = parent or ""
                continue
            self.plan.node(
                L.NEIGHBOURHOOD, code, name=code, level=neighbourhood_level(code), parent=parent
            )
            code = parent or ""

    def add_term(self, label: NodeLabel, code: str, record: Record) -> None:
        """The node of a theme or skill a row uses: the vocabulary's term, or an unknown term
        (reported, and created with the row's spelling as name unless stored already)."""
        vocabulary = THEMES if label is L.THEME else SKILLS
        term = vocabulary.terms.get(code)
        if term is not None:
            props: dict[str, Any] = {"name": term.name, "name_en": term.name_en}
            if label is L.SKILL:
                props["synonyms"] = list(term.synonyms)
            self.plan.node(label, code, **props)
            return
        written = next((w for k, c, w in record.unknown_terms if c == code), code)
        self._unknown[vocabulary.kind].setdefault(code, written)
        if code in self._stored.get(label, set()):
            self.already_stored.setdefault(label, set()).add(code)
        else:
            self.plan.nodes.setdefault(label, {}).setdefault(code, {"id": code, "name": written})
