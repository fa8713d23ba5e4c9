"""Probes sent through the gateway's real request path (the live API listener, over HTTP).

Every planted value goes to an echo model: the echo provider answers with exactly what it
received, so the answer shows what left the gateway, and nothing leaves the host. A result
says what was expected and what was seen in words of its own (actions, statuses, error
codes): never a canary value or any prompt or answer text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp

from detectors.base import Category
from gateway.assurance.canaries import Canaries
from gateway.assurance.plan import PROTECTING, DataTarget, Expectation
from gateway.incidents.candidates import PROMPT_VIOLATIONS
from gateway.policy.data_rules import Action
from gateway.policy.violations import Violation
from gateway.providers.echo_plant import plant_instruction

Status = Literal["pass", "fail", "skip"]
MAX_TOKENS = 64
BLOCKED_CODE = "sensitive_data_blocked"
UNAPPROVED_CODE = "model_not_approved"
USER_AGENT = "aigw-assure/1"
# Refusals that mean the gateway failed closed: safe for the caller, but the control did not operate.
NOT_OPERATING = {
    "detection_unavailable": "detection could not run",
    "prompt_log_unavailable": "the prompt log could not keep the record",
}


@dataclass
class Result:
    control: str
    status: Status
    expected: str
    seen: str
    request_id: str | None = None
    violation: Violation | None = None  # the incident this probe must raise, once sent
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"control": self.control, "status": self.status, "expected": self.expected, "seen": self.seen}


@dataclass(frozen=True)
class Sent:
    status: int
    code: str | None  # the error code of a refusal
    text: str  # what the echo answered (held in memory only, to be compared)
    request_id: str | None
    complete: bool = True  # a stream that ended with its final event
    stream_error: str | None = None  # the code of an error event that ended a stream


async def chat(session: aiohttp.ClientSession, url: str, key: str, model: str, text: str, stream: bool = False) -> Sent:
    body: dict[str, Any] = {"model": model, "messages": [{"role": "user", "content": text}], "max_tokens": MAX_TOKENS}
    if stream:
        body["stream"] = True
    # The key is what marks assurance traffic; the user agent only labels its records (``client``) for a reader.
    headers = {"authorization": f"Bearer {key}", "user-agent": USER_AGENT}
    async with session.post(f"{url}/v1/chat/completions", json=body, headers=headers) as resp:
        request_id = resp.headers.get("x-request-id")
        if stream and resp.status == 200 and resp.content_type == "text/event-stream":
            streamed, complete, error = await _read_stream(resp)
            return Sent(resp.status, None, streamed, request_id, complete, error)
        raw = await resp.read()
    try:
        parsed: Any = json.loads(raw)
    except ValueError:
        return Sent(resp.status, None, "", request_id)
    if resp.status >= 400:
        error = parsed.get("error") if isinstance(parsed, dict) else None
        code = error.get("code") if isinstance(error, dict) else None
        return Sent(resp.status, code if isinstance(code, str) else None, "", request_id)
    try:
        content = parsed["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        content = ""
    return Sent(resp.status, None, content if isinstance(content, str) else "", request_id)


async def _read_stream(resp: aiohttp.ClientResponse) -> tuple[str, bool, str | None]:
    """The streamed text, whether the stream ended as a finished answer does (``[DONE]``), and the
    code of the error event that ended it, if one did (how the gateway stops an answer mid-stream)."""
    parts: list[str] = []
    done, error = False, None
    async for line in resp.content:
        data = line.decode(errors="replace").strip()
        if not data.startswith("data:"):
            continue
        payload = data.removeprefix("data:").strip()
        if payload == "[DONE]":
            done = True
            continue
        try:
            event: Any = json.loads(payload)
            if isinstance(event, dict) and isinstance(event.get("error"), dict):
                error = str(event["error"].get("code") or "error")
                continue
            delta = event["choices"][0].get("delta", {}).get("content")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            continue
        if isinstance(delta, str):
            parts.append(delta)
    return "".join(parts), done, error


def observed(sent: Sent, value: str, target: DataTarget) -> str:
    """What the gateway did with the planted value, as an action name (or a status)."""
    if sent.status == 403 and sent.code == BLOCKED_CODE:
        return Action.BLOCK.value
    if sent.status != 200:
        return refusal(sent)
    if leaked(sent.text, value):
        return "sent as is"
    if target.entity_type == "PERSON" and any(part in sent.text for part in name_parts(value)):
        return "sent in part"  # a name caught only in part (given name or surname left): not protected
    if f"[{target.entity_type}]" in sent.text:
        return Action.REDACT.value
    if f"<{target.entity_type}_" in sent.text:
        return Action.PSEUDONYMIZE.value
    if sent.stream_error is not None:
        seen = f"stream ended by an error event ({sent.stream_error})"
        reason = NOT_OPERATING.get(sent.stream_error)
        return f"{seen}: {reason}, the control is not operating" if reason else seen
    if not sent.complete:
        return "stream cut"
    return "removed"


def refusal(sent: Sent) -> str:
    """A refusal in words: a control that could not run (detection, the prompt log) says so."""
    seen = f"refused {sent.status} {sent.code or ''}".strip()
    if sent.code in NOT_OPERATING:
        seen += f": {NOT_OPERATING[sent.code]}, the control is not operating"
    return seen


def name_parts(name: str) -> list[str]:
    """A person canary's given name and surname (initials are too short to tell apart from other text)."""
    return [part for part in name.split() if len(part.strip(".")) >= 3]


