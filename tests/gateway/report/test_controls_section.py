"""The evidence report's controls tested, gathered from assurance runs on a real store (both backends):
per control and machine its runs, passes, failures and skips, its failure windows (one begun before the
period, one closed by a pass, one still failing), the policy versions in force, command runs apart, the
schedule's gaps, a period with more runs than are read, and a period without any run."""

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


def at(hour: float) -> int:
    return SINCE + int(hour * HOUR_US)


def window(
    control: str, began: float, ended: float | None, failed: int, instance: str = "gw-a", before_period: bool = False
) -> dict[str, object]:
    return {
        "control": control,
        "instance": instance,
        "began": iso_time(at(began)),
        "ended": iso_time(at(ended)) if ended is not None else None,
        "failed_runs": failed,
        "before_period": before_period,
    }


def run(
    hour: float, card: str, credential: str, version: str = "1+aaa", origin: str = "schedule", instance: str = "gw-a"
) -> AssuranceRun:
    outcomes = (
        ControlOutcome(CARD, card, "CREDIT_CARD redacted", f"card {card}"),
        ControlOutcome(CREDENTIAL, credential, "credential blocked", f"credential {credential}"),
        ControlOutcome(REVOKED, "skip", "a revoked key is refused", "no key store"),
    )
    started = SINCE + int(hour * HOUR_US)
    name = f"run-{instance}-{hour}"
    return AssuranceRun(name, started, started + 5_000_000, origin, "acme", version, outcomes, instance=instance)


async def seed(store: PromptStore) -> None:
    for each in (
        run(-2, "pass", "pass"),
        run(-1, "fail", "pass"),  # before the period: the card control was already failing
        run(1, "fail", "pass"),
        run(2, "pass", "fail"),  # the card window closes; the credential window opens
        run(3, "pass", "skip"),  # a skip neither opens nor closes a window
        run(3.5, "fail", "fail", origin="command"),  # aigw assure (staging?): listed apart, opens no window
        run(4, "pass", "fail", version="2+bbb"),
        run(5, "pass", "pass", version="2+bbb"),  # the credential window closes
        run(6, "fail", "pass", version="2+bbb"),  # the card fails again: still failing at the end
        run(100, "pass", "pass", version="2+bbb"),  # after the period (until is exclusive): not counted
    ):
        await record_run(store, each)


async def test_failure_windows_counts_and_policy_versions(store: PromptStore) -> None:
    await seed(store)
    section = await gather_controls(store, SINCE, UNTIL)
    assert (section["runs"], section["by_origin"]) == (7, {"command": 1, "schedule": 6})
    assert (section["first_run"], section["last_run"]) == (iso_time(at(1)), iso_time(at(6)))
    assert section["policy_versions"] == ["1+aaa", "2+bbb"]
    card, credential, revoked = section["controls"]
    assert card == {
        "control": CARD,
        "instance": "gw-a",
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
        window(CARD, -1, 2, 1, before_period=True),
        window(CARD, 6, None, 1),
        {
            "control": CREDENTIAL,
            "instance": "gw-a",
            "began": iso_time(at(2)),
            "ended": iso_time(at(5)),
            "failed_runs": 2,
            "before_period": False,
        },
    ]
    assert section["chain"] == {"ok": True, "runs": 10, "problems": []}
    assert section["command_failed_runs"] == 1
    [command] = section["command_failures"]
    assert (command["at"], command["failed"], command["instance"]) == (iso_time(at(3.5)), [CARD, CREDENTIAL], "gw-a")


async def test_the_whole_report_carries_the_section(store: PromptStore) -> None:
    await seed(store)
    report = await gather(store, load_compliance(), SINCE, UNTIL)
    assert shape_problems(report, EvidenceReport) == []
    assert report["controls_tested"]["runs"] == 7
    page = render_html(report)
    assert 'class="flag bad">still failing<' in page
    assert f"before the period (a run at {iso_time(at(-1))} failed it)" in page
    assert "1 failed a control. They open no failure window above" in page
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
    assert section["runs"] == 6  # the deleted run is gone from the counts: the chain verdict says why


