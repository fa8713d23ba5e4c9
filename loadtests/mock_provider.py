"""A mock LLM provider speaking the real OpenAI and Anthropic wire formats.

It stands in for the one thing that cannot run here, the remote provider. It
checks the provider key like the real APIs do, records what arrived (so tests can
assert what left the gateway), streams SSE with a configurable time to first token
and inter-chunk delay, and injects failures: an HTTP status (429 with retry-after,
500, ...), a slow answer, or a connection reset in the middle of a stream. A model name
``<model>-fault-<mode>`` picks a misbehaving answer (``loadtests.mock_faults``), and
``<model>-answer-<field>`` puts the reply text in another field (``loadtests.mock_answers``).

    python -m loadtests.mock_provider --port 9100 --ttft-ms 50 --chunk-delay-ms 5
    python -m loadtests.mock_provider --port 9100 --ttft-ms 300 --tokens-per-s 40 --reply-prose 120 --leading-space

``--tokens-per-s`` paces a stream as a model does (one word-sized chunk per token), ``--reply-prose``
answers with that many words of ordinary prose (sentences, capitals, a few numbers: what a screened
stream holds back for is in it), ``--leading-space`` sends chat pieces as tokenizers cut them (" word",
the space first: a word is known to be complete only when the next one starts), not "word ".

Control endpoints: ``POST /_mock/behaviour`` (JSON fields of ``Behaviour``),
``GET /_mock/requests``, ``DELETE /_mock/requests``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import deque
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from aiohttp import web

from gateway.wire import replies
from gateway.wire.endpoints import endpoint_named
from gateway.wire.slots import request_texts
from gateway.wire.text import approx_tokens
from loadtests import mock_answers, mock_faults

OPENAI_KEY = "sk-mock-openai-upstream-key"
ANTHROPIC_KEY = "sk-ant-mock-upstream-key"
ROUTES = {
    "/v1/chat/completions": "chat.completions",
    "/v1/completions": "completions",
    "/v1/embeddings": "embeddings",
    "/v1/responses": "responses",
    "/v1/messages": "messages",
    "/v1/messages/count_tokens": "messages.count_tokens",
}


@dataclass(frozen=True)
class Behaviour:
    reply_text: str = "Hello from the mock provider."
    ttft_ms: float = 0.0  # delay before the first streamed chunk (and before a whole reply)
    chunk_delay_ms: float = 0.0  # delay between streamed chunks
    error_status: int = 0  # answer every request with this HTTP status (0: no error)
    retry_after: str = "2"
    slow_ms: float = 0.0  # delay before sending any response headers
    reset_after_chunks: int = -1  # cut the connection after this many stream events (-1: never)
    hold_after_chunks: int = -1  # after this many stream events, wait for release() (-1: never)
    record: bool = True
    leading_space: bool = False  # chat pieces as " word" rather than "word " (see the module's docstring)


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class MockProvider:
    def __init__(
        self, behaviour: Behaviour | None = None, openai_key: str = OPENAI_KEY, anthropic_key: str = ANTHROPIC_KEY
    ) -> None:
        self.behaviour = behaviour or Behaviour()
        self.requests: deque[RecordedRequest] = deque(maxlen=10_000)
        self._keys = {"openai": openai_key, "anthropic": anthropic_key}
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._gate = asyncio.Event()
        self.url = ""

    def configure(self, **changes: Any) -> None:
        self.behaviour = replace(self.behaviour, **changes)

    def reset(self) -> None:
        self.behaviour = Behaviour()
        self.requests.clear()
        self._gate = asyncio.Event()

    def release(self) -> None:
        """Let streams held by ``hold_after_chunks`` go on (callable from any thread)."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._gate.set)

    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        for path in ROUTES:
            app.router.add_post(path, self._handle)
        app.router.add_get("/v1/models", self._models)
        app.router.add_post("/_mock/behaviour", self._set_behaviour)
        app.router.add_post(mock_faults.REDIRECT_TARGET, self._redirected)
        app.router.add_get("/_mock/requests", self._get_requests)
        app.router.add_delete("/_mock/requests", self._clear_requests)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self._loop = asyncio.get_running_loop()
        port = self._runner.addresses[0][1]
        self.url = f"http://{host}:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        endpoint = ROUTES[request.path]
        anthropic = endpoint.startswith("messages")
        b = self.behaviour
        if b.slow_ms:
            await asyncio.sleep(b.slow_ms / 1000)
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            # What a real API does with a body it cannot read: a 400, never a 500 the gateway would relay.
            return _error(400, "invalid_request_error", "mock provider could not parse the body", anthropic)
        if b.record:
            self.requests.append(RecordedRequest(request.path, dict(request.headers), body))
        if not self._authorized(request, anthropic):
            return _error(
                401,
                "authentication_error" if anthropic else "invalid_request_error",
                "invalid x-api-key" if anthropic else "Incorrect API key provided.",
                anthropic,
            )
        if b.error_status:
            headers = {"retry-after": b.retry_after} if b.error_status == 429 else {}
            kind = {429: "rate_limit_error", 400: "invalid_request_error"}.get(b.error_status, "api_error")
            return _error(b.error_status, kind, f"mock provider injected status {b.error_status}", anthropic, headers)
        try:
            text = "\n".join(request_texts(endpoint_named(endpoint), body))
        except Exception:  # odd types the gateway let through: refused as a provider would, with a 400
            return _error(400, "invalid_request_error", "mock provider could not read the request", anthropic)
        mode = mock_faults.fault_mode(body)
        reply_text = (
            b.reply_text if mode not in ("surrogate", "deep") else f"{b.reply_text} {mock_faults.SURROGATE_MARKER}"
        )
        reply = replies.Reply(model=str(body.get("model", "mock")), text=reply_text, input_tokens=approx_tokens(text))
        headers = {"x-request-id": "mock-upstream-id", "x-ratelimit-remaining-requests": "999"}
        streams = endpoint_named(endpoint).streams
        if body.get("stream") is True and streams and mode not in mock_faults.WHOLE_MODES:
            return await self._stream(request, endpoint, reply, body, headers, mode)
        field = mock_answers.answer_field(body)
        if field == "error":
            return web.Response(
                body=mock_answers.error_body(reply_text, anthropic),
                status=400,
                content_type="application/json",
                headers=headers,
            )
        if b.ttft_ms:
            await asyncio.sleep(b.ttft_ms / 1000)
        try:
            answer = replies.render(endpoint_named(endpoint), reply, body)
        except Exception:  # e.g. an embeddings input nested too deep to render
            return _error(400, "invalid_request_error", "mock provider could not read the request", anthropic)
        if field is not None:
            answer = mock_answers.whole(endpoint, field, answer, reply_text)
        whole = None if mode is None else mock_faults.whole_fault(mode, answer, request.path, anthropic)
        if whole is not None:
            return web.Response(
                body=whole.body,
                status=whole.status,
                headers={**headers, **whole.headers, "content-type": whole.content_type},
            )
        return web.json_response(answer, headers=headers)

    async def _stream(
        self,
        request: web.Request,
        endpoint: str,
        reply: replies.Reply,
        body: dict[str, Any],
        headers: dict[str, str],
        mode: str | None = None,
    ) -> web.StreamResponse:
        b = self.behaviour
        response = web.StreamResponse(
            headers={**headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache"}
        )
        try:
            events = list(replies.render_stream(endpoint_named(endpoint), reply, body))
        except Exception:
            return _error(
                400, "invalid_request_error", "mock provider could not read the request", endpoint == "messages"
            )
        await response.prepare(request)
        cut_after = b.reset_after_chunks
        field = mock_answers.answer_field(body)
        if field is not None:
            events = mock_answers.stream(endpoint, field, events, reply.text, endpoint == "messages")
        if mode is not None:
            fault = mock_faults.stream_fault(mode, events, endpoint == "messages")
            events, cut_after = fault.events, fault.cut_after
        if b.leading_space and endpoint == "chat.completions":
            events = leading_spaces(events)
        for index, event in enumerate(events):
            if index == cut_after and request.transport is not None:
                request.transport.abort()  # what a dropped upstream connection looks like
                return response
            if index == b.hold_after_chunks:
                await self._gate.wait()
            delay = b.ttft_ms if index == 0 else b.chunk_delay_ms
            if delay:
                await asyncio.sleep(delay / 1000)
            try:
                await response.write(event)
            except ConnectionResetError:  # the gateway stopped reading (e.g. it refused an event): no more to send
                return response
        await response.write_eof()
        return response

    def _authorized(self, request: web.Request, anthropic: bool) -> bool:
        # Anthropic's API takes x-api-key or (as its newer SDKs send) a bearer token.
        expected = self._keys["anthropic" if anthropic else "openai"]
        bearer = request.headers.get("authorization") == f"Bearer {expected}"
        return bearer or (anthropic and request.headers.get("x-api-key") == expected)

    async def _models(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model", "created": 0, "owned_by": "mock"}]}
        )

    async def _set_behaviour(self, request: web.Request) -> web.Response:
        changes = await request.json()
        known = {f.name for f in fields(Behaviour)}
        unknown = set(changes) - known
        if unknown:
            return web.json_response({"error": f"unknown behaviour fields: {sorted(unknown)}"}, status=400)
        self.configure(**changes)
        return web.json_response(asdict(self.behaviour))

    async def _redirected(self, request: web.Request) -> web.Response:
        # Where the "redirect" fault points: a gateway that follows it lands here, and this answer says so.
        return web.json_response({"redirected": True, "got_auth": "authorization" in request.headers})

    async def _get_requests(self, request: web.Request) -> web.Response:
        return web.json_response([asdict(r) for r in self.requests])

    async def _clear_requests(self, request: web.Request) -> web.Response:
        self.requests.clear()
        return web.json_response({"cleared": True})


# Ordinary work prose: sentences, capitalised words, names of things, a few numbers and dates.
_PROSE = (
    "Thanks for the details. The quarterly report shows steady growth in all regions, and the team "
    "expects more of the same next year. Revenue rose by 12 percent compared with last year, while costs "
    "stayed flat. In March the Berlin office moved to a new building, which cut rent by about a third. "
    "The main risks are currency swings and a slower market in Asia; both are covered in section 4. "
    "I would suggest two next steps: review the pricing model with finance, and plan the hiring for "
    "the second half before the budget is fixed. Let me know if you want a shorter summary for the board."
)
PROSE = _PROSE.split()


def prose(words: int) -> str:
    return " ".join(PROSE[n % len(PROSE)] for n in range(words))


def leading_spaces(events: list[bytes]) -> list[bytes]:
    """Chat chunks whose content ends in whitespace, with it moved to the start of the next piece."""
    out, carry = [], ""
    for event in events:
        if not event.startswith(b"data: {"):
            out.append(event)
            continue
        obj = json.loads(event[6:])
        delta = obj["choices"][0]["delta"] if obj.get("choices") else {}
        text = delta.get("content")
        if text:
            stripped = text.rstrip()
            delta["content"], carry = carry + stripped, text[len(stripped) :]
            event = f"data: {json.dumps(obj, separators=(',', ':'))}\n\n".encode()
        out.append(event)
    return out


def _error(
    status: int, kind: str, message: str, anthropic: bool, headers: dict[str, str] | None = None
) -> web.Response:
    if anthropic:
        payload: dict[str, Any] = {"type": "error", "error": {"type": kind, "message": message}}
    else:
        payload = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return web.Response(text=json.dumps(payload), status=status, content_type="application/json", headers=headers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--ttft-ms", type=float, default=0.0)
    parser.add_argument("--chunk-delay-ms", type=float, default=0.0)
    parser.add_argument("--tokens-per-s", type=float, default=0.0, help="pace a stream: sets --chunk-delay-ms")
    parser.add_argument("--reply-prose", type=int, default=0, help="reply with this many words of prose")
    parser.add_argument("--leading-space", action="store_true", help='chat pieces " word" (as tokenizers cut)')
    parser.add_argument(
        "--reply-words", type=int, default=0, help="reply with this many words instead of the default sentence"
    )
    parser.add_argument("--no-record", action="store_true", help="do not keep received requests (for benchmarks)")
    args = parser.parse_args()
    delay = 1000 / args.tokens_per_s if args.tokens_per_s else args.chunk_delay_ms
    behaviour = Behaviour(
        ttft_ms=args.ttft_ms, chunk_delay_ms=delay, record=not args.no_record, leading_space=args.leading_space
    )
    if args.reply_words:
        behaviour = replace(behaviour, reply_text=" ".join(f"word{i}" for i in range(args.reply_words)))
    if args.reply_prose:
        behaviour = replace(behaviour, reply_text=prose(args.reply_prose))
    mock = MockProvider(behaviour)
    web.run_app(mock.app(), host=args.host, port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
