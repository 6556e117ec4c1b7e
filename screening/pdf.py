"""The summary as a PDF, laid out in the order of the national Prevent referral form.

fpdf2's built-in fonts cover Latin-1 only.  Rather than depend on a TTF font being installed, all
text is made Latin-1 safe first (:func:`latin1`): typographic quotes and dashes become plain ones,
accents outside Latin-1 lose their accent, and anything else (emoji, other scripts) becomes ``?``.
So no free text can crash the PDF; the JSON export keeps the exact words.  Direction controls are
removed first (:func:`screening.text.neutral`), so text reads in the order it was stored.
"""

from __future__ import annotations

import unicodedata

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from .engine import Assessment
from .narrative import Narrative, narrative
from .record import ScreeningRecord
from .ruleset import RuleSet
from .text import neutral

_REPLACE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u201c": '"', "\u201d": '"',
    "\u201e": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...", "\u00a0": " ",
    "\u2022": "-", "\u200b": "", "\t": " ", "\r": "", "\u0141": "L", "\u0142": "l", "\u0110": "D",
    "\u0111": "d", "\u0131": "i", "\u0152": "OE", "\u0153": "oe", "\u20ac": "EUR",
})


def latin1(text: str) -> str:
    """Text fpdf2's core fonts can draw, whatever the worker typed, with no direction controls."""
    out = []
    for ch in neutral(text).translate(_REPLACE):
        if ch == "\n" or (ord(ch) < 256 and ch.isprintable()):
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(base if base and all(ord(c) < 256 and c.isprintable() for c in base) else "?")
    return "".join(out)


class _Doc(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self._footer_text = footer_text
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 16, 18)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 6, latin1(f"{self._footer_text}  |  page {self.page_no()}"), align="C")

    def heading(self, text: str, size: int = 13) -> None:
        self.ln(2)
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, 7, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def para(self, text: str, style: str = "", bullet: bool = False) -> None:
        self.set_font("Helvetica", style, 10)
        shown = latin1(("- " if bullet else "") + text)
        wrap = WrapMode.CHAR if _has_long_word(shown) else WrapMode.WORD
        self.multi_cell(0, 5.2, shown, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=wrap)
        self.ln(1.2)


def _has_long_word(text: str, limit: int = 60) -> bool:
    return any(len(w) > limit for w in text.split())


def narrative_pdf(n: Narrative, title: str = "Prevent concern screening summary") -> bytes:
    """Render a narrative; sections follow the national referral form, then unknowns and provenance."""
    doc = _Doc("Decision support only - it does not replace professional judgement")
    doc.set_title(latin1(title))
    doc.set_creator("prevent-screening")
    doc.add_page()
    doc.heading(title, 16)
    doc.para(n.screened)
    doc.heading("1. The concern")
    for c in n.concern:
        doc.para(c, bullet=True)
    doc.heading("2. The person's circumstances")
    for p in (*n.person, *n.together):
        doc.para(p)
    doc.heading("3. Other agencies and actions")
    doc.para(n.agencies)
    doc.heading("4. Recommendation and reasons")
    doc.para(n.recommendation, "B")
    for w in n.why:
        doc.para(w, bullet=True)
    for s in n.steps:
        doc.para(s, bullet=True)
    if n.departure:
        doc.para(n.departure, "B")
    doc.heading("5. Still to check (Notice, Check, Share)")
    for u in n.unknowns:
        doc.para(u, bullet=True)
    if n.alternatives:
        doc.para("What would change the recommendation:", "B")
        for a in n.alternatives:
            doc.para(a, bullet=True)
    if n.never_indicators:
        doc.heading("Never an indicator")
        for x in n.never_indicators:
            doc.para(x, bullet=True)
    doc.heading("Rules used")
    doc.para(n.provenance)
    doc.para(n.disclaimer, "I")
    return bytes(doc.output())


def to_pdf(ruleset: RuleSet, assessment: Assessment, record: ScreeningRecord) -> bytes:
    """The summary as PDF bytes (for ``st.download_button`` or a file)."""
    return narrative_pdf(narrative(ruleset, assessment, record))
