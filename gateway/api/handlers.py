"""The API handlers: authenticate, parse, route, apply the policy, forward, relay."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import structlog
from aiohttp import ClientConnectionResetError, web

from gateway.api.assurance_gate import confine_assurance
from gateway.api.limits import UNSENT, admit, ask_usage, settle
from gateway.api.middleware import EXCHANGE
from gateway.api.register_gate import check_register
from gateway.api.reroute import reroute
from gateway.auth.identity import Identity
from gateway.errors import (
    ApiFormat,
    GatewayError,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    PolicyDenied,
    UpstreamInvalid,
    render_stream_error,
)
from gateway.exchange import AccessDecision, Exchange, Outcome
from gateway.json_input import parse_request
from gateway.lifecycle.runtime import PolicyRuntime
from gateway.lifecycle.state import STATE, GatewayState
from gateway.logs import code_location
from gateway.model_names import check_model_name
from gateway.policy.policy import Policy, ToolDecision, denial_message
from gateway.provider_features import check_features
from gateway.providers import Provider, UpstreamCall, UpstreamReply
from gateway.providers.http import forwardable_headers
from gateway.providers.routing import Route
from gateway.request_body import read_body, require_json
from gateway.screening.answer_chain import AnswerStages, answer_stream
from gateway.screening.answer_headers import screen_header_values
from gateway.screening.answer_ids import AnswerGate, screen_body_ids
from gateway.screening.restore import RestoringStream, restore_body
from gateway.screening.screen import Screening, refuse_data_classes, screen_request, screen_response
from gateway.screening.stream import ScanningStream
from gateway.text_safety import scrub
from gateway.wire.capture import AnswerCapture, CapturingStage
from gateway.wire.choice_index import asked_choices
from gateway.wire.endpoints import Endpoint
from gateway.wire.slots import request_texts
from gateway.wire.stream_usage import UsageStrip, with_usage_asked

log = structlog.get_logger("aigw")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_CLIENT_LENGTH = 200
REFUSED_MODEL_NAME = "[model name refused: protected data]"


def endpoint_handler(endpoint: Endpoint) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        return await proxy(request, endpoint)

    return handle


async def proxy(request: web.Request, endpoint: Endpoint) -> web.StreamResponse:
    """Authenticate, parse, route, apply the approved-tools policy, screen the prompt,
    forward, screen and restore the answer, relay it."""
    state, exchange = request.app[STATE], request[EXCHANGE]
    with state.lease() as runtime:  # one policy from start to end, even if a reload happens meanwhile
        try:
            return await _proxy(request, endpoint, state, runtime, exchange)
        finally:  # however it ended (answered, refused later, failed, cut): the estimate becomes the usage
            settle(state, exchange)


async def _proxy(
    request: web.Request, endpoint: Endpoint, state: GatewayState, runtime: PolicyRuntime, exchange: Exchange
) -> web.StreamResponse:
    policy = exchange.policy = runtime.policy
    exchange.endpoint, exchange.policy_version = endpoint.name, policy.version
    exchange.api = endpoint.api  # errors from here on in the endpoint's own API shape, whatever its path
    exchange.client = scrub(request.headers.get("user-agent", "")[:MAX_CLIENT_LENGTH]) or None
    exchange.identity = identity = await state.authenticator.authenticate(request)
    require_json(request, identity)  # before the body is read: a cross-site form post goes no further
    limits = state.settings.limits
    body, raw_bytes = await _read_json(request, limits.max_body_bytes, limits.max_json_depth)
    raw: bytes | None = raw_bytes
    route, provider = _route(state, exchange, endpoint, body)
    tool = _authorize(policy, exchange, identity, route.provider, route.model)
    check_features(policy, exchange, identity, body, request.headers)
    await admit(state, policy, exchange, endpoint, identity, tool, route, body)  # before any scan: a 429 is cheap
    if route.explicit:  # the provider knows the model without our provider/ prefix
        body, raw = {**body, "model": route.model}, None
    if ask_usage(state, exchange, endpoint, route, body):  # the stream's usage is counted (limits, spend)
        body, raw = with_usage_asked(body), None
        exchange.usage_asked = True
    keep_text = policy.log_keeps_text
    if keep_text:
        exchange.prompt_texts = request_texts(endpoint, body)
    exchange.screening = screening = Screening()
    try:
        await screen_request(runtime.pool, policy, endpoint, body, screening, len(raw_bytes))
    finally:
        if screening.model_refused:  # the log line, the prompt log and the incident name no protected value
            exchange.model = REFUSED_MODEL_NAME
    target = reroute(state, policy, exchange, identity, endpoint, tool, screening)
    if target is not None:  # to the self-hosted tool the policy names for this data, under its name
        route, provider, tool = target.route, target.provider, target.tool
        body, raw = {**body, "model": route.model}, None
    refuse_data_classes(policy, tool, route.provider, screening)
    confine_assurance(state.settings, identity, route.provider)  # the provider that would get it: echo only
    if screening.changed:
        raw = None
    if keep_text:
        exchange.forwarded_texts = request_texts(endpoint, body) if screening.changed else exchange.prompt_texts
    await state.prompt_log.admit()  # fail closed before anything leaves when the exchange could not be recorded
    call = UpstreamCall(endpoint, body, raw, forwardable_headers(request.headers), exchange.request_id)
    exchange.sent_at = time.perf_counter()
    try:
        reply = await provider.send(call)
    except UNSENT:
        exchange.upstream_status = 0  # nothing left for the provider: the limits refund the estimate
        raise
    exchange.answered_at, exchange.upstream_status = time.perf_counter(), reply.status
    exchange.upstream_ms = round((exchange.answered_at - exchange.sent_at) * 1000, 3)
    try:
        choices = asked_choices(endpoint, body)
        reply = await _process_answer(runtime, exchange, endpoint, reply, provider, keep_text, choices)
    except BaseException as exc:
        await _close_quietly(reply, exchange)
        if isinstance(exc, GatewayError | asyncio.CancelledError) or not isinstance(exc, Exception):
            raise
        _log_internal(exchange, exc)  # an answer we cannot read is withheld, never relayed unscreened
        raise UpstreamInvalid("The provider's answer could not be screened; it was withheld.") from None
    exchange.relayed_at = time.perf_counter()
    return await _relay(request, reply, exchange)


async def _process_answer(
    runtime: PolicyRuntime,
    exchange: Exchange,
    endpoint: Endpoint,
    reply: UpstreamReply,
    provider: Provider,
    keep_text: bool,
    choices: int = 1,
) -> UpstreamReply:
    """Screen the answer, capture what the log keeps, and give the caller back their own data: a
    whole body in that order now, a stream through the answer chain's stages, in that order as it passes."""
    stages = AnswerStages()
    reply = await _protect_answer(runtime, exchange, endpoint, reply, stages, choices)
    _capture(exchange, endpoint, reply, keep_text, stages)
    screening = exchange.screening
    if screening is not None and screening.pseudonyms and not provider.mirrors_request:
        if reply.stream is not None:
            stages.restore = RestoringStream(endpoint, screening.pseudonyms)
        elif reply.status < 400:
            reply.body = restore_body(endpoint, reply.body, screening.pseudonyms)
        exchange.restored = True
    if reply.stream is not None:
        reply.stream = answer_stream(endpoint, reply.stream, stages)
    return reply


