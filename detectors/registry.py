"""Build the detectors a policy asks for, from its validated ``detection`` section.

Only the detectors the policy configures are built (and so only they run). The
config is a plain pydantic model, so it pickles into the gateway's worker
processes, where ``build_detectors`` runs once per process.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from detectors.base import Category, Detector
from detectors.confidential import ConfidentialConfig, ConfidentialDetector
from detectors.injection import InjectionConfig, InjectionDetector
from detectors.secrets import SecretsDetector


class SecretsConfig(BaseModel):
    """The secrets detector has no settings yet; an empty mapping enables it."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class DetectorsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    secrets: SecretsConfig | None = None
    confidential: ConfidentialConfig | None = None
    injection: InjectionConfig | None = None

    @property
    def enabled(self) -> bool:
        return any(getattr(self, name) is not None for name in type(self).model_fields)


def build_detectors(config: DetectorsConfig) -> list[Detector]:
    built: list[Detector] = []
    if config.secrets is not None:
        built.append(SecretsDetector())
    if config.confidential is not None:
        built.append(ConfidentialDetector.from_config(config.confidential))
    if config.injection is not None:
        built.append(InjectionDetector.from_config(config.injection))
    return built


def entity_categories(config: DetectorsConfig) -> dict[str, Category]:
    """Every entity type the configured detectors can report, with its data class
    (what a policy's data rules may name)."""
    return {t: d.category for d in build_detectors(config) for t in d.entity_types}
