"""The processes under test and the targets the client sends to.

Two mock providers (an instant one, and a streaming one with a time to first
token), a bare baseline proxy in front of each, and the gateways: at log level
info in front of each mock, and at warning in front of the instant one.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from loadtests.bench_load import CHAT_PATH, Target
from loadtests.bench_plan import HOST, MODEL, ROOT, BenchError, Plan, progress
from loadtests.bench_processes import Probe, Service, free_ports, http_probe, pin_to_cpu, tcp_probe
from loadtests.mock_provider import OPENAI_KEY

STREAM_MOCK_ARGS = ("--ttft-ms", "20", "--chunk-delay-ms", "2", "--reply-words", "50")
# Every port is reserved, the warning-level gateway's too, whether or not it runs.
PORT_NAMES = (
    "mock",
    "mock_stream",
    "baseline",
    "baseline_stream",
    "gw",
    "gw_admin",
    "gw_stream",
    "gw_stream_admin",
    "gw_warn",
    "gw_warn_admin",
)
MOCKS = {"mock": (), "mock_stream": STREAM_MOCK_ARGS}  # name: extra command-line arguments
BASELINES = {"baseline": "mock", "baseline_stream": "mock_stream"}  # name: upstream
GATEWAYS = {"gw": ("info", "mock"), "gw_stream": ("info", "mock_stream"), "gw_warn": ("warning", "mock")}
WARNING_GATEWAY = "gw_warn"
CLIENT_CPU = 0  # with --pin: this client and the mocks
PROXY_CPU = 1  # with --pin: the proxies under test
KEY_CREATE_TIMEOUT_S = 60


@dataclass
class Fleet:
    ports: dict[str, int]
    env: dict[str, str]
    services: list[Service]
    gateway_key: str  # a caller key every gateway accepts (they share one key store)

    def url(self, port_name: str) -> str:
        return _url(self.ports, port_name)

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    def request_log_lines(self) -> int:
        """Request log lines the headline gateway wrote: proof that it really logged at info."""
        lines = self.service("gw").stdout_path.read_text().splitlines()
        return sum(1 for line in lines if '"event": "request"' in line)


def _url(ports: dict[str, int], port_name: str) -> str:
    return f"http://{HOST}:{ports[port_name]}"


def aigw_command() -> list[str]:
    script = Path(sys.executable).parent / "aigw"
    return [str(script)] if script.exists() else [sys.executable, "-m", "gateway"]


def child_env() -> dict[str, str]:
    """This process's environment without AIGW_* settings, which would override the generated files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIGW_")}
    env["MOCK_OPENAI_KEY"] = OPENAI_KEY
    return env


