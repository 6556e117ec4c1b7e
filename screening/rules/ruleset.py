"""The typed, immutable model of a rule set, as the policy team writes it in YAML.

The pydantic models below *are* the rule-file format: the loader validates YAML against them and
``rules/schema.json`` is generated from them.  Conditions are data (never Python): the loader turns
each ``when:`` block into the small frozen condition tree defined at the end of this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

ANSWERS: tuple[str, ...] = ("yes", "no", "unknown")
Answer = Literal["yes", "no", "unknown"]


class Kind(StrEnum):
    """What a factor's indicators tell us; routing safeguards are stated in kinds."""

    GATE = "gate"
    ENGAGEMENT = "engagement"
    INTENT = "intent"
    CAPABILITY = "capability"
    CONTEXT = "context"
    PROTECTIVE = "protective"
    PROFILE = "profile"


#: Kinds whose answers are signs of concern in their own right (may raise the route).
CONCERN_KINDS = frozenset({Kind.GATE, Kind.ENGAGEMENT, Kind.INTENT, Kind.CAPABILITY})
#: Kinds that describe circumstances only; they never lead to a Prevent outcome on their own.
NON_CONCERN_KINDS = frozenset({Kind.CONTEXT, Kind.PROTECTIVE, Kind.PROFILE})


class Category(StrEnum):
    """What an outcome means for the person; the non-isolation proof is stated over these."""

    EMERGENCY = "emergency"
    PREVENT = "prevent"
    SUPPORT = "support"
    NONE = "none"


#: Outcome categories that must never be reached on circumstances alone.
SERIOUS = frozenset({Category.EMERGENCY, Category.PREVENT})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Metadata(_Model):
    """Who owns the rule set and when it applies; version and hash go on every summary."""

    id: Id
    title: Text
    version: Text
    effective_date: dt.date
    review_date: dt.date
    owner: Text
    council: Text
    description: str = ""


class ContactCategory(StrEnum):
    """Where a contact sends the worker; the route checks are stated over these (CK027, CK028)."""

    EMERGENCY = "emergency"
    PREVENT = "prevent"
    SAFEGUARDING = "safeguarding"
    SUPPORT = "support"
    POLICE = "police"


class Contact(_Model):
    """A number a worker may need to call; shown on every screen.

    ``category`` says where it sends the worker: a support or no-concern outcome, or a step added
    for who the person is, may use only a safeguarding or support contact.  It is optional here so
    that contacts can be salvaged from an older or broken file; the lint refuses a rule set whose
    contact has none (CK028).
    """

    id: Id
    name: Text
    phone: Text
    when_to_use: Text
    hours: str = ""
    category: ContactCategory | None = None


class Indicator(_Model):
    """One question about observable behaviour or circumstances, answered yes / no / don't know."""

    id: Id
    question: Text
    definition: Text
    example: Text
    help: str = ""


class Factor(_Model):
    """A group of indicators read together (one step of the journey)."""

    id: Id
    kind: Kind
    title: Text
    intro: Text
    indicators: tuple[Indicator, ...] = Field(min_length=1)


class Group(_Model):
    """A named set of indicators that rules can refer to (e.g. the stronger signs of engagement)."""

    id: Id
    title: Text
    indicators: tuple[Id, ...] = Field(min_length=1)


class Outcome(_Model):
    """A recommendation; outcomes are listed most serious first."""

    id: Id
    category: Category
    title: Text
    summary: Text
    what_to_do: tuple[Text, ...] = Field(min_length=1)
    contact: Id
    needs_one_of_kinds: tuple[Kind, ...] = ()


class Rule(_Model):
    """When the condition holds, the rule recommends its outcome; the most serious one wins."""

    id: Id
    outcome: Id
    because: Text
    when: Any


class Routing(_Model):
    """The routing rules and the outcome when none fires."""

    rules: tuple[Rule, ...] = Field(min_length=1)
    otherwise: Id


