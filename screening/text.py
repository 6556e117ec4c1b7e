"""Free text: how long each box may be, and the direction controls removed from any text shown.

Limits.  A worker's notes go to the Prevent Lead, who asks for detail; a box is for the gist.
Without a limit, 200 000 characters per box made a 289-page PDF and 8-10 s per click, so every
free-text field has one (:data:`LIMITS`, the one place they are set): the app's boxes stop at it
(``max_chars``), and :class:`screening.record.ScreeningRecord` refuses longer text from anywhere
else, such as an edited export, with AN004's message.

Direction controls.  Unicode's bidirectional embedding, override and isolate controls (U+202A-E,
U+2066-9) and the direction marks (U+200E, U+200F, U+061C) are invisible, yet change the order
in which a reader sees the characters around them: ``"\\u202eTCAF SI SIHT"`` is displayed as
"THIS IS FACT".  :func:`neutral` strips them, rather than showing a visible marker, because they
carry no meaning a reader needs (Arabic or Hebrew letters keep their own direction without them),
a marker would clutter every place the text is shown, and stripping makes what is displayed
exactly the characters stored.  It runs where text enters (the record model) and again wherever
text is shown or exported, so rule-file wording and files written before this are neutral too.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Problem, problem

#: Invisible characters that reorder the text around them (embeddings, overrides, isolates, marks).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_STRIP_BIDI = str.maketrans(dict.fromkeys(BIDI_CONTROLS))


def neutral(text: str) -> str:
    """The text without direction controls, so it reads in the order it was stored."""
    return text.translate(_STRIP_BIDI)


def bidi_controls(text: str) -> list[str]:
    """The direction controls in ``text``, as ``U+202E`` style names, first appearance first."""
    return [f"U+{ord(c):04X}" for c in dict.fromkeys(c for c in text if c in BIDI_CONTROLS)]


@dataclass(frozen=True)
class Limit:
    """The most characters a field may hold, and what the field is called in a message."""

    chars: int
    name: str


#: Every free-text field of a screening, by its name in the record (and the departure).
#: What was noticed is the heart of the referral: about a page.  The other notes are a paragraph;
#: a role or team is a few words; ids and timestamps are short by nature.
LIMITS: dict[str, Limit] = {
    "noticed_what": Limit(4_000, "What was noticed"),
    "noticed_when": Limit(500, "When it was noticed"),
    "how_known": Limit(2_000, "How it is known"),
    "other_agencies": Limit(2_000, "Other agencies involved"),
    "safeguarding_in_place": Limit(2_000, "Safeguarding already in place"),
    "actions_taken": Limit(2_000, "What has already been done"),
    "person_aware": Limit(2_000, "Whether the person knows about the concern"),
    "alternative_explanations": Limit(2_000, "What else might explain it"),
    "screener_role": Limit(200, "Your role"),
    "screener_team": Limit(200, "Your team"),
    "age_band": Limit(200, "The person's age band"),
    "reason": Limit(2_000, "The reason for choosing another route"),
    "agreed_by": Limit(200, "Who agreed it"),
    "outcome": Limit(64, "The route chosen"),
    "recommended": Limit(64, "The route recommended"),
    "ruleset_sha256": Limit(64, "The rules' content hash"),
    "answers_sha256": Limit(64, "The answers' fingerprint"),
    "started_at": Limit(40, "When the screening started"),
    "completed_at": Limit(40, "When the screening was completed"),
    "reference": Limit(16, "The screening's reference"),
}


def limit(field: str) -> int:
    """The most characters ``field`` may hold (a KeyError for a field with no limit is a bug)."""
    return LIMITS[field].chars


def too_long(field: str, text: str, label: str | None = None, *, at_limit: bool = False) -> Problem | None:
    """AN004 when ``text`` is longer than the field's limit; ``label`` is what the worker saw.

    ``at_limit`` also reports text that exactly fills the box: the app's box stops at the limit, so
    a longer paste was cut off there, and the worker must be told.
    """
    most = limit(field)
    if len(text) < most or (len(text) == most and not at_limit):
        return None
    return problem("AN004", field=label or LIMITS[field].name, length=f"{len(text):,}", limit=f"{most:,}")
