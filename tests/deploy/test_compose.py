"""deploy/docker-compose.yml against the Compose Specification's JSON schema (vendored by
check-jsonschema), its wiring, its lock-down, and no secret in it."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from gateway.config.settings import load_settings
from tests.deploy.deploy_helpers import (
    COMPOSE,
    DEPLOY,
    DOCKERFILE,
    GATEWAY_YAML,
    ROOT,
    SECRET_NAME,
    fake_env,
    load_yaml,
)


@cache
def compose() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(COMPOSE)
    return data


def test_compose_file_matches_the_compose_specification() -> None:
    schema_file = resources.files("check_jsonschema.builtin_schemas.vendor").joinpath("compose-spec.json")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(compose())]
    assert not errors


def test_compose_services_wiring() -> None:
    services = compose()["services"]
    assert set(services) == {"gateway", "postgres", "prometheus", "grafana"}
    gateway = services["gateway"]
    build = gateway["build"]
    assert (COMPOSE.parent / build["context"]).resolve() == ROOT
    assert (ROOT / build["dockerfile"]).resolve() == DOCKERFILE
    assert gateway["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["grafana"]["depends_on"]["prometheus"]["condition"] == "service_healthy"
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no healthcheck"
    # Named volumes only (declared at the top level); bind mounts are the read-only configs.
    declared = set(compose()["volumes"])
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert volume.endswith(":ro"), f"{name}: {volume} should be read-only"
                assert (COMPOSE.parent / source).exists(), f"{name}: {source} does not exist"
            else:
                assert source in declared, f"{name}: {source} is not a declared named volume"
    prometheus_mounts = {v.split(":")[1] for v in services["prometheus"]["volumes"]}
    assert {"/etc/prometheus/prometheus.yml", "/etc/prometheus/alerts.yml"} <= prometheus_mounts
    grafana_mounts = {v.split(":")[1] for v in services["grafana"]["volumes"]}
    assert {"/etc/grafana/provisioning", "/var/lib/grafana/dashboards"} <= grafana_mounts


def test_compose_gateway_is_locked_down() -> None:
    gateway = compose()["services"]["gateway"]
    assert gateway["read_only"] is True
    assert gateway["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in gateway["security_opt"]
    assert any(v.endswith(":/var/lib/aigw") for v in gateway["volumes"])
    assert "/tmp" in gateway["tmpfs"]
    # The admin listener (metrics, admin API) is published on the loopback interface only.
    admin = [p for p in gateway["ports"] if p.endswith(":8081")]
    assert admin
    assert all(p.startswith("127.0.0.1:") for p in admin)
    grace = load_settings(GATEWAY_YAML, {}).limits.shutdown_grace_s
    assert int(gateway["stop_grace_period"].rstrip("s")) > grace


def test_compose_holds_no_secrets() -> None:
    example = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, re.M))
    text = json.dumps(compose())  # the values, not the comments
    for variable in re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text):
        assert variable in documented, f"${{{variable}}} is not in deploy/.env.example"
    for service in compose()["services"].values():
        for name, value in service.get("environment", {}).items():
            if SECRET_NAME.search(name):
                assert "${" in str(value), f"{name} must come from the environment, not the file"
    for required in ("POSTGRES_PASSWORD", "AIGW_LOG_KEYS", "GRAFANA_ADMIN_PASSWORD"):
        assert f"${{{required}:?" in text, f"{required} should be required (${{{required}:?...}})"
    grafana = compose()["services"]["grafana"]["environment"]
    assert grafana["GF_AUTH_ANONYMOUS_ENABLED"] == "false"
    for line in example.splitlines():  # the example holds no values for secrets
        name, _, value = line.partition("=")
        if not line.startswith("#") and SECRET_NAME.search(name):
            assert value == "", f"{name} has a value in .env.example"


def test_compose_gateway_environment_loads(tmp_path: Path) -> None:
    env = fake_env(compose()["services"]["gateway"]["environment"], tmp_path)
    load_settings(GATEWAY_YAML, env)
