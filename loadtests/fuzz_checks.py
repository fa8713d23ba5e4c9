"""What the fuzzer checks in each answer, and how it reports per mutation class.

Failures (any one fails the run): the gateway's own 500 (its ``internal_error``, told apart
from a provider's 500 that it relayed); a 503 because the prompt-log writer could not take
the record; no answer at all, or a body that broke off; a stream with an HTTP status line in
it, or that a client cannot parse (unless the provider itself sent the unparseable event);
a response without the request id header; an answered request without its prompt-log record.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from loadtests.fuzz_mutations import CLASSES, FuzzRequest

GATEWAY_500_MESSAGE = "The gateway hit an internal error"
PROMPT_LOG_503_MESSAGE = "cannot record this exchange in the prompt log"
PROVIDER_MARKER = "mock provider"  # in every error body the mock sends
# Provider faults whose own events a client cannot parse: relaying them as they came is no gateway bug.
UNPARSEABLE_FROM_PROVIDER = frozenset({"bad-json-line", "bad-utf8-line", "sse-for-whole"})
EXAMPLES_PER_FAILURE = 3


@dataclass
class Outcome:
    request: FuzzRequest
    status: int | None = None
    request_id: str | None = None
    content_type: str = ""
    problems: list[str] = field(default_factory=list)
    info: str = ""  # what the failure list shows: the error code or the exception
    message: str = ""  # of an error body


def _error_of(body: bytes) -> tuple[str, str]:
    """(code or type, message) of an error body in either API's shape; ("", "") when there is none."""
    try:
        doc = json.loads(body)
    except ValueError:
        return "", ""
    error = doc.get("error") if isinstance(doc, dict) else None
    if not isinstance(error, dict):
        return "", ""
    code = error.get("code") or error.get("type") or ""
    return str(code), str(error.get("message", ""))


def sse_problem(body: bytes) -> str | None:
    """Why a client could not read this SSE body (None: it can)."""
    if b"HTTP/1." in body:
        return "status-line-in-stream"
    text = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    for event in text.split(b"\n\n"):
        for line in event.split(b"\n"):
            if not line.startswith(b"data:"):
                continue
            data = line[5:].strip()
            if data == b"[DONE]":
                continue
            try:
                json.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                return "unparseable-stream"
    return None


def judge(outcome: Outcome, body: bytes) -> None:
    """Fill in ``problems`` and ``info`` from an answer that arrived whole."""
    req, status = outcome.request, outcome.status
    code, message = _error_of(body)
    outcome.info = code
    outcome.message = message
    if outcome.request_id is None:
        outcome.problems.append("no-request-id")
    if status == 500:
        if code == "internal_error" or message.startswith(GATEWAY_500_MESSAGE):
            outcome.problems.append("gateway-500")
        elif PROVIDER_MARKER not in message:
            outcome.problems.append("500-not-from-provider")
            outcome.info = body[:120].decode("utf-8", "replace")
    if status == 503 and (code == "prompt_log_unavailable" or PROMPT_LOG_503_MESSAGE in message):
        outcome.problems.append("prompt-log-503")
    if "text/event-stream" in outcome.content_type:
        problem = sse_problem(body)
        if problem == "status-line-in-stream" or (problem and req.fault not in UNPARSEABLE_FROM_PROVIDER):
            outcome.problems.append(problem)
    elif status == 200 and req.fault is None:
        try:
            json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            outcome.problems.append("unparseable-answer")


