"""The evidence report's HTML and Markdown renderings, from a month of sample report data."""

from __future__ import annotations

import copy
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest

from gateway.report.render import render_html, render_markdown

SECTION_IDS = ["summary", "controls", "severity", "types", "groups", "policy", "retention", "chain", "samples"]
SEVERITIES = ("info", "low", "medium", "high", "critical")
DAYS = [(date(2026, 10, 1) + timedelta(days=i)).isoformat() for i in range(31)]
EVIL = "<script>alert(1)</script>"


def per_day(pattern: dict[int, int]) -> list[int]:
    return [pattern.get(i, 0) for i in range(len(DAYS))]


def ref(control_id: str, title: str, condition: str | None = None) -> dict[str, Any]:
    return {"id": control_id, "title": title, "primary": condition is None, "condition": condition}


def sample(incident_id: str, severity: str, actor: str, excerpt: str | None) -> dict[str, Any]:
    return {
        "id": incident_id, "type": "PII_IN_PROMPT", "severity": severity,
        "severity_reasons": ["default", "let through"], "status": "acknowledged",
        "opened": "2026-10-03T09:12:00+00:00", "last_seen": "2026-10-03T09:40:00+00:00",
        "count": 4, "occurrences": 2, "actor": actor, "groups": ["engineering"], "destination": "openai / gpt-4o-mini",
        "entity_types": {"EMAIL_ADDRESS": 3, "PHONE_NUMBER": 1}, "excerpt": excerpt, "policy_version": "3+ab12",
        "controls": [
            {"framework": "iso27001_2022", **ref("A.5.34", "Privacy and protection of PII")},
            {"framework": "gdpr", **ref("Art.32", "Security of processing", "data left the company")},
        ],
        "workflow": [{"status": "acknowledged", "by": "sec-lead", "at": "2026-10-03T10:00:00+00:00", "note": "on it"}],
    }  # fmt: skip


