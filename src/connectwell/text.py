"""Normalising notes so rules read what a person reads.

Rules match on a *folded* copy of the note: lower case, compatibility forms unified (NFKC:
fullwidth and "math bold" letters become plain ones), look-alike letters from other scripts
mapped to the Latin letter they imitate (a Cyrillic "а" in "pаypal"), accents dropped and
invisible characters removed. Every folded position maps back to the original note, so a
finding can point at what the learner actually wrote.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, repeat


@dataclass(frozen=True)
class Folded:
    text: str
    # offsets[i] is the index in the original of folded character i; None when they coincide.
    offsets: tuple[int, ...] | None = None

    def folded_span(self, start: int, end: int) -> tuple[int, int]:
        """The folded span of an original span: the inverse of span()."""
        if self.offsets is None:
            return (start, end)
        # offsets never decrease, so the first folded character at or after each end is found
        # by bisection.
        return (bisect_left(self.offsets, start), bisect_left(self.offsets, end))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span back to the original note."""
        if self.offsets is None:
            return (start, end)
        if start >= len(self.text):
            last = self.offsets[-1]
            return (last, last)
        return (self.offsets[start], self.offsets[max(end - 1, start)] + 1)


@lru_cache(maxsize=1024)
def _latin_lookalike(ch: str) -> str | None:
    from confusable_homoglyphs import confusables

    found = confusables.is_confusable(ch, preferred_aliases=["latin"], greedy=True)
    if not found:
        return None
    for glyph in found[0]["homoglyphs"]:
        c = glyph["c"]
        if len(c) == 1 and c.isascii() and c.isalnum():
            return c
    return None


def _mimics_latin(code: int) -> bool:
    """Scripts whose letters pass for Latin ones (Greek, Cyrillic, Armenian, Cherokee, small
    capitals); looking elsewhere costs time on every rare character and finds nothing useful."""
    return (
        0x370 <= code < 0x590
        or 0x13A0 <= code < 0x1400
        or 0x1D00 <= code < 0x1DC0
        or 0xA640 <= code < 0xA6A0
    )


# Letters with a stroke have no Unicode decomposition, yet "Lukasz" is how many type "Łukasz".
_STROKED = {
    "ł": "l",
    "Ł": "l",
    "ø": "o",
    "Ø": "o",
    "đ": "d",
    "Đ": "d",
    "ħ": "h",
    "Ħ": "h",
    "ı": "i",
}


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """Fold one non-ASCII character; "" for characters that carry nothing a reader sees."""
    category = unicodedata.category(ch)
    if category in ("Cf", "Mn", "Me", "Cc", "Cs", "Co", "Cn"):
        # zero-width spaces and joiners, combining marks, controls: invisible to the reader
        return ""
    if category in ("Zs", "Zl", "Zp"):
        return " " if category == "Zs" else "\n"
    if ch in _STROKED:
        return _STROKED[ch]
    if not unicodedata.decomposition(ch) and not _mimics_latin(ord(ch)):
        # Most of Unicode (CJK, emoji, most scripts) has nothing to unfold: keep it as it is.
        return ch.lower()
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        if not c.isascii():
            if c.isalpha() and _mimics_latin(ord(c)) and (lookalike := _latin_lookalike(c)):
                c = lookalike
            else:
                base = "".join(
                    x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x)
                )
                c = base or c
        out.append(c)
    return "".join(out).lower()


def fold(text: str) -> Folded:
    if text.isascii():
        return Folded(text.lower())
    table = {c: fold_char(c) for c in set(text) if not c.isascii()}
    folded = text.translate({ord(k): v for k, v in table.items()}).lower()
    if all(len(v) == 1 for v in table.values()):
        # One character in, one out: positions stay as they were.
        return Folded(folded)
    # Some characters vanish (zero-width) or grow (ligatures): folded character j came from
    # original character offsets[j]. Built with C-level iterators, not a Python loop per character.
    lengths = map(len, map(table.get, text, text))
    offsets = tuple(chain.from_iterable(map(repeat, range(len(text)), lengths)))
    return Folded(folded, offsets or (len(text),))


