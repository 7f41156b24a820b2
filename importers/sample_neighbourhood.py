"""The sample neighbourhood: Vlinderwijk, fictional, with known answers to every question.

:func:`sample_neighbourhood` builds Vlinderwijk (WK999901) in Wijkgraafstad (GM9999), with the
buurten Bloemenbuurt, Havenkwartier and Parkzoom: 300 residents, 25 initiatives, 30
organisations (all five O's), 12 professionals. It plants, with the source ids in
:data:`SAMPLE_PLANTED`:

- bridges: Fatima (B001) is the moestuin group's only link to the rest of the neighbourhood,
  Mohammed (B101) that of a family and their flat neighbours, Kees (B211) that of the seniors'
  soos; each is an articulation point of the social fabric (``bridge_group:<id>`` lists what
  hangs on them);
- 8 isolated residents with needs (no ties, no participation; 4 with support only) and 5
  without ties or needs;
- a small component of 4 residents in Parkzoom who know only each other;
- 3 unused strengths: a shareable skill that an active initiative in the holder's buurt needs
  while no initiative of the holder's uses it (each holder knows someone who takes part);
- reciprocity: 4 residents who receive support and have a skill they want to share;
- an uncovered theme: 14 residents of Havenkwartier with a debt question (schulden) and no
  active initiative there that addresses it (an ended one did);
- initiatives whose partners miss some of the five O's, and two that have all five;
- 5 initiatives led by professionals (coached, no resident owner), 2 shared, the rest led by
  residents with an owner; 3 ended, 2 ideas, 1 paused;
- skill spellings to normalise ("Kookt graag", "Tuinier", "KOKEN ") and one unknown skill.

The shipped CSV files of it are :func:`importers.synthetic.sample_files`.
"""

from __future__ import annotations

from importers.synthetic_builder import Dataset, DatasetBuilder, Planted
from importers.vocabulary import SKILLS, THEMES

_GM, _WK = "GM9999", "WK999901"
_BU1, _BU2, _BU3 = "BU99990101", "BU99990102", "BU99990103"


def _number_residents(first: int, last: int) -> list[str]:
    return [f"B{n:03d}" for n in range(first, last + 1)]


# Residents B001-B100 live in Bloemenbuurt, B101-B210 in Havenkwartier, B211-B300 in Parkzoom;
# the first ones of each buurt are planted, the rest (_MAIN) form its ordinary network.
_MAIN = {
    _BU1: _number_residents(15, 100),
    _BU2: _number_residents(114, 210),
    _BU3: _number_residents(226, 300),
}
_NAMED = {  # planted residents with a fixed name: name, age band, buurt
    "B001": ("Fatima El Amrani", "45-66", _BU1), "B013": ("Ayşe Kaya", "27-44", _BU1),
    "B014": ("Noor Hassan", "27-44", _BU1), "B101": ("Mohammed Bouzid", "45-66", _BU2),
    "B112": ("Wim de Jong", "67-79", _BU2), "B113": ("Youssef Tahiri", "18-26", _BU2),
    "B211": ("Kees Visser", "67-79", _BU3), "B224": ("Priya Ramdin", "45-66", _BU3),
    "B225": ("Emma Jansen", "27-44", _BU3), "B008": ("Truus van Dam", "80+", _BU1),
}  # fmt: skip
_GROUPS = {
    "B001": _number_residents(2, 7),
    "B101": _number_residents(102, 106),
    "B211": _number_residents(212, 216),
}
_HOLDERS = ["B013", "B112", "B224"]  # with an unused strength
_UNCOVERED = ["B102", "B103", "B107", "B108", *_number_residents(120, 129)]

