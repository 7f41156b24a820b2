"""Maps of the social fabric: interactive HTML pages and GraphML/GEXF exports.

``visualise`` takes a :class:`~graph.analysis.context.NetworkContext` (and, for an overlay, a
network question's :class:`~graph.analysis.results.Answer`) and returns HTML; it imports only
``graph`` and third-party libraries, never ``api`` or a database driver.

- :func:`render_map` / :func:`write_map` / :func:`build_map`: :mod:`visualise.maps`
- :func:`export_graph`: :mod:`visualise.export`
- the page, its element ids and ``window.wijkgraafMap``: :mod:`visualise.page`
"""

from visualise.aggregate import MAX_DRAWN_NODES
from visualise.draw import COLOUR_MODES, SIZE_MODES, ColourMode, SizeMode
from visualise.export import FORMATS, GraphFormat, export_graph
from visualise.maps import build_map, render_map, write_map
from visualise.overlay import OVERLAY_QUESTIONS
from visualise.selection import select

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