def leaked(text: str, value: str) -> bool:
    digits = "".join(c for c in value if c.isdigit())
    in_digits = len(digits) >= 9 and digits in "".join(c for c in text if c.isdigit())
    return value in text or in_digits


async def data_probe(
    session: aiohttp.ClientSession,
    url: str,
    key: str,
    model: str | None,
    canaries: Canaries,
    target: DataTarget,
    expect: Expectation,
    stream: bool = False,
) -> Result:
    if expect.action is None:
        return Result(target.control, "skip", f"{target.entity_type} handled as the policy says", expect.describe())
    if model is None:
        return Result(target.control, "skip", "an approved echo model to probe with", "none in the settings' routes")
    value = getattr(canaries, target.canary)
    sent = await chat(session, url, key, model, target.template.format(value=value), stream=stream)
    seen = observed(sent, value, target)
    violation = PROMPT_VIOLATIONS[target.category]
    if expect.off is not None:
        expected = f"{target.entity_type} kept from the provider (redact, pseudonymize or block)"
        return Result(target.control, "fail", expected, f"{expect.off}; the provider got: {seen}", sent.request_id)
    ok = seen == expect.action.value
    if stream and expect.action in PROTECTING and seen == "stream cut":
        ok = True  # a stream stopped before the value is the other safe outcome of a streamed answer
    if target.category is Category.INJECTION and expect.action is Action.AUDIT:
        # Recorded is the control: the prompt-log check decides; here only a refusal fails it.
        ok = sent.status == 200
    subject = "a prompt injection" if target.category is Category.INJECTION else target.entity_type
    expected = f"{subject}: {expect.describe()}"
    if stream:
        expected += ", in the streamed answer (or the stream cut)"
    return Result(target.control, "pass" if ok else "fail", expected, seen, sent.request_id, violation)


async def unapproved_probe(
    session: aiohttp.ClientSession, url: str, key: str, model: str | None, provider: str | None
) -> Result:
    control, expected = "unapproved_model_refused", f"403 {UNAPPROVED_CODE}"
    if model is None:
        return Result(control, "skip", expected, "every routed model is approved for the assurance identity")
    # No canary here: if the control were broken this request would reach the model's provider.
    sent = await chat(session, url, key, model, "Reply with OK.")
    seen = f"{sent.status} {sent.code or ''}".strip() + f" for {provider}/{model}"
    ok = sent.status == 403 and sent.code == UNAPPROVED_CODE
    return Result(
        control, "pass" if ok else "fail", expected, seen, sent.request_id, Violation.UNAPPROVED_AI_PROVIDER_OR_MODEL
    )


async def revoked_key_probe(session: aiohttp.ClientSession, url: str, revoked: str | None, model: str | None) -> Result:
    control, expected = "revoked_key_refused", "401 for a key revoked before the run"
    if revoked is None:
        return Result(control, "skip", expected, "no key store here to make a revoked key in (credentials given)")
    if model is None:
        return Result(control, "skip", expected, "no approved echo model to probe with")
    sent = await chat(session, url, revoked, model, "Reply with OK.")
    # No request id kept: a refused caller is nobody's exchange, the log and incident checks do not cover it.
    return Result(
        control, "pass" if sent.status == 401 else "fail", expected, f"{sent.status} {sent.code or ''}".strip()
    )


async def answer_probe(
    session: aiohttp.ClientSession,
    url: str,
    key: str,
    model: str | None,
    canaries: Canaries,
    target: DataTarget,
    expect: Expectation,
) -> Result:
    """A value only the answer holds (the echo plants it: providers/echo_plant.py), streamed: the answer-side
    scan alone can keep it from the caller, as the policy's response-direction rule says."""
    subject = f"{target.entity_type} only in the streamed answer"
    if expect.action is None:
        return Result(target.control, "skip", f"{subject}, handled as the policy says", expect.describe())
    if model is None:  # only echo plants the value: a real provider is never asked
        return Result(target.control, "skip", "an approved echo model to probe with", "none in the settings' routes")
    value = canaries.answer_card
    sent = await chat(session, url, key, model, plant_instruction(canaries.plant_nonce), stream=True)
    seen = observed(sent, value, target)
    if expect.off is not None:
        expected = f"{subject}: kept from the caller (redact or block)"
        return Result(target.control, "fail", expected, f"{expect.off}; the caller got: {seen}", sent.request_id)
    # Stopped by the rule: an error event saying the data was blocked, or a stream just cut off. An error
    # event of another kind (detection failed, fail closed) is safe for the caller but no control operating.
    stopped = sent.stream_error == BLOCKED_CODE or (sent.stream_error is None and not sent.complete)
    if expect.action is Action.BLOCK:
        ok = seen == Action.BLOCK.value or (stopped and not leaked(sent.text, value))
    else:  # redact (pseudonymize is for prompts; in an answer it can only be cut or replaced too)
        ok = seen in (Action.REDACT.value, Action.PSEUDONYMIZE.value, "stream cut")
    expected = f"{subject}: {expect.describe()} (or the stream cut)"
    return Result(target.control, "pass" if ok else "fail", expected, seen, sent.request_id, Violation.PII_IN_OUTPUT)
