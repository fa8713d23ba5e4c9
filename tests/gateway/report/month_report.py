"""A month of evidence report data (what ``gateway.report.gather`` returns), for the renderers' tests."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

SEVERITIES = ("info", "low", "medium", "high", "critical")
DAYS = [(date(2026, 10, 1) + timedelta(days=i)).isoformat() for i in range(31)]


def per_day(pattern: dict[int, int]) -> list[int]:
    return [pattern.get(i, 0) for i in range(len(DAYS))]


def ref(control_id: str, title: str, condition: str | None = None) -> dict[str, Any]:
    return {"id": control_id, "title": title, "primary": condition is None, "condition": condition}


def sample(incident_id: str, severity: str, actor: str, excerpt: str | None) -> dict[str, Any]:
    return {
        "id": incident_id,
        "type": "PII_IN_PROMPT",
        "severity": severity,
        "severity_reasons": ["default", "let through"],
        "status": "acknowledged",
        "opened": "2026-10-03T09:12:00+00:00",
        "last_seen": "2026-10-03T09:40:00+00:00",
        "count": 4,
        "occurrences": 2,
        "actor": actor,
        "groups": ["engineering"],
        "destination": "openai / gpt-4o-mini",
        "entity_types": {"EMAIL_ADDRESS": 3, "PHONE_NUMBER": 1},
        "excerpt": excerpt,
        "policy_version": "3+ab12",
        "finding_sources": {"EMAIL_ADDRESS": ["user/text", "tool/tool_result"]} if excerpt else {},
        "controls": [
            {"framework": "iso27001_2022", **ref("A.5.34", "Privacy and protection of PII")},
            {"framework": "gdpr", **ref("Art.32", "Security of processing", "data left the company")},
        ],
        "workflow": [{"status": "acknowledged", "by": "sec-lead", "at": "2026-10-03T10:00:00+00:00", "note": "on it"}],
    }


# The evidence report's sections, in order: what the renderers and the admin API must produce.
SECTION_IDS = ["summary", "controls", "severity", "types", "groups", "policy", "retention", "usage", "inventory"]
SECTION_IDS += ["assurance", "chain", "samples"]


def tested(control: str, runs: int, passes: int, failures: int, skips: int, failed: tuple[str, str] | None) -> Any:
    return {
        "control": control,
        "instance": "gw-1",
        "runs": runs,
        "passes": passes,
        "failures": failures,
        "skips": skips,
        "first_failure": failed[0] if failed else None,
        "last_failure": failed[1] if failed else None,
        "policy_versions": ["2+9f00", "3+ab12"] if runs > 3 else ["3+ab12"],
    }


def window(control: str, began: str, ended: str | None, runs: int, before: bool = False) -> Any:
    return {
        "control": control,
        "instance": "gw-1",
        "began": began,
        "ended": ended,
        "failed_runs": runs,
        "before_period": before,
    }


def usage_line(key: str, requests: int, prompt: int, completion: int, cost: dict[str, float], unpriced: int) -> Any:
    return {
        "key": key,
        "requests": requests,
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "cost": cost,
        "unpriced_requests": unpriced,
    }


def month_report() -> dict[str, Any]:
    """A month with every severity, four types, three groups, two policy versions and two retention runs."""
    by_severity = {
        "low": per_day({0: 2, 3: 1, 10: 4}),
        "medium": per_day({0: 1, 5: 3, 20: 2}),
        "high": per_day({3: 2, 30: 1}),
        "critical": per_day({12: 1}),
    }
    by_type = {
        "PII_IN_PROMPT": per_day({0: 3, 5: 3, 10: 4}),
        "SECRET_OR_CREDENTIAL_IN_PROMPT": per_day({3: 3, 12: 1, 30: 1}),
        "PROMPT_INJECTION_ATTEMPT": per_day({20: 2}),
        "LOGGING_OR_RETENTION_FAILURE": per_day({}),
    }
    by_group = {
        "engineering": per_day({0: 3, 3: 3, 10: 4}),
        "sales": per_day({5: 3, 20: 2}),
        "(none)": per_day({12: 1, 30: 1}),
    }
    side_by_side = [
        {
            "type": "PII_IN_PROMPT",
            "name": "PII sent in a prompt",
            "incidents": 10,
            "iso27001_2022": [ref("A.5.34", "Privacy and protection of PII"), ref("A.8.12", "Data leakage prevention")],
            "iso42001_2023": [ref("A.7.4", "Quality of data for AI systems", "training data")],
        },
        {
            "type": "SECRET_OR_CREDENTIAL_IN_PROMPT",
            "name": "Secret in a prompt",
            "incidents": 5,
            "iso27001_2022": [ref("A.5.17", "Authentication information")],
            "iso42001_2023": [],
        },
        {
            "type": "PROMPT_INJECTION_ATTEMPT",
            "name": "Prompt injection | jailbreak",
            "incidents": 2,
            "iso27001_2022": [ref("A.8.7", "Protection against malware")],
            "iso42001_2023": [ref("A.6.2.6", "AI system operation and monitoring")],
        },
        {
            "type": "UNAUTHENTICATED_ACCESS",
            "name": "Unauthenticated access",
            "incidents": 0,
            "iso27001_2022": [ref("A.8.5", "Secure authentication")],
            "iso42001_2023": [],
        },
    ]
    controls = [
        {
            "framework": "gdpr",
            "id": "Art.32",
            "title": "Security of processing",
            "incidents": 10,
            "primary": 0,
            "conditional": 10,
            "by_severity": {"low": 7, "medium": 3, "high": 0, "critical": 0},
            "types": ["PII_IN_PROMPT"],
        },
        {
            "framework": "iso27001_2022",
            "id": "A.5.34",
            "title": "Privacy and protection of PII",
            "incidents": 10,
            "primary": 10,
            "conditional": 0,
            "by_severity": {"low": 7, "medium": 3, "high": 0, "critical": 0},
            "types": ["PII_IN_PROMPT"],
        },
        {
            "framework": "iso42001_2023",
            "id": "A.6.2.6",
            "title": "AI system operation and monitoring",
            "incidents": 2,
            "primary": 2,
            "conditional": 0,
            "by_severity": {"low": 0, "medium": 2, "high": 0, "critical": 0},
            "types": ["PROMPT_INJECTION_ATTEMPT"],
        },
    ]
    return {
        "report": {
            "title": "AI gateway evidence report",
            "generated_at": "2026-11-01T06:00:00+00:00",
            "since": "2026-10-01T00:00:00+00:00",
            "until": "2026-11-01T00:00:00+00:00",
            "catalogue_version": "2026-11-22",
            "policies": ["corp-ai-policy"],
        },
        "summary": {
            "incidents": 17,
            "occurrences": 29,
            "by_status": {"open": 4, "acknowledged": 3, "resolved": 9, "false_positive": 1},
            "by_severity": {sev: sum(counts) for sev, counts in by_severity.items()},
            "median_hours_to_acknowledge": 1.5,
            "median_hours_to_close": None,
        },
        "controls": controls,
        "side_by_side": side_by_side,
        "by_type": {"PII_IN_PROMPT": 10, "SECRET_OR_CREDENTIAL_IN_PROMPT": 5, "PROMPT_INJECTION_ATTEMPT": 2},
        "by_group": {"engineering": 10, "sales": 5, "(none)": 2},
        "timeline": {"days": DAYS, "by_severity": by_severity, "by_type": by_type, "by_group": by_group},
        "policy": {
            "in_force": [
                {
                    "policy_id": "corp-ai-policy",
                    "version": "2+9f00",
                    "first_seen": "2026-10-01T00:00:00+00:00",
                    "last_seen": "2026-10-14T23:59:00+00:00",
                    "incidents": 8,
                },
                {
                    "policy_id": "corp-ai-policy",
                    "version": "3+ab12",
                    "first_seen": "2026-10-15T08:00:00+00:00",
                    "last_seen": "2026-10-31T23:59:00+00:00",
                    "incidents": 9,
                },
            ],
            "changes": [
                {
                    "at": "2026-10-15T08:00:00+00:00",
                    "kind": "applied",
                    "old_version": "2+9f00",
                    "new_version": "3+ab12",
                    "loosened": 2,
                    "tightened": 1,
                    "problems": 0,
                    "severity": "high",
                    "incident_id": "inc_policy_1",
                },
                {
                    "at": "2026-10-20T12:00:00+00:00",
                    "kind": "rejected",
                    "old_version": "3+ab12",
                    "new_version": None,
                    "loosened": 0,
                    "tightened": 0,
                    "problems": 3,
                    "severity": "medium",
                    "incident_id": "inc_policy_2",
                },
            ],
        },
        "retention": {
            "runs": [
                {
                    "at": "2026-10-10T03:00:00+00:00",
                    "policy_version": "2+9f00",
                    "dry_run": True,
                    "deleted": 120,
                    "held": 4,
                    "by_level": {"metadata": 100, "full": 20},
                },
                {
                    "at": "2026-10-24T03:00:00+00:00",
                    "policy_version": "3+ab12",
                    "dry_run": False,
                    "deleted": 345,
                    "held": 6,
                    "by_level": {"metadata": 300, "full": 45},
                },
            ],
            "deleted": 345,
            "held": 6,
            "failures": 0,
        },
        "usage": {
            "total": usage_line("total", 1400, 250_000, 42_000, {"USD": 301.5, "EUR": 60.0}, 150),
            "by_group": [
                usage_line("engineering", 1200, 240_000, 36_000, {"USD": 301.5}, 0),
                usage_line("sales", 200, 10_000, 6_000, {"EUR": 60.0}, 150),
            ],
            "by_model": [
                usage_line("openai/gpt-6-sol", 1200, 200_000, 36_000, {"USD": 301.5}, 0),
                usage_line("anthropic/claude-opus-9", 50, 20_000, 2_000, {"EUR": 60.0}, 0),
                usage_line("ollama/local-llama", 150, 30_000, 4_000, {}, 150),
            ],
        },
        "inventory": {
            "entries": [
                {
                    "id": "openai-gpt",
                    "tool": "openai/gpt-6*",
                    "vendor": "OpenAI",
                    "hosting": "cloud (eu-west-1)",
                    "status": "approved",
                    "review_by": "2027-03-01",
                    "standing": "in_service",
                    "owner": "procurement@example.com",
                    "requests": 1200,
                    "refused": 3,
                    "users": 41,
                    "data_classes": ["pii"],
                    "incidents": {"PII_IN_PROMPT": 9},
                },
                {
                    "id": "claude",
                    "tool": "anthropic/*",
                    "vendor": "Anthropic",
                    "hosting": "cloud",
                    "status": "approved",
                    "review_by": "2026-10-15",
                    "standing": "review_lapsed",
                    "owner": "legal@example.com",
                    "requests": 50,
                    "refused": 50,
                    "users": 7,
                    "data_classes": [],
                    "incidents": {"SUPPLIER_REVIEW_LAPSED": 2},
                },
            ],
            "unregistered": ["ollama"],
            "shadow_demand": [{"tool": "deepseek/deepseek-r2", "requests": 14, "users": 3, "groups": ["sales"]}],
            "register_changes": [
                {
                    "at": "2026-10-16T09:00:00+00:00",
                    "policy_version": "3+ab12",
                    "changes": ["tightened  tool_register.claude.status: approved -> suspended"],
                }
            ],
        },
        "controls_tested": {
            "runs": 720,
            "runs_on_record": 720,
            "by_origin": {"command": 3, "schedule": 717},
            "first_run": "2026-10-01T00:00:00+00:00",
            "last_run": "2026-10-30T23:00:00+00:00",
            "policy_versions": ["2+9f00", "3+ab12"],
            "controls": [
                tested("card_redacted", 720, 716, 4, 0, ("2026-10-16T09:00:00+00:00", "2026-10-30T23:00:00+00:00")),
                tested("credential_blocked", 720, 719, 1, 0, ("2026-10-01T00:00:00+00:00",) * 2),
                tested("revoked_key", 3, 0, 0, 3, None),
                tested("unapproved_model", 720, 720, 0, 0, None),
            ],
            "failure_windows": [
                window("card_redacted", "2026-10-16T09:00:00+00:00", "2026-10-16T11:00:00+00:00", 2),
                window("card_redacted", "2026-10-30T22:00:00+00:00", None, 2),
                window("credential_blocked", "2026-09-30T23:00:00+00:00", "2026-10-01T01:00:00+00:00", 1, True),
            ],
            "coverage": [
                {
                    "instance": "gw-1",
                    "runs": 717,
                    "median_gap_s": 3600.0,
                    "longest_gap_s": 3 * 3600.0,
                    "longest_gap_from": "2026-10-12T04:00:00+00:00",
                    "longest_gap_until": "2026-10-12T07:00:00+00:00",
                    "gap_flagged": True,
                    "since_last_run_s": 1800.0,
                    "stale": False,
                }
            ],
            "command_failed_runs": 1,
            "command_failures": [
                {
                    "run_id": "asr_0123456789abcdef",
                    "at": "2026-10-20T10:00:00+00:00",
                    "instance": "staging-1",
                    "policy_version": "4+cand",
                    "failed": ["card_redacted", "ssn_protected"],
                }
            ],
            "chain": {"ok": True, "runs": 9000, "problems": []},
            "probe_incidents": 70,
        },
        "chain": {"ok": True, "events": 5120, "incidents": 17, "problems": []},
        "samples": [
            sample("inc_0001", "critical", "mallory@example.com", "key ```\n```\n<b>AKIA[REDACTED]</b> | pipe"),
            sample("inc_0002", "high", "alice@example.com", None),
        ],
    }


def tampered_report(report: dict[str, Any]) -> dict[str, Any]:
    broken = copy.deepcopy(report)
    broken["chain"] = {
        "ok": False,
        "events": 5120,
        "incidents": 17,
        "problems": ["event 811: hash does not match its content", "incident inc_0007: missing from the chain"],
    }
    return broken


def empty_report(report: dict[str, Any]) -> dict[str, Any]:
    """A period without incidents, retention runs or policy changes."""
    quiet = copy.deepcopy(report)
    quiet["summary"].update(incidents=0, occurrences=0, median_hours_to_acknowledge=None, median_hours_to_close=None)
    quiet["summary"]["by_status"] = dict.fromkeys(quiet["summary"]["by_status"], 0)
    quiet["summary"]["by_severity"] = dict.fromkeys(SEVERITIES, 0)
    for row in quiet["side_by_side"]:
        row["incidents"] = 0
    quiet.update(controls=[], by_type={}, by_group={}, samples=[])
    quiet["timeline"] = {
        "days": DAYS,
        "by_severity": {sev: per_day({}) for sev in SEVERITIES},
        "by_type": {},
        "by_group": {},
    }
    quiet["policy"] = {"in_force": [], "changes": []}
    quiet["retention"] = {"runs": [], "deleted": 0, "held": 0, "failures": 0}
    quiet["chain"] = {"ok": True, "events": 0, "incidents": 0, "problems": []}
    quiet["inventory"] = {"entries": [], "unregistered": [], "shadow_demand": [], "register_changes": []}
    quiet["usage"] = {"total": usage_line("total", 0, 0, 0, {}, 0), "by_group": [], "by_model": []}
    quiet["controls_tested"] = {
        "runs": 0,
        "runs_on_record": 0,
        "coverage": [],
        "command_failed_runs": 0,
        "command_failures": [],
        "by_origin": {},
        "first_run": None,
        "last_run": None,
        "policy_versions": [],
        "controls": [],
        "failure_windows": [],
        "chain": {"ok": True, "runs": 0, "problems": []},
        "probe_incidents": 0,
    }
    return quiet