SAMPLE_PLANTED: Planted = {
    "bridges": ["B001", "B101", "B211"],
    "bridge_group:B001": [*_GROUPS["B001"], "I01", "O03"],
    "bridge_group:B101": _GROUPS["B101"],
    "bridge_group:B211": [*_GROUPS["B211"], "I22"],
    "isolated_with_needs": ["B008", "B009", "B010", "B107", "B108", "B109", "B221", "B222"],
    "supported_only": ["B008", "B107", "B108", "B221"],
    "isolated_without_needs": ["B011", "B012", "B110", "B111", "B223"],
    "small_component": _number_residents(217, 220),
    "unused_skill_holders": _HOLDERS,
    "initiatives_needing_them": ["I04", "I10", "I21"],
    "reciprocity": ["B008", "B014", "B113", "B225"],
    "uncovered_theme": ["schulden"],
    "uncovered_theme_neighbourhood": [_BU2],
    "uncovered_theme_residents": _UNCOVERED,
    "initiatives_missing_an_o": ["I06", "I09", "I10", "I14", "I18"],
    "initiatives_all_five_o": ["I02", "I20"],
    "professional_led": ["I04", "I11", "I13", "I15", "I23"],
}
_ORGANISATIONS = (  # id, name, O, kind, craft, neighbourhood
    ("O01", "Bakkerij De Korenschoof", "ondernemers", "bakkerij", "", _BU1),
    ("O02", "Supermarkt Vlinderhof", "ondernemers", "supermarkt", "", _BU2),
    ("O03", "Tuincentrum Groenrijk", "ondernemers", "tuincentrum", "", _BU1),
    ("O04", "Fietsenwinkel Snel", "ondernemers", "fietsenwinkel", "", _BU2),
    ("O05", "Installatiebedrijf Van Dijk", "ondernemers", "installatiebedrijf", "", _WK),
    ("O06", "Kapsalon Yasmin", "ondernemers", "kapsalon", "", _BU2),
    ("O07", "Apotheek Parkzoom", "ondernemers", "apotheek", "zorg", _BU3),
    ("O08", "Basisschool De Regenboog", "onderwijs", "basisschool", "", _BU1),
    ("O09", "Basisschool De Havenmeeuw", "onderwijs", "basisschool", "", _BU2),
    ("O10", "Vlindercollege", "onderwijs", "vmbo", "", _WK),
    ("O11", "ROC Wijkgraafstad", "onderwijs", "mbo", "", _GM),
    ("O12", "Hogeschool Wijkgraafstad", "onderwijs", "hogeschool", "", _GM),
    ("O13", "Kinderopvang De Rups", "onderwijs", "kinderopvang", "", _BU3),
    ("O14", "Lectoraat Sociale Wijkteams", "onderzoek", "lectoraat", "", _GM),
    ("O15", "Buurtlab Universiteit Wijkgraafstad", "onderzoek", "universiteit", "", _GM),
    ("O16", "Kennisinstituut Vitale Wijken", "onderzoek", "kennisinstituut", "", _GM),
    ("O17", "Gemeente Wijkgraafstad", "overheid", "gemeente", "", _GM),
    ("O18", "Sociaal Wijkteam Vlinderwijk", "overheid", "wijkteam", "hulp", _WK),
    ("O19", "Welzijn Vlinderwijk", "overheid", "welzijn", "welzijn", _WK),
    ("O20", "Zorggroep Havenzorg", "overheid", "zorgaanbieder", "zorg", _BU2),
    ("O21", "Thuiszorg De Linde", "overheid", "zorgaanbieder", "zorg", _BU3),
    ("O22", "GGD Wijkgraafstad", "overheid", "ggd", "zorg", _GM),
    ("O23", "Schuldhulp Wijkgraafstad", "overheid", "schuldhulpverlening", "hulp", _GM),
    ("O24", "Woningcorporatie Thuis in de Wijk", "overheid", "woningcorporatie", "", _WK),
    ("O25", "Bibliotheek Wijkgraafstad", "overheid", "bibliotheek", "", _GM),
    ("O26", "Bewonersvereniging Bloemenbuurt", "omgeving", "bewonersvereniging", "", _BU1),
    ("O27", "Bewonerscommissie Havenkwartier", "omgeving", "bewonersvereniging", "", _BU2),
    ("O28", "Moskee Al Fath", "omgeving", "moskee", "", _BU2),
    ("O29", "Protestantse Gemeente De Ark", "omgeving", "kerk", "", _BU3),
    ("O30", "Sportclub VV Vlinderwijk", "omgeving", "sportclub", "", _BU3),
)
_COLLABORATIONS = (
    ("O17", "O18"), ("O17", "O19"), ("O18", "O19"), ("O19", "O20"), ("O19", "O21"), ("O18", "O23"),
    ("O20", "O22"), ("O24", "O26"), ("O24", "O27"), ("O06", "O27"), ("O08", "O13"), ("O11", "O12"),
    ("O12", "O14"), ("O14", "O15"), ("O19", "O26"), ("O27", "O28"),
)  # fmt: skip
_PROFESSIONALS = (  # id, name, craft, organisation
    ("P01", "Sanne de Vries", "welzijn", "O19"), ("P02", "Daan Mulder", "welzijn", "O19"),
    ("P03", "Samira Ouali", "welzijn", "O19"), ("P04", "Lotte Smit", "welzijn", "O19"),
    ("P05", "Ahmed Karimi", "hulp", "O18"), ("P06", "Ingrid Bos", "hulp", "O18"),
    ("P07", "Ruben Meijer", "hulp", "O18"), ("P08", "Femke de Graaf", "hulp", "O23"),
    ("P09", "Esther Hoekstra", "zorg", "O20"), ("P10", "Sevda Demir", "zorg", "O21"),
    ("P11", "Marco Peters", "zorg", "O22"), ("P12", "Anouk Willems", "zorg", "O21"),
)  # fmt: skip
# id, name, themes, level, status, lead, buurt; skills needed; partners (O:contribution); coaches
_INITIATIVES = (
    ("I01", "Moestuin De Groene Hoek", "groen|ontmoeting", "preventie", "active", "residents", _BU1,
     "Tuinier", "O03:materials", ""),
    ("I02", "Buurtkamer De Vlinder", "ontmoeting|eenzaamheid", "normaliseren", "active",
     "residents", _BU1, "gezelschap|organiseren",
     "O01:materials O12:volunteers O14:knowledge O17:funding O24:space O26:volunteers", "P01"),
    ("I03", "Repair Café Bloemenbuurt", "energie|ontmoeting", "normaliseren", "active", "residents",
     _BU1, "klussen|naaien", "O26:space", ""),
    ("I04", "Formulierenhulp Bloemenbuurt", "armoede|schulden|digitale vaardigheden", "preventie",
     "active", "professionals", _BU1, "Administratie|computerhulp",
     "O23:coaching|knowledge O25:space", "P08 P05"),
    ("I05", "Jonge Moeders Bloemenbuurt", "opvoeding|ontmoeting", "preventie", "active",
     "residents", _BU1, "oppassen", "O08:space O13:knowledge", "P03"),
    ("I06", "Buurtrestaurant De Smaakmakers", "voeding|ontmoeting|eenzaamheid", "normaliseren",
     "active", "shared", _BU1, "KOKEN ",
     "O01:materials O02:materials|funding O19:coaching O26:volunteers", "P02"),
    ("I07", "Kledingbank Bloemenbuurt", "armoede", "normaliseren", "ended", "residents", _BU1,
     "naaien", "O26:space", ""),
    ("I08", "Broodfonds De Bloemenbuurt", "werk|armoede", "innovatie", "active", "residents", _BU1,
     "administratie", "", ""),
    ("I09", "Taalcafé Havenkwartier", "taal|ontmoeting", "preventie", "active", "residents", _BU2,
     "Taalmaatje|organiseren", "O11:volunteers O25:space|knowledge O28:space", "P03"),
    ("I10", "Fietsenwerkplaats Havenkwartier", "mobiliteit|werk", "preventie", "active",
     "residents", _BU2, "fietsen repareren", "O04:materials O24:space", ""),
    ("I11", "Huiswerkklas De Haven", "jeugd|opvoeding|taal", "preventie", "active", "professionals",
     _BU2, "Bijles", "O09:space O12:volunteers O19:coaching", "P02"),
    ("I12", "Schuldhulpmaatjes Havenkwartier", "schulden|armoede", "preventie", "ended",
     "residents", _BU2, "administratie", "O23:coaching", ""),
    ("I13", "Vrouwengroep Havenkwartier", "ontmoeting|gezondheid", "preventie", "active",
     "professionals", _BU2, "", "O28:space O20:knowledge", "P03 P09"),
    ("I14", "Energiecoaches Havenkwartier", "energie|wonen", "innovatie", "active", "residents",
     _BU2, "energiecoach", "O05:knowledge O16:knowledge O17:funding O24:funding", ""),
    ("I15", "Zaalvoetbal Havenjongens", "sport|jeugd", "preventie", "active", "professionals", _BU2,
     "Trainer", "O30:materials O10:space", "P02 P07"),
    ("I16", "Digicafé Havenkwartier", "digitale vaardigheden|ontmoeting", "normaliseren", "idea",
     "residents", _BU2, "computerhulp", "", ""),
    ("I17", "Voedseltuin Havenkade", "voeding|groen", "preventie", "idea", "residents", _BU2,
     "tuinieren", "", ""),
    ("I18", "Koffieochtend Parkzoom", "eenzaamheid|ontmoeting", "normaliseren", "active",
     "residents", _BU3, "gezelschap", "O29:space O19:coaching", "P04"),
    ("I19", "Wandelgroep Parkzoom", "Sport en bewegen|gezondheid", "preventie", "active",
     "residents", _BU3, "sportbegeleiding", "O30:knowledge O22:knowledge", ""),
    ("I20", "Zorgcoöperatie Parkzoom", "mantelzorg|gezondheid|eenzaamheid", "innovatie", "active",
     "shared", _BU3, "gezelschap|boodschappen",
     "O07:knowledge O12:volunteers O15:knowledge O17:funding O21:coaching O29:volunteers", "P10"),
    ("I21", "Boodschappendienst Parkzoom", "mobiliteit|eenzaamheid", "normaliseren", "active",
     "residents", _BU3, "vervoer", "O02:materials", ""),
    ("I22", "Seniorensoos De Zonnebloem", "cultuur|ontmoeting", "normaliseren", "paused",
     "residents", _BU3, "", "", ""),
    ("I23", "Mantelzorgcafé Parkzoom", "mantelzorg", "preventie", "active", "professionals", _BU3,
     "", "O21:space O19:coaching", "P04 P12"),
    ("I24", "Buurtpreventie Parkzoom", "veiligheid", "preventie", "ended", "residents", _BU3, "",
     "O17:funding", ""),
    ("I25", "Energiecoöperatie Vlinderwijk", "energie|duurzaamheid", "innovatie", "active",
     "residents", _WK, "fondsenwerving|Energie besparen", "O05:materials O16:knowledge O17:funding",
     "P01"),
)  # fmt: skip
_PARTICIPATION = (  # the planted residents' own participation; the rest is random
    ("B001", "I01", "owner"), ("B002", "I01", "organiser"), ("B003", "I01", "volunteer"),
    ("B004", "I01", "volunteer"), ("B005", "I01", "participant"), ("B006", "I01", "participant"),
    ("B007", "I01", "participant"), ("B211", "I22", "owner"), ("B212", "I22", "organiser"),
    ("B213", "I22", "participant"), ("B214", "I22", "participant"), ("B215", "I22", "participant"),
    ("B216", "I22", "participant"), ("B013", "I05", "participant"), ("B014", "I06", "beneficiary"),
    ("B101", "I09", "volunteer"), ("B112", "I09", "participant"), ("B113", "I15", "participant"),
    ("B224", "I19", "volunteer"), ("B225", "I18", "participant"),
)  # fmt: skip
_SKILLS = (  # resident, as written, willing to share
    ("B001", "Tuinier", True), ("B008", "Kleding repareren", True),
    ("B013", "Formulieren invullen", True), ("B014", "Kookt graag", True),
    ("B112", "Fietsenmaker", True), ("B113", "Tolk", True), ("B224", "Autorijden", True),
    ("B225", "muziek", True), ("B101", "organiseren", True), ("B150", "Jongleren", True),
)  # fmt: skip
_NEEDS = (  # resident, as written (the uncovered theme's residents come on top)
    ("B008", "eenzaamheid"), ("B008", "gezondheid"), ("B009", "psychische gezondheid"),
    ("B010", "armoede"), ("B108", "taal"), ("B109", "opvoeding"), ("B221", "mantelzorg"),
    ("B222", "eenzaam"), ("B014", "armoede"), ("B113", "werk"), ("B225", "mantelzorg"),
)  # fmt: skip
_SUPPORT = (  # resident, professional or organisation
    ("B008", "P10"), ("B107", "O23"), ("B108", "P08"), ("B221", "P12"), ("B014", "P05"),
    ("B113", "P06"), ("B225", "P10"),
)  # fmt: skip


