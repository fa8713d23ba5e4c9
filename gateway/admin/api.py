"""The admin API on the admin listener: the prompt log, and usage and spend from it, for SecOps and auditors.

Every call needs an admin token (``aigw admin-tokens create``). Both roles search and
see metadata; only ``auditor`` may open prompt text (``?text=1``), and every such read is
recorded before the text is returned. Errors use the OpenAI error shape.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Literal, cast

import structlog
from aiohttp import web

from gateway.auth.admin_tokens import ROLES, AdminToken, AdminTokenStore, Role
from gateway.config.settings import Settings
from gateway.errors import (
    ApiFormat,
    AuthenticationFailed,
    GatewayError,
    InternalError,
    InvalidRequest,
    NotFound,
    PolicyDenied,
    from_http_exception,
)
from gateway.errors import render_error as render
from gateway.exchange import new_request_id
from gateway.lifecycle.state import SETTINGS, STATE, GatewayState
from gateway.logs import code_location
from gateway.promptlog.access import iso, read_record, view
from gateway.promptlog.service import PromptLog
from gateway.promptlog.store import MAX_SEARCH, SearchQuery
from gateway.promptlog.usage import BY, By, UsageQuery, usage
from gateway.report.inventory import inventory
from gateway.time_ranges import INVENTORY_DAYS, parse_time, period

GATEWAY: web.AppKey[web.Application] = web.AppKey("gateway", web.Application)  # the API app, from the admin app
TOKENS: web.AppKey[AdminTokenStore] = web.AppKey("admin_tokens", AdminTokenStore)
TOKEN: web.RequestKey[AdminToken] = web.RequestKey("admin_token", AdminToken)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = structlog.get_logger("aigw")


def add_routes(admin: web.Application, gateway: web.Application) -> None:
    admin[GATEWAY] = gateway

    async def tokens(app: web.Application) -> AsyncIterator[None]:
        settings: Settings = gateway[SETTINGS]
        app[TOKENS] = store = AdminTokenStore.open(settings.store, os.environ)
        yield
        store.close()

    admin.cleanup_ctx.append(tokens)
    admin.router.add_get("/admin/logs", guarded(search))
    admin.router.add_get("/admin/logs/{request_id}", guarded(show))
    admin.router.add_get("/admin/purge-runs", guarded(purge_runs))
    admin.router.add_get("/admin/usage", guarded(usage_report))
    admin.router.add_get("/admin/inventory", guarded(inventory_report))


def guarded(handler: Handler, roles: tuple[Role, ...] = ROLES) -> Handler:
    """Authenticate the admin token and check its role (``admin_errors`` renders what is refused)."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        scheme, _, presented = request.headers.get("authorization", "").partition(" ")
        token = None
        if scheme.lower() == "bearer":  # a database read (PostgreSQL for a fleet): off the event loop
            token = await asyncio.to_thread(request.app[TOKENS].verify, presented.strip())
        if token is None:
            _observe_admin_auth_failure(request)
            raise AuthenticationFailed("A valid admin token is required: 'Authorization: Bearer aigwadm_...'.")
        if token.role not in roles:
            needed = " or ".join(roles)
            raise PolicyDenied(f"This call needs the {needed} role; this token has the {token.role} role.")
        request[TOKEN] = token
        return await handler(request)

    return guarded


@web.middleware
async def admin_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every error of the admin API in one place and in the API's shape: the gateway's own errors,
    aiohttp's refusals (unknown route, wrong method) and unexpected exceptions (logged, never shown)."""
    try:
        return await handler(request)
    except GatewayError as err:
        return render(err, ApiFormat.OPENAI, new_request_id())
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return render(from_http_exception(request.method, request.path, exc), ApiFormat.OPENAI, new_request_id())
    except Exception as exc:
        request_id = new_request_id()
        log.error(
            "internal_error",
            api="admin",
            request_id=request_id,
            error_type=type(exc).__name__,
            where=code_location(exc),
        )
        return render(InternalError("The admin API hit an internal error."), ApiFormat.OPENAI, request_id)


