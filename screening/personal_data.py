"""Personal details typed into free text: find them, so the worker can take them out before export.

A screening needs no name, address or number of the person (the Prevent Lead adds those), yet a
worried worker types them anyway, and every export then carries them.  :func:`find` returns the
likely ones as spans (start, end, kind, text, suggestion); the account page shows each one and
offers to replace it with its ``suggestion`` ("[name removed]"), or to go on when it is not
personal data.  It is a warning, never a block: the finder can be wrong both ways.

How each kind is found (measured on tests/data/personal_data.yaml; the README has the numbers):

- **phone**: Google's libphonenumber (``phonenumbers``) finds UK numbers in the text.  Valid
  numbers count, and so do numbers shaped like a UK landline or mobile that are not (yet) allocated;
  freephone, 03 and premium numbers are organisations', and the rule set's own contacts are not
  personal data.
- **email**: the usual address shape; a shared mailbox (``safeguarding@...``) is not a person's.
- **postcode**: the full UK postcode pattern (a district alone, "SS9", identifies no one).
- **nhs_number**: ten digits whose last is the modulus-11 check digit of the first nine, or any ten
  digits right after "NHS".
- **ni_number**: two letters HMRC issues as a National Insurance prefix, six digits and A-D (the
  letter may be left off right after "NI" or "National Insurance").
- **date_of_birth**: a date after "born", "DOB", "date of birth" or "birthday"; or a full date ten
  or more years ago (the events a note describes are recent; a date that old is usually a birth).
- **address**: a house number and a street ("14 Westcliff Avenue", "Flat 3, 22 Rectory Road"), or a
  street after "lives at / on".
- **name**: a heuristic, as no library fits UK notes: a title ("Mrs Okafor"), a naming cue
  ("called", "his name is", "spoke to"), a relation ("her son Reece", "Mum, Karen"), or a common UK
  given name (data/given_names.txt, with its source), each extended over the surname that follows.
  Words that are also places, months or faiths ("Jordan", "May", "Christian") need a cue or a
  surname; words that are also ordinary words ("Grace", "Will") need one at the start of a sentence.
  Places, organisations, days, faiths and job-title words (data/not_names.txt) are never names.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

import phonenumbers

__all__ = ["KINDS", "LABELS", "REMOVED", "Finding", "Kind", "excerpt", "find", "remove"]

Kind = Literal["name", "phone", "email", "postcode", "address", "date_of_birth", "nhs_number", "ni_number"]

#: Every kind, in the order a finding wins when two overlap (the more specific first).
KINDS: tuple[Kind, ...] = ("email", "nhs_number", "ni_number", "phone", "postcode", "date_of_birth",
                           "address", "name")

#: What each kind is called in a sentence ("may contain a name").
LABELS: dict[Kind, str] = {
    "name": "a name", "phone": "a phone number", "email": "an email address", "postcode": "a postcode",
    "address": "an address", "date_of_birth": "a date of birth", "nhs_number": "an NHS number",
    "ni_number": "a National Insurance number",
}

#: What replaces a finding the worker removes.
REMOVED: dict[Kind, str] = {
    "name": "[name removed]", "phone": "[phone number removed]", "email": "[email removed]",
    "postcode": "[postcode removed]", "address": "[address removed]",
    "date_of_birth": "[date of birth removed]", "nhs_number": "[NHS number removed]",
    "ni_number": "[NI number removed]",
}

DATA = Path(__file__).resolve().parent / "data"


def _set(words: str) -> frozenset[str]:
    """A set written as words separated by spaces (easier to read and edit than a list literal)."""
    return frozenset(words.split())


@dataclass(frozen=True)
class Finding:
    """One likely piece of personal data: ``text == source[start:end]``."""

    start: int
    end: int
    kind: Kind
    text: str
    suggestion: str

    @property
    def label(self) -> str:
        """'a name', 'an NHS number'."""
        return LABELS[self.kind]

    @property
    def noun(self) -> str:
        """'name', 'NHS number'."""
        return LABELS[self.kind].split(" ", 1)[1]


def _finding(text: str, start: int, end: int, kind: Kind) -> Finding:
    return Finding(start, end, kind, text[start:end], REMOVED[kind])


# --- email -------------------------------------------------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.+'-])[A-Za-z0-9][A-Za-z0-9._%+'-]*@"
                    r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
#: Mailboxes that belong to a team or service, not a person (every part of the local part is one).
_SHARED_MAILBOX = _set("""admin advice asb benefits contact contactus council counter customer
customers dsl duty early enquiries enquiry frontdesk general hello help helpdesk housing info mash
office options prevent reception referrals safeguarding service services social support team
tenancy the youth children families adults hub""")


def _emails(text: str) -> list[Finding]:
    out = []
    for m in _EMAIL.finditer(text):
        local = m.group().split("@", 1)[0].lower()
        if all(part in _SHARED_MAILBOX for part in re.split(r"[._+-]", local) if part):
            continue
        out.append(_finding(text, m.start(), m.end(), "email"))
    return out


# --- phone -------------------------------------------------------------------------------------------
_ORGANISATION_NUMBERS = frozenset({
    phonenumbers.PhoneNumberType.TOLL_FREE, phonenumbers.PhoneNumberType.SHARED_COST,
    phonenumbers.PhoneNumberType.UAN, phonenumbers.PhoneNumberType.PREMIUM_RATE,
})


#: At most this many number-like runs are tried as phone numbers (a note has a handful; a paste of
#: thousands of digit groups would otherwise take seconds on every page).
_PHONE_TRIES = 300


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def _national(number: str) -> str:
    """The national significant number of a UK number as typed ('+44 7700...' -> '7700...')."""
    digits = _digits(number)
    for prefix in ("0044", "44", "0"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 9:
            return digits[len(prefix):]
    return digits


def _phones(text: str, known: frozenset[str]) -> list[Finding]:
    out = []
    matcher = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE,
                                              max_tries=_PHONE_TRIES)
    for m in matcher:
        raw = m.raw_string
        nsn = str(m.number.national_number)
        if nsn in known:
            continue
        if phonenumbers.is_valid_number(m.number):
            if phonenumbers.number_type(m.number) in _ORGANISATION_NUMBERS:
                continue
        elif not (raw.lstrip("(").startswith(("0", "+")) and 9 <= len(nsn) <= 10 and nsn[0] in "127"):
            continue  # not shaped like a UK landline or mobile (a case or crime reference, a count)
        out.append(_finding(text, m.start, m.end, "phone"))
    return out


# --- NHS and National Insurance numbers ---------------------------------------------------------------
_NHS = re.compile(r"(?<![\w/.-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\w/-]|\.\d)")
_NHS_CUE = re.compile(r"(?i)\bNHS\b[^.\n]{0,30}$")
_REFERENCE_CUE = re.compile(r"(?i)\b(?:ref(?:erence)?|case|crime|incident|log|account|order|claim|"
                            r"tel|phone|mobile|number\s+is)\b\W*(?:no\.?|number|#)?\W*$")


def nhs_check_digit_ok(digits: str) -> bool:
    """The NHS number's modulus-11 check: weights 10..2 over the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _nhs_numbers(text: str) -> list[Finding]:
    out = []
    for m in _NHS.finditer(text):
        before = text[max(0, m.start() - 40):m.start()]
        cued = bool(_NHS_CUE.search(before))
        if cued or (nhs_check_digit_ok("".join(m.groups())) and not _REFERENCE_CUE.search(before)):
            out.append(_finding(text, m.start(), m.end(), "nhs_number"))
    return out


