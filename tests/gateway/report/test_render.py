"""The evidence report's HTML and Markdown renderings, from a month of sample report data."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from gateway.report.model import EvidenceReport
from gateway.report.render import render_html, render_markdown
from tests.gateway.report.month_report import (
    DAYS,
    SECTION_IDS,
    SEVERITIES,
    empty_report,
    month_report,
    per_day,
    tampered_report,
)
from tests.gateway.report.shape import shape_problems

EVIL = "<script>alert(1)</script>"


@pytest.fixture
def report() -> dict[str, Any]:
    """A month with every severity, four types, three groups, two policy versions and two retention runs."""
    return month_report()


@pytest.fixture
def tampered(report: dict[str, Any]) -> dict[str, Any]:
    return tampered_report(report)


@pytest.fixture
def empty(report: dict[str, Any]) -> dict[str, Any]:
    return empty_report(report)


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


def test_the_sample_data_has_the_gatherers_shape(report: dict[str, Any], empty: dict[str, Any]) -> None:
    """The renderers are tested on data shaped like ``gather``'s (test_report checks gather against the model)."""
    assert shape_problems(report, EvidenceReport) == []
    assert shape_problems(empty, EvidenceReport) == []
    del report["samples"][0]["finding_sources"]
    report["chain"]["events"] = "5120"
    assert shape_problems(report, EvidenceReport) == [
        "report.chain.events: not an integer",
        "report.samples[0]: missing finding_sources",
    ]


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


def test_usage_per_group_and_model_with_unpriced_flagged(report: dict[str, Any]) -> None:
    part = section(render_html(report), "usage")
    rows = table_rows(part)
    assert ["engineering", "1200", "240000", "36000", "301.50 USD", "0"] in rows
    assert ["ollama/local-llama", "150", "30000", "4000", "-", "150"] in rows  # flagged: no price
    assert ["anthropic/claude-opus-9", "50", "20000", "2000", "60.00 EUR", "0"] in rows
    assert "1,400 requests, 292,000 tokens, cost 60.00 EUR; 301.50 USD." in part
    assert "\n## Usage and spend\n" in render_markdown(report)


def test_inventory_shows_each_entry_flags_the_lapsed_and_lists_shadow_demand(report: dict[str, Any]) -> None:
    part = section(render_html(report), "inventory")
    rows = table_rows(part)
    assert [
        "claude",
        "anthropic/*",
        "Anthropic",
        "cloud",
        "approved",
        "2026-10-15",
        "review_lapsed",
        "legal@example.com",
        "50",
        "50",
        "7",
        "-",
        "SUPPLIER_REVIEW_LAPSED: 2",
    ] in rows
    assert 'class="flag bad">review_lapsed<' in part  # the lapsed entry is flagged
    assert ["deepseek/deepseek-r2", "14", "3", "sales"] in rows
    assert "Used but not in the register: ollama" in part
    [change] = [row for row in rows if row[0] == "2026-10-16T09:00:00+00:00"]
    assert change[1] == "3+ab12"
    assert "tool_register.claude.status: approved -&gt; suspended" in change[2]  # escaped in HTML
    assert "\n## AI tool inventory\n" in render_markdown(report)


def test_controls_tested_per_control_with_failure_windows(report: dict[str, Any]) -> None:
    part = section(render_html(report), "assurance")
    rows = table_rows(part)
    card = ["card_redacted", "gw-1", "720", "716", "4", "0", "2026-10-16T09:00:00+00:00", "2026-10-30T23:00:00+00:00"]
    assert [*card, "2+9f003+ab12"] in rows  # one policy version per line
    assert ["unapproved_model", "gw-1", "720", "720", "0", "0", "-", "-", "2+9f003+ab12"] in rows
    assert ["revoked_key", "gw-1", "3", "0", "0", "3 (never tested)", "-", "-", "3+ab12"] in rows
    assert 'class="flag warn">3 (never tested)<' in part
    assert 'class="flag bad">4<' in part  # failures flagged
    header = ["Control", "Machine", "From", "Until it passed again", "Failed runs"]
    windows = rows[rows.index(header) + 1 : rows.index(header) + 4]
    assert windows == [
        ["card_redacted", "gw-1", "2026-10-16T09:00:00+00:00", "2026-10-16T11:00:00+00:00", "2"],
        ["card_redacted", "gw-1", "2026-10-30T22:00:00+00:00", "still failing", "2"],
        [
            "credential_blocked",
            "gw-1",
            "before the period (a run at 2026-09-30T23:00:00+00:00 failed it)",
            "2026-10-01T01:00:00+00:00",
            "1",
        ],
    ]
    assert 'class="flag bad">still failing<' in part
    assert "720 assurance run(s) (command 3, schedule 717) from 2026-10-01T00:00:00+00:00" in part
    assert "The 70 incident(s) the probes raised (planted values, resolved at once)" in part
    assert '<strong class="flag ok">INTACT</strong>. 9000 runs checked, 0 problem(s) found.' in part
    markdown = render_markdown(report)
    assert "\n## Controls tested\n" in markdown
    assert "| card\\_redacted | gw-1 | 2026-10-30T22:00:00+00:00 | **still failing** | 2 |" in markdown


def test_controls_tested_shows_coverage_gaps_command_failures_and_a_cut(report: dict[str, Any]) -> None:
    part = section(render_html(report), "assurance")
    rows = table_rows(part)
    gap = "3h (2026-10-12T04:00:00+00:00 to 2026-10-12T07:00:00+00:00): over twice the typical interval"
    assert ["gw-1", "717", "1h", gap, "30m"] in rows
    assert f'class="flag bad">{gap}<' in part
    assert [
        "2026-10-20T10:00:00+00:00",
        "staging-1",
        "4+cand",
        "card_redactedssn_protected",
        "asr_0123456789abcdef",
    ] in rows
    assert "3 run(s) of aigw assure (origin command, possibly against a candidate policy on staging): 1 failed" in part
    assert "only the newest" not in part
    report["controls_tested"]["runs_on_record"] = 150_000
    report["controls_tested"]["coverage"][0] |= {"stale": True, "since_last_run_s": 90_000.0}
    part = section(render_html(report), "assurance")
    assert "The period holds 150,000 runs: only the newest 720 were read" in part
    assert 'class="flag bad">no scheduled run in the last 1d 1h<' in part


def test_controls_tested_shows_a_tampered_assurance_chain(report: dict[str, Any]) -> None:
    report["controls_tested"]["chain"] = {"ok": False, "runs": 9000, "problems": ["run 12: missing"]}
    part = section(render_html(report), "assurance")
    assert '<strong class="flag bad">TAMPERED</strong>. 9000 runs checked, 1 problem(s) found.' in part
    assert ["run 12: missing"] in table_rows(part)


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
    # Where each type was found, for the incident that has sources; none for the one without.
    assert ["Found in", "EMAIL_ADDRESS in user/text, tool/tool_result"] in rows
    assert sum(1 for row in rows if row[0] == "Found in") == 1


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
        "Summary",
        "Incidents per control",
        "Incidents per severity",
        "Incidents per violation type",
        "Incidents per group",
        "Policy versions and changes",
        "Retention",
        "Usage and spend",
        "AI tool inventory",
        "Controls tested",
        "Hash-chain verification",
        "Sample incidents",
    ]
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
    # No assurance run on record is a finding, flagged, not an empty table.
    assert '<p><strong class="flag bad">No control was tested in this period: no assurance run is on record.' in page
    assert "Failure windows" not in section(page, "assurance")
    assert "**No control was tested in this period: no assurance run is on record.**" in markdown


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
