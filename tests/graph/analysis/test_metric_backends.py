"""Both metric backends offer every measure of :class:`MetricBackend` with its parameters.

mypy checks the types (graph/analysis/metrics.py); this checks at run time what a question
passing ``metrics=`` relies on, so a backend that drifts fails the tests too: every measure is
there, with the same parameter names, kinds and optional ones.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

from graph.analysis import brokerage, reference
from graph.analysis.metrics import MetricBackend

BACKENDS = [brokerage, reference]
MEASURES = sorted(
    name
    for name, value in vars(MetricBackend).items()
    if inspect.isfunction(value) and not name.startswith("_")
)


def _parameters(function: Callable[..., Any]) -> list[tuple[str, str, bool]]:
    """Name, kind and whether it may be left out, of each parameter."""
    return [
        (parameter.name, parameter.kind.name, parameter.default is not parameter.empty)
        for parameter in inspect.signature(function).parameters.values()
    ]


def test_the_protocol_lists_every_measure_the_reference_exports() -> None:
    assert sorted(reference.__all__) == MEASURES
    assert set(MEASURES) <= set(brokerage.__all__)


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda module: module.__name__)
@pytest.mark.parametrize("measure", MEASURES)
def test_each_backend_offers_the_measure_with_the_same_parameters(
    backend: ModuleType, measure: str
) -> None:
    offered = getattr(backend, measure, None)
    assert callable(offered), f"{backend.__name__} has no {measure}"
    _, *expected = _parameters(getattr(MetricBackend, measure))  # without self
    assert _parameters(offered) == expected
