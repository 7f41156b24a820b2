"""Random histories of dated exports, and what held on each date, for the tests of facts with a
time (issue 16, :mod:`graph.periods`).

A :class:`History` is a neighbourhood whose residents, initiatives and organisations stay the
same while its facts change: at each date an export states some facts, every kind of fact in a
sheet of its own, each sheet declared complete or not. :class:`Reference` is the rule the
issue gives, kept apart from the store's code: a stated fact holds from the export's date
(with the properties stated; a change of properties starts a new version), a complete sheet
ends, on its date, every holding fact that an earlier complete sheet listed and it lacks; a
partial sheet ends nothing. The files for a fresh store holding only what held on a date are
written from it.
"""

from __future__ import annotations

import copy
import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

#: The kinds of fact a history varies: sheet -> its two key columns and the value columns.
SHEETS: dict[str, tuple[tuple[str, str], tuple[str, ...]]] = {
    "contacten": (("bewoner", "andere_bewoner"), ("soort", "sterkte")),
    "deelname": (("bewoner", "initiatief"), ("rol",)),
    "krachten": (("bewoner", "kracht"), ("wil_delen",)),
    "hulpvragen": (("bewoner", "thema"), ()),
    "interesses": (("bewoner", "thema"), ()),
    "ondersteuning": (("bewoner", "organisatie"), ("vakgebied",)),
    "partners": (("organisatie", "initiatief"), ("bijdrage",)),
}
BUURTEN = [
    {"code": "GM9999", "naam": "Wijkgraafstad", "niveau": "gemeente", "valt_onder": ""},
    {"code": "WK999901", "naam": "Vlinderwijk", "niveau": "wijk", "valt_onder": "GM9999"},
    {"code": "BU99990101", "naam": "Havenkwartier", "niveau": "buurt", "valt_onder": "WK999901"},
    {"code": "BU99990102", "naam": "Bloemenbuurt", "niveau": "buurt", "valt_onder": "WK999901"},
]
HOODS = ("BU99990101", "BU99990102")
RESIDENTS = [f"B{n:02d}" for n in range(1, 17)]
INITIATIVES = ["I1", "I2", "I3", "I4"]
ORGANISATIONS = ["O1", "O2", "O3"]
SKILLS = ("koken", "tuinieren", "klussen", "taalles")
THEMES = ("eenzaamheid", "schulden", "groen", "armoede")
VALUES: dict[str, tuple[str, ...]] = {
    "soort": ("friend", "neighbour", "family"),
    "sterkte": ("1", "2", "3"),
    "rol": ("owner", "volunteer", "participant"),
    "wil_delen": ("ja", "nee"),
    "vakgebied": ("hulp", "zorg"),
    "bijdrage": ("funding", "space", "materials"),
}
Fact = tuple[str, str, str]  # sheet, one end, the other end
Props = tuple[tuple[str, str], ...]


def _universe() -> dict[str, list[tuple[str, str]]]:
    residents = RESIDENTS
    pairs = [(a, b) for i, a in enumerate(residents) for b in residents[i + 1 :]]
    return {
        "contacten": pairs,
        "deelname": [(r, i) for r in residents for i in INITIATIVES],
        "krachten": [(r, s) for r in residents for s in SKILLS],
        "hulpvragen": [(r, t) for r in residents for t in THEMES],
        "interesses": [(r, t) for r in residents for t in THEMES],
        "ondersteuning": [(r, o) for r in residents for o in ORGANISATIONS],
        "partners": [(o, i) for o in ORGANISATIONS for i in INITIATIVES],
    }


Entity = tuple[str, str]  # sheet (bewoners, initiatieven), source id


@dataclass
class Export:
    """One dated export: the facts each sheet states, which sheets are complete, and the
    residents and initiatives it states with their fields that have a history (None: every
    resident in their first buurt, every initiative as it began)."""

    as_of: str
    facts: dict[str, dict[tuple[str, str], Props]]
    complete: set[str]
    residents: dict[str, Props] | None = None
    initiatives: dict[str, Props] | None = None

    def entities(self) -> dict[str, dict[str, Props]]:
        residents = self.residents
        if residents is None:
            residents = {r: (("buurt", HOODS[n % 2]),) for n, r in enumerate(RESIDENTS)}
        initiatives = self.initiatives
        if initiatives is None:
            initiatives = {i: FIRST_STATE for i in INITIATIVES}
        return {"bewoners": residents, "initiatieven": initiatives}


