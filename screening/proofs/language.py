"""Words as the wording checks read them: one normal form for every spelling, and where each stands.

The fairness matcher, the route and circumstance classifiers all read rule wording through this
module, so "Qur'an", "Qur’ān" and "quran", "left-wing" and "left wing", "Muslim's" and "Muslims"
are the same words to every check (punctuation-insensitive), and a finding can still quote the
text exactly as the policy team wrote it (each token keeps its place in the original).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: A word: letters and digits, with apostrophes inside it ("qur'an", "don't"); hyphens split words.
_WORD = re.compile(r"[^\W_]+(?:['’‘`´][^\W_]+)*")
_APOSTROPHES = str.maketrans("", "", "'’‘`´")
#: Punctuation that ends a clause between two words (quotes do not: "said 'attack the mosque'").
_BREAK = re.compile(r"[,;:.!?()\[\]{}\n]|\s[-–—]\s|\s[-–—]|[-–—]\s")


@dataclass(frozen=True)
class Token:
    """One word: its normal form and where it stands in the original text."""

    norm: str
    start: int
    end: int


def fold(text: str) -> str:
    """Lower case without accents or apostrophes: 'Qur’ān' -> 'quran', "Muslim's" -> 'muslims'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.casefold().translate(_APOSTROPHES)


