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
from detectors.injection_classifier import ClassifierConfig
from detectors.pii.detector import PiiConfig, PiiDetector
from detectors.secrets import SecretsDetector


class SecretsConfig(BaseModel):
    """The secrets detector has no settings yet; an empty mapping enables it."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class DetectorsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    secrets: SecretsConfig | None = None
    pii: PiiConfig | None = None
    confidential: ConfidentialConfig | None = None
    injection: InjectionConfig | None = None

    @property
    def enabled(self) -> bool:
        return any(getattr(self, name) is not None for name in type(self).model_fields)


def build_detectors(config: DetectorsConfig, with_ner: bool = True) -> list[Detector]:
    """The configured detectors; ``with_ner=False`` leaves out spaCy's NER model (see PiiDetector)."""
    built: list[Detector] = []
    if config.secrets is not None:
        built.append(SecretsDetector())
    if config.pii is not None:
        built.append(PiiDetector.from_config(config.pii, with_ner))
    if config.confidential is not None:
        built.append(ConfidentialDetector.from_config(config.confidential))
    if config.injection is not None:
        built.append(InjectionDetector.from_config(config.injection))
    return built


def entity_categories(config: DetectorsConfig) -> dict[str, Category]:
    """Every entity type the configured detectors can report, with its data class
    (what a policy's data rules may name). PII types come from the config: building
    that detector would load a spaCy pipeline just to list them."""
    # Nor the injection classifier's model (0.6 s to load): its types are the detector's, listed statically.
    injection = config.injection
    if injection is not None:
        injection = injection.model_copy(update={"classifier": ClassifierConfig(enabled=False)})
    cheap = config.model_copy(update={"pii": None, "injection": injection})
    known = {t: d.category for d in build_detectors(cheap) for t in d.entity_types}
    if config.pii is not None:
        known.update(dict.fromkeys(config.pii.enabled(), Category.PII))
    return known
