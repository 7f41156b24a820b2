"""The data model every part of Wijkgraaf shares (see ``shared/docs/DOMAIN.md``).

The enums here are the allow-list: a label or relationship type reaches a query only as a
member of :class:`NodeLabel`, :class:`RelType` or :class:`SystemLabel`. The pydantic models
describe the properties each kind of node and relationship carries; importers validate rows
against them, the store holds what they produce.

>>> RELATIONSHIPS[RelType.SUPPORTED_BY].targets == {NodeLabel.ORGANISATION, NodeLabel.PROFESSIONAL}
True
>>> NodeLabel.RESIDENT in FABRIC_LABELS, NodeLabel.SKILL in FABRIC_LABELS
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class NodeLabel(StrEnum):
    """Labels of the domain's nodes; each has a unique ``id``."""

    RESIDENT = "Resident"
    PROFESSIONAL = "Professional"
    INITIATIVE = "Initiative"
    ORGANISATION = "Organisation"
    NEIGHBOURHOOD = "Neighbourhood"
    THEME = "Theme"
    SKILL = "Skill"


class SystemLabel(StrEnum):
    """Labels Wijkgraaf keeps for itself; never counted or projected as domain data."""

    META = "WijkgraafMeta"
    #: What is left of an erased person: the pseudonymous key only, so that a later import
    #: does not bring them back.
    TOMBSTONE = "WijkgraafTombstone"
    #: One per import run: when, which files (names only), what it did.
    IMPORT_RUN = "WijkgraafImportRun"
    #: What an import that has not finished overwrote, so that it can be undone
    #: (:mod:`graph.journal`); gone once the import has finished.
    JOURNAL = "WijkgraafImportJournal"
    #: An author's last change in the pages, what it overwrote, so that they can undo it
    #: (:mod:`graph.changes`); one per API key.
    CHANGE = "WijkgraafChange"


class RelType(StrEnum):
    """Relationship types of the domain."""

    KNOWS = "KNOWS"
    PARTICIPATES_IN = "PARTICIPATES_IN"
    SUPPORTED_BY = "SUPPORTED_BY"
    WORKS_FOR = "WORKS_FOR"
    COACHES = "COACHES"
    PARTNER_OF = "PARTNER_OF"
    COLLABORATES_WITH = "COLLABORATES_WITH"
    LIVES_IN = "LIVES_IN"
    ACTIVE_IN = "ACTIVE_IN"
    HAS_SKILL = "HAS_SKILL"
    NEEDS_SKILL = "NEEDS_SKILL"
    INTERESTED_IN = "INTERESTED_IN"
    HAS_NEED = "HAS_NEED"
    ADDRESSES = "ADDRESSES"
    #: Introductions a coach or an integration followed up (:mod:`graph.introductions`): one
    #: type per kind, each with its ``status``. Not ties of the fabric: what one describes
    #: becomes a tie (KNOWS, PARTICIPATES_IN, PARTNER_OF) once it happened.
    INTRODUCED_TO_INITIATIVE = "INTRODUCED_TO_INITIATIVE"
    INTRODUCED_TO_RESIDENT = "INTRODUCED_TO_RESIDENT"
    INTRODUCED_TO_ORGANISATION = "INTRODUCED_TO_ORGANISATION"


class OSector(StrEnum):
    """The five O's: partners in collective provisions."""

    ONDERNEMERS = "ondernemers"
    ONDERWIJS = "onderwijs"
    ONDERZOEK = "onderzoek"
    OVERHEID = "overheid"
    OMGEVING = "omgeving"


class Craft(StrEnum):
    """The three crafts (vakgebieden); a professional or organisation has one."""

    HULP = "hulp"
    ZORG = "zorg"
    WELZIJN = "welzijn"


class TieKind(StrEnum):
    FAMILY = "family"
    NEIGHBOUR = "neighbour"
    FRIEND = "friend"
    ACQUAINTANCE = "acquaintance"


class ParticipationRole(StrEnum):
    OWNER = "owner"
    ORGANISER = "organiser"
    VOLUNTEER = "volunteer"
    PARTICIPANT = "participant"
    BENEFICIARY = "beneficiary"


