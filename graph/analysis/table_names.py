"""The names a published table gives the values of its dimensions, in Dutch and English:
areas by their name, themes and skills as the graph names them, the other dimensions' values
as :data:`~graph.analysis.table_specs.VALUE_NAMES` lists them (a value not listed as it is).

>>> import networkx as nx
>>> from graph.analysis.table_specs import TABLES
>>> context = NetworkContext(1, nx.Graph(), areas={"BU1": {"name": "Oost"}})
>>> names = names_of(context, TABLES["five_o_present_by_theme_and_sector"], ["groen"],
...                  ["overheid"], ("BU1",))
>>> names["sector"]["overheid"].en, names["neighbourhood"]["BU1"].nl, names["theme"]["groen"].nl
('Government', 'Oost', 'groen')
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from graph.analysis.context import NetworkContext
from graph.analysis.table_specs import VALUE_NAMES, Dimension, TableSpec


class Names(BaseModel):
    model_config = ConfigDict(frozen=True)

    nl: str
    en: str


def names_of(
    context: NetworkContext,
    spec: TableSpec,
    rows: Sequence[str],
    columns: Sequence[str],
    selection: tuple[str, ...],
) -> dict[Dimension, dict[str, Names]]:
    """The names of a table's rows and columns; a table over a selection
    (:attr:`~graph.analysis.table_specs.TableSpec.over_selection`) names the neighbourhoods
    it counts too."""
    names = {spec.dimensions[0]: _value_names(context, spec.dimensions[0], rows)}
    if len(spec.dimensions) > 1:
        names[spec.dimensions[1]] = _value_names(context, spec.dimensions[1], columns)
    if spec.over_selection:
        names[Dimension.NEIGHBOURHOOD] = _value_names(context, Dimension.NEIGHBOURHOOD, selection)
    return names


def _value_names(
    context: NetworkContext, dimension: Dimension, values: Sequence[str]
) -> dict[str, Names]:
    def both(value: str) -> tuple[str, str]:
        if dimension is Dimension.NEIGHBOURHOOD:
            return context.area_name(value), context.area_name(value)
        if dimension is Dimension.THEME:
            return context.theme_name(value, "nl"), context.theme_name(value, "en")
        if dimension is Dimension.SKILL:
            return context.skill_name(value, "nl"), context.skill_name(value, "en")
        return VALUE_NAMES.get(dimension, {}).get(value, (value, value))

    return {value: Names(nl=nl, en=en) for value in values for nl, en in [both(value)]}
