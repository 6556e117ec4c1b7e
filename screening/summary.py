"""The summary handed on: the narrative, and its Markdown, PDF and JSON exports.

This module is the one the app imports (``from screening import summary``); the PDF and JSON
renderers live in :mod:`screening.pdf` and :mod:`screening.export` (reading an export back in
:mod:`screening.opening`) to keep each module one noun.
Every piece of text, the worker's free text above all, is escaped here before it becomes Markdown:
a note that says ``[x](http://evil)`` or ``<script>`` is shown as those characters, never as a link,
an image or HTML, and no direction control can make it read in another order.
"""

from __future__ import annotations

import re

from .engine import Assessment
from .export import FORMAT, FORMAT_VERSION, to_json
from .narrative import Narrative, fairness_terms, narrative, statement
from .opening import OpenedScreening, Replay, read_export
from .pdf import narrative_pdf, to_pdf
from .record import ScreeningRecord
from .ruleset import RuleSet
from .text import neutral

__all__ = [
    "FORMAT", "FORMAT_VERSION", "Narrative", "OpenedScreening", "Replay", "fairness_terms", "md",
    "narrative", "narrative_markdown", "narrative_pdf", "read_export", "statement", "to_json",
    "to_markdown", "to_pdf",
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


def _para(lines: tuple[str, ...]) -> list[str]:
    """Each sentence group as its own paragraph."""
    return [x for line in lines if line for x in (md(line), "")]


def narrative_markdown(n: Narrative, title: str = "Prevent concern screening summary") -> str:
    """The narrative as safe Markdown, in the order of the national Prevent referral form."""
    out = [f"# {md(title)}", "", md(n.screened), ""]
    out += ["## The concern", "", *[f"- {md(c)}" for c in n.concern], ""]
    out += ["## The person's circumstances", "", *_para(n.person), *_para(n.together)]
    out += ["## Other agencies and actions", "", md(n.agencies), ""]
    out += ["## Recommendation", "", f"**{md(n.recommendation)}**", ""]
    out += ["### Why", ""] + [f"- {md(w)}" for w in n.why] + [""]
    if n.steps:
        out += ["### Also do this, whatever the route", ""] + [f"- {md(s)}" for s in n.steps] + [""]
    if n.departure:
        out += ["### The worker's decision", "", md(n.departure), ""]
    out += ["## Still to check (Notice, Check, Share)", ""] + [f"- {md(u)}" for u in n.unknowns] + [""]
    if n.alternatives:
        out += ["### What would change the recommendation", ""]
        out += [f"- {md(a)}" for a in n.alternatives] + [""]
    if n.never_indicators:
        out += ["## Never an indicator", ""] + [f"- {md(x)}" for x in n.never_indicators] + [""]
    out += ["## Rules used", "", md(n.provenance), "", "---", "", f"*{md(n.disclaimer)}*", ""]
    return "\n".join(out)


def to_markdown(ruleset: RuleSet, assessment: Assessment, record: ScreeningRecord) -> str:
    """The summary as Markdown (safe to show with ``st.markdown`` or to save as a .md file)."""
    return narrative_markdown(narrative(ruleset, assessment, record))
