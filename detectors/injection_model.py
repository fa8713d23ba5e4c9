"""The trained injection classifier at inference: a linear model over n-gram tf-idf features.

The weights live in ``detectors/data/injection_model.json``, written by ``python -m
detectors.injection_train``: plain JSON (loaded without executing anything, unlike a pickle), one
entry per n-gram (``"c:ign": [idf, weight per class...]``), so a reviewer can read why a text
scores as it does. Scoring is scikit-learn's ``TfidfTransformer(sublinear_tf=True)`` followed by a
multinomial ``LogisticRegression``, recomputed here with numpy (tests hold the two to 1e-9).

The attack score is calibrated: ``1 - P(benign)`` turned into a log-odds and mapped through the
Platt scaling fitted on the validation split, so 0.9 means about nine in ten such texts were attacks
there. Long texts are also scored in overlapping windows: an instruction planted in a long
document would otherwise be diluted by the document around it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from detectors.injection_features import Prepared, key_of, text_features

FORMAT = "aigw-injection-linear/1"
MODEL_RESOURCE = "data/injection_model.json"
BENIGN = "benign"
Floats = npt.NDArray[np.float64]


class ModelError(ValueError):
    """The model file is unreadable or inconsistent; the message says which part."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """One scored stretch of a text: [start, end) in the prepared text's points."""

    start: int
    end: int
    score: float  # calibrated probability that the stretch is an attack
    family: str  # the most likely attack family (whatever the score)


@dataclass(frozen=True, slots=True)
class Windows:
    """How a long text is cut: windows of ``size`` points every ``stride`` points."""

    size: int
    stride: int


