"""Train the injection classifier: ``python -m detectors.injection_train`` (needs the dev extras).

Reproducible from the repository alone: the data are ``loadtests/data/injection/*.jsonl`` (sources
and licences in that folder's README), the split is fixed by a hash of each text, the solver is
deterministic, and the model file records the data files' SHA-256, the seed and the settings.

- **train** (70%) and **validation** (15%): the calibration and thresholds come from their
  out-of-fold scores (stratified group K-fold: each row scored by a model that did not see it), then
  the shipped weights are fitted on both;
- **test** (15%): never read here; ``python -m loadtests.eval_injection --test`` reports it.

The project's own additions (``own*.jsonl``, see ``TRAIN_ONLY``) only train (and are scored out of
fold). A company retrains on its own examples by adding a JSON Lines file of ``{"text", "label",
"family"}`` objects (the families in ``ATTACK_FAMILIES``, or ``benign_*``) and passing ``--data``.
The model file keeps word n-grams seen in two or more training texts, readable: a company's own
examples should hold nothing it would not publish inside the model file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from detectors.injection_classifier import FAMILY_TYPES, INDIRECT
from detectors.injection_features import feature_names, prepare, text_features
from detectors.injection_model import BENIGN, FORMAT, InjectionModel, Windows
from detectors.injection_pieces import pieces_of

DATA_DIR = Path("loadtests/data/injection")
DATA_FILES = ("train.jsonl", "own.jsonl", "own2.jsonl", "own3.jsonl", "own4.jsonl", "own5.jsonl", "own6.jsonl")
# Files that only train: the project's own (own.jsonl plants each of its sentences in two documents and
# builds documents from shared templates, so a split by text would put near-twins on both sides and
# flatter the held-out figures). Validation and test come from train.jsonl alone; the blind set judges the rest.
TRAIN_ONLY = frozenset({"own.jsonl", "own2.jsonl", "own3.jsonl", "own4.jsonl", "own5.jsonl", "own6.jsonl"})
_WORDS = re.compile(r"\w+")
OUTPUT = Path("detectors/data/injection_model.json")
SEED = 16
ATTACK_FAMILIES = (
    "instruction_override",
    "roleplay_jailbreak",
    "dan_roleplay",
    "system_prompt_extraction",
    "obfuscation",
    "indirect_injection",
    "adversarial_suffix",
)


@dataclass(frozen=True)
class Settings:
    c: float = 100.0  # inverse L2 strength of the logistic regression
    max_features: int = 40_000  # the strongest n-grams kept (the file stays reviewable, the tables in cache)
    # Long texts are scored in windows of this many characters, every half window; training learns
    # from document pieces of the same size (pieces_of).
    window: int = 200
    min_df: int = 2  # an n-gram seen in one training text only is noise
    # Shares of benign prompts and of benign documents the default thresholds let through (out of fold):
    # three quarters of the 1% and 2% the issue allows, a margin for text unlike the training data.
    max_fpr: float = 0.0075
    max_fpr_documents: float = 0.015
    folds: int = 5
    balanced: bool = True  # weigh classes inversely to their size (thin families count as much as big ones)
    # Benign documents are written like the indirect attacks' carriers (same requests, same corpus) and
    # are five times fewer: weighed up, the document's style stops being evidence, the planted text is.
    document_weight: float = 5.0


@dataclass(frozen=True)
class Example:
    text: str
    label: int
    family: str
    split: str
    origin: str = ""  # the data file's name
    source: str = ""
    planted: str = ""  # an indirect positive's instruction, as it stands in the text (own.jsonl)

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
                split = "train" if path.name in TRAIN_ONLY else split_of(row["text"])
                source, planted = str(row.get("source", "")), str(row.get("planted", ""))
                examples.append(Example(row["text"], label, family, split, path.name, source, planted))
    return examples


class Counts:
    """n-gram counts of every example, and of the pieces training adds (see :func:`pieces_of`), over
    one vocabulary (all keys seen anywhere); a fit keeps the columns its own training rows use.
    Rows ``[0, examples)`` are the examples; a piece's row names its example in ``parent``."""

    def __init__(self, examples: Sequence[Example], window: int) -> None:
        from scipy import sparse

        pieces = [(i, p) for i, e in enumerate(examples) for p in pieces_of(e.text, e.family, e.planted, window)]
        texts = [e.text for e in examples] + [p.text for _, p in pieces]
        self.examples = len(examples)
        self.targets = np.array([e.target for e in examples] + [p.target for _, p in pieces])
        self.families = np.array([e.family for e in examples] + [p.family for _, p in pieces])
        self.parent = np.array([-1] * len(examples) + [i for i, _ in pieces], dtype=np.int64)
        per_text = [text_features(prepare(text)).keys for text in texts]
        self.keys, inverse = np.unique(np.concatenate(per_text), return_inverse=True)
        lengths = np.array([len(k) for k in per_text])
        rows = np.repeat(np.arange(len(texts)), lengths)
        matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, inverse.ravel())), shape=(len(texts), len(self.keys)))
        matrix.sum_duplicates()
        self.matrix = matrix

    def with_pieces(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """The rows and the pieces of their examples: a piece trains only where its example does."""
        return np.concatenate([rows, np.flatnonzero(np.isin(self.parent, rows))]).astype(np.int64)


def fit(counts: Counts, rows: npt.NDArray[np.int64], settings: Settings) -> InjectionModel:
    """Weights from the given examples' rows and their pieces; calibration is the identity and the
    threshold 0.5 until :meth:`InjectionModel.recalibrated` sets them."""
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression

    rows = counts.with_pieces(rows)
    x = counts.matrix[rows]
    y = counts.targets[rows]
    weight = np.where(counts.families[rows] == "benign_document", settings.document_weight, 1.0)
    cols = np.flatnonzero(np.asarray((x > 0).sum(axis=0)).ravel() >= settings.min_df)
    for _ in range(2):  # once on all columns, once on the strongest
        tfidf = TfidfTransformer(sublinear_tf=True).fit(x[:, cols])
        weights = "balanced" if settings.balanced else None
        model = LogisticRegression(C=settings.c, max_iter=5000, random_state=SEED, class_weight=weights)
        # One thread: scikit-learn's loss sums over OpenMP threads in a varying order, and those last-bit
        # differences steer the solver to other weights (thresholds moved from 0.83 to 0.87 between runs).
        with threadpool_limits(limits=1):
            model.fit(tfidf.transform(x[:, cols]), y, sample_weight=weight)
        if len(cols) <= settings.max_features:
            break
        strength = np.abs(model.coef_).max(axis=0)
        cols = np.sort(cols[np.argsort(-strength, kind="stable")[: settings.max_features]])
    coef, intercept = model.coef_, model.intercept_
    if coef.shape[0] == 1:  # two classes: one weight vector, for the second; softmax([0, z]) = sigmoid(z)
        coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], intercept])
    table = np.column_stack([tfidf.idf_, coef.T])
    classes = [str(c) for c in model.classes_]
    windows = Windows(settings.window, settings.window // 2)
    return InjectionModel(classes, counts.keys[cols], table, list(intercept), (1.0, 0.0), windows, 0.5)


# Per text, each verdict's (entity type, log-odds before calibration).
Scores = list[list[tuple[str, float]]]


def verdict_scores(model: InjectionModel, texts: Sequence[str]) -> Scores:
    """Every verdict (whole text and windows) of each text, as uncalibrated log-odds."""
    out: Scores = []
    for text in texts:
        verdicts = model.verdicts(prepare(text)) if text.strip() else []
        out.append([(FAMILY_TYPES[v.family], _logit(v.score)) for v in verdicts])
    return out


def _logit(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return float(np.log(p) - np.log1p(-p))


def groups_of(examples: Sequence[Example]) -> list[int]:
    """Cross-validation groups: rows of a train-only file that are mostly the same text (word 5-gram
    Jaccard >= 0.5) are one group: own.jsonl builds documents from shared carriers and personas from
    shared parts, and a fold must not hold one twin and train on the other. (A planted sentence used in
    two different carriers does not join them.) Every other row is a group of its own."""
    parent = list(range(len(examples)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    grams: dict[int, set[tuple[str, ...]]] = {}
    holders: dict[tuple[str, ...], list[int]] = {}
    for i, example in enumerate(examples):
        if example.origin in TRAIN_ONLY:
            words = _WORDS.findall(example.text.lower())
            grams[i] = {tuple(words[k : k + 5]) for k in range(max(1, len(words) - 4))}
            for gram in grams[i]:
                holders.setdefault(gram, []).append(i)
    for i, mine in grams.items():
        for j in sorted({j for gram in mine for j in holders[gram] if j < i}):
            if len(mine & grams[j]) >= 0.5 * len(mine | grams[j]):
                parent[root(i)] = root(j)
    # Each group named by its first row, whatever order the joins came in: the folds depend on the names,
    # and string hashing (so set order) differs from process to process.
    first: dict[int, int] = {}
    return [first.setdefault(root(i), i) for i in range(len(examples))]


def out_of_fold(counts: Counts, examples: Sequence[Example], rows: npt.NDArray[np.int64], settings: Settings) -> Scores:
    """Each row's verdict scores from a model that did not train on it (stratified group K-fold)."""
    from sklearn.model_selection import StratifiedGroupKFold

    pool = [examples[i] for i in rows]
    folds = StratifiedGroupKFold(n_splits=settings.folds, shuffle=True, random_state=SEED)
    scores: Scores = [[] for _ in rows]
    for fit_at, held_at in folds.split(np.zeros(len(pool)), [e.target for e in pool], groups_of(pool)):
        model = fit(counts, rows[fit_at], settings)
        for at, found in zip(held_at, verdict_scores(model, [pool[i].text for i in held_at]), strict=True):
            scores[at] = found
    return scores


@dataclass(frozen=True)
class Choice:
    calibration: tuple[float, float]
    threshold: float  # direct attacks
    thresholds: dict[str, float]  # per entity type where it differs (INJECTION_INDIRECT)


def choose(scores: Scores, examples: Sequence[Example], settings: Settings) -> Choice:
    """Platt scaling of the strongest verdict per text, then the thresholds the benign texts allow:
    INJECTION_INDIRECT at ``max_fpr_documents`` of benign documents, the direct types at
    ``max_fpr`` of the other benign texts (counting what the indirect threshold already lets through)."""
    from sklearn.linear_model import LogisticRegression

    labels = np.array([e.label for e in examples])
    strongest = np.array([max((z for _, z in found), default=-30.0) for found in scores])
    platt = LogisticRegression(C=1e4).fit(strongest.reshape(-1, 1), labels)
    slope, offset = float(platt.coef_[0][0]), float(platt.intercept_[0])

    def best(found: list[tuple[str, float]], indirect: bool) -> float:
        z = max((z for t, z in found if (t == INDIRECT) == indirect), default=-30.0)
        return float(1.0 / (1.0 + np.exp(-(slope * z + offset))))

    benign = [(found, e) for found, e in zip(scores, examples, strict=True) if e.label == 0]
    documents = [best(found, True) for found, e in benign if e.family == "benign_document"]
    indirect_at = _allowing(documents, settings.max_fpr_documents)
    others = [(best(f, False), best(f, True)) for f, e in benign if e.family != "benign_document"]
    already = [d for d, i in others if i < indirect_at]
    allowed = settings.max_fpr * len(others) - (len(others) - len(already))
    direct_at = _allowing(already, max(allowed, 0.0) / max(len(already), 1))
    return Choice((slope, offset), direct_at, {INDIRECT: indirect_at})


def _allowing(benign_scores: Sequence[float], share: float) -> float:
    """The lowest threshold (at least 0.5) that at most ``share`` of the scores reach."""
    ordered = np.sort(np.asarray(benign_scores))[::-1]
    allowed = int(np.floor(len(ordered) * share))
    if len(ordered) <= allowed:
        return 0.5
    return float(min(max(0.5, ordered[allowed] + 1e-6), 0.999))


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
        "thresholds": {k: round(v, 6) for k, v in sorted(model.thresholds.items())},
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
                names.setdefault(key, name)  # the first text's: the same name whatever the process
        if len(names) == len(wanted):
            break
    if missing := len(wanted) - len(names):
        raise RuntimeError(f"{missing} feature keys have no name: the features module drifted")
    return names


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train(paths: Sequence[Path], settings: Settings) -> dict[str, Any]:
    """Weights from the train and validation splits (and the train-only files), calibration and
    thresholds from those rows' out-of-fold scores; the test split is not touched."""
    hashes = [{"file": str(p), "sha256": sha256(p)} for p in paths]  # before reading: files may still change
    examples = load_examples(paths)
    counts = Counts(examples, settings.window)
    rows = np.array([i for i, e in enumerate(examples) if e.split != "test"], dtype=np.int64)
    scores = out_of_fold(counts, examples, rows, settings)
    choice = choose(scores, [examples[i] for i in rows], settings)
    model = fit(counts, rows, settings)
    model = model.recalibrated(choice.calibration, choice.threshold, choice.thresholds)
    keys, _ = model.table()
    provenance = {
        "command": "python -m detectors.injection_train",
        "data": hashes,
        "rows": {s: sum(e.split == s for e in examples) for s in ("train", "validation", "test")},
        "seed": SEED,
        "settings": vars(settings),
        "scikit_learn": _sklearn_version(),
    }
    return model_dict(model, names_of(keys, [examples[i].text for i in rows]), provenance)


def _sklearn_version() -> str:
    import sklearn

    return str(sklearn.__version__)


def default_paths() -> list[Path]:
    return [DATA_DIR / name for name in DATA_FILES if (DATA_DIR / name).exists()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m detectors.injection_train", description=__doc__)
    parser.add_argument("--data", type=Path, nargs="+", help="JSON Lines files (default: loadtests/data/injection)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--folds", type=int, default=Settings.folds, help="cross-validation folds for the thresholds")
    args = parser.parse_args(argv)
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("training needs scikit-learn: pip install -e '.[dev]'", file=sys.stderr)
        return 2
    settings = Settings(folds=args.folds)
    args.output.write_text(render(train(args.data or default_paths(), settings)), encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
