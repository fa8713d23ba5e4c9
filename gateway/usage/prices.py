"""The price table of the settings (``prices:``): what a request costs, from its token counts.

Prices are per million tokens, as providers publish them, held as ``Decimal`` so that a month of
small requests adds up to what the invoice says. The first entry whose provider and model glob
match prices a request; a model with no entry has no price (``cost`` is None): its requests are
counted in tokens, and spend limits do not count them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from gateway.config.price_settings import PriceSettings
from gateway.model_names import glob_regex

MILLION = Decimal(1_000_000)
CACHE_WRITE_FACTOR = Decimal("1.25")  # a cache write's price, when the table does not say, times input


@dataclass(frozen=True, slots=True)
class Price:
    provider: str
    models: str
    input: Decimal
    output: Decimal
    cached_input: Decimal
    currency: str
    cache_write: Decimal


class PriceTable:
    """Looks a (provider, model) up once per request; the table is small and read-only."""

    def __init__(self, entries: Sequence[PriceSettings]) -> None:
        self._entries: list[tuple[re.Pattern[str], Price]] = [
            (
                glob_regex(entry.models),
                Price(
                    entry.provider,
                    entry.models,
                    entry.input,
                    entry.output,
                    entry.input if entry.cached_input is None else entry.cached_input,
                    entry.currency,
                    entry.input * CACHE_WRITE_FACTOR if entry.cache_write is None else entry.cache_write,
                ),
            )
            for entry in entries
        ]

    def __bool__(self) -> bool:
        return bool(self._entries)

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset(price.currency for _, price in self._entries)

    def price(self, provider: str, model: str) -> Price | None:
        for pattern, price in self._entries:
            if price.provider == provider and pattern.match(model):
                return price
        return None

    def cost(
        self,
        provider: str,
        model: str,
        prompt_tokens: int,
        completion_tokens: int,
        cached_tokens: int = 0,
        cache_write_tokens: int = 0,
    ) -> Decimal | None:
        """What the tokens cost in the entry's currency; None when the model has no price.
        ``cached_tokens`` are the part of ``prompt_tokens`` the provider read from its prompt cache
        (priced at ``cached_input``), ``cache_write_tokens`` the part it wrote to it (``cache_write``)."""
        price = self.price(provider, model)
        if price is None:
            return None
        cached = min(max(cached_tokens, 0), prompt_tokens)
        written = min(max(cache_write_tokens, 0), prompt_tokens - cached)
        total = (
            (prompt_tokens - cached - written) * price.input
            + cached * price.cached_input
            + written * price.cache_write
            + completion_tokens * price.output
        )
        return total / MILLION
