"""The fairness lint: protected characteristics and lawful life are never indicators, and no wording
generalises about a group of people.

The words live in ``rules/fairness.yaml`` so the policy team can read and extend them (with their
sources).  Everything the policy team writes that a worker reads as guidance is scanned: every factor
(profile ones too: "is the person Muslim?" must never be asked, whatever it is used for) with its
title, introduction and each question's id, question, definition, example and help; every outcome's
title, summary and what_to_do; every additional step; every rule's ``because``; the account step and
the urgent-check wording.

A term matches as whole words, any case, whatever the punctuation (:mod:`screening.proofs.language`), with
an optional ending on its last word ("mosque" catches "mosques"), never inside another word.  What
decides is the *role* the words play in their sentence:

* a characteristic of the person ("has started attending the mosque", "is a refugee") is refused
  (CK008);
* a protected group as the **target of the person's hostility** is exactly what a concern question
  must be able to ask, and is accepted: the group follows a hostile act in the same clause
  ("threatened to attack a place of worship", "violence against Muslims", "anti-Muslim posts"),
  forms a compound with one ("the mosque attacks"), or is the subject of a hostile predicate in
  something the person *said* ("said gay people deserve to be attacked", "posts that migrants are
  invading").  A possessive or a subject between the hostile act and the group ("attacked someone
  since they started at the mosque", "violent at their mosque") keeps it the person's own;
* a generalisation about a group ("people from that community...", "anyone with a mental
  illness...", "their culture") is refused in any wording (CK029), unless it is the target of the
  person's hostility in the same way ("said people like that deserve to be attacked").

The ``allow`` list exempts matches inside an exact, reasoned and approved phrase ("hate crime").
Without a fairness list the rule set is refused (CK014).  The list and the cue words are compiled
once per fairness list (:func:`matcher`); a text then costs one pass over its words.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..errors import Problem, problem
from ..rules.ruleset import FairnessList, FairnessTerm, RuleSet
from .language import PhraseIndex, Token, clauses, tokens

# --- the language of hostility (product data: not a council setting, so it cannot be edited away) --

#: A hostile act whose object is its target: "attack (a place of worship)", "violence against (X)".
HOSTILE_ACTS: tuple[str, ...] = (
    "attack", "attack on", "assault", "kill", "killing of", "murder", "slaughter", "massacre", "hurt",
    "harm", "injure", "stab", "shoot", "shoot up", "shooting at", "bomb", "bombing of", "blow up",
    "burn", "burn down", "burn out", "set fire to", "torch", "firebomb", "petrol bomb", "arson",
    "destroy", "wipe out", "exterminate", "eliminate", "eradicate", "cleanse", "purge", "get rid of",
    "drive out", "run over", "drive into", "driving into", "ram", "beat up", "batter", "lynch", "hang",
    "behead", "execute", "gas", "poison", "rape", "terrorise", "terrorize", "threaten", "threat",
    "threats", "intimidate", "harass", "harassment of", "abuse", "abusive towards", "abusive to",
    "hate", "hatred", "hatred of", "hostility", "hostile towards", "hostile to", "violent towards",
    "violent to", "aggressive towards", "violence", "violence against", "aggression", "target",
    "targeting", "vandalise", "vandalize", "deface", "desecrate", "damage", "smash", "spray", "daub",
    "graffiti", "disrupt", "raid", "storm", "punish", "deport", "expel", "send back", "kick out",
    "throw out", "spit at", "shout at", "insult", "mock", "slur", "slurs", "dehumanise", "dehumanize",
    "demonise", "demonize", "blame", "scapegoat", "discriminate against", "persecute", "oppress",
    "war on", "war against", "fight", "death to", "weapon", "knife", "gun", "explosive", "acid",
    "machete", "axe", "firearm", "rifle", "layout of", "security of", "security at", "recce",
    "reconnaissance", "surveillance of", "filming outside", "photographing", "casing",
    "homophobic", "transphobic", "racist", "antisemitic", "islamophobic", "xenophobic", "misogynistic",
    "anti",
)
#: Hostile verbs whose particle may follow their object: "set (the mosque) on fire", "run (people)
#: over", "burn (it) down".
PHRASAL: dict[str, tuple[str, ...]] = {
    "set": ("on fire", "alight", "ablaze"), "run": ("over", "down"), "burn": ("down", "out"),
    "blow": ("up",), "beat": ("up",), "shoot": ("up",), "wipe": ("out",), "drive": ("out", "away"),
    "smoke": ("out",), "take": ("out",), "mow": ("down",), "gun": ("down",),
}
#: An instrument of harm right after a place or group: "(near a synagogue) with a weapon".
INSTRUMENTS: tuple[str, ...] = (
    "with a weapon", "with weapons", "with a knife", "with knives", "with a gun", "with guns",
    "with a bomb", "with explosives", "with petrol", "with acid", "with a machete", "with an axe",
    "with a firearm", "with a rifle", "with a crossbow", "with fireworks",
)
#: Acts that bind only the very next words ("anti-Muslim"), not a target a few words on.
_ADJACENT_ONLY = frozenset({"anti"})
#: How many words may stand between a hostile act and its target ("attack people leaving the mosque").
ACT_WINDOW = 6
#: A hostile predicate on a group, in something the person said: "(gay people) deserve to be attacked".
HOSTILE_PREDICATES: tuple[str, ...] = (
    "deserve", "deserves", "should be", "must be", "need to be", "ought to be", "to be", "vermin",
    "scum", "animals", "rats", "cockroaches", "parasites", "filth", "subhuman", "sub human",
    "savages", "invaders", "invading", "invade", "invasion", "enemy", "enemies", "traitors",
    "disease", "cancer", "plague", "evil", "threat", "danger", "dangerous", "the problem",
    "degenerates", "groomers", "paedophiles", "terrorists", "criminals", "rapists", "all the same",
    "not human", "less than human", "inferior", "dirty", "taking over", "take over", "replace",
    "replacing", "replacement", "control", "run the", "behind", "plotting", "plot", "out to get",
    "destroying", "ruining", "stealing", "flooding", "swamping", "breeding", "to blame", "go back",
    "get out", "dont belong", "do not belong", "have no right", "should not exist",
    "shouldnt exist", "stopped", "wiped out", "war", "die", "attacked", "killed", "shot", "punished",
    "deported", "removed", "exterminated", "eradicated", "gassed", "hanged", "hung", "lynched",
    "beaten", "driven out", "sent back", "kicked out", "thrown out", "got rid of", "locked up",
    "rounded up", "dealt with", "put down", "banned", "harmed", "targeted", "eliminated", "bombed",
    "burned", "burnt", "target", "first target", "next target",
)
#: A hostile noun right after a place or group: "the mosque attacks", "a synagogue shooting".
HOSTILE_NOUNS: tuple[str, ...] = (
    "attack", "shooting", "bombing", "massacre", "killing", "arson", "murder", "stabbing",
)
#: Named as a target: "(a church) as a target".
AS_TARGET: tuple[str, ...] = ("as a target", "as the target", "as targets", "as their target",
                              "as a possible target", "as the next target")
#: Words that say the person is reporting what they said, wrote, shared or believe.
SPEECH: tuple[str, ...] = (
    "say", "said", "saying", "tell", "told", "claim", "claimed", "believe", "believes", "believed",
    "think", "thinks", "thought", "post", "posted", "posting", "share", "shared", "sharing", "shout",
    "shouted", "chant", "chanted", "write", "wrote", "written", "call", "called", "calling",
    "describe", "described", "insist", "argue", "argued", "suggest", "talk", "talked", "talking",
    "rant", "ranted", "comment", "message", "video", "material", "meme", "song", "slogan", "tweet",
    "conspiracy", "theory", "story", "view", "views", "idea", "ideas", "accuse", "warn", "convinced",
    "repeat", "preach", "go on about", "on about", "mention", "mentioned", "keep saying",
)
#: Words that make the group the person's own when they stand between the act and the group.
_OWN = frozenset({"they", "he", "she", "i", "we", "their", "his", "her", "my", "our", "own",
                  "themselves", "himself", "herself", "theyre", "hes", "shes"})
#: Before a possessive, these say it belongs to the target: "hurt people because of their religion".
_MOTIVE = frozenset({"of", "for", "over", "about"})
#: Someone the hostile act is done to (an object), which a motive possessive then describes.
_OBJECTS = frozenset({"people", "person", "anyone", "anybody", "someone", "somebody", "others",
                      "them", "him", "her", "everyone", "those", "men", "women", "children",
                      "families", "kids", "worshippers", "neighbours", "residents", "group",
                      "groups", "members", "councillor", "mp", "staff", "pupils", "students"})
#: A passive before the act makes the person its victim ("was attacked because of their faith").
_PASSIVE = frozenset({"been", "being", "was", "were", "is", "are", "be", "get", "got", "gets"})
_PARTICIPLES = frozenset({"shot", "hurt", "burnt", "beaten", "stabbed", "threatened", "abused"})
#: Words that may follow a group before its predicate: "(Muslims) are all", "(gay) people".
_GROUP_GLUE = frozenset({"people", "persons", "folk", "folks", "men", "women", "kids", "children",
                         "families", "lot", "ones", "community", "communities", "members", "all",
                         "of", "them", "are", "is", "were", "was", "should", "must", "ought",
                         "need", "needs", "to", "be", "being", "get", "the", "a", "an", "real",
                         "true", "our", "just", "nothing", "but", "basically", "like", "and",
                         "who", "that", "in", "general", "here", "there", "these", "those",
                         "group", "groups"})
PREDICATE_WINDOW = 5
#: A sentence that names a characteristic to exclude it ("Religion and dress are never signs of
#: extremism", "criticism of the government is lawful and is not this") is what the screen must say.
EXCLUSIONS: tuple[str, ...] = (
    "never a sign", "not a sign", "never signs", "not signs", "is lawful", "are lawful",
    "is not this", "are not this", "do not count", "does not count", "dont count", "doesnt count",
    "never count", "never counts", "never an indicator", "not an indicator", "never indicators",
    "not indicators", "not extremism", "never extremism", "is not a concern", "are not a concern",
    "not a prevent concern", "no weight", "never a reason", "not a reason", "is not radicalisation",
    "is not being radicalised",
)
#: ... unless the sentence then turns ("... is not a concern on its own, but with anger it is").
_CONTRAST = frozenset({"but", "however", "unless", "although", "though", "except", "yet",
                       "combined", "together", "alongside", "plus", "if", "when", "whereas"})

# --- generalisations -----------------------------------------------------------------------------

#: Who a generalisation is about: people, anyone, those...
_HEADS = frozenset({"people", "persons", "individuals", "folk", "folks", "men", "women", "boys",
                    "girls", "kids", "children", "youths", "youngsters", "families", "parents",
                    "households", "anyone", "anybody", "everyone", "everybody", "someone",
                    "somebody", "those", "whoever"})
#: A community, origin or membership ("people from that community", "people of that faith").
COMMUNITY: tuple[str, ...] = (
    "community", "communities", "background", "backgrounds", "culture", "cultures", "area", "areas",
    "estate", "estates", "country", "countries", "place", "places", "part of town", "neighbourhood",
    "neighbourhoods", "religion", "religions", "faith", "faiths", "race", "races", "tribe", "tribes",
    "clan", "caste", "class", "ethnicity", "nationality", "heritage", "world", "region", "regions",
    "sort", "kind", "type", "types", "lot", "abroad", "overseas", "there", "round here",
    "around here",
)
#: A condition or record ("anyone with a mental illness", "people with a criminal record").
CONDITIONS: tuple[str, ...] = (
    "mental illness", "mental health", "mental health problem", "mental health condition",
    "mental health issue", "mental health history", "illness", "disability", "diagnosis",
    "condition", "learning difficulty", "learning difficulties", "learning disability",
    "criminal record", "record", "conviction", "convictions", "history of", "addiction", "trauma",
    "depression", "past",
)
#: "that community", "their culture", "such people", "those types": a group the author points at.
_POINTERS = frozenset({"that", "this", "those", "these", "such", "their", "certain"})
_POINTED = frozenset({"community", "communities", "culture", "cultures", "background",
                      "backgrounds", "kind", "sort", "type", "types", "lot", "crowd", "people",
                      "families", "sorts", "kinds"})
#: ... unless the noun is the first half of another ("that community centre").
_COMPOUND = frozenset({"centre", "center", "hall", "worker", "workers", "safety", "leader",
                       "leaders", "event", "events", "service", "services", "team", "group",
                       "groups", "police", "policing", "cohesion", "project", "organisation",
                       "space", "venue", "garden", "festival", "of", "member", "members", "who"})
_QUANTIFIERS = frozenset({"all", "most", "many", "every", "these", "those", "such"})
#: Words a generalisation can start with (a quick test before reading a text closely).
_STARTS = _HEADS | _POINTERS | _QUANTIFIERS
_LIKE = frozenset({"that", "them", "him", "her", "this", "those", "these", "us", "you"})
_WHO_VERBS = frozenset({"are", "is", "were", "was", "have", "has", "come", "comes", "live", "lives",
                        "belong", "belongs", "follow", "follows", "attend", "attends", "go",
                        "goes", "speak", "speaks", "wear", "wears", "practise", "practice"})

_ACTS = PhraseIndex((a, a in _ADJACENT_ONLY) for a in HOSTILE_ACTS)
_PREDICATES = PhraseIndex((p, None) for p in HOSTILE_PREDICATES)
_NOUNS = PhraseIndex((n, None) for n in HOSTILE_NOUNS)
_AS_TARGET = PhraseIndex(((a, None) for a in AS_TARGET), endings=False)
_INSTRUMENTS = PhraseIndex(((i, None) for i in INSTRUMENTS), endings=False)
_PHRASAL_HEADS = PhraseIndex((h, parts) for h, parts in PHRASAL.items())
_PARTICLES = {h: PhraseIndex(((p, None) for p in parts), endings=False) for h, parts in PHRASAL.items()}
_SPEECH = PhraseIndex((s, None) for s in SPEECH)
_EXCLUSIONS = PhraseIndex(((e, None) for e in EXCLUSIONS), endings=False)
_COMMUNITY = PhraseIndex((c, None) for c in COMMUNITY)
_CONDITIONS = PhraseIndex((c, None) for c in CONDITIONS)
_QUOTED = re.compile(r"[\"“”]([^\"“”]*)[\"“”]|(?<!\w)['‘]([^'‘’]*)['’](?!\w)")
_SENTENCE_END = re.compile(r"[.!?]\s|\n")


@dataclass(frozen=True)
class Finding:
    """One unfair use: a characteristic of the person, or a generalisation about a group."""

    kind: Literal["characteristic", "generalisation"]
    text: str  # as written in the rule file
    category: FairnessTerm | None  # the protected category named, if any
    start: int
    end: int
    term: str = ""  # the protected term as written, when a category is named


class _Text:
    """One text read once: its words, clauses, sentences, quotes and the cue words in it."""

    def __init__(self, text: str):
        self.text = text
        self.toks: list[Token] = tokens(text)

    # the reading of roles is worked out only for a text that names a group (most do not)
    @functools.cached_property
    def clause(self) -> list[int]:
        return clauses(self.text, self.toks)

    @functools.cached_property
    def sentence(self) -> list[int]:
        ends = [m.start() for m in _SENTENCE_END.finditer(self.text)]
        return [sum(1 for e in ends if e < t.start) for t in self.toks]

    @functools.cached_property
    def quoted(self) -> list[bool]:
        spans = [m.span() for m in _QUOTED.finditer(self.text)]
        return [any(s < t.start and t.end < e for s, e in spans) for t in self.toks]

    @functools.cached_property
    def acts(self) -> list[tuple[int, int, str, object]]:
        return _ACTS.find(self.toks) + self._phrasal()

    @functools.cached_property
    def speech(self) -> list[int]:
        return [i for i, _, _, _ in _SPEECH.find(self.toks)]

    @functools.cached_property
    def excluding(self) -> set[int]:
        turns = {self.sentence[i] for i, tok in enumerate(self.toks) if tok.norm in _CONTRAST}
        return {self.sentence[i] for i, _, _, _ in _EXCLUSIONS.find(self.toks)} - turns

    def _phrasal(self) -> list[tuple[int, int, str, object]]:
        """Separable hostile verbs ("set the mosque on fire"): the verb, when its particle follows
        within a few words in the same clause, is a hostile act over what stands between."""
        out: list[tuple[int, int, str, object]] = []
        for i in range(len(self.toks)):
            head = _PHRASAL_HEADS.at(self.toks, i)
            if head is None:
                continue
            particles = _PARTICLES[head[1]]
            for k in range(i + 2, min(i + 6, len(self.toks))):
                if self.clause[k] == self.clause[i] and particles.at(self.toks, k) is not None:
                    out.append((i, 1, head[1], False))
                    break
        return out

    def norm(self, i: int) -> str:
        return self.toks[i].norm if 0 <= i < len(self.toks) else ""

    def surface(self, i: int, j: int) -> str:
        return self.text[self.toks[i].start:self.toks[j - 1].end]

    def targeted(self, i: int, j: int) -> bool:
        """Whether words ``i..j`` are the target of a hostile act or of something hostile said, or
        are named in a sentence that excludes them as a sign (both fair to write)."""
        return self.sentence[i] in self.excluding or self._after_act(i) or self._compound(j) \
            or self._said_of(i, j)

    def _after_act(self, i: int) -> bool:
        for a, n, _, adjacent in self.acts:
            end = a + n
            if end > i or self.clause[a] != self.clause[i]:
                continue
            if i - end > (0 if adjacent else ACT_WINDOW):
                continue
            participle = self.norm(end - 1).endswith("ed") or self.norm(end - 1) in _PARTICIPLES
            if participle and (self.norm(a - 1) in _PASSIVE or self.norm(end) == "by"):
                continue  # "was attacked because of ...", "targeted by a ...": a victim or an agent
            if all(self._not_own(k, end) for k in range(end, i)):
                return True
        return False

    def _not_own(self, k: int, start: int) -> bool:
        """Word ``k`` (between an act ending at ``start`` and its target) keeps the target's."""
        if self.norm(k) not in _OWN:
            return True
        # "hurt people because of their religion": the possessive describes the object
        return self.norm(k - 1) in _MOTIVE and any(self.norm(m) in _OBJECTS for m in range(start, k))

    def _compound(self, j: int) -> bool:
        """"the mosque attacks", "named a church as a target", "near a synagogue with a knife": the
        words right after say so."""
        if j >= len(self.toks) or self.clause[j] != self.clause[j - 1]:
            return False
        if _NOUNS.at(self.toks, j) is not None or _AS_TARGET.at(self.toks, j) is not None:
            return True
        return any(_INSTRUMENTS.at(self.toks, k) is not None and self.clause[k] == self.clause[j]
                   for k in range(j, min(j + 3, len(self.toks))))

    def _said_of(self, i: int, j: int) -> bool:
        """The group is the subject of a hostile predicate in something the person said."""
        reported = self.quoted[i] or any(s < i and self.sentence[s] == self.sentence[i]
                                         for s in self.speech)
        if not reported:
            return False
        k, seen = j, 0
        while k < len(self.toks) and self.clause[k] == self.clause[i] and seen <= PREDICATE_WINDOW:
            if _PREDICATES.at(self.toks, k) is not None:
                return True
            if self.norm(k) not in _GROUP_GLUE:
                seen += 1
            k += 1
        return False

    # --- generalisations ----------------------------------------------------------------------
    def generalisations(self, term_starts: dict[int, int]) -> list[tuple[int, int]]:
        """(first word, end) of each group the text generalises about."""
        out: list[tuple[int, int]] = []
        if not term_starts and not any(t.norm in _STARTS for t in self.toks):
            return out
        for i in range(len(self.toks)):
            end = self._group_at(i, term_starts)
            if end and not (out and out[-1][1] > i):
                out.append((i, end))
        return out

    def _group_at(self, i: int, term_starts: dict[int, int]) -> int:
        w, nxt = self.norm(i), self.norm(i + 1)
        if w in _POINTERS and nxt in ("kind", "sort", "type") and self.norm(i + 2) == "of":
            return i + 4
        if w in _POINTERS and nxt in _POINTED and self.norm(i + 2) not in _COMPOUND:
            if nxt in ("kind", "sort", "type") and w != "their":
                return 0  # "this kind" on its own is not a group
            return i + 2
        if w in _HEADS:
            return self._attribute(i + 1, term_starts)
        if w in _QUANTIFIERS and i + 1 in term_starts:
            return i + 1 + term_starts[i + 1]
        return 0

    def _attribute(self, k: int, term_starts: dict[int, int]) -> int:
        """End of the attribute that makes 'people'/'anyone' at ``k - 1`` a group, or 0."""
        w = self.norm(k)
        if w == "like" and self.norm(k + 1) in _LIKE:
            return k + 2
        if w in ("from", "of", "in", "living", "born", "raised"):
            return self._membership(k + 1, term_starts)
        if w == "with":
            return self._condition(k + 1, term_starts)
        if w in ("who", "that") and self.norm(k + 1) in _WHO_VERBS:
            for m in range(k + 2, min(k + 6, len(self.toks))):
                if m in term_starts:
                    return m + term_starts[m]
                hit = _COMMUNITY.at(self.toks, m) or _CONDITIONS.at(self.toks, m)
                if hit is not None and self.norm(m - 1) in _POINTERS | {"a", "an", "the"}:
                    return m + hit[0]
        return 0

    def _membership(self, k: int, term_starts: dict[int, int]) -> int:
        for m in range(k, min(k + 4, len(self.toks))):
            if m in term_starts:
                return m + term_starts[m]
            hit = _COMMUNITY.at(self.toks, m)
            if hit is not None:
                pointed = any(self.norm(x) in _POINTERS | {"other", "different", "minority",
                                                           "deprived", "poor", "migrant", "ethnic"}
                              for x in range(k, m))
                if pointed or hit[1] in ("abroad", "overseas", "there", "round here", "around here"):
                    return m + hit[0]
            if self.norm(m) in ("in", "and", "or", "who", "to"):
                break
        return 0

    def _condition(self, k: int, term_starts: dict[int, int]) -> int:
        for m in range(k, min(k + 4, len(self.toks))):
            if m in term_starts:
                return m + term_starts[m]
            hit = _CONDITIONS.at(self.toks, m)
            if hit is not None:
                return m + hit[0]
        return 0


