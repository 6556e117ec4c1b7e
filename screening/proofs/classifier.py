"""Two small, measured text classifiers for rule wording: does a sentence send the person to the
police, the hotline or Prevent (CK022), and does a concern question read like a circumstance (CK026).

A fixed phrase list is beaten by the first rewording ("report them to counter-terrorism police" was
not on it).  These are TF-IDF + logistic regression models fitted with scikit-learn on labelled sets
kept in ``tests/data`` (``tests/train_classifiers.py``), each measured on a held-out part written
at the same time and never used to fit (precision and recall in the README).  The fitted weights are
data (``screening/data/*.json``); this module only does the arithmetic, so a lint neither imports
scikit-learn (seconds to load) nor depends on it at run time.  A test checks the stored weights are
what training gives today and that this arithmetic agrees with scikit-learn's to 1e-9.

Features are words and word pairs after :func:`screening.proofs.language.marked`: a ``START_`` feature for
the first word of each sentence or clause (an instruction starts with its verb) and ``NOT_`` on every
word after a negation in its clause, so "do not report this to the police" reads differently from
"report this to the police"; and, where cross-validation on the training part preferred them, the
letter 4- and 5-grams of each word, so an unseen form of a known word still counts.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .language import marked, tokens

DATA = Path(__file__).resolve().parents[1] / "data"  # the models sit with the other data files
#: Sentence -> does it refer or report the person to the police, the hotline, Prevent or Channel.
ROUTE = "route_model"
#: Question or definition -> does it describe a circumstance (not something the person said or did).
CIRCUMSTANCE = "circumstance_model"


def features(text: str, chars: tuple[int, ...] = ()) -> list[str]:
    """Marked words and adjacent pairs of them, and with ``chars`` the letter n-grams of each word
    ('c: wea', so 'weapons' and 'stockpiled weapon' share features): the vectoriser's analyser at
    training time too."""
    words = marked(text)
    out = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
    for t in tokens(text):
        w = f" {t.norm} "
        out += [f"c:{w[i:i + n]}" for n in chars for i in range(len(w) - n + 1)]
    return out


@dataclass(frozen=True)
class Model:
    """A fitted TF-IDF + logistic regression model: per feature its idf and its coefficient."""

    name: str
    weights: dict[str, tuple[float, float]]
    intercept: float
    threshold: float
    chars: tuple[int, ...] = ()  # letter n-gram sizes, when cross-validation chose them

    def probability(self, text: str) -> float:
        """P(positive class), exactly as scikit-learn's predict_proba computes it."""
        counts = Counter(f for f in features(text, self.chars) if f in self.weights)
        values = {f: (1.0 + math.log(c)) * self.weights[f][0] for f, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values()))
        z = self.intercept
        if norm > 0:
            z += sum(v / norm * self.weights[f][1] for f, v in values.items())
        return 1.0 / (1.0 + math.exp(-z))

    def says(self, text: str) -> bool:
        """Whether the text is in the positive class."""
        return self.probability(text) >= self.threshold


@functools.cache
def model(name: str) -> Model:
    """A stored model, read once."""
    raw = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return Model(name=name, weights={f: (float(i), float(c)) for f, (i, c) in raw["weights"].items()},
                 intercept=float(raw["intercept"]), threshold=float(raw["threshold"]),
                 chars=tuple(int(n) for n in raw.get("chars", ())))