def _observe_admin_auth_failure(request: web.Request) -> None:
    state = request.app[GATEWAY].get(STATE)
    if state is not None:
        state.incidents.observe_auth_failure(request.remote or "unknown", target="admin_api")


def running(request: web.Request) -> GatewayState:
    state = request.app[GATEWAY].get(STATE)
    if state is None:
        raise NotFound("The gateway is not running.")
    return state


def _prompt_log(request: web.Request) -> PromptLog:
    return running(request).prompt_log


async def search(request: web.Request) -> web.Response:
    q = request.query
    traffic = q.get("traffic")
    if traffic not in (None, "user", "assurance"):
        raise InvalidRequest("Bad search parameter: traffic must be user or assurance.")
    try:
        query = SearchQuery(
            user=q.get("user"),
            group=q.get("group"),
            model=q.get("model"),
            decision=q.get("decision"),
            entity_type=q.get("entity_type"),
            source=q.get("source"),
            since_us=parse_time(q["since"]) if "since" in q else None,
            until_us=parse_time(q["until"]) if "until" in q else None,
            traffic=cast(Literal["user", "assurance"] | None, traffic),
            limit=min(int(q.get("limit", "100")), MAX_SEARCH),
        )
    except ValueError as exc:
        raise InvalidRequest(f"Bad search parameter: {exc}") from None
    rows = await _prompt_log(request).store.search(query)
    return web.json_response({"records": [view(row) for row in rows]})


async def show(request: web.Request) -> web.Response:
    token = request[TOKEN]
    with_text = request.query.get("text") in ("1", "true")
    if with_text and token.role != "auditor":
        raise PolicyDenied("Only the auditor role may read prompt text; this token has the secops role.")
    log = _prompt_log(request)
    record = await read_record(
        log.store,
        log.keyring,
        request.match_info["request_id"],
        reader=token.name,
        role=token.role,
        via="admin_api",
        with_text=with_text,
    )
    if record is None:
        raise NotFound("No such record in the prompt log.")
    return web.json_response(record)


async def usage_report(request: web.Request) -> web.Response:
    """Requests, tokens and spend per user, group, model or provider (?by=, ?since=, ?until=; both roles)."""
    q = request.query
    by = q.get("by", "user")
    if by not in BY:
        raise InvalidRequest(f"Bad usage parameter: by must be one of {', '.join(BY)}.")
    try:
        since, until = period(
            parse_time(q["since"]) if "since" in q else None, parse_time(q["until"]) if "until" in q else None
        )
    except ValueError as exc:
        raise InvalidRequest(f"Bad usage parameter: {exc}") from None
    rows = await usage(_prompt_log(request).store, UsageQuery(cast(By, by), since, until))
    body = {"by": by, "since": iso(since), "until": iso(until), "rows": [r.as_json() for r in rows]}
    return web.json_response(body)


async def inventory_report(request: web.Request) -> web.Response:
    """The live AI inventory under the policy in force (?since=, default 90 days; ?until=; both roles)."""
    q = request.query
    try:
        since, until = period(
            parse_time(q["since"]) if "since" in q else None,
            parse_time(q["until"]) if "until" in q else None,
            INVENTORY_DAYS,
        )
    except ValueError as exc:
        raise InvalidRequest(f"Bad inventory parameter: {exc}") from None
    state = running(request)
    register = state.policy.document.tool_register
    found = await inventory(state.prompt_log.store, register, since, until, datetime.now(UTC).date())
    period_shown = {"since": iso(since), "until": iso(until), "policy_version": state.policy.version}
    return web.json_response({**found, **period_shown})


async def purge_runs(request: web.Request) -> web.Response:
    return web.json_response({"runs": await _prompt_log(request).store.purge_runs()})
