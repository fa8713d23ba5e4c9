"""Train the injection classifier: ``python -m detectors.injection_train`` (needs the dev extras).

Reproducible from the repository alone: the data are ``loadtests/data/injection/*.jsonl`` (sources
and licences in that folder's README), the split is fixed by a hash of each text, the solver is
deterministic, and the model file records the data files' SHA-256, the seed and the settings.

- **train** (70%): the vocabulary and the weights;
- **validation** (15%): the Platt calibration of the attack score and the default threshold;
- **test** (15%): never read here; ``python -m loadtests.eval_injection`` reports it.

A company retrains on its own examples by adding a JSON Lines file of ``{"text", "label",
"family"}`` objects (the families in ``ATTACK_FAMILIES``, or ``benign_*``) and passing ``--data``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from detectors.injection_features import feature_names, prepare, text_features
from detectors.injection_model import BENIGN, FORMAT, InjectionModel, Windows

DATA_DIR = Path("loadtests/data/injection")
DATA_FILES = ("train.jsonl", "own.jsonl")
OUTPUT = Path("detectors/data/injection_model.json")
SEED = 16
ATTACK_FAMILIES = (
    "instruction_override", "roleplay_jailbreak", "dan_roleplay", "system_prompt_extraction",
    "obfuscation", "indirect_injection", "adversarial_suffix",
)  # fmt: skip
WINDOWS = Windows(size=600, stride=300)


@dataclass(frozen=True)
class Settings:
    c: float = 8.0  # inverse L2 strength of the logistic regression
    max_features: int = 40_000  # the strongest n-grams kept (the file stays reviewable and small)
    min_df: int = 2  # an n-gram seen in one training text only is noise
    max_fpr: float = 0.005  # the default threshold lets at most this share of validation benign texts through


@dataclass(frozen=True)
class Example:
    text: str
    label: int
    family: str
    split: str

    @property
    def target(self) -> str:
        return self.family if self.label else BENIGN


def split_of(text: str) -> str:
    bucket = int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "train" if bucket < 70 else "validation" if bucket < 85 else "test"


def load_examples(paths: Sequence[Path]) -> list[Example]:
    examples: list[Example] = []
    for path in paths:
        with path.open(encoding="utf-8") as lines:
            for n, line in enumerate(lines, 1):
                row = json.loads(line)
                label, family = int(row["label"]), str(row["family"])
                if label not in (0, 1) or (label == 1) != (family in ATTACK_FAMILIES):
                    raise ValueError(f"{path}:{n}: label {label} does not fit family {family!r}")
                examples.append(Example(row["text"], label, family, split_of(row["text"])))
    return examples


class Counts:
    """n-gram counts of every example over one vocabulary (all keys seen anywhere); a fit
    keeps the columns its own training rows use."""

    def __init__(self, examples: Sequence[Example]) -> None:
        from scipy import sparse

        per_text = [text_features(prepare(e.text)).keys for e in examples]
        self.keys, inverse = np.unique(np.concatenate(per_text), return_inverse=True)
        lengths = np.array([len(k) for k in per_text])
        rows = np.repeat(np.arange(len(examples)), lengths)
        matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, inverse.ravel())), shape=(len(examples), len(self.keys)))
        matrix.sum_duplicates()
        self.matrix = matrix


def fit(counts: Counts, targets: Sequence[str], rows: npt.NDArray[np.int64], settings: Settings) -> InjectionModel:
    """Weights from the given rows; calibration is the identity and the threshold 0.5 until
    :func:`calibrate` sets them."""
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    x = counts.matrix[rows]
    y = [targets[i] for i in rows]
    cols = np.flatnonzero(np.asarray((x > 0).sum(axis=0)).ravel() >= settings.min_df)
    for _ in range(2):  # once on all columns, once on the strongest
        tfidf = TfidfTransformer(sublinear_tf=True).fit(x[:, cols])
        model = LogisticRegression(C=settings.c, max_iter=5000, random_state=SEED)
        model.fit(tfidf.transform(x[:, cols]), y)
        if len(cols) <= settings.max_features:
            break
        strength = np.abs(model.coef_).max(axis=0)
        cols = np.sort(cols[np.argsort(-strength, kind="stable")[: settings.max_features]])
    table = np.column_stack([tfidf.idf_, model.coef_.T])
    classes = [str(c) for c in model.classes_]
    return InjectionModel(classes, counts.keys[cols], table, list(model.intercept_), (1.0, 0.0), WINDOWS, 0.5)


def log_odds(model: InjectionModel, texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """Per text, the strongest (whole text or window) attack log-odds before calibration."""
    scores = [max(v.score for v in model.verdicts(prepare(t))) for t in texts]
    clipped = np.clip(np.asarray(scores), 1e-12, 1 - 1e-12)
    return np.log(clipped) - np.log1p(-clipped)  # type: ignore[no-any-return]


def calibrate(model: InjectionModel, texts: Sequence[str], labels: Sequence[int], settings: Settings) -> InjectionModel:
    """Platt scaling fitted on held-out texts, and the threshold their benign texts allow."""
    from sklearn.linear_model import LogisticRegression

    z = log_odds(model, texts)
    platt = LogisticRegression(C=1e4).fit(z.reshape(-1, 1), labels)
    slope, offset = float(platt.coef_[0][0]), float(platt.intercept_[0])
    calibrated = 1.0 / (1.0 + np.exp(-(slope * z + offset)))
    benign = np.sort(calibrated[np.asarray(labels) == 0])
    allowed = int(np.floor(len(benign) * settings.max_fpr))
    # Just above the benign score that would be one too many over the threshold.
    threshold = max(0.5, float(benign[-allowed - 1]) + 1e-6) if len(benign) else 0.5
    return model.recalibrated((slope, offset), min(threshold, 0.999))


def model_dict(model: InjectionModel, names: dict[int, str], provenance: dict[str, Any]) -> dict[str, Any]:
    keys, table = model.table()
    features = {names[int(k)]: [float(f"{v:.6g}") for v in row] for k, row in zip(keys, table, strict=True)}
    return {
        "format": FORMAT,
        "trained": provenance,
        "classes": model.classes,
        "intercept": [float(f"{v:.8g}") for v in model.intercept],
        "calibration": {"slope": model.calibration[0], "intercept": model.calibration[1]},
        "windows": {"size": model.windows.size, "stride": model.windows.stride},
        "threshold": round(model.threshold, 6),
        "features": dict(sorted(features.items())),
    }


def render(model: dict[str, Any]) -> str:
    """JSON with one feature per line: a reviewer reads (and diffs) the weights line by line."""
    head = {k: v for k, v in model.items() if k != "features"}
    lines = [json.dumps(name, ensure_ascii=False) + ":" + json.dumps(row) for name, row in model["features"].items()]
    return json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n"features": {\n' + ",\n".join(lines) + "\n}}\n"


def names_of(keys: npt.NDArray[np.uint64], texts: Sequence[str]) -> dict[int, str]:
    """The readable name of every kept key, found in the texts the model was trained on."""
    wanted = set(keys.tolist())
    names: dict[int, str] = {}
    for text in texts:
        for key, name in feature_names(prepare(text).text).items():
            if key in wanted:
                names[key] = name
        if len(names) == len(wanted):
            break
    if missing := len(wanted) - len(names):
        raise RuntimeError(f"{missing} feature keys have no name: the features module drifted")
    return names


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train(paths: Sequence[Path], settings: Settings) -> dict[str, Any]:
    examples = load_examples(paths)
    counts = Counts(examples)
    targets = [e.target for e in examples]
    train_rows = np.array([i for i, e in enumerate(examples) if e.split == "train"], dtype=np.int64)
    held = [e for e in examples if e.split == "validation"]
    model = fit(counts, targets, train_rows, settings)
    model = calibrate(model, [e.text for e in held], [e.label for e in held], settings)
    keys, _ = model.table()
    provenance = {
        "command": "python -m detectors.injection_train",
        "data": [{"file": str(p), "sha256": sha256(p)} for p in paths],
        "rows": {s: sum(e.split == s for e in examples) for s in ("train", "validation", "test")},
        "seed": SEED,
        "settings": vars(settings),
        "scikit_learn": _sklearn_version(),
    }
    return model_dict(model, names_of(keys, [examples[i].text for i in train_rows]), provenance)


def _sklearn_version() -> str:
    import sklearn

    return str(sklearn.__version__)


def default_paths() -> list[Path]:
    return [DATA_DIR / name for name in DATA_FILES if (DATA_DIR / name).exists()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m detectors.injection_train", description=__doc__)
    parser.add_argument("--data", type=Path, nargs="+", help="JSON Lines files (default: loadtests/data/injection)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("training needs scikit-learn: pip install -e '.[dev]'", file=sys.stderr)
        return 2
    args.output.write_text(render(train(args.data or default_paths(), Settings())), encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
