"""Prompt-cache tokens: Anthropic's cache writes and reads are prompt tokens (limits, aigw_tokens) and priced
at cache_write and cached_input; OpenAI's cached tokens are already part of its prompt tokens."""

from __future__ import annotations

import json
import time
from decimal import Decimal

from gateway.api.limits import used
from gateway.config.price_settings import PriceSettings
from gateway.errors import ApiFormat
from gateway.exchange import Exchange
from gateway.usage.limiter import Used
from gateway.usage.prices import PriceTable
from gateway.wire.capture import AnswerCapture
from gateway.wire.endpoints import endpoint_named

MESSAGES = endpoint_named("messages")
CACHED_USAGE = {
    "input_tokens": 4,
    "output_tokens": 10,
    "cache_creation_input_tokens": 90_000,
    "cache_read_input_tokens": 30,
}


def test_a_whole_anthropic_answer_counts_cache_writes_and_reads_as_prompt_tokens() -> None:
    capture = AnswerCapture(keep_text=False)
    body = {"type": "message", "content": [{"type": "text", "text": "hi"}], "usage": CACHED_USAGE}
    capture.read_body(MESSAGES, json.dumps(body).encode())
    assert (capture.prompt_tokens, capture.completion_tokens) == (90_034, 10)
    assert (capture.cached_tokens, capture.cache_write_tokens) == (30, 90_000)


def test_a_stream_keeps_message_starts_cache_tokens_when_message_delta_has_only_output() -> None:
    capture = AnswerCapture(keep_text=False)
    start_usage = {**CACHED_USAGE, "output_tokens": 1}
    capture.read_event(MESSAGES, {"type": "message_start", "message": {"usage": start_usage}})
    assert capture.prompt_tokens == 90_034
    assert not capture.usage_final
    capture.read_event(MESSAGES, {"type": "message_delta", "delta": {}, "usage": {"output_tokens": 12}})
    assert (capture.prompt_tokens, capture.completion_tokens, capture.usage_final) == (90_034, 12, True)


def test_openai_cached_tokens_stay_part_of_the_prompt() -> None:
    capture = AnswerCapture(keep_text=False)
    usage = {"prompt_tokens": 1000, "completion_tokens": 5, "prompt_tokens_details": {"cached_tokens": 800}}
    capture.read_body(endpoint_named("chat.completions"), json.dumps({"choices": [], "usage": usage}).encode())
    assert (capture.prompt_tokens, capture.cached_tokens, capture.cache_write_tokens) == (1000, 800, 0)


def test_cache_reads_cost_cached_input_and_writes_cache_write_by_default_a_quarter_more_than_input() -> None:
    table = PriceTable(
        [
            PriceSettings(
                provider="anthropic",
                models="claude-a*",
                input=Decimal(3),
                output=Decimal(15),
                cached_input=Decimal("0.3"),
            ),
            PriceSettings(
                provider="anthropic",
                models="claude-b*",
                input=Decimal(3),
                output=Decimal(15),
                cached_input=Decimal("0.3"),
                cache_write=Decimal(6),
            ),
        ]
    )
    # 4 input at 3, 30 reads at 0.3, 90000 writes at 3.75 (1.25 x 3), 10 output at 15; per million
    assert table.cost("anthropic", "claude-a", 90_034, 10, 30, 90_000) == Decimal("0.337671")
    assert table.cost("anthropic", "claude-b", 90_034, 10, 30, 90_000) == Decimal("0.540171")  # writes at 6


def test_the_limits_are_charged_the_cache_tokens() -> None:
    exchange = Exchange(api=ApiFormat.ANTHROPIC)
    exchange.sent_at, exchange.upstream_status = time.perf_counter(), 200
    exchange.capture = capture = AnswerCapture(keep_text=False)
    capture.read_body(MESSAGES, json.dumps({"type": "message", "content": [], "usage": CACHED_USAGE}).encode())
    assert used(exchange) == Used(90_034, 10, cached=30, cache_write=90_000)
