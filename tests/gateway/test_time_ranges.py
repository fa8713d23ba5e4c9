"""The times a query names (gateway.time_ranges): one parser for the CLI and the admin API,
raising ValueError; the CLI turns it into its usage error."""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

import pytest

from gateway.cli.main import main
from gateway.time_ranges import DEFAULT_DAYS, LATEST_US, parse_time, period

DAY_US = 86_400 * 1_000_000


def test_relative_and_iso_times() -> None:
    before = time.time_ns() // 1000
    ago = parse_time("24h")
    after = time.time_ns() // 1000
    assert before - DAY_US <= ago <= after - DAY_US
    assert parse_time("2026-01-02T03:04:05+00:00") == int(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp()) * 10**6
    assert parse_time("2026-01-02T03:04:05") == parse_time("2026-01-02T03:04:05+00:00")  # naive: UTC
    assert parse_time("2026-01-02T04:04:05+01:00") == parse_time("2026-01-02T03:04:05+00:00")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("yesterday", "is neither an ISO time nor like 30m, 24h, 7d"),
        ("99999999999d", "is outside 1970-01-01 to 9999-12-31"),
        ("1969-12-31T23:59:59+00:00", "is outside 1970-01-01 to 9999-12-31"),
    ],
)
def test_bad_times_raise_value_error_not_an_argparse_error(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        parse_time(text)
    assert not isinstance(caught.value, argparse.ArgumentTypeError)


def test_latest_time_is_accepted() -> None:
    assert parse_time("9999-12-31T23:59:59+00:00") == LATEST_US


def test_period_defaults_and_order() -> None:
    assert period(5, 10) == (5, 10)
    since, until = period(None, 100 * DAY_US)
    assert (since, until) == (100 * DAY_US - DEFAULT_DAYS * DAY_US, 100 * DAY_US)
    before = time.time_ns() // 1000
    _, until_now = period(None, None)
    assert until_now >= before
    with pytest.raises(ValueError, match="--since must be before --until"):
        period(10, 10)


@pytest.mark.parametrize("command", [["logs", "search"], ["incidents", "list"], ["report"]])
def test_cli_reports_a_bad_time_as_a_usage_error(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*command, "--since", "yesterday"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "argument --since: 'yesterday' is neither an ISO time nor like 30m, 24h, 7d" in err
