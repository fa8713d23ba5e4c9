"""The evidence report's sections, each built once as a list of blocks (paragraphs, tables,
charts...) that both renderers (``render``) write out, so HTML and Markdown cannot drift apart.

Nothing here escapes: strings stay as the data has them, and each renderer escapes where it
writes them out (user names, excerpts and policy ids can be attacker-controlled).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from gateway.report import svg
from gateway.report.blocks import Block, Cell, Chart, Code, Heading, Mark, Para, Table
from gateway.report.controls_section import controls_blocks
from gateway.report.inventory_section import inventory_blocks
from gateway.report.model import (
    CitedControl,
    ControlRow,
    EvidenceReport,
    PolicyChange,
    RetentionRun,
    Sample,
    SampleControl,
    SideBySideRow,
)
from gateway.report.usage_section import usage_blocks

SEVERITIES = ("info", "low", "medium", "high", "critical")
FRAMEWORKS = {
    "iso27001_2022": "ISO/IEC 27001:2022",
    "iso42001_2023": "ISO/IEC 42001:2023",
    "owasp_llm_2025": "OWASP Top 10 for LLM Applications 2025",
    "nist_ai_rmf_1_0": "NIST AI RMF 1.0",
    "gdpr": "GDPR",
    "eu_ai_act": "EU AI Act",
}
NO_INCIDENTS = "No incidents in this period."
__all__ = ["Block", "Cell", "Chart", "Code", "Heading", "Mark", "Para", "Table", "sections"]


def _text(text: str) -> Para:
    return Para((text,))


def _hours(value: float | None) -> str:
    return "n/a" if value is None else f"{float(value):.1f}"


def _or_dash(value: object) -> str:
    return "-" if value is None else str(value)


def _counts(mapping: Mapping[str, int]) -> str:
    """{"high": 2, "low": 0, "critical": 1} -> "high 2, critical 1"."""
    return ", ".join(f"{key} {value}" for key, value in mapping.items() if value) or "-"


def _share(part: int, total: int) -> str:
    return f"{100 * part / total:.0f}%" if total else "-"


def _framework(key: str) -> str:
    return FRAMEWORKS.get(key, key)


def _citation(ref: CitedControl | SampleControl) -> str:
    if ref["primary"]:
        return "primary"
    return f"conditional: {ref['condition']}" if ref["condition"] else "conditional"


def _control(ref: CitedControl) -> str:
    label = f"{ref['id']} {ref['title']}"
    return label if ref["primary"] else f"{label} ({_citation(ref)})"


def _lines(items: Sequence[object]) -> Cell:
    return tuple(map(str, items)) or "-"


# --- sections ---------------------------------------------------------------------------------------------------
# Scalars from the data go into cells as they are: both writers turn every cell into text and escape it.


def _table(headers: tuple[str, ...], rows: list[list[Cell]], empty: str) -> Block:
    return Table(headers, rows) if rows else _text(empty)


def _summary(report: EvidenceReport) -> list[Block]:
    meta, summary = report["report"], report["summary"]
    facts: list[list[Cell]] = [
        ["Period", f"{meta['since']} to {meta['until']}"],
        ["Generated at", meta["generated_at"]],
        ["Control catalogue version", meta["catalogue_version"]],
        ["Policies", ", ".join(map(str, meta["policies"])) or "(none)"],
        ["Incidents", summary["incidents"]],
        ["Occurrences (violations folded into incidents)", summary["occurrences"]],
        ["Median hours to acknowledge", _hours(summary["median_hours_to_acknowledge"])],
        ["Median hours to close (resolved or false positive)", _hours(summary["median_hours_to_close"])],
    ]
    blocks: list[Block] = [_text(NO_INCIDENTS)] if not summary["incidents"] else []
    return [
        *blocks,
        Table(("Item", "Value"), facts),
        Heading("By status"),
        Table(("Status", "Incidents"), [[status, n] for status, n in summary["by_status"].items()]),
        Heading("By severity"),
        Table(("Severity", "Incidents"), [[sev, summary["by_severity"].get(sev, 0)] for sev in SEVERITIES]),
    ]


def _side_row(row: SideBySideRow) -> list[Cell]:
    iso27001, iso42001 = (
        _lines([_control(ref) for ref in refs]) for refs in (row["iso27001_2022"], row["iso42001_2023"])
    )
    return [(row["name"], row["type"]), row["incidents"], iso27001, iso42001]


def _control_row(c: ControlRow) -> list[Cell]:
    counts: list[Cell] = [c["incidents"], c["primary"], c["conditional"], _counts(c["by_severity"])]
    return [_framework(c["framework"]), c["id"], c["title"], *counts, _lines(c["types"])]


def _controls(report: EvidenceReport) -> list[Block]:
    side = [_side_row(row) for row in report["side_by_side"]]
    order = list(FRAMEWORKS)
    # A stable sort: frameworks in the order above, the gatherer's id order kept within each.
    controls = sorted(report["controls"], key=lambda c: order.index(c["framework"]) if c["framework"] in order else 99)
    rows = [_control_row(c) for c in controls]
    return [
        Heading("ISO/IEC 27001:2022 and ISO/IEC 42001:2023 side by side"),
        Table(("Violation type", "Incidents", "ISO/IEC 27001:2022 controls", "ISO/IEC 42001:2023 controls"), side),
        Heading("Controls cited, per framework"),
        _table(
            ("Framework", "Control", "Title", "Incidents", "Primary", "Conditional", "Severities", "Violation types"),
            rows,
            "No control was cited by an incident in this period.",
        ),
    ]


def _day_table(days: Sequence[str], series: Mapping[str, Sequence[int]]) -> Table:
    """Day x series, for Markdown: days without incidents are left out to keep it short."""
    rows: list[list[Cell]] = []
    for i, day in enumerate(days):
        counts = [int(values[i]) if i < len(values) else 0 for values in series.values()]
        if sum(counts):
            rows.append([day, *counts, sum(counts)])
    return Table(("Day", *series, "Total"), rows)


def _timeline(
    title: str, days: Sequence[str], series: Mapping[str, Sequence[int]], colours: Mapping[str, str]
) -> Block:
    if not any(value > 0 for values in series.values() for value in values):
        return _text(NO_INCIDENTS)
    return Chart(svg.stacked_bars(title, days, series, colours), _day_table(days, series))


def _severity(report: EvidenceReport) -> list[Block]:
    timeline, by_severity = report["timeline"], report["summary"]["by_severity"]
    series = {sev: list(timeline["by_severity"].get(sev, [])) for sev in SEVERITIES}
    total = sum(by_severity.get(sev, 0) for sev in SEVERITIES)
    rows: list[list[Cell]] = [
        [sev, by_severity.get(sev, 0), _share(by_severity.get(sev, 0), total)] for sev in SEVERITIES
    ]
    return [
        _timeline("Incidents per severity per day", timeline["days"], series, svg.SEVERITY_COLOURS),
        Heading("Totals"),
        Table(("Severity", "Incidents", "Share"), [*rows, ["total", total, _share(total, total)]]),
    ]


def _breakdown(
    days: Sequence[str],
    totals: Mapping[str, int],
    series: Mapping[str, Sequence[int]],
    noun: str,
    names: Mapping[str, str],
) -> list[Block]:
    """The by_type or by_group section: totals as horizontal bars, then per day, then a table."""
    if not totals:
        return [_text(NO_INCIDENTS)]
    # A name without incidents would only add an empty column and a legend entry.
    per_day = {name: values for name, values in series.items() if any(values)}
    colours = svg.cycle_colours([*totals, *per_day])  # the same colour for a name in both charts
    rows: list[list[Cell]] = [[(name, names[name]) if name in names else name, n] for name, n in totals.items()]
    return [
        Chart(svg.horizontal_bars(f"Incidents per {noun}", totals, colours)),
        Heading("Per day"),
        _timeline(f"Incidents per {noun} per day", days, per_day, colours),
        Heading("Totals"),
        Table((noun.capitalize(), "Incidents"), rows),
    ]


def _types(report: EvidenceReport) -> list[Block]:
    names = {str(row["type"]): str(row["name"]) for row in report["side_by_side"]}
    timeline = report["timeline"]
    return _breakdown(timeline["days"], report["by_type"], timeline["by_type"], "violation type", names)


def _groups(report: EvidenceReport) -> list[Block]:
    timeline = report["timeline"]
    return _breakdown(timeline["days"], report["by_group"], timeline["by_group"], "group", {})


def _change_row(change: PolicyChange) -> list[Cell]:
    kind: Cell = Mark("REJECTED", "bad") if change["kind"] == "rejected" else change["kind"]
    loosened: Cell = Mark(f"LOOSENED: {change['loosened']}", "warn") if change["loosened"] else 0
    versions = [_or_dash(change["old_version"]), _or_dash(change["new_version"])]
    rest: list[Cell] = [change["tightened"], change["problems"], change["severity"], change["incident_id"]]
    return [change["at"], kind, *versions, loosened, *rest]


def _policy(report: EvidenceReport) -> list[Block]:
    policy, changes = report["policy"], report["policy"]["changes"]
    in_force: list[list[Cell]] = [
        [_or_dash(p["policy_id"]), p["version"], p["first_seen"], p["last_seen"], p["incidents"]]
        for p in policy["in_force"]
    ]
    rejected = sum(1 for c in changes if c["kind"] == "rejected")
    loosened = sum(1 for c in changes if c["loosened"])
    flags = Para(
        (
            Mark(f"{rejected} rejected reload(s)", "bad") if rejected else "No rejected reload",
            "; ",
            Mark(f"{loosened} change(s) loosened the policy", "warn") if loosened else "no change loosened the policy",
            ".",
        )
    )
    headers = ("At", "Outcome", "From version", "To version", "Loosened", "Tightened", "Problems", "Severity")
    return [
        Heading("Versions in force"),
        _table(("Policy", "Version", "First seen", "Last seen", "Incidents"), in_force, "No policy version was seen."),
        Heading("Changes and reloads"),
        flags,
        _table((*headers, "Incident"), [_change_row(c) for c in changes], "No policy change or reload in this period."),
    ]


def _run_row(run: RetentionRun) -> list[Cell]:
    mode = "dry run" if run["dry_run"] else "applied"
    return [run["at"], _or_dash(run["policy_version"]), mode, run["deleted"], run["held"], _counts(run["by_level"])]


def _retention(report: EvidenceReport) -> list[Block]:
    retention, failures = report["retention"], report["retention"]["failures"]
    runs = [_run_row(run) for run in retention["runs"]]
    totals: list[list[Cell]] = [
        ["Deleted (runs that were not dry runs)", retention["deleted"]],
        ["Held (runs that were not dry runs)", retention["held"]],
        ["Logging or retention failures", Mark(f"FAILURES: {failures}", "bad") if failures else 0],
    ]
    return [
        Heading("Runs"),
        _table(
            ("At", "Policy version", "Mode", "Deleted", "Held", "By level"), runs, "No retention run in this period."
        ),
        Heading("Totals"),
        Table(("Item", "Value"), totals),
    ]


def _chain(report: EvidenceReport) -> list[Block]:
    chain = report["chain"]
    problems: list[list[Cell]] = [[problem] for problem in chain["problems"]]
    verdict = Mark("INTACT", "ok") if chain["ok"] else Mark("TAMPERED", "bad")
    counts = f". {chain['events']} events and {chain['incidents']} incidents checked, {len(problems)} problem(s) found."
    blocks: list[Block] = [Para(("Verdict: ", verdict, counts))]
    return [*blocks, Table(("Problem",), problems)] if problems else blocks


def _sample(sample: Sample) -> list[Block]:
    facts: list[list[Cell]] = [
        ["Type", sample["type"]],
        ["Severity", sample["severity"]],
        ["Severity reasons", _lines(sample["severity_reasons"])],
        ["Status", sample["status"]],
        ["Opened", sample["opened"]],
        ["Last seen", sample["last_seen"]],
        ["Findings", sample["count"]],
        ["Occurrences", sample["occurrences"]],
        ["Actor", sample["actor"]],
        ["Groups", ", ".join(map(str, sample["groups"])) or "(none)"],
        ["Destination", sample["destination"]],
        ["Entity types", _counts(sample["entity_types"])],
        ["Policy version", _or_dash(sample["policy_version"])],
    ]
    if sample["finding_sources"]:  # where each type was found: "INJECTION_INDIRECT in tool/tool_result"
        where = [f"{name} in {', '.join(parts)}" for name, parts in sample["finding_sources"].items()]
        facts.insert(-1, ["Found in", "; ".join(where)])
    refs: list[list[Cell]] = [
        [_framework(c["framework"]), f"{c['id']} {c['title']}", _citation(c)] for c in sample["controls"]
    ]
    steps: list[list[Cell]] = [[w["status"], w["by"], w["at"], w["note"]] for w in sample["workflow"]]
    excerpt = sample["excerpt"]
    return [
        Heading(f"Incident {sample['id']}"),
        Table(("Field", "Value"), facts),
        Heading("Controls", 4),
        _table(("Framework", "Control", "Cited"), refs, "No control mapped."),
        Heading("Redacted excerpt", 4),
        Code(str(excerpt)) if excerpt is not None else _text("No excerpt recorded."),
        Heading("Workflow", 4),
        _table(("Status", "By", "At", "Note"), steps, "No workflow step yet."),
    ]


def _samples(report: EvidenceReport) -> list[Block]:
    samples = report["samples"]
    blocks: list[Block] = [_text(f"{len(samples)} incident(s), the most severe first, then the newest.")]
    for sample in samples:
        blocks += _sample(sample)
    return blocks if samples else [_text(NO_INCIDENTS)]


SECTIONS: tuple[tuple[str, str, Callable[[EvidenceReport], list[Block]]], ...] = (
    ("summary", "Summary", _summary),
    ("controls", "Incidents per control", _controls),
    ("severity", "Incidents per severity", _severity),
    ("types", "Incidents per violation type", _types),
    ("groups", "Incidents per group", _groups),
    ("policy", "Policy versions and changes", _policy),
    ("retention", "Retention", _retention),
    ("usage", "Usage and spend", usage_blocks),
    ("inventory", "AI tool inventory", inventory_blocks),
    ("assurance", "Controls tested", controls_blocks),
    ("chain", "Hash-chain verification", _chain),
    ("samples", "Sample incidents", _samples),
)


def sections(report: EvidenceReport) -> list[tuple[str, str, list[Block]]]:
    return [(section_id, heading, build(report)) for section_id, heading, build in SECTIONS]