# Texting shorthand, read as the words it stands for, so that "u said ur team is hiring" reads
# as "you said your team is hiring". Only forms that mean one thing in a note; "r" and "n" only
# where nothing else fits them ("we r hiring", "sql n python"), so the language R stays itself.
TEXTING = {
    "u": "you", "ur": "your", "urs": "yours", "ya": "you", "abt": "about", "yday": "yesterday",
    "yest": "yesterday", "qs": "questions", "pls": "please", "plz": "please", "thx": "thanks",
    "thnx": "thanks", "bc": "because", "b/c": "because", "cuz": "because", "coz": "because",
    "bcoz": "because", "im": "i'm", "ive": "i've", "dont": "don't", "cant": "can't",
    "wanna": "want to", "gonna": "going to", "ppl": "people", "msg": "message", "mtg": "meeting",
    "tmrw": "tomorrow", "tmr": "tomorrow", "wk": "week", "tho": "though", "thru": "through",
    "w/o": "without", "w/": "with", "re:": "regarding", "r": "are", "n": "and", "id": "i'd",
}  # fmt: skip
# "r", "n" and "id" stand for words only in the places the last three alternatives allow.
_ANYWHERE = sorted(k for k in TEXTING if k.isalpha() and k not in ("r", "n", "id"))
_TEXTING = re.compile(
    rf"\b(?:{'|'.join(_ANYWHERE)})\b(?!['’])"
    r"|\bb/c\b|\bw/o\b|\bw/(?=\s*\w)|\bre:"
    r"|(?:(?<=\bwe )|(?<=\byou )|(?<=\bthey )|(?<=\bu ))r\b|(?<=[a-z] )n(?= [a-z])"
    r"|\bid(?= (?:love|like|be|appreciate|value|welcome|want)\b)"
)


_TEXTING_WORDS = frozenset(k for k in TEXTING if k.isalpha())
_LETTERS = re.compile(r"[a-z]+")


def expand_texting(folded: Folded, original: str | None = None) -> Folded:
    """The folded note with texting shorthand spelt out; positions still map to the original
    (each spelt-out word maps to the shorthand it replaced). Given the original, a word written
    in capitals is left alone: "QS" is a quantity surveyor, not "qs" for questions."""
    text = folded.text
    # Most notes hold no shorthand at all: a look at their words settles that.
    if _TEXTING_WORDS.isdisjoint(_LETTERS.findall(text)) and "/" not in text and "re:" not in text:
        return folded
    matches = list(_TEXTING.finditer(text))
    if original is not None and not original.isupper():
        matches = [m for m in matches if not _in_capitals(folded, original, m)]
    if not matches:
        return folded
    pieces: list[str] = []
    where: list[int] = []  # folded position of each new character
    pos = 0
    for m in matches:
        pieces.append(text[pos : m.start()])
        where.extend(range(pos, m.start()))
        word = TEXTING[m.group()]
        if m.group()[-1] in "/:" and not text[m.end() : m.end() + 1].isspace():
            word += " "  # "w/kafka"
        pieces.append(word)
        last = m.end() - 1
        where.extend(min(m.start() + k, last) for k in range(len(word)))
        pos = m.end()
    pieces.append(text[pos:])
    where.extend(range(pos, len(text)))
    base = folded.offsets
    offsets = tuple(where) if base is None else tuple(base[i] for i in where)
    return Folded("".join(pieces), offsets or (0,))


def _in_capitals(folded: Folded, original: str, m: re.Match[str]) -> bool:
    s, e = folded.span(m.start(), m.end())
    word = original[s:e]
    return len(word) >= 2 and word.isalpha() and word.isupper()


@lru_cache(maxsize=8192)
def fold_plain(text: str) -> str:
    """Folded text without the position map (for profile fields)."""
    return fold(text).text


# ---------------------------------------------------------------- structure

WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
LETTERS = re.compile(r"[^\W\d_]{2,}")
# Semicolons and dashes join clauses of one thought ("I'm hiring X; your Y is what it needs"),
# so only full stops, question and exclamation marks and blank lines end a sentence.
# A full stop after a title ("Mr. Mori") ends nothing; "!)" closes an aside, not the sentence.
# The pattern opens with the set of characters every end starts with, so the regex engine skips
# straight to them; the look-behinds then say which branch that first character began (a run of
# stops starts where the previous character is no stop).
_SENTENCE_END = re.compile(
    r"[.!?…\n](?:"
    r"(?<=[.!?…])(?<![.!?…]{2})[.!?…]*+"
    r"(?<!\bmr\.)(?<!\bmrs\.)(?<!\bms\.)(?<!\bdr\.)(?<!\bst\.)(?<!\bprof\.)(?<!\bengr\.)(?<!\bsr\.)"
    r"(?<!\bjr\.)(?<!\bvs\.)(?<!\bmt\.)(?<!\bdra\.)(?<!\bmd\.)(?<!\bma\.)(?=[\s\"'’”]|$)[\"'’”]*"
    r"|(?<=\n)\s*\n|(?<=\n)(?=\s*[-•*]))"
)


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end], trimmed of surrounding white space."""
    end = len(text) if end is None else end
    spans = []
    pos = start
    for m in _SENTENCE_END.finditer(text, start, end):
        spans.append((pos, m.end()))
        pos = m.end()
    spans.append((pos, end))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


GREETING_WORDS = (
    r"hi+|hello+|hey+|hiya|howdy|heya|yo|dear|greetings|salutations|good\s+(?:morning|afternoon|evening|day)"
    r"|morning|hallo|hola|bonjour|salut|ciao|hej|hei|namaste|ola|olá|oi|servus|moin|hoi|g'day|gday"
    # other languages' hellos, folded (accents dropped), as notes in English often open with them
    r"|buenas|buenos\s+dias|bom\s+dia|boa\s+tarde|salve|gru(?:ß|ss|s)\s+(?:dich|gott|euch)|gruezi"
    r"|merhaba|selam|salam|salaam|as+alamu\s+alaikum|shalom|konnichiwa|ni\s*hao|xin\s+chao|chao"
    r"|sawasdee|sawadee|habari|jambo|kia\s+ora|god\s+dag|halla|hallå|tere|ahoj|czesc|cześć|witam"
    r"|dzien\s+dobry|zdravo|privet|sveiki|labas|moi|annyeong(?:haseyo)?|kamusta|vanakkam|marhaba"
    r"|ahlan|namaskar|namaskaram|szia|sziasztok|goedemorgen|goedendag|dobry\s+den|mingalaba"
    # the formal openings of Spanish, Portuguese, Italian and French letters
    r"|estimad[oa]s?|querid[oa]s?|prezad[oa]s?|egregi[oa]|gentile|cher|chere|bonsoir|buen\s+dia"
    r"|sehr\s+geehrte[rs]?|liebe[rs]?|beste|geachte|szanown[aey]|muraho|mwaramutse|sannu|bawo|ndewo"
    r"|sawubona|dumela|molo|mingalabar"
    r"|buenas\s+tardes|buenas\s+noches"
)
_GREETING = re.compile(rf"[\W_]*(?:{GREETING_WORDS})\b", re.IGNORECASE)
# After the greeting word: up to four words (a name, "there", a title) closed by punctuation,
# an emoji or the end of the line.
_GREETING_TAIL = re.compile(
    r"(?:[ \t]+(?:herr|frau|mevrouw|meneer|pastor|rev))?"
    r"(?:[ \t]+(?:mr|mrs|ms|dr|dra|prof|sr|sra|srta|engr|ing|lic|mme|me)\.)?"
    # an unfilled field where the name goes: "Hi [Name],", "Hello {{first_name}}!"
    r"(?:[ \t]+(?:\[[^\]\n]{1,30}\]|\{\{?[^}\n]{1,30}\}\}?|<[^>\n]{1,30}>))?"
    r"(?:[ \t]+[^\W_]+(?:['’\-][^\W_]+)*){0,4}?[ \t]*(?:[^\w\s]+|\n|$)"
    # "long time (no see)!" belongs to the hello, not to what the note says
    r"(?:[ \t]*long time(?: no (?:see|speak|talk))?[ \t]*[^\w\s]+)?"
)
_SIGNOFF = re.compile(
    r"(?:^|[\n.!?,;)]|\s[-—–]+)\s*(?:best(?:\s+(?:regards|wishes))?|(?:kind|warm|warmest|many|best)\s+"
    r"(?:regards|wishes|thanks)|regards|cheers|thanks(?:\s+(?:again|so\s+much|a\s+lot|in\s+advance))?|"
    r"thank\s+you(?:\s+(?:so\s+much|in\s+advance))?|many\s+thanks|thx|ty|sincerely|yours(?:\s+(?:sincerely|truly))?|"
    r"all\s+the\s+best|talk\s+soon|speak\s+soon|take\s+care|br|cordially|respectfully|looking\s+forward)"
    r"[\s,!.~]*(?:[^\W\d_]+(?:[\s.]+[^\W\d_]+){0,2})?[\s.!~]*[^\w\s]*\s*$",
)


def greeting_end(folded: str, pos: int = 0) -> int:
    """Where the greeting ("Hi Priya,") that starts at pos stops; pos when there is none."""
    m = _GREETING.match(folded, pos)
    if not m:
        return pos
    tail = _GREETING_TAIL.match(folded, m.end())
    if tail:
        return tail.end()
    return m.end()


def signoff_start(folded: str, start: int = 0) -> int:
    """Where a closing sign-off ("Best regards, Sam") starts; len(folded) when there is none."""
    # Only the last 80 characters can hold a sign-off; searching them keeps long notes cheap.
    window = max(start, len(folded) - 80)
    m = _SIGNOFF.search(folded, window)
    if not m:
        return len(folded)
    s = m.start()
    while s < len(folded) and not folded[s].isalpha():
        s += 1
    return max(s, start)
