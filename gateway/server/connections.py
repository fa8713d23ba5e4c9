"""Connection-level guards for both listeners: slow and idle clients, too many connections,
low-level errors that would quote the request, and the ``Server`` header.

aiohttp's server has an idle keep-alive timeout but no limit on how long a request's headers
may take, so a client that sends half a request line and then one byte every few seconds
(slowloris) holds a connection, unauthenticated, for as long as it likes. ``GuardedConnection``
adds a header timer: a connection must complete its first request's headers within
``limits.header_timeout_s`` of opening, and every later request's within that time of its first
byte. It also caps the open connections per listener (``limits.max_connections``: more are
closed as soon as they are accepted) and answers malformed HTTP with a generic JSON error
instead of aiohttp's plain-text one, which quotes the offending bytes.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from http import HTTPStatus
from typing import Any, cast

import structlog
from aiohttp import web
from prometheus_client import Counter, Gauge

from gateway.config.settings import LimitSettings
from gateway.errors import ApiFormat, GatewayError, InternalError, InvalidRequest, render_error
from gateway.exchange import new_request_id

log = structlog.get_logger("aigw")
MAX_LINGER_S = 10.0  # aiohttp's default
SERVER_HEADER = "aigw"  # no versions: they only help an attacker pick an exploit


class ListenerGuard:
    """One listener's limits and its count of open connections (each listener has its own)."""

    def __init__(self, name: str, limits: LimitSettings, open_gauge: Gauge, rejected: Counter) -> None:
        self.name = name
        self.limits = limits
        self.open = 0
        self._open_gauge = open_gauge.labels(name)
        self._over_limit = rejected.labels(name, "over_limit")
        self._header_timeout = rejected.labels(name, "header_timeout")

    def admit(self) -> bool:
        if self.open >= self.limits.max_connections:
            self._over_limit.inc()
            return False
        self.open += 1
        self._open_gauge.inc()
        return True

    def release(self) -> None:
        self.open -= 1
        self._open_gauge.dec()

    def header_timed_out(self) -> None:
        self._header_timeout.inc()


class GuardedConnection(web.RequestHandler):
    """aiohttp's per-connection protocol, with the guards above.

    It reads aiohttp's ``_waiter`` (set while the connection waits for the next request's
    headers) and ``_messages`` (requests whose headers are complete), as aiohttp's own
    keep-alive timer does; ``tests/gateway/test_connections.py`` pins that behaviour.
    """

    def __init__(self, guard: ListenerGuard, manager: web.Server, **kwargs: Any) -> None:
        # access_log=None turns aiohttp's access log off (we log each request ourselves), as
        # AppRunner(access_log=None) does; aiohttp's annotation does not admit None.
        no_access_log = cast(logging.Logger, None)
        limits = guard.limits
        super().__init__(
            manager,
            keepalive_timeout=limits.keepalive_timeout_s,
            # After an answer to a request whose body was not read (a 401, a 408), aiohttp reads and
            # drops the rest for this long, so the answer is not lost to a reset; a silent client
            # gets no longer than a silent body would.
            lingering_time=min(MAX_LINGER_S, limits.body_idle_timeout_s),
            access_log=no_access_log,
            **kwargs,
        )
        self._guard = guard
        self._admitted = False
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not self._guard.admit():
            # Refused before aiohttp sees it: no task, no parser, nothing read.
            transport.close()
            return
        self._admitted = True
        super().connection_made(transport)
        self._start_header_timer()  # the first request's headers are due from the start

    def connection_lost(self, exc: BaseException | None) -> None:
        self._stop_header_timer()
        if self._admitted:
            self._admitted = False
            self._guard.release()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and data and self._awaiting_headers():
            self._start_header_timer()  # the first byte of a new request on a kept-alive connection
        super().data_received(data)
        if self._messages:  # the request's headers are complete: the handler's own deadlines apply now
            self._stop_header_timer()

    def handle_error(
        self, request: web.BaseRequest, status: int = 500, exc: BaseException | None = None, message: str | None = None
    ) -> web.StreamResponse:
        """Malformed HTTP (400 and the like) and errors outside any handler: a generic body in the
        OpenAI error shape. aiohttp's own quotes the offending bytes (header values included), so
        neither the message nor the exception's text is shown or logged, only its type."""
        log.warning("http_error", status=status, error_type=type(exc).__name__ if exc is not None else None)
        if request.writer.output_size > 0:  # part of a response went out: the connection is broken
            raise ConnectionError("response already started")
        err: GatewayError
        if status < 500:
            err = InvalidRequest(f"{HTTPStatus(status).phrase}: the HTTP request is malformed.", code=f"http_{status}")
            err.status = status
        else:
            err = InternalError("The gateway hit an internal error; the request was not completed.")
        response = render_error(err, ApiFormat.OPENAI, new_request_id())
        response.headers["server"] = SERVER_HEADER
        response.force_close()
        return response

    def _awaiting_headers(self) -> bool:
        """True while the connection waits for a request's headers (none is being handled)."""
        waiter = self._waiter
        return waiter is not None and not waiter.done() and not self._messages

    def _start_header_timer(self) -> None:
        self._stop_header_timer()
        loop = asyncio.get_running_loop()
        self._header_timer = loop.call_later(self._guard.limits.header_timeout_s, self._header_deadline)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_deadline(self) -> None:
        self._header_timer = None
        if self._awaiting_headers():
            self._guard.header_timed_out()
            self.force_close()


class GuardedSite(web.SockSite):
    """A listening socket whose connections are ``GuardedConnection``s."""

    def __init__(self, runner: web.AppRunner, sock: socket.socket, guard: ListenerGuard) -> None:
        super().__init__(runner, sock)
        self._guard = guard

    async def start(self) -> None:
        await web.BaseSite.start(self)  # registers the site with its runner (SockSite.start would too)
        server = self._runner.server
        if server is None:
            raise RuntimeError("the runner is not set up")

        def connection() -> GuardedConnection:
            return GuardedConnection(self._guard, server, loop=loop)

        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(connection, sock=self._sock, backlog=self._backlog)


async def bare_server_header(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: ``Server: aigw`` instead of aiohttp's Python and aiohttp versions."""
    response.headers["server"] = SERVER_HEADER
