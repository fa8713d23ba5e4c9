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
    """A control failing on one machine (``instance``) from one scheduled assurance run until that machine's
    next scheduled run passed it (``ended`` null: still failing at the end of the period). ``before_period``:
    that machine's last scheduled run before the period (or before the runs read) that tested the control
    failed it, so it began at or before ``began`` (that run)."""

    control: str
    instance: str  # "": runs stored before they carried their machine
    began: str
    ended: str | None
    failed_runs: int
    before_period: bool


class TestedControl(TypedDict):
    """One control on one machine over the period's scheduled assurance runs (``gateway.incidents.assurance_runs``)."""

    control: str
    instance: str
    runs: int
    passes: int
    failures: int
    skips: int
    first_failure: str | None
    last_failure: str | None
    policy_versions: list[str]  # of the runs that tested it, first seen first


class Coverage(TypedDict):
    """How regularly one machine's schedule ran in the period: the gaps between its consecutive scheduled runs."""

    instance: str
    runs: int
    median_gap_s: float | None  # the typical interval (None: fewer than two runs)
    longest_gap_s: float | None
    longest_gap_from: str | None
    longest_gap_until: str | None
    gap_flagged: bool  # the longest gap is over twice the median: the schedule stopped for a while
    since_last_run_s: float  # from its last run to the period's end (or now, if sooner)
    stale: bool  # that is over twice the median: no scheduled run lately


class CommandFailure(TypedDict):
    """An ``aigw assure`` run that failed controls: possibly against a candidate policy on staging, so it
    opens no failure window; shown so that it is not hidden either."""

    run_id: str
    at: str
    instance: str
    policy_version: str
    failed: list[str]


class AssuranceChain(TypedDict):
    ok: bool
    runs: int
    problems: list[str]


class ControlsTested(TypedDict):
    runs: int  # read: the newest MAX_RUNS of the period's
    runs_on_record: int  # in the period: more than ``runs`` when the oldest were not read
    by_origin: dict[str, int]  # "schedule" | "command" -> runs
    first_run: str | None
    last_run: str | None
    policy_versions: list[str]
    controls: list[TestedControl]  # per control and machine, of scheduled runs
    failure_windows: list[FailureWindow]  # of scheduled runs
    coverage: list[Coverage]  # per machine, of scheduled runs
    command_failed_runs: int  # command runs that failed a control
    command_failures: list[CommandFailure]  # the newest of them, newest first
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
