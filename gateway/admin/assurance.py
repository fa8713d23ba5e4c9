"""Control assurance runs on the admin API: the stored evidence that the controls were tested, and its chain.

Read like the incident log: both roles (an auditor reviews the record; SecOps watches it). Nothing here
writes: runs are recorded by the gateway's scheduler and by ``aigw assure``. The assurance chain is
verified on its own (``/admin/assurance/verify``), apart from the incidents' (``/admin/incidents/verify``).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from gateway.admin.api import guarded, running
from gateway.errors import InvalidRequest
from gateway.incidents.assurance_runs import AssuranceRun, runs_between, verify_runs
from gateway.promptlog.access import iso
from gateway.time_ranges import parse_time, period

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def add_assurance_routes(admin: web.Application) -> None:
    admin.router.add_get("/admin/assurance", guarded(list_runs))
    admin.router.add_get("/admin/assurance/verify", guarded(verify))


def run_view(run: AssuranceRun) -> dict[str, Any]:
    """A run as the API shows it: as stored, with readable times and the controls that failed."""
    return {
        **run.as_json(),
        "instance": run.instance or None,  # the machine that ran it; null: stored before runs carried it
        "started": iso(run.started_us),
        "finished": iso(run.finished_us),
        "failed": run.failed,
    }


async def list_runs(request: web.Request) -> web.Response:
    """Runs started in the period (?since=, default 30 days back; ?until=), newest first, at most ?limit=."""
    q = request.query
    try:
        since, until = period(
            parse_time(q["since"]) if "since" in q else None, parse_time(q["until"]) if "until" in q else None
        )
        limit = int(q.get("limit", str(DEFAULT_LIMIT)))
    except ValueError as exc:
        raise InvalidRequest(f"Bad assurance parameter: {exc}") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidRequest(f"Bad assurance parameter: limit must be 1 to {MAX_LIMIT}.", param="limit")
    store = running(request).prompt_log.store
    found = await runs_between(store, since, until, limit=limit, newest_first=True)
    return web.json_response({"since": iso(since), "until": iso(until), "runs": [run_view(r) for r in found]})


async def verify(request: web.Request) -> web.Response:
    """The assurance runs' hash chain checked (no lock held: runs go on being recorded)."""
    return web.json_response((await verify_runs(running(request).prompt_log.store)).as_json())


__all__ = ["add_assurance_routes"]