class Step(_Model):
    """An extra step added whatever the outcome (children's or adult safeguarding)."""

    id: Id
    title: Text
    what_to_do: Text
    contact: Id | None = None
    when: Any


AccountFieldId = Literal["noticed_what", "noticed_when", "how_known", "other_agencies",
                         "safeguarding_in_place", "actions_taken", "person_aware",
                         "alternative_explanations", "screener_role", "screener_team"]


class AnswerLabels(_Model):
    """What the worker sees for each answer (the engine reads yes / no / unknown)."""

    yes: Text
    no: Text
    unknown: Text


class AccountField(_Model):
    """One free-text question of the worker's account; ids are the saved record's fields."""

    id: AccountFieldId
    label: Text
    hint: str = ""
    multiline: bool = False
    required_message: str = ""  # non-empty: the field must be filled; shown in the error summary


class AgeBand(_Model):
    """An age band the worker can choose; ``child`` says whether it means under 18 (null: unknown)."""

    label: Text
    child: bool | None = None


class AgeQuestion(_Model):
    """The person's age band, and the profile question it must agree with."""

    label: Text
    placeholder: Text
    bands: tuple[AgeBand, ...] = Field(min_length=1)
    child_question: Id | None = None
    mismatch: Text  # shown on the check page when band and question disagree: {band} {answer} {question}


class Account(_Model):
    """The worker's account step: what was noticed, when, how known, by whom."""

    title: Text
    warning: Text
    fields: tuple[AccountField, ...] = Field(min_length=1)
    age: AgeQuestion
    screener_fields: tuple[AccountField, ...] = ()


class UrgentWording(_Model):
    """What the worker is told at once when a danger (gate) question is answered Don't know.

    An unknown danger answer is an *urgent check*: before anything else, rule the danger out.
    ``cannot_rule_out`` goes with the emergency contact (999) and ``otherwise`` with the default
    contact (the Prevent Lead); their numbers come from the contacts, never from this wording.
    The defaults are safe wording for a rule file that does not say.
    """

    title: Text = "Check now: could anyone be in danger?"
    intro: Text = ("A question about immediate danger was answered Don't know. Do this before "
                   "anything else.")
    cannot_rule_out: Text = "If you cannot rule the danger out, call 999 now."
    otherwise: Text = "Otherwise, call the Prevent Lead now, before you go on."


class JourneyWording(_Model):
    """Wording of the journey that is not a factor: answer labels, the account step, the end."""

    answer_labels: AnswerLabels
    account: Account
    disclaimer: Text
    urgent: UrgentWording = UrgentWording()


class Document(_Model):
    """The whole rule file (``rules/ruleset.yaml``)."""

    ruleset: Metadata
    contacts: tuple[Contact, ...] = Field(min_length=1)
    emergency_contact: Id
    default_contact: Id
    factors: tuple[Factor, ...] = Field(min_length=1)
    groups: tuple[Group, ...] = ()
    outcomes: tuple[Outcome, ...] = Field(min_length=2)
    routing: Routing
    additional_steps: tuple[Step, ...] = ()
    never_indicators: tuple[Text, ...] = ()
    journey: JourneyWording


class FairnessTerm(_Model):
    """Words that name or stand for a protected characteristic or lawful life."""

    category: Text
    why: Text
    sources: tuple[Text, ...] = ()  # where the words come from (law, guidance, classifications)
    terms: tuple[Text, ...] = Field(min_length=1)


class FairnessAllow(_Model):
    """A narrow, reasoned exception for wording that is about behaviour, not a characteristic."""

    phrase: Text
    reason: Text


class FairnessList(_Model):
    """``rules/fairness.yaml``: what may never be an indicator, and why."""

    explanation: Text
    protected: tuple[FairnessTerm, ...] = Field(min_length=1)
    allow: tuple[FairnessAllow, ...] = ()


# --- conditions: frozen trees built by the loader ----------------------------------------------

@dataclass(frozen=True)
class Yes:
    """The indicator was answered yes."""

    indicator: str


