"""The offline echo provider: answers with exactly the text the gateway would send upstream.

It needs no key and no network, so the gateway works out of the box, and it shows
a user what leaves the building after the policy has done its work. One exception, for
control assurance: a prompt starting with ``aigw-echo-plant <hex nonce>`` is answered with a
test card number derived from the nonce (``echo_plant``), a value that only the answer holds.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Iterator

from gateway.errors import ApiFormat
from gateway.providers.base import UpstreamCall, UpstreamReply
from gateway.providers.echo_plant import planted_answer
from gateway.wire import replies
from gateway.wire.slots import request_texts
from gateway.wire.text import approx_tokens

JSON = "application/json"
SSE = "text/event-stream; charset=utf-8"


class EchoProvider:
    kind = "echo"
    formats = frozenset({ApiFormat.OPENAI, ApiFormat.ANTHROPIC})
    mirrors_request = True

    def __init__(self, name: str, models: tuple[str, ...]) -> None:
        self.name = name
        self.models = models

    @property
    def available(self) -> bool:
        return True

    async def send(self, call: UpstreamCall) -> UpstreamReply:
        endpoint, body = call.endpoint, call.body
        text = "\n".join(request_texts(endpoint, body))
        text = planted_answer(text) or text  # control assurance: an answer-only value (echo_plant)
        reply = replies.Reply(model=str(body.get("model", self.name)), text=text, input_tokens=approx_tokens(text))
        if endpoint.streams and body.get("stream") is True:
            return UpstreamReply(
                200, {"content-type": SSE}, stream=_as_async(replies.render_stream(endpoint, reply, body))
            )
        payload = json.dumps(replies.render(endpoint, reply, body), ensure_ascii=False).encode()
        return UpstreamReply(200, {"content-type": JSON}, body=payload)

    async def close(self) -> None:
        return None


async def _as_async(events: Iterator[bytes]) -> AsyncGenerator[bytes, None]:
    for event in events:
        yield event
