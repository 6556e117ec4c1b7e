"""The summary as a PDF that reads as a council document, in the national referral form's order.

Every page carries the council's name and the screening's reference; any open urgent check leads;
text is left-aligned; lists are real bullet and numbered lists; the recommendation is a short
heading with its steps numbered; every answer is in a table, by factor.

fpdf2's built-in fonts cover Latin-1 only.  Rather than depend on a TTF font being installed, all
text is made Latin-1 safe first (:func:`latin1`): typographic quotes and dashes become plain ones,
accents outside Latin-1 lose their accent, and anything else (emoji, other scripts) becomes ``?``.
So no free text can crash the PDF; the JSON export keeps the exact words.  Direction controls are
removed first (:func:`screening.text.neutral`), so text reads in the order it was stored.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from fpdf import FPDF, FontFace
from fpdf.enums import Align, TableBordersLayout, WrapMode, XPos, YPos

from ..engine import Assessment
from ..record import ScreeningRecord
from ..rules.ruleset import RuleSet
from ..text import neutral
from .narrative import SECTIONS, Narrative, narrative

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


#: Colours (RGB): dark text, a muted council blue for headings and rules, the urgent red.
_INK, _BLUE, _RED = (11, 12, 12), (29, 57, 94), (178, 34, 34)
_SHADE, _URGENT_FILL = (236, 240, 245), (253, 236, 236)
_BULLET = "\u2022"  # drawn from the core font's Windows-1252 table, where it exists
_LINE = 5.2


class _Doc(FPDF):
    """An A4 council document: a header with the council and reference on every page, a footer."""

    def __init__(self, council: str, reference: str, footer_text: str) -> None:
        super().__init__(format="A4")
        self.core_fonts_encoding = "windows-1252"  # Latin-1 plus the bullet and typographic marks
        self._council, self._reference, self._footer_text = council, reference, footer_text
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 14, 18)

    def header(self) -> None:
        self.set_text_color(*_BLUE)
        self.set_font("Helvetica", "B", 11)
        half = self.epw / 2
        self.cell(half, 6, latin1(self._council), align=Align.L)
        self.set_font("Helvetica", "", 9)
        self.cell(half, 6, latin1(f"Prevent concern screening | Reference {self._reference}"),
                  align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*_BLUE)
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(5)
        self.set_text_color(*_INK)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(*_INK)
        self.cell(0, 6, latin1(f"{self._footer_text}  |  Reference {self._reference}  |  "
                               f"page {self.page_no()} of {{nb}}"), align=Align.C)

    def keep(self, room: float) -> None:
        """Start a new page unless ``room`` mm are left, so a heading never ends a page alone."""
        if self.get_y() + room > self.page_break_trigger:
            self.add_page()

    def heading(self, text: str, size: int = 13, colour: tuple[int, int, int] = _BLUE) -> None:
        self.keep(size + 16)
        self.ln(2)
        self.set_text_color(*colour)
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, size * 0.5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align=Align.L)
        self.set_text_color(*_INK)
        self.ln(1)

    def para(self, text: str, style: str = "", indent: float = 0) -> None:
        if not text:
            return
        self.set_font("Helvetica", style, 10)
        shown = latin1(text)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, _LINE, shown, new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                        align=Align.L, wrapmode=_wrap(shown))
        self.ln(1.2)

    def items(self, texts: Iterable[str], numbered: bool = False, style: str = "",
              indent: float = 0) -> None:
        """A real list: a bullet (or number) in its own column, wrapped lines hang under the text."""
        for n, text in enumerate((t for t in texts if t), 1):
            self.set_font("Helvetica", style, 10)
            marker = f"{n}." if numbered else _BULLET
            self.set_x(self.l_margin + indent + 1.5)
            self.cell(6, _LINE, marker, align=Align.L)
            shown = latin1(text)
            self.set_x(self.l_margin + indent + 7.5)
            self.multi_cell(self.epw - indent - 7.5, _LINE, shown, new_x=XPos.LMARGIN,
                            new_y=YPos.NEXT, align=Align.L, wrapmode=_wrap(shown))
            self.ln(0.8)
        self.ln(0.8)


def _wrap(text: str) -> WrapMode:
    return WrapMode.CHAR if _has_long_word(text) else WrapMode.WORD


def _has_long_word(text: str, limit: int = 60) -> bool:
    return any(len(w) > limit for w in text.split())


def _urgent(doc: _Doc, n: Narrative) -> None:
    """The open urgent checks, first of all, in a red-edged box."""
    u = n.urgent
    if u is None:
        return
    top, page = doc.get_y(), doc.page_no()
    doc.heading(u.title, 14, _RED)
    doc.para(u.intro, "B", indent=4)
    doc.para(u.lead, indent=4)
    doc.items(u.questions, indent=4)
    doc.items(u.actions, numbered=True, style="B", indent=4)
    if doc.page_no() == page:  # a bar down the left edge, as GOV.UK marks a warning
        doc.set_fill_color(*_RED)
        doc.rect(doc.l_margin, top + 1, 1.6, doc.get_y() - top - 2, style="F")
        doc.set_fill_color(255, 255, 255)  # fills that follow (table cells) must not inherit the red
    doc.ln(2)


def _answers(doc: _Doc, n: Narrative) -> None:
    """Every answer in one table: a shaded row per factor, then its questions and answers."""
    doc.set_font("Helvetica", "", 9.5)
    heading = FontFace(emphasis="BOLD", color=_INK, fill_color=(210, 218, 230))
    factor = FontFace(emphasis="BOLD", color=_BLUE, fill_color=_SHADE)
    yes = FontFace(emphasis="BOLD")
    doc.set_fill_color(255, 255, 255)
    doc.set_draw_color(190, 196, 204)
    doc.set_line_width(0.2)
    with doc.table(col_widths=(0.8, 0.2), width=doc.epw, align=Align.L, text_align=(Align.L, Align.L),
                   headings_style=heading, line_height=4.8, padding=1.2,
                   borders_layout=TableBordersLayout.HORIZONTAL_LINES, repeat_headings=1) as table:
        table.row(["Question", "Answer"])
        for group in n.answers:
            table.row().cell(latin1(group.factor), colspan=2, style=factor)
            for question, shown, value in group.rows:
                row = table.row()
                row.cell(latin1(question))
                row.cell(latin1(shown), style=yes if value == "yes" else None)


def narrative_pdf(n: Narrative, title: str = "Prevent concern screening summary") -> bytes:
    """Render a narrative: urgent checks first, then the referral form's sections, then the rest."""
    s = SECTIONS
    doc = _Doc(n.council, n.reference, "Decision support only - it does not replace professional judgement")
    doc.set_title(latin1(title))
    doc.set_creator("prevent-screening")
    doc.add_page()
    doc.heading(title, 17)
    doc.para(n.screened)
    _urgent(doc, n)
    doc.heading(s[0])
    doc.items(n.concern)
    for p in n.signs:
        doc.para(p)
    doc.heading(s[1])
    for p in (*n.person, *n.circumstances):
        doc.para(p)
    doc.heading(s[2])
    doc.para(n.agencies)
    doc.para(n.safeguarding)
    doc.heading(s[3])
    doc.para(n.actions)
    doc.heading(s[4])
    doc.para(n.aware)
    doc.heading(s[5])
    for p in n.protective:
        doc.para(p)
    doc.heading(f"{s[6]}: {n.outcome_title}", 14)
    doc.para(n.outcome_summary, "B")
    doc.items(n.outcome_steps, numbered=True)
    doc.para(n.outcome_contact, "B")
    if n.steps:
        doc.heading("Also do this, whatever the route", 11)
        doc.items(n.steps)
    if n.departure:
        doc.heading("The worker's decision", 11)
        doc.para(n.departure)
    doc.heading("Why", 11)
    doc.items(n.why)
    doc.heading(s[7])
    for p in n.unknowns:
        doc.para(p)
    for group in n.to_check:
        doc.keep(20)
        doc.para(group.lead, "B")
        doc.items(group.items)
    doc.para(n.explanations)
    if n.alternatives:
        doc.heading("What would change the recommendation", 11)
        doc.para(n.alternatives_note, "I")
        doc.items(n.alternatives)
    if n.never_indicators:
        doc.heading("Never an indicator")
        doc.items(n.never_indicators)
    doc.heading(s[8])
    _answers(doc, n)
    doc.heading(s[9])
    doc.para(n.provenance)
    doc.para(n.disclaimer, "I")
    return bytes(doc.output())


def to_pdf(ruleset: RuleSet, assessment: Assessment, record: ScreeningRecord) -> bytes:
    """The summary as PDF bytes (for ``st.download_button`` or a file)."""
    return narrative_pdf(narrative(ruleset, assessment, record))