def _status_label(o: Outcome) -> str:
    """The status, with the error code for a 5xx (which 503 it was matters)."""
    if o.status is None:
        return "none"
    return f"{o.status}({o.info[:28]})" if o.status >= 500 and o.info else str(o.status)


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    readiness_failures: list[str] = field(default_factory=list)  # each failed /readyz, with its failing checks
    log_errors: Counter[str] = field(default_factory=Counter)  # error-level gateway log events
    stderr_problems: Counter[str] = field(default_factory=Counter)  # tracebacks, unretrieved task errors
    gateway_exit: int | None = None
    spooled: int = 0  # records left in the spool file at the end (not in the store)

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.problems]

    def failed(self) -> bool:
        return bool(self.failures() or self.readiness_failures or self.gateway_exit not in (0, None))

    def render(self, requests: int, seed: int, seconds: float) -> str:
        lines = [
            f"aigw fuzz: {requests} requests, seed {seed}, {seconds:.0f} s",
            "",
            f"{'class':<15} {'sent':>5} {'fail':>5}  statuses / failures",
        ]
        by_class: dict[str, list[Outcome]] = defaultdict(list)
        for o in self.outcomes:
            by_class[o.request.mutation].append(o)
        for name in CLASSES:
            group = by_class.get(name, [])
            statuses = Counter(_status_label(o) for o in group)
            problems = Counter(p for o in group for p in o.problems)
            failed = sum(1 for o in group if o.problems)
            status_text = " ".join(f"{s}:{n}" for s, n in sorted(statuses.items()))
            problem_text = " ".join(f"{p}:{n}" for p, n in problems.most_common())
            lines.append(f"{name:<15} {len(group):>5} {failed:>5}  {status_text}  {problem_text}".rstrip())
        totals = Counter(p for o in self.outcomes for p in o.problems)
        lines += [
            "",
            f"gateway 500s: {totals['gateway-500']}; prompt-log 503s: {totals['prompt-log-503']}; "
            f"missing prompt-log records: {totals['missing-record']} (spooled {self.spooled}); "
            f"no answer / broken body: {totals['no-response'] + totals['broken-body']}; "
            f"internal errors answered with no 500: {totals['internal-error-not-500']}",
            f"/readyz failures (dead background tasks): {len(self.readiness_failures)} "
            f"{self.readiness_failures[:3]}; gateway exit code: {self.gateway_exit}",
            "5xx answers that are no failure: "
            + (", ".join(f"{k} x{n}" for k, n in self.other_5xx().most_common()) or "none"),
            "gateway error events: " + (", ".join(f"{k} x{n}" for k, n in self.log_errors.most_common()) or "none"),
            "gateway stderr: " + (", ".join(f"{k} x{n}" for k, n in self.stderr_problems.most_common()) or "clean"),
        ]
        lines += ["", "failures by kind and class (first examples):"] if self.failures() else []
        lines += self._examples()
        lines.append("" if not self.failed() else "FAILED: the invariants above do not hold")
        return "\n".join(lines)

    def _examples(self) -> list[str]:
        grouped: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
        for o in self.failures():
            for p in o.problems:
                grouped[(p, o.request.mutation)].append(o)
        lines = []
        for (problem, mutation), group in sorted(grouped.items(), key=lambda item: -len(item[1])):
            lines.append(f"  {problem} in {mutation}: {len(group)}")
            for o in group[:EXAMPLES_PER_FAILURE]:
                r = o.request
                lines.append(
                    f"    #{r.index} {r.path} seed={r.seed} [{r.detail[:70]}] -> {o.status} {o.info[:80]}".rstrip()
                )
        return lines

    def other_5xx(self) -> Counter[str]:
        """Why the gateway answered 5xx where that is no invariant's business (a detection
        worker overloaded, a provider fault relayed), by status and message."""
        return Counter(
            f"{o.status} {o.info}: {o.message[:90]}"
            for o in self.outcomes
            if o.status is not None and o.status >= 500 and not o.problems
        )

    def failure_records(self) -> list[dict[str, Any]]:
        """One JSON-able record per failed request, to reproduce it (body cut to 2 KB)."""
        return [
            {
                "index": o.request.index,
                "class": o.request.mutation,
                "detail": o.request.detail,
                "seed": o.request.seed,
                "path": o.request.path,
                "headers": {k: v for k, v in o.request.headers.items() if k not in ("authorization", "x-api-key")},
                "body": o.request.body[:2048].decode("utf-8", "backslashreplace"),
                "status": o.status,
                "request_id": o.request_id,
                "problems": o.problems,
                "info": o.info,
            }
            for o in self.failures()
        ]
