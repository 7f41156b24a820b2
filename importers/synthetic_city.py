"""A synthetic city of any size for scale tests: Synthetistad (GM9998), fictional.

:func:`synthetic_city` builds it in buurten of about 5,000 residents, with the structure of the
sample neighbourhood (:mod:`importers.sample_neighbourhood`) planted in each buurt;
:func:`generate_city` also says where.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import count
from typing import NamedTuple

from graph.model import Contribution, OSector, TransformationLevel
from importers.synthetic_builder import (
    ROLE_POOL,
    SKILL_CODES,
    THEME_CODES,
    Dataset,
    DatasetBuilder,
    Planted,
)

_CITY_GM = "GM9998"
_BUURT_SIZE = 5000
_PLANT_MINIMUM = 150  # a smaller buurt gets nothing planted: there is no room for it
_PLANTED_PER_BUURT = 21  # the first residents of a buurt: see _plant
_STEMS = (
    "Molen", "Haven", "Kerk", "Beek", "Dijk", "Veld", "Hof", "Brug", "Linden", "Wilgen", "Eiken",
    "Sluis", "Vaart", "Zand", "Klaver",
)  # fmt: skip
_SUFFIXES = ("buurt", "kwartier", "zoom", "hoek", "park", "weide")
_ACTIVITIES = (
    "Buurtkamer", "Moestuin", "Taalcafé", "Repair Café", "Wandelgroep", "Kookclub", "Huiswerkklas",
    "Koffieochtend", "Buurtrestaurant", "Energieteam", "Klussendienst", "Kledingruil", "Buurtbus",
    "Ouderkamer",
)  # fmt: skip
_KINDS: dict[str, tuple[tuple[str, str, str], ...]] = {  # O: (kind, name, craft)
    "ondernemers": (("bakkerij", "Bakkerij", ""), ("supermarkt", "Supermarkt", ""),
                    ("fietsenwinkel", "Fietsenwinkel", ""), ("apotheek", "Apotheek", "zorg"),
                    ("kapsalon", "Kapsalon", ""), ("installatiebedrijf", "Installateur", "")),
    "onderwijs": (("basisschool", "Basisschool", ""), ("vmbo", "Vmbo-school", ""),
                  ("mbo", "ROC", ""), ("hogeschool", "Hogeschool", ""),
                  ("kinderopvang", "Kinderopvang", "")),
    "onderzoek": (("lectoraat", "Lectoraat", ""), ("universiteit", "Buurtlab", ""),
                  ("kennisinstituut", "Kennisinstituut", "")),
    "overheid": (("wijkteam", "Sociaal Wijkteam", "hulp"), ("welzijn", "Welzijn", "welzijn"),
                 ("zorgaanbieder", "Zorggroep", "zorg"), ("woningcorporatie", "Woonstichting", ""),
                 ("ggd", "GGD-post", "zorg"), ("schuldhulpverlening", "Schuldhulp", "hulp"),
                 ("bibliotheek", "Bibliotheek", "")),
    "omgeving": (("bewonersvereniging", "Bewonersvereniging", ""), ("moskee", "Moskee", ""),
                 ("kerk", "Kerk", ""), ("sportclub", "Sportclub", ""),
                 ("stichting", "Stichting", "")),
}  # fmt: skip
_SECTOR_POOL = (
    *["ondernemers"] * 6, *["onderwijs"] * 3, "onderzoek", *["overheid"] * 7, *["omgeving"] * 3,
)  # fmt: skip
_STATUS_POOL = (*["active"] * 40, *["idea"] * 4, *["ended"] * 4, *["paused"] * 2)
_LEAD_POOL = (*["residents"] * 15, *["professionals"] * 3, *["shared"] * 2)
_LEVELS = tuple(level.value for level in TransformationLevel)
_CONTRIBUTIONS = tuple(contribution.value for contribution in Contribution)
_UNCOVERED_CANDIDATES = (
    "schulden", "eenzaamheid", "armoede", "mantelzorg", "taal", "opvoeding",
    "digitale_vaardigheden", "psychische_gezondheid",
)  # fmt: skip
_CITY_KEYS = (
    "bridges", "bridge_groups", "isolated_with_needs", "supported_only", "isolated_without_needs",
    "small_component", "unused_skill_holders", "initiatives_needing_them", "uncovered_theme",
    "uncovered_theme_neighbourhood", "uncovered_theme_residents",
)  # fmt: skip
assert set(_KINDS) == set(OSector)


def synthetic_city(residents: int, *, seed: int) -> Dataset:
    """A synthetic city of ``residents`` residents for scale tests; see :func:`generate_city`."""
    return generate_city(residents, seed=seed)[0]


def generate_city(residents: int, *, seed: int) -> tuple[Dataset, Planted]:
    """Synthetistad (GM9998) with buurten of about 5,000 residents, and what it planted there.

    Buurten go five to a wijk. Per resident about 3 ties (95 % within the buurt, mostly near),
    per 50 residents an initiative, per 300 an organisation (all five O's), per 500 a
    professional; about 10 % of the residents get support. Every buurt of at least 150
    residents gets a bridge with a group of six and an initiative that hang on it, 5 isolated
    residents with needs (2 with support only), 3 without, a small component of 4, 2 unused
    strengths and an uncovered theme that 15 residents need. The planted lists are flat;
    ``uncovered_theme`` and ``uncovered_theme_neighbourhood`` run in parallel, and each
    ``bridge_groups`` entry joins a group's ids with ``|``.
    """
    if residents < 1:
        raise ValueError("a city needs at least one resident")
    b = DatasetBuilder(seed)
    buurten = max(1, round(residents / _BUURT_SIZE))
    per_wijk = max(5, math.ceil(buurten / 99))
    if per_wijk > 99:
        raise ValueError("too many residents for the CBS codes of one municipality")
    b.add("neighbourhoods", code=_CITY_GM, name="Synthetistad", level="gemeente")
    hoods: list[tuple[str, str, str]] = []  # buurt, wijk, name
    for i in range(buurten):
        wijk = f"WK9998{i // per_wijk + 1:02d}"
        if i % per_wijk == 0:
            b.add("neighbourhoods", code=wijk, name=f"Wijk {i // per_wijk + 1}", level="wijk",
                  parent=_CITY_GM)  # fmt: skip
        name = _STEMS[i % len(_STEMS)] + _SUFFIXES[i // len(_STEMS) % len(_SUFFIXES)]
        name += f" {i // (len(_STEMS) * len(_SUFFIXES)) + 1}" if i >= 90 else ""
        code = f"BU9998{i // per_wijk + 1:02d}{i % per_wijk + 1:02d}"
        b.add("neighbourhoods", code=code, name=name, level="buurt", parent=wijk)
        hoods.append((code, wijk, name))

    local = _add_city_organisations(b, residents, [(h, w) for h, w, _ in hoods])
    pros = _add_city_professionals(b, residents)
    helpers = list(pros.items())  # who gives support: professionals, some organisations
    helpers += [(oid, craft) for area in local.values() for oid, craft in area if craft][:20]
    planted: Planted = {key: [] for key in _CITY_KEYS}
    width = max(6, len(str(residents)))
    digits = max(4, len(str(residents // 50 + buurten)))
    next_initiative = (f"I{n:0{digits}d}" for n in count(1)).__next__
    everyone: list[str] = []
    start = 0
    for i, (hood, wijk, name) in enumerate(hoods):
        size = residents // buurten + (i < residents % buurten)
        ids = [f"R{n:0{width}d}" for n in range(start + 1, start + size + 1)]
        start += size
        for rid in ids:
            b.add_resident(rid, hood)
        town = _Town(hood, name, local[hood] + local[wijk] + local[_CITY_GM], list(pros), helpers)
        everyone += _populate_buurt(b, town, ids, next_initiative, planted)
    for _ in range(round(0.15 * residents) if buurten > 1 else 0):
        b.tie(b.pick(everyone), b.pick(everyone))  # mostly across buurten
    return b.data, planted


class _Town(NamedTuple):
    """What generating a buurt needs to know about the city around it."""

    hood: str
    name: str
    partners: list[tuple[str, str]]  # organisations active in the buurt, its wijk or the city
    pros: list[str]
    helpers: list[tuple[str, str]]  # who gives support: (professional or organisation, craft)


def _add_city_organisations(
    b: DatasetBuilder, residents: int, hoods: list[tuple[str, str]]
) -> dict[str, list[tuple[str, str]]]:
    """Organisations and their collaborations (a random tree, so they hang together, and some
    more); the first eight are fixed so that all five O's and all three crafts exist. Returns
    (id, craft) by the area each is active in: a buurt, a wijk or the municipality."""
    number = max(8, round(residents / 300))
    width = max(3, len(str(number)))
    local: dict[str, list[tuple[str, str]]] = {_CITY_GM: []}
    for hood, wijk in hoods:
        local[hood], local[wijk] = [], []
    ids: list[str] = []
    for n in range(number):
        if n < 5:  # one of each O, the municipality among them
            sector = tuple(_KINDS)[n]
            kind, label, craft = ("gemeente", "Gemeente", "") if n == 3 else _KINDS[sector][0]
        elif n < 8:  # wijkteam, welzijn, zorgaanbieder: a craft each
            sector, (kind, label, craft) = "overheid", _KINDS["overheid"][n - 5]
        else:
            sector = b.pick(_SECTOR_POOL)
            kind, label, craft = _KINDS[sector][int(b.rng.random() * len(_KINDS[sector]))]
        hood, wijk = b.pick(hoods)
        area = _CITY_GM if n == 3 or b.rng.random() < 0.1 else b.pick((hood, hood, hood, wijk))
        oid = f"O{n + 1:0{width}d}"
        b.add("organisations", source_id=oid, name=f"{label} {n + 1}", o_sector=sector, kind=kind,
              craft=craft, neighbourhood=area)  # fmt: skip
        local[area].append((oid, craft))
        if ids:
            b.add("collaborations", organisation=oid, other_organisation=b.pick(ids))
        ids.append(oid)
    for _ in range(number // 2):
        one, other = b.rng.sample(ids, 2)
        b.add("collaborations", organisation=one, other_organisation=other)
    return local


def _add_city_professionals(b: DatasetBuilder, residents: int) -> dict[str, str]:
    """Professionals of the three crafts in turn, each working for an organisation with that
    craft; returns their crafts by id."""
    employers: dict[str, list[str]] = {}
    for row in b.data["organisations"]:
        if row["craft"]:
            employers.setdefault(row["craft"], []).append(row["source_id"])
    number = max(1, round(residents / 500))
    width = max(3, len(str(number)))
    crafts = {}
    for n in range(number):
        craft, pid = ("welzijn", "hulp", "zorg")[n % 3], f"P{n + 1:0{width}d}"
        b.add("professionals", source_id=pid, name=b.random_name(),
              craft=craft, organisation=b.pick(employers[craft]))  # fmt: skip
        crafts[pid] = craft
    return crafts


def _populate_buurt(
    b: DatasetBuilder,
    town: _Town,
    ids: list[str],
    next_initiative: Callable[[], str],
    planted: Planted,
) -> list[str]:
    """Ties, initiatives, participation, support and traits of one buurt; returns the residents
    of its main network (all but the planted ones)."""
    rng = b.rng
    plant = len(ids) >= _PLANT_MINIMUM
    main = ids[_PLANTED_PER_BUURT:] if plant else ids
    uncovered = rng.choice(_UNCOVERED_CANDIDATES) if plant else ""
    themes = [theme for theme in THEME_CODES if theme != uncovered]
    b.knit(main, 2.93)
    covered: set[str] = set()
    needing: list[tuple[str, str, list[str]]] = []  # active, needs a skill: id, skill, people
    for n in range(max(1, round(len(ids) / 50)) - plant):
        iid, status, lead = next_initiative(), b.pick(_STATUS_POOL), b.pick(_LEAD_POOL)
        chosen = rng.sample(themes, 1 + int(rng.random() * 3))
        b.add("initiatives", source_id=iid, name=f"{b.pick(_ACTIVITIES)} {town.name} {n + 1}",
              themes="|".join(chosen), level=b.pick(_LEVELS), status=status, lead=lead,
              started="" if status == "idea" else b.draw_date(2012, 2025),
              neighbourhood=town.hood)  # fmt: skip
        skills = rng.sample(SKILL_CODES, int(rng.random() * 3))
        for code in skills:
            b.add("skills_needed", initiative=iid, skill=b.written_skill(code))
        for oid, _ in rng.sample(town.partners, min(len(town.partners), int(rng.random() * 4))):
            contribution = "|".join(rng.sample(_CONTRIBUTIONS, 1 + (rng.random() < 0.3)))
            b.add("partnerships", organisation=oid, initiative=iid, contribution=contribution)
        if lead != "residents" or rng.random() < 0.25:
            for pid in rng.sample(town.pros, min(len(town.pros), 1 + (lead == "professionals"))):
                b.add("coaching", professional=pid, initiative=iid)
        size = 4 + int(rng.random() * (15 if status == "active" else 5))
        people = b.take_part(iid, lead, main, size)
        if status == "active":
            covered.update(chosen)
            if skills and people:
                needing.append((iid, skills[0], people))
    if plant:
        _plant(b, town, ids, main, uncovered, themes, needing, next_initiative, planted)
    b.add_traits(main, sorted(covered), need_share=0.2)
    for rid in rng.sample(main, min(len(main), round(0.1 * len(ids)))):
        b.support(rid, *b.rng.choice(town.helpers))
    return main


def _plant(
    b: DatasetBuilder,
    town: _Town,
    ids: list[str],
    main: list[str],
    uncovered: str,
    themes: list[str],
    needing: list[tuple[str, str, list[str]]],
    next_initiative: Callable[[], str],
    planted: Planted,
) -> None:
    """Plant one city buurt's structure in its first 21 residents (see :func:`generate_city`)
    and the 15 main residents with the uncovered theme; record it all in ``planted``."""
    rng = b.rng
    bridge, group, lonely, alone = ids[0], ids[1:7], ids[7:12], ids[12:15]
    small, holders = ids[15:19], ids[19:21]
    for other in rng.sample(main, 3):
        b.tie(bridge, other)
    b.tie_ring(group)
    b.tie(bridge, group[0])
    b.tie(bridge, group[3])
    iid = next_initiative()
    b.add("initiatives", source_id=iid, name=f"Buurtgroep {town.name}", level="normaliseren",
          themes="|".join(rng.sample(themes, 2)), status="active", lead="residents",
          started=b.draw_date(2015, 2025), neighbourhood=town.hood)  # fmt: skip
    b.add("participation", resident=bridge, initiative=iid, role="owner")
    for rid in group:
        b.add("participation", resident=rid, initiative=iid, role=b.pick(ROLE_POOL))
    for n, rid in enumerate(lonely):
        for code in rng.sample(THEME_CODES, 1 + n % 2):
            b.add_need(rid, code)
        if n < 2:
            b.support(rid, *rng.choice(town.helpers))
    b.tie_all(small)
    b.add_traits([bridge, *group, *lonely, *alone, *small], (), need_share=0.0)
    chosen = rng.sample(needing, min(2, len(needing)))
    for holder, (initiative, code, people) in zip(holders, chosen, strict=False):
        b.add_skill(holder, code, True)  # and no participation at all
        for other in [*rng.sample(main, 2), people[-1]]:
            b.tie(holder, other)
        planted["unused_skill_holders"].append(holder)
        planted["initiatives_needing_them"].append(initiative)
    needers = rng.sample(main, 15)
    for rid in needers:
        b.add_need(rid, uncovered)
    planted["bridges"].append(bridge)
    planted["bridge_groups"].append("|".join([*group, iid]))
    planted["isolated_with_needs"] += lonely
    planted["supported_only"] += lonely[:2]
    planted["isolated_without_needs"] += alone
    planted["small_component"] += small
    planted["uncovered_theme"].append(uncovered)
    planted["uncovered_theme_neighbourhood"].append(town.hood)
    planted["uncovered_theme_residents"] += needers
