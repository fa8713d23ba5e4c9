"""One dialect object per endpoint (issue 17, step 4): every endpoint names its dialect, each dialect
reads back what it renders, and an endpoint added later needs only a dialect (the test-only
``/v1/notes`` in ``notes_dialect``) to be walked, rendered, streamed, screened, restored and logged."""

from __future__ import annotations

import ast
import asyncio
import json
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

import pytest

from gateway.errors import SensitiveDataBlocked
from gateway.policy.policy import Policy, load_policy
from gateway.screening.answer_chain import AnswerStages, answer_stream
from gateway.screening.pool import DetectionPool
from gateway.screening.redaction import Pseudonyms
from gateway.screening.restore import restore_body
from gateway.screening.screen import Screening
from gateway.wire import replies
from gateway.wire.capture import AnswerCapture, CapturingStage
from gateway.wire.choice_index import asked_choices, bad_index
from gateway.wire.dialects.base import ALL, Dialect
from gateway.wire.endpoints import ENDPOINTS, Endpoint, endpoint_named
from gateway.wire.request_slots import Kind, walk_request
from gateway.wire.slots import request_texts, response_slots
from gateway.wire.sse_parse import SseParser
from gateway.wire.stream_text import Numbering, closed_streams, delta_event, deltas
from tests.gateway.screening import chains
from tests.gateway.screening.inline_pool import inline_pool
from tests.gateway.wire.notes_dialect import NOTES

GATEWAY = Path(__file__).parents[3] / "gateway"
POLICY = GATEWAY.parent / "policies" / "default.yaml"
STREAMING = [e for e in ENDPOINTS if e.streams]
TEXT = "Dear reader, the answer is forty-two."
AWS_PIECES = ["AKI", "AIOSF", "ODNN", "7EXAMPL", "Q"]  # AKIAIOSFODNN7EXAMPLQ, a key split over events


def events_of(stream: bytes) -> list[tuple[str | None, dict[str, Any]]]:
    return [(e.event, obj) for e in SseParser().feed(stream) if isinstance(obj := e.json(), dict)]


def rendered_stream(endpoint: Endpoint, text: str = TEXT) -> bytes:
    return b"".join(replies.render_stream(endpoint, replies.Reply("m", text, 3), {}))


def joined_text(endpoint: Endpoint, stream: bytes) -> str:
    return "".join(d.slot.text for name, obj in events_of(stream) for d in deltas(endpoint, name, obj))


# --- every endpoint has its dialect ------------------------------------------------------------


def test_every_endpoint_names_a_dialect_of_its_own_module() -> None:
    assert len({e.name for e in ENDPOINTS}) == len({e.path for e in ENDPOINTS}) == len(ENDPOINTS)
    for endpoint in ENDPOINTS:
        assert isinstance(endpoint.dialect, Dialect)
        assert type(endpoint.dialect).__module__.startswith("gateway.wire.dialects.")
        assert endpoint_named(endpoint.name) is endpoint
    assert len({type(e.dialect).__module__ for e in ENDPOINTS}) == len(ENDPOINTS)  # one file per endpoint


def test_an_unknown_name_is_no_endpoint() -> None:
    with pytest.raises(ValueError, match="no endpoint named"):
        endpoint_named("chat.completion")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_a_dialect_holds_no_state(endpoint: Endpoint) -> None:
    """One instance serves every request of every worker: it cannot keep anything."""
    assert not hasattr(endpoint.dialect, "__dict__")
    with pytest.raises(AttributeError):
        endpoint.dialect.remembered = 1  # type: ignore[attr-defined]


# --- each dialect reads back what it renders -----------------------------------------------------


@pytest.mark.parametrize("endpoint", STREAMING, ids=lambda e: e.name)
def test_a_dialect_reads_its_own_stream_back(endpoint: Endpoint) -> None:
    stream = rendered_stream(endpoint)
    assert joined_text(endpoint, stream) == TEXT
    keys = {d.key for name, obj in events_of(stream) for d in deltas(endpoint, name, obj)}
    closed = [p for name, obj in events_of(stream) for p in closed_streams(endpoint, name, obj)]
    assert keys
    assert all(ALL in closed or any(k[: len(p)] == p for p in closed) for k in keys)  # every key ends


