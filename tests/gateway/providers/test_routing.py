"""Model routing: explicit provider/ prefixes, then the first matching glob."""

from __future__ import annotations

import pytest

from gateway.config.settings import RouteSettings, Settings
from gateway.providers.routing import Route, Router

PROVIDERS = ("echo", "openai", "anthropic", "azure", "vllm")
ROUTES = [
    ("echo-*", "echo"),
    ("gpt-4*", "azure"),
    ("gpt-*", "openai"),
    ("o[0-9]*", "openai"),
    ("claude-*", "anthropic"),
    ("meta-llama/*", "vllm"),
    ("openai/*", "vllm"),
]


@pytest.fixture
def router() -> Router:
    return Router([RouteSettings(match=m, provider=p) for m, p in ROUTES], PROVIDERS)


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        # Explicit prefix naming a configured provider: that provider, the rest as the model name.
        ("openai/gpt-4o", Route("openai", "gpt-4o", explicit=True)),
        ("anthropic/claude-sonnet-5-5", Route("anthropic", "claude-sonnet-5-5", explicit=True)),
        ("echo/anything", Route("echo", "anything", explicit=True)),
        # The prefix wins over a glob that would also match the whole name ("openai/*" -> vllm).
        ("openai/whatever", Route("openai", "whatever", explicit=True)),
        # A prefix picks the provider even when no route would send that model there.
        ("vllm/gpt-4o", Route("vllm", "gpt-4o", explicit=True)),
        # Only the first slash splits.
        ("vllm/meta-llama/Llama-3", Route("vllm", "meta-llama/Llama-3", explicit=True)),
        # Prefix that is not a provider: the whole name goes through the globs.
        ("meta-llama/Llama-3", Route("vllm", "meta-llama/Llama-3", explicit=False)),
        ("mistralai/Mistral-7B", None),
        # Provider names are matched exactly.
        ("OpenAI/gpt-4o", None),
        # An empty model after the prefix is not an explicit route; "openai/*" then matches it.
        ("openai/", Route("vllm", "openai/", explicit=False)),
        ("/gpt-4o", None),
        # First matching route wins.
        ("gpt-4o", Route("azure", "gpt-4o", explicit=False)),
        ("gpt-4", Route("azure", "gpt-4", explicit=False)),
        ("gpt-5.5", Route("openai", "gpt-5.5", explicit=False)),
        ("gpt-", Route("openai", "gpt-", explicit=False)),
        ("claude-opus-5-5", Route("anthropic", "claude-opus-5-5", explicit=False)),
        ("echo-1", Route("echo", "echo-1", explicit=False)),
        # Character classes.
        ("o3", Route("openai", "o3", explicit=False)),
        ("o1-preview", Route("openai", "o1-preview", explicit=False)),
        ("omni", None),
        ("o", None),
        # Globs match the whole name, case-sensitively.
        ("my-gpt-4o", None),
        ("GPT-4o", None),
        ("Claude-3", None),
        ("echo", None),
        ("", None),
        ("llama-3", None),
    ],
)
def test_resolve(router: Router, model: str, expected: Route | None) -> None:
    assert router.resolve(model) == expected


def test_route_order_decides(router: Router) -> None:
    reordered = Router([RouteSettings(match=m, provider=p) for m, p in reversed(ROUTES)], PROVIDERS)
    assert router.resolve("gpt-4o") == Route("azure", "gpt-4o", explicit=False)
    assert reordered.resolve("gpt-4o") == Route("openai", "gpt-4o", explicit=False)


def test_no_routes_only_explicit_prefixes() -> None:
    router = Router([], ["openai"])
    assert router.resolve("gpt-4o") is None
    assert router.resolve("openai/gpt-4o") == Route("openai", "gpt-4o", explicit=True)


@pytest.mark.parametrize(
    ("model", "provider"),
    [
        ("echo-1", "echo"),
        ("gpt-6-sol", "openai"),
        ("o4-mini", "openai"),
        ("text-embedding-3-small", "openai"),
        ("claude-haiku-5-5", "anthropic"),
        ("llama-3", None),
    ],
)
def test_default_routes(model: str, provider: str | None) -> None:
    settings = Settings()
    route = Router(settings.routes, settings.providers).resolve(model)
    assert (route.provider if route else None) == provider
    if route is not None:
        assert (route.model, route.explicit) == (model, False)
