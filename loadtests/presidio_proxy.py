"""Issue 18's reference point: the bare proxy with Presidio's default analyzer in front of it.

Every POST's JSON body is parsed, each message's text content is analysed by Presidio's
default ``AnalyzerEngine`` (all its default recognizers, "en", score threshold 0.5, the
same spaCy package as aigw: ``loadtests.eval_pii.presidio_default``) in a pool of
``--workers`` processes, one text per task, and then the body is forwarded as
``baseline_proxy`` forwards it. Findings are counted, not acted on: what is measured is
what analysing costs in the layout the gateway uses (an event loop, detection in worker
processes of the same number).

    python -m loadtests.presidio_proxy --port 18091 --upstream http://127.0.0.1:19100 --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import signal
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import aiohttp
import uvloop
from aiohttp import web

from loadtests.baseline_proxy import FORWARDED_HEADERS

THRESHOLD = 0.5
SESSION: web.AppKey[aiohttp.ClientSession] = web.AppKey("session", aiohttp.ClientSession)
UPSTREAM: web.AppKey[str] = web.AppKey("upstream", str)
POOL: web.AppKey[ProcessPoolExecutor] = web.AppKey("pool", ProcessPoolExecutor)


class _Engine:
    """The worker process's analyzer, built once by the pool's initializer (a class, not a module global)."""

    analyze: Any = None


def _build() -> None:
    from detectors.pii.detector import PiiConfig
    from loadtests.eval_pii import presidio_default

    _, engine = presidio_default(PiiConfig().model, THRESHOLD)
    _Engine.analyze = engine.analyze
    _Engine.analyze("warm up with Ana Lopez in Paris", language="en", score_threshold=THRESHOLD)


def _analyze(text: str) -> int:
    return len(_Engine.analyze(text, language="en", score_threshold=THRESHOLD))


def message_texts(body: bytes) -> list[str]:
    """The string contents of an OpenAI chat request's messages (other shapes: nothing to analyse)."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return []
    messages = parsed.get("messages") if isinstance(parsed, dict) else None
    if not isinstance(messages, list):
        return []
    return [m["content"] for m in messages if isinstance(m, dict) and isinstance(m.get("content"), str)]


def build_app(upstream: str, pool: ProcessPoolExecutor) -> web.Application:
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app[UPSTREAM], app[POOL] = upstream.rstrip("/"), pool

    async def session_context(app: web.Application) -> AsyncIterator[None]:
        connector = aiohttp.TCPConnector(limit=256)
        async with aiohttp.ClientSession(connector=connector, trust_env=False) as session:
            app[SESSION] = session
            yield

    app.cleanup_ctx.append(session_context)
    app.router.add_post("/{tail:.*}", forward)
    return app


async def forward(request: web.Request) -> web.Response:
    body = await request.read()
    loop = asyncio.get_running_loop()
    pool = request.app[POOL]
    await asyncio.gather(*(loop.run_in_executor(pool, _analyze, text) for text in message_texts(body)))
    headers = {name: request.headers[name] for name in FORWARDED_HEADERS if name in request.headers}
    url = request.app[UPSTREAM] + request.rel_url.raw_path_qs
    async with request.app[SESSION].post(url, data=body, headers=headers) as upstream:
        reply = await upstream.read()
        return web.Response(body=reply, status=upstream.status, content_type=upstream.content_type)


async def serve(host: str, port: int, upstream: str, workers: int) -> None:
    context = multiprocessing.get_context("spawn")  # not a fork of a process running an event loop
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_build) as pool:
        # Every worker built before the port opens: the bench's readiness probe then means ready.
        await asyncio.gather(*(asyncio.get_running_loop().run_in_executor(pool, _analyze, "x") for _ in range(workers)))
        runner = web.AppRunner(build_app(upstream, pool), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    uvloop.run(serve(args.host, args.port, args.upstream, args.workers))


if __name__ == "__main__":
    main()
