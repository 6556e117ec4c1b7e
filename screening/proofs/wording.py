"""CK025: the rule file's wording is plain text, never a link, an image, HTML or a direction control.

Every piece of wording a worker reads comes from the rule file, and the app shows it escaped
(:func:`screening.exports.summary.md`), so markup would appear as stray brackets at best.  The lint says so
at file:line before anyone sees it: an image in a factor's introduction would otherwise make every
worker's browser fetch it (a tracking pixel), and a link could send them to a phishing page.

Every text in the rule file and in fairness.yaml is read (titles, introductions, questions,
definitions, examples, help, outcomes and their steps, additional steps, rule reasons, contacts,
the account step, the answer labels, the age bands, never-indicators, the disclaimer, the metadata
and the fairness explanations); only the ``when:`` conditions are skipped, which hold ids.
Found: Markdown links and images (inline, reference and definitions), autolinks
(``<https://...>``), bare web addresses (``http://``, ``https://``, ``www.``), ``javascript:``,
``data:`` and ``mailto:`` links, email addresses (Markdown makes them links), HTML tags and
comments (``<`` followed by a letter, ``/``, ``!`` or ``?``), HTML entities (``&lt;``, ``&#60;``),
and Unicode direction controls (:data:`screening.text.BIDI_CONTROLS`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel

from ..errors import Problem, problem
from ..rules.ruleset import RuleSet
from ..rules.yamlio import LINES, read_yaml
from ..text import bidi_controls

#: (pattern, what it is), most specific first; the first that matches a text is reported.
MARKUP: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[[^\]]*\](?:\([^)]*\)?|\[[^\]]*\]?)"), "a Markdown image"),
    (re.compile(r"\[[^\]]*\]\([^)]*\)?"), "a Markdown link"),
    (re.compile(r"\[[^\]]*\]\[[^\]]*\]|^\s*\[[^\]]+\]:", re.M), "a Markdown link"),
    (re.compile(r"<\s*(?:https?|ftp|mailto|file|javascript|data|tel)\s*:[^>]*>?", re.I), "an autolink"),
    (re.compile(r"<\s*[a-z/!?][^>]*>?", re.I), "HTML"),
    (re.compile(r"&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.I), "an HTML entity"),
    (re.compile(r"\b(?:https?|ftp|file)\s*:\s*//\S*|\bwww\.[^\s.]\S*", re.I), "a web address"),
    (re.compile(r"\b(?:javascript|vbscript|mailto)\s*:\S*|\bdata:[a-z]+/\S*", re.I), "a link"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "an email address"),
)

#: A list in the rule file -> what one of its items is called in a message.
_ITEM = {"contacts": "contact", "factors": "factor", "indicators": "indicator", "groups": "group",
         "outcomes": "outcome", "rules": "rule", "additional_steps": "additional step",
         "fields": "account field", "screener_fields": "account field"}
_SKIP = frozenset({"when"})


def markup(text: str) -> tuple[str, str] | None:
    """(what, the text that is markup) for the first markup in ``text``, or None if it is plain."""
    controls = bidi_controls(text)
    if controls:
        return "an invisible direction control", ", ".join(controls)
    for pattern, what in MARKUP:
        m = pattern.search(text)
        if m is not None:
            return what, m.group(0)
    return None


Path_ = tuple[str | int, ...]


def texts(node: Any, path: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    """Every text in a rule-file model, with its path of keys and list indices (``when`` skipped)."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            if name not in _SKIP:
                yield from texts(getattr(node, name), (*path, name))
    elif isinstance(node, (tuple, list)):
        for i, item in enumerate(node):
            yield from texts(item, (*path, i))


def where(doc: BaseModel, path: Path_) -> str:
    """A path in words: "the intro of factor 'engagement'", "item 2 of what_to_do of outcome 'x'"."""
    owner, trail, section, node = "", [], "", cast(Any, doc)
    for part in path[:-1]:
        node = node[part] if isinstance(part, int) else getattr(node, part)
        if isinstance(part, str):
            section = part
            trail.append(part)
        elif section in _ITEM and isinstance(getattr(node, "id", None), str):
            owner, trail = f"{_ITEM[section]} '{node.id}'", []
        else:
            trail[-1] += f" item {part + 1}"
    last = path[-1] if path else ""
    field = f"item {last + 1} of {trail.pop()}" if isinstance(last, int) and trail else f"the {last}"
    scope = " of ".join(x for x in (".".join(trail), owner) if x)
    return f"{field} of {scope}" if scope else field


def _raw_line(raw: Any, path: Path_, value: str) -> int:
    """The line of ``path`` in the parsed file, if the file there still holds ``value`` (else 0)."""
    node, line = raw, 0
    for part in path:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            line = node.get(LINES, {}).get(part, line)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            if isinstance(node, dict):
                line = node.get(LINES, {}).get(None, line)
        else:
            return 0
    return line if isinstance(node, str) and node.strip() == value.strip() else 0


def _item_line(rs: RuleSet, doc: BaseModel, path: Path_) -> int:
    """The line of the nearest enclosing item the loader recorded (rule, factor, ...), else the top."""
    keys = {"factors": "factor", "indicators": "indicator", "outcomes": "outcome", "rules": "rule",
            "additional_steps": "step", "contacts": "contact"}
    node: Any = doc
    best = rs.line_of("journey:account") if path[:2] == ("journey", "account") else rs.line_of("ruleset")
    section = ""
    for part in path[:-1]:
        node = node[part] if isinstance(part, int) else getattr(node, part)
        if isinstance(part, int) and section in keys and isinstance(getattr(node, "id", None), str):
            best = rs.line_of(f"{keys[section]}:{node.id}") or best
        elif isinstance(part, str):
            section = part
    return best


def _file_problems(rs: RuleSet, doc: BaseModel, file: str) -> list[Problem]:
    found = [(path, text, hit) for path, text in texts(doc) if (hit := markup(text)) is not None]
    if not found:
        return []
    raw = read_yaml(Path(file)).raw if file else None
    out = []
    for path, text, (what, excerpt) in found:
        line = _raw_line(raw, path, text) or (_item_line(rs, doc, path) if doc is rs.document else 0)
        shown = excerpt if len(excerpt) <= 60 else excerpt[:60] + "..."
        out.append(problem("CK025", file, line, where=where(doc, path), what=what,
                           excerpt=shown if what.startswith("an invisible") else repr(shown)))
    return out


def wording_problems(rs: RuleSet) -> list[Problem]:
    """CK025 for each text of the rule file (and of fairness.yaml) holding markup, at its line.

    Lines come from reading the file again, only when something is found and only where the file
    still holds that very text; otherwise the line of the item it belongs to.
    """
    out = _file_problems(rs, rs.document, rs.main_path)
    if rs.fairness is not None:
        out += _file_problems(rs, rs.fairness, rs.paths[1] if len(rs.paths) > 1 else "")
    return out
