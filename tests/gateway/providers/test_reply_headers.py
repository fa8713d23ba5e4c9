"""A provider's response headers reach the caller only from an allow-list and in their API's
shape. The red team's values in each header are dropped."""

from __future__ import annotations

import pytest

from gateway.providers.reply_headers import passable_headers

AWS = "AKIA" + "IOSFODNN7EXAMPLQ"
GH = "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"
REAL = {
    "Content-Type": "application/json; charset=utf-8",
    "x-request-id": "req_8f3b2c1d9e7a4b6c8d0e2f4a6b8c0d1e",
    "request-id": "req_011CSHoEeqs5C35K2UUqR7Fy",
    "retry-after": "20",
    "retry-after-ms": "19875.5",
    "openai-processing-ms": "412",
    "x-ratelimit-limit-requests": "10000",
    "x-ratelimit-remaining-tokens": "149984",
    "x-ratelimit-reset-requests": "6m0s",
    "x-ratelimit-reset-tokens": "20ms",
    "anthropic-ratelimit-requests-limit": "4000",
    "anthropic-ratelimit-input-tokens-reset": "2026-12-05T21:45:51Z",
    "anthropic-ratelimit-tokens-reset": "2026-12-05T21:45:51.123+00:00",
}


def test_real_provider_headers_pass() -> None:
    out = passable_headers(REAL)
    expected = {k.lower(): v for k, v in REAL.items() if k != "x-request-id"}
    assert out == {**expected, "x-upstream-request-id": REAL["x-request-id"]}
    assert passable_headers({"retry-after": "Sat, 05 Dec 2026 21:45:51 GMT"}) == {
        "retry-after": "Sat, 05 Dec 2026 21:45:51 GMT"
    }


@pytest.mark.parametrize(
    "name",
    [
        "retry-after",
        "retry-after-ms",
        "openai-processing-ms",
        "x-ratelimit-reset-requests",
        "x-ratelimit-limit-tokens",
        "anthropic-ratelimit-requests-limit",
        "anthropic-ratelimit-tokens-reset",
    ],
)
@pytest.mark.parametrize("value", [AWS, GH, "536-22-8726", "1s " + AWS, "req_x\u00e9"])
def test_a_value_out_of_shape_is_dropped(name: str, value: str) -> None:
    assert passable_headers({name: value}) == {}


def test_unlisted_headers_and_odd_content_types_are_not_relayed() -> None:
    assert passable_headers({"x-" + AWS: "1", "set-cookie": "a=b", "server": "x", "x-request-id": "a b"}) == {}
    assert passable_headers({"content-type": f"application/json; x={AWS}"}) == {"content-type": "application/json"}
    assert passable_headers({"content-type": f"text/{AWS}"}) == {}
