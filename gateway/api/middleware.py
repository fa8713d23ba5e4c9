"""The one place where errors become responses, and where each request is logged."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog
from aiohttp import web

from gateway.errors import GatewayError, InternalError, RevokedKeyPresented, from_http_exception, render_error
from gateway.exchange import Exchange, ExchangeFinished, Outcome
from gateway.lifecycle.state import IN_FLIGHT, STATE
from gateway.logs import code_location
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
        exchange.outcome = Outcome.CLIENT_DISCONNECTED
        exchange.status = exchange.status or 499  # nginx's code for "client closed request"
        log.info("request", **exchange.log_fields())
        _publish(request, exchange)
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
    _publish(request, exchange)
    return response


def _draining(request: web.Request) -> bool:
    state = request.app.get(STATE)
    return state is not None and state.draining


def _publish(request: web.Request, exchange: Exchange) -> None:
    """The finished exchange to its subscribers, declared at assembly (``lifecycle.state``)."""
    state = request.app.get(STATE)
    if state is None:
        return
    policy = exchange.policy or state.policy
    state.exchange_subscribers.publish(ExchangeFinished(exchange, policy, request.remote or "unknown"))


def _error_response(exchange: Exchange, err: GatewayError) -> web.Response:
    exchange.status = err.status
    exchange.error_code = err.code
    if isinstance(err, RevokedKeyPresented):
        exchange.revoked_key_owner = err.owner
    if exchange.outcome is Outcome.OK:
        exchange.outcome = Outcome.REJECTED if err.status < 500 else Outcome.ERROR
    return render_error(err, exchange.api, exchange.request_id)