class InjectionModel:
    def __init__(
        self,
        classes: list[str],
        keys: npt.NDArray[np.uint64],
        table: Floats,
        intercept: list[float],
        calibration: tuple[float, float],
        windows: Windows,
        threshold: float,
        thresholds: dict[str, float] | None = None,
    ) -> None:
        if BENIGN not in classes or len(intercept) != len(classes):
            raise ModelError(f"classes must include {BENIGN!r} and match the intercepts")
        self.classes = classes
        self.benign = classes.index(BENIGN)
        self.windows = windows
        # Chosen on out-of-fold scores (detectors.injection_train); a policy may override them.
        self.threshold = threshold
        self.thresholds = dict(thresholds or {})  # per entity type, over ``threshold``
        self._slope, self._offset = calibration
        self._intercept = np.asarray(intercept, dtype=np.float64)
        rows = np.asarray(table, dtype=np.float64)
        if rows.shape != (len(keys), len(classes) + 1):
            raise ModelError("every feature needs an idf and one weight per class")
        order = np.argsort(keys)
        self._keys = keys[order]
        if len(self._keys) and bool((self._keys[1:] == self._keys[:-1]).any()):
            raise ModelError("two features share a key")
        self._idf = rows[order, 0]
        self._weights = rows[order, 1:]
        self._table = _KeyTable(self._keys)

    @classmethod
    def load(cls, path: Path | None = None) -> InjectionModel:
        source = str(path) if path else f"detectors/{MODEL_RESOURCE}"
        try:
            raw = path.read_text("utf-8") if path else resources.files("detectors").joinpath(MODEL_RESOURCE).read_text()
            data = json.loads(raw)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"{source}: {exc}") from exc
        try:
            return cls.from_dict(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{source}: {exc}") from exc

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InjectionModel:
        if data.get("format") != FORMAT:
            raise ModelError(f"format must be {FORMAT!r}")
        calibration = data["calibration"]
        windows = data["windows"]
        features: dict[str, list[float]] = data["features"]
        return cls(
            classes=list(data["classes"]),
            keys=np.array([key_of(name) for name in features], dtype=np.uint64),
            table=np.asarray(list(features.values()), dtype=np.float64).reshape(len(features), -1),
            intercept=list(data["intercept"]),
            calibration=(float(calibration["slope"]), float(calibration["intercept"])),
            windows=Windows(int(windows["size"]), int(windows["stride"])),
            threshold=float(data["threshold"]),
            thresholds={str(k): float(v) for k, v in data.get("thresholds", {}).items()},
        )

    @property
    def intercept(self) -> list[float]:
        return [float(v) for v in self._intercept]

    @property
    def calibration(self) -> tuple[float, float]:
        return self._slope, self._offset

    def table(self) -> tuple[npt.NDArray[np.uint64], Floats]:
        """The features' keys (sorted) and rows: idf, then one weight per class."""
        return self._keys, np.column_stack([self._idf, self._weights])

    def recalibrated(
        self, calibration: tuple[float, float], threshold: float, thresholds: dict[str, float] | None = None
    ) -> InjectionModel:
        keys, table = self.table()
        return InjectionModel(
            self.classes, keys, table, self.intercept, calibration, self.windows, threshold, thresholds
        )

    def probabilities(self, prepared: Prepared) -> Floats:
        """Class probabilities of the whole text (what scikit-learn's predict_proba gives)."""
        grams = text_features(prepared)
        ids = self._lookup(grams.keys)
        return self._softmax(self._logits(ids))

    def verdicts(self, prepared: Prepared) -> list[Verdict]:
        """The whole text's verdict, then one per window when the text is longer than a window.

        All stretches are scored in one pass: each known n-gram is counted in the whole text and in
        the windows its start falls in, as (stretch, feature) pairs, and the tf-idf vectors, their
        norms and the logits of every stretch come from a few array operations (no loop per window)."""
        grams = text_features(prepared)
        ids = self._lookup(grams.keys)
        known = ids >= 0
        ids, starts = ids[known], grams.starts[known]
        spans = self._stretches(len(prepared.points))
        stretch, feature = [np.zeros(len(ids), dtype=np.int64)], [ids]
        size, stride = self.windows.size, self.windows.stride
        windows = len(spans) - 1
        for back in range(-(-size // stride) if windows else 0):
            window = starts // stride - back
            inside = (window >= 0) & (window < windows) & (starts < window * stride + size)
            stretch.append(window[inside] + 1)
            feature.append(ids[inside])
        logits = self._stretch_logits(np.concatenate(stretch), np.concatenate(feature), len(spans))
        return [self._verdict(lo, hi, row) for (lo, hi), row in zip(spans, logits, strict=True)]

    def _stretches(self, count: int) -> list[tuple[int, int]]:
        """The whole text, then the windows (none when the text fits in one)."""
        size, stride = self.windows.size, self.windows.stride
        windows = [(lo, min(lo + size, count)) for lo in range(0, count - size + stride, stride)]
        return [(0, count), *(windows if count > size else [])]

    def _stretch_logits(self, stretch: npt.NDArray[np.int64], rows: npt.NDArray[np.int64], stretches: int) -> Floats:
        logits = np.tile(self._intercept, (stretches, 1))
        if not len(rows):
            return logits
        pairs, counts = np.unique(stretch * len(self._idf) + rows, return_counts=True)
        owner, row = pairs // len(self._idf), pairs % len(self._idf)
        values = (1.0 + np.log(counts)) * self._idf[row]
        norms = np.sqrt(np.bincount(owner, values * values, minlength=stretches))
        weighted = (values / norms[owner])[:, None] * self._weights[row]
        firsts = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
        logits[owner[firsts]] += np.add.reduceat(weighted, firsts, axis=0)
        return logits

    def _lookup(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        """The feature row of each key, -1 for n-grams the model does not know."""
        return self._table.rows(keys)

    def _logits(self, ids: npt.NDArray[np.int64]) -> Floats:
        ids = ids[ids >= 0]
        if not len(ids):
            return self._intercept.copy()
        rows, counts = np.unique(ids, return_counts=True)
        values = (1.0 + np.log(counts)) * self._idf[rows]
        norm = float(np.sqrt(values @ values))
        logits: Floats = (values / norm) @ self._weights[rows] + self._intercept
        return logits

    @staticmethod
    def _softmax(logits: Floats) -> Floats:
        shifted = np.exp(logits - logits.max())
        probabilities: Floats = shifted / shifted.sum()
        return probabilities

    def calibrated(self, probabilities: Floats) -> float:
        benign = float(probabilities[self.benign])
        attack = max(1.0 - benign, 1e-12)
        log_odds = float(np.log(attack) - np.log(max(benign, 1e-12)))
        return float(1.0 / (1.0 + np.exp(-(self._slope * log_odds + self._offset))))

    def _verdict(self, start: int, end: int, logits: Floats) -> Verdict:
        probabilities = self._softmax(logits)
        attacks = probabilities.copy()
        attacks[self.benign] = -1.0
        return Verdict(start, end, self.calibrated(probabilities), self.classes[int(attacks.argmax())])


class _KeyTable:
    """Feature keys to rows, for a whole array of keys at once. A binary search of 6,000 keys among
    40,000 costs a millisecond in cache misses; here one gather settles nearly every key: a
    direct-mapped table of 8 slots per key, each slot one int64 holding its key's upper 32 bits and
    its row + 1 (0: empty). A key whose slot another key took first goes to a small sorted overflow
    array, searched only for the keys the table did not settle. Two keys with the same slot and the
    same upper 32 bits are told apart by the overflow search; a key the model does not know is taken
    for a known one only if it has both its slot and its upper 32 bits (about 1 in 2**34 lookups)."""

    _MIX = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the top bits of key * 2**64/phi

    def __init__(self, keys: npt.NDArray[np.uint64]) -> None:
        self._bits = max(4, int(len(keys) * 8).bit_length() - 1)
        slots = self._slots(keys)
        owners = np.unique(slots, return_index=True)[1]  # the first key of each slot owns it
        self._table = np.zeros(1 << self._bits, dtype=np.uint64)
        upper = keys[owners] & np.uint64(0xFFFFFFFF00000000)
        self._table[slots[owners]] = upper | (owners + 1).astype(np.uint64)
        self._overflow_rows = np.setdiff1d(np.arange(len(keys)), owners)  # ascending, so are their keys
        self._overflow_keys = keys[self._overflow_rows]

    def _slots(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.intp]:
        return ((keys * self._MIX) >> np.uint64(64 - self._bits)).astype(np.intp)

    def rows(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        packed = self._table[self._slots(keys)]
        hit = ((packed ^ keys) >> np.uint64(32)) == 0
        found = np.where(hit, (packed & np.uint64(0xFFFFFFFF)).astype(np.int64) - 1, -1)
        missed = np.flatnonzero(found < 0)
        if len(missed) and len(self._overflow_keys):
            at = np.minimum(np.searchsorted(self._overflow_keys, keys[missed]), len(self._overflow_keys) - 1)
            known = self._overflow_keys[at] == keys[missed]
            found[missed[known]] = self._overflow_rows[at[known]]
        return found