def sample_neighbourhood(seed: int = 2026) -> Dataset:
    """The fictional neighbourhood Vlinderwijk with the structures of :data:`SAMPLE_PLANTED`.

    Organisations, professionals, initiatives and the planted residents are fixed; the other
    residents, their ties, participation, skills, needs and support vary with ``seed`` without
    ever touching what is planted.
    """
    b = DatasetBuilder(seed)
    crafts = _add_sample_organisations(b)
    _add_sample_residents(b)
    covered = _add_sample_initiatives(b)
    _add_sample_traits(b, crafts, covered)
    return b.data


def _add_sample_organisations(b: DatasetBuilder) -> dict[str, str]:
    """The areas, organisations, collaborations and professionals; returns crafts by id."""
    b.add("neighbourhoods", code=_GM, name="Wijkgraafstad", level="gemeente")
    b.add("neighbourhoods", code=_WK, name="Vlinderwijk", level="wijk", parent=_GM)
    for code, name in ((_BU1, "Bloemenbuurt"), (_BU2, "Havenkwartier"), (_BU3, "Parkzoom")):
        b.add("neighbourhoods", code=code, name=name, level="buurt", parent=_WK)
    crafts: dict[str, str] = {}
    for oid, name, sector, kind, craft, hood in _ORGANISATIONS:
        crafts[oid] = craft
        b.add("organisations", source_id=oid, name=name, o_sector=sector, kind=kind, craft=craft,
              neighbourhood=hood)  # fmt: skip
    for one, other in _COLLABORATIONS:
        b.add("collaborations", organisation=one, other_organisation=other)
    for pid, name, craft, oid in _PROFESSIONALS:
        crafts[pid] = craft
        b.add("professionals", source_id=pid, name=name, craft=craft, organisation=oid)
    return crafts


