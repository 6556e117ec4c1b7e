"""Who may do what: roles as data (a readable roles file) and the rules as pure functions.

Stored screenings are special-category personal data, and a rule change can send people to the
Prevent Lead, so every page and every stored screening is behind one of these rules.  Four roles,
any number per person:

- ``frontline``: screens a concern; sees and resumes only their own screenings.
- ``supervisor``: the review queue and dashboard of their teams (or of every team, when the roles
  file says so); opens and decides on those teams' screenings.
- ``policy_editor``: uses the policy workbench to change the rules.
- ``policy_approver``: approves a rule change, never one they edited themselves (four eyes).

The roles file (``config/roles.yaml``, or ``$SCREENING_ROLES_FILE``) maps signed-in emails and
identity-provider groups to roles and teams; it is read through :mod:`screening.rules.yamlio` like every
YAML file here, so anchors and size limits are refused the same way.  Nothing here imports streamlit:
the app asks :func:`refusal` before it shows anything, and tests ask it directly.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

from .errors import Problem, ScreeningError, problem, suggest
from .rules.yamlio import LINES, Limits, line_of, own_line, read_yaml

ROLES_ENV = "SCREENING_ROLES_FILE"
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ROLES_FILE = ROOT / "config" / "roles.yaml"

Role = Literal["frontline", "supervisor", "policy_editor", "policy_approver"]
ROLES: tuple[Role, ...] = get_args(Role)
ROLE_WORDS: dict[str, str] = {"frontline": "frontline", "supervisor": "supervisor",
                              "policy_editor": "policy editor", "policy_approver": "policy approver"}

Action = Literal["screen", "resume_own_draft", "view_screening", "review", "view_queue",
                 "view_dashboard", "purge", "use_workbench", "approve_rules"]
ACTIONS: tuple[Action, ...] = get_args(Action)

#: What each action is called in a refusal ("your roles do not allow you to ...") and the role it needs.
_ACTION_WORDS: dict[str, tuple[str, str]] = {
    "screen": ("screen a concern", "frontline"),
    "resume_own_draft": ("resume this screening", "frontline"),
    "view_screening": ("open this screening", "supervisor"),
    "review": ("review screenings", "supervisor"),
    "view_queue": ("use the review queue", "supervisor"),
    "view_dashboard": ("see the dashboard", "supervisor"),
    "purge": ("delete screenings past their retention period", "supervisor (of every team)"),
    "use_workbench": ("use the policy workbench", "policy editor"),
    "approve_rules": ("approve rule changes", "policy approver"),
}

#: A roles file lists people and groups: a council's is a few hundred lines at most.
ROLES_FILE = Limits(max_bytes=1_000_000, max_nodes=50_000, max_depth=10, what="a roles file")
_TOP_KEYS = ("supervisors_see_all_teams", "groups_claim", "people", "groups")
_ENTRY_KEYS = {"people": ("email", "roles", "teams", "all_teams"),
               "groups": ("group", "roles", "teams", "all_teams")}


class AccessError(ScreeningError):
    """The roles file cannot be used (AU001 unknown role, AU002 unreadable, AU003 not understood)."""


@dataclass(frozen=True)
class Identity:
    """Who signed in, as the identity provider said: their email and the groups it named."""

    email: str
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Access:
    """What one person may do: their roles and the teams they belong to or supervise."""

    email: str
    roles: frozenset[str] = frozenset()
    teams: tuple[str, ...] = ()
    all_teams: bool = False  # a supervisor of every team
    local: bool = False  # the one local user of local mode (no sign-in)

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def role_words(self) -> str:
        """The roles in words, in the catalogue's order ('frontline, supervisor'), or 'none'."""
        return ", ".join(ROLE_WORDS[r] for r in ROLES if r in self.roles) or "none"


#: Local mode: no sign-in, one user on this computer holding every role.
LOCAL_USER = "local user"
LOCAL = Access(email=LOCAL_USER, roles=frozenset(ROLES), all_teams=True, local=True)


