"""What content detection adds to a request's latency, next to Presidio's default analyzer.

Starts, each as its own process on 127.0.0.1: one mock provider (instant), gateway A
with the default policy (policies/default.yaml: secrets, PII, confidential markers and
injection detectors, data rules redact/pseudonymize/block; 2 detection workers) and
gateway B with tests/data/policy.yaml (no detection), both at log level warning. This
process is the client: c=1 chat completions whose user message is about 200, 2,000 and
20,000 characters of corpus text (tests/data/pii_corpus.jsonl), without PII ("clean")
and with PII; targets A, B and direct-to-mock in turn request by request, warmed up
first. Detection cost = A - B at the same percentile. Then, in this process, the median
time of Presidio's default ``AnalyzerEngine.analyze()`` (all default entities, "en",
same spaCy model) on the same texts, and ratio = Presidio p50 / added p50.

    python -m loadtests.bench_detection            # about a minute on 2 CPUs
    python -m loadtests.bench_detection --quick    # about 30 seconds
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import uvloop
import yaml

from detectors.pii.detector import PiiConfig
from detectors.registry import build_detectors
from gateway.policy.policy import load_policy
from loadtests.bench_detection_load import SIZE, Throughput, measure_throughput, render_throughput
from loadtests.bench_fleet import _url, aigw_command, child_env, create_gateway_key, gateway_settings
from loadtests.bench_load import CHAT_PATH, REQUEST_TIMEOUT_S
from loadtests.bench_overhead import cancel_on_sigterm
from loadtests.bench_plan import ROOT, BenchError, progress
from loadtests.bench_processes import Service, free_ports, http_probe, stop_all
from loadtests.bench_report import machine
from loadtests.bench_stats import percentile
from loadtests.eval_pii import load, median_ms, presidio_default, texts_of
from loadtests.mock_provider import OPENAI_KEY

SIZES = (200, 2_000, 20_000)
KINDS = ((False, "clean"), (True, "PII"))
MODEL_A = "gpt-5.5"  # the default policy lets engineering use openai gpt-5.5*
MODEL_B = "gpt-4o-mini"  # tests/data/policy.yaml lets engineering use openai gpt-*
DEFAULT_N, QUICK_N = 200, 30  # requests per target per prompt; 20,000 characters get a fifth
TARGET_RATIO_AT_2000 = 4.0
TARGET_CLEAN_200_MS = 2.0
THROUGHPUT_ROUNDS, THROUGHPUT_S, QUICK_THROUGHPUT_S = 2, 3.0, 1.0
# A GitHub token shape: gateway A must block it, proof that its detection really runs.
SECRET_PROBE = "deploy with token ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


@dataclass
class Target:
    name: str
    url: str
    key: str
    model: str
    session: aiohttp.ClientSession | None = None

    def body(self, text: str) -> bytes:
        return json.dumps({"model": self.model, "messages": [{"role": "user", "content": text}]}).encode()

    async def send(self, body: bytes) -> tuple[float, int, bytes]:
        """One chat completion: seconds from send to the last body byte, status, body."""
        assert self.session is not None
        headers = {"authorization": f"Bearer {self.key}", "content-type": "application/json"}
        t0 = time.perf_counter()
        async with self.session.post(self.url, data=body, headers=headers) as resp:
            reply = await resp.read()
        return time.perf_counter() - t0, resp.status, reply


@dataclass
class Prompt:
    kind: str
    size: int
    text: str
    requests: int
    samples: dict[str, list[float]] = field(default_factory=dict)  # target name: seconds
    non_200: dict[str, int] = field(default_factory=dict)
    presidio_ms: float = float("nan")
    inprocess_ms: float = float("nan")  # gateway A's detectors, called directly in this process

    def p(self, target: str, q: float) -> float:
        return percentile(self.samples[target], q) * 1000

    def added(self, q: float) -> float:
        return self.p("A", q) - self.p("B", q)


def make_prompts(n: int) -> list[Prompt]:
    rows = load(None, "all")
    return [
        Prompt(kind, size, texts_of(rows, size, with_pii), n if size < 20_000 else max(5, n // 5))
        for with_pii, kind in KINDS
        for size in SIZES
    ]


def fleet(tmp: Path, ports: dict[str, int]) -> tuple[dict[str, Path], list[Service]]:
    """Settings files for gateways A and B, and the services in start order (the mock first)."""
    policy_a = tmp / "default-policy.yaml"
    shutil.copyfile(ROOT / "policies" / "default.yaml", policy_a)
    configs: dict[str, Path] = {}
    for name, policy, model in (("A", policy_a, MODEL_A), ("B", ROOT / "tests/data/policy.yaml", MODEL_B)):
        settings = gateway_settings(tmp, ports[name], ports[f"{name}_admin"], ports["mock"], "warning")
        settings["policy_path"] = str(policy)
        settings["providers"]["openai"]["models"] = [model]
        if name == "A":
            settings["detection"] = {"workers": 2}
        configs[name] = tmp / f"gw_{name}.yaml"
        configs[name].write_text(yaml.safe_dump(settings, sort_keys=False))
    mock_argv = [sys.executable, "-m", "loadtests.mock_provider", "--host", "127.0.0.1", "--no-record"]
    services = [
        Service(
            "mock",
            [*mock_argv, "--port", str(ports["mock"])],
            http_probe(_url(ports, "mock") + "/v1/models"),
            tmp / "mock.out",
            tmp / "mock.err",
        )
    ]
    for name, config in configs.items():
        probe = http_probe(_url(ports, f"{name}_admin") + "/readyz")
        argv = [*aigw_command(), "serve", "--config", str(config)]
        services.append(Service(f"gateway {name}", argv, probe, tmp / f"gw_{name}.out", tmp / f"gw_{name}.err"))
    return configs, services


async def check_detection_on(a: Target) -> None:
    _, status, reply = await a.send(a.body(SECRET_PROBE))
    if status == 200:
        raise BenchError(f"gateway A let a GitHub token through: detection is not running ({reply[:200]!r})")


async def warm_up(targets: Sequence[Target], prompts: Sequence[Prompt], per_prompt: int) -> None:
    """Every prompt a few times to every target; a non-200 answer here stops the run."""
    for prompt in prompts:
        for target in targets:
            body = target.body(prompt.text)
            for _ in range(per_prompt):
                _, status, reply = await target.send(body)
                if status != 200 or b'"choices"' not in reply:
                    raise BenchError(f"{target.name}, {prompt.kind} {prompt.size}: HTTP {status}: {reply[:300]!r}")


async def measure(targets: Sequence[Target], prompts: Sequence[Prompt]) -> None:
    for prompt in prompts:
        progress(f"{prompt.kind} {len(prompt.text)} chars: {prompt.requests} requests per target, in turn")
        bodies = {t.name: t.body(prompt.text) for t in targets}
        prompt.samples = {t.name: [] for t in targets}
        prompt.non_200 = {t.name: 0 for t in targets}
        for i in range(prompt.requests):
            k = i % len(targets)
            for target in [*targets[k:], *targets[:k]]:
                seconds, status, _ = await target.send(bodies[target.name])
                if status == 200:
                    prompt.samples[target.name].append(seconds)
                else:
                    prompt.non_200[target.name] += 1


async def run(prompts: Sequence[Prompt], loads: Sequence[Throughput], warmup: int, tmp: Path, window_s: float) -> None:
    cancel_on_sigterm()
    names = ("mock", "A", "A_admin", "B", "B_admin")
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    env = child_env()
    configs, services = fleet(tmp, ports)
    key = await create_gateway_key(configs["B"], env)  # one key store, shared by A and B
    targets = [
        Target("direct", _url(ports, "mock") + CHAT_PATH, OPENAI_KEY, MODEL_B),
        Target("A", _url(ports, "A") + CHAT_PATH, key, MODEL_A),
        Target("B", _url(ports, "B") + CHAT_PATH, key, MODEL_B),
    ]
    try:
        for s in services:
            s.start(env)
        async with aiohttp.ClientSession(trust_env=False) as probe_session:
            await asyncio.gather(*(s.wait_ready(probe_session) for s in services))
        progress("started " + ", ".join(f"{s.name}={s.pid}" for s in services))
        for t in targets:
            t.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S), trust_env=False)
        await check_detection_on(targets[1])
        progress(f"warming up: {warmup} requests per prompt and target")
        await warm_up(targets, prompts, warmup)
        await measure(targets, prompts)
        progress(f"throughput: {len(loads)} prompts x {THROUGHPUT_ROUNDS} rounds x {window_s:g} s per target")
        await measure_throughput([targets[1], targets[2], targets[0]], loads, window_s, THROUGHPUT_ROUNDS)
    finally:
        for t in targets:
            if t.session is not None:
                await t.session.close()
        stop_all(services)


def time_inprocess(prompts: Sequence[Prompt]) -> None:
    progress("gateway A's detectors in this process: building, then timing detect()")
    detection = load_policy(ROOT / "policies" / "default.yaml").detection
    assert detection is not None
    detectors = build_detectors(detection)
    for prompt in prompts:
        prompt.inprocess_ms = median_ms(
            lambda text: [(0, 0, "") for d in detectors for _ in d.detect(text)], prompt.text
        )


def time_presidio(prompts: Sequence[Prompt]) -> None:
    progress("Presidio default AnalyzerEngine: building (spaCy load), then timing analyze()")
    _, engine = presidio_default(PiiConfig().model, 0.5)
    for prompt in prompts:
        prompt.presidio_ms = median_ms(
            lambda text: [(0, 0, r.entity_type) for r in engine.analyze(text, "en")], prompt.text
        )


def ratio(prompt: Prompt) -> float:
    added = prompt.added(50)
    return prompt.presidio_ms / added if added > 0 else float("inf")


def verdict(prompt: Prompt) -> str:
    checks: list[str] = []
    if prompt.size == 2_000:
        ok = ratio(prompt) >= TARGET_RATIO_AT_2000
        checks.append(f"{'**yes**' if ok else '**no**'} (ratio >= {TARGET_RATIO_AT_2000:g})")
    if prompt.size == 200 and prompt.kind == "clean":
        ok = prompt.added(50) <= TARGET_CLEAN_200_MS
        checks.append(f"{'**yes**' if ok else '**no**'} (added <= {TARGET_CLEAN_200_MS:g} ms)")
    return "; ".join(checks) or "-"


def render(prompts: Sequence[Prompt], info: dict[str, str], command: str, elapsed_s: float) -> str:
    out = [
        f"Run: {info['date']}, `{command}`, {elapsed_s:.0f} s in all.  ",
        f"Machine: {info['cpus']} CPUs ({info['cpu']}), {info['os']}, Python {info['python']}, "
        f"aiohttp {info['aiohttp']}, uvloop {info['uvloop']}; load average before the run {info['load']}.  ",
        "A = gateway, policies/default.yaml (detection on, 2 workers); B = gateway, tests/data/policy.yaml "
        "(no detection); both log level warning; c=1, targets in turn. Latency in ms.",
        "",
        "| prompt | chars | requests | direct p50 | B p50 / p90 | A p50 / p90 | added p50 | added p90 "
        "| A's detectors in-process p50 | Presidio analyze p50 | ratio | target met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for pr in prompts:
        out.append(
            f"| {pr.kind} | {len(pr.text)} | {pr.requests} | {pr.p('direct', 50):.2f} "
            f"| {pr.p('B', 50):.2f} / {pr.p('B', 90):.2f} | {pr.p('A', 50):.2f} / {pr.p('A', 90):.2f} "
            f"| {pr.added(50):+.2f} | {pr.added(90):+.2f} | {pr.inprocess_ms:.2f} | {pr.presidio_ms:.2f} "
            f"| {ratio(pr):.2f}x | {verdict(pr)} |"
        )
    non_200 = {name: sum(pr.non_200.get(name, 0) for pr in prompts) for name in ("direct", "A", "B")}
    out += [
        "",
        "Added = A minus B at the same percentile (what detection costs). A's detectors in-process: median "
        "time of every detector of policies/default.yaml on the prompt text, called in this process (no "
        "worker hop, no JSON, no data rules); added minus this is roughly the cost of the hop.  "
        "Presidio analyze p50: median wall time of Presidio's default AnalyzerEngine.analyze(text, 'en') "
        f"on the same text, in this process, same spaCy model ({PiiConfig().model}). "
        "Ratio = Presidio analyze p50 / added p50.  ",
        "Non-200 answers during measurement: " + ", ".join(f"{n} {c}" for n, c in non_200.items()) + ".",
    ]
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_N} requests per prompt and target")
    parser.add_argument("--requests", type=int, help=f"per prompt and target (default {DEFAULT_N}; 20,000 chars: /5)")
    args = parser.parse_args(argv)
    if args.requests is not None and args.requests < 1:
        parser.error("--requests must be at least 1")
    n = args.requests or (QUICK_N if args.quick else DEFAULT_N)
    given = argv if argv is not None else sys.argv[1:]
    command = "python -m loadtests.bench_detection" + "".join(f" {a}" for a in given)
    info = machine()
    prompts = make_prompts(n)
    rows = load(None, "dev")
    loads = [Throughput(kind, texts_of(rows, SIZE, with_pii)) for with_pii, kind in KINDS]
    window_s = QUICK_THROUGHPUT_S if args.quick else THROUGHPUT_S
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="aigw-bench-detection-") as tmp:
        try:
            uvloop.run(run(prompts, loads, max(3, n // 20), Path(tmp), window_s))
        except asyncio.CancelledError:
            progress("stopped by SIGTERM")
            return 128 + signal.SIGTERM
    time_inprocess(prompts)
    time_presidio(prompts)
    print(render(prompts, info, command, time.perf_counter() - started))
    print(render_throughput(loads, window_s, THROUGHPUT_ROUNDS))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench_detection: {exc}", file=sys.stderr)
        sys.exit(1)