class Matcher:
    """A fairness list compiled once: its terms, its allowed phrases, and the reading of roles."""

    def __init__(self, fairness: FairnessList):
        self.terms = PhraseIndex((t, cat) for cat in fairness.protected for t in cat.terms)
        self.allow = PhraseIndex(((a.phrase, None) for a in fairness.allow), endings=False)

    def findings(self, text: str) -> list[Finding]:
        """Every characteristic and generalisation in ``text``, in order."""
        t = _Text(text)
        if not t.toks:
            return []
        exempt = {k for i, n, _, _ in self.allow.find(t.toks) for k in range(i, i + n)}
        hits = [(i, n, cat) for i, n, _, cat in self.terms.find(t.toks)
                if isinstance(cat, FairnessTerm) and not any(k in exempt for k in range(i, i + n))]
        starts = {i: n for i, n, _ in hits}
        groups = [(i, j) for i, j in t.generalisations(starts)
                  if not t.targeted(i, j) and not any(k in exempt for k in range(i, j))]
        out: list[Finding] = []
        for i, j in groups:
            inner = next(((k, n, c) for k, n, c in hits if i <= k < j), None)
            cat = inner[2] if inner is not None else None
            term = t.surface(inner[0], inner[0] + inner[1]) if inner is not None else ""
            out.append(Finding("generalisation", t.surface(i, j), cat, t.toks[i].start,
                               t.toks[j - 1].end, term))
        for i, n, cat in hits:
            if any(gi <= i < gj for gi, gj in groups) or t.targeted(i, i + n):
                continue
            out.append(Finding("characteristic", t.surface(i, i + n), cat, t.toks[i].start,
                               t.toks[i + n - 1].end, t.surface(i, i + n)))
        return sorted(out, key=lambda f: f.start)