@dataclass(frozen=True)
class Grant:
    """One entry of the roles file: an email or a group, its roles and teams."""

    roles: frozenset[str]
    teams: tuple[str, ...] = ()
    all_teams: bool = False


@dataclass(frozen=True)
class Roles:
    """The roles file as read: who gets what."""

    people: Mapping[str, Grant] = field(default_factory=dict)  # by email, lower case
    groups: Mapping[str, Grant] = field(default_factory=dict)
    supervisors_see_all_teams: bool = False
    groups_claim: str = "groups"


def key(text: str) -> str:
    """How emails, groups and teams are compared: case, outer and repeated spaces do not count."""
    return " ".join(text.split()).casefold()


def roles_path() -> Path:
    """``$SCREENING_ROLES_FILE``, else ``config/roles.yaml``."""
    env = os.environ.get(ROLES_ENV, "").strip()
    return Path(env) if env else DEFAULT_ROLES_FILE


def load_roles(path: Path | None = None) -> Roles:
    """Read and check a roles file; every problem at its line (AccessError otherwise)."""
    path = path or roles_path()
    where = str(path)
    read = read_yaml(path, ROLES_FILE)
    if read.problems:  # unreadable, not YAML, anchors, too large: the reader's words, as AU002
        p = read.problems[0]
        raise AccessError([problem("AU002", where, p.line, file=where, reason=f"{p.code} {p.message}")])
    return parse_roles(read.raw, where)


def parse_roles(raw: Any, where: str = "roles.yaml") -> Roles:
    """The roles file's data (with yamlio's line maps) -> :class:`Roles`, or AccessError."""
    problems: list[Problem] = []

    def bad(loc: tuple[Any, ...], what: str, fix: str, node: Any = raw) -> None:
        problems.append(problem("AU003", where, line_of(node, loc) if loc else own_line(node),
                                what=what, fix=fix))

    if not isinstance(raw, dict):
        raise AccessError([problem("AU003", where, 0, what="the file is empty or is not a list of settings",
                                   fix="start from the shipped config/roles.yaml")])
    for k in raw:
        if k != LINES and k not in _TOP_KEYS:
            bad((k,), f"'{k}' is not a setting of the roles file{suggest(str(k), _TOP_KEYS)}",
                f"use only: {', '.join(_TOP_KEYS)}")
    see_all = raw.get("supervisors_see_all_teams", False)
    if not isinstance(see_all, bool):
        bad(("supervisors_see_all_teams",), "supervisors_see_all_teams must be true or false",
            "write true or false")
        see_all = False
    claim = raw.get("groups_claim", "groups")
    if not isinstance(claim, str) or not claim.strip():
        bad(("groups_claim",), "groups_claim must name the claim that lists a person's groups",
            "write the claim's name, for example groups (Microsoft Entra ID) or roles (app roles)")
        claim = "groups"
    people = _grants(raw, "people", "email", where, problems, see_all)
    groups = _grants(raw, "groups", "group", where, problems, see_all)
    if problems:
        raise AccessError(problems)
    return Roles(people=people, groups=groups, supervisors_see_all_teams=see_all, groups_claim=claim.strip())


def _grants(raw: dict[str, Any], section: str, name: str, where: str, problems: list[Problem],
            see_all: bool) -> dict[str, Grant]:
    entries = raw.get(section, [])
    out: dict[str, Grant] = {}
    first: dict[str, int] = {}
    if entries is None:
        return out
    if not isinstance(entries, list):
        problems.append(problem("AU003", where, line_of(raw, (section,)), what=f"{section} must be a list",
                                fix=f"write each entry on its own line starting with '- {name}:'"))
        return out
    for i, entry in enumerate(entries):
        line = line_of(raw, (section, i))

        def bad(what: str, fix: str, at: int = line) -> None:
            problems.append(problem("AU003", where, at, what=what, fix=fix))

        if not isinstance(entry, dict):
            bad(f"each entry of {section} must have '{name}' and 'roles'",
                f"write '- {name}: ...' with 'roles: [...]' under it")
            continue
        allowed = _ENTRY_KEYS[section]
        for k in entry:
            if k != LINES and k not in allowed:
                bad(f"'{k}' is not a setting of an entry in {section}{suggest(str(k), allowed)}",
                    f"use only: {', '.join(allowed)}", line_of(entry, (k,)))
        who = entry.get(name)
        if not isinstance(who, str) or not who.strip() or (name == "email" and "@" not in who):
            bad(f"this entry has no {name}" if who is None else f"'{who}' is not an {name}" if name == "email"
                else f"'{who}' is not a group name", f"give the {name} this entry is for")
            continue
        roles = entry.get("roles")
        if not isinstance(roles, list) or not roles:
            bad(f"{who} has no roles listed", f"write roles: [...] with one or more of: {', '.join(ROLES)}",
                line_of(entry, ("roles",)) or line)
            continue
        good: set[str] = set()
        for j, role in enumerate(roles):
            if isinstance(role, str) and role.strip() in ROLES:
                good.add(role.strip())
            else:
                problems.append(problem("AU001", where, line_of(entry, ("roles", j)) or line,
                                        role=str(role), who=who, suggestion=suggest(str(role), ROLES),
                                        allowed=", ".join(ROLES)))
        teams = entry.get("teams", [])
        if not isinstance(teams, list) or not all(isinstance(t, str) and t.strip() for t in teams):
            bad(f"the teams of {who} must be a list of team names", "write teams: [Housing, Youth service]",
                line_of(entry, ("teams",)) or line)
            teams = []
        all_teams = entry.get("all_teams", False)
        if not isinstance(all_teams, bool):
            bad(f"all_teams of {who} must be true or false", "write all_teams: true or leave it out",
                line_of(entry, ("all_teams",)) or line)
            all_teams = False
        if "supervisor" in good and not teams and not all_teams and not see_all:
            bad(f"{who} is a supervisor of no team, so would see no screening",
                "list their teams (teams: [...]) or write all_teams: true")
        k = key(who)
        if k in first:
            bad(f"{who} is listed twice (first on line {first[k]})",
                "keep one entry and put all its roles there")
            continue
        first[k] = line
        out[k] = Grant(frozenset(good), tuple(" ".join(t.split()) for t in teams), all_teams)
    return out


def roles_of(identity: Identity, roles: Roles | None = None) -> Access:
    """The person's roles and teams: from their email's entry and every group they are in, together."""
    roles = roles if roles is not None else load_roles()
    grants = [g for g in (roles.people.get(key(identity.email)),) if g is not None]
    grants += [roles.groups[key(g)] for g in identity.groups if key(g) in roles.groups]
    held = frozenset().union(*(g.roles for g in grants)) if grants else frozenset()
    teams: list[str] = []
    for g in grants:
        teams += [t for t in g.teams if key(t) not in {key(x) for x in teams}]
    all_teams = any(g.all_teams for g in grants) or (roles.supervisors_see_all_teams and "supervisor" in held)
    return Access(email=identity.email.strip().lower(), roles=held, teams=tuple(teams), all_teams=all_teams)


def covers(access: Access, team: str | None) -> bool:
    """Whether this supervisor's teams include ``team`` (an all-teams supervisor covers every team)."""
    if not access.has("supervisor"):
        return False
    if access.all_teams:
        return True
    return bool(team and team.strip()) and key(team or "") in {key(t) for t in access.teams}


def _own(access: Access, author: str | None) -> bool:
    return bool(author) and key(author or "") == key(access.email)