@pytest.fixture
def report() -> dict[str, Any]:
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
        {"type": "PII_IN_PROMPT", "name": "PII sent in a prompt", "incidents": 10,
         "iso27001_2022": [ref("A.5.34", "Privacy and protection of PII"), ref("A.8.12", "Data leakage prevention")],
         "iso42001_2023": [ref("A.7.4", "Quality of data for AI systems", "training data")]},
        {"type": "SECRET_OR_CREDENTIAL_IN_PROMPT", "name": "Secret in a prompt", "incidents": 5,
         "iso27001_2022": [ref("A.5.17", "Authentication information")], "iso42001_2023": []},
        {"type": "PROMPT_INJECTION_ATTEMPT", "name": "Prompt injection | jailbreak", "incidents": 2,
         "iso27001_2022": [ref("A.8.7", "Protection against malware")],
         "iso42001_2023": [ref("A.6.2.6", "AI system operation and monitoring")]},
        {"type": "UNAUTHENTICATED_ACCESS", "name": "Unauthenticated access", "incidents": 0,
         "iso27001_2022": [ref("A.8.5", "Secure authentication")], "iso42001_2023": []},
    ]  # fmt: skip
    controls = [
        {"framework": "gdpr", "id": "Art.32", "title": "Security of processing", "incidents": 10, "primary": 0,
         "conditional": 10, "by_severity": {"low": 7, "medium": 3, "high": 0, "critical": 0},
         "types": ["PII_IN_PROMPT"]},
        {"framework": "iso27001_2022", "id": "A.5.34", "title": "Privacy and protection of PII", "incidents": 10,
         "primary": 10, "conditional": 0, "by_severity": {"low": 7, "medium": 3, "high": 0, "critical": 0},
         "types": ["PII_IN_PROMPT"]},
        {"framework": "iso42001_2023", "id": "A.6.2.6", "title": "AI system operation and monitoring", "incidents": 2,
         "primary": 2, "conditional": 0, "by_severity": {"low": 0, "medium": 2, "high": 0, "critical": 0},
         "types": ["PROMPT_INJECTION_ATTEMPT"]},
    ]  # fmt: skip
    return {
        "report": {
            "title": "AI gateway evidence report", "generated_at": "2026-11-01T06:00:00+00:00",
            "since": "2026-10-01T00:00:00+00:00", "until": "2026-11-01T00:00:00+00:00",
            "catalogue_version": "2026-11-22", "policies": ["corp-ai-policy"],
        },
        "summary": {
            "incidents": 17, "occurrences": 29,
            "by_status": {"open": 4, "acknowledged": 3, "resolved": 9, "false_positive": 1},
            "by_severity": {sev: sum(counts) for sev, counts in by_severity.items()},
            "median_hours_to_acknowledge": 1.5, "median_hours_to_close": None,
        },
        "controls": controls,
        "side_by_side": side_by_side,
        "by_type": {"PII_IN_PROMPT": 10, "SECRET_OR_CREDENTIAL_IN_PROMPT": 5, "PROMPT_INJECTION_ATTEMPT": 2},
        "by_group": {"engineering": 10, "sales": 5, "(none)": 2},
        "timeline": {"days": DAYS, "by_severity": by_severity, "by_type": by_type, "by_group": by_group},
        "policy": {
            "in_force": [
                {"policy_id": "corp-ai-policy", "version": "2+9f00", "first_seen": "2026-10-01T00:00:00+00:00",
                 "last_seen": "2026-10-14T23:59:00+00:00", "incidents": 8},
                {"policy_id": "corp-ai-policy", "version": "3+ab12", "first_seen": "2026-10-15T08:00:00+00:00",
                 "last_seen": "2026-10-31T23:59:00+00:00", "incidents": 9},
            ],
            "changes": [
                {"at": "2026-10-15T08:00:00+00:00", "kind": "applied", "old_version": "2+9f00", "new_version": "3+ab12",
                 "loosened": 2, "tightened": 1, "problems": 0, "severity": "high", "incident_id": "inc_policy_1"},
                {"at": "2026-10-20T12:00:00+00:00", "kind": "rejected", "old_version": "3+ab12", "new_version": None,
                 "loosened": 0, "tightened": 0, "problems": 3, "severity": "medium", "incident_id": "inc_policy_2"},
            ],
        },
        "retention": {
            "runs": [
                {"at": "2026-10-10T03:00:00+00:00", "policy_version": "2+9f00", "dry_run": True, "deleted": 120,
                 "held": 4, "by_level": {"metadata": 100, "full": 20}},
                {"at": "2026-10-24T03:00:00+00:00", "policy_version": "3+ab12", "dry_run": False, "deleted": 345,
                 "held": 6, "by_level": {"metadata": 300, "full": 45}},
            ],
            "deleted": 345, "held": 6, "failures": 0,
        },
        "chain": {"ok": True, "events": 5120, "incidents": 17, "problems": []},
        "samples": [
            sample("inc_0001", "critical", "mallory@example.com", "key ```\n```\n<b>AKIA[REDACTED]</b> | pipe"),
            sample("inc_0002", "high", "alice@example.com", None),
        ],
    }  # fmt: skip


@pytest.fixture
def tampered(report: dict[str, Any]) -> dict[str, Any]:
    broken = copy.deepcopy(report)
    broken["chain"] = {
        "ok": False, "events": 5120, "incidents": 17,
        "problems": ["event 811: hash does not match its content", "incident inc_0007: missing from the chain"],
    }  # fmt: skip
    return broken


@pytest.fixture
def empty(report: dict[str, Any]) -> dict[str, Any]:
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
    return quiet


class Outline(HTMLParser):
    """Section ids in document order, and every end tag checked against the element it closes."""

    VOID = frozenset({"meta", "br", "link", "img", "hr", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.open: list[str] = []
        self.mismatched: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.sections.append(dict(attrs).get("id") or "")
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.mismatched.append(tag)


def section(page: str, section_id: str) -> str:
    found = re.search(rf'<section id="{section_id}">(.*?)</section>', page, re.S)
    assert found, section_id
    return found.group(1)


def svgs(html_text: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html_text, re.S)


def bars(chart: str) -> int:
    return chart.count('<rect class="bar"')


def table_rows(html_text: str) -> list[list[str]]:
    """Each <tr>'s cells as text (tags stripped), to check that numbers sit in the right row."""
    rows = re.findall(r"<tr>(.*?)</tr>", html_text, re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)] for row in rows
    ]


def nonzero_cells(series: dict[str, list[int]]) -> int:
    return sum(1 for values in series.values() for value in values if value > 0)