def _capture(
    exchange: Exchange, endpoint: Endpoint, reply: UpstreamReply, keep_text: bool, stages: AnswerStages
) -> None:
    """Usage (and the answer's text, when the log keeps it) for the prompt log, before originals are restored."""
    exchange.capture = capture = AnswerCapture(keep_text=keep_text)
    if reply.status >= 400:
        return
    if reply.stream is not None:
        stages.capture = CapturingStage(capture, endpoint)
        if exchange.usage_asked:  # the caller did not ask for usage: it gets the stream it asked for
            stages.strip = UsageStrip()
    else:
        capture.read_body(endpoint, reply.body)


def _route(state: GatewayState, exchange: Exchange, endpoint: Endpoint, body: dict[str, Any]) -> tuple[Route, Provider]:
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise InvalidRequest("Missing required parameter: 'model'.", param="model", code="missing_model")
    check_model_name(model)
    exchange.model, exchange.stream = model, body.get("stream") is True
    route = state.router.resolve(model)
    if route is None:
        raise NotFound(
            f"No provider on this gateway serves model '{model[:100]}'.", param="model", code="model_not_found"
        )
    exchange.provider = route.provider
    provider = state.providers[route.provider]
    if endpoint.api not in provider.formats:
        raise InvalidRequest(
            f"Model '{model[:100]}' is served by provider '{provider.name}', which does not speak the "
            f"{endpoint.api.value} API used by {endpoint.path}.",
            param="model",
            code="api_mismatch",
        )
    return route, provider