def _add_sample_residents(b: DatasetBuilder) -> None:
    """The residents and their ties: random within each buurt's main network, planted around
    it (the bridges and their groups, the small component; no ties for the isolated)."""
    for n in range(1, 301):
        hood = _BU1 if n <= 100 else _BU2 if n <= 210 else _BU3
        name, age, hood = _NAMED.get(f"B{n:03d}", ("", "", hood))
        b.add_resident(f"B{n:03d}", hood, name, age)
    for pool in _MAIN.values():
        b.knit(pool, 2.5, window=15)
    for _ in range(10):  # a few friendships across the buurten
        b.tie(b.pick(_MAIN[_BU1] + _MAIN[_BU3]), b.pick(_MAIN[_BU2]))
    for rid, (_, _, hood) in _NAMED.items():
        if rid != "B008":  # Truus: isolated, with support only
            for other in b.rng.sample(_MAIN[hood], 3):
                b.tie(rid, other)
    for bridge, group in _GROUPS.items():
        if bridge == "B101":
            b.tie_all(group)  # a family and their neighbours in one flat
        else:
            b.tie_ring(group)
        for member in group[: 1 if bridge == "B211" else 2]:
            b.tie(bridge, member)
    b.tie_all(SAMPLE_PLANTED["small_component"])