FIRST_STATE: Props = (("status", "active"), ("trekker", "residents"))


@dataclass
class Version:
    start: str
    end: str | None
    props: Props
    listed: bool


@dataclass
class Reference:
    """What held when, by the issue's rule (not by the store's code): facts, and residents
    and initiatives, each from a date until a date; a complete sheet ends what an earlier
    complete one listed and it lacks, a resident who is no longer there with every fact of
    theirs."""

    current: dict[Fact, Version] = field(default_factory=dict)
    past: dict[Fact, list[Version]] = field(default_factory=dict)

    def apply(self, export: Export) -> None:
        day = export.as_of
        for sheet, stated in export.entities().items():
            listed = sheet in export.complete
            for source_id, props in stated.items():
                self._state((sheet, source_id, ""), props, day, listed)
        for sheet, facts in export.facts.items():
            listed = sheet in export.complete
            for (a, b), props in facts.items():
                self._state((sheet, a, b), props, day, listed)
        for sheet in export.complete:
            stated_now = export.entities().get(sheet)
            if stated_now is not None:
                gone = [
                    fact[1]
                    for fact, now in self.current.items()
                    if fact[0] == sheet and now.end is None and now.listed
                    and fact[1] not in stated_now
                ]  # fmt: skip
                for source_id in gone:
                    for fact, now in self.current.items():
                        if now.end is None and source_id in (fact[1], fact[2]):
                            now.end, now.listed = day, False
                continue
            stated = export.facts.get(sheet, {})
            for fact, now in self.current.items():
                lacked = (fact[1], fact[2]) not in stated
                if fact[0] == sheet and now.end is None and now.listed and lacked:
                    now.end, now.listed = day, False

    def _state(self, fact: Fact, props: Props, day: str, listed: bool) -> None:
        now = self.current.get(fact)
        if now is None:
            self.current[fact] = Version(day, None, props, listed)
        elif now.end is None:
            if now.props == props or now.start == day:
                now.props, now.listed = props, now.listed or listed
            else:
                self.past.setdefault(fact, []).append(Version(now.start, day, now.props, False))
                self.current[fact] = Version(day, None, props, now.listed or listed)
        elif now.end == day and now.props == props:
            now.end, now.listed = None, listed
        else:
            self.past.setdefault(fact, []).append(now)
            self.current[fact] = Version(day, None, props, listed)

    def _versions(self, day: str | None) -> dict[Fact, Props]:
        found = {}
        for fact, now in self.current.items():
            for version in [*self.past.get(fact, []), now]:
                if _holds(version, day):
                    found[fact] = version.props
        return found

    def entities(self, day: str | None) -> dict[str, dict[str, Props]]:
        """The residents and initiatives there on ``day`` (None: now), with their fields."""
        found: dict[str, dict[str, Props]] = {"bewoners": {}, "initiatieven": {}}
        for fact, props in self._versions(day).items():
            if fact[0] in found:
                found[fact[0]][fact[1]] = props
        return found

    def held(self, day: str | None) -> dict[str, dict[tuple[str, str], Props]]:
        """The facts that held on ``day`` (None: now), by sheet, with their properties then."""
        versions = self._versions(day)
        found: dict[str, dict[tuple[str, str], Props]] = {sheet: {} for sheet in SHEETS}
        for fact, props in versions.items():
            if fact[0] in SHEETS:
                found[fact[0]][(fact[1], fact[2])] = props
        return found


def _holds(version: Version, day: str | None) -> bool:
    if day is None:
        return version.end is None
    return version.start <= day and (version.end is None or day < version.end)


