"""deploy/kubernetes: every manifest and the rendered kustomization against the Kubernetes JSON
schemas (kubernetes-validate, strict), the pods' lock-down, probes, scaling and services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kubernetes_validate import utils as k8s_validate

from gateway.cli import main as cli
from gateway.config.settings import load_settings
from tests.deploy.deploy_helpers import (
    DEPLOY,
    GATEWAY_YAML,
    K8S,
    K8S_VERSIONS,
    POD_LABELS,
    ROOT,
    SECRET_NAME,
    UID,
    container_port,
    deployment,
    fake_env,
    gateway_container,
    k8s_resources,
    kustomization,
    one,
    pod_spec,
    rendered,
)


def test_kustomization_lists_every_manifest_and_no_secret() -> None:
    listed = set(kustomization()["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk
    assert "secretGenerator" not in kustomization()
    for name, doc in k8s_resources():
        assert doc["kind"] != "Secret", f"{name}: Secrets are created out of band (deploy/README.md)"


def validate_strictly(doc: dict[str, Any], version: str, where: str) -> None:
    """Against the Kubernetes schema of that version; unknown fields are errors."""
    try:
        k8s_validate.validate(doc, version, strict=True)
    except k8s_validate.ValidationError as exc:
        problem = f"{where}: {doc['kind']}/{doc['metadata']['name']}: {'.'.join(map(str, exc.path))}: {exc.message}"
    else:
        return
    pytest.fail(problem)  # outside the handler: the message, not jsonschema's whole traceback


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_manifests_validate_strictly(version: str) -> None:
    for name, doc in k8s_resources():
        validate_strictly(doc, version, name)


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_rendered_kustomization_validates_strictly(version: str) -> None:
    for doc in rendered():
        validate_strictly(doc, version, "kubectl kustomize deploy/kubernetes")
        assert doc["metadata"].get("namespace", "aigw") == "aigw"
        assert doc["kind"] != "Secret"


def test_generated_configmaps_carry_the_files() -> None:
    maps = {doc["metadata"]["name"]: doc for doc in rendered() if doc["kind"] == "ConfigMap"}
    assert maps["aigw-policies"]["data"] == {"default.yaml": (ROOT / "policies" / "default.yaml").read_text()}
    (config_name,) = [n for n in maps if n.startswith("aigw-config-")]  # hashed: a change rolls the pods
    assert maps[config_name]["data"] == {"gateway.yaml": GATEWAY_YAML.read_text()}
    (deployment_doc,) = [doc for doc in rendered() if doc["kind"] == "Deployment"]
    volumes = {v["name"]: v for v in deployment_doc["spec"]["template"]["spec"]["volumes"]}
    assert volumes["config"]["configMap"]["name"] == config_name
    assert volumes["policies"]["configMap"]["name"] == "aigw-policies"


def test_copies_in_the_kustomization_match_their_sources() -> None:
    """kustomize reads no file outside deploy/kubernetes, so these are copies: keep them equal."""
    assert (K8S / "policies" / "default.yaml").read_bytes() == (ROOT / "policies" / "default.yaml").read_bytes()
    assert (K8S / "config" / "gateway.yaml").read_bytes() == GATEWAY_YAML.read_bytes()
    generated = {g["name"]: g for g in kustomization()["configMapGenerator"]}
    assert generated["aigw-policies"]["files"] == ["policies/default.yaml"]
    assert generated["aigw-policies"]["options"]["disableNameSuffixHash"] is True
    assert generated["aigw-config"]["files"] == ["config/gateway.yaml"]


def test_pods_are_locked_down() -> None:
    spec = pod_spec()
    pod_security = spec["securityContext"]
    assert pod_security["runAsNonRoot"] is True
    assert pod_security["runAsUser"] == UID
    assert pod_security["seccompProfile"]["type"] == "RuntimeDefault"
    assert spec["automountServiceAccountToken"] is False
    for container in spec["containers"] + spec.get("initContainers", []):
        security = container["securityContext"]
        assert security["readOnlyRootFilesystem"] is True, container["name"]
        assert security["allowPrivilegeEscalation"] is False, container["name"]
        assert security["capabilities"]["drop"] == ["ALL"], container["name"]
        assert "add" not in security["capabilities"], container["name"]
        for bound in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][bound]), (container["name"], bound)
    labels = one("Namespace")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"


def test_gateway_container_contract(tmp_path: Path) -> None:
    container = gateway_container()
    spec = pod_spec()
    args = container["args"]
    cli._parser().parse_args(args)
    config_path = Path(args[args.index("--config") + 1])
    mounts = {m["name"]: m for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in spec["volumes"]}

    # The settings file is the config ConfigMap's gateway.yaml; the policy directory is a whole
    # ConfigMap mount (a subPath mount would never see an update, so no hot reload).
    assert Path(mounts["config"]["mountPath"]) == config_path.parent
    settings = load_settings(K8S / "config" / config_path.name, {})
    assert Path(mounts["policies"]["mountPath"]) == settings.policy_path.parent
    assert "subPath" not in mounts["policies"]
    assert volumes["policies"]["configMap"]["name"] == "aigw-policies"
    assert "items" not in volumes["policies"]["configMap"]
    assert (K8S / "policies" / settings.policy_path.name).is_file()
    # Writable places are emptyDirs: the data directory and /tmp.
    assert "emptyDir" in volumes[mounts["data"]["name"]]
    assert settings.store.sqlite_path.is_relative_to(mounts["data"]["mountPath"])
    assert "emptyDir" in volumes[mounts["tmp"]["name"]]

    # Every variable the pod sets loads with the gateway's settings loader.
    names = {e["name"] for e in container["env"]}
    assert {"PROMPT_LOG_DSN", "AIGW_LOG_KEYS"} <= names
    load_settings(K8S / "config" / config_path.name, fake_env(names, tmp_path))
    for entry in container["env"]:
        ref = entry.get("valueFrom", {}).get("secretKeyRef")
        if ref is not None:
            assert ref["name"] == "aigw-secrets"
        elif SECRET_NAME.search(entry["name"]):
            pytest.fail(f"{entry['name']} must come from the Secret aigw-secrets")
    workers = next(e for e in container["env"] if e["name"] == "AIGW_DETECTION__WORKERS")
    assert workers["valueFrom"]["resourceFieldRef"]["resource"] == "limits.cpu"

    # Draining: the pod's grace period covers the preStop pause and the gateway's own grace.
    pause = container["lifecycle"]["preStop"]["exec"]["command"]
    assert pause[0] == "sleep"
    assert spec["terminationGracePeriodSeconds"] > int(pause[1]) + settings.limits.shutdown_grace_s


def test_probes_use_the_admin_port() -> None:
    container = gateway_container()
    admin = load_settings(K8S / "config" / "gateway.yaml", {}).admin.port
    expected = {"startupProbe": "/healthz", "livenessProbe": "/healthz", "readinessProbe": "/readyz"}
    for probe, path in expected.items():
        http = container[probe]["httpGet"]
        assert http["path"] == path, probe
        assert container_port(container, http["port"]) == admin, probe
    # The startup probe allows for the NER model load; liveness takes over only after it.
    startup = container["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 120
    annotations = deployment()["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert int(annotations["prometheus.io/port"]) == admin


def test_replicas_hpa_and_pdb_fit_together() -> None:
    dep = deployment()
    assert dep["spec"]["replicas"] >= 2
    pod_labels = dep["spec"]["template"]["metadata"]["labels"]
    assert pod_labels == POD_LABELS
    assert dep["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert dep["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0

    hpa = one("HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["apiVersion"], target["kind"], target["name"]) == ("apps/v1", "Deployment", dep["metadata"]["name"])
    assert hpa["spec"]["minReplicas"] >= 2
    assert hpa["spec"]["maxReplicas"] >= hpa["spec"]["minReplicas"]
    assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]

    pdb = one("PodDisruptionBudget")
    assert pdb["apiVersion"] == "policy/v1"
    assert pdb["spec"]["selector"]["matchLabels"] == dep["spec"]["selector"]["matchLabels"]
    if "maxUnavailable" in pdb["spec"]:
        assert pdb["spec"]["maxUnavailable"] == 1
    else:
        assert pdb["spec"]["minAvailable"] < hpa["spec"]["minReplicas"], "a PDB that would block every drain"


def test_services_select_the_pods_and_name_their_ports() -> None:
    container = gateway_container()
    pod_labels = deployment()["spec"]["template"]["metadata"]["labels"]
    services = {doc["metadata"]["name"]: doc for _, doc in k8s_resources() if doc["kind"] == "Service"}
    assert set(services) == {"aigw", "aigw-admin"}
    for service in services.values():
        assert service["spec"]["selector"].items() <= pod_labels.items()
        assert service["spec"]["type"] == "ClusterIP"
    api = [container_port(container, p["targetPort"]) for p in services["aigw"]["spec"]["ports"]]
    admin = [container_port(container, p["targetPort"]) for p in services["aigw-admin"]["spec"]["ports"]]
    assert (api, admin) == ([8080], [8081]), "the admin port is never on the API Service"
    policy = one("NetworkPolicy")
    assert policy["spec"]["podSelector"]["matchLabels"].items() <= pod_labels.items()


def test_readme_documents_the_commands() -> None:
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    for command in (
        "docker build -f deploy/Dockerfile",
        "docker compose -f deploy/docker-compose.yml",
        "kubectl apply -k deploy/kubernetes",
        "kubectl -n aigw create secret generic aigw-secrets",
    ):
        assert command in readme, command
