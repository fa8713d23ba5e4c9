"""The monitoring configuration in deploy/: Prometheus config, alert rules and the Grafana dashboard.

promtool checks the config and the rules and runs the rules' unit tests (alerts_test.yml).
The dashboard and the rules may only use metric names the gateway really exports, read from
a live ``GatewayMetrics`` registry, so a renamed metric breaks this test rather than a panel.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway.compliance.catalog import load_compliance
from gateway.metrics import GatewayMetrics

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = ROOT / "deploy" / "prometheus"
GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "aigw.json"
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
INSTALL_HINT = "promtool is not on PATH: install it with `apt-get install -y prometheus` (Debian/Ubuntu)"

# Exposition names of each metric type: a counter family "x" is scraped as x_total, a
# histogram "x" as x_bucket, x_sum and x_count. (_created samples are exported too, and come
# from the registry's samples below.)
SUFFIXES = {
    "counter": ("_total",),
    "gauge": ("",),
    "histogram": ("_bucket", "_sum", "_count"),
    "summary": ("", "_sum", "_count"),
    "info": ("_info",),
}
NOT_METRICS = {
    "and",
    "or",
    "unless",
    "bool",
    "offset",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "inf",
    "nan",
    "start",
    "end",
}
SEVERITIES = {"critical", "warning", "info"}
ANNOTATIONS = ("summary", "description", "runbook")

# Panels SecOps and the on-call look for, by area of the dashboard.
REQUIRED_PANELS = {
    "traffic": ["Requests/s by provider", "Requests/s by endpoint"],
    "decisions": ["Decisions/s (allow, deny, monitor_deny)", "Blocked share (deny or 403)"],
    "violations and incidents": [
        "Violations/s by type",
        "Violations/s by severity",
        "Incidents opened by type",
        "Incidents opened by severity",
        "Incidents by type and severity (range)",
        "Violation types and their ISO 27001 / ISO 42001 controls",
    ],
    "detections": ["Top entity types detected (range)", "Detections/s by data class and mode"],
    "latency": [
        "Request duration p50 / p95 / p99",
        "Upstream duration p95 by provider",
        "Gateway overhead p95 vs 50 ms budget",
        "Time to first token p50 / p95 (streams)",
        "Detection duration p50 / p95 by direction, p95 by detector",
    ],
    "store health": [
        "Prompt log queue depth",
        "Prompt log write latency p95",
        "Prompt log failures and refused requests",
        "Incident queue depth and dropped incidents",
        "Incident chain intact",
        "SIEM deliveries and failures/s by sink",
        "SIEM dead letters by sink and cause",
    ],
    "policy": ["Policy in force", "Policy reloads by result"],
    "usage and limits": [
        "Limit hits/s by group and limit",
        "Spend per hour by group and model",
        "Budget used by group and limit",
        "Limit store failures by mode",
    ],
}


# ---------------------------------------------------------------------------- helpers


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{INSTALL_HINT}; it is required when CI is set.")
        pytest.skip(INSTALL_HINT)
    return path


@cache
def exported_metric_names() -> frozenset[str]:
    """Every name the gateway's /metrics can carry, from a real registry."""
    names: set[str] = set()
    for family in GatewayMetrics().registry.collect():
        if family.type not in SUFFIXES:
            raise AssertionError(f"{family.name}: metric type {family.type} not known to this test")
        names.update(family.name + suffix for suffix in SUFFIXES[family.type])
        names.update(sample.name for sample in family.samples)
    return frozenset(names)


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects (also with Grafana's $variables in it)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)  # string literals
    text = re.sub(r"\{[^}]*\}", "{}", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # range and subquery durations
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)  # label lists
    text = re.sub(r"\boffset\s+-?[\w$]+", " ", text)  # offset 5m, offset $__range
    text = re.sub(r"\$\w+", " ", text)  # other Grafana variables
    names = set()
    for match in re.finditer(r"(?<![\w.:])([A-Za-z_:][\w:]*)(\s*\()?", text):
        name, call = match.group(1), match.group(2)
        if not call and name not in NOT_METRICS:
            names.add(name)
    return names


def unknown_names(used: set[str], allowed: set[str] | frozenset[str]) -> list[str]:
    """The names not in ``allowed``, each with a hint when it is a near miss."""
    exported = exported_metric_names()
    problems = []
    for name in sorted(used - allowed):
        if name + "_total" in exported:
            problems.append(f"{name} (a counter: scraped as {name}_total)")
        elif re.sub(r"_(total|bucket|sum|count)$", "", name) + "_total" in exported:
            problems.append(f"{name} (not exported; the counter is {re.sub(r'_(bucket|sum|count)$', '', name)})")
        else:
            problems.append(name)
    return problems


def load_yaml(path: Path) -> Any:
    with path.open() as f:
        return yaml.safe_load(f)


def rules() -> list[dict[str, Any]]:
    return [rule for group in load_yaml(PROMETHEUS / "alerts.yml")["groups"] for rule in group["rules"]]


def recorded_names() -> set[str]:
    return {rule["record"] for rule in rules() if "record" in rule}


def dashboard() -> dict[str, Any]:
    with DASHBOARD.open() as f:
        loaded: dict[str, Any] = json.load(f)
    return loaded


def panels(board: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel, those inside collapsed rows included."""
    for panel in board["panels"]:
        yield panel
        yield from panel.get("panels", [])


def dashboard_exprs(board: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, PromQL) for every panel target, annotation and query variable."""
    for panel in panels(board):
        for target in panel.get("targets", []):
            yield f"panel {panel['title']!r} target {target.get('refId')}", target["expr"]
    for annotation in board["annotations"]["list"]:
        if "expr" in annotation:
            yield f"annotation {annotation['name']!r}", annotation["expr"]
    for variable in board["templating"]["list"]:
        if variable["type"] == "query":
            query = variable["query"]["query"] if isinstance(variable["query"], dict) else variable["query"]
            # label_values(metric, label): the metric is the selector
            yield f"variable {variable['name']!r}", re.sub(r"^label_values\((.*),\s*\w+\)$", r"\1", query)


# ---------------------------------------------------------------------------- promtool


@pytest.mark.parametrize(
    "args",
    [
        ["check", "config", "deploy/prometheus/prometheus.yml"],
        ["check", "config", "deploy/prometheus/prometheus.local.yml"],
        ["check", "rules", "deploy/prometheus/alerts.yml"],
        ["test", "rules", "deploy/prometheus/alerts_test.yml"],
    ],
    ids=["config", "local-config", "rules", "rule-tests"],
)
def test_promtool(args: list[str]) -> None:
    result = subprocess.run([promtool(), *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"promtool {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


# ---------------------------------------------------------------------------- metric names


def test_metric_name_extraction() -> None:
    """The extractor finds selectors, and not functions, labels, durations or variables."""
    expr = (
        "histogram_quantile(0.95, sum by (le, endpoint) "
        '(rate(aigw_gateway_overhead_seconds_bucket{instance=~"$instance"}[$__rate_interval]))) > 0.05 '
        'and on (endpoint) aigw:requests:rate5m offset 5m unless up{job="aigw_x"} '
        'or label_replace(aigw_requests_total, "provider", "(none)", "provider", "") or vector(0)'
    )
    expected = {"aigw_gateway_overhead_seconds_bucket", "aigw:requests:rate5m", "up", "aigw_requests_total"}
    assert metric_names(expr) == expected


def test_gateway_exports_the_families_this_test_relies_on() -> None:
    """Guards against a vacuous pass: the registry read above is the gateway's real one."""
    names = exported_metric_names()
    assert {"aigw_requests_total", "aigw_gateway_overhead_seconds_bucket", "aigw_incident_chain_intact"} <= names
    assert "aigw_requests" not in names  # counters only under _total


def test_dashboard_uses_only_exported_metrics() -> None:
    exported, recorded = exported_metric_names(), recorded_names()
    problems = []
    for where, expr in dashboard_exprs(dashboard()):
        used = metric_names(expr)
        if not used and not re.fullmatch(r"vector\([\d.]+\)", expr):  # a constant (the budget line) is fine
            problems.append(f"{where}: no metric found in {expr!r}")
        for name in unknown_names(used, exported | recorded | {"up"}):
            problems.append(f"{where}: {name}")
    assert not problems, "the dashboard uses metrics the gateway does not export:\n" + "\n".join(problems)


def test_every_exported_metric_is_on_the_dashboard() -> None:
    """A new metric gets a panel (or a deliberate entry here)."""
    used = {name for _, expr in dashboard_exprs(dashboard()) for name in metric_names(expr)}
    families = {family.name for family in GatewayMetrics().registry.collect()}
    missing = sorted(
        family
        for family in families
        if not any(re.fullmatch(rf"{family}(_total|_bucket|_sum|_count)?", u) for u in used)
    )
    assert not missing, f"exported but on no dashboard panel: {missing}"


def test_rules_use_only_exported_metrics() -> None:
    exported, recorded = exported_metric_names(), recorded_names()
    problems = []
    for rule in rules():
        name = rule.get("alert") or rule["record"]
        for unknown in unknown_names(metric_names(rule["expr"]), exported | recorded | {"up"}):
            problems.append(f"{name}: {unknown}")
    assert not problems, "alerts.yml uses metrics the gateway does not export:\n" + "\n".join(problems)


# ---------------------------------------------------------------------------- rules


def test_recording_rules_are_named_and_grouped() -> None:
    groups = {group["name"]: group["rules"] for group in load_yaml(PROMETHEUS / "alerts.yml")["groups"]}
    assert set(groups) == {"aigw.rules", "aigw.alerts"}
    assert all("record" in rule for rule in groups["aigw.rules"])
    assert all("alert" in rule for rule in groups["aigw.alerts"])
    for rule in groups["aigw.rules"]:
        assert re.fullmatch(r"aigw:[a-z0-9_]+:[a-z0-9_]+", rule["record"]), rule["record"]


def test_alerts_have_severity_annotations_and_tests() -> None:
    alerts = [rule for rule in rules() if "alert" in rule]
    assert len(alerts) >= 12
    tests = load_yaml(PROMETHEUS / "alerts_test.yml")["tests"]
    cases = [case for test in tests for case in test.get("alert_rule_test", [])]
    problems = []
    for alert in alerts:
        name = alert["alert"]
        if alert.get("labels", {}).get("severity") not in SEVERITIES:
            problems.append(f"{name}: label severity must be one of {sorted(SEVERITIES)}")
        annotations = alert.get("annotations", {})
        problems += [f"{name}: no {key} annotation" for key in ANNOTATIONS if not annotations.get(key)]
        own = [case for case in cases if case["alertname"] == name]
        if not any(case.get("exp_alerts") for case in own):
            problems.append(f"{name}: alerts_test.yml has no case where it fires")
        if not any(not case.get("exp_alerts") for case in own):
            problems.append(f"{name}: alerts_test.yml has no case where it must not fire")
    unknown = {case["alertname"] for case in cases} - {alert["alert"] for alert in alerts}
    problems += [f"alerts_test.yml tests an alert that does not exist: {name}" for name in sorted(unknown)]
    assert not problems, "\n".join(problems)


def test_required_alerts_exist() -> None:
    names = {rule["alert"] for rule in rules() if "alert" in rule}
    required = {
        "AigwBlockedRequestSpike",
        "AigwCriticalIncident",
        "AigwSecretLeakedInMonitorMode",
        "AigwPromptLogWriteFailures",
        "AigwPromptLogRefusingRequests",
        "AigwPolicyReloadRejected",
        "AigwUpstreamErrorRate",
        "AigwOverheadP95OverBudget",
        "AigwIncidentChainTampered",
        "AigwIncidentsDropped",
        "AigwSiemDeliveryFailing",
        "AigwGatewayDown",
        "AigwBudgetAt80Percent",
        "AigwBudgetExhausted",
        "AigwLimitHitRate",
        "AigwLimitStoreDown",
    }
    assert required <= names, f"missing: {sorted(required - names)}"


def test_prometheus_scrapes_the_gateway_and_loads_the_rules() -> None:
    for config_file, target in (("prometheus.yml", "gateway:8081"), ("prometheus.local.yml", "127.0.0.1:8081")):
        config = load_yaml(PROMETHEUS / config_file)
        assert config["rule_files"] == ["alerts.yml"], config_file
        (job,) = [job for job in config["scrape_configs"] if job["job_name"] == "aigw"]
        assert job["scrape_interval"] == "15s", config_file
        assert [target] == [t for static in job["static_configs"] for t in static["targets"]], config_file


# ---------------------------------------------------------------------------- dashboard


def test_dashboard_panels_use_the_datasource_variable() -> None:
    board = dashboard()
    variables = {v["name"]: v for v in board["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    problems = []
    for panel in panels(board):
        if panel["type"] in ("row", "text"):
            continue
        if panel.get("datasource") != DATASOURCE:
            problems.append(f"panel {panel['title']!r}: datasource {panel.get('datasource')}")
        if not panel.get("targets"):
            problems.append(f"panel {panel['title']!r}: no queries")
        problems += [
            f"panel {panel['title']!r} target {t.get('refId')}: datasource {t.get('datasource')}"
            for t in panel.get("targets", [])
            if t.get("datasource", DATASOURCE) != DATASOURCE
        ]
    for variable in variables.values():
        if variable["type"] == "query" and variable["datasource"] != DATASOURCE:
            problems.append(f"variable {variable['name']}: datasource {variable['datasource']}")
    for annotation in board["annotations"]["list"]:
        if "expr" in annotation and annotation["datasource"] != DATASOURCE:
            problems.append(f"annotation {annotation['name']}: datasource {annotation['datasource']}")
    assert not problems, "\n".join(problems)


def test_dashboard_has_the_panels_for_each_area() -> None:
    board = dashboard()
    assert board["schemaVersion"] >= 39
    titles = {panel["title"] for panel in panels(board)}
    missing = [
        f"{area}: {title}" for area, wanted in REQUIRED_PANELS.items() for title in wanted if title not in titles
    ]
    assert not missing, "\n".join(missing)
    ids = [panel["id"] for panel in panels(board)]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    for panel in panels(board):
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]


def test_controls_table_matches_the_violation_mapping() -> None:
    """The static 'by control' table says what violation_mapping.yaml says (primary controls)."""
    (panel,) = [p for p in panels(dashboard()) if p["type"] == "text" and "ISO 27001" in p["title"]]
    rows = {
        cells[0].strip("` "): [c.strip() for c in cells[1:]]
        for line in panel["options"]["content"].splitlines()
        if line.startswith("| `")
        for cells in [line.strip("|").split("|")]
    }
    compliance = load_compliance()
    expected = {}
    for violation, spec in compliance.violations.items():
        primary = [ref for ref in spec.controls if ref.primary]
        expected[violation.value] = [
            ", ".join(ref.id for ref in primary if ref.framework == framework)
            for framework in ("iso27001_2022", "iso42001_2023")
        ]
    assert rows == expected


def test_grafana_provisioning() -> None:
    datasources = load_yaml(GRAFANA / "provisioning" / "datasources" / "prometheus.yml")["datasources"]
    (prometheus,) = [d for d in datasources if d["type"] == "prometheus"]
    assert prometheus["uid"] == "prometheus"
    assert prometheus["url"] == "http://prometheus:9090"
    providers = load_yaml(GRAFANA / "provisioning" / "dashboards" / "aigw.yml")["providers"]
    assert [p["options"]["path"] for p in providers if p["type"] == "file"] == ["/var/lib/grafana/dashboards"]
    current = {v["name"]: v for v in dashboard()["templating"]["list"]}["datasource"]["current"]
    assert current["value"] == prometheus["uid"]
