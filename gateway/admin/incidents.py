"""The incident log on the admin API: what ``aigw incidents`` does, for the SOC's tools.

Both roles read (list, show, verify, export). Only ``secops`` works incidents
(acknowledge, resolve, false positive): the auditor reviews the record and must not be
able to change it. Each change is appended to the hash chain with the token's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from gateway.admin.api import GATEWAY, TOKEN, guarded, running
from gateway.errors import Conflict, InvalidRequest, NotFound
from gateway.incidents.export import FORMATS, render
from gateway.incidents.store import IncidentQuery, IncidentStore, UnknownIncident, WorkflowError
from gateway.json_input import parse_request
from gateway.lifecycle.state import SETTINGS
from gateway.policy.violations import Severity, Violation
from gateway.report.gather import gather
from gateway.report.render import render as render_report
from gateway.request_body import read_body
from gateway.time_ranges import parse_time, period

STATUSES = ("open", "acknowledged", "resolved", "false_positive")
CHANGES = {"ack": "acknowledged", "resolve": "resolved", "false-positive": "false_positive"}
MAX_NOTE = 2000
MAX_NOTE_BYTES = 64 * 1024  # a note of MAX_NOTE characters, JSON-escaped, with room to spare
MAX_LIMIT = 100_000
CONTENT_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv"}
REPORT_TYPES = {"html": "text/html", "json": "application/json", "md": "text/markdown"}


def add_incident_routes(admin: web.Application) -> None:
    admin.router.add_get("/admin/incidents", guarded(list_incidents))
    admin.router.add_get("/admin/incidents/verify", guarded(verify))  # before {incident_id}: routes match in order
    admin.router.add_get("/admin/incidents/export", guarded(export))
    admin.router.add_get("/admin/incidents/{incident_id}", guarded(show))
    admin.router.add_post("/admin/incidents/{incident_id}/{change}", guarded(change, roles=("secops",)))
    admin.router.add_get("/admin/report", guarded(report))


def _incidents(request: web.Request) -> IncidentStore:
    return running(request).incidents.store


def _query(q: Mapping[str, str]) -> IncidentQuery:
    choices = {"status": STATUSES, "type": [v.value for v in Violation], "severity": [s.value for s in Severity]}
    for name, allowed in choices.items():
        if name in q and q[name] not in allowed:
            raise InvalidRequest(f"Bad {name} {q[name]!r}: one of {', '.join(allowed)}.", param=name)
    try:
        return IncidentQuery(
            status=q.get("status"),
            type=q.get("type"),
            severity=q.get("severity"),
            actor=q.get("user"),
            since_us=parse_time(q["since"]) if "since" in q else None,
            until_us=parse_time(q["until"]) if "until" in q else None,
            limit=max(1, min(int(q.get("limit", "100")), MAX_LIMIT)),
        )
    except ValueError as exc:
        raise InvalidRequest(f"Bad search parameter: {exc}") from None


async def list_incidents(request: web.Request) -> web.Response:
    found = await _incidents(request).search(_query(request.query))
    return web.json_response({"incidents": found})


async def show(request: web.Request) -> web.Response:
    incident = await _incidents(request).get(request.match_info["incident_id"])
    if incident is None:
        raise NotFound("No such incident.")
    return web.json_response(incident)


async def verify(request: web.Request) -> web.Response:
    result = await _incidents(request).verify()
    body = {"ok": result.ok, "events": result.events, "incidents": result.incidents, "problems": result.problems}
    return web.json_response(body)


async def export(request: web.Request) -> web.Response:
    fmt = request.query.get("format", "jsonl")
    if fmt not in FORMATS:
        raise InvalidRequest(f"Bad format {fmt!r}: one of {', '.join(FORMATS)}.", param="format")
    found = await _incidents(request).search(_query(request.query))
    return web.Response(text=render(found, fmt), content_type=CONTENT_TYPES[fmt], charset="utf-8")


async def report(request: web.Request) -> web.Response:
    """The evidence report (``aigw report``), as HTML (default), JSON or Markdown."""
    q = request.query
    fmt = q.get("format", "html")
    if fmt not in REPORT_TYPES:
        raise InvalidRequest(f"Bad format {fmt!r}: one of {', '.join(REPORT_TYPES)}.", param="format")
    try:
        since, until = period(
            parse_time(q["since"]) if "since" in q else None, parse_time(q["until"]) if "until" in q else None
        )
    except ValueError as exc:
        raise InvalidRequest(f"Bad report period: {exc}") from None
    state = running(request)
    register = state.policy.document.tool_register
    data = await gather(state.prompt_log.store, state.incidents.compliance, since, until, register)
    return web.Response(text=render_report(data, fmt), content_type=REPORT_TYPES[fmt], charset="utf-8")


async def change(request: web.Request) -> web.Response:
    status = CHANGES.get(request.match_info["change"])
    if status is None:
        raise NotFound(f"No such action: one of {', '.join(CHANGES)}.")
    note = await _note(request)
    try:
        state = await _incidents(request).transition(
            request.match_info["incident_id"], status, f"{request[TOKEN].name} (admin api)", note
        )
    except UnknownIncident:
        raise NotFound("No such incident.") from None
    except WorkflowError as exc:
        raise Conflict(str(exc)) from None
    return web.json_response(state)


async def _note(request: web.Request) -> str:
    if not request.can_read_body:
        return ""
    limits = request.app[GATEWAY][SETTINGS].limits
    raw = await read_body(request, limits, max_bytes=MAX_NOTE_BYTES)  # with deadlines: a stalled body is a 408
    try:
        body: Any = parse_request(raw)  # the same guards as the API: depth, surrogates, repeated keys
    except InvalidRequest:
        raise InvalidRequest('The body must be JSON: {"note": "..."}.') from None
    note = body.get("note", "")
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        raise InvalidRequest(f"'note' must be a string of at most {MAX_NOTE} characters.", param="note")
    return note


__all__ = ["add_incident_routes"]
