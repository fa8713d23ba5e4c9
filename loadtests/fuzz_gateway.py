"""Fuzz a real gateway (issue 13): mutated OpenAI and Anthropic requests, a misbehaving provider.

    python -m loadtests.fuzz_gateway --requests 10000 --seed 1

Starts the mock provider (in this process) and ``aigw serve`` as a child process, both on
127.0.0.1, with a temporary SQLite prompt log at level ``full`` with a log key (so prompts
and answers are sealed), detection with pseudonymization and redaction in both directions,
then sends ``--requests`` requests (``loadtests.fuzz_mutations``) with ``--concurrency`` in
flight. Checks (``loadtests.fuzz_checks``): no gateway 500s, ``/readyz`` all true every
``--check-every`` requests and at the end, every answered request's id in the prompt log after
a clean stop, no 503 for want of the writer. Prints a table per mutation class and exits 1
when an invariant fails; ``--failures FILE`` writes every failed request as JSON lines.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from gateway.promptlog.crypto import rotate_key_file
from loadtests.bench_fleet import aigw_command, child_env, create_gateway_key
from loadtests.bench_plan import HOST, ROOT
from loadtests.bench_processes import free_ports
from loadtests.fuzz_checks import Outcome, Report, judge
from loadtests.fuzz_mutations import generate
from loadtests.mock_provider import ANTHROPIC_KEY, Behaviour, MockProvider

REQUEST_TIMEOUT_S = 60.0
READY_TIMEOUT_S = 120.0  # start-up includes the detection worker loading its NER model
STOP_TIMEOUT_S = 60.0
STDERR_SIGNS = ("Traceback", "Task exception was never retrieved", "Error handling request", "Unhandled exception")
# A generous scan time limit: the fuzzer checks invariants (no dead task, no 500, nothing
# unrecorded), not speed, and on a loaded machine a 2 s limit kills the one detection
# worker mid-scan, leaving /readyz honestly "not ready" while its replacement loads spaCy.
POLICY_EXTRA = """
detection:
  time_limit_ms: 30000
  on_failure: block
  secrets: {}
  pii: {entities: [PERSON, EMAIL_ADDRESS, US_SSN]}
  confidential: {markers: true}
  injection: {}
data_rules:
  - {id: secrets-block, match: {categories: [secret]}, action: block}
  - {id: ssn-redact, match: {entity_types: [US_SSN]}, action: redact}
  - {id: people, match: {entity_types: [PERSON, EMAIL_ADDRESS]}, directions: [prompt], action: pseudonymize}
  - {id: markers-redact, match: {entity_types: [CLASSIFICATION_MARKER]}, action: redact}
prompt_log:
  level: full
"""


def write_config(tmp: Path, port: int, admin_port: int, mock_url: str) -> Path:
    policy = tmp / "policy.yaml"
    policy.write_text((ROOT / "tests" / "data" / "policy.yaml").read_text() + POLICY_EXTRA)
    rotate_key_file(tmp / "log-keys.json")  # level full keeps text only with a log key
    settings: dict[str, Any] = {
        "listen": {"host": HOST, "port": port},
        "admin": {"host": HOST, "port": admin_port},
        "policy_path": str(policy),
        "store": {"sqlite_path": str(tmp / "aigw.db")},
        "prompt_log": {
            "sqlite_path": str(tmp / "prompt-log.db"),
            "key_file": str(tmp / "log-keys.json"),
            "spool_path": str(tmp / "prompt-log.spool"),
        },
        "log": {"format": "json", "level": "warning"},
        "detection": {"workers": 1},
        "limits": {"shutdown_grace_s": 10, "upstream_read_timeout_s": 30},
        "providers": {
            "openai": {"type": "openai", "base_url": f"{mock_url}/v1", "api_key_env": "MOCK_OPENAI_KEY"},
            "anthropic": {"type": "anthropic", "base_url": mock_url, "api_key_env": "MOCK_ANTHROPIC_KEY"},
        },
        "routes": [
            {"match": "gpt-*", "provider": "openai"},
            {"match": "text-embedding-*", "provider": "openai"},
            {"match": "claude-*", "provider": "anthropic"},
        ],
    }
    path = tmp / "gateway.yaml"
    path.write_text(yaml.safe_dump(settings, sort_keys=False))
    return path


async def readiness(session: aiohttp.ClientSession, admin: str) -> str | None:
    """None when /readyz is 200 with every check true; else what failed."""
    try:
        async with session.get(f"{admin}/readyz") as resp:
            doc = await resp.json()
    except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
        return f"/readyz unreachable ({type(exc).__name__})"
    checks = doc.get("checks", {}) if isinstance(doc, dict) else {}
    failing = sorted(name for name, ok in checks.items() if ok is not True)
    return None if resp.status == 200 and not failing else f"/readyz {resp.status} failing {failing}"


async def wait_ready(session: aiohttp.ClientSession, admin: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the gateway exited during start-up with code {process.returncode}")
        if await readiness(session, admin) is None:
            return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"the gateway was not ready within {READY_TIMEOUT_S} s")


async def send(session: aiohttp.ClientSession, url: str, index: int, seed: int, key: str) -> Outcome:
    req = generate(index, seed, key)
    outcome = Outcome(req)
    try:
        # BytesIO: aiohttp warns (an error under pytest) about raw bytes bodies over 1 MiB.
        async with session.post(url + req.path, data=io.BytesIO(req.body), headers=req.headers) as resp:
            outcome.status, outcome.request_id = resp.status, resp.headers.get("x-request-id")
            outcome.content_type = resp.headers.get("content-type", "")
            try:
                body = await resp.read()
            except (TimeoutError, aiohttp.ClientError) as exc:
                outcome.problems.append("broken-body")
                outcome.info = type(exc).__name__
                return outcome
    except (TimeoutError, aiohttp.ClientError) as exc:
        outcome.problems.append("no-response")
        outcome.info = f"{type(exc).__name__}: {str(exc)[:80]}"
        return outcome
    judge(outcome, body)
    return outcome


async def drive(url: str, admin: str, key: str, args: argparse.Namespace, report: Report) -> None:
    """Workers take request numbers in turn; one of them probes /readyz every ``check_every``."""
    next_index = 0
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    # A new connection per request: a keep-alive connection the gateway closes as the next request
    # goes out would count as a failure of the gateway's that is only a race in the client.
    connector = aiohttp.TCPConnector(limit=args.concurrency * 2, force_close=True)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector, trust_env=False) as session:

        async def worker() -> None:
            nonlocal next_index
            while next_index < args.requests:
                index, next_index = next_index, next_index + 1
                report.outcomes.append(await send(session, url, index, args.seed, key))
                if index % args.check_every == args.check_every - 1:
                    problem = await readiness(session, admin)
                    if problem is not None:
                        report.readiness_failures.append(f"after #{index}: {problem}")
                if args.verbose and index % 1000 == 999:
                    print(f"  {index + 1} sent", file=sys.stderr)

        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        await asyncio.sleep(1.0)  # let the last records and incidents reach their writers before the final probe
        problem = await readiness(session, admin)
        if problem is not None:
            report.readiness_failures.append(f"at the end: {problem}")


def stop(process: subprocess.Popen[bytes]) -> int | None:
    """A clean stop (SIGTERM: drain, flush the prompt log); the exit code, None if it had to be killed."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
        return None


