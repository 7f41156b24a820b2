"""The README stays true: every setting is documented with its environment variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.settings import Settings, env_name

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme(field: str) -> None:
    assert f"`{env_name(field)}`" in README, f"document {env_name(field)} in README.md"


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_has_a_help_text(field: str) -> None:
    assert Settings.model_fields[field].description
