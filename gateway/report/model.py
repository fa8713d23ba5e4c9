"""The evidence report's data, typed: what ``gather`` returns, what ``sections`` reads, and what
``aigw report --format json`` writes out (plain JSON-able dicts, so the JSON keys are these keys).

TypedDicts rather than dataclasses: the report is JSON as it stands, an auditor's tooling reads the
JSON format, and ``json.dumps`` writes these without a conversion step that could drift.
"""

from __future__ import annotations

from typing import TypedDict


class ReportHeader(TypedDict):
    title: str
    generated_at: str
    since: str
    until: str
    catalogue_version: str
    policies: list[str]


class Summary(TypedDict):
    incidents: int
    occurrences: int
    by_status: dict[str, int]
    by_severity: dict[str, int]
    median_hours_to_acknowledge: float | None
    median_hours_to_close: float | None


class ControlRow(TypedDict):
    """One control cited by incidents in the period, with how it was cited."""

    framework: str
    id: str
    title: str
    incidents: int
    primary: int
    conditional: int
    by_severity: dict[str, int]
    types: list[str]


class CitedControl(TypedDict):
    id: str
    title: str
    primary: bool
    condition: str | None


class SideBySideRow(TypedDict):
    """One violation type with its ISO/IEC 27001 and 42001 controls (the catalogue's mapping)."""

    type: str
    name: str
    incidents: int
    iso27001_2022: list[CitedControl]
    iso42001_2023: list[CitedControl]


class Timeline(TypedDict):
    days: list[str]
    by_severity: dict[str, list[int]]
    by_type: dict[str, list[int]]
    by_group: dict[str, list[int]]


class PolicyInForce(TypedDict):
    policy_id: str | None
    version: str
    first_seen: str
    last_seen: str
    incidents: int


class PolicyChange(TypedDict):
    at: str
    kind: str  # "applied" | "rejected"
    old_version: str | None
    new_version: str | None
    loosened: int
    tightened: int
    problems: int
    severity: str
    incident_id: str


class PolicySection(TypedDict):
    in_force: list[PolicyInForce]
    changes: list[PolicyChange]


class RetentionRun(TypedDict):
    at: str
    policy_version: str | None
    dry_run: bool
    deleted: int
    held: int
    by_level: dict[str, int]


class Retention(TypedDict):
    runs: list[RetentionRun]
    deleted: int
    held: int
    failures: int


class Chain(TypedDict):
    ok: bool
    events: int
    incidents: int
    problems: list[str]


class SampleControl(TypedDict):
    framework: str
    id: str
    title: str
    primary: bool
    condition: str | None


class WorkflowStep(TypedDict):
    status: str
    by: str
    at: str
    note: str


class Sample(TypedDict):
    """One incident as the report shows it: metadata and the redacted excerpt, never prompt text."""

    id: str
    type: str
    severity: str
    severity_reasons: list[str]
    status: str
    opened: str
    last_seen: str
    count: int
    occurrences: int
    actor: str
    groups: list[str]
    destination: str
    entity_types: dict[str, int]
    excerpt: str | None
    finding_sources: dict[str, list[str]]
    policy_version: str | None
    controls: list[SampleControl]
    workflow: list[WorkflowStep]


class UsageLine(TypedDict):
    """Requests, tokens and spend of one group or model (``gateway.promptlog.usage``)."""

    key: str
    requests: int
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    cost: dict[str, float]  # currency -> amount
    unpriced_requests: int


class UsageSection(TypedDict):
    total: UsageLine
    by_group: list[UsageLine]
    by_model: list[UsageLine]


class InventoryRow(TypedDict):
    """One AI tool register entry and what the period showed of it (``gateway.report.inventory``)."""

    id: str
    tool: str
    vendor: str
    hosting: str
    status: str
    review_by: str
    standing: str
    owner: str
    requests: int
    refused: int
    users: int
    data_classes: list[str]
    incidents: dict[str, int]


class ShadowRow(TypedDict):
    tool: str
    requests: int
    users: int
    groups: list[str]


class RegisterChange(TypedDict):
    """A policy reload that changed the register or a reroute: when, to which version, what."""

    at: str
    policy_version: str | None
    changes: list[str]  # as `aigw policy diff` prints them, each labelled loosened, tightened or changed


class InventorySection(TypedDict):
    entries: list[InventoryRow]
    unregistered: list[str]  # providers used that no register entry covers
    shadow_demand: list[ShadowRow]
    register_changes: list[RegisterChange]


class FailureWindow(TypedDict):
    """A control failing from one assurance run until the next run it passed (``ended`` null: still
    failing at the end of the period). ``before_period``: the last run before the period failed it
    too, so it began at or before ``began`` (that run)."""

    control: str
    began: str
    ended: str | None
    failed_runs: int
    before_period: bool


class TestedControl(TypedDict):
    """One control over the period's assurance runs (``gateway.incidents.assurance_runs``)."""

    control: str
    runs: int
    passes: int
    failures: int
    skips: int
    first_failure: str | None
    last_failure: str | None
    policy_versions: list[str]  # of the runs that tested it, first seen first


class AssuranceChain(TypedDict):
    ok: bool
    runs: int
    problems: list[str]


class ControlsTested(TypedDict):
    runs: int
    by_origin: dict[str, int]  # "schedule" | "command" -> runs
    first_run: str | None
    last_run: str | None
    policy_versions: list[str]
    controls: list[TestedControl]
    failure_windows: list[FailureWindow]
    chain: AssuranceChain
    probe_incidents: int  # incidents the probes raised in the period, left out of every other section


class EvidenceReport(TypedDict):
    report: ReportHeader
    summary: Summary
    controls: list[ControlRow]
    side_by_side: list[SideBySideRow]
    by_type: dict[str, int]
    by_group: dict[str, int]
    timeline: Timeline
    policy: PolicySection
    retention: Retention
    usage: UsageSection
    inventory: InventorySection
    controls_tested: ControlsTested
    chain: Chain
    samples: list[Sample]
