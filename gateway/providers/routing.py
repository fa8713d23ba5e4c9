"""Model routing: which provider serves a requested model name.

``provider/model`` picks a provider explicitly (when the prefix is a configured
provider); otherwise the first route whose glob matches the whole name wins.
Names such as ``meta-llama/Llama-3`` whose prefix is not a provider fall through
to the globs.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from gateway.config.settings import RouteSettings
from gateway.model_names import glob_regex


@dataclass(frozen=True)
class Route:
    provider: str
    model: str  # the name the provider receives
    explicit: bool  # chosen by a provider/ prefix


class Router:
    def __init__(self, routes: Sequence[RouteSettings], providers: Collection[str]) -> None:
        self._providers = frozenset(providers)
        self._table = [(glob_regex(r.match), r.provider) for r in routes]

    def resolve(self, model: str) -> Route | None:
        prefix, sep, rest = model.partition("/")
        if sep and rest and prefix in self._providers:
            return Route(prefix, rest, explicit=True)
        for pattern, provider in self._table:
            if pattern.match(model):
                return Route(provider, model, explicit=False)
        return None