def _add_sample_initiatives(b: DatasetBuilder) -> dict[str, set[str]]:
    """The initiatives with what they need, their partners, coaches and participants; returns
    the themes active initiatives address, by buurt."""
    participants: dict[str, list[str]] = {}
    covered: dict[str, set[str]] = {_BU1: set(), _BU2: set(), _BU3: set()}
    everyone = [rid for pool in _MAIN.values() for rid in pool]
    for iid, name, themes, level, status, lead, hood, needed, partners, coaches in _INITIATIVES:
        started = "" if status == "idea" else b.draw_date(2014, 2025)
        b.add("initiatives", source_id=iid, name=name, themes=themes, level=level, status=status,
              lead=lead, started=started, neighbourhood=hood)  # fmt: skip
        for skill in filter(None, needed.split("|")):
            b.add("skills_needed", initiative=iid, skill=skill)
        for partner in partners.split():
            oid, contribution = partner.split(":")
            b.add("partnerships", organisation=oid, initiative=iid, contribution=contribution)
        for pid in coaches.split():
            b.add("coaching", professional=pid, initiative=iid)
        if status == "active":
            for area in covered if hood == _WK else (hood,):
                covered[area] |= _read_themes(themes)
        if iid not in ("I01", "I22"):  # the bridges' groups take part in those only
            size = {"active": 12, "idea": 2}.get(status, 5) + b.rng.randint(0, 4)
            participants[iid] = b.take_part(iid, lead, _MAIN.get(hood, everyone), size)
    for rid, iid, role in _PARTICIPATION:
        b.add("participation", resident=rid, initiative=iid, role=role)
    for holder, iid in zip(_HOLDERS, SAMPLE_PLANTED["initiatives_needing_them"], strict=True):
        b.tie(holder, participants[iid][-1])  # a warm introduction path
    return covered


