"""The settings' price table (``prices:``): what each provider charges per million tokens (gateway.usage.prices)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class PriceSettings(BaseModel):
    """What one provider charges for the models a glob matches, per million tokens (gateway.usage.prices)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: str = Field(min_length=1)
    models: str = Field(min_length=1)  # a glob over the model name the provider sees, e.g. "gpt-6-*"
    input: Decimal = Field(ge=0)
    output: Decimal = Field(ge=0)
    cached_input: Decimal | None = Field(default=None, ge=0)  # None: cached prompt tokens cost as input
    # Prompt tokens written to the provider's prompt cache (Anthropic's cache_creation_input_tokens);
    # None: 1.25 times input, Anthropic's price for its default five-minute cache.
    cache_write: Decimal | None = Field(default=None, ge=0)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