class Contribution(StrEnum):
    FUNDING = "funding"
    SPACE = "space"
    COACHING = "coaching"
    MATERIALS = "materials"
    KNOWLEDGE = "knowledge"
    VOLUNTEERS = "volunteers"


class TransformationLevel(StrEnum):
    """The three transformation levels of a collective provision."""

    NORMALISEREN = "normaliseren"
    PREVENTIE = "preventie"
    INNOVATIE = "innovatie"


class InitiativeStatus(StrEnum):
    IDEA = "idea"
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class Lead(StrEnum):
    """Who leads an initiative; residents leading is the measure of success."""

    RESIDENTS = "residents"
    PROFESSIONALS = "professionals"
    SHARED = "shared"


class IntroductionStatus(StrEnum):
    """Where a proposed introduction stands: declined ones are never proposed again,
    happened ones are the tie they describe."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    HAPPENED = "happened"


class AgeBand(StrEnum):
    """Age bands rather than birth dates: data minimisation."""

    UNDER_18 = "0-17"
    YOUNG_ADULT = "18-26"
    ADULT = "27-44"
    MIDDLE_AGED = "45-66"
    SENIOR = "67-79"
    ELDERLY = "80+"


class AreaLevel(StrEnum):
    """CBS area levels: gemeente (GM), wijk (WK), buurt (BU), or a local code."""

    GEMEENTE = "gemeente"
    WIJK = "wijk"
    BUURT = "buurt"
    LOCAL = "local"


# --- node properties --------------------------------------------------------------------------


class NodeModel(BaseModel):
    """Base of the node models: a pseudonymous ``id`` and nothing unknown."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    id: str = Field(min_length=1, max_length=200)


class Resident(NodeModel):
    neighbourhood: str | None = None
    age_band: AgeBand | None = None
    display_name: str | None = Field(default=None, max_length=200)
    consent_name: bool = False
    consent_contact: bool = False
    #: the id in the source system, sealed (graph.source_ids); never in clear
    source_ref: str | None = None


class Professional(NodeModel):
    craft: Craft | None = None
    organisation: str | None = None
    display_name: str | None = Field(default=None, max_length=200)


class Initiative(NodeModel):
    name: str = Field(min_length=1, max_length=200)
    themes: list[str] = Field(default_factory=list)
    level: TransformationLevel | None = None
    status: InitiativeStatus = InitiativeStatus.ACTIVE
    lead: Lead | None = None
    started: date | None = None
    neighbourhood: str | None = None


class Organisation(NodeModel):
    name: str = Field(min_length=1, max_length=200)
    o_sector: OSector
    kind: str | None = Field(default=None, max_length=80)
    craft: Craft | None = None
    neighbourhood: str | None = None


class Neighbourhood(NodeModel):
    name: str = Field(min_length=1, max_length=200)
    level: AreaLevel
    parent: str | None = None


class Theme(NodeModel):
    name: str = Field(min_length=1, max_length=120)
    name_en: str | None = Field(default=None, max_length=120)


class Skill(NodeModel):
    name: str = Field(min_length=1, max_length=120)
    name_en: str | None = Field(default=None, max_length=120)
    synonyms: list[str] = Field(default_factory=list)


NODE_MODELS: dict[NodeLabel, type[NodeModel]] = {
    NodeLabel.RESIDENT: Resident,
    NodeLabel.PROFESSIONAL: Professional,
    NodeLabel.INITIATIVE: Initiative,
    NodeLabel.ORGANISATION: Organisation,
    NodeLabel.NEIGHBOURHOOD: Neighbourhood,
    NodeLabel.THEME: Theme,
    NodeLabel.SKILL: Skill,
}


# --- relationship properties ------------------------------------------------------------------