async def test_windows_and_counts_are_per_machine(store: PromptStore) -> None:
    """Two replicas in one chain: gw-b broken for good, gw-a fine. One long window on gw-b, not a window per
    run closed by gw-a's passes."""
    for hour in range(1, 6):
        await record_run(store, run(hour, "pass", "pass"))
        await record_run(store, run(hour + 0.5, "fail", "pass", instance="gw-b"))
    section = await gather_controls(store, SINCE, UNTIL)
    assert section["failure_windows"] == [window(CARD, 1.5, None, 5, instance="gw-b")]
    rows = {(c["control"], c["instance"]): (c["runs"], c["passes"], c["failures"]) for c in section["controls"]}
    assert rows[(CARD, "gw-a")] == (5, 5, 0)
    assert rows[(CARD, "gw-b")] == (5, 0, 5)
    report = await gather(store, load_compliance(), SINCE, UNTIL)
    assert "<td>gw-b</td>" in render_html(report)


async def test_the_window_before_the_period_is_found_past_runs_that_did_not_test_the_control(
    store: PromptStore,
) -> None:
    """The card control failed at -4; later runs before the period skipped or lacked it, or were another
    machine's or a command's: the window still began at -4, before the period."""
    lacking = run(-1, "pass", "pass")
    lacking = AssuranceRun("run-lacking", at(-1), at(-1) + 1, "schedule", "acme", "1+aaa", lacking.outcomes[1:])
    for each in (
        run(-5, "pass", "pass"),
        run(-4, "fail", "pass"),
        run(-3, "skip", "pass"),
        run(-2.5, "pass", "pass", instance="gw-b"),  # another machine's pass says nothing of gw-a's card
        run(-2, "pass", "pass", origin="command"),  # nor does a command's
        lacking,
        run(1, "fail", "pass"),
        run(2, "pass", "pass"),
    ):
        await record_run(store, each)
    section = await gather_controls(store, SINCE, UNTIL)
    assert section["failure_windows"] == [window(CARD, -4, 2, 1, before_period=True)]


async def test_past_the_cap_the_newest_runs_are_read_and_the_report_says_so(store: PromptStore) -> None:
    await seed(store)
    section = await gather_controls(store, SINCE, UNTIL, max_runs=3)
    assert (section["runs"], section["runs_on_record"]) == (3, 7)
    assert section["last_run"] == iso_time(at(6))  # the newest kept: the card still failing at the end shows
    assert window(CARD, 6, None, 1) in section["failure_windows"]
    # What came before the runs read (4 to 6) is looked up before the first of them, past the run at 3 that
    # skipped the credential control (and the command's at 3.5): it has been failing since 2.
    assert section["failure_windows"][-1] == window(CREDENTIAL, 2, 5, 1, before_period=True)
    report = await gather(store, load_compliance(), SINCE, UNTIL)
    report["controls_tested"] = section
    assert "The period holds 7 runs: only the newest 3 were read" in render_html(report)


async def test_gaps_in_the_schedule_are_shown_per_machine(store: PromptStore) -> None:
    """gw-a runs hourly but stopped from 4 to 8, and ran last at 10 (the period ends at 100); gw-b ran
    hourly to the end: only gw-a is flagged, for both."""
    for hour in (1, 2, 3, 4, 8, 9, 10):
        await record_run(store, run(hour, "pass", "pass"))
    for hour in range(1, 100):
        await record_run(store, run(hour, "pass", "pass", instance="gw-b"))
    section = await gather_controls(store, SINCE, UNTIL)
    gw_a, gw_b = section["coverage"]
    assert (gw_a["instance"], gw_a["runs"], gw_a["median_gap_s"], gw_a["longest_gap_s"]) == ("gw-a", 7, 3600, 4 * 3600)
    assert (gw_a["longest_gap_from"], gw_a["longest_gap_until"]) == (iso_time(at(4)), iso_time(at(8)))
    assert (gw_a["gap_flagged"], gw_a["since_last_run_s"], gw_a["stale"]) == (True, 90 * 3600, True)
    assert (gw_b["runs"], gw_b["gap_flagged"], gw_b["stale"]) == (99, False, False)
    report = await gather(store, load_compliance(), SINCE, UNTIL)
    page = render_html(report)
    assert f"4h ({iso_time(at(4))} to {iso_time(at(8))}): over twice the typical interval" in page
    assert "no scheduled run in the last 3d 18h" in page
    assert page.count("over twice the typical interval") == 1
