"""The evidence report's controls tested: what the period's control assurance runs showed of each control.

An auditor asks not whether a control exists but whether it operated all period (ISO/IEC 27001 clause
9.1, A.5.36, A.8.16). Per control and machine: how many scheduled runs tested it, passed, failed or
skipped it, its first and last failure, the policy versions in force during those runs, and each failure
window (from a failing run to that machine's next run that passed it, or still failing); per machine,
the gaps in its schedule (the longest, flagged past twice the typical interval, and none lately); and
apart, the ``aigw assure`` runs that failed (``gateway.report.assurance_windows`` says why apart). A
period without any run on record says so: that no control was tested is itself a finding.

The runs come from their hash chain (``gateway.incidents.assurance_runs``), whose verification is shown
with them; outcomes are statuses and codes, never prompt text. A period with more runs than a report
reads (``MAX_RUNS``) is read from its newest, and says so.
"""

from __future__ import annotations

import contextlib
from collections import Counter

from gateway.incidents.assurance_runs import MAX_RUNS, AssuranceRun, count_runs, runs_before, runs_between, verify_runs
from gateway.incidents.export import iso_time
from gateway.promptlog.store import PromptStore, now_us
from gateway.report import assurance_windows as computed
from gateway.report.blocks import Block, Cell, Heading, Mark, Para, Table
from gateway.report.model import (
    AssuranceChain,
    ControlsTested,
    Coverage,
    EvidenceReport,
    FailureWindow,
    TestedControl,
)

NOT_TESTED = "No control was tested in this period: no assurance run is on record."
NOT_SCHEDULED = "No scheduled assurance run in this period: the controls were not tested as they operated."
UNRECORDED = "(not recorded)"  # a run stored before runs carried their machine
LOOKBACK_RUNS = 20_000  # scheduled runs read back before the period for each control's last outcome


async def gather_controls(
    store: PromptStore, since_us: int, until_us: int, probe_incidents: int = 0, *, max_runs: int = MAX_RUNS
) -> ControlsTested:
    runs = await runs_between(store, since_us, until_us, limit=max_runs)
    on_record = await count_runs(store, since_us, until_us)
    scheduled = [r for r in runs if r.origin == computed.SCHEDULE]
    # Left unread (past the cap): what came before is looked up before the first run read.
    boundary = runs[0].started_us if runs and on_record > max_runs else since_us
    before = await _last_outcomes(store, boundary, scheduled)
    chain = await verify_runs(store)
    failed_commands, command_failures = computed.command_failures(runs)
    return {
        "runs": len(runs),
        "runs_on_record": on_record,
        "by_origin": dict(sorted(Counter(r.origin for r in runs).items())),
        "first_run": iso_time(runs[0].started_us) if runs else None,
        "last_run": iso_time(runs[-1].started_us) if runs else None,
        "policy_versions": list(dict.fromkeys(r.policy_version for r in runs)),
        "controls": [computed.tested(pair, scheduled) for pair in computed.pairs(scheduled)],
        "failure_windows": computed.all_windows(scheduled, before),
        "coverage": computed.coverage(scheduled, min(until_us, now_us())),
        "command_failed_runs": failed_commands,
        "command_failures": command_failures,
        "chain": AssuranceChain(ok=chain.ok, runs=chain.count, problems=chain.problems),
        "probe_incidents": probe_incidents,
    }


async def _last_outcomes(
    store: PromptStore, before_us: int, scheduled: list[AssuranceRun]
) -> dict[computed.Pair, AssuranceRun]:
    """Per (control, machine) of the period, its machine's last scheduled run before ``before_us`` that passed
    or failed it: a run that skipped it, lacked it or came from another machine says nothing of it."""
    wanted, found = set(computed.pairs(scheduled)), dict[computed.Pair, AssuranceRun]()
    if not wanted:
        return found
    async with contextlib.aclosing(runs_before(store, before_us, computed.SCHEDULE, LOOKBACK_RUNS)) as older:
        async for run in older:
            hits = computed.decided(run, wanted)
            found |= hits
            wanted -= hits.keys()
            if not wanted:
                break
    return found


# --- blocks -----------------------------------------------------------------------------------------------------


def _machine(instance: str) -> str:
    return instance or UNRECORDED


def _row(c: TestedControl) -> list[Cell]:
    failures: Cell = Mark(f"{c['failures']:,}", "bad") if c["failures"] else 0
    skips: Cell = Mark(f"{c['skips']:,} (never tested)", "warn") if c["skips"] == c["runs"] else c["skips"]
    dates = [c["first_failure"] or "-", c["last_failure"] or "-"]
    versions = tuple(c["policy_versions"]) or "-"
    return [c["control"], _machine(c["instance"]), c["runs"], c["passes"], failures, skips, *dates, versions]


