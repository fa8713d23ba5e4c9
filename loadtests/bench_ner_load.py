"""Issue 18, item 3: c=16 throughput with NER, aigw next to a bare proxy and Presidio default, in one run.

Starts, each as its own process on 127.0.0.1: the mock provider (instant), the gateway
with policies/default.yaml (every detector; ``--workers`` detection workers), the bare
pass-through proxy (``baseline_proxy``) and the same proxy with Presidio's default
analyzer in ``--workers`` processes (``presidio_proxy``). This process is the client:
chat completions of about 500 characters of the PII corpus (names, an e-mail, numbers:
``eval_pii.texts_of(dev, 500, with_pii=True)``), c=16, in windows of ``--seconds``, the
targets in turn, ``--rounds`` times, so that the shared host's busy spells weigh on all.

Per target it reports the median req/s of the rounds (and their range) and, the figure
that other load on the host distorts least, CPU milliseconds per answered request: the
target's process and its children (the gateway's detection workers, Presidio's pool) by
/proc; the mock's and this client's alike. RSS and PSS are of the process tree after the
run (MiB). ``--distinct`` makes every request's prompt differ (a counter in the text) so
that no cache anywhere could serve a repeat.

    OPENBLAS_NUM_THREADS=1 python -m loadtests.bench_ner_load                 # 5 rounds x 4 s, about 2 min
    OPENBLAS_NUM_THREADS=1 python -m loadtests.bench_ner_load --workers 1 --no-presidio
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import uvloop
import yaml

from loadtests.bench_detection import MODEL_A, check_detection_on
from loadtests.bench_fleet import _url, aigw_command, child_env, create_gateway_key, gateway_settings
from loadtests.bench_load import CHAT_PATH
from loadtests.bench_overhead import cancel_on_sigterm
from loadtests.bench_plan import HOST, ROOT, BenchError, progress
from loadtests.bench_processes import (
    Service,
    cpu_seconds,
    free_ports,
    http_probe,
    stop_all,
    tcp_probe,
    tree_cpu,
    tree_memory,
)
from loadtests.bench_report import machine
from loadtests.eval_pii import load, texts_of
from loadtests.mock_provider import OPENAI_KEY

CONCURRENCY, SIZE = 16, 500
WARMUP_REQUESTS = 200


@dataclass
class Target:
    name: str
    url: str
    key: str
    service: Service
    session: aiohttp.ClientSession | None = None
    rates: list[float] = field(default_factory=list)
    ok: int = 0
    failed: int = 0
    cpu_s: float = 0.0  # the target's process tree
    main_cpu_s: float = 0.0  # its main process alone (the gateway's event loop, without the workers)
    mock_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    rss_mib: float = 0.0
    pss_mib: float = 0.0
    processes: int = 0

    def body(self, text: str) -> bytes:
        return json.dumps({"model": MODEL_A, "messages": [{"role": "user", "content": text}]}).encode()

    async def send(self, body: bytes) -> tuple[float, int, bytes]:
        assert self.session is not None
        headers = {"authorization": f"Bearer {self.key}", "content-type": "application/json"}
        t0 = time.perf_counter()
        async with self.session.post(self.url, data=body, headers=headers) as resp:
            reply = await resp.read()
        return time.perf_counter() - t0, resp.status, reply

    def per_request_ms(self, seconds: float) -> float:
        return 1000 * seconds / max(1, self.ok)


async def window(target: Target, text: str, seconds: float, distinct: bool) -> tuple[int, int, float]:
    """CONCURRENCY clients back to back for ``seconds``: (200 answers, others, elapsed)."""
    ok = failed = 0
    counter = itertools.count()
    same = target.body(text)
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal ok, failed
        while time.perf_counter() < deadline:
            # A distinct prompt: the same text with a request number appended (no name, no PII added).
            body = target.body(f"{text}\n\nRequest {next(counter)}.") if distinct else same
            _, status, _ = await target.send(body)
            ok, failed = (ok + 1, failed) if status == 200 else (ok, failed + 1)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
    return ok, failed, time.perf_counter() - started


async def measure(targets: Sequence[Target], mock: Service, text: str, args: argparse.Namespace) -> None:
    for n in range(args.rounds):
        for target in targets:
            pid = target.service.pid
            cpu, main_cpu, mock_cpu = tree_cpu(pid), cpu_seconds(pid), cpu_seconds(mock.pid)
            client_cpu = time.process_time()
            ok, failed, elapsed = await window(target, text, args.seconds, args.distinct)
            target.cpu_s += tree_cpu(pid) - cpu
            target.main_cpu_s += cpu_seconds(pid) - main_cpu
            target.mock_cpu_s += cpu_seconds(mock.pid) - mock_cpu
            target.client_cpu_s += time.process_time() - client_cpu
            target.ok, target.failed = target.ok + ok, target.failed + failed
            target.rates.append(ok / elapsed)
        progress(f"round {n + 1}/{args.rounds}: " + ", ".join(f"{t.name} {t.rates[-1]:.0f} req/s" for t in targets))


def fleet(
    tmp: Path, workers: int, presidio: bool, other: list[str] | None = None
) -> tuple[Path, list[Service], dict[str, int]]:
    """The services in start order (the mock first); ``other``: a second gateway build's ``aigw`` command,
    run as "aigw other" with the same settings (before vs after in one run, as bench_ab does)."""
    names = ("mock", "aigw", "aigw_admin", "other", "other_admin", "bare", "presidio")
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    policy = tmp / "default-policy.yaml"
    shutil.copyfile(ROOT / "policies" / "default.yaml", policy)
    configs: dict[str, Path] = {}
    for name in ("aigw", "other"):
        settings = gateway_settings(tmp, ports[name], ports[f"{name}_admin"], ports["mock"], "warning")
        settings["policy_path"] = str(policy)
        settings["providers"]["openai"]["models"] = [MODEL_A]
        settings["detection"] = {"workers": workers}
        configs[name] = tmp / f"{name}.yaml"
        configs[name].write_text(yaml.safe_dump(settings, sort_keys=False))
    upstream = _url(ports, "mock")
    python = sys.executable

    def port_args(name: str) -> list[str]:
        return ["--port", str(ports[name]), "--upstream", upstream]

    def service(name: str, argv: list[str], port: str, admin: str | None = None) -> Service:
        probe = http_probe(_url(ports, admin) + "/readyz") if admin else tcp_probe(ports[port])
        return Service(name, argv, probe, tmp / f"{name}.out", tmp / f"{name}.err")

    mock_argv = [python, "-m", "loadtests.mock_provider", "--host", HOST, "--no-record", "--port", str(ports["mock"])]
    services = [
        Service("mock", mock_argv, http_probe(upstream + "/v1/models"), tmp / "mock.out", tmp / "mock.err"),
        service("aigw", [*aigw_command(), "serve", "--config", str(configs["aigw"])], "aigw", "aigw_admin"),
        service("bare", [python, "-m", "loadtests.baseline_proxy", *port_args("bare")], "bare"),
    ]
    if other:
        services.append(
            service("aigw other", [*other, "serve", "--config", str(configs["other"])], "other", "other_admin")
        )
    if presidio:
        argv = [python, "-m", "loadtests.presidio_proxy", *port_args("presidio")]
        services.append(service("presidio", [*argv, "--workers", str(workers)], "presidio"))
    return configs["aigw"], services, ports


async def run(args: argparse.Namespace, text: str, tmp: Path) -> list[Target]:
    cancel_on_sigterm()
    env = child_env()
    config, services, ports = fleet(tmp, args.workers, not args.no_presidio, args.other)
    key = await create_gateway_key(config, env)
    by_name = {s.name: s for s in services}
    targets = [Target("aigw", _url(ports, "aigw") + CHAT_PATH, key, by_name["aigw"])]
    if "aigw other" in by_name:
        targets.append(Target("aigw other", _url(ports, "other") + CHAT_PATH, key, by_name["aigw other"]))
    targets.append(Target("bare proxy", _url(ports, "bare") + CHAT_PATH, OPENAI_KEY, by_name["bare"]))
    if "presidio" in by_name:
        targets.append(Target("Presidio default", _url(ports, "presidio") + CHAT_PATH, OPENAI_KEY, by_name["presidio"]))
    try:
        async with aiohttp.ClientSession(trust_env=False) as probe:
            for s in services:  # one at a time: four loading spaCy at once overran the start-up timeout
                s.start(env)
                await s.wait_ready(probe)
        for t in targets:
            connector = aiohttp.TCPConnector(limit=CONCURRENCY)
            t.session = aiohttp.ClientSession(connector=connector, trust_env=False)
        for t in targets:
            if t.name.startswith("aigw"):
                await check_detection_on(t)  # type: ignore[arg-type]  # same send() shape
        progress("warming up")
        for t in targets:
            await window(t, text, 1.0, args.distinct)
        await measure(targets, by_name["mock"], text, args)
        for t in targets:
            t.rss_mib, t.pss_mib, t.processes = tree_memory(t.service.pid)
    finally:
        for t in targets:
            if t.session is not None:
                await t.session.close()
        stop_all(services)
    return targets


def render(targets: Sequence[Target], args: argparse.Namespace, text: str, info: dict[str, str], command: str) -> str:
    out = [
        f"Run: {info['date']}, `{command}`.  ",
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), load average before the run {info['load']}. "
        f"Prompt: {len(text)} characters{' + a request number (every prompt distinct)' if args.distinct else ''}; "
        f"c={CONCURRENCY}; {args.rounds} rounds x {args.seconds:g} s per target, in turn; "
        f"{args.workers} detection worker(s) (aigw) and Presidio processes.",
        "",
        "| target | req/s p50 (min-max) | CPU ms/request: target with children | main process | mock | client "
        "| RSS / PSS MiB (processes) | non-200 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for t in targets:
        cpu = " | ".join(f"{t.per_request_ms(s):.2f}" for s in (t.cpu_s, t.main_cpu_s, t.mock_cpu_s, t.client_cpu_s))
        out.append(
            f"| {t.name} | {statistics.median(t.rates):.0f} ({min(t.rates):.0f}-{max(t.rates):.0f}) | {cpu} "
            f"| {t.rss_mib:.0f} / {t.pss_mib:.0f} ({t.processes}) | {t.failed} |"
        )
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--workers", type=int, default=2, help="aigw's detection workers and Presidio's processes")
    parser.add_argument("--no-presidio", action="store_true", help="leave out the Presidio default proxy")
    parser.add_argument("--distinct", action="store_true", help="a different prompt for every request")
    parser.add_argument("--other", type=shlex.split, help="another build's aigw command (e.g. ../base/.venv/bin/aigw)")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.seconds <= 0 or args.workers < 1:
        parser.error("--rounds and --workers must be at least 1, --seconds positive")
    given = argv if argv is not None else sys.argv[1:]
    command = "python -m loadtests.bench_ner_load" + "".join(f" {a}" for a in given)
    info = machine()
    text = texts_of(load(None, "dev"), SIZE, True)
    with tempfile.TemporaryDirectory(prefix="aigw-bench-ner-") as tmp:
        targets = uvloop.run(run(args, text, Path(tmp)))
    print(render(targets, args, text, info, command))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench_ner_load: {exc}", file=sys.stderr)
        sys.exit(1)
