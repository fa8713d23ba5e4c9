"""The shipped example settings file is valid and matches the embedded defaults."""

from __future__ import annotations

from pathlib import Path

from gateway.config.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[3]


def test_example_settings_load_and_equal_the_embedded_defaults():
    example = load_settings(ROOT / "deploy" / "gateway.example.yaml", {})
    defaults = Settings()
    assert example.model_dump(exclude={"providers"}) == defaults.model_dump(exclude={"providers"})
    for name, provider in defaults.providers.items():
        assert example.providers[name].models == provider.models
        assert example.providers[name].type == provider.type
