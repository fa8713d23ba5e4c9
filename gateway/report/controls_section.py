"""The evidence report's controls tested: what the period's control assurance runs showed of each control.

An auditor asks not whether a control exists but whether it operated all period (ISO/IEC 27001 clause
9.1, A.5.36, A.8.16). Per control: how many runs tested it, passed, failed or skipped it, its first and
last failure, the policy versions in force during those runs, and each failure window (from a failing
run to the next run the control passed, or still failing). A period without any run on record says so:
that no control was tested is itself a finding.

The runs come from their hash chain (``gateway.incidents.assurance_runs``), whose verification is shown
with them; outcomes are statuses and codes, never prompt text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from gateway.incidents.assurance_runs import AssuranceRun, last_run_before, runs_between, verify_runs
from gateway.incidents.export import iso_time
from gateway.promptlog.store import PromptStore
from gateway.report.blocks import Block, Cell, Heading, Mark, Para, Table
from gateway.report.model import AssuranceChain, ControlsTested, EvidenceReport, FailureWindow, TestedControl

NOT_TESTED = "No control was tested in this period: no assurance run is on record."


async def gather_controls(store: PromptStore, since_us: int, until_us: int, probe_incidents: int = 0) -> ControlsTested:
    runs = await runs_between(store, since_us, until_us)
    before = await last_run_before(store, since_us)
    chain = await verify_runs(store)
    return {
        "runs": len(runs),
        "by_origin": dict(sorted(Counter(r.origin for r in runs).items())),
        "first_run": iso_time(runs[0].started_us) if runs else None,
        "last_run": iso_time(runs[-1].started_us) if runs else None,
        "policy_versions": list(dict.fromkeys(r.policy_version for r in runs)),
        "controls": [_tested(control, runs) for control in _controls(runs)],
        "failure_windows": [w for control in _controls(runs) for w in _windows(control, runs, before)],
        "chain": AssuranceChain(ok=chain.ok, runs=chain.count, problems=chain.problems),
        "probe_incidents": probe_incidents,
    }


def _controls(runs: Sequence[AssuranceRun]) -> list[str]:
    return sorted({o.control for r in runs for o in r.outcomes})


def status_in(run: AssuranceRun, control: str) -> str | None:
    """The control's status in the run (a failure of any of its outcomes fails it); None: not in the run."""
    found = {o.status for o in run.outcomes if o.control == control}
    for status in ("fail", "pass", "skip"):
        if status in found:
            return status
    return None


@dataclass
class _Open:
    began_us: int
    failed_runs: int
    before_period: bool


def _tested(control: str, runs: Sequence[AssuranceRun]) -> TestedControl:
    statuses = [(r, status) for r in runs if (status := status_in(r, control)) is not None]
    counts = Counter(status for _, status in statuses)
    failures = [r.started_us for r, status in statuses if status == "fail"]
    return {
        "control": control,
        "runs": len(statuses),
        "passes": counts["pass"],
        "failures": counts["fail"],
        "skips": counts["skip"],
        "first_failure": iso_time(failures[0]) if failures else None,
        "last_failure": iso_time(failures[-1]) if failures else None,
        "policy_versions": list(dict.fromkeys(r.policy_version for r, _ in statuses)),
    }


def _windows(control: str, runs: Sequence[AssuranceRun], before: AssuranceRun | None) -> list[FailureWindow]:
    """From a failing run to the next run the control passed; a skip neither opens nor closes a window."""
    windows: list[FailureWindow] = []
    current = _Open(before.started_us, 0, True) if before and status_in(before, control) == "fail" else None
    for run in runs:
        status = status_in(run, control)
        if status == "fail":
            current = current or _Open(run.started_us, 0, False)
            current.failed_runs += 1
        elif status == "pass" and current is not None:
            windows.append(_window(control, current, run.started_us))
            current = None
    if current is not None:
        windows.append(_window(control, current, None))
    return windows


def _window(control: str, found: _Open, ended_us: int | None) -> FailureWindow:
    return {
        "control": control,
        "began": iso_time(found.began_us),
        "ended": iso_time(ended_us) if ended_us is not None else None,
        "failed_runs": found.failed_runs,
        "before_period": found.before_period,
    }


# --- blocks -----------------------------------------------------------------------------------------------------


def _row(c: TestedControl) -> list[Cell]:
    failures: Cell = Mark(f"{c['failures']:,}", "bad") if c["failures"] else 0
    skips: Cell = Mark(f"{c['skips']:,} (never tested)", "warn") if c["skips"] == c["runs"] else c["skips"]
    dates = [c["first_failure"] or "-", c["last_failure"] or "-"]
    return [c["control"], c["runs"], c["passes"], failures, skips, *dates, tuple(c["policy_versions"]) or "-"]


def _window_row(w: FailureWindow) -> list[Cell]:
    began = f"before the period (a run at {w['began']} failed it)" if w["before_period"] else w["began"]
    ended: Cell = w["ended"] if w["ended"] is not None else Mark("still failing", "bad")
    return [w["control"], began, ended, w["failed_runs"]]


def _chain(section: ControlsTested) -> Para:
    chain = section["chain"]
    verdict = Mark("INTACT", "ok") if chain["ok"] else Mark("TAMPERED", "bad")
    found = f". {chain['runs']} runs checked, {len(chain['problems'])} problem(s) found."
    return Para(("The assurance runs' hash chain: ", verdict, found))


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
        "checks the evidence they leave; a skipped control was not tested in that run. "
        f"The {section['probe_incidents']:,} incident(s) the probes raised (planted values, resolved at once) "
        "are the probes' evidence and are counted nowhere else in this report."
    )
    headers = ("Control", "Runs", "Passed", "Failed", "Skipped", "First failure", "Last failure", "Policy versions")
    windows = [_window_row(w) for w in section["failure_windows"]]
    return [
        Para((summary,)),
        *chain,
        Table(headers, [_row(c) for c in section["controls"]]),
        Heading("Failure windows"),
        Table(("Control", "From", "Until it passed again", "Failed runs"), windows)
        if windows
        else Para(("No control failed in this period.",)),
    ]
