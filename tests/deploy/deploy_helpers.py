"""Shared by the tests of deploy/: paths, YAML loading, the Kubernetes resources and a fake environment."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes_validate import utils as k8s_validate

from gateway.promptlog.crypto import rotate_key_file

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "kubernetes"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "docker-compose.yml"
GATEWAY_YAML = DEPLOY / "gateway.yaml"

# Kubernetes versions the manifests must validate against: the oldest still commonly run,
# and the newest kubernetes-validate knows.
K8S_VERSIONS = ("1.30", k8s_validate.latest_version())
POD_LABELS = {"app.kubernetes.io/name": "aigw", "app.kubernetes.io/component": "gateway"}
UID = 10001
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|API_KEY|LOG_KEYS|DSN", re.IGNORECASE)


# --- helpers -------------------------------------------------------------------------------


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_all_yaml(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def fake_env(names: Iterable[str], tmp_path: Path) -> dict[str, str]:
    """Plausible values for the variables a deployment sets (a real log keyring, a DSN)."""
    keyring_file = tmp_path / "log-keys.json"
    rotate_key_file(keyring_file)
    log_keys = json.dumps(json.loads(keyring_file.read_text(encoding="utf-8")))
    values = {
        "PROMPT_LOG_DSN": "postgresql://aigw:password@postgres:5432/aigw",
        "AIGW_LOG_KEYS": log_keys,
        "AIGW_DETECTION__WORKERS": "2",
        "AIGW_CONFIG": str(GATEWAY_YAML),
    }
    return {name: values.get(name, "sk-test-value") for name in names}


@cache
def kustomization() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(K8S / "kustomization.yaml")
    return data


@cache
def k8s_resources() -> tuple[tuple[str, dict[str, Any]], ...]:
    """(file name, object) for every object in the files kustomization.yaml lists."""
    return tuple((name, doc) for name in kustomization()["resources"] for doc in load_all_yaml(K8S / name))


def one(kind: str) -> dict[str, Any]:
    found = [doc for _, doc in k8s_resources() if doc["kind"] == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def deployment() -> dict[str, Any]:
    return one("Deployment")


def pod_spec() -> dict[str, Any]:
    spec: dict[str, Any] = deployment()["spec"]["template"]["spec"]
    return spec


def gateway_container() -> dict[str, Any]:
    (container,) = [c for c in pod_spec()["containers"] if c["name"] == "gateway"]
    return container


def container_port(container: Mapping[str, Any], port: str | int) -> int:
    """A probe's or Service's port (a name or a number) as the container port number."""
    if isinstance(port, int):
        return port
    (number,) = [p["containerPort"] for p in container["ports"] if p["name"] == port]
    return int(number)


@cache
def rendered() -> tuple[dict[str, Any], ...]:
    """`kubectl kustomize deploy/kubernetes`: what `kubectl apply -k` would send."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl (with its built-in kustomize) is not installed")
    out = subprocess.run([kubectl, "kustomize", str(K8S)], capture_output=True, text=True, check=True, timeout=60)
    return tuple(doc for doc in yaml.safe_load_all(out.stdout) if doc)
