"""Child processes of the benchmark: start them, wait until they answer, stop them, and read /proc about them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import aiohttp

from loadtests.bench_plan import HOST, ROOT, BenchError

STARTUP_TIMEOUT_S = 90.0  # a gateway with the default policy loads spaCy per worker: over 30 s on a busy 2-CPU host
STOP_TIMEOUT_S = 5.0
READY_POLL_S = 0.05
PROBE_TIMEOUT_S = 1.0
STAT_STEAL_FIELD = 7  # /proc/stat "cpu" line: user nice system idle iowait irq softirq steal ...

# Answers True once the process serves; raising a connection error means "not yet".
Probe = Callable[[aiohttp.ClientSession], Awaitable[bool]]


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
            await asyncio.sleep(READY_POLL_S)
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
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=PROBE_TIMEOUT_S)) as resp:
            return resp.status == 200

    return probe


def tcp_probe(port: int) -> Probe:
    """For a process with no health endpoint: ready once it accepts a connection."""

    async def probe(session: aiohttp.ClientSession) -> bool:
        _, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout=PROBE_TIMEOUT_S)
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return True

    return probe


def pin_to_cpu(pid: int, cpu: int) -> None:
    for task in Path(f"/proc/{pid}/task").iterdir():  # every thread, not only the main one
        with contextlib.suppress(ProcessLookupError):
            os.sched_setaffinity(int(task.name), {cpu})


def cpu_steal() -> tuple[int, int]:
    """(steal ticks, all ticks) of the whole machine so far, from /proc/stat."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return 0, 0
    steal = values[STAT_STEAL_FIELD] if len(values) > STAT_STEAL_FIELD else 0
    return steal, sum(values[: STAT_STEAL_FIELD + 1])


def steal_percent(before: tuple[int, int], after: tuple[int, int]) -> float:
    """Share of CPU time the hypervisor took away between two ``cpu_steal`` readings."""
    return 100 * (after[0] - before[0]) / max(1, after[1] - before[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return float("nan")
    # The command name may hold spaces and parentheses, so count the fields from the last ")".
    fields_after_name = stat.rsplit(")", 1)[1].split()
    utime, stime = int(fields_after_name[11]), int(fields_after_name[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """The process and all its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return found


def tree_cpu(pid: int) -> float:
    return sum(c for c in (cpu_seconds(p) for p in tree(pid)) if c == c)  # nan: gone meanwhile


def tree_memory(pid: int) -> tuple[float, float, int]:
    """RSS and PSS of the process tree in MiB, and how many processes it has."""
    rss = pss = 0
    pids = tree(pid)
    for p in pids:
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        for line in rollup:
            key, _, value = line.partition(":")
            if key in ("Rss", "Pss"):
                kib = int(value.split()[0])
                rss, pss = (rss + kib, pss) if key == "Rss" else (rss, pss + kib)
    return rss / 1024, pss / 1024, len(pids)