_NI_PREFIX_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NI_PREFIX_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_NI_NOT_ISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_NI = re.compile(r"(?<![\w])([A-Za-z]{2}) ?(\d{2}) ?(\d{2}) ?(\d{2})(?: ?([A-Da-d]))?(?!\w)")
_NI_CUE = re.compile(r"(?i)\b(?:N\.?I\.?(?:\s*no\.?|\s*number)?|NINO|"
                     r"national\s+insurance(?:\s+(?:no\.?|number))?)\W{0,3}(?:is\W{0,3})?$")


def _ni_numbers(text: str) -> list[Finding]:
    out = []
    for m in _NI.finditer(text):
        prefix, suffix = m.group(1), m.group(5)
        cued = bool(_NI_CUE.search(text[max(0, m.start() - 40):m.start()]))
        shaped = (prefix.isupper() and prefix[0] in _NI_PREFIX_FIRST and prefix[1] in _NI_PREFIX_SECOND
                  and prefix not in _NI_NOT_ISSUED and (suffix is None or suffix.isupper()))
        if (shaped and suffix is not None) or (cued and (shaped or suffix is not None)):
            out.append(_finding(text, m.start(), m.end(), "ni_number"))
    return out


# --- postcode -----------------------------------------------------------------------------------------
_OUTWARD = r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]|" \
           r"[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE = re.compile(rf"(?<![\w-])(?:{_OUTWARD} ?{_INWARD}|GIR ?0AA)(?![\w-])")
_POSTCODE_LOWER = re.compile(rf"(?<![\w-])(?:{_OUTWARD.lower()} {_INWARD.lower()})(?![\w-])")


def _postcodes(text: str) -> list[Finding]:
    spans = {(m.start(), m.end()) for rx in (_POSTCODE, _POSTCODE_LOWER) for m in rx.finditer(text)}
    return [_finding(text, s, e, "postcode") for s, e in sorted(spans)]


# --- dates of birth -----------------------------------------------------------------------------------
_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_DATES = [  # (pattern, which groups hold day, month, year)
    re.compile(r"(?<![\w/.-])(?P<d>[0-3]?\d)[/.-](?P<m>[01]?\d)[/.-](?P<y>\d{4}|\d{2})(?![\w/-]|\.\d)"),
    re.compile(r"(?<![\w/.-])(?P<y>(?:19|20)\d{2})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\w/-])"),
    re.compile(rf"(?i)(?<!\w)(?P<d>{_DAY})(?:\s+of)?\s+(?P<m>{_MONTH})(?:,?\s+(?P<y>(?:19|20)\d{{2}}))?(?!\w)"),
    re.compile(rf"(?i)(?<!\w)(?P<m>{_MONTH})\s+(?P<d>{_DAY})(?:,?\s+(?P<y>(?:19|20)\d{{2}}))?(?!\w)"),
    re.compile(rf"(?i)(?<!\w)(?P<m>{_MONTH})\s+(?P<y>(?:19|20)\d{{2}})(?!\w)"),
]
_DOB_CUE = re.compile(r"(?i)(?:\bd\.?\s?o\.?\s?b\b\.?|\bd/o/b\b|\bdate\s+of\s+birth\b|\bbirth\s*date\b|"
                      r"\bborn\b|\bbirthday\b|\bb\.\s?)"
                      r"[^.\n]{0,24}$")


def _month(value: str) -> int | None:
    if value.isdigit():
        n = int(value)
        return n if 1 <= n <= 12 else None
    return _MONTHS.get(value.lower().rstrip("."))


def _year(value: str | None, today: date) -> int | None:
    if value is None:
        return None
    year = int(value)
    if len(value) == 2:
        year += 2000 if year <= today.year % 100 else 1900
    return year


def _dates_of_birth(text: str, today: date) -> list[Finding]:
    found: dict[tuple[int, int], Finding] = {}
    for rx in _DATES:
        for m in rx.finditer(text):
            groups = m.groupdict()
            month = _month(groups["m"])
            year = _year(groups.get("y"), today)
            day_text = groups.get("d")
            day = int(re.sub(r"\D", "", day_text)) if day_text else None
            if month is None or (year is not None and not 1900 <= year <= today.year):
                continue
            if day is not None and not 1 <= day <= calendar.monthrange(year or 2000, month)[1]:
                continue
            cued = bool(_DOB_CUE.search(text[max(0, m.start() - 40):m.start()]))
            long_ago = day is not None and year is not None and year <= today.year - 10
            if cued or long_ago:
                f = _finding(text, m.start(), m.end(), "date_of_birth")
                found[(f.start, f.end)] = f
    return list(found.values())


# --- address ------------------------------------------------------------------------------------------
STREET_SUFFIXES = _set("""Road Rd Street St Avenue Ave Lane Ln Close Cl Drive Dr Way Crescent Cres
Gardens Gdns Court Ct Place Pl Grove Gr Terrace Hill Walk Rise Mews Square Sq View Chase Parade Row
Green Vale Wharf Quay Boulevard Broadway Esplanade Embankment Yard Gate Meadow Meadows Fields Path
Approach Croft End Heights Mead Park Promenade Circus Villas Cottages Corner Hollow Reach""")
_STREET_WORD = r"(?:The\s+)?(?:[A-Z][\w'’-]*\s+){0,3}"
_ADDRESS = re.compile(
    r"(?<![\w/.,-])(?:(?:Flat|Apartment|Apt|Unit|Room)\s+\d+[A-Za-z]?,?\s+)?\d{1,4}[A-Za-z]?,?\s+"
    rf"(?P<street>{_STREET_WORD}(?:[A-Z][\w'’-]*))(?:\s+(?:North|South|East|West))?(?![\w-])")
_LIVES_AT = re.compile(r"(?i)\b(?:lives?|living|stays?|staying|stayed|resides?|moved)\s+(?:at|on|in|to)\s+"
                       r"(?:number\s+\d+\s+)?")
_STREET_ONLY = re.compile(rf"(?P<street>{_STREET_WORD}(?:[A-Z][\w'’-]*))"
                          r"(?:\s+(?:North|South|East|West))?(?![\w-])")


_DIRECTION = re.compile(r"\s+(?:North|South|East|West)(?![\w-])")


def _is_street(words: str) -> bool:
    last = words.split()[-1].rstrip(".,")
    return last in STREET_SUFFIXES or (len(last) > 5 and last.lower().endswith(("way", "gate")))


def _addresses(text: str) -> list[Finding]:
    out = []
    for m in _ADDRESS.finditer(text):
        base = m.start("street")
        words = list(re.finditer(r"\S+", m.group("street")))
        # the street is the shortest run of capitalised words that ends with a street word
        for i, word in enumerate(words):
            if word.group() in {"St", "St."} and i + 1 < len(words):
                continue  # "22 St Mary's Road": St is Saint here
            if _is_street(m.group("street")[: word.end()]):
                end = base + word.end()
                tail = _DIRECTION.match(text, end)
                out.append(_finding(text, m.start(), tail.end() if tail else end, "address"))
                break
    for cue in _LIVES_AT.finditer(text):
        street = _STREET_ONLY.match(text, cue.end())
        if street and _is_street(street.group("street")) \
                and not any(f.start <= street.start() < f.end for f in out):
            out.append(_finding(text, street.start(), street.end(), "address"))
    return out


# --- names --------------------------------------------------------------------------------------------
def _words(path: Path) -> dict[str, set[str]]:
    """A word list: names separated by spaces, '#' comments, '[section]' headers."""
    sections: dict[str, set[str]] = {"": set()}
    current = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections.setdefault(current, set())
        elif line:
            sections[current].update(w.casefold() for w in line.split())
    return sections


@dataclass(frozen=True)
class _Lists:
    given: frozenset[str]
    common_words: frozenset[str]
    proper_nouns: frozenset[str]
    surnames: frozenset[str]
    not_names: frozenset[str]


@cache
def _public_figures() -> re.Pattern[str]:
    """Names of public figures (data/public_figures.txt) as one pattern, longest first."""
    lines = (DATA / "public_figures.txt").read_text(encoding="utf-8").splitlines()
    names = sorted({n.strip() for n in lines if n.strip() and not n.lstrip().startswith("#")}, key=len,
                   reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)")


@cache
def _lists() -> _Lists:
    homographs = _words(DATA / "name_homographs.txt")
    return _Lists(given=frozenset(_words(DATA / "given_names.txt")[""]),
                  common_words=frozenset(homographs["common words"]),
                  proper_nouns=frozenset(homographs["proper nouns"]),
                  surnames=frozenset(_words(DATA / "surnames.txt")[""]),
                  not_names=frozenset(_words(DATA / "not_names.txt")[""]))


TITLES = _set("""mr mrs ms miss mx dr prof professor sir dame lady lord rev revd reverend imam
rabbi sheikh pastor pc dc ds di dci dsupt sgt insp pcso cllr councillor""")
#: A place, building or organisation follows: the capitalised words before it are its name.
PLACE_WORDS = _set("""road street avenue lane close drive way crescent gardens court place grove
terrace centre center school academy college university hospital station church mosque temple
surgery library estate park woods airport house primary bay police council hall club arms inn hotel
bridge square stadium unit gate green hill parade walk row line""")
#: Words after which a capitalised word is a place or a figure, not someone in the note.
NOT_BEFORE_NAME = _set("st st. saint prophet lake mount port fort queen king prince princess")

_RELATIONS = (r"son|daughter|brother|sister|step-?(?:son|daughter|brother|sister|dad|mum|father|mother)|"
              r"mum|mom|mother|dad|father|nan|nanna|nana|gran|granny|grandma|grandmother|grandad|granddad|"
              r"grandfather|grandson|granddaughter|uncle|aunt|auntie|aunty|cousin|nephew|niece|wife|"
              r"husband|(?:ex-?)?partner|ex|boyfriend|girlfriend|fianc[eé]e?|friend|mate|neighbour|"
              r"neighbor|tenant|landlord|landlady|lodger|carer|caller|colleague|teacher|worker|"
              r"man|woman|boy|girl|lad|person|child|pupil|student|resident|customer|client|parent|"
              r"guardian|kin|sibling|twin|baby|officer|manager|mentor|coach")
_RELATION_CUE = re.compile(rf"(?i)\b(?P<noun>{_RELATIONS})(?:\s*[,:(]\s*|\s+(?:is|was|called|named)\s+|\s+)$")
_NAMING_CUE = re.compile(
    r"(?i)(?:\b(?:called|named|name\s+is|name's|names\s+are|name\s+was|known\s+as|goes\s+by|go\s+by|"
    r"calls\s+(?:himself|herself|themselves)|aka|a\.k\.a\.|i'm|i\s+am|my\s+name\s+is|"
    r"spoke\s+(?:to|with)|speak\s+(?:to|with)|speaking\s+(?:to|with)|talked\s+(?:to|with)|"
    r"told|asked|rang|phoned|emailed|texted|messaged|met(?:\s+with)?|referred\s+by|reported\s+by|"
    r"according\s+to|on\s+behalf\s+of)\b)\s*[,:]?\s*$")
#: After a word that is also an ordinary word, at the start of a sentence: "Grace said", not "Grace period".
ACTION_VERBS = _set("""said says told tells kept keeps wants wanted went goes came comes called rang
asked lives lived posted posts shared shares sent sends showed shows thinks thought believes became
got gets stopped started refused left arrived attended turned seemed seems looked appeared admitted
claimed disclosed reported mentioned explained agreed mentioned messaged texted phoned emailed
brought bought threatened shouted talks talked spoke speaks""")

#: The last word of every cue above (so the cue patterns run only where one may end).
_CUE_ENDINGS = _set(re.sub(r"[^a-z'|-]", " ", _RELATIONS.replace("|", " "))) | _set(
    """called named is name's are was as by himself herself themselves aka a.k.a. i'm am to with told
    asked rang phoned emailed texted messaged met of son daughter brother sister dad mum father mother
    partner ex-partner stepdad stepmum stepfather stepmother stepson stepdaughter step-dad step-mum
    fiance fiancee fiancé fiancée""")
_FAMILY = re.compile(r"\s+(?:family|families|household|brothers|sisters|twins|kids|children|boys|girls)\b")
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*\.?")


@dataclass(frozen=True)
class _Token:
    start: int
    end: int  # without a possessive 's or a full stop
    text: str
    sentence_start: bool

    @property
    def key(self) -> str:
        return self.text.casefold()

    @property
    def capitalised(self) -> bool:
        first = self.text.split("-")[0]
        return first[:1].isupper() and not first.isupper() and not re.search(r"-[a-z]", self.text)

    @property
    def initial(self) -> bool:
        return len(self.text) == 1 and self.text.isupper()


def _tokens(text: str) -> list[_Token]:
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        end = m.end()
        if word.endswith("."):
            word, end = word[:-1], end - 1
        for poss in ("'s", "’s"):
            if word.endswith(poss) and len(word) > 2:
                word, end = word[: -len(poss)], end - len(poss)
        out.append(_Token(m.start(), end, word, _starts_sentence(text, m.start())))
    return out


def _names(text: str) -> list[Finding]:
    lists = _lists()
    toks = _tokens(text)

    def adjacent(a: _Token, b: _Token) -> bool:
        return re.fullmatch(r" {1,2}|\. ?", text[a.end:b.start]) is not None

    def kind(t: _Token) -> str:
        """given | common | proper | surname | stop | unknown (for capitalised tokens)."""
        k = t.key
        first = k.split("-")[0]
        if k in lists.common_words:
            return "common"
        if k in lists.proper_nouns:
            return "proper"
        if k in lists.given or ("-" in k and first in lists.given):
            return "given"
        if k in lists.not_names or k in TITLES:
            return "stop"
        if k in lists.surnames:
            return "surname"
        return "unknown"

    def name_part(t: _Token) -> bool:
        """May continue a name: an initial, or a capitalised word that is no place or organisation."""
        if t.initial:
            return True
        if not t.capitalised or _is_place_word(t):
            return False
        return kind(t) != "stop" or t.key in lists.surnames

    def extend(i: int) -> int:
        """Index of the last token of the name that starts at token i."""
        j = i
        while j + 1 < len(toks) and adjacent(toks[j], toks[j + 1]) and name_part(toks[j + 1]):
            if toks[j + 1].sentence_start:
                break
            j += 1
        return j

    def place_follows(j: int) -> bool:
        return j + 1 < len(toks) and adjacent(toks[j], toks[j + 1]) and _is_place_word(toks[j + 1])

    def preceded_by_place_word(i: int) -> bool:
        return i > 0 and toks[i - 1].key.rstrip(".") in NOT_BEFORE_NAME and adjacent(toks[i - 1], toks[i])

    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        before = text[max(0, t.start - 40): t.start]
        start_i, end_i = i, -1
        if t.key.rstrip(".") in TITLES and t.text[:1].isupper() and i + 1 < len(toks) \
                and adjacent(t, toks[i + 1]) and name_part(toks[i + 1]):
            end_i = extend(i + 1)  # "Mrs Okafor", "Mr D Osei", "PC Andrews"
        elif t.initial and i + 1 < len(toks) and adjacent(t, toks[i + 1]) \
                and (text[t.end:t.end + 1] == "." or t.text not in {"A", "I"}) \
                and toks[i + 1].capitalised and kind(toks[i + 1]) in ("surname", "unknown", "given"):
            end_i = extend(i + 1)  # "J. Smith", "D Osei"
        elif t.capitalised and not preceded_by_place_word(i):
            k = kind(t)
            words = before.rstrip(" \t,:(").rsplit(None, 1)
            maybe_cue = bool(words) and words[-1].casefold() in _CUE_ENDINGS  # cheap test first
            relation = _RELATION_CUE.search(before) if maybe_cue else None
            cued = (maybe_cue and bool(_NAMING_CUE.search(before))) or bool(relation and (
                relation.group("noun")[0].islower()
                or _starts_sentence(text, t.start - len(before) + relation.start())))
            nxt = toks[i + 1] if i + 1 < len(toks) and adjacent(t, toks[i + 1]) else None
            surname_next = nxt is not None and nxt.capitalised and not nxt.sentence_start and (
                kind(nxt) in ("surname", "unknown", "given") and not _is_place_word(nxt))
            if (cued and k != "stop") or k == "given":
                end_i = extend(i)
            elif k == "common":
                verb_next = (i + 1 < len(toks) and toks[i + 1].text in ACTION_VERBS
                             and re.fullmatch(r" {1,2}", text[t.end:toks[i + 1].start]) is not None)
                if not t.sentence_start or surname_next or verb_next:
                    end_i = extend(i)
            elif k == "proper" and surname_next:
                end_i = extend(i)
            elif k == "unknown" and nxt is not None and nxt.capitalised and kind(nxt) == "surname" \
                    and not nxt.sentence_start:
                end_i = extend(i)  # "Oluwadamilare Smith": an unknown word and a surname
            elif (k == "surname" or (k == "unknown" and re.search(r"(?i)\bthe\s+$", before))) \
                    and _FAMILY.match(text, t.end):
                end_i = i  # "the Smith family", "the Okonjo household"
        if end_i >= 0 and not place_follows(end_i):
            spans.append((toks[start_i].start, toks[end_i].end))
            i = end_i + 1
        else:
            i += 1
    figures = [(m.start(), m.end()) for m in _public_figures().finditer(text)]
    return [_finding(text, s, e, "name") for s, e in spans
            if not any(s < fe and fs < e for fs, fe in figures)]


def _is_place_word(t: _Token) -> bool:
    """A street or a building: the capitalised words before it name a place ("Victoria Road")."""
    return t.key in PLACE_WORDS or t.text in STREET_SUFFIXES


_ABBREVIATION = re.compile(r"(?i)(?:^|\W)(?:mr|mrs|ms|dr|st|no|nos|rev|prof|[a-z])\.$")


def _starts_sentence(text: str, at: int) -> bool:
    """Nothing but spaces, quotes or a bracket since the text began or a sentence ended (bullets,
    colons and dashes count as an end; "Mr." and "no." do not)."""
    i = at - 1
    while i >= 0 and at - i < 200 and text[i] in " \t\"'‘“(":
        i -= 1
    if i < 0:
        return True
    if text[i] not in ".!?:;\n•*-–—":
        return False
    return not _ABBREVIATION.search(text[max(0, i - 5):i + 1])


# --- together -----------------------------------------------------------------------------------------
def find(text: str, known_numbers: Iterable[str] = (), today: date | None = None) -> tuple[Finding, ...]:
    """The likely personal data in ``text``, in reading order, no two overlapping.

    ``known_numbers`` are phone numbers that are not personal data wherever they appear (the rule
    set's contacts: the Prevent Lead, the helplines).  ``today`` dates the "ten years ago" test.
    """
    if not text or not text.strip():
        return ()
    known = frozenset(_national(n) for n in known_numbers)
    found = [*_emails(text), *_nhs_numbers(text), *_ni_numbers(text), *_phones(text, known),
             *_postcodes(text), *_dates_of_birth(text, today or date.today()), *_addresses(text),
             *_names(text)]
    rank = {k: n for n, k in enumerate(KINDS)}
    kept: list[Finding] = []
    for f in sorted(found, key=lambda f: (rank[f.kind], -(f.end - f.start), f.start)):
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return tuple(sorted(kept, key=lambda f: f.start))


def remove(text: str, finding: Finding) -> str:
    """``text`` with the finding replaced by its suggestion.

    Where it was found, or, if the text has changed around it since, its only occurrence; when it
    is gone, or there are several and the place is lost, the text is returned unchanged (the page
    then shows the findings of the text as it is now).
    """
    at = finding.start
    if text[at:finding.end] != finding.text:
        if not finding.text or text.count(finding.text) != 1:
            return text
        at = text.index(finding.text)
    return text[:at] + finding.suggestion + text[at + len(finding.text):]


def excerpt(text: str, finding: Finding, width: int = 40) -> tuple[str, str, str]:
    """(before, the finding, after), cut to about ``width`` characters each side at a word break."""
    before = text[: finding.start]
    after = text[finding.end:]
    if len(before) > width:
        cut = before[-width:]
        before = "…" + (cut.split(" ", 1)[1] if " " in cut[:-1] else cut)
    if len(after) > width:
        cut = after[:width]
        after = (cut.rsplit(" ", 1)[0] if " " in cut[1:] else cut) + "…"
    return before, finding.text, after