@functools.lru_cache(maxsize=16)
def matcher(fairness: FairnessList) -> Matcher:
    """The compiled matcher for a fairness list (built once per list, not once per text)."""
    return Matcher(fairness)


def find_terms(fairness: FairnessList, text: str) -> list[tuple[str, FairnessTerm]]:
    """Each protected term the text uses unfairly (as written there), with its category: as a
    characteristic of the person, or inside a generalisation ("people with disabilities are ...").

    The one matcher behind the rule lint, the scenario lint and the result page's reminder, so all
    three agree on what counts as naming a protected characteristic.  A group named as the target
    of the person's hostility is not reported; allowed phrases are exact (no endings).
    """
    return [(f.term, f.category) for f in matcher(fairness).findings(text)
            if f.category is not None and f.term]


def _scan(rs: RuleSet, fields: Sequence[tuple[str, str]], owner: str, line: int) -> list[Problem]:
    assert rs.fairness is not None
    m = matcher(rs.fairness)
    out: list[Problem] = []
    for name, text in fields:
        for f in m.findings(text):
            where = f"{name} of {owner}"
            if f.kind == "generalisation":
                out.append(problem("CK029", rs.main_path, line, where=where, phrase=f.text))
            elif f.category is not None:
                out.append(problem("CK008", rs.main_path, line, where=where, term=f.text,
                                   category=f.category.category, why=f.category.why,
                                   explanation=rs.fairness.explanation))
    return out


