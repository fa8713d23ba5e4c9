"""What a report section is made of: paragraphs, tables, charts, headings and code, which both
renderers (``gateway.report.render``) write out. Nothing here escapes; each renderer does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias


@dataclass(frozen=True)
class Mark:
    """Text to flag visibly: a verdict, a rejected reload, a loosened policy."""

    text: str
    tone: str  # "ok" | "warn" | "bad": a CSS class in HTML; Markdown makes every mark bold


Cell: TypeAlias = str | int | Mark | tuple[str, ...]  # a tuple is one line per item


@dataclass(frozen=True)
class Para:
    parts: tuple[str | Mark, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Chart:
    svg: str  # markup from gateway.report.svg, which escapes its own labels
    fallback: Table | None = None  # what Markdown shows instead, if anything


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 3


@dataclass(frozen=True)
class Code:
    text: str


Block: TypeAlias = Para | Table | Chart | Heading | Code