def _add_sample_traits(
    b: DatasetBuilder, crafts: dict[str, str], covered: dict[str, set[str]]
) -> None:
    """Skills, needs, interests and support: planted ones, and random ones for the main networks
    (needs only of themes an active initiative in the buurt addresses)."""
    for rid, written, willing in _SKILLS:
        b.add_skill(rid, SKILLS.lookup(written).code, willing, written)
    for rid, written in _NEEDS:
        b.add_need(rid, THEMES.lookup(written).code, written)
    for rid in _UNCOVERED:
        b.add_need(rid, "schulden", b.pick(("schulden", "Schulden", "schuldhulp")))
    for rid, by in _SUPPORT:
        b.support(rid, by, crafts[by])
    helpers = [pid for pid, *_ in _PROFESSIONALS] + ["O18", "O20", "O23"]
    for hood, pool in _MAIN.items():
        b.add_traits(pool, sorted(covered[hood]), need_share=0.25)
        for rid in b.rng.sample(pool, 7):
            by = b.pick(helpers)
            b.support(rid, by, crafts[by])
    main = {rid for pool in _MAIN.values() for rid in pool}
    others = [rid for rid in _number_residents(1, 300) if rid not in main and rid not in _HOLDERS]
    b.add_traits(others, (), need_share=0.0)  # skills and interests; their needs are planted


def _read_themes(written: str) -> set[str]:
    return {THEMES.lookup(part).code for part in written.split("|") if part.strip()}