def tokens(text: str) -> list[Token]:
    """Every word of ``text`` in order, normalised, with its span."""
    return [Token(fold(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


def words(text: str) -> tuple[str, ...]:
    """The normal forms only (for phrases held as data)."""
    return tuple(t.norm for t in tokens(text))


def breaks_before(text: str, toks: Sequence[Token]) -> list[bool]:
    """For each token, whether punctuation that ends a clause stands between it and the one before."""
    out = [True]
    for prev, tok in itertools.pairwise(toks):
        out.append(bool(_BREAK.search(text[prev.end:tok.start])))
    return out


def inflections(word: str) -> set[str]:
    """A word with its plural and verb endings: 'mosque' -> mosques; 'pray' -> prays, prayed,
    praying; 'marry' -> marries, married; 'race' -> races, raced (never 'racing')."""
    forms = {word}
    if len(word) < 2 or not word.isalpha():
        return forms
    if word.endswith("e"):
        forms |= {word + "s", word + "d"}
    elif word.endswith("y") and word[-2] not in "aeiou":
        forms |= {word[:-1] + "ies", word[:-1] + "ied", word + "ing"}
    else:
        forms |= {word + "s", word + "es", word + "ed", word + "ing"}
        if len(word) <= 4 and re.fullmatch(r"[^aeiou]*[aeiou][bdgmnprt]", word):
            forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}  # run -> running, stab -> stabbed
    return forms


def variants(phrase: str, *, endings: bool = True) -> set[tuple[str, ...]]:
    """The word sequences a phrase matches: with endings on its last word and, for a hyphenated
    phrase, also written as one word ('non-binary' -> non binary, nonbinary)."""
    ws = words(phrase.replace("_", " "))
    if not ws:
        return set()
    shapes = {ws}
    if re.search(r"\w-\w", phrase):
        shapes.add(("".join(ws),))
    out: set[tuple[str, ...]] = set()
    for shape in shapes:
        lasts = inflections(shape[-1]) if endings else {shape[-1]}
        out |= {(*shape[:-1], last) for last in lasts}
    return out


class PhraseIndex:
    """Phrases held as data, matched on word sequences: built once, then each text costs one pass.

    ``find`` returns the longest phrase starting at each word, left to right, without overlaps.
    """

    def __init__(self, entries: Iterable[tuple[str, object]], *, endings: bool = True):
        self.index: dict[tuple[str, ...], tuple[str, object]] = {}
        for phrase, value in entries:
            for v in variants(phrase, endings=endings):
                self.index.setdefault(v, (phrase, value))
        lengths: dict[str, set[int]] = {}
        for k in self.index:
            lengths.setdefault(k[0], set()).add(len(k))
        #: first word -> the lengths of the phrases it starts, longest first
        self.first = {w: tuple(sorted(ns, reverse=True)) for w, ns in lengths.items()}

    def at(self, toks: Sequence[Token], i: int) -> tuple[int, str, object] | None:
        """(length, phrase, value) of the longest phrase starting at word ``i``, or None."""
        for n in self.first.get(toks[i].norm, ()):
            if i + n <= len(toks):
                hit = self.index.get(tuple(t.norm for t in toks[i:i + n]))
                if hit is not None:
                    return n, hit[0], hit[1]
        return None

    def find(self, toks: Sequence[Token]) -> list[tuple[int, int, str, object]]:
        """(first word, length, phrase, value) for every phrase in ``toks``, without overlaps."""
        out: list[tuple[int, int, str, object]] = []
        i = 0
        while i < len(toks):
            hit = self.at(toks, i)
            if hit is None:
                i += 1
                continue
            n, phrase, value = hit
            out.append((i, n, phrase, value))
            i += n
        return out

    def starts(self, toks: Sequence[Token]) -> dict[int, int]:
        """First word -> length of each phrase found (for quick membership tests)."""
        return {i: n for i, n, _, _ in self.find(toks)}


#: Words that, inside a clause, start a new one ("... since converting", "... because of ...").
SUBORDINATORS = frozenset({
    "since", "because", "after", "before", "while", "whilst", "although", "though", "whereas",
    "unless", "until", "when", "whenever", "once", "if", "so", "but", "yet", "nor",
})
#: After 'and'/'or', a word that shows a new verb (and so a new clause) starts there.
_AUX = frozenset({
    "i", "you", "he", "she", "it", "we", "they", "has", "have", "had", "is", "are", "was", "were",
    "will", "would", "can", "could", "do", "does", "did", "may", "might", "should", "must", "also",
    "then", "now", "still", "often", "started", "starts", "start", "began", "begins", "begin",
    "keeps", "keep", "kept", "goes", "go", "went", "wears", "wear", "wore", "attends", "attend",
    "prays", "pray", "speaks", "speak", "says", "say", "said", "talks", "talk", "joins", "join",
    "votes", "vote", "fasts", "fast", "visits", "visit", "reads", "read", "follows", "follow",
    "believes", "believe", "supports", "support", "practises", "practices", "practise",
    "practice", "lives", "live", "comes", "come", "came", "moved", "arrived", "became", "become",
    "becomes", "identifies", "identify", "worships", "worship", "uses", "use", "wants", "want",
    "spends", "spend", "takes", "take", "took", "gets", "get", "got", "shows", "show", "seems",
    "seem", "feels", "feel", "observes", "observe", "changed", "changes", "change",
})


def clauses(text: str, toks: Sequence[Token]) -> list[int]:
    """For each token, the index of the clause it is in (punctuation, subordinators, and 'and'/'or'
    before a new verb or subject start a new clause; 'and' between two objects does not)."""
    brk = breaks_before(text, toks)
    out: list[int] = []
    n = 0
    for i, t in enumerate(toks):
        new = i > 0 and brk[i]
        if t.norm in SUBORDINATORS and i > 0 and not (t.norm == "because" and i + 1 < len(toks)
                                                     and toks[i + 1].norm == "of"):
            new = True  # "because of" names a motive inside the clause: "hurt people because of"
        if i > 0 and toks[i - 1].norm in ("and", "or") and (
                t.norm in _AUX or (t.norm.endswith(("ed", "ing")) and len(t.norm) > 4)):
            new = True
        if new:
            n += 1
        out.append(n)
    return out


#: Words that negate what follows them in a clause (for the classifiers' negation marking).
NEGATIONS = frozenset({
    "not", "no", "never", "dont", "doesnt", "didnt", "cannot", "cant", "wont", "shouldnt",
    "mustnt", "neither", "nor", "without", "avoid", "instead", "rather", "isnt", "arent", "wasnt",
})


def marked(text: str) -> list[str]:
    """Words for the classifiers: a ``START_<word>`` feature for the first word of each sentence
    (an instruction starts with its verb), and every word after a negation, up to the end of the
    clause, prefixed ``NOT_`` ("do not call 999" -> do not NOT_call NOT_999)."""
    toks = tokens(text)
    brk = breaks_before(text, toks)
    out: list[str] = []
    negated = False
    for i, t in enumerate(toks):
        if brk[i]:
            negated = False
            out.append("START_" + t.norm)
        if t.norm in NEGATIONS:
            negated = True
            out.append(t.norm)
            continue
        out.append(("NOT_" if negated else "") + t.norm)
    return out


_SENTENCE = re.compile(r"(?<=[.;!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    """A text cut into sentences (and semicolon clauses), each stripped; empty ones dropped."""
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]
