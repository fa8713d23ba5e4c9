"""The one place where errors become responses, and where each request is logged."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog
from aiohttp import web

from gateway.errors import GatewayError, InternalError, RevokedKeyPresented, from_http_exception, render_error
from gateway.exchange import Exchange
from gateway.lifecycle.state import IN_FLIGHT, STATE
from gateway.logs import code_location
from gateway.request_metrics import observe_exchange
from gateway.wire.endpoints import api_for_path

EXCHANGE: web.RequestKey[Exchange] = web.RequestKey("exchange", Exchange)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

log = structlog.get_logger("aigw")


@web.middleware
async def exchange_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    with request.app[IN_FLIGHT].track():
        return await _exchange(request, handler)


async def _exchange(request: web.Request, handler: Handler) -> web.StreamResponse:
    exchange = Exchange(api=api_for_path(request.path, "anthropic-version" in request.headers))
    request[EXCHANGE] = exchange
    try:
        response = await handler(request)
    except GatewayError as err:
        response = _error_response(exchange, err)
        if err.close_connection:  # aiohttp would otherwise read on after it, and fail loudly
            response.force_close()
    except asyncio.CancelledError:
        exchange.outcome = "client_disconnected"
        exchange.status = exchange.status or 499  # nginx's code for "client closed request"
        log.info("request", **exchange.log_fields())
        _record(request, exchange)
        raise
    except web.HTTPException as exc:
        response = _error_response(exchange, from_http_exception(request.method, request.path, exc))
    except Exception as exc:
        log.error(
            "internal_error", request_id=exchange.request_id, error_type=type(exc).__name__, where=code_location(exc)
        )
        response = _error_response(
            exchange, InternalError("The gateway hit an internal error; the request was not completed.")
        )
    if not response.prepared:
        response.headers.update(exchange.stamp())
        if _draining(request):
            response.force_close()  # no further requests on this connection: the gateway is stopping
    exchange.status = exchange.status or response.status
    log.info("request", **exchange.log_fields())
    _record(request, exchange)
    return response


def _draining(request: web.Request) -> bool:
    state = request.app.get(STATE)
    return state is not None and state.draining


def _record(request: web.Request, exchange: Exchange) -> None:
    """Every exchange that reached an API endpoint goes to the prompt log: allowed, blocked or failed."""
    state = request.app.get(STATE)
    if state is None:
        return
    if exchange.endpoint is not None:
        policy = exchange.policy or state.policy
        # Each observer on its own: a failure in one (a bug, a value it cannot take) must neither
        # turn an answered request into a 500 nor keep the others from seeing the exchange.
        _observe(exchange, "prompt_log", lambda: state.prompt_log.record(exchange, policy))
        _observe(exchange, "incidents", lambda: state.incidents.observe_exchange(exchange, policy))
        _observe(exchange, "metrics", lambda: observe_exchange(state.metrics, exchange, state.model_labels))
    if exchange.status == 401:  # a failed authentication: counted per source towards an incident
        state.incidents.observe_auth_failure(request.remote or "unknown", revoked_key_owner=exchange.revoked_key_owner)


def _observe(exchange: Exchange, observer: str, observe: Callable[[], None]) -> None:
    try:
        observe()
    except Exception as exc:
        log.error(
            "observer_failed",
            observer=observer,
            request_id=exchange.request_id,
            error_type=type(exc).__name__,
            where=code_location(exc),
            violation="LOGGING_OR_RETENTION_FAILURE" if observer != "metrics" else None,
        )


def _error_response(exchange: Exchange, err: GatewayError) -> web.Response:
    exchange.status = err.status
    exchange.error_code = err.code
    if isinstance(err, RevokedKeyPresented):
        exchange.revoked_key_owner = err.owner
    if exchange.outcome == "ok":
        exchange.outcome = "rejected" if err.status < 500 else "error"
    return render_error(err, exchange.api, exchange.request_id)