def random_history(
    seed: int, dates: list[str], *, people_come_and_go: bool = False
) -> list[Export]:
    """Exports on ``dates``: each sheet is in an export or not, complete or partial; a
    complete sheet lists a random part of what can be, a partial one a few facts. With
    ``people_come_and_go``, the residents sheet varies the same way (residents move to
    another buurt, leave and come back) and initiatives change their status and lead; facts
    then name only residents who are there after the export."""
    rng = random.Random(seed)
    universe = _universe()
    exports = []
    known = Reference()
    homes = {r: HOODS[n % 2] for n, r in enumerate(RESIDENTS)}
    states = {i: dict(FIRST_STATE) for i in INITIATIVES}
    for day in dates:
        complete: set[str] = set()
        residents = initiatives = None
        alive = set(RESIDENTS)
        if people_come_and_go:
            residents, whole = _residents(rng, homes)
            if whole:
                complete.add("bewoners")
            for state in states.values():
                if rng.random() < 0.3:
                    state["status"] = rng.choice(("active", "paused", "ended"))
                if rng.random() < 0.3:
                    state["trekker"] = rng.choice(("residents", "professionals", "shared"))
            initiatives = {i: tuple(state.items()) for i, state in states.items()}
            trial = copy.deepcopy(known)
            trial.apply(Export(day, {}, complete, residents, initiatives))
            alive = set(trial.entities(None)["bewoners"])
        facts: dict[str, dict[tuple[str, str], Props]] = {}
        for sheet, pairs in universe.items():
            roll = rng.random()
            if roll < 0.2:
                continue  # not in this export
            whole = roll < 0.65
            possible = [p for p in pairs if all(end in alive or end[0] != "B" for end in p)]
            if not possible:
                continue
            size = min(len(possible), rng.randint(4, 14) if whole else 3)
            chosen = rng.sample(possible, k=size)
            facts[sheet] = {pair: _props(rng, sheet) for pair in chosen}
            if whole:
                complete.add(sheet)
        export = Export(day, facts, complete, residents, initiatives)
        known.apply(export)
        exports.append(export)
    return exports


def _residents(rng: random.Random, homes: dict[str, str]) -> tuple[dict[str, Props], bool]:
    """This export's residents sheet: all but a few (complete), a few (partial)."""
    whole = rng.random() < 0.6
    chosen = rng.sample(RESIDENTS, k=rng.randint(10, 15) if whole else rng.randint(1, 4))
    for resident in chosen:
        if rng.random() < 0.15:
            homes[resident] = HOODS[1] if homes[resident] == HOODS[0] else HOODS[0]
    return {r: (("buurt", homes[r]),) for r in sorted(chosen)}, whole


def _props(rng: random.Random, sheet: str) -> Props:
    return tuple((column, rng.choice(VALUES[column])) for column in SHEETS[sheet][1])


def _write(directory: Path, name: str, header: list[str], rows: list[dict[str, str]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def entity_files(
    directory: Path, entities: dict[str, dict[str, Props]] | None = None
) -> list[Path]:
    """The neighbourhood's areas and organisations, with its residents and initiatives as
    ``entities`` has them (by sheet: source id -> fields with a history; None: everyone as
    they began). The other fields of each are always the same."""
    if entities is None:
        entities = Export("", {}, set()).entities()
    order = {r: n for n, r in enumerate(RESIDENTS)}
    residents = [
        {
            "bron_id": r,
            **dict(props),
            "leeftijd": "27-44",
            "toestemming_naam": "nee",
            "toestemming_contact": "ja" if order[r] % 3 else "nee",
        }
        for r, props in sorted(entities["bewoners"].items())
    ]
    initiatives = [
        {"bron_id": i, "naam": f"Initiatief {i}", "themas": THEMES[n % len(THEMES)],
         **dict(entities["initiatieven"][i]), "buurt": HOODS[n % 2]}
        for n, i in enumerate(INITIATIVES) if i in entities["initiatieven"]
    ]  # fmt: skip
    organisations = [
        {"bron_id": o, "naam": f"Organisatie {o}", "o_sector": sector, "buurt": HOODS[n % 2]}
        for n, (o, sector) in enumerate(zip(ORGANISATIONS, ("overheid", "ondernemers", "onderwijs"), strict=True))
    ]  # fmt: skip
    files = [
        _write(directory, "buurten.csv", list(BUURTEN[0]), BUURTEN),
        _write(directory, "organisaties.csv", list(organisations[0]), organisations),
    ]
    if residents:
        files.append(_write(directory, "bewoners.csv", list(residents[0]), residents))
    if initiatives:
        files.append(_write(directory, "initiatieven.csv", list(initiatives[0]), initiatives))
    return files


def fact_files(directory: Path, facts: dict[str, dict[tuple[str, str], Props]]) -> list[Path]:
    """One file per sheet of ``facts`` that states any."""
    paths = []
    for sheet, stated in facts.items():
        if not stated:
            continue
        (first, second), columns = SHEETS[sheet]
        rows = [{first: a, second: b, **dict(props)} for (a, b), props in sorted(stated.items())]
        paths.append(_write(directory, f"{sheet}.csv", [first, second, *columns], rows))
    return paths