class RelModel(BaseModel):
    """Base of the relationship property models."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class Knows(RelModel):
    kind: TieKind | None = None
    strength: int | None = Field(default=None, ge=1, le=3)
    since: date | None = None


class ParticipatesIn(RelModel):
    role: ParticipationRole = ParticipationRole.PARTICIPANT


class SupportedBy(RelModel):
    craft: Craft | None = None


class PartnerOf(RelModel):
    contribution: list[Contribution] = Field(default_factory=list)


class HasSkill(RelModel):
    willing_to_share: bool = False
    level: int | None = Field(default=None, ge=1, le=3)


class HasNeed(RelModel):
    special: bool = False


class Introduced(RelModel):
    status: IntroductionStatus
    #: the day the status was last changed
    changed: date


@dataclass(frozen=True)
class RelSpec:
    """Which labels a relationship type connects, and whether it has a direction."""

    sources: frozenset[NodeLabel]
    targets: frozenset[NodeLabel]
    properties: type[RelModel] = RelModel
    symmetric: bool = False


def _spec(
    sources: set[NodeLabel],
    targets: set[NodeLabel],
    properties: type[RelModel] = RelModel,
    *,
    symmetric: bool = False,
) -> RelSpec:
    return RelSpec(frozenset(sources), frozenset(targets), properties, symmetric)


_L = NodeLabel
RELATIONSHIPS: dict[RelType, RelSpec] = {
    RelType.KNOWS: _spec({_L.RESIDENT}, {_L.RESIDENT}, Knows, symmetric=True),
    RelType.PARTICIPATES_IN: _spec({_L.RESIDENT}, {_L.INITIATIVE}, ParticipatesIn),
    RelType.SUPPORTED_BY: _spec({_L.RESIDENT}, {_L.ORGANISATION, _L.PROFESSIONAL}, SupportedBy),
    RelType.WORKS_FOR: _spec({_L.PROFESSIONAL}, {_L.ORGANISATION}),
    RelType.COACHES: _spec({_L.PROFESSIONAL}, {_L.INITIATIVE}),
    RelType.PARTNER_OF: _spec({_L.ORGANISATION}, {_L.INITIATIVE}, PartnerOf),
    RelType.COLLABORATES_WITH: _spec({_L.ORGANISATION}, {_L.ORGANISATION}, symmetric=True),
    RelType.LIVES_IN: _spec({_L.RESIDENT}, {_L.NEIGHBOURHOOD}),
    RelType.ACTIVE_IN: _spec({_L.INITIATIVE, _L.ORGANISATION}, {_L.NEIGHBOURHOOD}),
    RelType.HAS_SKILL: _spec({_L.RESIDENT}, {_L.SKILL}, HasSkill),
    RelType.NEEDS_SKILL: _spec({_L.INITIATIVE}, {_L.SKILL}),
    RelType.INTERESTED_IN: _spec({_L.RESIDENT}, {_L.THEME}),
    RelType.HAS_NEED: _spec({_L.RESIDENT}, {_L.THEME}, HasNeed),
    RelType.ADDRESSES: _spec({_L.INITIATIVE}, {_L.THEME}),
    RelType.INTRODUCED_TO_INITIATIVE: _spec({_L.RESIDENT}, {_L.INITIATIVE}, Introduced),
    RelType.INTRODUCED_TO_RESIDENT: _spec({_L.RESIDENT}, {_L.RESIDENT}, Introduced, symmetric=True),
    RelType.INTRODUCED_TO_ORGANISATION: _spec({_L.INITIATIVE}, {_L.ORGANISATION}, Introduced),
}

#: The social fabric: the projection every network question runs on.
FABRIC_LABELS: tuple[NodeLabel, ...] = (
    NodeLabel.RESIDENT,
    NodeLabel.PROFESSIONAL,
    NodeLabel.INITIATIVE,
    NodeLabel.ORGANISATION,
)
FABRIC_TYPES: tuple[RelType, ...] = (
    RelType.KNOWS,
    RelType.PARTICIPATES_IN,
    RelType.SUPPORTED_BY,
    RelType.WORKS_FOR,
    RelType.COACHES,
    RelType.PARTNER_OF,
    RelType.COLLABORATES_WITH,
)

#: Every label with a unique ``id`` (the domain's and Wijkgraaf's own).
KEYED_LABELS: tuple[NodeLabel | SystemLabel, ...] = (*NodeLabel, *SystemLabel)

#: What the projection carries of each node and edge: the fields the network questions use,
#: and no more (reading whole property maps of a city took twice as long). At most four each.
FABRIC_NODE_FIELDS: dict[NodeLabel, tuple[str, ...]] = {
    NodeLabel.RESIDENT: ("display_name", "neighbourhood", "age_band", "consent_contact"),
    NodeLabel.PROFESSIONAL: ("display_name", "craft", "organisation"),
    NodeLabel.INITIATIVE: ("name", "neighbourhood", "status", "lead"),
    NodeLabel.ORGANISATION: ("name", "neighbourhood", "o_sector", "craft"),
}
FABRIC_EDGE_FIELDS: dict[RelType, tuple[str, ...]] = {
    RelType.KNOWS: ("kind", "strength"),
    RelType.PARTICIPATES_IN: ("role",),
    RelType.SUPPORTED_BY: ("craft",),
    RelType.PARTNER_OF: ("contribution",),
}
FABRIC_FIELD_SLOTS = 4

#: The relationships that are facts with a time (:mod:`graph.periods`): every type but the
#: introductions, which are records of a coach's work with their own status.
FACT_TYPES: tuple[RelType, ...] = (
    *FABRIC_TYPES,
    RelType.LIVES_IN,
    RelType.ACTIVE_IN,
    RelType.HAS_SKILL,
    RelType.NEEDS_SKILL,
    RelType.INTERESTED_IN,
    RelType.HAS_NEED,
    RelType.ADDRESSES,
)

#: What of a fabric node has a history (:mod:`graph.periods`): the fields the questions read
#: that change over time. A change of one of them starts a new version of the node; its
#: earlier versions keep these fields only. Names and consent are never kept as history: a
#: withdrawn consent or a name taken out is gone from every period.
NODE_HISTORY_FIELDS: dict[NodeLabel, tuple[str, ...]] = {
    NodeLabel.RESIDENT: ("neighbourhood", "age_band"),
    NodeLabel.PROFESSIONAL: ("craft", "organisation"),
    NodeLabel.INITIATIVE: ("neighbourhood", "status", "lead"),
    NodeLabel.ORGANISATION: ("neighbourhood", "o_sector", "craft"),
}

#: What the network questions read beside the fabric: the nodes that stay attributes (areas,
#: themes, skills) with their fields, and the ties from fabric nodes to them with theirs.
ATTRIBUTE_NODE_FIELDS: dict[NodeLabel, tuple[str, ...]] = {
    NodeLabel.NEIGHBOURHOOD: ("name", "parent", "level"),
    NodeLabel.THEME: ("name", "name_en"),
    NodeLabel.SKILL: ("name", "name_en"),
}
ATTRIBUTE_TIES: dict[RelType, tuple[NodeLabel, NodeLabel, tuple[str, ...]]] = {
    RelType.HAS_SKILL: (NodeLabel.RESIDENT, NodeLabel.SKILL, ("willing_to_share",)),
    RelType.HAS_NEED: (NodeLabel.RESIDENT, NodeLabel.THEME, ("special",)),
    RelType.INTERESTED_IN: (NodeLabel.RESIDENT, NodeLabel.THEME, ()),
    RelType.ADDRESSES: (NodeLabel.INITIATIVE, NodeLabel.THEME, ()),
    RelType.NEEDS_SKILL: (NodeLabel.INITIATIVE, NodeLabel.SKILL, ()),
    # introductions followed up, so that no question proposes a declined one again
    RelType.INTRODUCED_TO_INITIATIVE: (NodeLabel.RESIDENT, NodeLabel.INITIATIVE, ("status",)),
    RelType.INTRODUCED_TO_RESIDENT: (NodeLabel.RESIDENT, NodeLabel.RESIDENT, ("status",)),
    RelType.INTRODUCED_TO_ORGANISATION: (
        NodeLabel.INITIATIVE,
        NodeLabel.ORGANISATION,
        ("status",),
    ),
}

#: Labels whose nodes are people: every read of one is person-level data.
PERSON_LABELS: frozenset[NodeLabel] = frozenset({NodeLabel.RESIDENT, NodeLabel.PROFESSIONAL})

#: The system world: professionals and organisations. The part of the fabric in some areas
#: holds those located there and, from elsewhere, those tied to it (they serve it); the
#: lifeworld (residents, initiatives) only where it is located.
SYSTEM_LABELS: frozenset[NodeLabel] = frozenset({NodeLabel.PROFESSIONAL, NodeLabel.ORGANISATION})
#: The fabric labels located in an area, by their ``neighbourhood`` field.
LOCATED_LABELS: tuple[NodeLabel, ...] = tuple(
    label for label in FABRIC_LABELS if "neighbourhood" in FABRIC_NODE_FIELDS[label]
)