def test_html_is_well_formed_with_the_sections_in_order(report: dict[str, Any]) -> None:
    page = render_html(report)
    outline = Outline()
    outline.feed(page)
    outline.close()
    assert page.startswith("<!DOCTYPE html>")
    assert outline.sections == SECTION_IDS
    assert outline.mismatched == []
    assert outline.open == []
    for section_id in SECTION_IDS:
        assert re.search(rf'<section id="{section_id}">\s*<h2>', page)
    charts = svgs(page)
    assert len(charts) == 5  # severity per day; per type and per group: totals and per day
    assert all(re.match(r'<svg [^>]*role="img"[^>]*><title>[^<]+</title>', chart) for chart in charts)


def test_html_is_self_contained(report: dict[str, Any]) -> None:
    page = render_html(report)
    assert "<script" not in page.lower()
    for external in ("<link", "src=", "@import", "url(", 'href="http'):
        assert external not in page
    # The only URL is the SVG namespace, which is a name and never fetched.
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) == {"http://www.w3.org/2000/svg"}


def test_summary_lists_totals_and_medians(report: dict[str, Any]) -> None:
    rows = table_rows(section(render_html(report), "summary"))
    assert ["Incidents", "17"] in rows
    assert ["Occurrences (violations folded into incidents)", "29"] in rows
    assert ["Median hours to acknowledge", "1.5"] in rows
    assert ["Median hours to close (resolved or false positive)", "n/a"] in rows
    assert ["resolved", "9"] in rows
    assert ["low", "7"] in rows
    assert ["critical", "1"] in rows
    assert ["Control catalogue version", "2026-11-22"] in rows


def test_controls_side_by_side_and_per_framework(report: dict[str, Any]) -> None:
    part = section(render_html(report), "controls")
    rows = table_rows(part)
    assert [
        "PII sent in a prompt" + "PII_IN_PROMPT",
        "10",
        "A.5.34 Privacy and protection of PII" + "A.8.12 Data leakage prevention",
        "A.7.4 Quality of data for AI systems (conditional: training data)",
    ] in rows
    assert ["Secret in a promptSECRET_OR_CREDENTIAL_IN_PROMPT", "5", "A.5.17 Authentication information", "-"] in rows
    assert ["Unauthenticated accessUNAUTHENTICATED_ACCESS", "0", "A.8.5 Secure authentication", "-"] in rows
    per_framework = [row[:6] for row in rows if len(row) == 8]
    # ISO 27001 first, then ISO 42001, then the other frameworks; the header row comes first.
    assert per_framework[1:] == [
        ["ISO/IEC 27001:2022", "A.5.34", "Privacy and protection of PII", "10", "10", "0"],
        ["ISO/IEC 42001:2023", "A.6.2.6", "AI system operation and monitoring", "2", "2", "0"],
        ["GDPR", "Art.32", "Security of processing", "10", "0", "10"],
    ]
    assert ["GDPR", "Art.32", "Security of processing", "10", "0", "10", "low 7, medium 3", "PII_IN_PROMPT"] in rows


def test_severity_chart_stacks_one_bar_per_severity_and_day(report: dict[str, Any]) -> None:
    part = section(render_html(report), "severity")
    (chart,) = svgs(part)
    assert 'role="img"' in chart
    assert "<title>Incidents per severity per day</title>" in chart
    assert bars(chart) == nonzero_cells(report["timeline"]["by_severity"])
    assert ">4</text>" in chart  # the y axis's maximum: the busiest day had 4 incidents
    assert 'fill="#d62728"' in chart  # critical is red
    day_labels = re.findall(r">(\d\d-\d\d)</text>", chart)
    assert day_labels[0] == "10-01"
    assert 5 <= len(day_labels) < len(DAYS)  # thinned to fit under 31 bars
    for name in SEVERITIES:  # the legend
        assert f">{name}</text>" in chart
    rows = table_rows(part)
    assert ["high", "3", "18%"] in rows
    assert ["total", "17", "100%"] in rows


def test_types_and_groups_have_a_bar_per_entry_and_a_day_chart(report: dict[str, Any]) -> None:
    page = render_html(report)
    for section_id, key in (("types", "type"), ("groups", "group")):
        totals, day_chart = svgs(section(page, section_id))
        assert bars(totals) == len(report[f"by_{key}"])
        assert bars(day_chart) == nonzero_cells(report["timeline"][f"by_{key}"])
        assert all('role="img"' in chart and "<title>" in chart for chart in (totals, day_chart))
    rows = table_rows(section(page, "types"))
    assert ["SECRET_OR_CREDENTIAL_IN_PROMPTSecret in a prompt", "5"] in rows
    assert ["(none)", "2"] in table_rows(section(page, "groups"))


