"""The fairness lint covers factor wording too, and one matcher serves rules, scenarios and notes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rulefiles import RULES, copy_rules, line_of_text

from screening import RuleSetError, load
from screening.proofs.fairness import find_terms, matcher


def test_factor_introduction_naming_a_faith_is_rejected(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"Think about what you saw or heard yourself, not about who the person is.":
                              "Think about whether they have started attending the mosque."})
    with pytest.raises(RuleSetError) as info:
        load(d)
    (p,) = [p for p in info.value.problems if p.code == "CK008"]
    assert p.line == line_of_text(d / "ruleset.yaml", "- id: engagement")
    assert p.message.startswith("the introduction of factor 'engagement' uses 'mosque' (religion or belief)")


def test_allowed_phrase_is_exempt_only_where_it_stands() -> None:
    fair = load(RULES).fairness
    assert fair is not None
    assert find_terms(fair, "They were the victim of a hate crime.") == []
    assert [(t, c.category) for t, c in find_terms(fair, "a hate crime after a change in Religion")] == [
        ("Religion", "religion or belief")]
    assert find_terms(fair, "a conversation about football") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("They go to two mosques", ["mosques"]),
    ("helping refugees", ["refugees"]),
    ("talks about migrants", ["migrants"]),
    ("she prayed", ["prayed"]),
    ("she is praying", ["praying"]),
    ("they voted", ["voted"]),
    ("people with disabilities", ["disabilities"]),
    ("other nationalities", ["nationalities"]),
    ("joined two political parties", ["political parties"]),
    ("Muslims", ["Muslims"]),  # both 'muslim' + s and 'muslims': reported once
])
def test_plural_and_verb_endings_on_the_last_word_are_caught(text: str, expected: list[str]) -> None:
    fair = load(RULES).fairness
    assert fair is not None
    assert [t for t, _ in find_terms(fair, text)] == expected


@pytest.mark.parametrize("text", [
    "a conversation about football",  # 'conversion' is a whole word only, endings or not
    "the conversations went well",
    "a racing bike",  # 'race' + ing would be 'raceing'
    "a dressmaker",  # an ending is optional; other letters after the word still do not match
    "praised his friends",  # 'pray' does not match inside 'praised'
    "nationalistic slogans",  # not an ending of 'nationality'
])
def test_endings_do_not_match_inside_other_words(text: str) -> None:
    fair = load(RULES).fairness
    assert fair is not None
    assert find_terms(fair, text) == []


def test_allowed_phrases_stay_exact_while_terms_take_endings(tmp_path: Path) -> None:
    d = copy_rules(tmp_path)
    fair_file = d / "fairness.yaml"
    fair_file.write_text(fair_file.read_text().replace("terms: [gender,", "terms: [hate, gender,"))
    fair = load(d, check=False).fairness
    assert fair is not None
    assert find_terms(fair, "the victim of a hate crime") == []
    # the exception is exact: its plural is not exempt, so 'hate' is caught there
    assert [t for t, _ in find_terms(fair, "the victim of hate crimes")] == ["hate"]
    assert [t for t, _ in find_terms(fair, "groups they hated")] == ["hated"]
    assert find_terms(fair, "hatess or whatever") == []


def test_shipped_wording_passes_the_wider_lint() -> None:
    # profile questions, outcomes, steps and 'because' texts are scanned too, with endings
    from screening.proofs.checks import check_ruleset
    assert [p.format() for p in check_ruleset(load(RULES, check=False)) if p.code == "CK008"] == []


# --- the role of the words: a characteristic of the person, or a target of their hostility --------

DATA = Path(__file__).resolve().parent / "data"


def _labelled(name: str) -> tuple[list[str], list[str]]:
    data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return list(data["must_flag"]), list(data["legitimate"])


def _measure(name: str) -> tuple[int, float, float]:
    fair = load(RULES, check=False).fairness
    assert fair is not None
    m = matcher(fair)
    flag, legit = _labelled(name)
    tp = sum(1 for t in flag if m.findings(t))
    fp = sum(1 for t in legit if m.findings(t))
    return len(flag) + len(legit), tp / (tp + fp), tp / len(flag)


def test_labelled_set_is_big_enough_and_balanced() -> None:
    flag, legit = _labelled("fairness_wordings.yaml")
    assert len(flag) + len(legit) >= 200
    assert abs(len(flag) - len(legit)) <= 0.05 * (len(flag) + len(legit))
    assert not set(flag) & set(legit)


def test_precision_and_recall_on_the_labelled_set() -> None:
    n, precision, recall = _measure("fairness_wordings.yaml")
    print(f"fairness matcher, {n} development wordings: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.97 and recall >= 0.97  # measured 1.000 and 1.000 (README)


def test_precision_and_recall_on_the_held_out_set() -> None:
    n, precision, recall = _measure("fairness_heldout.yaml")
    print(f"fairness matcher, {n} held-out wordings: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.92 and recall >= 0.95  # first measured 0.930 and 1.000 (README)


@pytest.mark.parametrize("text", [
    "Have they threatened to attack a place of worship?",
    "Have they said gay people deserve to be attacked?",
    "Have they shared videos calling for violence against Muslims?",
    "Have they posted anti-Muslim material?",
    "Have they praised the mosque attacks?",
    "Have they threatened to hurt people because of their religion?",
    "They said the synagogue would be their first target.",
    "Have they been seen near a synagogue with a weapon?",
    "They said they want to set the mosque on fire.",
])
def test_a_group_as_the_target_of_hostility_is_legitimate(text: str) -> None:
    fair = load(RULES).fairness
    assert fair is not None
    assert matcher(fair).findings(text) == []


@pytest.mark.parametrize(("text", "term"), [
    ("Have they become hostile since they started attending the mosque?", "mosque"),
    ("Have they been attacked because of their religion?", "religion"),
    ("Were they targeted by a Muslim gang?", "Muslim"),
    ("Are they angry and wearing a hijab?", "hijab"),
    ("Muslims are a threat.", "Muslims"),  # said by the rule's author, not reported as the person's
    ("Wearing religious dress is not a concern on its own, but together with anger it is.",
     "religious dress"),
])
def test_a_characteristic_of_the_person_is_still_caught_near_hostile_words(text: str, term: str) -> None:
    fair = load(RULES).fairness
    assert fair is not None
    assert [t for t, _ in find_terms(fair, text)] == [term]


@pytest.mark.parametrize(("text", "term"), [
    ("Do they read the Qur'an?", "Qur'an"),
    ("Do they read the Qur’ān?", "Qur’ān"),
    ("Do they read the Quran?", "Quran"),
    ("Do they hold left wing views?", "left wing"),
    ("Do they hold leftwing views?", "leftwing"),
    ("Are they non-binary?", "non-binary"),
    ("Are they nonbinary?", "nonbinary"),
    ("Is it the Muslim's choice?", "Muslim's"),
    ("Have they visited two gurdwaras?", "gurdwaras"),
    ("Do they have Asperger's?", "Asperger's"),
])
def test_terms_match_whatever_the_punctuation(text: str, term: str) -> None:
    fair = load(RULES).fairness
    assert fair is not None
    assert [t for t, _ in find_terms(fair, text)] == [term]


def test_vocabulary_covers_the_nine_characteristics_and_lawful_life_with_sources() -> None:
    fair = load(RULES).fairness
    assert fair is not None
    for cat in fair.protected:
        assert cat.sources, f"{cat.category} has no sources"
    equality_act = " ".join(s for c in fair.protected for s in c.sources if "Equality Act 2010" in s)
    for characteristic in ("(age)", "(disability)", "(gender reassignment)",
                           "(marriage and civil partnership)", "(pregnancy and maternity)", "(race",
                           "(religion or belief)", "(sex)", "(sexual orientation)"):  # s.4, all nine
        assert characteristic in equality_act, characteristic
    words = {t for c in fair.protected for t in c.terms}
    for everyday in ("masjid", "jummah", "gurdwara", "kippah", "kirpan", "leave to remain",
                     "on the spectrum", "special educational needs", "trade union", "picket line",
                     "same-sex", "civil partnership", "maternity", "pensioner", "place of worship"):
        assert everyday in words, everyday


def test_ck029_a_generalisation_in_a_reason_is_refused() -> None:
    from screening.proofs.checks import check_ruleset
    folder = Path(__file__).resolve().parent / "broken" / "ck029_generalisation"
    found = [p for p in check_ruleset(load(folder, check=False)) if p.severity.value == "error"]
    assert [p.code for p in found] == ["CK029"]
    assert found[0].message == ("the 'because' of rule 'weaker_signs_with_circumstances' generalises "
                                "about a group of people: 'People from that community'")
    assert "never what a group, community or condition is like" in found[0].fix


@pytest.mark.parametrize(("text", "phrase"), [
    ("Anyone with a mental illness should be referred.", "Anyone with a mental illness"),
    ("People like them tend to be angry.", "People like them"),
    ("In their culture this is normal.", "their culture"),
    ("Those families rarely cooperate.", "Those families"),
])
def test_generalisations_are_found_in_any_wording(text: str, phrase: str) -> None:
    fair = load(RULES).fairness
    assert fair is not None
    found = matcher(fair).findings(text)
    assert [(f.kind, f.text) for f in found] == [("generalisation", phrase)]


def test_ck008_fix_never_suggests_an_allow_entry() -> None:
    from screening.errors import CATALOGUE
    assert "allow" not in CATALOGUE["CK008"].fix
    assert "target of the person's hostility" in CATALOGUE["CK008"].fix


def test_the_word_list_is_compiled_once_per_list(monkeypatch: pytest.MonkeyPatch) -> None:
    from screening.proofs import fairness
    rs = load(RULES, check=False)
    fairness.matcher.cache_clear()
    built = []
    real = fairness.Matcher.__init__

    def counting(self: fairness.Matcher, fl: object) -> None:
        built.append(fl)
        real(self, fl)  # type: ignore[arg-type]

    monkeypatch.setattr(fairness.Matcher, "__init__", counting)
    fairness.fairness_problems(rs)
    fairness.fairness_problems(rs)
    assert len(built) == 1
