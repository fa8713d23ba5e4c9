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
# The largest stretches x features matrix scored at once (8 MB of float64).
_DENSE_CELLS = 1 << 20
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


def _check(
    classes: list[str],
    intercept: list[float],
    calibration: tuple[float, float],
    windows: Windows,
    threshold: float,
    thresholds: dict[str, float],
) -> None:
    """Refuse a model that would fail open or crash later: a NaN threshold never flags, a zero stride
    never ends. (The weights are checked where they are read.)"""
    if BENIGN not in classes or len(set(classes)) != len(classes) or len(intercept) != len(classes):
        raise ModelError(f"classes must be distinct, include {BENIGN!r} and match the intercepts")
    numbers = [*intercept, *calibration, threshold, *thresholds.values()]
    if not all(np.isfinite(numbers)) or calibration[0] <= 0:
        raise ModelError("intercepts, calibration and thresholds must be finite, the calibration slope positive")
    if not all(0 < t < 1 for t in (threshold, *thresholds.values())):
        raise ModelError("thresholds must lie between 0 and 1 (exclusive)")
    if not 0 < windows.stride <= windows.size:
        raise ModelError("windows need 0 < stride <= size")


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
        _check(classes, intercept, calibration, windows, threshold, thresholds or {})
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
        if not np.isfinite(rows).all() or (rows[:, 0] <= 0).any():
            raise ModelError("idfs must be positive and weights finite")
        order = np.argsort(keys)
        self._keys = keys[order]
        if len(self._keys) and bool((self._keys[1:] == self._keys[:-1]).any()):
            raise ModelError("two features share a key")
        self._idf = np.ascontiguousarray(rows[order, 0])
        self._weights = np.ascontiguousarray(rows[order, 1:])  # gathered by row: contiguous rows
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
        if not features:
            raise ModelError("the model has no features")
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
        """The whole text's verdict, then one per window when the text is longer than a window."""
        spans, scores, families = self.scored(prepared)
        return [
            Verdict(lo, hi, score, self.classes[family])
            for (lo, hi), score, family in zip(spans, scores, families, strict=True)
        ]

    def scored(self, prepared: Prepared) -> tuple[list[tuple[int, int]], list[float], list[int]]:
        """What :meth:`verdicts` says, as lists (stretches, scores, family indices into ``classes``):
        the classifier reads these without building a ``Verdict`` per window."""
        grams = text_features(prepared)
        ids = self._lookup(grams.keys)
        known = np.flatnonzero(ids >= 0)  # positions and takes: 2x faster than a scattered mask, twice
        spans = self._stretches(len(prepared.points))
        logits = self._stretch_logits(ids.take(known), grams.starts.take(known), len(spans))
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        probabilities = shifted / shifted.sum(axis=1, keepdims=True)
        scores = self._calibrated(probabilities[:, self.benign])
        probabilities[:, self.benign] = -1.0
        return spans, scores.tolist(), probabilities.argmax(axis=1).tolist()

    def _stretches(self, count: int) -> list[tuple[int, int]]:
        """The whole text, then the windows (none when the text fits in one)."""
        size, stride = self.windows.size, self.windows.stride
        windows = [(lo, min(lo + size, count)) for lo in range(0, count - size + stride, stride)]
        return [(0, count), *(windows if count > size else [])]

    def _cells(
        self, rows: npt.NDArray[np.int64], starts: npt.NDArray[np.int64], stretches: int
    ) -> npt.NDArray[np.int64]:
        """The (feature, stretch) cell, ``row << shift | stretch``, of each occurrence in each
        stretch holding its start: the whole text (stretch 0) holds them all, window w is stretch
        w + 1. An occurrence at s is in the windows s // stride - back for back = 0, 1... while the
        window exists and still reaches s. (Shifts and masks part a cell again; divisions cost more.)"""
        base = rows << _shift(stretches)
        windows = stretches - 1
        if not windows:
            return base
        size, stride = self.windows.size, self.windows.stride
        first = starts // stride
        cell = base + first + 1  # in window ``first``
        parts = [base]
        for back in range(-(-size // stride)):
            inside = first < windows + back
            if back:
                inside &= first >= back
                if back * stride > size - stride:  # the window may stop short of s: only then is it checked
                    inside &= starts < (first - back) * stride + size
            parts.append(cell[inside] - back if back else cell[inside])
        return np.concatenate(parts)

    def _stretch_logits(self, rows: npt.NDArray[np.int64], starts: npt.NDArray[np.int64], stretches: int) -> Floats:
        """Logits per stretch from the model rows and starts of the text's known n-grams.

        Sorted, the (feature, stretch) cells of the occurrences (:meth:`_cells`) are the non-zero
        cells of the count matrix, feature by feature, each run of equal cells one cell with its
        count; the features' ranks among the text's distinct ones number the matrix's columns. The
        tf-idf values and L2 norms are computed on those cells, and one product of the stretches x
        features matrix with the features' weights (gathered once, a small array that stays in
        cache) gives every stretch's logits. Products of per-occurrence weight rows would cost four
        times as much: numpy is slow on rows of eight. Past ``_DENSE_CELLS`` (a text of ~10,000
        characters), stretches are taken in blocks.

        The floating-point steps keep one order (norms summed cell by cell in feature order, as a
        bincount does; a product of the same shape and column order): the scores of benign texts hang
        on 1 - P(benign), where a last-bit change in a logit moves a score by ~1e-12."""
        logits = np.empty((stretches, len(self._intercept)))
        logits[:] = self._intercept
        if not len(rows):
            return logits
        shift = _shift(stretches)
        cells, counts = _counted(self._cells(rows, starts, stretches), len(self._idf) << shift)
        row = cells >> shift
        stretch = cells & ((1 << shift) - 1)
        # Where each feature's cells begin: its rank, repeated over them, numbers its column.
        edges = np.ones(len(row) + 1, dtype=bool)
        np.not_equal(row[1:], row[:-1], out=edges[1:-1])
        begins = np.flatnonzero(edges)
        distinct = row[begins[:-1]]
        features = len(distinct)
        column = np.repeat(np.arange(features), np.diff(begins))
        values = _sublinear(counts)
        values *= self._idf.take(row)
        norms = np.sqrt(np.bincount(stretch, values * values, minlength=stretches))
        values /= norms.take(stretch)
        weights = np.take(self._weights, distinct, axis=0)  # 3x faster than indexing, rows of eight
        block = max(1, _DENSE_CELLS // features)
        for first in range(0, stretches, block):
            count = min(block, stretches - first)
            mine = (stretch >= first) & (stretch < first + count) if stretches > block else slice(None)
            at = (stretch[mine] - first) * features
            at += column[mine]
            tfidf = np.zeros(count * features)
            tfidf[at] = values[mine]
            logits[first : first + count] += tfidf.reshape(count, features) @ weights
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
        return float(self._calibrated(probabilities[self.benign : self.benign + 1])[0])

    def _calibrated(self, benign: Floats) -> Floats:
        """Platt scaling of the attack log-odds, log(1 - P(benign)) - log(P(benign))."""
        log_odds = np.log(np.maximum(1.0 - benign, 1e-12)) - np.log(np.maximum(benign, 1e-12))
        calibrated: Floats = 1.0 / (1.0 + np.exp(-(self._slope * log_odds + self._offset)))
        return calibrated


def _counted(cells: npt.NDArray[np.int64], bound: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The distinct values of ``cells`` (all below ``bound``), ascending, and how often each occurs.

    A sort (32-bit when the values fit: numpy sorts those twice as fast) and its runs: a bincount
    over the whole count matrix would cost less to fill than its non-zeros to find."""
    narrow: npt.NDArray[np.signedinteger[Any]] = cells.astype(np.int32) if bound < 2**31 else cells
    ordered = np.sort(narrow)
    edges = np.ones(len(ordered) + 1, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=edges[1:-1])
    runs = np.flatnonzero(edges)
    # int64 again: numpy indexes 3x faster with intp than with int32 (and take beats [] by a fifth).
    return ordered.take(runs[:-1]).astype(np.int64), np.diff(runs)


def _shift(stretches: int) -> int:
    """Bits for a stretch's number in a cell."""
    return max(1, (stretches - 1).bit_length())


# 1 + log(count), scikit-learn's sublinear tf, looked up for the counts a text has (a log costs more).
_SUBLINEAR = 1.0 + np.log(np.maximum(np.arange(1024), 1))
_SUBLINEAR.flags.writeable = False


def _sublinear(counts: npt.NDArray[np.int64]) -> Floats:
    tf: Floats = _SUBLINEAR.take(counts, mode="clip")  # the counts past the table are clipped to its end...
    if len(counts) and counts.max() >= len(_SUBLINEAR):  # ...and computed
        big = counts >= len(_SUBLINEAR)
        tf[big] = 1.0 + np.log(counts[big])
    return tf


class _KeyTable:
    """Feature keys to rows, for a whole array of keys at once. A binary search of 6,000 keys among
    40,000 costs a millisecond in cache misses; here a gather or two settles every key.

    A cascade of direct-mapped tables, 16 slots per key: each slot one uint64 holding its key's upper
    32 bits and its row + 1 (0: empty). A key whose slot another key took first goes to the next level
    (another hash, sized to what is left), the few left after that to a sorted array. A key is looked
    for at the next level only if its slot here held another key: an empty slot settles it. A key
    the model does not know is taken for a known one only if it has the slot and the upper 32 bits of
    one (about 1 in 2**34 lookups per level)."""

    _MIXES = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93)
    slots_per_key = 16  # fewer keys go on to the next level: 16 measured faster than 8, 4 or 2

    def __init__(self, keys: npt.NDArray[np.uint64]) -> None:
        self._levels: list[tuple[np.uint64, int, npt.NDArray[np.uint64]]] = []
        rows = np.arange(len(keys))
        for mix in self._MIXES:
            if len(rows) < 64:
                break
            bits = max(4, int(len(rows) * self.slots_per_key).bit_length() - 1)
            slots = self._slots(keys[rows], np.uint64(mix), bits)
            owners = np.unique(slots, return_index=True)[1]  # the first key of each slot owns it
            table = np.zeros(1 << bits, dtype=np.uint64)
            upper = keys[rows[owners]] & np.uint64(0xFFFFFFFF00000000)
            table[slots[owners]] = upper | (rows[owners] + 1).astype(np.uint64)
            self._levels.append((np.uint64(mix), bits, table))
            rows = np.setdiff1d(rows, rows[owners])  # ascending, so are their keys
        self._rest_rows, self._rest_keys = rows, keys[rows]

    @staticmethod
    def _slots(keys: npt.NDArray[np.uint64], mix: np.uint64, bits: int) -> npt.NDArray[np.intp]:
        return ((keys * mix) >> np.uint64(64 - bits)).astype(np.intp)  # Fibonacci hashing: the top bits

    def rows(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        """Each key's row, -1 for the unknown. Level one asks about every key without an index of
        them, in place where it can: each numpy pass over the 6,000 keys of a prompt costs ~5 us."""
        found: npt.NDArray[np.int64] | None = None
        pending: npt.NDArray[np.intp] | None = None  # None: every key
        asked = keys
        for mix, bits, table in self._levels:
            slots = asked * mix
            slots >>= np.uint64(64 - bits)  # Fibonacci hashing: the top bits
            packed = table.take(slots.view(np.int64))
            rows = (packed & np.uint64(0xFFFFFFFF)).view(np.int64)
            rows -= 1  # an empty slot reads -1: unknown
            further = rows >= 0
            packed ^= asked
            packed >>= np.uint64(32)
            other = packed != 0  # the slot holds another key, or is empty
            np.putmask(rows, other, -1)  # 2x faster than rows[other] = -1
            further &= other  # another key's slot: the key may be at the next level
            if found is None:
                found = rows
            else:
                found[pending] = rows
            ahead = np.flatnonzero(further)
            if not len(ahead):
                return found
            pending = ahead if pending is None else pending[ahead]
            asked = asked[ahead]
        if found is None or pending is None:
            found, pending = np.full(len(keys), -1, dtype=np.int64), np.arange(len(keys))
        if len(self._rest_keys):
            at = np.minimum(np.searchsorted(self._rest_keys, asked), len(self._rest_keys) - 1)
            known = self._rest_keys[at] == asked
            found[pending[known]] = self._rest_rows[at[known]]
        return found
