"""A screening as the worker completed it: answers, their account, and any departure from the route.

This is the minimum a Prevent Lead needs and nothing more: no name, address or date of birth of the
person screened.  It is what the exports, the review page and (later) the store hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .rules.ruleset import Answer
from .text import neutral, too_long

if TYPE_CHECKING:
    from .rules.ruleset import RuleSet


def now_utc() -> str:
    """Timestamps are stored as ISO 8601 in UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


#: Letters and digits a person cannot misread for one another (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
REFERENCE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"


def new_reference(length: int = 4) -> str:
    """A short reference for one screening ("7KQ3"), to quote on the phone and in file names.

    Random (``secrets``), never derived from anything about the person, so it reveals nothing;
    with the date and minute in a file name, two screenings practically never share a name.
    """
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(length))


#: A reason for departing from the recommendation must say something: at least this many characters
#: once leading and trailing spaces are removed (a few words; "x" or "ok" is not a reason).
MIN_REASON_CHARS = 10

#: Validation context for reading a saved file (``model_validate(..., context=READING_FILE)``): files
#: written before :data:`MIN_REASON_CHARS` existed may hold a shorter reason, and must still open so a
#: reviewer can see it.  Anything made now is built without this context and must meet the rule.
READING_FILE: dict[str, bool] = {"reading_file": True}


def reason_is_meaningful(reason: str) -> bool:
    """Is this reason long enough to record (:data:`MIN_REASON_CHARS` of visible text)?"""
    return len(neutral(reason).strip()) >= MIN_REASON_CHARS


def is_lowering(ruleset: RuleSet, recommended_outcome: str, chosen_outcome: str) -> bool:
    """Is the chosen route less serious than the recommendation? (rank 0 is the most serious.)

    Lowering needs a supervisor's sign-off; raising is always open to professional judgement.
    Raises ``ValueError`` for an outcome id the rule set does not have.
    """
    return ruleset.rank(chosen_outcome) > ruleset.rank(recommended_outcome)


def _plain(value: Any, info: ValidationInfo) -> Any:
    """Every text field: direction controls stripped, then its limit (:data:`screening.text.LIMITS`).

    Runs before the type check, so what is kept and measured is the neutral text, whether it comes
    from the app or from an opened file; anything not text is left for the type check to refuse.
    """
    if not isinstance(value, str):
        return value
    value = neutral(value)
    found = too_long(str(info.field_name), value)
    if found is not None:
        raise PydanticCustomError("text_too_long", found.message)
    return value


def answers_fingerprint(answers: Mapping[str, str]) -> str:
    """SHA-256 naming one complete set of answers (every question, ``unknown`` included).

    A departure keeps this instead of a second copy of the answers: enough to tell that the answers
    changed after the decision, and for an opened file to show the decision was made on its answers.
    Canonical JSON (sorted, no spaces), so neither key order nor an odd id can make two sets collide.
    """
    text = json.dumps(dict(sorted(answers.items())), separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_SHA256 = r"^([0-9a-f]{64})?$"


class Departure(BaseModel):
    """The worker chose a different route from the recommendation; both are kept, with the reason.

    ``agreed_by`` is the *role* of whoever agreed a less serious route (for example "Safeguarding
    Officer"), never a name; it is empty when nobody was recorded (and in files made before it
    existed).  The form requires it for a lowered route; the model does not, so old files still open.

    ``recommended``, ``ruleset_sha256`` and ``answers_sha256`` record what the worker departed from:
    the recommended outcome, under which rules and on which answers (:func:`answers_fingerprint`).
    Summaries say "recommended Y" from here, never from a later evaluation, and a decision whose
    answers or rules have since changed is stale (:meth:`made_on`): the app clears it and asks again,
    and an opened file whose decision does not fit its own answers is refused (EX019).  All three
    are set by the app; all three are empty only in files made before they existed.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    outcome: str
    reason: str = Field(min_length=1)
    agreed_by: str = ""
    recommended: str = Field(default="", pattern=r"^([a-z][a-z0-9_]{0,63})?$")
    ruleset_sha256: str = Field(default="", pattern=_SHA256)
    answers_sha256: str = Field(default="", pattern=_SHA256)

    _text = field_validator("outcome", "reason", "agreed_by", "recommended", "ruleset_sha256",
                            "answers_sha256", mode="before")(_plain)

    @field_validator("reason")
    @classmethod
    def _meaningful(cls, value: str, info: ValidationInfo) -> str:
        if not value.strip():
            raise ValueError("the reason is blank")
        reading = isinstance(info.context, dict) and bool(info.context.get("reading_file"))
        if not reading and not reason_is_meaningful(value):
            raise ValueError(f"the reason must be at least {MIN_REASON_CHARS} characters")
        return value

    @model_validator(mode="after")
    def _departed_from(self) -> Self:
        """All of what it departed from, or none of it (an old file); and another route than that."""
        given = (self.recommended, self.ruleset_sha256, self.answers_sha256)
        if any(given) and not all(given):
            raise ValueError("the recommendation it departs from is recorded only in part "
                             "(recommended, ruleset_sha256 and answers_sha256 go together)")
        if self.recommended and self.outcome == self.recommended:
            raise ValueError(f"the chosen route '{self.outcome}' is the recommendation itself")
        return self

    @property
    def recorded(self) -> bool:
        """Does it record the recommendation it departed from? (False only in older files.)"""
        return bool(self.recommended)

    def made_on(self, ruleset_sha256: str, answers: Mapping[str, str]) -> bool:
        """Was it made under these rules and on exactly these answers (every question)?"""
        return (self.recorded and self.ruleset_sha256 == ruleset_sha256
                and self.answers_sha256 == answers_fingerprint(answers))


class ScreeningRecord(BaseModel):
    """Everything the worker entered; the assessment is recomputed from ``answers`` and the rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    started_at: str = Field(default_factory=now_utc)
    completed_at: str | None = None
    screener_role: str = ""
    screener_team: str = ""
    age_band: str = "not known"
    answers: dict[str, Answer] = Field(default_factory=dict)
    noticed_what: str = ""
    noticed_when: str = ""
    how_known: str = ""
    other_agencies: str = ""
    safeguarding_in_place: str = ""
    actions_taken: str = ""
    person_aware: str = ""
    alternative_explanations: str = ""
    departure: Departure | None = None
    reference: str = ""  # random (new_reference), for file names and the PDF's header; "" in old files

    _text = field_validator("started_at", "completed_at", "screener_role", "screener_team", "age_band",
                            "noticed_what", "noticed_when", "how_known", "other_agencies",
                            "safeguarding_in_place", "actions_taken", "person_aware",
                            "alternative_explanations", "reference", mode="before")(_plain)
