"""Assemble the two aiohttp applications: the API listener and the admin listener."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from gateway.admin.api import GATEWAY, add_routes, admin_errors
from gateway.admin.assurance import add_assurance_routes
from gateway.admin.incidents import add_incident_routes
from gateway.api.handlers import endpoint_handler, get_model, list_models
from gateway.api.middleware import exchange_middleware
from gateway.config.settings import Settings
from gateway.lifecycle.inflight import InFlight
from gateway.lifecycle.state import CREDENTIALS, IN_FLIGHT, METRICS, SETTINGS, STATE, gateway_context
from gateway.metrics import GatewayMetrics
from gateway.providers import Credential
from gateway.server.readiness import readiness
from gateway.wire.endpoints import ENDPOINTS


def build_app(settings: Settings, credentials: Mapping[str, Credential]) -> web.Application:
    # client_max_size is aiohttp's own guard for bodies without a Content-Length.
    app = web.Application(client_max_size=settings.limits.max_body_bytes, middlewares=[exchange_middleware])
    app[SETTINGS] = settings
    app[CREDENTIALS] = credentials
    app[METRICS] = metrics = GatewayMetrics()
    app[IN_FLIGHT] = InFlight(metrics.requests_in_flight)
    app.cleanup_ctx.append(gateway_context)
    for endpoint in ENDPOINTS:
        app.router.add_post(endpoint.path, endpoint_handler(endpoint))
    app.router.add_get("/v1/models", list_models)
    app.router.add_get("/v1/models/{model:.+}", get_model)
    return app


def build_admin_app(gateway: web.Application) -> web.Application:
    admin = web.Application(middlewares=[admin_errors])
    add_routes(admin, gateway)
    add_incident_routes(admin)
    add_assurance_routes(admin)
    admin.router.add_get("/healthz", healthz)
    admin.router.add_get("/readyz", readyz)
    admin.router.add_get("/metrics", metrics)
    return admin


async def metrics(request: web.Request) -> web.Response:
    registry = request.app[GATEWAY][METRICS]
    return web.Response(body=registry.exposition(), headers={"content-type": registry.content_type})


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """200 when every check in ``gateway.server.readiness`` passes; 503 naming the failing ones otherwise."""
    state = request.app[GATEWAY].get(STATE)
    checks = readiness(state)
    ready = all(checks.values())
    body: dict[str, object] = {"status": "ready" if ready else "not_ready", "checks": checks}
    if not ready:
        body["failing"] = sorted(name for name, passed in checks.items() if not passed)
    if state is not None:
        body["policy_version"] = state.policy.version
        # "rejected" or "retrying" while the files on disk are not that policy (even when ready)
        body["policy_file"] = "current" if state.policy_file_current else state.policy_reload_failure
        # slowing down, not failing: the prompt log's writer is behind and admission waits for it
        body["prompt_log_backpressure"] = state.prompt_log.writer.backpressure
    return web.json_response(body, status=200 if ready else 503)
