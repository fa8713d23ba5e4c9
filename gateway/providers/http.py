"""Providers reached over HTTP: OpenAI (and any OpenAI-compatible API) and Anthropic.

The caller's credentials never travel upstream: only an allow-list of request
headers is forwarded and the provider's key is injected here. Streams are relayed
chunk by chunk as they arrive.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Mapping
from functools import partial

import aiohttp

from gateway.config.settings import LimitSettings, ProviderSettings
from gateway.errors import (
    ApiFormat,
    GatewayError,
    ServiceUnavailable,
    UpstreamConnectTimeout,
    UpstreamTimeout,
    UpstreamUnavailable,
    UpstreamUnreachable,
)
from gateway.providers.base import UpstreamCall, UpstreamReply
from gateway.providers.reply_headers import passable_headers

DEFAULT_BASE_URLS = {"openai": "https://api.openai.com/v1", "anthropic": "https://api.anthropic.com"}
DEFAULT_AUTH_HEADERS = {"openai": "authorization", "anthropic": "x-api-key"}
DEFAULT_ANTHROPIC_VERSION = "2023-06-01"

# Caller headers that carry API semantics; everything else (auth, cookies, hop-by-hop,
# SSO identity headers, client telemetry) stays at the gateway.
FORWARDED_REQUEST_HEADERS = (
    "accept",
    "anthropic-version",
    "anthropic-beta",
    "openai-beta",
    "idempotency-key",
    "user-agent",
)


def forwardable_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: headers[name] for name in FORWARDED_REQUEST_HEADERS if name in headers}


def create_session(limits: LimitSettings) -> aiohttp.ClientSession:
    timeout = aiohttp.ClientTimeout(
        total=limits.upstream_total_timeout_s,
        connect=limits.upstream_connect_timeout_s,
        sock_read=limits.upstream_read_timeout_s,
    )
    connector = aiohttp.TCPConnector(limit=limits.max_upstream_connections, ttl_dns_cache=300)
    return aiohttp.ClientSession(connector=connector, timeout=timeout, auto_decompress=True, trust_env=False)


class HttpProvider:
    def __init__(
        self,
        name: str,
        settings: ProviderSettings,
        api_key: str | None,
        missing_key_source: str | None,
        session: aiohttp.ClientSession,
        limits: LimitSettings,
    ) -> None:
        self.name = name
        self.kind: str = settings.type
        self.formats = frozenset({ApiFormat.ANTHROPIC if settings.type == "anthropic" else ApiFormat.OPENAI})
        self.models = settings.models
        self.mirrors_request = False
        self._base_url = settings.base_url or DEFAULT_BASE_URLS[settings.type]
        self._static_headers = dict(settings.headers)
        auth_header = settings.auth_header or DEFAULT_AUTH_HEADERS[settings.type]
        if api_key is not None:
            value = f"Bearer {api_key}" if auth_header == "authorization" else api_key
            self._static_headers[auth_header] = value
        self._missing_key_source = missing_key_source
        self._session = session
        self._max_response_bytes = limits.max_response_bytes

    @property
    def available(self) -> bool:
        return self._missing_key_source is None

    def url_for(self, path: str) -> str:
        # OpenAI-style base URLs end in /v1 (as in the OpenAI SDK); Anthropic's do not.
        return self._base_url + (path.removeprefix("/v1") if self.kind == "openai" else path)

    async def send(self, call: UpstreamCall) -> UpstreamReply:
        if not self.available:
            raise ServiceUnavailable(
                f"Provider '{self.name}' is not configured on this gateway "
                f"(its key, {self._missing_key_source}, is not set).",
                code="provider_unavailable",
            )
        headers = {
            **call.headers,
            **self._static_headers,
            "content-type": "application/json",
            "x-request-id": call.request_id,
        }
        if self.kind == "anthropic":
            headers.setdefault("anthropic-version", DEFAULT_ANTHROPIC_VERSION)
        data = call.raw_body if call.raw_body is not None else _encode(call.body)
        try:
            # Never follow a redirect: it would re-send the prompt, and the provider key in any header
            # but Authorization (x-api-key, api-key), to whatever origin the Location names.
            response = await self._session.post(
                self.url_for(call.endpoint.path), data=data, headers=headers, allow_redirects=False
            )
        except Exception as exc:
            raise self._translate(exc) from None
        if 300 <= response.status < 400:
            response.close()
            raise UpstreamUnavailable(
                f"Provider '{self.name}' answered with a redirect (HTTP {response.status}), "
                "which the gateway does not follow."
            )
        reply = UpstreamReply(response.status, passable_headers(response.headers))
        if response.status == 200 and response.content_type == "text/event-stream":
            reply.stream, reply.drop_connection = self._relay(response), partial(_drop, response)
            return reply
        try:
            reply.body = await self._read_limited(response)
        except Exception as exc:
            raise self._translate(exc) from None
        finally:
            response.release()
        return reply

    async def _read_limited(self, response: aiohttp.ClientResponse) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_any():
            size += len(chunk)
            if size > self._max_response_bytes:
                raise UpstreamUnavailable(f"Provider '{self.name}' sent a response larger than the gateway's limit.")
            chunks.append(chunk)
        return b"".join(chunks)

    async def _relay(self, response: aiohttp.ClientResponse) -> AsyncGenerator[bytes, None]:
        completed = False
        try:
            async for chunk in response.content.iter_any():
                yield chunk
            completed = True
        except Exception as exc:
            raise self._translate(exc) from None
        finally:
            # A stream cut short (client gone, error) closes the connection so the
            # provider stops generating; a finished one returns it to the pool.
            if completed:
                response.release()
            else:
                response.close()

    def _translate(self, exc: BaseException) -> GatewayError:
        if isinstance(exc, GatewayError):
            return exc
        # No connection made (refused, DNS, TLS, connect timeout): the prompt never left.
        if isinstance(exc, aiohttp.ConnectionTimeoutError):
            return UpstreamConnectTimeout(f"Provider '{self.name}' did not answer in time.")
        if isinstance(exc, aiohttp.ClientConnectorError):
            return UpstreamUnreachable(f"Provider '{self.name}' could not be reached ({type(exc).__name__}).")
        if isinstance(exc, asyncio.TimeoutError):
            return UpstreamTimeout(f"Provider '{self.name}' did not answer in time.")
        return UpstreamUnavailable(f"Provider '{self.name}' could not be reached ({type(exc).__name__}).")

    async def close(self) -> None:
        await self._session.close()


def _drop(response: aiohttp.ClientResponse) -> None:
    """Close a stream's connection unless the stream already released it to the pool or closed it."""
    if not response.closed:
        response.close()


def _encode(body: Mapping[str, object]) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
