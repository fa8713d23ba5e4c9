"""A bare pass-through reverse proxy: the floor the gateway's overhead is measured against.

No authentication, no parsing, no policy, no logging. Every POST is forwarded to the
upstream with its body, content type and authorization header over one shared
keep-alive connection pool; the status, content type and body come back as they
are, and ``text/event-stream`` replies are relayed chunk by chunk as they arrive.
It runs under uvloop, like the gateway.

    python -m loadtests.baseline_proxy --port 18090 --upstream http://127.0.0.1:19100
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

FORWARDED_HEADERS = ("content-type", "authorization")
SESSION: web.AppKey[aiohttp.ClientSession] = web.AppKey("session", aiohttp.ClientSession)
UPSTREAM: web.AppKey[str] = web.AppKey("upstream", str)


def build_app(upstream: str, max_connections: int = 256) -> web.Application:
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app[UPSTREAM] = upstream.rstrip("/")

    async def session_context(app: web.Application) -> AsyncIterator[None]:
        connector = aiohttp.TCPConnector(limit=max_connections)
        timeout = aiohttp.ClientTimeout(total=900, sock_connect=10, sock_read=300)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout, trust_env=False) as session:
            app[SESSION] = session
            yield

    app.cleanup_ctx.append(session_context)
    app.router.add_post("/{tail:.*}", forward)
    return app


async def forward(request: web.Request) -> web.StreamResponse:
    body = await request.read()
    headers = {name: request.headers[name] for name in FORWARDED_HEADERS if name in request.headers}
    url = request.app[UPSTREAM] + request.rel_url.raw_path_qs
    async with request.app[SESSION].post(url, data=body, headers=headers) as upstream:
        content_type = upstream.headers.get("content-type", "application/octet-stream")
        if upstream.content_type != "text/event-stream":
            payload = await upstream.read()
            return web.Response(body=payload, status=upstream.status, headers={"content-type": content_type})
        response = web.StreamResponse(status=upstream.status, headers={"content-type": content_type})
        await response.prepare(request)
        async for chunk in upstream.content.iter_any():
            await response.write(chunk)
        await response.write_eof()
        return response


async def serve(host: str, port: int, upstream: str) -> None:
    runner = web.AppRunner(build_app(upstream), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port, backlog=1024).start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18090)
    parser.add_argument("--upstream", required=True, help="base URL the request path is appended to")
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a gateway dependency
        asyncio.run(serve(args.host, args.port, args.upstream))
    else:
        uvloop.run(serve(args.host, args.port, args.upstream))


if __name__ == "__main__":
    main()
