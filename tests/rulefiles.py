"""Helpers for tests that need a (deliberately broken) copy of the shipped rules."""

from __future__ import annotations

import shutil
from pathlib import Path

RULES = Path(__file__).resolve().parents[1] / "rules"


def copy_rules(dest: Path, replace: dict[str, str] | None = None, *, count: int = 1,
               approve: bool = True) -> Path:
    """Copy ruleset.yaml, fairness.yaml and approvals.yaml into ``dest`` and apply exact text
    replacements.  With ``approve`` (the default) the copy's concern questions and fairness
    exceptions are approved as they now stand, so a test sees only the defect it made; pass
    ``approve=False`` to keep the shipped approvals (tests of the four-eyes check)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("ruleset.yaml", "fairness.yaml", "approvals.yaml"):
        shutil.copy(RULES / name, dest / name)
    if replace:
        path = dest / "ruleset.yaml"
        text = path.read_text(encoding="utf-8")
        for old, new in replace.items():
            assert old in text, f"test fixture text not found: {old!r}"
            text = text.replace(old, new, count)
        path.write_text(text, encoding="utf-8")
    if approve and replace:
        approve_as_shipped(dest)
    return dest


def approve_as_shipped(folder: Path) -> None:
    """Record approvals for ``folder``'s rules as they stand, by the shipped approver on the shipped
    date (left as copied when the rules cannot be read: that is what such a test is about)."""
    import datetime as dt

    import yaml

    from screening import RuleSetError, load
    from screening.rules.approvals import seed

    try:
        rs = load(folder, check=False)
    except RuleSetError:
        return
    shipped = yaml.safe_load((RULES / "approvals.yaml").read_text(encoding="utf-8"))
    first = shipped["approvals"][0]
    (folder / "approvals.yaml").write_text(
        seed(rs, first["approver_role"], dt.date.fromisoformat(first["date"]), first["equality_note"]),
        encoding="utf-8")


def line_of_text(path: Path, needle: str, nth: int = 1) -> int:
    """1-based line of the nth occurrence of ``needle`` in a file."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == nth:
                return number
    raise AssertionError(f"{needle!r} not found in {path}")


def shipped_version() -> str:
    """The shipped rule set's version, read from the file (so tests survive a version bump)."""
    import re

    match = re.search(r'^  version: "([^"]+)"$', (RULES / "ruleset.yaml").read_text(), re.M)
    assert match, "no version line in rules/ruleset.yaml"
    return match.group(1)


def new_version() -> dict[str, str]:
    """A replacement for copy_rules that gives the copy a different version."""
    v = shipped_version()
    return {f'version: "{v}"': f'version: "{v}-edited"'}
