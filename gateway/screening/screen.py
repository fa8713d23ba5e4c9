"""The data-protection stage: scan what the caller sends, then block, redact or
pseudonymize it as the policy's data rules say, before anything goes upstream."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog

from detectors.base import Finding, resolve_overlaps
from gateway.errors import PayloadTooLarge, SensitiveDataBlocked, ServiceUnavailable, UpstreamInvalid
from gateway.json_input import encode_json, parse_upstream
from gateway.policy.data_rules import Action, Direction, RuledDecision, finding_sources
from gateway.policy.policy import Policy, ToolDecision
from gateway.policy.unscreenable import refuse_unscreenable
from gateway.screening.pool import DetectionPool, DetectionUnavailable
from gateway.screening.redaction import Pseudonyms, rewrite
from gateway.screening.split_values import pattern_entities, seam_windows, split_findings
from gateway.wire.endpoints import Endpoint
from gateway.wire.part_source import PartSource
from gateway.wire.request_slots import walk_request
from gateway.wire.response_slots import answer_strings
from gateway.wire.slot import MediaTextSlot
from gateway.wire.slots import Slot

log = structlog.get_logger("aigw")


@dataclass
class Screening:
    """What screening found and did; metadata only (types, counts, actions, rules)."""

    decisions: list[RuledDecision] = field(default_factory=list)
    pseudonyms: Pseudonyms = field(default_factory=Pseudonyms)
    changed: bool = False
    skipped: str | None = None  # why nothing was scanned, when detection failed open
    refused_classes: tuple[str, tuple[str, ...]] | None = None  # (rule, data classes) a tool may not receive
    # The texts that had findings, with their decisions: the incident log's redacted excerpts
    # and keyed hashes are made from them. Held in memory for the exchange only, never logged.
    scanned: list[tuple[str, list[RuledDecision]]] = field(default_factory=list)
    scanned_s: float | None = None  # time spent scanning (None: nothing was scanned), for the metrics
    model_refused: bool = False  # the model name held protected data: it must not be logged as sent

    def summary(self) -> dict[str, int]:
        counts = Counter(d.label for d in self.decisions)
        return dict(sorted(counts.items()))

    def sources(self) -> dict[str, list[str]]:
        """Per entity type, the parts it was found in ("tool/tool_result"): metadata, never text."""
        return finding_sources(self.decisions)


# A body this large is walked in a thread: the walk decodes base64 media to read the text inside
# (about 10 ms a MB), which must not hold the event loop; a small body is walked in place.
WALK_OFF_LOOP_BYTES = 256 * 1024


async def screen_request(
    pool: DetectionPool | None,
    policy: Policy,
    endpoint: Endpoint,
    body: dict[str, Any],
    screening: Screening,
    body_bytes: int = 0,
) -> None:
    """Scan every text field of the request body and rewrite it in place; ``screening``
    records what was found (filled before a block is raised, so it gets logged)."""
    if pool is None or policy.detection is None:
        return  # no detection configured: do not even walk the body
    # Every string the provider reads, and what cannot be read.
    if body_bytes > WALK_OFF_LOOP_BYTES:
        walk = await asyncio.to_thread(walk_request, endpoint, body)
    else:
        walk = walk_request(endpoint, body)
    if refuse_unscreenable(policy.detection.unscreenable, walk.unscreenable, monitor=policy.monitor):
        log.info("unscreenable_data_monitored", kinds=sorted(walk.unscreenable))  # kinds only, never values
    texts = [s for s in walk.slots if s.text and not isinstance(s, MediaTextSlot)]
    media = [s for s in walk.slots if s.text and isinstance(s, MediaTextSlot)]
    await _check_model_name(pool, policy, body.get("model"), screening)
    # Each text is decided as read from its part (gateway.wire.part_source): an injection in a tool
    # result or a document is an indirect one, and rules may match the part's kind.
    sources = [s.source for s in texts]
    decided = await decide_texts(pool, policy, [s.text for s in texts], Direction.PROMPT, screening, sources=sources)
    # The text runs inside images and audio with the pattern detectors only, as the model name:
    # NER reads the random runs of compressed data as names now and then.
    media_texts, media_entities = [s.text for s in media], pattern_entities(policy.known_types, None)
    decided_media = await decide_texts(
        pool, policy, media_texts, Direction.PROMPT, screening, media_entities, sources=[s.source for s in media]
    )
    if not decided and not decided_media:
        return
    refuse_blocked(screening.decisions, "The request was blocked by the AI policy because it contains")
    slots = [*texts, *media] if decided_media else texts
    decided = [*(decided or [[] for _ in texts]), *decided_media]
    screening.pseudonyms.reserve_existing(s.text for s in slots)
    screening.changed = _rewrite(slots, decided, screening.pseudonyms)


async def screen_response(
    pool: DetectionPool | None,
    policy: Policy,
    endpoint: Endpoint,
    body: bytes,
    screening: Screening,
    *,
    error: bool = False,
) -> bytes:
    """Scan a whole (non-streamed) answer, every string of it but the API's ids and enums (an
    error body's message too); block it or redact it as the rules say. An error body that is
    not JSON is scanned as text; an answer that is neither JSON nor (for errors) UTF-8 text
    cannot be screened and follows the policy's on_failure."""
    obj = parse_upstream(body)  # too deep to screen: withheld
    holder: list[Any] = []
    if isinstance(obj, dict | list):
        slots = list(answer_strings(obj))
    elif not body.strip():
        return body  # nothing to read, nothing to leak
    elif error and (text := _utf8(body)) is not None:
        holder, obj = [text], None
        slots = [Slot(holder, 0)]
    else:
        unscreenable(policy, screening, "an answer that is not JSON" if not error else "an error body not UTF-8")
        return body
    texts = [s.text for s in slots]
    decided = await decide_texts(pool, policy, texts, Direction.RESPONSE, screening, policy.answer_entities)
    if not decided:
        return body
    refuse_blocked(screening.decisions, "The provider's answer was withheld by the AI policy because it contains")
    if _rewrite(slots, decided, screening.pseudonyms):
        return holder[0].encode() if holder else encode_json(obj).encode()
    return body


