"""The control catalogue and the violation-to-control mapping the incident log uses.

Both are data shipped in ``gateway/compliance/data`` (identifiers and titles only, with
their sources' attribution). ``load_compliance`` validates the mapping against the
catalogue: a mapped ID that the catalogue does not hold, a violation type without a
mapping, or a malformed escalation rule stops the gateway at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gateway.errors import ConfigError, ConfigProblem
from gateway.policy.violations import Severity, Violation

DATA = Path(__file__).parent / "data"
FRAMEWORKS = ("iso27001_2022", "iso42001_2023", "owasp_llm_2025", "nist_ai_rmf_1_0", "gdpr", "eu_ai_act")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Conditions(_Strict):
    """When an escalation rule applies: every condition given must hold."""

    let_through: bool | None = None  # the data or request passed unchanged (monitor mode, audit-only rule)
    enforced: bool | None = None
    data_classes_any: tuple[str, ...] = ()
    entity_types_any: tuple[str, ...] = ()
    min_count: int | None = Field(default=None, gt=0)
    min_repeats: int | None = Field(default=None, gt=1)
    privileged: bool | None = None
    flags_any: tuple[str, ...] = ()


class Escalation(_Strict):
    severity: Severity
    when: Conditions
    why: str = Field(min_length=1)


class SeveritySpec(_Strict):
    default: Severity
    escalation: tuple[Escalation, ...] = ()


class RefSpec(_Strict):
    framework: str
    id: str
    primary: bool
    condition: str | None = None


class ViolationSpec(_Strict):
    name: str
    severity: SeveritySpec
    severity_source: str = ""
    controls: tuple[RefSpec, ...] = Field(min_length=1)
    rationale: str = ""


class _MappingFile(_Strict):
    about: dict[str, Any] = Field(alias="_about")
    violations: dict[Violation, ViolationSpec]
    incident_handling: tuple[RefSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class ControlRef:
    """One control an incident maps to, as stored on the incident (titles resolved)."""

    framework: str
    id: str
    title: str
    primary: bool
    condition: str | None = None

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"framework": self.framework, "id": self.id, "title": self.title}
        out["primary"] = self.primary
        if self.condition:
            out["condition"] = self.condition
        return out


@dataclass(frozen=True)
class Compliance:
    catalogue_version: str
    framework_titles: Mapping[str, str]
    controls: Mapping[str, Mapping[str, str]]  # framework -> id -> title
    violations: Mapping[Violation, ViolationSpec]
    incident_handling: tuple[ControlRef, ...]

    def refs(self, violation: Violation) -> tuple[ControlRef, ...]:
        return tuple(_resolve(self.controls, r) for r in self.violations[violation].controls)


def _resolve(controls: Mapping[str, Mapping[str, str]], spec: RefSpec) -> ControlRef:
    return ControlRef(spec.framework, spec.id, controls[spec.framework][spec.id], spec.primary, spec.condition)


def load_compliance(data: Path = DATA) -> Compliance:
    catalogue = _load_yaml(data / "controls_catalog.yaml")
    where = str(data / "violation_mapping.yaml")
    try:
        mapping = _MappingFile.model_validate(_load_yaml(data / "violation_mapping.yaml"))
    except ValidationError as exc:
        problems = [ConfigProblem(where, ".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()]
        raise ConfigError(problems) from None
    frameworks = catalogue["frameworks"]
    controls = {name: dict(frameworks[name]["controls"]) for name in FRAMEWORKS}
    problems = _check(mapping, controls, where)
    if problems:
        raise ConfigError(problems)
    handling = tuple(_resolve(controls, r) for r in mapping.incident_handling)
    return Compliance(
        catalogue_version=str(catalogue["_about"]["catalogue_version"]),
        framework_titles={name: str(frameworks[name]["title"]) for name in FRAMEWORKS},
        controls=controls,
        violations=mapping.violations,
        incident_handling=handling,
    )


def _check(mapping: _MappingFile, controls: Mapping[str, Mapping[str, str]], where: str) -> list[ConfigProblem]:
    problems = [
        ConfigProblem(where, f"violations.{v.value}", "has no mapping")
        for v in Violation
        if v not in mapping.violations
    ]
    refs = [(f"violations.{v.value}.controls", r) for v, spec in mapping.violations.items() for r in spec.controls]
    refs += [("incident_handling", r) for r in mapping.incident_handling]
    for loc, ref in refs:
        if ref.framework not in controls:
            problems.append(ConfigProblem(where, loc, f"unknown framework {ref.framework!r}"))
        elif ref.id not in controls[ref.framework]:
            problems.append(ConfigProblem(where, loc, f"{ref.framework} {ref.id!r} is not in the control catalogue"))
    return problems


def _load_yaml(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise ConfigError([ConfigProblem(str(path), "", "is not a mapping")])
    return loaded
