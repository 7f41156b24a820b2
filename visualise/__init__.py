"""Maps of the social fabric: interactive HTML pages and GraphML/GEXF exports.

``visualise`` takes a :class:`~graph.analysis.context.NetworkContext` (and, for an overlay, a
network question's :class:`~graph.analysis.results.Answer`) and returns HTML; it imports only
``graph`` and third-party libraries, never ``api`` or a database driver.

- :func:`render_map` / :func:`write_map` / :func:`build_map`: :mod:`visualise.maps`
- :func:`export_graph`: :mod:`visualise.export`
- the page, its element ids and ``window.wijkgraafMap``: :mod:`visualise.page`
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from visualise.choices import (
    COLOUR_MODES,
    FORMATS,
    OVERLAY_QUESTIONS,
    SIZE_MODES,
    ColourMode,
    GraphFormat,
    SizeMode,
)

if TYPE_CHECKING:
    from visualise.export import export_graph
    from visualise.grouping import MAX_DRAWN_NODES
    from visualise.maps import build_map, render_map, write_map
    from visualise.selection import select

# The drawing code (networkx, pyvis) loads on first use, so that importing the plain choices
# above — as the command line does to check its arguments — stays quick.
_LAZY = {
    "MAX_DRAWN_NODES": "visualise.grouping",
    "export_graph": "visualise.export",
    "build_map": "visualise.maps",
    "render_map": "visualise.maps",
    "write_map": "visualise.maps",
    "select": "visualise.selection",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'visualise' has no attribute {name!r}")


__all__ = [
    "COLOUR_MODES",
    "FORMATS",
    "MAX_DRAWN_NODES",
    "OVERLAY_QUESTIONS",
    "SIZE_MODES",
    "ColourMode",
    "GraphFormat",
    "SizeMode",
    "build_map",
    "export_graph",
    "render_map",
    "select",
    "write_map",
]