async def _protect_answer(
    runtime: PolicyRuntime,
    exchange: Exchange,
    endpoint: Endpoint,
    reply: UpstreamReply,
    stages: AnswerStages,
    choices: int = 1,
) -> UpstreamReply:
    """Apply the response-direction data rules: to the whole answer now, or to a stream as it passes."""
    pool, policy = runtime.pool, runtime.policy
    if pool is None or not policy.scans_answers:
        return reply
    exchange.response_screening = answer = Screening()
    await screen_header_values(pool, policy, reply.headers)  # ids and long numbers: scanned, dropped on a finding
    if reply.stream is not None:  # each event's ids screened, its logprobs dropped (gateway.screening.answer_ids)
        stages.gate = AnswerGate(pool, policy, answer)
        stages.scan = ScanningStream(endpoint, pool, policy, answer, choices)
    else:  # an error body is relayed to the caller too: its message is screened like an answer
        error = reply.status >= 400
        reply.body = await screen_body_ids(pool, policy, reply.body, answer)
        reply.body = await screen_response(pool, policy, endpoint, reply.body, answer, error=error)
    return reply


def _authorize(policy: Policy, exchange: Exchange, identity: Identity, provider: str, model: str) -> ToolDecision:
    decision = policy.check_tool(identity.groups, provider, model, identity.group_source)
    denied = AccessDecision.MONITOR_DENY if policy.monitor else AccessDecision.DENY
    exchange.decision = AccessDecision.ALLOW if decision.allowed else denied
    exchange.rule = decision.rule
    if not decision.allowed:
        log.warning(
            "policy_decision",
            request_id=exchange.request_id,
            decision="deny",
            mode="monitor" if policy.monitor else "enforce",
            violation="unapproved_model",
            rule=decision.rule,
            policy=policy.id,
            policy_version=policy.version,
            user=identity.user,
            groups=list(decision.groups),
            provider=provider,
            model=model[:100],
        )
        if not policy.monitor:  # in monitor mode: recorded as denied, served as if approved
            raise PolicyDenied(
                denial_message(decision, policy, provider, model), param="model", code="model_not_approved"
            )
        return decision
    return check_register(policy, exchange, provider, model, decision)


async def _read_json(request: web.Request, limit: int, max_depth: int) -> tuple[dict[str, Any], bytes]:
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"Request body is {request.content_length} bytes; this gateway accepts at most {limit}.")
    raw = await read_body(request, request.app[STATE].settings.limits)  # with deadlines and the size limit
    return parse_request(raw, max_depth), raw


async def _relay(request: web.Request, reply: UpstreamReply, exchange: Exchange) -> web.StreamResponse:
    relayed = reply.headers
    if exchange.limit_headers:  # the gateway's limits are the caller's: the provider's own would contradict them
        own = ("x-ratelimit-", "anthropic-ratelimit-")
        relayed = {name: value for name, value in relayed.items() if not name.lower().startswith(own)}
    headers = {**relayed, **exchange.stamp()}
    if reply.stream is None:
        if reply.status >= 400:
            exchange.outcome = Outcome.UPSTREAM_ERROR
        return web.Response(body=reply.body, status=reply.status, headers=headers)
    response = web.StreamResponse(status=reply.status, headers={**headers, "cache-control": "no-cache"})
    try:
        await response.prepare(request)
    except BaseException:  # the caller is gone before the headers: the provider must stop generating
        await _close_quietly(reply, exchange)
        raise
    try:
        async for chunk in reply.stream:
            await response.write(chunk)
    except GatewayError as err:
        await _end_stream(response, exchange, err)
    except (ClientConnectionResetError, ConnectionResetError):
        exchange.outcome = Outcome.CLIENT_DISCONNECTED
    except Exception as exc:  # the headers are out: a 500 now would land inside the chunked body
        _log_internal(exchange, exc)
        cut = UpstreamInvalid("The provider's stream could not be read; it was cut here.")
        await _end_stream(response, exchange, cut)
    finally:
        await _close_quietly(reply, exchange)
    if exchange.outcome is not Outcome.CLIENT_DISCONNECTED:
        await _write_quietly(response, None)
    return response


