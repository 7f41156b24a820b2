"""The keys of the six network questions, without the code that answers them: the command
line checks its arguments against these before it loads the analytics (networkx, igraph).
:data:`graph.analysis.engine.CATALOGUE` holds the questions themselves, in this order."""

from __future__ import annotations

QUESTION_KEYS: tuple[str, ...] = (
    "bridges",
    "isolated",
    "unused-strengths",
    "opportunities",
    "five-o",
    "ownership",
)
