"""A harness for running a real gateway (and other aiohttp servers) in tests.

The gateway runs on its own event loop in a background thread and listens on real
loopback ports, so tests can drive it with any client, sync or async, exactly as a
user would. Shipped in the package so deployments can test their own settings
and policies the same way.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from gateway.assurance import runner
from gateway.assurance.credentials import KEY_ENV, TOKEN_ENV, RunCredentials
from gateway.assurance.probes import Result
from gateway.auth.keystore import KeyStore
from gateway.config.settings import Settings
from gateway.incidents.store import IncidentQuery
from gateway.lifecycle.state import STATE
from gateway.policy.policy import load_policy
from gateway.promptlog.record import Row
from gateway.providers import Credential, resolve_credentials
from gateway.server.serve import GatewayServer

T = TypeVar("T")


class BackgroundLoop:
    """An asyncio loop running forever in a daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="aigw-test-loop", daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return future.result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


class RunningGateway:
    """A started gateway: its URLs, its settings, and a way to issue keys."""

    def __init__(self, loop: BackgroundLoop, settings: Settings, credentials: Mapping[str, Credential]) -> None:
        self._loop = loop
        self.settings = settings
        self.server = GatewayServer(settings, credentials)
        loop.run(self.server.start())
        self.url = self.server.api_url
        self.admin_url = self.server.admin_url

    @classmethod
    def start(cls, loop: BackgroundLoop, settings: Settings, environ: Mapping[str, str]) -> RunningGateway:
        return cls(loop, settings, resolve_credentials(settings, environ))

    def create_key(self, user: str, *groups: str) -> str:
        store = KeyStore.open(self.settings.store, os.environ)
        try:
            return store.create(user, groups)[1]
        finally:
            store.close()

    def revoke_key(self, key: str) -> bool:
        store = KeyStore.open(self.settings.store, os.environ)
        try:
            return store.revoke(key.split("_")[1])
        finally:
            store.close()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        """Run a coroutine on the gateway's own loop (to reach its state from a test)."""
        return self._loop.run(coro, timeout)

    def log_record(self, request_id: str, timeout: float = 10.0) -> Row:
        """The prompt-log record of one exchange, once written (a stream's record follows its last byte)."""

        async def read() -> Row:
            state = self.server.app[STATE]
            deadline = asyncio.get_running_loop().time() + timeout
            while True:
                await state.prompt_log.writer.flush()
                row = await state.prompt_log.store.get(request_id)
                if row is not None:
                    return row
                if asyncio.get_running_loop().time() > deadline:
                    raise LookupError(f"no prompt-log record {request_id} within {timeout} s")
                await asyncio.sleep(0.01)

        return self._loop.run(read(), timeout + 5)

    def incidents(self) -> list[dict[str, Any]]:
        """Every stored incident, once what the gateway has recorded so far is written (newest first)."""

        async def read() -> list[dict[str, Any]]:
            state = self.server.app[STATE]
            await state.incidents.flush()
            return await state.incidents.store.search(IncidentQuery())

        return self._loop.run(read())

    def assure(self, policy: Path | None = None, wait_s: float = 5.0, timeout: float = 120.0) -> list[Result]:
        """The control-assurance probes against this gateway, as ``aigw assure`` sends them: a key and an
        admin token made for the run in its key store (never the environment's) and revoked after it;
        the expectations read from ``policy`` (default: the gateway's own policy file)."""
        environ = {k: v for k, v in os.environ.items() if k not in (KEY_ENV, TOKEN_ENV)}
        credentials = RunCredentials.open(self.settings, environ)
        try:
            made = credentials.key, credentials.admin_token, credentials.revoked_key
            target = runner.Target(self.url, self.admin_url, *made)
            expected = load_policy(policy or self.settings.policy_path)
            return self.run(runner.run(self.settings, expected, target, wait_s, credentials=credentials), timeout)
        finally:
            credentials.close()

    def stop(self) -> None:
        self._loop.run(self.server.stop())