@pytest.mark.parametrize("endpoint", STREAMING, ids=lambda e: e.name)
def test_a_delta_event_of_our_own_is_read_as_a_delta_on_its_key(endpoint: Endpoint) -> None:
    found = [(d.key, obj) for name, obj in events_of(rendered_stream(endpoint)) for d in deltas(endpoint, name, obj)]
    key, template = found[-1]
    [(name, obj)] = events_of(delta_event(endpoint, key, "held text", template))
    [delta] = deltas(endpoint, name, obj)
    assert (delta.key, delta.slot.text) == (key, "held text")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_a_whole_answer_holds_the_reply_text_where_the_dialect_looks(endpoint: Endpoint) -> None:
    body = replies.render(endpoint, replies.Reply("m", TEXT, 3), {"input": "x"})
    texts = [s.text for s in response_slots(endpoint, body)]
    # Embeddings and token counts answer with no text of their own (and never stream).
    assert texts == ([TEXT] if endpoint.streams else [])


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if not e.streams], ids=lambda e: e.name)
def test_an_endpoint_that_does_not_stream_renders_no_stream(endpoint: Endpoint) -> None:
    with pytest.raises(ValueError, match="does not stream"):
        replies.render_stream(endpoint, replies.Reply("m", TEXT, 3), {})
    with pytest.raises(ValueError, match="no streamed text"):
        delta_event(endpoint, ("c", 0, "content"), "x", {})


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_the_flags_say_what_the_rendered_answers_carry(endpoint: Endpoint) -> None:
    reply = replies.Reply("m", TEXT, 3)
    assert endpoint.dialect.has_choices == ("choices" in replies.render(endpoint, reply, {}))
    if endpoint.streams:
        numbered = ["sequence_number" in obj for _, obj in events_of(rendered_stream(endpoint))]
        assert endpoint.dialect.numbered_events == all(numbered)
        assert any(numbered) == all(numbered)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_a_prompt_given_as_token_ids_is_unscreenable_only_where_the_dialect_says(endpoint: Endpoint) -> None:
    field = endpoint.dialect.encoded_prompt_field
    for name in ("prompt", "input"):
        walk = walk_request(endpoint, {name: [[1, 2, 3]]})
        assert (Kind.TOKEN_IDS in walk.unscreenable) == (name == field)


# --- an endpoint added later needs only its dialect -------------------------------------------------


def test_a_new_endpoint_goes_through_the_wire_functions() -> None:
    body = {"model": "m", "prompt": "write a note", "metadata": {"topic": "notes"}}
    assert request_texts(NOTES, body) == ["write a note", "notes", "topic"]  # walked whole, keys too
    assert asked_choices(NOTES, {"n": 3}) == 1
    assert not bad_index(NOTES, {"choices": [{"index": 7}]}, 1)
    whole = replies.render(NOTES, replies.Reply("m", TEXT, 3), body)
    assert [s.text for s in response_slots(NOTES, whole)] == [TEXT]
    stream = rendered_stream(NOTES)
    assert joined_text(NOTES, stream) == TEXT
    assert Numbering(NOTES).stamp(b'"sequence_number":0') == b'"sequence_number":0'  # not a numbered format


def test_a_new_endpoint_gets_its_pseudonyms_back_streamed_and_whole() -> None:
    pseudonyms = Pseudonyms()
    placeholder = pseudonyms.placeholder("PERSON", "Jane Roe")
    pieces = ["Dear ", placeholder[:4], placeholder[4:], ", see ", placeholder[:3]]  # split, and cut at the end
    stream = b"".join(delta_event(NOTES, ("note",), piece, {}) for piece in pieces)
    stream += b'event: note.done\ndata: {"type": "note.done"}\n\n'
    restoring = chains.restoring(NOTES, pseudonyms)

    async def go() -> bytes:
        reads = [stream[i : i + 5] for i in range(0, len(stream), 5)]
        return b"".join([await restoring.feed(read) for read in reads]) + await restoring.finish()

    out = asyncio.run(go())
    assert joined_text(NOTES, out) == f"Dear Jane Roe, see {placeholder[:3]}"
    names = [name for name, _ in events_of(out)]
    assert names[-2:] == ["note.delta", "note.done"]  # the text held at the close went out before it
    whole = json.dumps(replies.render(NOTES, replies.Reply("m", f"Dear {placeholder}", 3), {})).encode()
    assert json.loads(restore_body(NOTES, whole, pseudonyms))["note"] == "Dear Jane Roe"


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(POLICY)


