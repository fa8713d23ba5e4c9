"""The counters' arithmetic (in process; Redis runs the same in Lua: tests/gateway/usage/test_redis_limits_e2e.py),
prices, and what a caller is told."""

from __future__ import annotations

import calendar
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from gateway.config.price_settings import PriceSettings
from gateway.config.settings import Settings, load_settings
from gateway.errors import ConfigError
from gateway.usage.counters import Charge, LocalCounters, slot_for
from gateway.usage.headers import duration, retry_after_s
from gateway.usage.prices import PriceTable

T0 = calendar.timegm((2026, 12, 31, 23, 59, 30))  # half a minute before a new minute, day, month and year


def test_a_sliding_minute_weighs_the_previous_minute_by_what_is_left_of_it() -> None:
    counters = LocalCounters()
    charge = Charge("user:a|*|requests_per_minute", 10, 1, "minute")
    for _ in range(10):
        assert counters.admit_now([charge], [slot_for(charge, T0)], T0).admitted
    refused = counters.admit_now([charge], [slot_for(charge, T0)], T0)
    assert not refused.admitted
    assert refused.refused == 0
    # 15 s into the next minute three quarters of the last one still count: 7.5 used, two more fit
    later = T0 + 45
    slot = slot_for(charge, later)
    assert slot.weight == 0.75
    assert [counters.admit_now([charge], [slot], later).admitted for _ in range(3)] == [True, True, False]


def test_all_or_nothing_when_one_counter_is_full() -> None:
    counters = LocalCounters()
    small = Charge("user:a|*|tokens_per_day", 100, 80, "day")
    requests = Charge("user:a|*|requests_per_minute", 10, 1, "minute")
    charges = [requests, small]
    slots = [slot_for(c, T0) for c in charges]
    assert counters.admit_now(charges, slots, T0).admitted
    verdict = counters.admit_now(charges, slots, T0)
    assert not verdict.admitted
    assert verdict.refused == 1
    assert verdict.current == (1, 80)  # the refused request was not counted anywhere


def test_calendar_windows_reset_at_midnight_and_on_the_first() -> None:
    day = Charge("c", 5, 5, "day")
    month = Charge("c", 5, 5, "month")
    assert slot_for(day, T0).key == "c:20261231"
    assert slot_for(day, T0 + 60).key == "c:20270101"
    assert slot_for(month, T0).key == "c:202612"
    assert slot_for(month, T0 + 60).key == "c:202701"
    assert slot_for(day, T0).resets_in_s == 30
    counters = LocalCounters()
    assert counters.admit_now([day], [slot_for(day, T0)], T0).admitted
    assert not counters.admit_now([day], [slot_for(day, T0)], T0).admitted
    assert counters.admit_now([day], [slot_for(day, T0 + 60)], T0 + 60).admitted  # a new day


def test_retry_after_points_at_when_the_charge_fits() -> None:
    counters = LocalCounters()
    charge = Charge("r", 2, 1, "minute")
    slot = slot_for(charge, T0)
    counters.admit_now([charge], [slot], T0)
    counters.admit_now([charge], [slot], T0)
    verdict = counters.admit_now([charge], [slot], T0)
    # this minute alone is full: 30 s to its end, then half of the next minute until one request slides out
    assert retry_after_s(charge, slot, verdict, 0) == 60
    day = Charge("d", 1, 1, "day")
    assert retry_after_s(day, slot_for(day, T0), verdict, 0) == 30


def test_prices_per_million_tokens_first_match_wins() -> None:
    table = PriceTable(
        [
            PriceSettings(provider="openai", models="gpt-6-sol*", input=Decimal(5), output=Decimal(20)),
            PriceSettings(
                provider="openai", models="gpt-*", input=Decimal(2), output=Decimal(8), cached_input=Decimal("0.5")
            ),
        ]
    )
    assert table.cost("openai", "gpt-6-sol", 1_000_000, 0) == Decimal(5)
    assert table.cost("openai", "gpt-4o", 1000, 500, cached_tokens=400) == Decimal("0.0054")  # 600*2+400*.5+500*8
    assert table.cost("anthropic", "gpt-4o", 10, 10) is None
    assert table.cost("openai", "o3", 10, 10) is None


def test_reset_durations_in_openais_format() -> None:
    assert [duration(s) for s in (0.25, 1, 12.2, 360, 3723)] == ["250ms", "1s", "13s", "6m0s", "1h2m3s"]


def test_a_price_table_in_the_settings_must_name_defined_providers(tmp_path: Path) -> None:
    config = tmp_path / "gateway.yaml"
    config.write_text(
        "providers:\n  echo: {type: echo}\n"
        "routes: [{match: '*', provider: echo}]\n"
        "prices:\n  - {provider: openai, models: 'gpt-*', input: 1, output: 2}\n"
    )
    with pytest.raises(ConfigError) as info:
        load_settings(config, {})
    assert "gateway.yaml:5:6: prices[0].provider: prices[0] names provider 'openai'" in str(info.value)
    config.write_text("providers:\n  echo: {type: echo}\nroutes: [{match: '*', provider: echo}]\n")
    assert load_settings(config, {}).prices == ()  # nothing is priced by default


def test_the_example_prices_are_valid_and_price_the_shipped_catalogue() -> None:
    example = Path(__file__).resolve().parents[3] / "deploy" / "gateway.example.yaml"
    lines = [line.split("# ", 1)[1] for line in example.read_text().splitlines() if line.startswith("  # - {provider")]
    table = PriceTable(Settings.model_validate({"prices": yaml.safe_load("\n".join(lines))}).prices)
    catalogue = Settings().providers
    unpriced = [(name, m) for name, p in catalogue.items() for m in p.models if table.price(name, m) is None]
    assert unpriced == []
