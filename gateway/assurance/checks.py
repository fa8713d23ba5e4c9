"""Checks through the admin API that the probes left the evidence they must: a sealed
prompt-log record each, an incident per violation, and an intact incident hash chain.

Records and incidents are written off the request path, so each check waits (polling, up
to a deadline) for what it expects before it concludes that something is missing.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import aiohttp

from gateway.assurance.probes import Result
from gateway.incidents.model import MAX_REQUEST_IDS

TEXT_LEVELS = ("redacted", "full")  # log levels that keep text, sealed (encrypted)
POLL_S = 0.2


class AdminClient:
    def __init__(self, session: aiohttp.ClientSession, admin_url: str, token: str, wait_s: float) -> None:
        self._session, self._url, self.wait_s = session, admin_url, wait_s
        self._headers = {"authorization": f"Bearer {token}"}

    async def get(self, path: str, params: dict[str, str] | None = None) -> tuple[int, Any]:
        async with self._session.get(f"{self._url}{path}", params=params, headers=self._headers) as resp:
            raw = await resp.read()
            try:
                return resp.status, json.loads(raw)
            except ValueError:
                return resp.status, None

    async def record(self, request_id: str) -> tuple[int, dict[str, Any] | None]:
        """The admin API's last status, and the record's metadata once written (None if it never
        appears within the wait, or the API refuses: 404 is the only answer worth waiting out)."""
        deadline = asyncio.get_running_loop().time() + self.wait_s
        while True:
            status, body = await self.get(f"/admin/logs/{request_id}")
            if status == 200 and isinstance(body, dict):
                return status, body
            if status != 404 or asyncio.get_running_loop().time() > deadline:
                return status, None
            await asyncio.sleep(POLL_S)


def sealed(record: dict[str, Any], canaries: Sequence[str]) -> bool:
    """No planted value anywhere in the metadata, and text kept only in the form the record's level says."""
    shown = json.dumps(record, ensure_ascii=False)
    if any(value in shown for value in canaries):
        return False
    level = record.get("log_level")
    status = record.get("status")
    refused = isinstance(status, int) and status >= 400  # it forwarded nothing: there may be no text to keep
    if level in TEXT_LEVELS:
        return record.get("has_text") is True or refused
    if level == "hash":  # (a refused request has no hash either: strict-finance's blocked client names)
        return record.get("has_text") is False and (record.get("prompt_hash") is not None or refused)
    return record.get("has_text") is False


async def prompt_log(admin: AdminClient, probes: Sequence[Result], canaries: Sequence[str]) -> list[Result]:
    """One result for the log as a whole; and each injection probe's 'recorded' read from its record."""
    sent = [p for p in probes if p.request_id is not None]
    answers = await asyncio.gather(*(admin.record(str(p.request_id)) for p in sent))
    records = [record for _, record in answers]
    refused = sorted({status for status, _ in answers if status not in (200, 404)})
    missing = [p.control for p, r in zip(sent, records, strict=True) if r is None]
    unsealed = [p.control for p, r in zip(sent, records, strict=True) if r is not None and not sealed(r, canaries)]
    for probe, record in zip(sent, records, strict=True):
        probe.extra["record"] = record
        if probe.control == "jailbreak_recorded" and probe.status == "pass":
            found = [t for t in (record or {}).get("entity_types", []) if str(t).startswith("INJECTION")]
            if not found:
                probe.status, probe.seen = "fail", "no injection finding in its prompt-log record"
            else:
                probe.seen = f"recorded as {', '.join(sorted(found))}"
    expected = f"a record for each of the {len(sent)} probes sent, its text sealed as its log level says"
    if not sent:
        return [Result("prompt_log_sealed", "skip", expected, "no probe was sent")]
    problems = [f"the admin API answered {', '.join(map(str, refused))}"] if refused else []
    if missing:
        problems.append(f"no record for: {', '.join(missing)}")
    if unsealed:
        problems.append(f"text outside its seal for: {', '.join(unsealed)}")
    seen = "; ".join(problems) or f"{len(sent)} records, all sealed"
    return [Result("prompt_log_sealed", "fail" if problems else "pass", expected, seen)]


async def incidents(
    admin: AdminClient, probes: Sequence[Result], since_us: int, canaries: Sequence[str]
) -> list[Result]:
    # A probe that failed had no violation acted on (or its own result says so already): only passed ones count.
    wanted = [p for p in probes if p.violation is not None and p.request_id is not None and p.status == "pass"]
    actors = {
        str(r["user_name"]) for p in wanted if isinstance(r := p.extra.get("record"), dict) and r.get("user_name")
    }
    expected = "an incident for each violation probe, of its violation type, with no planted value in it"
    if not wanted:
        return [Result("incidents_recorded", "skip", expected, "no violation probe was sent")]
    since = datetime.fromtimestamp(since_us / 1_000_000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")  # UTC, read as such
    deadline = asyncio.get_running_loop().time() + admin.wait_s
    while True:
        found: list[dict[str, Any]] = []
        for actor in sorted(actors) or [""]:
            params = {"since": since, "limit": "1000", **({"user": actor} if actor else {})}
            status, body = await admin.get("/admin/incidents", params)
            if status != 200 or not isinstance(body, dict):
                return [Result("incidents_recorded", "fail", expected, f"the admin API answered {status}")]
            found.extend(body.get("incidents", []))
        absent = [p.control for p in wanted if not _has_incident(found, p)]
        if not absent or asyncio.get_running_loop().time() > deadline:
            break
        await asyncio.sleep(POLL_S)
    problems = [f"none for: {', '.join(absent)}"] if absent else []
    if any(value in json.dumps(found, ensure_ascii=False) for value in canaries):
        problems.append("a planted value appears in an incident")
    seen = "; ".join(problems) or f"{len(wanted)} violation probes, each with its incident"
    return [Result("incidents_recorded", "fail" if problems else "pass", expected, seen)]


def _has_incident(found: Sequence[dict[str, Any]], probe: Result) -> bool:
    """An incident of the probe's type naming its request; or, an aggregated one that has stopped
    keeping request ids (its first MAX_REQUEST_IDS only), of that type and seen during the run."""
    for incident in found:
        if probe.violation is None or incident.get("type") != probe.violation.value:
            continue
        ids = incident.get("request_ids") or []
        if probe.request_id in ids or len(ids) >= MAX_REQUEST_IDS:
            return True
    return False


async def chain(admin: AdminClient) -> Result:
    expected = "the incident hash chain verifies"
    status, body = await admin.get("/admin/incidents/verify")
    if status != 200 or not isinstance(body, dict):
        return Result("incident_chain_verifies", "fail", expected, f"the admin API answered {status}")
    if body.get("ok") is True:
        return Result("incident_chain_verifies", "pass", expected, f"verified: {body.get('events')} events")
    problems = body.get("problems") or []
    return Result("incident_chain_verifies", "fail", expected, f"broken: {len(problems)} problems")