def check_records(tmp: Path, report: Report) -> None:
    db = sqlite3.connect(tmp / "prompt-log.db")
    try:
        stored = {row[0] for row in db.execute("SELECT request_id FROM exchanges")}
    finally:
        db.close()
    for o in report.outcomes:
        if o.request_id is not None and o.request_id not in stored:
            o.problems.append("missing-record")
    spool = tmp / "prompt-log.spool"
    report.spooled = len(spool.read_bytes().splitlines()) if spool.exists() else 0


def read_logs(tmp: Path, report: Report) -> None:
    """Error-level events from the gateway's JSON log, and signs of trouble on its stderr."""
    by_request = {o.request_id: o for o in report.outcomes if o.request_id}
    for line in (tmp / "gateway.out").read_text(errors="replace").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            report.stderr_problems["non-JSON stdout line"] += 1
            continue
        if not isinstance(event, dict) or event.get("level") not in ("error", "critical"):
            continue
        what = event.get("event", "?")
        if "error_type" in event:
            what += f" {event['error_type']} at {event.get('where', '?')}"
        report.log_errors[str(what)] += 1
        outcome = by_request.get(str(event.get("request_id")))
        if outcome is not None and "error_type" in event:
            outcome.info = f"{event['error_type']} at {event.get('where', '?')}"
            if what.startswith("internal_error") and "gateway-500" not in outcome.problems:
                # The handler raised where it should not, but the caller saw no 500 (the stream's
                # headers had gone out, or a later stage turned it into another status).
                outcome.problems.append("internal-error-not-500")
    stderr = (tmp / "gateway.err").read_text(errors="replace")
    report.stderr_problems.update(Counter(sign for sign in STDERR_SIGNS for _ in range(stderr.count(sign))))


async def run(args: argparse.Namespace, tmp: Path) -> Report:
    report = Report()
    mock = MockProvider(Behaviour(record=False))
    mock_url = await mock.start(HOST)
    port, admin_port = free_ports(2)
    config = write_config(tmp, port, admin_port, mock_url)
    env = {**child_env(), "MOCK_ANTHROPIC_KEY": ANTHROPIC_KEY}
    key = await create_gateway_key(config, env)
    command = [*aigw_command(), "serve", "--config", str(config)]
    with (tmp / "gateway.out").open("wb") as out, (tmp / "gateway.err").open("wb") as err:
        process = subprocess.Popen(  # noqa: ASYNC220 - started once, before any request is in flight
            command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        try:
            url, admin = f"http://{HOST}:{port}", f"http://{HOST}:{admin_port}"
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5), trust_env=False) as probe:
                await wait_ready(probe, admin, process)
            await drive(url, admin, key, args, report)
        finally:
            report.gateway_exit = await asyncio.to_thread(stop, process)
            await mock.stop()
    check_records(tmp, report)
    read_logs(tmp, report)
    return report


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--check-every", type=int, default=500, help="probe /readyz after every N requests")
    parser.add_argument("--failures", type=Path, help="write every failed request here (JSON lines)")
    parser.add_argument("--keep", type=Path, help="keep the gateway's logs and prompt log in this folder")
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args(argv)


def fuzz(args: argparse.Namespace) -> Report:
    """One whole run; the report (its ``failed()`` says whether an invariant broke)."""
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        return asyncio.run(run(args, args.keep))
    with tempfile.TemporaryDirectory(prefix="aigw-fuzz-") as tmp:
        return asyncio.run(run(args, Path(tmp)))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    report = fuzz(args)
    print(report.render(args.requests, args.seed, time.monotonic() - started))
    if args.failures is not None:
        with args.failures.open("w") as f:
            for record in report.failure_records():
                f.write(json.dumps(record) + "\n")
    return 1 if report.failed() else 0


if __name__ == "__main__":
    sys.exit(main())