def gateway_settings(tmp: Path, port: int, admin_port: int, upstream_port: int, level: str) -> dict[str, Any]:
    return {
        "listen": {"host": HOST, "port": port},
        "admin": {"host": HOST, "port": admin_port},
        "policy_path": str(ROOT / "tests" / "data" / "policy.yaml"),  # group engineering may use openai gpt-*
        "store": {"sqlite_path": str(tmp / "aigw.db")},  # shared, so that one caller key serves every gateway
        # Each gateway its own prompt log in the bench's temporary folder (never ./var).
        "prompt_log": {"sqlite_path": str(tmp / f"prompt-log-{port}.db"), "spool_path": str(tmp / f"spool-{port}")},
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


def write_gateway_configs(tmp: Path, ports: dict[str, int], with_warning_level: bool) -> dict[str, Path]:
    """One settings file per gateway that runs, by gateway name."""
    configs: dict[str, Path] = {}
    for name, (level, upstream) in GATEWAYS.items():
        if name == WARNING_GATEWAY and not with_warning_level:
            continue
        settings = gateway_settings(tmp, ports[name], ports[f"{name}_admin"], ports[upstream], level)
        configs[name] = tmp / f"{name}.yaml"
        configs[name].write_text(yaml.safe_dump(settings, sort_keys=False))
    return configs


async def create_gateway_key(config: Path, env: dict[str, str]) -> str:
    command = [*aigw_command(), "keys", "create", "--config", str(config), "--user", "bench", "--group", "engineering"]
    # In a thread: uvloop's own child-process handling would undo the SIGTERM handler of the run.
    created = await asyncio.to_thread(
        subprocess.run,
        command,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=KEY_CREATE_TIMEOUT_S,
    )
    if created.returncode != 0:
        raise BenchError(f"aigw keys create failed: {created.stderr.strip()}")
    return created.stdout.strip()


def _service(tmp: Path, name: str, argv: list[str], probe: Probe) -> Service:
    return Service(name, argv, probe, tmp / f"{name}.out", tmp / f"{name}.err")


def fleet_services(tmp: Path, ports: dict[str, int], configs: dict[str, Path]) -> list[Service]:
    """Mocks first, then the baseline proxies, then the gateways (the order they start in)."""
    py = sys.executable
    mock_argv = [py, "-m", "loadtests.mock_provider", "--host", HOST, "--no-record"]
    services = [
        _service(
            tmp, name, [*mock_argv, "--port", str(ports[name]), *extra], http_probe(_url(ports, name) + "/v1/models")
        )
        for name, extra in MOCKS.items()
    ]
    for name, upstream in BASELINES.items():
        argv = [py, "-m", "loadtests.baseline_proxy", "--host", HOST, "--port", str(ports[name])]
        services.append(_service(tmp, name, [*argv, "--upstream", _url(ports, upstream)], tcp_probe(ports[name])))
    for name, config in configs.items():
        argv = [*aigw_command(), "serve", "--config", str(config)]
        services.append(_service(tmp, name, argv, http_probe(_url(ports, f"{name}_admin") + "/readyz")))
    return services


async def prepare_fleet(plan: Plan, tmp: Path) -> Fleet:
    """Ports, settings files and a caller key; no process runs yet."""
    ports = dict(zip(PORT_NAMES, free_ports(len(PORT_NAMES)), strict=True))
    env = child_env()
    configs = write_gateway_configs(tmp, ports, plan.with_warning_level)
    gateway_key = await create_gateway_key(configs["gw"], env)
    return Fleet(ports, env, fleet_services(tmp, ports, configs), gateway_key)


async def start_fleet(fleet: Fleet, pin: bool) -> None:
    """Start every process and wait until all answer; the caller stops them, whatever happens."""
    for s in fleet.services:
        s.start(fleet.env)
    async with aiohttp.ClientSession(trust_env=False) as probe_session:
        await asyncio.gather(*(s.wait_ready(probe_session) for s in fleet.services))
    progress(f"started {len(fleet.services)} processes: " + ", ".join(f"{s.name}={s.pid}" for s in fleet.services))
    if pin:
        pin_cpus(fleet.services)
        progress("pinned: this client and the mocks on CPU 0, the proxies on CPU 1")


def pin_cpus(services: list[Service]) -> None:
    """Give the proxies a CPU of their own, so that their throughput is not shared with the load's."""
    if (os.cpu_count() or 1) < 2:
        raise BenchError("--pin needs at least 2 CPUs")
    pin_to_cpu(os.getpid(), CLIENT_CPU)
    for s in services:
        pin_to_cpu(s.pid, CLIENT_CPU if s.name in MOCKS else PROXY_CPU)


def _direct(fleet: Fleet, mock: str) -> Target:
    return Target("direct", "direct to mock", fleet.url(mock) + CHAT_PATH, OPENAI_KEY, None)


def _via(fleet: Fleet, name: str, label: str, proxy: str, key: str) -> Target:
    return Target(name, label, fleet.url(proxy) + CHAT_PATH, key, fleet.service(proxy))


def plain_targets(fleet: Fleet, with_warning_level: bool) -> list[Target]:
    """The non-streaming targets, all in front of the instant mock."""
    targets = [
        _direct(fleet, "mock"),
        _via(fleet, "baseline", "baseline proxy", "baseline", OPENAI_KEY),
        _via(fleet, "gateway", "gateway (log info)", "gw", fleet.gateway_key),
    ]
    if with_warning_level:
        targets.append(_via(fleet, "gateway_warn", "gateway (log warning)", WARNING_GATEWAY, fleet.gateway_key))
    return targets


def streaming_targets(fleet: Fleet) -> list[Target]:
    """The streaming targets, all in front of the streaming mock."""
    return [
        _direct(fleet, "mock_stream"),
        _via(fleet, "baseline", "baseline proxy", "baseline_stream", OPENAI_KEY),
        _via(fleet, "gateway", "gateway (log info)", "gw_stream", fleet.gateway_key),
    ]
