"""Issue 18, item 4: what a clean 200-character prompt adds through the gateway, next to a bare proxy,
and the gateway's memory with one detection worker.

Starts, each as its own process on 127.0.0.1: the instant mock provider, the bare pass-through proxy
(``loadtests.baseline_proxy``), and two gateways at log level warning: ``default`` with
policies/default.yaml (every detector; ``detection.workers: 1``) and ``no-detection`` with
tests/data/policy.yaml. This process is the client: c=1 chat completions whose user message is the
clean ~200-character text of the detection benchmark (tests/data/pii_corpus.jsonl, rows without PII;
a number appended so that no two requests are alike), the targets taken in turn request by request
after a warm-up. Added = the target's p50 minus the p50 direct to the mock; the issue's target is
the default gateway's added p50 at most twice the bare proxy's. At the end, the resident memory of
the default gateway with its worker (VmRSS, summed over the process and its children).

    python -m loadtests.bench_clean_overhead                  # about a minute on 2 CPUs
    python -m loadtests.bench_clean_overhead --requests 500   # shorter
    python -m loadtests.bench_clean_overhead --tree /tmp/base # another build's gateways (its source tree)
"""

from __future__ import annotations

import argparse
import json
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

from loadtests.bench_ab import STREAM_MODEL, start_all
from loadtests.bench_fleet import _service, child_env, create_gateway_key, gateway_settings
from loadtests.bench_plan import HOST, MODEL, ROOT
from loadtests.bench_processes import Service, free_ports, http_probe, stop_all, tcp_probe, tree_memory
from loadtests.eval_pii import load, texts_of
from loadtests.mock_provider import OPENAI_KEY
from loadtests.soak import gateway_command

TARGET_RATIO = 2.0


@dataclass
class Target:
    name: str
    url: str
    model: str
    key: str
    seconds: list[float] = field(default_factory=list)

    def p50_ms(self) -> float:
        return 1000 * statistics.median(self.seconds)


def _services(tmp: Path, ports: dict[str, int], aigw: list[str]) -> tuple[list[Service], dict[str, Path]]:
    py = sys.executable
    mock = [py, "-m", "loadtests.mock_provider", "--host", HOST, "--no-record", "--port", str(ports["mock"])]
    upstream = f"http://{HOST}:{ports['mock']}"
    bare = [py, "-m", "loadtests.baseline_proxy", "--host", HOST, "--port", str(ports["bare"]), "--upstream", upstream]
    services = [
        _service(tmp, "mock", mock, http_probe(f"{upstream}/v1/models")),
        _service(tmp, "bare", bare, tcp_probe(ports["bare"])),
    ]
    configs: dict[str, Path] = {}
    for name in ("default", "no-detection"):
        settings = gateway_settings(tmp, ports[name], ports[f"{name}_admin"], ports["mock"], "warning")
        if name == "default":
            settings["policy_path"] = str(ROOT / "policies" / "default.yaml")
            settings["providers"]["openai"]["models"] = [STREAM_MODEL]
            settings["detection"] = {"workers": 1}
        configs[name] = tmp / f"{name}.yaml"
        configs[name].write_text(yaml.safe_dump(settings, sort_keys=False))
        argv = [*aigw, "serve", "--config", str(configs[name])]
        readyz = f"http://{HOST}:{ports[f'{name}_admin']}/readyz"
        services.append(_service(tmp, name, argv, http_probe(readyz)))
    return services, configs


async def _one(session: aiohttp.ClientSession, target: Target, text: str) -> float:
    body = json.dumps({"model": target.model, "messages": [{"role": "user", "content": text}]}).encode()
    headers = {"authorization": f"Bearer {target.key}", "content-type": "application/json"}
    started = time.perf_counter()
    async with session.post(target.url, data=body, headers=headers) as reply:
        await reply.read()
        if reply.status != 200:
            raise RuntimeError(f"{target.name} answered {reply.status}")
    return time.perf_counter() - started


async def measure(targets: Sequence[Target], text: str, requests: int, warmup: int) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1), trust_env=False) as session:
        for n in range(warmup + requests):
            for target in targets:
                seconds = await _one(session, target, f"{text} {n}")
                if n >= warmup:
                    target.seconds.append(seconds)


async def run(requests: int, warmup: int, tree: Path | None) -> None:
    text = texts_of(load(None, "all"), 200, False)
    names = ("mock", "bare", "default", "no-detection")
    free = free_ports(2 * len(names))
    ports = dict(zip([*names, *(f"{n}_admin" for n in names)], free, strict=True))
    with tempfile.TemporaryDirectory(prefix="aigw-clean-") as folder:
        tmp = Path(folder)
        env = child_env()  # the gateways share one key store (gateway_settings): one key serves both
        services, configs = _services(tmp, ports, gateway_command(tree, env))
        key = await create_gateway_key(configs["default"], env)
        try:
            await start_all(services, env)
            url = "http://{}:{}/v1/chat/completions"
            targets = [
                Target("direct to mock", url.format(HOST, ports["mock"]), MODEL, OPENAI_KEY),
                Target("bare proxy", url.format(HOST, ports["bare"]), MODEL, OPENAI_KEY),
                Target("aigw, no detection", url.format(HOST, ports["no-detection"]), MODEL, key),
                Target("aigw, default policy", url.format(HOST, ports["default"]), STREAM_MODEL, key),
            ]
            await measure(targets, text, requests, warmup)
            gateway = next(s for s in services if s.name == "default")
            rss, _pss, processes = tree_memory(gateway.pid)
        finally:
            stop_all(services)
    report(targets, len(text), requests, rss, processes)


def report(targets: Sequence[Target], chars: int, requests: int, rss: float, processes: int) -> None:
    direct = targets[0].p50_ms()
    print(f"c=1, {requests} requests per target, a clean {chars}-character prompt (+ a number)\n")
    print("| target | p50 ms | added p50 ms |\n|---|---:|---:|")
    for target in targets:
        added = "" if target is targets[0] else f"+{target.p50_ms() - direct:.3f}"
        print(f"| {target.name} | {target.p50_ms():.3f} | {added} |")
    bare, default = targets[1].p50_ms() - direct, targets[3].p50_ms() - direct
    verdict = "yes" if default <= TARGET_RATIO * bare else "no"
    print(f"\ndefault policy / bare proxy, added p50: {default / bare:.2f}x (target <= {TARGET_RATIO:g}x: {verdict})")
    print(f"RSS of the default-policy gateway with one detection worker: {rss:.0f} MiB ({processes} processes)")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=2000, help="measured requests per target")
    parser.add_argument("--warmup", type=int, default=200, help="requests per target before measuring")
    parser.add_argument("--tree", type=Path, help="run the gateways from this source tree (e.g. a git archive)")
    args = parser.parse_args(argv)
    uvloop.run(run(args.requests, args.warmup, args.tree))


if __name__ == "__main__":
    main()
