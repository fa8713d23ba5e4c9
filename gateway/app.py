"""Assemble the two aiohttp applications: the API listener and the admin listener."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from gateway.admin_api import GATEWAY, add_routes
from gateway.admin_incidents import add_incident_routes
from gateway.endpoints import ENDPOINTS
from gateway.handlers import endpoint_handler, get_model, list_models
from gateway.inflight import InFlight
from gateway.metrics import GatewayMetrics
from gateway.middleware import exchange_middleware
from gateway.providers import Credential
from gateway.settings import Settings
from gateway.state import CREDENTIALS, IN_FLIGHT, METRICS, SETTINGS, STATE, gateway_context


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
    admin = web.Application()
    add_routes(admin, gateway)
    add_incident_routes(admin)
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
    """Ready when the policy is loaded, keys are fresh and we are not draining."""
    state = request.app[GATEWAY].get(STATE)
    checks = {
        "started": state is not None,
        "key_store": state is not None and state.authenticator.healthy,
        "accepting": state is not None and not state.draining,
    }
    body: dict[str, object] = {"status": "ready" if all(checks.values()) else "not_ready", "checks": checks}
    if state is not None:
        body["policy_version"] = state.policy.version
    return web.json_response(body, status=200 if all(checks.values()) else 503)
