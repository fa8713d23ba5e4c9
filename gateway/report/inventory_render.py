"""The live AI inventory as text: a table for a terminal, Markdown for a review document, CSV for a
spreadsheet, JSON for tools (``gateway.report.inventory`` gathers it)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal

Form = Literal["table", "md", "csv", "json"]
FORMS: tuple[str, ...] = ("table", "md", "csv", "json")
_HEAD = (
    "entry",
    "tool",
    "vendor",
    "hosting",
    "status",
    "review by",
    "today",
    "owner",
    "requests",
    "refused",
    "users",
    "groups",
    "tokens",
    "cost",
    "data classes seen",
    "incidents",
)


def render(found: Mapping[str, Any], form: Form) -> str:
    if form == "json":
        return json.dumps(found, indent=2)
    rows = [_entry_row(e) for e in found["entries"]]
    rows += [_other_row("(not in the register)", u["provider"] + "/*", u["seen"]) for u in found["unregistered"]]
    shadow = [_other_row("(shadow demand)", s["tool"], s["seen"]) for s in found["shadow_demand"]]
    if form == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows([list(_HEAD), *rows, *shadow])
        return out.getvalue()
    if form == "md":
        return _markdown(rows, shadow)
    return _table([list(_HEAD), *rows, *shadow])


def _seen_cells(seen: Mapping[str, Any]) -> list[str]:
    tokens = seen["prompt_tokens"] + seen["completion_tokens"]
    cost = "; ".join(f"{amount:,.2f} {currency}" for currency, amount in seen["cost"].items()) or "-"
    incidents = ", ".join(f"{kind} {n}" for kind, n in seen["incidents"].items()) or "-"
    return [
        str(seen["requests"]),
        str(seen["refused"]),
        str(seen["users"]),
        ", ".join(seen["groups"]) or "-",
        str(tokens),
        cost,
        ", ".join(seen["data_classes"]) or "-",
        incidents,
    ]


def _entry_row(entry: Mapping[str, Any]) -> list[str]:
    head = [entry["id"], entry["tool"], entry["vendor"], entry["hosting"], entry["status"], entry["review_by"]]
    return [*head, entry["standing"], entry["owner"], *_seen_cells(entry["seen"])]


def _other_row(kind: str, tool: str, seen: Mapping[str, Any]) -> list[str]:
    return [kind, tool, "-", "-", "-", "-", "-", "-", *_seen_cells(seen)]


def _table(lines: Sequence[Sequence[str]]) -> str:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() for line in lines)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(rows: Sequence[Sequence[str]], shadow: Sequence[Sequence[str]]) -> str:
    def table(head: Sequence[str], body: Sequence[Sequence[str]]) -> list[str]:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return lines + ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in body]

    out = ["## AI tools in use", "", *table(_HEAD, rows), "", "## Shadow demand (requested, not approved)", ""]
    out += (
        table(("tool", "requests", "users", "groups"), [[r[1], r[8], r[10], r[11]] for r in shadow])
        if shadow
        else ["None in this period."]
    )
    return "\n".join(out) + "\n"
