"""How much latency and throughput the gateway costs, next to a bare proxy and no proxy.

Starts, each as its own process on 127.0.0.1: the mock provider (twice: an instant
one, and a streaming one with a time to first token), the gateway (``aigw serve``,
once at log level ``info``, the production default and the headline figure, and
once at ``warning``), and the bare pass-through proxy in ``loadtests.baseline_proxy``.
This process is the client (aiohttp under uvloop). It then measures, with every
target warmed up first and the targets taken in turn so that machine noise falls
on all of them alike:

* c=1, non-streaming: latency p50/p90/p99 direct to the mock, via the baseline
  proxy and via the gateway; the gateway's added latency is gateway minus direct.
* c=16, non-streaming: throughput (req/s) of each target, gateway/baseline ratio.
* c=1, streaming (mock: ttft 20 ms, 2 ms between chunks, 50 words): time to the
  first body byte (the first SSE event) via the gateway, the baseline and direct.

Every loop has a fixed request count; all processes are stopped at the end, even
on error, Ctrl-C or SIGTERM.

    python -m loadtests.bench_overhead            # about 75 seconds on 2 CPUs
    python -m loadtests.bench_overhead --quick    # about 20 seconds
    python -m loadtests.bench_overhead --write    # also update loadtests/RESULTS.md
    python -m loadtests.bench_overhead --pin      # proxies on a CPU of their own (needs 2 CPUs)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import aiohttp
import yaml

from loadtests.mock_provider import OPENAI_KEY

ROOT = Path(__file__).resolve().parent.parent
RESULTS_PATH = ROOT / "loadtests" / "RESULTS.md"
# RESULTS.md keeps one generated section per mode, between these markers.
MARKS = {False: "bench-results", True: "bench-results-pinned"}
HOST = "127.0.0.1"
MODEL = "gpt-4o-mini"
PATH = "/v1/chat/completions"
CONCURRENCY = 16
STARTUP_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 5.0
REQUEST_TIMEOUT_S = 30.0
STREAM_MOCK_ARGS = ("--ttft-ms", "20", "--chunk-delay-ms", "2", "--reply-words", "50")
TARGET_ADDED_P50_MS = 1.0
TARGET_THROUGHPUT_RATIO = 0.70

# A realistic short prompt: about 400 characters of ordinary work text.
PROMPT = (
    "I'm reviewing a pull request that changes how our billing service retries failed card "
    "payments. The old code retried three times with a fixed two-second delay; the new code uses "
    "exponential backoff with jitter and gives up after five attempts. Can you list the risks of "
    "this change for duplicate charges, explain how idempotency keys help, and suggest two tests "
    "we should add before merging it?"
)


def _json_body(stream: bool) -> bytes:
    payload: dict[str, Any] = {"model": MODEL, "messages": [{"role": "user", "content": PROMPT}]}
    if stream:
        payload["stream"] = True
    return json.dumps(payload).encode()


REQUEST_BODY = _json_body(stream=False)
STREAM_BODY = _json_body(stream=True)


class BenchError(RuntimeError):
    pass


# --- the plan: how many requests each phase makes -----------------------------------------


@dataclass(frozen=True)
class Plan:
    warmup: int  # requests per target (c=16, then c=1) before any measurement
    latency_requests: int  # c=1 non-streaming, per target
    throughput_rounds: int  # c=16: rounds; each round runs one burst per target
    throughput_burst: int  # c=16: requests per target per round
    stream_requests: int  # c=1 streaming, per target
    with_warning_level: bool
    verbose: bool = False
    pin: bool = False  # client and mocks on CPU 0, the proxies on CPU 1

    @classmethod
    def make(
        cls, requests: int | None, quick: bool, with_warning_level: bool, verbose: bool = False, pin: bool = False
    ) -> Plan:
        n = requests if requests is not None else (600 if quick else 3000)
        rounds = 4 if quick else 12
        return cls(
            warmup=max(50, n // 10),
            latency_requests=n,
            throughput_rounds=rounds,
            throughput_burst=max(CONCURRENCY * 4, (5 * n) // (2 * rounds)),
            stream_requests=max(20, n // 25),
            with_warning_level=with_warning_level,
            verbose=verbose,
            pin=pin,
        )


# --- processes ------------------------------------------------------------------------------


def free_ports(count: int) -> list[int]:
    """Distinct free loopback ports (held open together so none repeats)."""
    socks = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((HOST, 0))
            socks.append(s)
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for s in socks:
            s.close()


Probe = Callable[[aiohttp.ClientSession], Awaitable[bool]]


@dataclass
class Service:
    name: str
    argv: list[str]
    probe: Probe
    stdout_path: Path
    stderr_path: Path
    process: subprocess.Popen[bytes] | None = None
    _files: list[IO[bytes]] = field(default_factory=list)

    def start(self, env: dict[str, str]) -> None:
        out = self.stdout_path.open("wb")
        err = self.stderr_path.open("wb")
        self._files = [out, err]
        self.process = subprocess.Popen(self.argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stderr_tail(self, lines: int = 20) -> str:
        try:
            text = self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    async def wait_ready(self, session: aiohttp.ClientSession) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                raise BenchError(f"{self.name} exited during start-up (exit code {code}):\n{self.stderr_tail()}")
            with contextlib.suppress(aiohttp.ClientError, OSError, asyncio.TimeoutError):
                if await self.probe(session):
                    return
            await asyncio.sleep(0.05)
        raise BenchError(f"{self.name} was not ready after {STARTUP_TIMEOUT_S:.0f} s:\n{self.stderr_tail()}")

    def close_files(self) -> None:
        for f in self._files:
            f.close()
        self._files = []


def stop_all(services: Sequence[Service]) -> None:
    """SIGTERM to every process still running, then SIGKILL to those not gone in time. Never raises."""
    running = [s.process for s in services if s.process is not None and s.process.poll() is None]
    for proc in running:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for proc in running:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    for proc in running:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=STOP_TIMEOUT_S)
    for s in services:
        s.close_files()


def http_probe(url: str) -> Probe:
    async def probe(session: aiohttp.ClientSession) -> bool:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=1)) as resp:
            return resp.status == 200

    return probe


def tcp_probe(port: int) -> Probe:
    async def probe(session: aiohttp.ClientSession) -> bool:
        _, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout=1)
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return True

    return probe


def pin_cpus(services: Sequence[Service]) -> None:
    """Give the proxies a CPU of their own: this process and the mocks on CPU 0, the proxies on CPU 1."""
    if (os.cpu_count() or 1) < 2:
        raise BenchError("--pin needs at least 2 CPUs")

    def pin(pid: int, cpu: int) -> None:
        for task in Path(f"/proc/{pid}/task").iterdir():  # every thread, not only the main one
            with contextlib.suppress(ProcessLookupError):
                os.sched_setaffinity(int(task.name), {cpu})

    pin(os.getpid(), 0)
    for s in services:
        pin(s.pid, 0 if s.name.startswith("mock") else 1)


def cpu_steal() -> tuple[int, int]:
    """(steal ticks, all ticks) of the whole machine so far, from /proc/stat."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return 0, 0
    return (values[7] if len(values) > 7 else 0), sum(values[:8])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return float("nan")
    fields_after_name = stat.rsplit(")", 1)[1].split()
    utime, stime = int(fields_after_name[11]), int(fields_after_name[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def aigw_command() -> list[str]:
    script = Path(sys.executable).parent / "aigw"
    return [str(script)] if script.exists() else [sys.executable, "-m", "gateway"]


def gateway_settings(tmp: Path, port: int, admin_port: int, upstream_port: int, level: str) -> dict[str, Any]:
    return {
        "listen": {"host": HOST, "port": port},
        "admin": {"host": HOST, "port": admin_port},
        "policy_path": str(ROOT / "tests" / "data" / "policy.yaml"),  # group engineering may use openai gpt-*
        "store": {"sqlite_path": str(tmp / "aigw.db")},
        "log": {"format": "json", "level": level},
        "limits": {"shutdown_grace_s": 2},
        "providers": {
            "openai": {
                "type": "openai",
                "base_url": f"http://{HOST}:{upstream_port}/v1",
                "api_key_env": "MOCK_OPENAI_KEY",
                "models": [MODEL],
            }
        },
        "routes": [{"match": "gpt-*", "provider": "openai"}],
    }


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIGW_")}
    env["MOCK_OPENAI_KEY"] = OPENAI_KEY
    return env


# --- targets and measurements ---------------------------------------------------------------


@dataclass
class Target:
    name: str
    label: str
    url: str
    key: str
    service: Service | None  # the proxy process in front of the mock (None: direct)
    session: aiohttp.ClientSession | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.headers = {"authorization": f"Bearer {self.key}", "content-type": "application/json"}

    def client(self) -> aiohttp.ClientSession:
        assert self.session is not None
        return self.session


async def request_once(target: Target) -> float:
    """One non-streaming chat completion; seconds from send to the last body byte."""
    t0 = time.perf_counter()
    async with target.client().post(target.url, data=REQUEST_BODY, headers=target.headers) as resp:
        body = await resp.read()
    elapsed = time.perf_counter() - t0
    if resp.status != 200 or b'"choices"' not in body:
        raise BenchError(f"{target.label}: HTTP {resp.status}: {body[:300]!r}")
    return elapsed


async def stream_once(target: Target) -> tuple[float, float]:
    """One streamed chat completion; seconds to the first body byte and to the end."""
    t0 = time.perf_counter()
    first: float | None = None
    tail = b""
    async with target.client().post(target.url, data=STREAM_BODY, headers=target.headers) as resp:
        if resp.status != 200:
            raise BenchError(f"{target.label}: HTTP {resp.status}: {(await resp.read())[:300]!r}")
        async for chunk in resp.content.iter_any():
            if first is None:
                first = time.perf_counter()
            tail = (tail + chunk)[-64:]
    end = time.perf_counter()
    if first is None or not tail.endswith(b"data: [DONE]\n\n"):
        raise BenchError(f"{target.label}: stream did not end with [DONE] (tail {tail!r})")
    return first - t0, end - t0


async def burst(target: Target, count: int, concurrency: int, latencies: list[float]) -> float:
    """``count`` requests with ``concurrency`` in flight; returns the wall time."""
    remaining = count

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            latencies.append(await request_once(target))

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - t0


def rotated(items: Sequence[Target], by: int) -> list[Target]:
    k = by % len(items)
    return [*items[k:], *items[:k]]


def percentile(samples: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@dataclass
class LatencyResult:
    samples: list[float] = field(default_factory=list)
    cpu_s: float = 0.0  # CPU time of the target's proxy process over the phase

    def p(self, q: float) -> float:
        return percentile(self.samples, q) * 1000

    def mean(self) -> float:
        return sum(self.samples) / len(self.samples) * 1000 if self.samples else float("nan")


@dataclass
class ThroughputResult:
    requests: int = 0
    seconds: float = 0.0
    round_rates: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    cpu_s: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else float("nan")


@dataclass
class StreamResult:
    ttfb: list[float] = field(default_factory=list)
    total: list[float] = field(default_factory=list)


@dataclass
class Results:
    latency: dict[str, LatencyResult]
    throughput: dict[str, ThroughputResult]
    stream: dict[str, StreamResult]
    log_lines: int
    elapsed_s: float
    steal_pct: float  # share of CPU time the hypervisor took away during the run


def proxy_cpu(targets: Sequence[Target]) -> dict[str, float]:
    return {t.name: cpu_seconds(t.service.pid) if t.service is not None else 0.0 for t in targets}


async def warm_up(targets: Sequence[Target], plan: Plan) -> None:
    for target in targets:
        await burst(target, plan.warmup, CONCURRENCY, [])
        for _ in range(plan.warmup):
            await request_once(target)


async def measure_latency(targets: Sequence[Target], plan: Plan) -> dict[str, LatencyResult]:
    results = {t.name: LatencyResult() for t in targets}
    before = proxy_cpu(targets)
    for i in range(plan.latency_requests):
        for target in rotated(targets, i):
            results[target.name].samples.append(await request_once(target))
    after = proxy_cpu(targets)
    for t in targets:
        results[t.name].cpu_s = after[t.name] - before[t.name]
    return results


async def measure_throughput(targets: Sequence[Target], plan: Plan) -> dict[str, ThroughputResult]:
    results = {t.name: ThroughputResult() for t in targets}
    before = proxy_cpu(targets)
    for r in range(plan.throughput_rounds):
        for target in rotated(targets, r):
            res = results[target.name]
            seconds = await burst(target, plan.throughput_burst, CONCURRENCY, res.latencies)
            res.requests += plan.throughput_burst
            res.seconds += seconds
            res.round_rates.append(plan.throughput_burst / seconds)
            if plan.verbose:
                print(f"[bench]   round {r} {target.name}: {res.round_rates[-1]:.0f} req/s", file=sys.stderr)
    after = proxy_cpu(targets)
    for t in targets:
        results[t.name].cpu_s = after[t.name] - before[t.name]
    return results


async def measure_stream(targets: Sequence[Target], plan: Plan) -> dict[str, StreamResult]:
    for target in targets:
        for _ in range(5):
            await stream_once(target)
    results = {t.name: StreamResult() for t in targets}
    for i in range(plan.stream_requests):
        for target in rotated(targets, i):
            ttfb, total = await stream_once(target)
            results[target.name].ttfb.append(ttfb)
            results[target.name].total.append(total)
    return results


# --- orchestration --------------------------------------------------------------------------


async def run(plan: Plan, tmp: Path, progress: Callable[[str], None]) -> Results:
    started = time.perf_counter()
    steal_before = cpu_steal()
    main_task = asyncio.current_task()
    if main_task is not None:  # SIGTERM cancels the run, which then stops every child process
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    py = sys.executable
    names = ["mock", "mock_stream", "baseline", "baseline_stream", "gw", "gw_admin", "gw_stream", "gw_stream_admin"]
    names += ["gw_warn", "gw_warn_admin"]
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    env = child_env()

    def settings_file(name: str, level: str, upstream: str) -> Path:
        conf = gateway_settings(tmp, ports[name], ports[f"{name}_admin"], ports[upstream], level)
        path = tmp / f"{name}.yaml"
        path.write_text(yaml.safe_dump(conf, sort_keys=False))
        return path

    gw_conf = settings_file("gw", "info", "mock")
    configs = {"gw": gw_conf, "gw_stream": settings_file("gw_stream", "info", "mock_stream")}
    if plan.with_warning_level:
        configs["gw_warn"] = settings_file("gw_warn", "warning", "mock")

    # In a thread: uvloop's own child-process handling would undo the SIGTERM handler above.
    key_cmd = [*aigw_command(), "keys", "create", "--config", str(gw_conf), "--user", "bench", "--group", "engineering"]
    created = await asyncio.to_thread(
        subprocess.run, key_cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=60
    )
    if created.returncode != 0:
        raise BenchError(f"aigw keys create failed: {created.stderr.strip()}")
    gateway_key = created.stdout.strip()

    def service(name: str, argv: list[str], probe: Probe) -> Service:
        return Service(name, argv, probe, tmp / f"{name}.out", tmp / f"{name}.err")

    def url(port_name: str) -> str:
        return f"http://{HOST}:{ports[port_name]}"

    mock_args = [py, "-m", "loadtests.mock_provider", "--host", HOST, "--no-record"]
    services = [
        service("mock", [*mock_args, "--port", str(ports["mock"])], http_probe(url("mock") + "/v1/models")),
        service(
            "mock_stream",
            [*mock_args, "--port", str(ports["mock_stream"]), *STREAM_MOCK_ARGS],
            http_probe(url("mock_stream") + "/v1/models"),
        ),
    ]
    for name, upstream in (("baseline", "mock"), ("baseline_stream", "mock_stream")):
        argv = [py, "-m", "loadtests.baseline_proxy", "--host", HOST, "--port", str(ports[name])]
        services.append(service(name, [*argv, "--upstream", url(upstream)], tcp_probe(ports[name])))
    for name, conf in configs.items():
        argv = [*aigw_command(), "serve", "--config", str(conf)]
        services.append(service(name, argv, http_probe(url(f"{name}_admin") + "/readyz")))
    by_name = {s.name: s for s in services}

    connector_limit = CONCURRENCY * 2
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    targets: list[Target] = []
    try:
        for s in services:
            s.start(env)
        async with aiohttp.ClientSession(trust_env=False) as probe_session:
            await asyncio.gather(*(s.wait_ready(probe_session) for s in services))
        progress(f"started {len(services)} processes: " + ", ".join(f"{s.name}={s.pid}" for s in services))
        if plan.pin:
            pin_cpus(services)
            progress("pinned: this client and the mocks on CPU 0, the proxies on CPU 1")

        def target(name: str, label: str, port_name: str, key: str, svc: Service | None) -> Target:
            return Target(name, label, url(port_name) + PATH, key, svc)

        plain = [
            target("direct", "direct to mock", "mock", OPENAI_KEY, None),
            target("baseline", "baseline proxy", "baseline", OPENAI_KEY, by_name["baseline"]),
            target("gateway", "gateway (log info)", "gw", gateway_key, by_name["gw"]),
        ]
        if plan.with_warning_level:
            plain.append(target("gateway_warn", "gateway (log warning)", "gw_warn", gateway_key, by_name["gw_warn"]))
        streaming = [
            target("direct", "direct to mock", "mock_stream", OPENAI_KEY, None),
            target("baseline", "baseline proxy", "baseline_stream", OPENAI_KEY, by_name["baseline_stream"]),
            target("gateway", "gateway (log info)", "gw_stream", gateway_key, by_name["gw_stream"]),
        ]
        targets = [*plain, *streaming]
        for t in targets:
            connector = aiohttp.TCPConnector(limit=connector_limit)
            t.session = aiohttp.ClientSession(connector=connector, timeout=timeout, trust_env=False)

        progress("warming up")
        await warm_up(plain, plan)
        progress(f"c=1 latency: {plan.latency_requests} requests per target, targets in turn")
        latency = await measure_latency(plain, plan)
        bursts = f"{plan.throughput_rounds} rounds x {plan.throughput_burst} requests"
        progress(f"c={CONCURRENCY} throughput: {bursts} per target")
        throughput = await measure_throughput(plain, plan)
        progress(f"streaming TTFT: {plan.stream_requests} streams per target, c=1")
        stream = await measure_stream(streaming, plan)
    finally:
        for t in targets:
            if t.session is not None:
                with contextlib.suppress(Exception):
                    await t.session.close()
        stop_all(services)
    log_lines = sum(1 for line in by_name["gw"].stdout_path.read_text().splitlines() if '"event": "request"' in line)
    steal = cpu_steal()
    steal_pct = 100 * (steal[0] - steal_before[0]) / max(1, steal[1] - steal_before[1])
    return Results(latency, throughput, stream, log_lines, time.perf_counter() - started, steal_pct)


# --- report ---------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    from importlib.metadata import version

    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "aiohttp": aiohttp.__version__,
        "uvloop": version("uvloop"),
        "os": f"{platform.system()} {platform.release()}",
        "load": load,
    }


def _ms(x: float) -> str:
    return f"{x:.3f}"


def _signed(x: float) -> str:
    return f"{x:+.3f}"


def render(results: Results, plan: Plan, info: dict[str, str], command: str) -> str:
    lat, thr, st = results.latency, results.throughput, results.stream
    labels = {
        "direct": "direct to mock",
        "baseline": "baseline proxy",
        "gateway": "**gateway, log info**",
        "gateway_warn": "gateway, log warning",
    }
    names = [n for n in labels if n in lat]
    out: list[str] = []
    w = out.append
    w(f"Run: {info['date']}, `{command}`, {results.elapsed_s:.0f} s in all.  ")
    w(
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), {info['os']}, Python {info['python']}, "
        f"aiohttp {info['aiohttp']}, uvloop {info['uvloop']}; load average before the run {info['load']}; "
        f"CPU steal during the run {results.steal_pct:.1f}%.  "
    )
    if plan.pin:
        placement = "Pinned: this client and the mock providers on CPU 0; the proxy under test on CPU 1."
    else:
        placement = "Client, mock provider and proxies share those CPUs (no pinning)."
    w(f"{placement} The gateway at log level info wrote {results.log_lines} request log lines (JSON, to a file).")
    w("")

    direct = lat["direct"]
    w(f"### c=1, non-streaming: latency (ms), {plan.latency_requests} requests per target")
    w("")
    w("| target | p50 | p90 | p99 | mean | added p50 | added p90 | added p99 | proxy CPU per request |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in names:
        r = lat[name]
        if name == "direct":
            added = ["", "", ""]
            cpu = ""
        else:
            added = [_signed(r.p(q) - direct.p(q)) for q in (50, 90, 99)]
            cpu = f"{r.cpu_s / len(r.samples) * 1e6:.0f} µs"
        w(f"| {labels[name]} | {_ms(r.p(50))} | {_ms(r.p(90))} | {_ms(r.p(99))} | {_ms(r.mean())} | ")
        out[-1] += " | ".join(added) + f" | {cpu} |"
    w("")
    w("Added = that target's percentile minus the same percentile direct to the mock.")
    w("")

    base = thr["baseline"]
    w(
        f"### c={CONCURRENCY}, non-streaming: throughput, "
        f"{plan.throughput_rounds} rounds x {plan.throughput_burst} requests per target"
    )
    w("")
    w(
        "| target | req/s | vs baseline | vs baseline, median of rounds | slowest-fastest round "
        "| p50 ms | p99 ms | proxy CPU per request |"
    )
    w("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in names:
        tr = thr[name]
        spread = f"{min(tr.round_rates):.0f}-{max(tr.round_rates):.0f}"
        vs_base = vs_rounds = cpu = ""
        if name != "direct":
            vs_base = f"{tr.rate / base.rate:.0%}"
            vs_rounds = f"{round_ratio(tr, base):.0%}"
            cpu = f"{tr.cpu_s / tr.requests * 1e6:.0f} µs"
        p50, p99 = percentile(tr.latencies, 50) * 1000, percentile(tr.latencies, 99) * 1000
        w(f"| {labels[name]} | {tr.rate:.0f} | {vs_base} | {vs_rounds} | {spread} | {_ms(p50)} | {_ms(p99)} | {cpu} |")
    w("")
    w(
        "vs baseline: all requests over all rounds; median of rounds: the median, over the rounds, of the "
        "ratio within one round (robust to a noisy moment). Proxy CPU per request: user+system CPU time of "
        "that proxy process over the phase (/proc/PID/stat) divided by the requests it served."
    )
    w("")
    w(
        f"### Streaming, c=1: time to first byte (first SSE event), {plan.stream_requests} streams per target "
        "(mock: ttft 20 ms, 2 ms between chunks, 50 words)"
    )
    w("")
    w("| target | TTFT p50 ms | TTFT p90 ms | added p50 | added p90 | whole stream p50 ms |")
    w("|---|---:|---:|---:|---:|---:|")
    sd = st["direct"]
    for name in ("direct", "baseline", "gateway"):
        sr = st[name]
        t50, t90 = percentile(sr.ttfb, 50) * 1000, percentile(sr.ttfb, 90) * 1000
        if name == "direct":
            added = ["", ""]
        else:
            added = [_signed(t50 - percentile(sd.ttfb, 50) * 1000), _signed(t90 - percentile(sd.ttfb, 90) * 1000)]
        whole = percentile(sr.total, 50) * 1000
        w(f"| {labels[name]} | {_ms(t50)} | {_ms(t90)} | {added[0]} | {added[1]} | {_ms(whole)} |")
    w("")

    added_p50 = lat["gateway"].p(50) - direct.p(50)
    base_rate = base.rate
    ratio = thr["gateway"].rate / base_rate
    cpu_ratio = (base.cpu_s / base.requests) / (thr["gateway"].cpu_s / thr["gateway"].requests)
    met_latency = added_p50 <= TARGET_ADDED_P50_MS
    met_ratio = ratio >= TARGET_THROUGHPUT_RATIO
    w("### Targets (gateway at log level info)")
    w("")
    w("| target | measured | met |")
    w("|---|---:|---|")
    w(f"| added latency p50 at c=1 <= {TARGET_ADDED_P50_MS:g} ms | {added_p50:.3f} ms | {_yes(met_latency)} |")
    w(
        f"| throughput at c={CONCURRENCY} >= {TARGET_THROUGHPUT_RATIO:.0%} of the baseline proxy | "
        f"{ratio:.0%} ({thr['gateway'].rate:.0f} vs {base_rate:.0f} req/s; median of rounds "
        f"{round_ratio(thr['gateway'], base):.0%}) | {_yes(met_ratio)} |"
    )
    w("")
    w(
        f"CPU cost per request, baseline/gateway: {cpu_ratio:.0%}. That is the throughput share the gateway "
        "would get where its own CPU is the only limit (clients and provider on other machines)."
    )
    return "\n".join(out) + "\n"


def round_ratio(target: ThroughputResult, base: ThroughputResult) -> float:
    """Median over rounds of the target's rate divided by the baseline's rate in the same round."""
    return percentile([t / b for t, b in zip(target.round_rates, base.round_rates, strict=True)], 50)


def _yes(ok: bool) -> str:
    return "**yes**" if ok else "**no**"


def write_results(section: str, pinned: bool, path: Path = RESULTS_PATH) -> None:
    """Replace the generated section for this mode (appended if the file has none yet)."""
    begin, end_mark = f"<!-- {MARKS[pinned]}:begin -->", f"<!-- {MARKS[pinned]}:end -->"
    block = f"{begin}\n{section}{end_mark}\n"
    text = path.read_text() if path.exists() else "# Gateway overhead\n\n"
    start, end = text.find(begin), text.find(end_mark)
    if start != -1 and end > start:
        rest = text[end + len(end_mark) :].lstrip("\n")
        text = text[:start] + block + ("\n" + rest if rest else "")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--requests",
        type=int,
        help="c=1 requests per target (default 3000, 600 with --quick); the other phases scale with it",
    )
    parser.add_argument("--quick", action="store_true", help="a short run, about 20 s")
    parser.add_argument("--no-warning-level", action="store_true", help="skip the gateway at log level warning")
    parser.add_argument(
        "--pin", action="store_true", help="client and mocks on CPU 0, proxies on CPU 1 (the proxy-bound case)"
    )
    parser.add_argument("--verbose", action="store_true", help="print each c=16 burst's rate")
    parser.add_argument("--write", action="store_true", help=f"replace the results section of {RESULTS_PATH.name}")
    args = parser.parse_args(argv)
    if args.requests is not None and args.requests < 1:
        parser.error("--requests must be at least 1")
    plan = Plan.make(args.requests, args.quick, not args.no_warning_level, args.verbose, args.pin)
    command = "python -m loadtests.bench_overhead" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:]) if a != "--write"
    )
    info = machine()

    def progress(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="aigw-bench-") as tmp:
        coro = run(plan, Path(tmp), progress)
        try:
            import uvloop
        except ImportError:  # pragma: no cover
            runner: Callable[[Coroutine[Any, Any, Results]], Results] = asyncio.run
        else:
            runner = uvloop.run
        try:
            results = runner(coro)
        except asyncio.CancelledError:  # SIGTERM: the child processes have been stopped
            progress("stopped by SIGTERM")
            return 128 + signal.SIGTERM
    section = render(results, plan, info, command)
    print(section)
    if args.write:
        write_results(section, plan.pin)
        progress(f"wrote {RESULTS_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench_overhead: {exc}", file=sys.stderr)
        sys.exit(1)
