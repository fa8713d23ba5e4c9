"""What the period's control assurance runs showed, computed: per control and machine its counts and failure
windows, per machine the gaps in its schedule, and the ``aigw assure`` runs that failed.

Per machine (``AssuranceRun.instance``): every machine's scheduler records its runs into the one chain, and
a replica broken for good must show as one long window, not as many one-run windows closed by another
replica's passes. Windows and counts come from scheduled runs only: ``aigw assure`` may test a candidate
policy on staging, so its failures are listed apart (they open no production window, and are not hidden).
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from gateway.incidents.assurance_runs import AssuranceRun
from gateway.incidents.export import iso_time
from gateway.report.model import CommandFailure, Coverage, FailureWindow, TestedControl

SCHEDULE = "schedule"
COMMAND_FAILURES_SHOWN = 20
GAP_FACTOR = 2  # a gap over twice the typical interval is a coverage gap
Pair = tuple[str, str]  # (control, instance)


def status_in(run: AssuranceRun, control: str) -> str | None:
    """The control's status in the run (a failure of any of its outcomes fails it); None: not in the run."""
    found = {o.status for o in run.outcomes if o.control == control}
    for status in ("fail", "pass", "skip"):
        if status in found:
            return status
    return None


def pairs(runs: Sequence[AssuranceRun]) -> list[Pair]:
    """Each (control, machine) the runs tested, in order."""
    return sorted({(o.control, r.instance) for r in runs for o in r.outcomes})


def tested(pair: Pair, runs: Sequence[AssuranceRun]) -> TestedControl:
    control, instance = pair
    statuses = [(r, s) for r in runs if r.instance == instance and (s := status_in(r, control)) is not None]
    counts = Counter(status for _, status in statuses)
    failures = [r.started_us for r, status in statuses if status == "fail"]
    return {
        "control": control,
        "instance": instance,
        "runs": len(statuses),
        "passes": counts["pass"],
        "failures": counts["fail"],
        "skips": counts["skip"],
        "first_failure": iso_time(failures[0]) if failures else None,
        "last_failure": iso_time(failures[-1]) if failures else None,
        "policy_versions": list(dict.fromkeys(r.policy_version for r, _ in statuses)),
    }


@dataclass
class _Open:
    began_us: int
    failed_runs: int
    before_period: bool


def windows(pair: Pair, runs: Sequence[AssuranceRun], before: AssuranceRun | None) -> list[FailureWindow]:
    """From a failing run to the same machine's next run that passed; a skip neither opens nor closes a window.
    ``before``: that machine's last run before these that passed or failed the control."""
    control, instance = pair
    found: list[FailureWindow] = []
    current = _Open(before.started_us, 0, True) if before and status_in(before, control) == "fail" else None
    for run in runs:
        status = status_in(run, control) if run.instance == instance else None
        if status == "fail":
            current = current or _Open(run.started_us, 0, False)
            current.failed_runs += 1
        elif status == "pass" and current is not None:
            found.append(_window(pair, current, run.started_us))
            current = None
    if current is not None:
        found.append(_window(pair, current, None))
    return found


def _window(pair: Pair, found: _Open, ended_us: int | None) -> FailureWindow:
    return {
        "control": pair[0],
        "instance": pair[1],
        "began": iso_time(found.began_us),
        "ended": iso_time(ended_us) if ended_us is not None else None,
        "failed_runs": found.failed_runs,
        "before_period": found.before_period,
    }


def decided(run: AssuranceRun, wanted: set[Pair]) -> dict[Pair, AssuranceRun]:
    """Of the wanted pairs, those this run passed or failed (a skip says nothing of the control)."""
    return {
        (control, instance): run
        for control, instance in wanted
        if instance == run.instance and status_in(run, control) in ("pass", "fail")
    }


def coverage(runs: Sequence[AssuranceRun], end_us: int) -> list[Coverage]:
    """Per machine, the gaps between its consecutive scheduled runs, and the time since its last to ``end_us``."""
    by_instance: dict[str, list[int]] = {}
    for run in runs:
        by_instance.setdefault(run.instance, []).append(run.started_us)
    return [_coverage(instance, sorted(starts), end_us) for instance, starts in sorted(by_instance.items())]


def _coverage(instance: str, starts: Sequence[int], end_us: int) -> Coverage:
    gaps = [(later - earlier, earlier, later) for earlier, later in itertools.pairwise(starts)]
    median = statistics.median(g for g, _, _ in gaps) if gaps else None
    longest = max(gaps) if gaps else None
    since_last = max(0, end_us - starts[-1])
    return {
        "instance": instance,
        "runs": len(starts),
        "median_gap_s": median / 1e6 if median is not None else None,
        "longest_gap_s": longest[0] / 1e6 if longest else None,
        "longest_gap_from": iso_time(longest[1]) if longest else None,
        "longest_gap_until": iso_time(longest[2]) if longest else None,
        "gap_flagged": bool(longest and median and longest[0] > GAP_FACTOR * median),
        "since_last_run_s": since_last / 1e6,
        "stale": bool(median and since_last > GAP_FACTOR * median),
    }


def command_failures(runs: Sequence[AssuranceRun]) -> tuple[int, list[CommandFailure]]:
    """How many command runs failed a control, and the newest of them (newest first)."""
    failed = [r for r in runs if r.origin != SCHEDULE and r.failed]
    shown = failed[::-1][:COMMAND_FAILURES_SHOWN]
    return len(failed), [
        {
            "run_id": r.run_id,
            "at": iso_time(r.started_us),
            "instance": r.instance,
            "policy_version": r.policy_version,
            "failed": list(r.failed),
        }
        for r in shown
    ]


def all_windows(runs: Sequence[AssuranceRun], before: Mapping[Pair, AssuranceRun]) -> list[FailureWindow]:
    return [w for pair in pairs(runs) for w in windows(pair, runs, before.get(pair))]


__all__ = ["all_windows", "command_failures", "coverage", "decided", "pairs", "status_in", "tested", "windows"]
