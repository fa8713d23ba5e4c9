"""What rate limiting costs, and how exact it is across a fleet.

Starts on 127.0.0.1, each its own process: the mock provider (instant answers), and gateways
(``aigw serve``) in front of it with the same policy: one without limits, one with limits counted
in process, one with limits counted in Redis (127.0.0.1:6379). The limits are set high enough that
nothing is refused: two counters (requests per minute, tokens per minute) are checked and corrected
on every request, as a typical rule does. Then:

* latency at c=1 and c=16 through each, the targets taken in turns so machine noise falls on all
  alike; the added latency of limiting is each one's p50 minus the unlimited gateway's;
* over-admission: two replicas of ``aigw serve --workers 2`` (four processes) sharing Redis, a
  fresh user with a limit of L requests per minute, 3 L requests sent at c=64 spread over both
  replicas inside one minute: how many got through beyond L (the issue's target: at most 1%);
* token over-admission: the same replicas, a fresh user with ``tokens_per_day: T``, requests without
  ``max_tokens`` at c=64 until four times T would have been used: the tokens the answers report
  beyond T (requests without a maximum are admitted on ``limits.default_completion_tokens``; with
  ``--default-completion-tokens 0`` on their prompts alone, as before that setting).

Every loop has a fixed request count; every process is stopped at the end, even on error.

    python -m loadtests.bench_limits                 # about a minute on 2 CPUs
    python -m loadtests.bench_limits --requests 300  # c=1 requests per target (default 1000)
    python -m loadtests.bench_limits --default-completion-tokens 0  # token over-admission as before
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import aiohttp
import uvloop
import yaml

from loadtests.bench_fleet import aigw_command, child_env
from loadtests.bench_plan import HOST, MODEL, ROOT, BenchError
from loadtests.bench_processes import Service, cpu_seconds, free_ports, http_probe, stop_all, tcp_probe

REDIS_URL = "redis://127.0.0.1:6379/0"
HIGH = 1_000_000_000  # a limit never reached: the cost of counting, not of refusing
BODY = {"model": MODEL, "messages": [{"role": "user", "content": "How much does a limit cost?"}], "max_tokens": 16}
UNBOUNDED = {"model": MODEL, "messages": [{"role": "user", "content": "How much does a limit cost?"}]}  # no max_tokens


def policy(user: str, rpm: int, tpm: int | None, extra: str = "") -> str:
    base = (ROOT / "tests" / "data" / "policy.yaml").read_text()
    rule = f"    - {{user: {user}, requests_per_minute: {rpm}" + (f", tokens_per_minute: {tpm}}}\n" if tpm else "}\n")
    return base + "limits:\n  on_store_failure: fail_closed\n  rules:\n" + rule + extra


def settings(
    tmp: Path, name: str, ports: tuple[int, int], mock: int, policy_path: Path, redis: bool, assumed: int
) -> Path:
    raw = {
        "listen": {"host": HOST, "port": ports[0]},
        "admin": {"host": HOST, "port": ports[1]},
        "policy_path": str(policy_path),
        "store": {"sqlite_path": str(tmp / "aigw.db"), **({"redis_url": REDIS_URL} if redis else {})},
        "prompt_log": {"sqlite_path": str(tmp / f"log-{name}.db"), "spool_path": str(tmp / f"spool-{name}")},
        "log": {"format": "json", "level": "warning"},
        "limits": {"shutdown_grace_s": 2, "default_completion_tokens": assumed},
        "providers": {
            "openai": {"type": "openai", "base_url": f"http://{HOST}:{mock}/v1", "api_key_env": "MOCK_OPENAI_KEY"}
        },
        "routes": [{"match": "gpt-*", "provider": "openai"}],
    }
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def gateway(tmp: Path, name: str, config: Path, admin: int, workers: int = 1) -> Service:
    argv = [*aigw_command(), "serve", "--config", str(config), *(["--workers", str(workers)] if workers > 1 else [])]
    probe = http_probe(f"http://{HOST}:{admin}/readyz")
    return Service(name, argv, probe, tmp / f"{name}.out", tmp / f"{name}.err")


async def one(session: aiohttp.ClientSession, url: str, key: str) -> tuple[int, float]:
    started = time.perf_counter()
    headers = {"authorization": f"Bearer {key}"}
    async with session.post(f"{url}/v1/chat/completions", json=BODY, headers=headers) as resp:
        await resp.read()
        return resp.status, time.perf_counter() - started


async def unbounded(session: aiohttp.ClientSession, url: str, key: str) -> tuple[int, int]:
    """A request without max_tokens: its status and the tokens its answer reports."""
    headers = {"authorization": f"Bearer {key}"}
    async with session.post(f"{url}/v1/chat/completions", json=UNBOUNDED, headers=headers) as resp:
        answer = await resp.json(content_type=None)
        return resp.status, int(answer["usage"]["total_tokens"]) if resp.status == 200 else 0


async def burst(session: aiohttp.ClientSession, urls: Sequence[str], key: str, count: int, c: int) -> list[float]:
    latencies: list[float] = []
    left = iter(range(count))

    async def worker() -> None:
        for n in left:
            status, took = await one(session, urls[n % len(urls)], key)
            if status != 200:
                raise BenchError(f"unexpected status {status}")
            latencies.append(took)

    await asyncio.gather(*(worker() for _ in range(c)))
    return latencies


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


async def latency(targets: dict[str, tuple[str, int]], key: str, requests: int) -> None:
    """Each target's latency, and its gateway process's CPU per request (less noisy on a shared machine)."""
    async with aiohttp.ClientSession() as session:
        for url, _ in targets.values():
            await burst(session, [url], key, 200, 4)  # warm up
        for concurrency in (1, 16):
            got: dict[str, list[float]] = {name: [] for name in targets}
            cpu = dict.fromkeys(targets, 0.0)
            rounds = 10
            names = list(targets)
            for n in range(rounds):  # in turns, the order rotated: noise falls on all alike
                for name in names[n % len(names) :] + names[: n % len(names)]:
                    url, pid = targets[name]
                    before = cpu_seconds(pid)
                    got[name] += await burst(session, [url], key, requests // rounds, concurrency)
                    cpu[name] += cpu_seconds(pid) - before
            base = statistics.median(got["no limits"]) * 1000
            base_cpu = cpu["no limits"] / len(got["no limits"]) * 1e6
            print(f"\nc={concurrency}, {requests} requests per target (ms; gateway CPU in microseconds a request)")
            print(f"{'target':<22}{'p50':>8}{'p90':>8}{'p99':>8}{'p50 added':>11}{'CPU/req':>9}{'added':>8}")
            for name, values in got.items():
                added = statistics.median(values) * 1000 - base
                per = cpu[name] / len(values) * 1e6
                print(
                    f"{name:<22}{pct(values, 50):8.2f}{pct(values, 90):8.2f}{pct(values, 99):8.2f}"
                    f"{added:+11.2f}{per:9.0f}{per - base_cpu:+8.0f}"
                )


async def over_admission(urls: list[str], key: str, limit: int) -> None:
    wait = 60 - time.time() % 60
    if wait < 25:  # the whole burst inside one minute: the sliding window's previous minute is empty
        await asyncio.sleep(wait + 0.5)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        left = iter(range(3 * limit))
        statuses: list[int] = []

        async def worker() -> None:
            for n in left:
                statuses.append((await one(session, urls[n % len(urls)], key))[0])

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(64)))
        took = time.monotonic() - started
    ok, refused = statuses.count(200), statuses.count(429)
    others = sorted({s for s in statuses if s not in (200, 429)})
    print(f"\nover-admission: limit {limit}/min, {len(statuses)} requests at c=64 over 2 replicas x 2 workers")
    print(f"  admitted {ok}, refused {refused}, other {len(statuses) - ok - refused} {others}, in {took:.1f} s")
    print(f"  over the limit: {ok - limit} ({100 * (ok - limit) / limit:.2f}%)")


async def token_over_admission(urls: list[str], key: str, limit: int, assumed: int) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        first = await unbounded(session, urls[0], key)  # one answer's size: how many requests make 4 T
        count = 4 * limit // max(first[1], 1)
        left = iter(range(count))
        results: list[tuple[int, int]] = [first]

        async def worker() -> None:
            for n in left:
                results.append(await unbounded(session, urls[n % len(urls)], key))

        await asyncio.gather(*(worker() for _ in range(64)))
    used = sum(tokens for _, tokens in results)
    ok = sum(status == 200 for status, _ in results)
    others = sorted({status for status, _ in results if status not in (200, 429)})
    print(f"\ntoken over-admission: tokens_per_day {limit}, default_completion_tokens {assumed}, {len(results)}")
    print(f"  requests without max_tokens ({first[1]} tokens an answer) at c=64 over 2 replicas x 2 workers")
    print(f"  admitted {ok}, refused {len(results) - ok - len(others)}, other {others}; tokens used {used}")
    print(f"  over the limit: {used - limit} tokens ({100 * (used - limit) / limit:.2f}%)")


async def run(tmp: Path, requests: int, limit: int, token_limit: int, assumed: int) -> None:
    services: list[Service] = []
    env = child_env()
    try:
        ports = free_ports(11)
        mock = Service(
            "mock",
            [sys.executable, "-m", "loadtests.mock_provider", "--port", str(ports[0]), "--no-record"],
            tcp_probe(ports[0]),
            tmp / "mock.out",
            tmp / "mock.err",
        )
        user, fleet_user = f"bench-{secrets.token_hex(4)}", f"fleet-{secrets.token_hex(4)}"
        token_user = f"tokens-{secrets.token_hex(4)}"
        unlimited, limited, fleet = tmp / "none.yaml", tmp / "limited.yaml", tmp / "fleet.yaml"
        unlimited.write_text(policy("nobody-at-all", HIGH, None))
        limited.write_text(policy(user, HIGH, HIGH))
        fleet.write_text(
            policy(fleet_user, limit, None, f"    - {{user: {token_user}, tokens_per_day: {token_limit}}}\n")
        )
        plan = [
            ("no limits", unlimited, False, 1),
            ("limits in process", limited, False, 1),
            ("limits in Redis", limited, True, 1),
            ("replica A", fleet, True, 2),
            ("replica B", fleet, True, 2),
        ]
        services.append(mock)
        urls: dict[str, str] = {}
        by_name: dict[str, Service] = {}
        for n, (name, path, redis, workers) in enumerate(plan):
            pair = (ports[1 + 2 * n], ports[2 + 2 * n])
            config = settings(tmp, f"gw{n}", pair, ports[0], path, redis, assumed)
            services.append(gateway(tmp, name, config, pair[1], workers))
            by_name[name] = services[-1]
            urls[name] = f"http://{HOST}:{pair[0]}"
        # Keys first: five processes re-reading one SQLite key store for a key made after they started
        # is the key store's own contention, not the limiter's (bench_store_contention measures it).
        key = _key(tmp / "gw0.yaml", user)
        fleet_key = _key(tmp / "gw0.yaml", fleet_user)
        token_key = _key(tmp / "gw0.yaml", token_user)
        for service in services:
            service.start(env)
        async with aiohttp.ClientSession() as session:
            for service in services:
                await service.wait_ready(session)
        await latency({name: (urls[name], by_name[name].pid) for name, *_ in plan[:3]}, key, requests)
        await over_admission([urls["replica A"], urls["replica B"]], fleet_key, limit)
        await token_over_admission([urls["replica A"], urls["replica B"]], token_key, token_limit, assumed)
    finally:
        stop_all(services)


def _key(config: Path, user: str) -> str:
    done = subprocess.run(
        [*aigw_command(), "keys", "create", "--user", user, "--group", "engineering", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=child_env(),
    )
    return done.stdout.strip()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=1000, help="c=1 and c=16 requests per target")
    parser.add_argument("--limit", type=int, default=500, help="the fleet's requests per minute")
    parser.add_argument("--token-limit", type=int, default=20_000, help="the fleet's tokens per day")
    parser.add_argument(
        "--default-completion-tokens", type=int, default=1024, help="the gateways' limits.default_completion_tokens"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="aigw-bench-limits-") as tmp:
        try:
            uvloop.run(run(Path(tmp), args.requests, args.limit, args.token_limit, args.default_completion_tokens))
        finally:
            for err in sorted(Path(tmp).glob("*.err")) + sorted(Path(tmp).glob("*.out")):
                lines = [line for line in err.read_text(errors="replace").splitlines() if "internal_error" in line]
                if lines:
                    print(f"{err.name}: {len(lines)} internal errors, the first: {lines[0][:300]}")


if __name__ == "__main__":
    main()
