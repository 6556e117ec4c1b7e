"""Fit the wording classifiers (screening/proofs/classifier.py) on their labelled sets and store the weights.

    .venv/bin/python tests/train_classifiers.py          # refit both, rewrite screening/data/*.json

Run it after editing tests/data/route_sentences.yaml or tests/data/circumstance_questions.yaml
(tests/test_classifiers.py fails while the stored weights are stale).  Only the 'train' part fits;
the regularisation C is chosen by 5-fold cross-validation on it; 'heldout' is only ever measured.
scikit-learn is a development dependency: the product reads the stored weights.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from screening.proofs.classifier import CIRCUMSTANCE, DATA, ROUTE, features  # noqa: E402

#: model name -> (labelled set, positive label, negative label)
SETS = {ROUTE: ("route_sentences.yaml", "route", "support"),
        CIRCUMSTANCE: ("circumstance_questions.yaml", "circumstance", "concern")}
C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
THRESHOLD = 0.5


def labelled(name: str, part: str) -> tuple[list[str], list[int]]:
    """(texts, labels 1/0) of one part ('train' or 'heldout') of a model's labelled set."""
    file, pos, neg = SETS[name]
    data = yaml.safe_load((ROOT / "tests" / "data" / file).read_text(encoding="utf-8"))[part]
    texts = list(data[pos]) + list(data[neg])
    return texts, [1] * len(data[pos]) + [0] * len(data[neg])


CHAR_GRID: tuple[tuple[int, ...], ...] = ((), (4, 5))


class Analyser:
    """features() with fixed letter n-gram sizes (a class, so the pipeline can be cloned)."""

    def __init__(self, chars: tuple[int, ...]):
        self.chars = chars

    def __call__(self, text: str) -> list[str]:
        return features(text, self.chars)


def pipeline(c: float, chars: tuple[int, ...]) -> Pipeline:
    return Pipeline([("tfidf", TfidfVectorizer(analyzer=Analyser(chars), sublinear_tf=True)),
                     ("lr", LogisticRegression(C=c, class_weight="balanced", solver="liblinear",
                                               random_state=0))])


def fit(name: str) -> tuple[Pipeline, float, tuple[int, ...]]:
    """The pipeline fitted on the training part, with C and the features chosen by cross-validated
    F1 on that part alone."""
    texts, labels = labelled(name, "train")
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    scores = {(c, chars): cross_val_score(pipeline(c, chars), texts, labels, cv=folds,
                                          scoring="f1").mean()
              for c in C_GRID for chars in CHAR_GRID}
    c, chars = max(scores, key=lambda k: (round(scores[k], 6), -len(k[1]), -k[0]))
    return pipeline(c, chars).fit(texts, labels), c, chars


def export(pipe: Pipeline, c: float, chars: tuple[int, ...]) -> dict[str, Any]:
    """The weights as the runtime reads them: feature -> [idf, coefficient]."""
    vec: TfidfVectorizer = pipe.named_steps["tfidf"]
    lr: LogisticRegression = pipe.named_steps["lr"]
    coef = lr.coef_[0]
    weights = {f: [float(vec.idf_[i]), float(coef[i])] for f, i in sorted(vec.vocabulary_.items())}
    return {"C": c, "chars": list(chars), "threshold": THRESHOLD,
            "intercept": float(lr.intercept_[0]), "weights": weights}


def main() -> None:
    for name in SETS:
        pipe, c, chars = fit(name)
        path = DATA / f"{name}.json"
        path.write_text(json.dumps(export(pipe, c, chars), indent=0, sort_keys=True) + "\n",
                        encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: C={c}, letter n-grams {list(chars)}, "
              f"{len(pipe.named_steps['tfidf'].vocabulary_)} features")


if __name__ == "__main__":
    main()
