"""The choices a map offers, as plain names: what the command line checks its arguments
against before it loads the modules that draw (networkx, pyvis)."""

from __future__ import annotations

from typing import Literal, TypeAlias

ColourMode: TypeAlias = Literal["kind", "sector", "community"]
SizeMode: TypeAlias = Literal["degree", "betweenness", "score"]
GroupChoice: TypeAlias = Literal["auto", "neighbourhood", "community"]
GraphFormat: TypeAlias = Literal["graphml", "gexf"]

COLOUR_MODES: tuple[ColourMode, ...] = ("kind", "sector", "community")
SIZE_MODES: tuple[SizeMode, ...] = ("degree", "betweenness", "score")
GROUP_CHOICES: tuple[GroupChoice, ...] = ("auto", "neighbourhood", "community")
FORMATS: tuple[GraphFormat, ...] = ("graphml", "gexf")

#: The questions whose answers are people, initiatives or organisations, so a map can show them.
OVERLAY_QUESTIONS: tuple[str, ...] = (
    "bridges",
    "isolated",
    "unused-strengths",
    "opportunities",
    "five-o",
)
