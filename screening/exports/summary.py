"""The summary handed on: the narrative, and its Markdown, PDF and JSON exports.

This module is the one the app imports (``from screening import summary``); the PDF and JSON
renderers live in :mod:`screening.exports.pdf` and :mod:`screening.exports.export` (reading an export back in
:mod:`screening.exports.opening`) to keep each module one noun.
Every piece of text, the worker's free text above all, is escaped here before it becomes Markdown:
a note that says ``[x](http://evil)`` or ``<script>`` is shown as those characters, never as a link,
an image or HTML, and no direction control can make it read in another order.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..engine import Assessment
from ..record import ScreeningRecord
from ..rules.ruleset import RuleSet
from ..text import neutral
from .export import FORMAT, FORMAT_VERSION, to_json
from .narrative import SECTIONS, Narrative, fairness_terms, narrative, statement
from .opening import OpenedScreening, Replay, read_export
from .pdf import narrative_pdf, to_pdf

__all__ = [
    "FORMAT", "FORMAT_VERSION", "Narrative", "OpenedScreening", "Replay", "fairness_terms", "file_name",
    "md", "md_text", "narrative", "narrative_markdown", "narrative_pdf", "read_export", "statement",
    "to_json", "to_markdown", "to_pdf",
]

# Every ASCII punctuation character that can start or end Markdown, HTML, a Streamlit directive
# (``:red[...]``, ``:material/x:``) or LaTeX (``$...$``).  CommonMark lets any ASCII punctuation be
# backslash-escaped, so escaping more than strictly needed never changes what a reader sees.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$&:@])")


# After escaping, '.', ':' and '@' always carry a backslash; the joiner goes before that backslash.
_AUTOLINK = re.compile(r"(?i)(www)(?=\\\.)|(https?|ftp|mailto|xmpp)(?=\\:)|(?=\\@)|(?<=\\:)(?=material/)")
WORD_JOINER = "\u2060"


def md(text: str) -> str:
    """Escape text for Markdown: one line, every special character backslash-escaped.

    Newlines are folded into spaces, so free text can never start a heading, list, quote, table or
    code block.  Backslash escapes do not stop GitHub-flavoured "autolink literals" (``www.x.com``,
    ``http://...``, ``a@b.com`` become live links), so an invisible word joiner is put where such a
    link would start: the text reads the same and nothing a worker typed becomes clickable.  The
    same joiner stops Streamlit's ``:material/icon:``, which ignores backslashes, drawing an icon.
    Direction controls are removed (:func:`screening.text.neutral`): text reads as it was stored.
    """
    escaped = _SPECIAL.sub(r"\\\1", " ".join(neutral(text).split()))
    return _AUTOLINK.sub(lambda m: (m.group(0) or "") + WORD_JOINER, escaped)


# --- Markdown that reads as plain text (the .md export) ------------------------------------------
#
# A summary is read in a text editor, an email or a ticket as often as it is rendered, so only what
# Markdown would really misread is escaped: characters that make links, images, HTML, emphasis,
# code, tables or maths wherever they are, and the few that start a block only at the start of a
# line.  Every text is folded to one line, so "at the start of a line" is "at the start of the text".
# Dots, dashes, colons, brackets and the like in the middle of a sentence are left alone.
_ALWAYS = re.compile(r"([\\`*\[\]<>|~$]|_(?![A-Za-z0-9])|(?<![A-Za-z0-9])_)")
_BLOCK_START = re.compile(r"^(?:([#=+-])|(\d{1,9})([.)]))")
_ENTITY = re.compile(r"&(?=#?\w+;)")
# GitHub-flavoured Markdown and linkify make links of bare addresses (www.x, http://, //x, a@b, and
# with linkify even x.com): an invisible word joiner after each scheme name, between two slashes,
# before each @ and after a dot that starts a domain label breaks them (a joiner *before* the dot
# would not: linkify reads it as part of an international domain name), and Streamlit's icons.
_BARE_LINK = re.compile(r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=ftp)(?=:)|(?<=mailto)(?=:)"
                        r"|(?<=xmpp)(?=:)|(?<=/)(?=/)|(?=@)|(?<=[A-Za-z0-9]\.)(?=[A-Za-z])"
                        r"|(?<=:)(?=material/)")


def md_text(text: str) -> str:
    """Escape text for a Markdown file that still reads as plain text.

    Never a link, image, HTML tag, entity, emphasis, code span, table, strikethrough, Streamlit
    directive or maths, and never a heading, list, quote or rule of its own; but "Tuesday 3.30 -
    at the counter: see notes." stays exactly as typed.  Newlines are folded into spaces and
    direction controls removed, as in :func:`md`.
    """
    folded = " ".join(neutral(text).split())
    escaped = _ENTITY.sub(r"\\&", _ALWAYS.sub(r"\\\1", folded))
    escaped = _BLOCK_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}",
                               escaped)
    return _BARE_LINK.sub(WORD_JOINER, escaped)


def _para(lines: tuple[str, ...] | list[str]) -> list[str]:
    """Each sentence group as its own paragraph."""
    return [x for line in lines if line for x in (md_text(line), "")]


def _bullets(lines: Iterable[str]) -> list[str]:
    return [f"- {md_text(x)}" for x in lines if x] + [""]


def _urgent_markdown(n: Narrative) -> list[str]:
    u = n.urgent
    if u is None:
        return []
    out = [f"## {md_text(u.title)}", "", md_text(u.intro), ""]
    out += [md_text(u.lead), "", *_bullets(u.questions)]
    out += [f"{i}. {md_text(a)}" for i, a in enumerate(u.actions, 1)] + [""]
    return out


def narrative_markdown(n: Narrative, title: str = "Prevent concern screening summary") -> str:
    """The narrative as safe Markdown, in the order of the national Prevent referral form.

    Any open urgent check leads, above everything else; the recommendation follows the form's
    sections as a short heading with its steps numbered; every answer is listed by factor.
    """
    s = SECTIONS
    out = [f"# {md_text(title)}", "", f"**{md_text(n.council)}**  ",
           f"Reference: **{md_text(n.reference)}**  ", md_text(n.screened), ""]
    out += _urgent_markdown(n)
    out += [f"## {s[0]}", "", *_bullets(n.concern), *_para(n.signs)]
    out += [f"## {s[1]}", "", *_para(n.person), *_para(n.circumstances)]
    out += [f"## {s[2]}", "", *_para((n.agencies, n.safeguarding))]
    out += [f"## {s[3]}", "", *_para((n.actions,))]
    out += [f"## {s[4]}", "", *_para((n.aware,))]
    out += [f"## {s[5]}", "", *_para(n.protective)]
    out += [f"## {s[6]}: {md_text(n.outcome_title)}", ""]
    out += _para((n.outcome_summary,))
    out += [f"{i}. {md_text(t)}" for i, t in enumerate(n.outcome_steps, 1)] + [""]
    out += [f"**{md_text(n.outcome_contact)}**", ""]
    if n.steps:
        out += ["### Also do this, whatever the route", "", *_bullets(n.steps)]
    if n.departure:
        out += ["### The worker's decision", "", md_text(n.departure), ""]
    out += ["### Why", "", *_bullets(n.why)]
    out += [f"## {s[7]}", "", *_para(n.unknowns)]
    for g in n.to_check:
        out += [f"**{md_text(g.lead)}**", "", *_bullets(g.items)]
    out += _para((n.explanations,))
    if n.alternatives:
        out += ["### What would change the recommendation", "", f"*{md_text(n.alternatives_note)}*", ""]
        out += _bullets(n.alternatives)
    if n.never_indicators:
        out += ["## Never an indicator", "", *_bullets(n.never_indicators)]
    out += [f"## {s[8]}", ""]
    for a in n.answers:
        out += [f"### {md_text(a.factor)}", ""]
        out += [f"- {md_text(q)} **{md_text(answer)}**" for q, answer, _ in a.rows] + [""]
    out += [f"## {s[9]}", "", md_text(n.provenance), "", "---", "", f"*{md_text(n.disclaimer)}*", ""]
    return "\n".join(out)


def to_markdown(ruleset: RuleSet, assessment: Assessment, record: ScreeningRecord) -> str:
    """The summary as Markdown (safe to show with ``st.markdown`` or to save as a .md file)."""
    return narrative_markdown(narrative(ruleset, assessment, record))


def file_name(record: ScreeningRecord, extension: str) -> str:
    """``prevent-screening-2026-11-29-1432-7KQ3.pdf``: date and time (UK) and the random reference.

    Every download of one screening shares its stem, and two screenings practically never do; the
    reference is random (:func:`screening.record.new_reference`), never anything about the person.
    """
    stamp = record.completed_at or record.started_at
    try:
        when = dt.datetime.fromisoformat(stamp)
        if when.tzinfo is not None:
            when = when.astimezone(_uk())
        shown = when.strftime("%Y-%m-%d-%H%M")
    except ValueError:
        shown = re.sub(r"[^0-9-]", "", stamp[:10]) or "undated"
    ref = re.sub(r"[^A-Za-z0-9]", "", record.reference)
    return "-".join(x for x in ("prevent-screening", shown, ref) if x) + f".{extension}"


def _uk() -> dt.tzinfo:
    """UK local time for file names (BST in summer), or UTC where no time-zone data is installed."""
    try:
        return ZoneInfo("Europe/London")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC
