"""A screening as the worker completed it: answers, their account, and any departure from the route.

This is the minimum a Prevent Lead needs and nothing more: no name, address or date of birth of the
person screened.  It is what the exports, the review page and (later) the store hold.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Answer = Literal["yes", "no", "unknown"]


def now_utc() -> str:
    """Timestamps are stored as ISO 8601 in UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class Departure(BaseModel):
    """The worker chose a different route from the recommendation; both are kept, with the reason."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outcome: str
    reason: str = Field(min_length=1)


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
    alternative_explanations: str = ""
    departure: Departure | None = None