async def _end_stream(response: web.StreamResponse, exchange: Exchange, err: GatewayError) -> None:
    """An error event both SDKs raise; the chunked body then ends properly, so the connection stays
    usable (closing it raced with keep-alive clients sending their next request)."""
    exchange.outcome, exchange.error_code = Outcome.STREAM_ERROR, err.code
    await _write_quietly(response, render_stream_error(err, exchange.api, exchange.request_id))


async def _close_quietly(reply: UpstreamReply, exchange: Exchange) -> None:
    try:
        await reply.close_stream()
    except Exception as exc:  # a wrapper's cleanup failing must not turn a relayed answer into a 500
        _log_internal(exchange, exc)


def _log_internal(exchange: Exchange, exc: BaseException) -> None:
    """Where it happened, never what it said: an exception message may quote request or answer data."""
    log.error("internal_error", request_id=exchange.request_id, error_type=type(exc).__name__, where=code_location(exc))


async def _write_quietly(response: web.StreamResponse, data: bytes | None) -> None:
    try:
        if data is not None:
            await response.write(data)
        else:
            await response.write_eof()
    except (ClientConnectionResetError, ConnectionResetError):
        pass


async def list_models(request: web.Request) -> web.Response:
    state, exchange = request.app[STATE], request[EXCHANGE]
    exchange.endpoint = "models"
    exchange.identity = identity = await state.authenticator.authenticate(request)
    models = _visible_models(state, identity)
    if exchange.api is ApiFormat.ANTHROPIC:
        data = [_anthropic_model(model_id) for model_id, _ in models]
        first, last = (data[0]["id"], data[-1]["id"]) if data else (None, None)
        return web.json_response({"data": data, "has_more": False, "first_id": first, "last_id": last})
    return web.json_response({"object": "list", "data": [_openai_model(m, p) for m, p in models]})


async def get_model(request: web.Request) -> web.Response:
    state, exchange = request.app[STATE], request[EXCHANGE]
    exchange.endpoint = "models.retrieve"
    exchange.identity = identity = await state.authenticator.authenticate(request)
    wanted = request.match_info["model"]
    for model_id, provider in _visible_models(state, identity):
        if model_id == wanted:
            body = (
                _anthropic_model(model_id) if exchange.api is ApiFormat.ANTHROPIC else _openai_model(model_id, provider)
            )
            return web.json_response(body)
    raise NotFound(
        f"The model '{wanted[:100]}' does not exist or you do not have access to it.", code="model_not_found"
    )


def _visible_models(state: GatewayState, identity: Identity) -> list[tuple[str, str]]:
    """Catalogue models the caller may use, named so that they route where listed."""
    out: list[tuple[str, str]] = []
    policy, today = state.policy, datetime.now(UTC).date()
    enforced = not policy.monitor and policy.document.tool_register.enforcement == "enforce"
    for name, provider in state.providers.items():
        if not provider.available:
            continue
        for model in provider.models:
            route = state.router.resolve(model)
            model_id = model if route is not None and route.provider == name else f"{name}/{model}"
            verdict = policy.register.verdict(name, model, today)
            unregistered = verdict is None and policy.document.tool_register.require_entry
            if enforced and (unregistered or (verdict is not None and verdict.standing.refused)):
                continue  # out of service in the AI tool register, or not in it when it must be: refused
            if policy.check_tool(identity.groups, name, model, identity.group_source).allowed:
                out.append((model_id, name))
    return out


def _openai_model(model_id: str, provider: str) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": 0, "owned_by": provider}


def _anthropic_model(model_id: str) -> dict[str, Any]:
    return {"type": "model", "id": model_id, "display_name": model_id, "created_at": "1970-01-01T00:00:00Z"}