@pytest.fixture(scope="module")
def pool(policy: Policy) -> DetectionPool:
    return inline_pool(policy)


def scanned(pool: DetectionPool, policy: Policy, pieces: list[str]) -> bytes:
    events = [delta_event(NOTES, ("note",), piece, {}) for piece in pieces]
    events.append(b'event: note.done\ndata: {"type": "note.done"}\n\n')
    stream = chains.scanning(NOTES, pool, policy, Screening())

    async def go() -> bytes:
        out = [await stream.feed(event) for event in events]
        return b"".join([*out, await stream.finish()])

    return asyncio.run(go())


def test_a_new_endpoint_is_screened_as_the_text_its_client_joins(pool: DetectionPool, policy: Policy) -> None:
    out = scanned(pool, policy, ["the ", "answer ", "is ", "clean"])
    assert joined_text(NOTES, out) == "the answer is clean"
    with pytest.raises(SensitiveDataBlocked, match="AWS_ACCESS_KEY_ID"):
        scanned(pool, policy, ["key ", *AWS_PIECES])  # found whole, though no event holds it


def test_a_new_endpoint_is_captured_for_the_prompt_log() -> None:
    stream = rendered_stream(NOTES)

    async def source() -> AsyncGenerator[bytes, None]:
        yield stream

    async def drain() -> AnswerCapture:
        capture = AnswerCapture(keep_text=True)
        async for _ in answer_stream(NOTES, source(), AnswerStages(capture=CapturingStage(capture, NOTES))):
            pass
        return capture

    capture = asyncio.run(drain())
    reply = replies.Reply("m", TEXT, 3)
    assert (capture.text, capture.prompt_tokens, capture.completion_tokens) == (TEXT, 3, reply.output_tokens)


# --- no endpoint is known by its name any more ----------------------------------------------------


def _string_tests(tree: ast.AST, names: frozenset[str]) -> list[int]:
    """Lines comparing something with an endpoint's name (==, !=, in, not in: with a name or a
    collection holding one), or comparing anything called ``endpoint`` with a string."""

    def named(node: ast.expr) -> bool:
        if isinstance(node, ast.Constant):
            return node.value in names
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return any(named(e) for e in node.elts)
        return False

    def is_endpoint(node: ast.expr) -> bool:
        return (isinstance(node, ast.Name) and node.id == "endpoint") or (
            isinstance(node, ast.Attribute) and node.attr == "endpoint"
        )

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(named(s) for s in sides) or (
                any(is_endpoint(s) for s in sides)
                and any(isinstance(s, ast.Constant) and isinstance(s.value, str) for s in sides)
            ):
                lines.append(node.lineno)
    return lines


def test_no_string_test_on_an_endpoint_name_is_left_in_the_gateway() -> None:
    names = frozenset(e.name for e in ENDPOINTS)
    found = {
        str(path.relative_to(GATEWAY)): lines
        for path in sorted(GATEWAY.rglob("*.py"))
        if (lines := _string_tests(ast.parse(path.read_text()), names))
    }
    assert found == {}


def test_the_string_test_finder_finds_one() -> None:
    names = frozenset({"messages"})
    assert _string_tests(ast.parse('if endpoint == "messages": pass'), names) == [1]
    assert _string_tests(ast.parse('x = kind in ("messages", "y")'), names) == [1]
    assert _string_tests(ast.parse('x = exchange.endpoint != "models"'), names) == [1]
    assert _string_tests(ast.parse('x = self.endpoint.name not in {"messages"}'), names) == [1]
    assert _string_tests(ast.parse('x = kind == "message_delta"'), names) == []
    assert _string_tests(ast.parse("x = exchange.endpoint is not None"), names) == []