@dataclass(frozen=True)
class AtLeast:
    """At least ``n`` of these indicators were answered yes; ``label`` says which set in words."""

    n: int
    indicators: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class All:
    """Every part holds."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    """The part does not hold."""

    part: Condition


Condition = Yes | AtLeast | All | AnyOf | Not


def indicators_in(cond: Condition) -> frozenset[str]:
    """Every indicator id a condition reads."""
    if isinstance(cond, Yes):
        return frozenset({cond.indicator})
    if isinstance(cond, AtLeast):
        return frozenset(cond.indicators)
    if isinstance(cond, Not):
        return indicators_in(cond.part)
    out: frozenset[str] = frozenset()
    for p in cond.parts:
        out |= indicators_in(p)
    return out


@dataclass(frozen=True)
class CompiledRule:
    """A routing rule with its condition parsed."""

    id: str
    outcome: str
    because: str
    when: Condition
    line: int


@dataclass(frozen=True)
class CompiledStep:
    """An additional step with its condition parsed."""

    id: str
    title: str
    what_to_do: str
    contact: str | None
    when: Condition
    line: int


@dataclass(frozen=True, eq=False)
class RuleSet:
    """A loaded, checked rule set: the document plus parsed conditions, lookups and provenance."""

    document: Document
    rules: tuple[CompiledRule, ...]
    steps: tuple[CompiledStep, ...]
    fairness: FairnessList | None
    sha256: str
    paths: tuple[str, ...]
    lines: dict[str, int] = field(default_factory=dict, compare=False)
    warnings: tuple[Any, ...] = ()

    # convenient lookups (built once; the dataclass is frozen so these never drift)
    @property
    def id(self) -> str:
        return self.document.ruleset.id

    @property
    def version(self) -> str:
        return self.document.ruleset.version

    @property
    def meta(self) -> Metadata:
        return self.document.ruleset

    @property
    def factors(self) -> tuple[Factor, ...]:
        return self.document.factors

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        return self.document.outcomes

    def indicator_ids(self) -> tuple[str, ...]:
        """All indicator ids, in journey order."""
        return tuple(i.id for f in self.factors for i in f.indicators)

    def indicator(self, indicator_id: str) -> Indicator:
        for f in self.factors:
            for i in f.indicators:
                if i.id == indicator_id:
                    return i
        raise KeyError(indicator_id)

    def factor_of(self, indicator_id: str) -> Factor:
        for f in self.factors:
            if any(i.id == indicator_id for i in f.indicators):
                return f
        raise KeyError(indicator_id)

    def factor(self, factor_id: str) -> Factor:
        for f in self.factors:
            if f.id == factor_id:
                return f
        raise KeyError(factor_id)

    def outcome(self, outcome_id: str) -> Outcome:
        for o in self.outcomes:
            if o.id == outcome_id:
                return o
        raise KeyError(outcome_id)

    def rank(self, outcome_id: str) -> int:
        """0 for the most serious outcome; larger is less serious."""
        return [o.id for o in self.outcomes].index(outcome_id)

    def contact(self, contact_id: str) -> Contact:
        for c in self.document.contacts:
            if c.id == contact_id:
                return c
        raise KeyError(contact_id)

    @property
    def wording(self) -> JourneyWording:
        return self.document.journey

    def age_band(self, label: str) -> AgeBand | None:
        return next((b for b in self.wording.account.age.bands if b.label == label), None)

    @property
    def emergency_contact(self) -> Contact:
        return self.contact(self.document.emergency_contact)

    @property
    def default_contact(self) -> Contact:
        return self.contact(self.document.default_contact)

    def line_of(self, key: str) -> int:
        """Line of a node such as ``rule:<id>``, ``indicator:<id>``, ``outcome:<id>`` (0 if unknown)."""
        return self.lines.get(key, 0)

    @property
    def main_path(self) -> str:
        return self.paths[0] if self.paths else ""