def refusal(access: Access, action: Action, *, author: str | None = None, team: str | None = None,
            editor: str | None = None, reference: str = "") -> Problem | None:
    """Why ``access`` may not do ``action`` (a catalogue problem), or None when it may.

    ``author`` and ``team`` name the screening acted on (view_screening, review, resume_own_draft);
    ``editor`` is who made the rule change to approve.  A screening someone may not open is refused
    with the same words as one that does not exist (AU008), so a reference cannot be probed.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    words, needed = _ACTION_WORDS[action]
    denied = problem("AU007", what=words, roles=access.role_words, needed=needed)
    hidden = problem("AU008", reference=reference[:40])
    if action == "screen":
        return None if access.has("frontline") else denied
    if action == "resume_own_draft":
        if not access.has("frontline"):
            return denied
        return None if _own(access, author) else hidden
    if action == "view_screening":
        if _own(access, author) and access.has("frontline"):
            return None
        if covers(access, team):
            return None
        return hidden if access.has("frontline") or access.has("supervisor") else denied
    if action == "review":
        if not access.has("supervisor"):
            return denied
        if author is None and team is None:  # reviewing in general (the 'Open a screening file' page)
            return None
        return None if covers(access, team) else hidden
    if action in ("view_queue", "view_dashboard"):
        return None if access.has("supervisor") else denied
    if action == "purge":  # deletes across every team: only a supervisor of every team
        return None if access.has("supervisor") and access.all_teams else denied
    if action == "use_workbench":
        return None if access.has("policy_editor") or access.has("policy_approver") else denied
    # approve_rules: an approver, and never of a change they edited (four eyes)
    if not access.has("policy_approver"):
        return denied
    if not editor or not editor.strip() or key(editor) == key(access.email):
        return problem("AU010", editor=(editor or "not recorded").strip()[:80] or "not recorded")
    return None


def can(access: Access, action: Action, *, author: str | None = None, team: str | None = None,
        editor: str | None = None) -> bool:
    """Whether ``access`` may do ``action`` (see :func:`refusal` for the reason when not)."""
    return refusal(access, action, author=author, team=team, editor=editor) is None


def visible_teams(access: Access, asked: Iterable[str] = ()) -> tuple[str, ...] | None:
    """The teams a queue or dashboard may show: None for every team, else a tuple (maybe empty).

    ``asked`` (a reviewer's filter) narrows it; a team outside the supervisor's own gives nothing.
    """
    asked = tuple(" ".join(t.split()) for t in asked if t.strip())
    if access.all_teams:
        return asked or None
    mine = {key(t): t for t in access.teams}
    if asked:
        return tuple(mine[key(t)] for t in asked if key(t) in mine)
    return tuple(access.teams)


def handover_team(access: Access, typed: str) -> str:
    """The team a screening is handed over to: the worker's own team from the roles file.

    A worker in one team hands over to that team whatever they typed; with several teams, the one
    typed when it is theirs, else their first.  Local mode and a worker with no team keep what was typed.
    """
    if access.local or not access.teams:
        return typed.strip()
    for t in access.teams:
        if key(t) == key(typed):
            return t
    return access.teams[0]


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` names this computer only (127.0.0.0/8, ::1, localhost); '' means every address."""
    h = (host or "").strip().strip("[]").lower()
    if not h:
        return False
    if h == "localhost":
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


#: Headers a reverse proxy adds: in local mode their presence means someone else's computer is asking.
_PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip")


def reached_from_elsewhere(headers: Mapping[str, str]) -> str | None:
    """The address a page was asked for through, when it is not this computer; None when it is.

    ``headers`` are the request's, names in lower case.  The Host and Origin a browser sends name
    the address it typed; a proxy adds Forwarded / X-Forwarded-*.  Local mode must answer this
    computer only, so a proxy in front of it (even one on the same machine) is refused too.
    """
    for name in _PROXY_HEADERS:
        if headers.get(name, "").strip():
            return f"a proxy ({name}: {headers[name].strip()[:60]})"
    for name in ("host", "origin"):
        value = headers.get(name, "").strip()
        if not value or value == "null":
            continue
        try:
            host = urlsplit("//" + value.split("://", 1)[-1].split("/", 1)[0]).hostname
        except ValueError:
            host = None
        if not is_loopback(host):
            return value[:80]
    return None


def expired(exp: object, now: float) -> bool:
    """Whether a sign-in with this ``exp`` claim (seconds since 1970) has run out; none counts as run out."""
    if isinstance(exp, bool) or not isinstance(exp, (int, float, str)):
        return True
    try:
        return float(exp) <= now
    except ValueError:
        return True
