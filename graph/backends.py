"""Which store to open: the factory that knows both backends, imported by none of them.

>>> from graph.settings import load_settings
>>> settings = load_settings(db="embedded:/tmp/wijkgraaf-doctest", embedded_idle=0)
>>> with open_store(settings) as store:  # embedded_idle=0: the server stops as it closes
...     store.clear()
...     store.upsert_nodes("Theme", [{"id": "groen", "name": "Groen"}]).created
1
"""

from __future__ import annotations

from graph.settings import Settings, parse_db
from graph.store import GraphStore


def open_store(settings: Settings) -> GraphStore:
    """Open the store that ``settings.db`` names: embedded FalkorDB or a Neo4j server."""
    target = parse_db(settings.db)
    if target.kind == "embedded":
        from graph.falkordb_store import FalkorDBStore

        return FalkorDBStore(settings, target.path)
    from graph.neo4j_store import Neo4jStore

    return Neo4jStore(settings, target.location)