def _window_row(w: FailureWindow) -> list[Cell]:
    began = f"before the period (a run at {w['began']} failed it)" if w["before_period"] else w["began"]
    ended: Cell = w["ended"] if w["ended"] is not None else Mark("still failing", "bad")
    return [w["control"], _machine(w["instance"]), began, ended, w["failed_runs"]]


def duration(seconds: float) -> str:
    """3d 4h, 5h 12m, 7m 30s: two units at most, enough to compare gaps."""
    whole = int(seconds)
    days, hours, minutes, secs = whole // 86400, whole % 86400 // 3600, whole % 3600 // 60, whole % 60
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
    shown = [f"{n}{unit}" for n, unit in parts if n][:2]
    return " ".join(shown) or "0s"


def _coverage_row(c: Coverage) -> list[Cell]:
    typical = duration(c["median_gap_s"]) if c["median_gap_s"] is not None else "-"
    longest: Cell = "-"
    if c["longest_gap_s"] is not None:
        text = f"{duration(c['longest_gap_s'])} ({c['longest_gap_from']} to {c['longest_gap_until']})"
        longest = Mark(f"{text}: over twice the typical interval", "bad") if c["gap_flagged"] else text
    last = duration(c["since_last_run_s"])
    lately: Cell = Mark(f"no scheduled run in the last {last}", "bad") if c["stale"] else last
    return [_machine(c["instance"]), c["runs"], typical, longest, lately]


def _chain(section: ControlsTested) -> Para:
    chain = section["chain"]
    verdict = Mark("INTACT", "ok") if chain["ok"] else Mark("TAMPERED", "bad")
    found = f". {chain['runs']} runs checked, {len(chain['problems'])} problem(s) found."
    return Para(("The assurance runs' hash chain: ", verdict, found))


def _commands(section: ControlsTested) -> list[Block]:
    ran = section["by_origin"].get("command", 0)
    if not ran:
        return []
    failed = section["command_failed_runs"]
    said = (
        f"{ran:,} run(s) of aigw assure (origin command, possibly against a candidate policy on staging): "
        f"{failed:,} failed a control. They open no failure window above; "
    )
    shown = f"the newest {len(section['command_failures'])} are listed." if failed else "none to list."
    rows: list[list[Cell]] = [
        [f["at"], _machine(f["instance"]), f["policy_version"], tuple(f["failed"]), f["run_id"]]
        for f in section["command_failures"]
    ]
    table = [Table(("Run at", "Machine", "Policy version", "Failed", "Run"), rows)] if rows else []
    return [Heading("Command runs"), Para((said + shown,)), *table]


def controls_blocks(report: EvidenceReport) -> list[Block]:
    section = report["controls_tested"]
    problems: list[Block] = [Table(("Problem",), [[p] for p in section["chain"]["problems"]])]
    chain = [_chain(section), *(problems if section["chain"]["problems"] else [])]
    if not section["runs"]:
        return [Para((Mark(NOT_TESTED, "bad"),)), *chain]
    origins = ", ".join(f"{origin} {n:,}" for origin, n in section["by_origin"].items())
    versions = ", ".join(section["policy_versions"])
    summary = (
        f"{section['runs']:,} assurance run(s) ({origins}) from {section['first_run']} to {section['last_run']}, "
        f"under policy version(s) {versions}. Each run sends probes through the gateway's request path and "
        "checks the evidence they leave; a skipped control was not tested in that run. Counts, failure windows "
        "and coverage are per machine, of scheduled runs. "
        f"The {section['probe_incidents']:,} incident(s) the probes raised (planted values, resolved at once) "
        "are the probes' evidence and are counted nowhere else in this report."
    )
    cut: list[Block] = []
    if section["runs_on_record"] > section["runs"]:
        text = (
            f"The period holds {section['runs_on_record']:,} runs: only the newest {section['runs']:,} were read "
            f"(from {section['first_run']}), and what follows covers those."
        )
        cut = [Para((Mark(text, "warn"),))]
    headers = ("Control", "Machine", "Runs", "Passed", "Failed", "Skipped", "First failure", "Last failure")
    windows = [_window_row(w) for w in section["failure_windows"]]
    scheduled: list[Block] = [
        Table((*headers, "Policy versions"), [_row(c) for c in section["controls"]]),
        Heading("Failure windows"),
        Table(("Control", "Machine", "From", "Until it passed again", "Failed runs"), windows)
        if windows
        else Para(("No control failed in a scheduled run in this period.",)),
        Heading("Coverage"),
        Table(
            ("Machine", "Scheduled runs", "Typical interval", "Longest gap", "Since the last run"),
            [_coverage_row(c) for c in section["coverage"]],
        ),
    ]
    if not section["coverage"]:
        scheduled = [Para((Mark(NOT_SCHEDULED, "bad"),))]
    return [Para((summary,)), *cut, *chain, *scheduled, *_commands(section)]
