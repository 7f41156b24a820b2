"""Warm paths for the isolated (issue 14), and the isolated and unused-strengths answers
agreeing about a person.

On the sample, before issue 14 no isolated resident had a warm path: the four who are only
in touch with professional support knew nobody who takes part. A warm path is two steps —
the resident, someone who can introduce them, the initiative — and the one in the middle may
be an acquaintance who agreed to be contacted or a professional or organisation that
supports them: each of those four is supported by someone involved in an initiative that
fits their need.
"""

from __future__ import annotations

import pytest

from graph.analysis.engine import Analyst
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.pseudonyms import installation_key, pseudonym
from importers.synthetic import SAMPLE_PLANTED, sample_files

#: The planted residents with support only, whom they are supported by, and the initiative
#: that supporter is involved in (coaching it, or a partner of it) which fits their need.
SUPPORTED_WAYS_IN = {
    "B008": ("professional", "P10", "I20"),  # Zorgcoöperatie Parkzoom: eenzaamheid
    "B107": ("organisation", "O23", "I04"),  # Formulierenhulp Bloemenbuurt: schulden
    "B108": ("professional", "P08", "I04"),  # Formulierenhulp Bloemenbuurt: schulden
    "B221": ("professional", "P12", "I23"),  # Mantelzorgcafé Parkzoom: mantelzorg
}


@pytest.fixture
def sample(store: GraphStore, store_settings: Settings) -> tuple[Analyst, bytes]:
    run_import(store, store_settings, sample_files(), ImportOptions())
    return Analyst(store), installation_key(store_settings)


def test_the_isolated_with_support_get_a_warm_path_through_their_supporter(
    sample: tuple[Analyst, bytes],
) -> None:
    analyst, key = sample
    context = analyst.context()
    answer = analyst.ask("isolated", limit=500)
    by_id = {item.id: item for item in answer.items}
    assert set(SUPPORTED_WAYS_IN) == set(SAMPLE_PLANTED["supported_only"])
    for source, (kind, supporter, initiative) in SUPPORTED_WAYS_IN.items():
        item = by_id[pseudonym(key, "resident", source)]
        via = pseudonym(key, kind, supporter)
        assert item.path == [item.id, via, pseudonym(key, "initiative", initiative)], source
        reason = next(r for r in item.reasons if r.data.get("path") == item.path)
        assert f"{context.name(via)} ondersteunt" in reason.nl
    warm = [item for item in answer.items if len(item.path) == 3]
    assert len(warm) >= len(SUPPORTED_WAYS_IN)
    for item in warm:
        a, via, initiative = item.path
        assert context.fabric.has_edge(a, via) and context.fabric.has_edge(via, initiative)
        assert context.may_contact(via)


def test_isolated_and_unused_strengths_agree_about_a_person(
    sample: tuple[Analyst, bytes],
) -> None:
    analyst, _ = sample
    isolated = {item.id: item for item in analyst.ask("isolated", limit=500).items}
    strengths = analyst.ask("unused-strengths", limit=500).items
    both = [item for item in strengths if item.id in isolated and "initiative" in item.figures]
    assert len(both) >= 5, "isolated residents with a strength an initiative looks for"
    for item in both:
        offered = {r.data.get("initiative") for r in isolated[item.id].reasons}
        assert item.figures["initiative"] in offered, item.name
        # and who can introduce them, where the strengths answer names someone
        match = item.figures["matches"][0]
        if match["via"]:
            ways = [
                r
                for r in isolated[item.id].reasons
                if r.data.get("initiative") == match["initiative"]
            ]
            assert any(match["via"] in r.data["path"] for r in ways), item.name
