"""The emergency and Prevent Lead contacts, even from a rule file too broken to load.

The contacts must stay on screen when the rules fail (a non-negotiable), and they must be the
council's own, not another council's.  So when loading fails we recover them in three stages:
the YAML parses (take the validated contacts); the YAML is broken (read ``phone:`` lines under the
named contact ids from the text); nothing is readable (the national numbers only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .ruleset import Contact
from .yamlio import RULE_FILE, parse, strip_lines

NATIONAL_EMERGENCY = Contact(id="emergency", name="Emergency services", phone="999",
                             when_to_use="Someone is in immediate danger.")
NATIONAL_HOTLINE = Contact(id="anti_terrorism_hotline", name="Anti-Terrorism Hotline",
                           phone="0800 789 321",
                           when_to_use="Your council's Prevent Lead cannot be shown: call this line or "
                                       "your manager for advice.")


@dataclass(frozen=True)
class Salvaged:
    """The best contacts that could be recovered, and how sure we are of them."""

    emergency: Contact
    lead: Contact
    from_file: bool


def _from_yaml(text: str) -> tuple[Contact, Contact] | None:
    raw, problems = parse(text, "")
    data = strip_lines(raw) if not problems else None
    if not isinstance(data, dict):
        return None
    by_id: dict[str, Contact] = {}
    for item in data.get("contacts") or []:
        try:
            c = Contact.model_validate(item)
        except ValueError:
            continue
        by_id[c.id] = c
    em, lead = by_id.get(str(data.get("emergency_contact"))), by_id.get(str(data.get("default_contact")))
    return (em, lead) if em and lead else None


def _field(block: str, name: str) -> str | None:
    m = re.search(rf"^\s*{name}:\s*(.+?)\s*$", block, re.M)
    return m.group(1).strip().strip("'\"") if m else None


def _from_text(text: str) -> tuple[Contact, Contact] | None:
    ids = {k: _field(text, k) for k in ("emergency_contact", "default_contact")}
    found: list[Contact] = []
    for key in ("emergency_contact", "default_contact"):
        cid = ids[key]
        if not cid:
            return None
        m = re.search(rf"^(\s*)-\s*id:\s*['\"]?{re.escape(cid)}['\"]?\s*$((?:\n\1 +\S.*)*)", text, re.M)
        phone = _field(m.group(2), "phone") if m else None
        if not phone:
            return None
        name = (_field(m.group(2), "name") if m else None) or cid.replace("_", " ")
        found.append(Contact(id=cid, name=name, phone=phone, when_to_use="See the rule file."))
    return found[0], found[1]


def salvage_contacts(path: Path) -> Salvaged:
    """The emergency and default (Prevent Lead) contacts from a rules folder or file, however broken."""
    main = path / "ruleset.yaml" if path.is_dir() else path
    try:  # never more than a rule file may hold: a huge file must not stall the page that needs the numbers
        with main.open("rb") as f:
            text = f.read(RULE_FILE.max_bytes).decode("utf-8", errors="replace")
    except OSError:
        text = ""
    for stage in (_from_yaml, _from_text):
        try:
            got = stage(text)
        except (ValueError, RecursionError):
            got = None
        if got:
            return Salvaged(got[0], got[1], True)
    return Salvaged(NATIONAL_EMERGENCY, NATIONAL_HOTLINE, False)
