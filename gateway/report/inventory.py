"""The live AI inventory (ISO/IEC 27001 A.5.9, ISO/IEC 42001 A.4): every AI tool register entry with
its status and review date, and what the gateway saw of each over a period -- who used it, how much,
which data classes went to it, which incidents it was part of -- plus the tools used that the
register does not cover, and the *shadow demand*: models people asked for that are not approved,
how often and by which groups. ``aigw inventory`` and ``GET /admin/inventory`` print it; the
evidence report has it as a section.

Everything comes from the prompt log and the incident log (metadata only, never text); a request
counts towards the first register entry whose provider and models cover it, as enforcement does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from gateway.incidents.model import is_assurance
from gateway.incidents.store import IncidentQuery, IncidentStore
from gateway.policy.register import Register, RegisterEntry, RegisterPolicy, standing
from gateway.promptlog.record import parse_list
from gateway.promptlog.store import PromptStore

MAX_INCIDENTS = 100_000
DEFAULT_DENY = "approved_tools.default_deny"
UNAPPROVED = "UNAPPROVED_AI_PROVIDER_OR_MODEL"


@dataclass
class Seen:
    """What the prompt log and the incident log show of one tool (an entry, or one provider/model)."""

    requests: int = 0
    allowed: int = 0
    refused: int = 0  # denied by the policy or the register
    monitored: int = 0  # would have been denied, and were served: monitor mode
    users: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: dict[str, float] = field(default_factory=dict)
    data_classes: set[str] = field(default_factory=set)
    incidents: Counter[str] = field(default_factory=Counter)
    models: set[str] = field(default_factory=set)

    def add(self, row: dict[str, Any]) -> None:
        n = int(row["n"])
        self.requests += n
        if row["decision"] == "allow":
            self.allowed += n
        elif row["decision"] == "deny":
            self.refused += n
        elif row["decision"] == "monitor_deny":  # would have been refused; served (monitor mode)
            self.monitored += n
        if row["user_name"]:
            self.users.add(str(row["user_name"]))
        self.groups.update(parse_list(row["groups"]))
        self.data_classes.update(parse_list(row["data_classes"]))
        self.prompt_tokens += int(row["prompt_tokens"] or 0)
        self.completion_tokens += int(row["completion_tokens"] or 0)
        if row["cost"] is not None and row["cost_currency"]:
            currency = str(row["cost_currency"])
            self.cost[currency] = self.cost.get(currency, 0.0) + float(row["cost"])
        if row["model"]:
            self.models.add(str(row["model"]))

    def as_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "allowed": self.allowed,
            "refused": self.refused,
            "served_in_monitor_mode": self.monitored,
            "users": len(self.users),
            "groups": sorted(self.groups),
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost": {c: round(a, 6) for c, a in sorted(self.cost.items())},
            "data_classes": sorted(self.data_classes),
            "incidents": dict(sorted(self.incidents.items())),
            "models": sorted(self.models),
        }


async def inventory(
    store: PromptStore, register: RegisterPolicy, since_us: int, until_us: int, today: date
) -> dict[str, Any]:
    lookup = Register(register)
    entries = {e.id: Seen() for e in register.entries}
    unregistered: dict[str, Seen] = {}
    shadow: dict[str, Seen] = {}
    for row in await _rows(store, since_us, until_us):
        provider, model = str(row["provider"] or "-"), _bare(row["provider"], row["model"])
        if row["decision"] in ("deny", "monitor_deny") and row["rule"] == DEFAULT_DENY:
            shadow.setdefault(f"{provider}/{model}", Seen()).add(row)
            continue
        if row["decision"] is None and row["error_code"] == "model_not_found":  # no provider serves it at all
            shadow.setdefault(f"(none)/{model}", Seen()).add(row)
            continue
        verdict = lookup.verdict(provider, model, today)
        if verdict is not None:
            entries[verdict.entry.id].add(row)
        elif row["decision"] is not None:  # reached the policy's decision: a tool the register does not cover
            unregistered.setdefault(provider, Seen()).add(row)
    # Probes go through the register's tools on purpose: not usage. Left out in SQL (a year of them would fill
    # the limit), and by their state too (a row whose column lost the mark).
    query = IncidentQuery(since_us=since_us, until_us=until_us, limit=MAX_INCIDENTS, assurance=False)
    for incident in await IncidentStore(store).search(query):
        if is_assurance(incident):
            continue
        destination = incident.get("destination") or {}
        to_provider, to_model = destination.get("provider"), destination.get("model")
        if not (isinstance(to_provider, str) and isinstance(to_model, str)):
            continue  # not about a request (the register watch's own, a failed login...)
        kind, bare = str(incident["type"]), _bare(to_provider, to_model)
        by_register = "register_entry" in (incident.get("details") or {})
        covering = lookup.verdict(to_provider, bare, today)
        if kind == UNAPPROVED and not by_register:  # asked for a model no group of the caller's may use
            shadow.setdefault(f"{to_provider}/{bare}", Seen()).incidents[kind] += 1
        elif covering is not None:
            entries[covering.entry.id].incidents[kind] += 1
    return {
        "since_us": since_us,
        "until_us": until_us,
        "entries": [
            {**_entry(entry, today, register.warn_days), "seen": entries[entry.id].as_json()}
            for entry in register.entries
        ],
        "unregistered": [{"provider": p, "seen": s.as_json()} for p, s in sorted(unregistered.items())],
        "shadow_demand": [
            {"tool": tool, "seen": s.as_json()} for tool, s in sorted(shadow.items(), key=lambda kv: -kv[1].requests)
        ],
    }


def _bare(provider: object, model: object) -> str:
    """The model name without the ``provider/`` prefix a caller may have chosen the provider with."""
    name = str(model or "-")
    return name.removeprefix(f"{provider}/") if provider else name


async def _rows(store: PromptStore, since_us: int, until_us: int) -> list[dict[str, Any]]:
    columns = "provider, model, decision, rule, error_code, user_name, groups, data_classes, cost_currency"
    sql = (
        f"SELECT {columns}, COUNT(*) AS n, SUM(prompt_tokens) AS prompt_tokens, "  # noqa: S608 - constant names
        "SUM(completion_tokens) AS completion_tokens, SUM(cost) AS cost "
        # Control-assurance probes (the record's mark) ask for unapproved models on purpose: not use, nor demand.
        f"FROM exchanges WHERE ts_us >= ? AND ts_us < ? AND NOT assurance GROUP BY {columns}"
    )
    return await store.fetch(store.dialect.sql(sql), [since_us, until_us])


def _entry(entry: RegisterEntry, today: date, warn_days: int) -> dict[str, Any]:
    verdict = standing(entry, today, warn_days)
    return {
        "id": entry.id,
        "tool": f"{entry.provider}/{','.join(entry.models)}",
        "vendor": entry.vendor,
        "service": entry.service,
        "contract": entry.contract,
        "hosting": entry.hosting.type + (f" ({entry.hosting.region})" if entry.hosting.region else ""),
        "data_terms": entry.data_terms.model_dump(),
        "approved_data_classes": None if entry.data_classes is None else [c.value for c in entry.data_classes],
        "owner": entry.owner,
        "risk_assessed": entry.risk_assessed.isoformat(),
        "review_by": entry.review_by.isoformat(),
        "status": entry.status.value,
        "standing": verdict.standing.value,
        "days_to_review": verdict.days_to_review,
    }
