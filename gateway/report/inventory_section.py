"""The evidence report's AI tool inventory: the register's entries with their status, review date and
owner next to what the period showed of each (requests, users, data classes, incidents), and the
shadow demand -- what an auditor testing ISO/IEC 27001 A.5.9 and A.5.19-A.5.23, and ISO/IEC 42001
A.4 and A.10.3, asks to see. The same figures as ``aigw inventory``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from gateway.incidents.export import iso_time
from gateway.incidents.store import IncidentQuery, IncidentStore
from gateway.policy.register import RegisterPolicy
from gateway.policy.violations import Violation
from gateway.promptlog.store import PromptStore
from gateway.report.blocks import Block, Cell, Mark, Para, Table
from gateway.report.inventory import inventory
from gateway.report.model import EvidenceReport, InventoryRow, InventorySection, RegisterChange, ShadowRow

OUT_OF_SERVICE = ("review_lapsed", "suspended", "retired")


async def gather_inventory(
    store: PromptStore, register: RegisterPolicy | None, since_us: int, until_us: int
) -> InventorySection:
    found = await inventory(store, register or RegisterPolicy(), since_us, until_us, datetime.now(UTC).date())
    query = IncidentQuery(type=Violation.POLICY_CHANGE.value, since_us=since_us, until_us=until_us, limit=10_000)
    changes = [
        RegisterChange(
            at=iso_time(i["opened_us"]),
            policy_version=i.get("policy_version"),
            changes=[str(c) for c in (i.get("details") or {})["register_changes"]],
        )
        for i in sorted(await IncidentStore(store).search(query), key=lambda i: (i["opened_us"], i["id"]))
        if (i.get("details") or {}).get("register_changes")
    ]
    return {
        "entries": [_row(entry) for entry in found["entries"]],
        "unregistered": [str(u["provider"]) for u in found["unregistered"]],
        "shadow_demand": [_shadow(s) for s in found["shadow_demand"]],
        "register_changes": changes,
    }


def _row(entry: dict[str, Any]) -> InventoryRow:
    seen = entry["seen"]
    return {
        "id": entry["id"],
        "tool": entry["tool"],
        "vendor": entry["vendor"],
        "hosting": entry["hosting"],
        "status": entry["status"],
        "review_by": entry["review_by"],
        "standing": entry["standing"],
        "owner": entry["owner"],
        "requests": seen["requests"],
        "refused": seen["refused"],
        "users": seen["users"],
        "data_classes": seen["data_classes"],
        "incidents": seen["incidents"],
    }


def _shadow(found: dict[str, Any]) -> ShadowRow:
    seen = found["seen"]
    return {"tool": found["tool"], "requests": seen["requests"], "users": seen["users"], "groups": seen["groups"]}


def _entry_cells(row: InventoryRow) -> list[Cell]:
    today: Cell = Mark(row["standing"], "bad") if row["standing"] in OUT_OF_SERVICE else row["standing"]
    incidents = tuple(f"{kind}: {n}" for kind, n in row["incidents"].items()) or "-"
    classes = ", ".join(row["data_classes"]) or "-"
    head: list[Cell] = [row["id"], row["tool"], row["vendor"], row["hosting"], row["status"], row["review_by"]]
    return [*head, today, row["owner"], row["requests"], row["refused"], row["users"], classes, incidents]


def inventory_blocks(report: EvidenceReport) -> list[Block]:
    section = report["inventory"]
    headers = (
        *("Entry", "Tool", "Vendor", "Hosting", "Status", "Review by", "Today", "Owner"),
        *("Requests", "Refused", "Users", "Data classes seen", "Incidents"),
    )
    blocks: list[Block] = [
        Para(
            (
                "The AI tool register of the policy in force: each approved tool as a reviewed supplier, and what "
                "the period showed of it. A tool past its review date, suspended or retired is refused.",
            )
        ),
        Table(headers, [_entry_cells(row) for row in section["entries"]] or [["No register entries.", *[""] * 12]]),
    ]
    if section["unregistered"]:
        names = ", ".join(section["unregistered"])
        blocks.append(Para((Mark(f"Used but not in the register: {names}", "warn"),)))
    shadow: list[list[Cell]] = [
        [s["tool"], s["requests"], s["users"], ", ".join(s["groups"]) or "-"] for s in section["shadow_demand"]
    ]
    shadow_headers = ("Shadow demand: requested, not approved", "Requests", "Users", "Groups")
    empty: list[list[Cell]] = [["-", 0, 0, "-"]]
    blocks.append(Table(shadow_headers, shadow or empty))
    history: list[list[Cell]] = [
        [c["at"], c["policy_version"] or "-", tuple(c["changes"])] for c in section["register_changes"]
    ]
    no_change: list[list[Cell]] = [["-", "-", "No change to the register or to reroutes in this period."]]
    blocks.append(Table(("Register changes: at", "Policy version", "Changes"), history or no_change))
    return blocks
