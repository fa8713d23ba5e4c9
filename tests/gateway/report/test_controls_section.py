"""The evidence report's controls tested, gathered from assurance runs on a real store (both backends):
per control its runs, passes, failures and skips, its failure windows (one begun before the period, one
closed by a pass, one still failing), the policy versions in force, and a period without any run."""

from __future__ import annotations

from gateway.compliance.catalog import load_compliance
from gateway.incidents.assurance_runs import AssuranceRun, ControlOutcome, record_run
from gateway.incidents.export import iso_time
from gateway.promptlog.store import PromptStore
from gateway.report.controls_section import gather_controls
from gateway.report.gather import gather
from gateway.report.model import EvidenceReport
from gateway.report.render import render_html, render_markdown
from tests.gateway.report.shape import shape_problems

HOUR_US = 3_600_000_000
SINCE = 1_790_000_000_000_000  # 2026-09-21
UNTIL = SINCE + 100 * HOUR_US
CARD, CREDENTIAL, REVOKED = "card_redacted", "credential_blocked", "revoked_key"


def at(hour: int) -> int:
    return SINCE + hour * HOUR_US


def run(hour: int, card: str, credential: str, version: str = "1+aaa", origin: str = "schedule") -> AssuranceRun:
    outcomes = (
        ControlOutcome(CARD, card, "CREDIT_CARD redacted", f"card {card}"),
        ControlOutcome(CREDENTIAL, credential, "credential blocked", f"credential {credential}"),
        ControlOutcome(REVOKED, "skip", "a revoked key is refused", "no key store"),
    )
    return AssuranceRun(f"run-{hour}", at(hour), at(hour) + 5_000_000, origin, "acme", version, outcomes)


async def seed(store: PromptStore) -> None:
    for each in (
        run(-2, "pass", "pass"),
        run(-1, "fail", "pass"),  # before the period: the card control was already failing
        run(1, "fail", "pass"),
        run(2, "pass", "fail"),  # the card window closes; the credential window opens
        run(3, "pass", "skip", origin="command"),  # a skip neither opens nor closes a window
        run(4, "pass", "fail", version="2+bbb"),
        run(5, "pass", "pass", version="2+bbb"),  # the credential window closes
        run(6, "fail", "pass", version="2+bbb"),  # the card fails again: still failing at the end
        run(100, "pass", "pass", version="2+bbb"),  # after the period (until is exclusive): not counted
    ):
        await record_run(store, each)


async def test_failure_windows_counts_and_policy_versions(store: PromptStore) -> None:
    await seed(store)
    section = await gather_controls(store, SINCE, UNTIL)
    assert (section["runs"], section["by_origin"]) == (6, {"command": 1, "schedule": 5})
    assert (section["first_run"], section["last_run"]) == (iso_time(at(1)), iso_time(at(6)))
    assert section["policy_versions"] == ["1+aaa", "2+bbb"]
    card, credential, revoked = section["controls"]
    assert card == {
        "control": CARD,
        "runs": 6,
        "passes": 4,
        "failures": 2,
        "skips": 0,
        "first_failure": iso_time(at(1)),
        "last_failure": iso_time(at(6)),
        "policy_versions": ["1+aaa", "2+bbb"],
    }
    assert (credential["passes"], credential["failures"], credential["skips"]) == (3, 2, 1)
    assert (credential["first_failure"], credential["last_failure"]) == (iso_time(at(2)), iso_time(at(4)))
    assert (revoked["runs"], revoked["skips"], revoked["failures"]) == (6, 6, 0)
    assert section["failure_windows"] == [
        {"control": CARD, "began": iso_time(at(-1)), "ended": iso_time(at(2)), "failed_runs": 1, "before_period": True},
        {"control": CARD, "began": iso_time(at(6)), "ended": None, "failed_runs": 1, "before_period": False},
        {
            "control": CREDENTIAL,
            "began": iso_time(at(2)),
            "ended": iso_time(at(5)),
            "failed_runs": 2,
            "before_period": False,
        },
    ]
    assert section["chain"] == {"ok": True, "runs": 9, "problems": []}


async def test_the_whole_report_carries_the_section(store: PromptStore) -> None:
    await seed(store)
    report = await gather(store, load_compliance(), SINCE, UNTIL)
    assert shape_problems(report, EvidenceReport) == []
    assert report["controls_tested"]["runs"] == 6
    page = render_html(report)
    assert 'class="flag bad">still failing<' in page
    assert f"before the period (a run at {iso_time(at(-1))} failed it)" in page
    assert "## Controls tested" in render_markdown(report)


async def test_a_period_without_runs_says_no_control_was_tested(store: PromptStore) -> None:
    await seed(store)
    quiet_since = UNTIL + 200 * HOUR_US  # runs before it (one failing) but none in it
    section = await gather_controls(store, quiet_since, quiet_since + HOUR_US)
    assert (section["runs"], section["controls"], section["failure_windows"]) == (0, [], [])
    report = await gather(store, load_compliance(), quiet_since, quiet_since + HOUR_US)
    assert "No control was tested in this period: no assurance run is on record." in render_html(report)


async def test_a_tampered_assurance_chain_shows_in_the_report(store: PromptStore) -> None:
    await seed(store)
    await store.execute("DELETE FROM assurance_runs WHERE seq = 4")
    section = await gather_controls(store, SINCE, UNTIL)
    assert not section["chain"]["ok"]
    assert "run 4: missing (the chain jumps to 5)" in section["chain"]["problems"]
    assert section["runs"] == 5  # the deleted run is gone from the counts: the chain verdict says why
