"""The wording classifiers: stored weights are what training gives, the runtime arithmetic is
scikit-learn's, and each is measured on held-out labelled data it was never fitted on."""

from __future__ import annotations

import json

import pytest
import train_classifiers as tc
from rulefiles import RULES

from screening import load
from screening.proofs.classifier import CIRCUMSTANCE, DATA, ROUTE, features, model
from screening.proofs.language import marked
from screening.proofs.routes import sends_onwards
from screening.proofs.structure import circumstance_questions, reads_as_circumstance


def precision_recall(predicted: list[bool], labels: list[int]) -> tuple[float, float]:
    tp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and y)
    fp = sum(1 for p, y in zip(predicted, labels, strict=True) if p and not y)
    fn = sum(1 for p, y in zip(predicted, labels, strict=True) if y and not p)
    return tp / (tp + fp), tp / (tp + fn)


@pytest.fixture(scope="module")
def fitted() -> dict[str, tuple[object, float, tuple[int, ...]]]:
    return {name: tc.fit(name) for name in tc.SETS}


@pytest.mark.parametrize("name", [ROUTE, CIRCUMSTANCE])
def test_stored_weights_are_what_training_gives_today(name: str, fitted: dict) -> None:
    # editing a labelled set without re-running tests/train_classifiers.py fails here
    pipe, c, chars = fitted[name]
    fresh = tc.export(pipe, c, chars)
    stored = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    assert (stored["C"], stored["chars"], stored["threshold"]) == (fresh["C"], fresh["chars"],
                                                                  fresh["threshold"])
    assert stored["weights"].keys() == fresh["weights"].keys()
    assert stored["intercept"] == pytest.approx(fresh["intercept"], abs=1e-9)
    for f, (idf, coef) in fresh["weights"].items():
        assert stored["weights"][f] == pytest.approx([idf, coef], abs=1e-9), f


@pytest.mark.parametrize("name", [ROUTE, CIRCUMSTANCE])
def test_runtime_arithmetic_is_scikit_learns(name: str, fitted: dict) -> None:
    pipe = fitted[name][0]
    texts = tc.labelled(name, "train")[0] + tc.labelled(name, "heldout")[0] + ["", "Unseen words only."]
    expected = pipe.predict_proba(texts)[:, 1]
    assert [model(name).probability(t) for t in texts] == pytest.approx(list(expected), abs=1e-9)


def test_route_classifier_on_held_out_sentences() -> None:
    # the whole CK022 decision: each sentence, whole and clause by clause
    texts, labels = tc.labelled(ROUTE, "heldout")
    p, r = precision_recall([bool(sends_onwards(t)) for t in texts], labels)
    print(f"route classifier, {len(texts)} held-out sentences: precision {p:.3f}, recall {r:.3f}")
    assert p >= 0.95 and r >= 0.95  # measured 0.968 and 1.000 (README)


def test_circumstance_check_on_held_out_questions() -> None:
    # the whole CK026 decision: the rule set's own context questions, then the classifier
    own = circumstance_questions(load(RULES, check=False))
    texts, labels = tc.labelled(CIRCUMSTANCE, "heldout")
    p, r = precision_recall([bool(reads_as_circumstance(t, own)) for t in texts], labels)
    print(f"circumstance check, {len(texts)} held-out questions: precision {p:.3f}, recall {r:.3f}")
    assert p >= 0.90 and r >= 0.95  # measured 0.938 and 1.000 (README)


def test_held_out_sentences_are_not_in_training() -> None:
    for name in tc.SETS:
        assert not set(tc.labelled(name, "train")[0]) & set(tc.labelled(name, "heldout")[0])


def test_negation_is_marked_to_the_end_of_its_clause() -> None:
    assert marked("Do not call 999; email the Prevent Lead.") == [
        "START_do", "do", "not", "NOT_call", "NOT_999", "START_email", "email", "the", "prevent",
        "lead"]
    assert "NOT_police" in features("Do not report this to the police.")
    assert "NOT_police" not in features("Report this to the police.")


@pytest.mark.parametrize("sentence", [
    "Report the person to counter-terrorism police.",
    "Send a Prevent referral today.",
    "Phone the Anti-Terrorism Hotline with the person's details.",
    "Pass their details to the police.",
])
def test_referrals_and_reports_are_read_as_routes(sentence: str) -> None:
    assert model(ROUTE).says(sentence)


@pytest.mark.parametrize("sentence", [
    "If in doubt, call the Prevent Lead.",
    "Do not report this to the police.",
    "A Prevent referral never replaces a children's safeguarding referral.",
    "Consider a safeguarding, early help, mental-health or housing referral.",
])
def test_support_and_refusals_are_not(sentence: str) -> None:
    assert not model(ROUTE).says(sentence)
