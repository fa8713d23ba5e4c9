"""Run the API and admin listeners; drain in-flight requests on SIGTERM/SIGINT.

``run_loop(serve(...))`` is how both ``aigw serve`` and each ``--workers`` process run a gateway.
"""

from __future__ import annotations

import asyncio
import faulthandler
import os
import signal
import socket
from collections.abc import Coroutine, Mapping
from typing import Any

import structlog
from aiohttp import web

from gateway.config.settings import Settings
from gateway.lifecycle.state import IN_FLIGHT, METRICS, STATE
from gateway.providers import Credential
from gateway.server.app import build_admin_app, build_app
from gateway.server.assurance_schedule import AssuranceSchedule
from gateway.server.connections import GuardedSite, ListenerGuard, bare_server_header

log = structlog.get_logger("aigw")


def bind(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:  # several worker processes on one port: the kernel spreads connections over them
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


class GatewayServer:
    """Both listeners of one gateway. Port 0 picks a free port (tests use that)."""

    def __init__(self, settings: Settings, credentials: Mapping[str, Credential], reuse_port: bool = False) -> None:
        self.settings, self._reuse_port = settings, reuse_port
        self.app = build_app(settings, credentials)
        self._runners: list[web.AppRunner] = []
        metrics = self.app[METRICS]
        open_gauge, rejected = metrics.connections_open, metrics.connections_rejected
        self.guards = {name: ListenerGuard(name, settings.limits, open_gauge, rejected) for name in ("api", "admin")}
        self.api_url = ""
        self.admin_url = ""
        self.assurance: AssuranceSchedule | None = None

    async def start(self) -> None:
        grace = self.settings.limits.shutdown_grace_s
        admin_app = build_admin_app(self.app)
        for app in (self.app, admin_app):
            app.on_response_prepare.append(bare_server_header)
        # handler_cancellation: when a caller hangs up, stop its work (the pending
        # detection scan, the upstream request and the stream the provider is generating).
        api = web.AppRunner(self.app, access_log=None, shutdown_timeout=grace, handler_cancellation=True)
        await api.setup()  # runs cleanup_ctx start-up: policy, key store, providers
        self._runners.append(api)
        admin = web.AppRunner(admin_app, access_log=None, shutdown_timeout=1.0)
        await admin.setup()
        self._runners.append(admin)
        listen, admin_listen, reuse = self.settings.listen, self.settings.admin, self._reuse_port
        self.api_url = await _serve_on(api, listen.host, listen.port, reuse, self.guards["api"])
        self.admin_url = await _serve_on(admin, admin_listen.host, admin_listen.port, reuse, self.guards["admin"])
        log.info("listening", api=self.api_url, admin=self.admin_url)
        # The schedule probes this gateway through the listeners just opened (its runs are their clients).
        self.assurance = AssuranceSchedule(self.app[STATE], self.api_url, self.admin_url, os.environ)
        self.assurance.start()

    async def stop(self) -> None:
        """Stop listening, let the requests already begun finish (their uploads included), then
        close connections and tear down the app, which flushes the prompt log. The admin listener
        goes last, so /readyz reports ``accepting: false`` while the API drains."""
        if self.assurance is not None:  # no new probes into a draining gateway
            await self.assurance.stop()
        state = self.app.get(STATE)
        if state is not None:
            state.draining = True
        if self._runners:
            api = self._runners[0]
            # aiohttp's own shutdown stops reading from every connection at once, which would
            # cut off a request whose body is still arriving; so wait for those first.
            for site in list(api.sites):
                await site.stop()
            in_flight = self.app[IN_FLIGHT]
            try:
                async with asyncio.timeout(self.settings.limits.shutdown_grace_s):
                    await in_flight.wait_idle()
            except TimeoutError:
                log.warning("drain_timeout", in_flight=in_flight.count)
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()
        log.info("stopped")


async def _serve_on(runner: web.AppRunner, host: str, port: int, reuse_port: bool, guard: ListenerGuard) -> str:
    sock = bind(host, port, reuse_port)
    site = GuardedSite(runner, sock, guard)
    await site.start()
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    return f"http://{shown}:{bound_port}"


async def serve(settings: Settings, credentials: Mapping[str, Credential], reuse_port: bool = False) -> None:
    server = GatewayServer(settings, credentials, reuse_port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await server.start()
    try:
        await stop.wait()
        log.info("shutting_down", grace_s=settings.limits.shutdown_grace_s)
    finally:
        await server.stop()


def run_loop(coro: Coroutine[Any, Any, None]) -> None:
    # A fatal signal (SIGBUS from a truncated or unwritable memory-mapped SQLite -shm file,
    # SIGSEGV in an extension) leaves a traceback on stderr instead of dying without a word.
    faulthandler.enable()
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency on every supported platform
        asyncio.run(coro)
    else:
        uvloop.run(coro)