def test_policy_flags_loosened_changes_and_rejected_reloads(report: dict[str, Any]) -> None:
    part = section(render_html(report), "policy")
    rows = table_rows(part)
    assert ["corp-ai-policy", "2+9f00", "2026-10-01T00:00:00+00:00", "2026-10-14T23:59:00+00:00", "8"] in rows
    assert '<strong class="flag bad">REJECTED</strong>' in part
    assert '<strong class="flag warn">LOOSENED: 2</strong>' in part
    assert ["2026-10-20T12:00:00+00:00", "REJECTED", "3+ab12", "-", "0", "0", "3", "medium", "inc_policy_2"] in rows
    assert "1 rejected reload(s)" in part
    assert "1 change(s) loosened the policy" in part


def test_retention_runs_and_totals(report: dict[str, Any]) -> None:
    rows = table_rows(section(render_html(report), "retention"))
    assert ["2026-10-10T03:00:00+00:00", "2+9f00", "dry run", "120", "4", "metadata 100, full 20"] in rows
    assert ["2026-10-24T03:00:00+00:00", "3+ab12", "applied", "345", "6", "metadata 300, full 45"] in rows
    assert ["Deleted (runs that were not dry runs)", "345"] in rows
    assert ["Logging or retention failures", "0"] in rows


def test_chain_verdict(report: dict[str, Any], tampered: dict[str, Any]) -> None:
    intact = section(render_html(report), "chain")
    assert '<strong class="flag ok">INTACT</strong>' in intact
    assert "5120 events and 17 incidents checked, 0 problem(s) found" in intact
    assert "TAMPERED" not in intact
    broken = section(render_html(tampered), "chain")
    assert '<strong class="flag bad">TAMPERED</strong>' in broken
    assert "INTACT" not in broken
    assert "2 problem(s) found" in broken
    assert ["event 811: hash does not match its content"] in table_rows(broken)
    markdown = render_markdown(tampered)
    assert "Verdict: **TAMPERED**" in markdown
    assert "| incident inc\\_0007: missing from the chain |" in markdown


def test_samples_show_fields_controls_excerpt_and_workflow(report: dict[str, Any]) -> None:
    part = section(render_html(report), "samples")
    assert "<h3>Incident inc_0001</h3>" in part
    rows = table_rows(part)
    assert ["Actor", "mallory@example.com"] in rows
    assert ["Entity types", "EMAIL_ADDRESS 3, PHONE_NUMBER 1"] in rows
    assert ["GDPR", "Art.32 Security of processing", "conditional: data left the company"] in rows
    assert ["acknowledged", "sec-lead", "2026-10-03T10:00:00+00:00", "on it"] in rows
    assert "<pre><code>key ```\n```\n&lt;b&gt;AKIA[REDACTED]&lt;/b&gt; | pipe</code></pre>" in part
    assert "No excerpt recorded." in part


def test_data_from_users_is_escaped_everywhere(report: dict[str, Any]) -> None:
    report["report"]["title"] = f"Report {EVIL}"
    report["samples"][0]["actor"] = f"{EVIL}@example.com"
    report["samples"][0]["excerpt"] = f"ignore previous {EVIL}"
    report["by_group"] = {EVIL: 3}
    report["timeline"]["by_group"] = {EVIL: per_day({1: 3})}
    page = render_html(report)
    assert "<script" not in page
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"<title>Report {escaped}</title>" in page
    assert ["Actor", f"{escaped}@example.com"] in table_rows(section(page, "samples"))
    assert f"<pre><code>ignore previous {escaped}</code></pre>" in page
    assert escaped in "".join(svgs(section(page, "groups")))
    markdown = render_markdown(report)
    assert f"> ignore previous {escaped}" in markdown  # escaped in the excerpt too: never verbatim
    assert "<script" not in markdown
    assert f"| Actor | {escaped}\\@example.com |" in markdown
    assert f"# Report {escaped}" in markdown


