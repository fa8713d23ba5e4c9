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
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")


def default_prices() -> tuple[PriceSettings, ...]:
    """Example prices (USD per million tokens) for the default catalogue: set your contract's."""
    table = [
        ("openai", "gpt-6-sol*", "5.00", "20.00", "0.50"),
        ("openai", "gpt-6-luna*", "0.40", "1.60", "0.04"),
        ("openai", "gpt-5.5*", "1.25", "10.00", "0.125"),
        ("openai", "text-embedding-3-small", "0.02", "0", None),
        ("anthropic", "claude-opus-5*", "15.00", "75.00", "1.50"),
        ("anthropic", "claude-sonnet-5*", "3.00", "15.00", "0.30"),
        ("anthropic", "claude-haiku-5*", "0.80", "4.00", "0.08"),
        ("echo", "*", "0", "0", None),
    ]
    return tuple(
        PriceSettings(
            provider=p,
            models=m,
            input=Decimal(i),
            output=Decimal(o),
            cached_input=None if c is None else Decimal(c),
        )
        for p, m, i, o, c in table
    )