def unscreenable(policy: Policy, screening: Screening, what: str) -> None:
    """An answer (or a part of one) the gateway cannot read is withheld under on_failure: block,
    relayed as it is (and recorded as skipped) under on_failure: allow. ``what`` names the shape
    of the problem, never the content."""
    if policy.detection is None:
        return
    if policy.detection.on_failure == "block":
        raise UpstreamInvalid(
            f"The provider's answer could not be screened ({what}) and the AI policy says to fail closed; "
            "it was withheld."
        )
    screening.skipped = f"unscreenable: {what}"


def _utf8(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


async def decide_texts(
    pool: DetectionPool | None,
    policy: Policy,
    texts: list[str],
    direction: Direction,
    screening: Screening,
    entities: frozenset[str] | None = None,
    counted_upto: Sequence[int] | None = None,
    sources: Sequence[PartSource] | None = None,
    starting_before: Sequence[int] | None = None,
) -> list[list[RuledDecision]]:
    """Per text, the findings and what the rules do about them ([] when nothing ran); text i is read
    from ``sources[i]`` (a request's part; None: an answer's text, the assistant's).
    Detection failing follows the policy's on_failure; decisions are added to ``screening``,
    except those ending within ``counted_upto[i]`` characters of text i: a stream window is
    scanned with the text released before it as context, whose findings are counted already.
    Only findings starting before ``starting_before[i]`` are kept: a stream window is scanned with
    the text still held after it too, so that a value running on past the cut is found whole; a
    value starting in that text is the next window's."""
    if pool is None or policy.detection is None or not texts:
        return []
    started = time.perf_counter()
    # Parts are also scanned across their seams: a value cut in two by a prompt's sender, or by a
    # provider across text blocks or parts that a client joins. A stream window is one text already.
    seams = seam_windows(texts)
    try:
        per_text = await _scan(pool, policy.detection.max_scan_chars, texts, direction, entities)
        if seams:  # without NER: windows cut from two sentences are where a model guesses wrong
            found = await pool.scan([w.text for w in seams], pattern_entities(policy.known_types, entities))
            for mine, pieces in zip(per_text, split_findings(texts, seams, found, per_text), strict=True):
                mine.extend(pieces)
    except DetectionUnavailable as failure:
        if policy.detection.on_failure == "block":
            raise ServiceUnavailable(
                "The data-protection check could not complete "
                f"({failure.reason}) and the AI policy says to fail closed.",
                code="detection_unavailable",
            ) from None
        screening.skipped = failure.reason
        return []
    screening.scanned_s = (screening.scanned_s or 0.0) + time.perf_counter() - started
    rules = policy.data_rules
    if starting_before is not None:
        per_text = [[f for f in found if f.start < starting_before[n]] for n, found in enumerate(per_text)]
    decided = [
        rules.decide(resolve_overlaps(found), direction, sources[n] if sources else None)
        for n, found in enumerate(per_text)
    ]
    for n, (text, decisions) in enumerate(zip(texts, decided, strict=True)):
        new = decisions if counted_upto is None else [d for d in decisions if d.finding.end > counted_upto[n]]
        screening.decisions.extend(new)
        if new:
            screening.scanned.append((text, decisions))  # all of them: the excerpt hides every finding
    return decided


async def _scan(
    pool: DetectionPool, limit: int, texts: list[str], direction: Direction, entities: frozenset[str] | None
) -> list[list[Finding]]:
    """``pool.scan`` within the policy's ``max_scan_chars``: a prompt over it is refused (the
    caller can shorten it; failing open would make the limit a way round scanning), an answer
    over it cannot be scanned and follows on_failure. The refusal names sizes, never content."""
    chars = sum(len(text) for text in texts)
    if chars <= limit:
        # Each distinct text once: a body repeats itself (tool schemas, enums, a system prompt per
        # turn), and every text scanned has a cost of its own. The findings are the same either way.
        unique = list(dict.fromkeys(texts))
        if len(unique) == len(texts):
            return await pool.scan(texts, entities)
        found = dict(zip(unique, await pool.scan(unique, entities), strict=True))
        return [list(found[text]) for text in texts]
    if direction is Direction.PROMPT:
        raise PayloadTooLarge(
            f"The request holds {chars} characters of text to check; the AI policy checks at most {limit} "
            "per request (detection.max_scan_chars). Send less text.",
            code="too_much_text_to_scan",
        )
    raise DetectionUnavailable("too much text to scan")


def _rewrite(slots: list[Slot], decided: list[list[RuledDecision]], pseudonyms: Pseudonyms) -> bool:
    changed = False
    for slot, decisions in zip(slots, decided, strict=True):
        if any(d.action in (Action.REDACT, Action.PSEUDONYMIZE) for d in decisions):
            slot.replace(rewrite(slot.text, decisions, pseudonyms))
            changed = True
    return changed


async def _check_model_name(pool: DetectionPool, policy: Policy, model: object, screening: Screening) -> None:
    """The model name is read by the provider (and logged) but cannot be rewritten: anything the
    rules would act on in it refuses the request. Pattern detectors only: "Llama", "Mistral" or
    "Qwen" are model names, not people."""
    if not isinstance(model, str) or not model or policy.detection is None:
        return
    entities = pattern_entities(policy.known_types, None)
    own = Screening()
    [decisions] = await decide_texts(pool, policy, [model], Direction.PROMPT, own, entities) or [[]]
    acted = [d for d in decisions if d.action not in (Action.ALLOW, Action.AUDIT) and d.monitored is None]
    if acted:
        screening.decisions.extend(acted)  # recorded (types, never values) with the refusal
        screening.model_refused = True
        types = ", ".join(sorted({d.finding.entity_type for d in acted}))
        raise SensitiveDataBlocked(
            f"The model name holds data the AI policy protects ({types}); it cannot be redacted there. "
            "Send the model's own name."
        )


def refuse_blocked(decisions: list[RuledDecision], what: str) -> None:
    blocked = [d for d in decisions if d.action is Action.BLOCK]
    if not blocked:
        return
    types = ", ".join(sorted({d.finding.entity_type for d in blocked}))
    rules = ", ".join(sorted({d.rule for d in blocked}))
    raise SensitiveDataBlocked(f"{what}: {types} (rule: {rules}).")


def refused_classes(tool: ToolDecision, screening: Screening) -> list[str]:
    """The classes of data leaving for the tool (not redacted or pseudonymized) it may not receive."""
    if tool.data_classes is None:
        return []
    leaving = [d for d in screening.decisions if d.action in (Action.ALLOW, Action.AUDIT)]
    return sorted({d.finding.category.value for d in leaving if d.finding.category not in tool.data_classes})


def refuse_data_classes(policy: Policy, tool: ToolDecision, provider: str, screening: Screening) -> None:
    """Block data of a class the approved tool may not receive, unless rules already removed it
    (redacted or pseudonymized values never reach the provider). Monitor mode only records it."""
    refused = refused_classes(tool, screening)
    if not refused:
        return
    rule = f"{tool.rule}.data_classes"
    screening.refused_classes = (rule, tuple(refused))
    if policy.monitor:
        return
    raise SensitiveDataBlocked(
        f"The request was blocked by the AI policy: it contains {', '.join(refused)} data, which provider "
        f"'{provider}' may not receive (rule: {rule})."
    )