def fairness_problems(rs: RuleSet) -> list[Problem]:
    """CK008 for each protected characteristic and CK029 for each generalisation in the rule set's
    wording; CK014 (an error) if there is no word list."""
    if rs.fairness is None:
        return [problem("CK014", rs.main_path, rs.line_of("ruleset"), file=rs.main_path)]
    out: list[Problem] = []
    meta = rs.meta
    out += _scan(rs, [("the description", meta.description), ("the disclaimer", rs.wording.disclaimer)],
                 "the rule set", rs.line_of("ruleset"))
    acc = rs.wording.account
    account_texts = [("the warning", acc.warning), ("the age question", acc.age.label)]
    account_texts += [(f"the label of '{f.id}'", f.label) for f in (*acc.fields, *acc.screener_fields)]
    account_texts += [(f"the hint of '{f.id}'", f.hint) for f in (*acc.fields, *acc.screener_fields)]
    out += _scan(rs, account_texts, "the account step", rs.line_of("journey:account"))
    urgent = rs.wording.urgent
    out += _scan(rs, [(f"the {name}", getattr(urgent, name)) for name in type(urgent).model_fields],
                 "the urgent check wording", rs.line_of("journey:account"))
    for factor in rs.factors:
        out += _scan(rs, [("the title", factor.title), ("the introduction", factor.intro)],
                     f"factor '{factor.id}'", rs.line_of(f"factor:{factor.id}"))
        for ind in factor.indicators:
            fields = [("the id", ind.id.replace("_", " ")), ("the question", ind.question),
                      ("the definition", ind.definition), ("the example", ind.example),
                      ("the help text", ind.help)]
            out += _scan(rs, fields, f"indicator '{ind.id}'",
                         rs.line_of(f"indicator:{ind.id}"))
    for o in rs.outcomes:
        fields = [("the title", o.title), ("the summary", o.summary),
                  *[("the what_to_do", t) for t in o.what_to_do]]
        out += _scan(rs, fields, f"outcome '{o.id}'", rs.line_of(f"outcome:{o.id}"))
    for s in rs.document.additional_steps:
        out += _scan(rs, [("the title", s.title), ("the what_to_do", s.what_to_do)],
                     f"additional step '{s.id}'", rs.line_of(f"step:{s.id}"))
    for r in rs.rules:
        out += _scan(rs, [("the 'because'", r.because)], f"rule '{r.id}'",
                     rs.line_of(f"rule:{r.id}"))
    return out