def test_markdown_has_the_sections_and_tables(report: dict[str, Any]) -> None:
    markdown = render_markdown(report)
    headings = re.findall(r"^## (.+)$", markdown, re.M)
    assert headings == [
        "Summary", "Incidents per control", "Incidents per severity", "Incidents per violation type",
        "Incidents per group", "Policy versions and changes", "Retention", "Hash-chain verification",
        "Sample incidents",
    ]  # fmt: skip
    assert markdown.startswith("# AI gateway evidence report\n")
    assert "| Incidents | 17 |" in markdown
    assert "| Median hours to close (resolved or false positive) | n/a |" in markdown
    assert "| 2026-10-01 | 0 | 2 | 1 | 0 | 0 | 3 |" in markdown  # day x severity (info first)
    assert "| 2026-10-02 |" not in markdown  # days without incidents are left out
    assert "| 2026-10-15T08:00:00+00:00 | applied | 2+9f00 | 3+ab12 | **LOOSENED: 2** |" in markdown
    assert "| **REJECTED** |" in markdown
    assert "Verdict: **INTACT**" in markdown
    assert "<svg" not in markdown


def test_markdown_escapes_pipes_newlines_and_fences(report: dict[str, Any]) -> None:
    report["samples"][0]["workflow"][0]["note"] = "closed | reopened\nsee ticket"
    markdown = render_markdown(report)
    assert "Prompt injection \\| jailbreak" in markdown
    assert "| closed \\| reopened<br>see ticket |" in markdown
    # Every table row keeps its column count: no cell's "|" or newline split it.
    for block in re.split(r"\n\n", markdown):
        lines = block.splitlines()
        if lines and lines[0].startswith("|"):
            widths = {len(re.findall(r"(?<!\\)\|", line)) for line in lines}
            assert len(widths) == 1, block
    # The excerpt holds ``` twice and a newline: escaped, on one quoted line.
    assert "> key \\`\\`\\`<br>\\`\\`\\`<br>&lt;b&gt;AKIA\\[REDACTED\\]&lt;/b&gt; \\| pipe\n" in markdown


def test_empty_period_renders_without_charts(empty: dict[str, Any]) -> None:
    page = render_html(empty)
    outline = Outline()
    outline.feed(page)
    assert outline.sections == SECTION_IDS
    assert outline.mismatched == []
    assert svgs(page) == []
    for section_id in ("summary", "severity", "types", "groups", "samples"):
        assert "No incidents in this period." in section(page, section_id)
    assert "No retention run in this period." in page
    assert "No policy change or reload in this period." in page
    assert ["total", "0", "-"] in table_rows(section(page, "severity"))  # no division by zero for the shares
    markdown = render_markdown(empty)
    assert markdown.count("No incidents in this period.") == 5
    assert "Verdict: **INTACT**" in markdown


def test_no_days_at_all_still_renders(empty: dict[str, Any]) -> None:
    empty["timeline"] = {"days": [], "by_severity": {sev: [] for sev in SEVERITIES}, "by_type": {}, "by_group": {}}
    assert "No incidents in this period." in section(render_html(empty), "severity")
    assert "## Incidents per severity" in render_markdown(empty)


def test_markdown_excerpts_and_data_cannot_inject_markup_or_links(report: dict[str, Any]) -> None:
    from markdown_it import MarkdownIt  # spaCy's dependency (through rich): a CommonMark renderer to check with

    hostile = "<script>alert(1)</script> [x](http://evil.example) ![i](x) <http://evil.example> www.evil.example **b**"
    report["samples"][0]["excerpt"] = f"- {hostile}"
    report["samples"][0]["actor"] = f"# {hostile}"
    report["samples"][0]["workflow"][0]["note"] = f"1. {hostile} `code` _em_ ~~del~~"
    markdown = render_markdown(report)
    rendered = MarkdownIt("commonmark").enable("table").render(markdown)
    for markup in ("<script", "<a ", "<img", "<strong>b", "<code>code", "<em>em", "<ul", "<ol", "<h1>-"):
        assert markup not in rendered.replace("<h1>AI gateway", ""), markup
    assert rendered.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3  # shown as text, each time
    assert "[x](http://evil.example)" in rendered  # as text: a reader sees what was there
    # Neither raw HTML nor a link in the Markdown itself, for viewers that render more than CommonMark:
    # GitHub links bare URLs and "www." names (extended autolinks), which an escaped ":" or "." defeats.
    assert "<script" not in markdown
    assert "](" not in markdown.replace("\\](", "")
    assert not re.search(r"(?<!\\)://|(?<![\\\w])www\.", markdown)
    assert "> \\- &lt;script&gt;alert(1)&lt;/script&gt; \\[x\\](http\\://evil.example)" in markdown
