"""An exchange's outcome and decision are enums: a misspelt one is a type error, and each value reaches
the request log, the prompt log and the metrics as the very string those recorded before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import structlog
from mypy import api as mypy_api
from prometheus_client.parser import text_string_to_metric_families

from gateway.config.settings import Settings
from gateway.errors import ApiFormat
from gateway.exchange import AccessDecision, Exchange, Outcome
from gateway.metrics import GatewayMetrics
from gateway.policy.policy import Policy
from gateway.promptlog.service import build_record
from gateway.request_metrics import ModelLabels, observe_exchange

ROOT = Path(__file__).resolve().parents[2]
# The strings the logs, the prompt log's `outcome` and `decision` columns and the `decision` label held
# when these were free strings: stored records and dashboards depend on them.
OUTCOMES = ("ok", "rejected", "error", "upstream_error", "stream_error", "client_disconnected")
DECISIONS = ("allow", "deny", "monitor_deny")


def test_the_values_are_the_strings_recorded_before() -> None:
    assert tuple(outcome.value for outcome in Outcome) == OUTCOMES
    assert tuple(decision.value for decision in AccessDecision) == DECISIONS
    assert Exchange(ApiFormat.OPENAI).outcome is Outcome.OK


def rendered(fields: dict[str, object]) -> str:
    return str(structlog.processors.JSONRenderer()(None, "info", dict(fields)))


@pytest.mark.parametrize("outcome", list(Outcome))
@pytest.mark.parametrize("decision", [*AccessDecision, None])
def test_each_value_reaches_the_logs_as_its_plain_string(
    outcome: Outcome, decision: AccessDecision | None, policy: Policy
) -> None:
    exchange = Exchange(ApiFormat.OPENAI, endpoint="chat_completions", outcome=outcome, decision=decision)
    fields = exchange.log_fields()
    assert (type(fields["outcome"]), fields["outcome"]) == (str, outcome.value)
    if decision is None:
        assert "decision" not in fields
    else:
        assert (type(fields["decision"]), fields["decision"]) == (str, decision.value)
    plain = {**fields, "outcome": outcome.value, **({"decision": decision.value} if decision else {})}
    assert rendered(fields) == rendered(plain)  # the request log line, byte for byte
    row = build_record(exchange, policy).seal(None)  # the prompt log's row
    assert (type(row["outcome"]), row["outcome"]) == (str, outcome.value)
    assert row["decision"] == (decision.value if decision else None)
    assert type(row["decision"]) is (str if decision else type(None))
    assert json.dumps(row["outcome"]) == json.dumps(outcome.value)


@pytest.mark.parametrize("decision", [*AccessDecision, None])
def test_each_decision_is_its_plain_string_as_a_metrics_label(decision: AccessDecision | None) -> None:
    metrics = GatewayMetrics()
    exchange = Exchange(ApiFormat.OPENAI, endpoint="chat_completions", decision=decision, status=200)
    observe_exchange(metrics, exchange, ModelLabels(Settings()))
    families = text_string_to_metric_families(metrics.exposition().decode())
    labels = [s.labels["decision"] for f in families if f.name == "aigw_requests" for s in f.samples if s.value]
    assert labels == [decision.value if decision else "none"]


def test_a_misspelt_outcome_or_decision_is_a_type_error(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        "from gateway.errors import ApiFormat\n"
        "from gateway.exchange import AccessDecision, Exchange, Outcome\n"
        "exchange = Exchange(ApiFormat.OPENAI)\n"
        "exchange.outcome = Outcome.REJECTED\n"  # line 4: fine
        "exchange.decision = AccessDecision.MONITOR_DENY\n"  # line 5: fine
        'exchange.outcome = "rejected"\n'  # line 6: a free string, even a right one
        'exchange.decision = "deny"\n'  # line 7
        'exchange.outcome = "rejectd"\n'  # line 8
    )
    config, cache = str(ROOT / "pyproject.toml"), str(ROOT / ".mypy_cache")  # warm after `make typecheck`
    out, _, status = mypy_api.run([str(snippet), "--config-file", config, "--cache-dir", cache])
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert status == 1
    assert [line.split(":")[1] for line in errors] == ["6", "7", "8"]
    assert all("[assignment]" in line for line in errors)
