"""Reading a request body with deadlines, so a slow or stalled client cannot hold a request open.

aiohttp's ``request.read()`` waits as long as the client keeps the connection open: one byte
and then silence, or an endless trickle of chunks, would keep the request (and, on the API
listener, its authenticated work) alive for ever. Here each read may wait at most
``limits.body_idle_timeout_s`` for the next bytes and the whole body must arrive within
``limits.body_timeout_s``; otherwise the caller gets a 408.

It also holds the Content-Type rule for API bodies (``require_json``).
"""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError

from gateway.auth.identity import Identity
from gateway.config.settings import LimitSettings
from gateway.errors import PayloadTooLarge, RequestTimeout, UnreadableBody, UnsupportedMediaType


async def read_body(request: web.Request, limits: LimitSettings, max_bytes: int | None = None) -> bytes:
    """The whole body (at most ``max_bytes``, default ``limits.max_body_bytes``), or a 408/413."""
    limit = limits.max_body_bytes if max_bytes is None else max_bytes
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limits.body_timeout_s
    chunks: list[bytes] = []
    size = 0
    while True:
        wait = min(limits.body_idle_timeout_s, deadline - loop.time())
        try:
            if wait <= 0:
                raise TimeoutError
            async with asyncio.timeout(wait):
                chunk = await request.content.readany()
        except RequestPayloadError:  # e.g. Content-Encoding: gzip over bytes that are not gzip
            raise UnreadableBody(
                "The request body could not be read as sent (its Content-Encoding does not match it)."
            ) from None
        except TimeoutError:
            raise RequestTimeout(
                "The request body did not arrive in time "
                f"(at most {limits.body_idle_timeout_s:g} s without data, {limits.body_timeout_s:g} s in all)."
            ) from None
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:  # a chunked body has no Content-Length to check up front
            raise PayloadTooLarge(f"Request body is larger than this gateway accepts (at most {limit} bytes).")
        chunks.append(chunk)


def require_json(request: web.Request, identity: Identity) -> None:
    """Behind a cookie-backed SSO proxy (trusted headers), only ``application/json`` bodies.

    A web page can make a browser POST a form, ``text/plain`` or a body with no type to any
    origin without a CORS preflight, and the browser attaches the SSO cookie, which the proxy
    turns into identity headers: a cross-site request forgery spending the employee's access.
    A JSON content type forces a preflight, which the gateway never grants. Gateway-key callers
    are not exposed (a page cannot add an Authorization or x-api-key header without a
    preflight), so ``curl -d`` with a key keeps working without the header.
    """
    if identity.method != "trusted_header":
        return
    mime = request.content_type  # "application/octet-stream" when the header is missing
    if "Content-Type" not in request.headers or not (mime == "application/json" or mime.endswith("+json")):
        raise UnsupportedMediaType(
            "Requests through the SSO proxy must send a JSON body with 'Content-Type: application/json'."
        )
