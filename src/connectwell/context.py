"""The note as the rules read it: folded once, with what several rules share worked out lazily."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any, Generic, TypeVar

from rapidfuzz.distance import OSA

from connectwell.mentions import (
    Mention,
    company_variants,
    distinctive_tokens,
    find_phrase,
    find_skill,
    phrase_probe,
    stem_pattern,
)
from connectwell.names import nicknames
from connectwell.reasons import SHARED_HISTORY, Concreteness, Reason, find_reasons
from connectwell.scams import find_scam
from connectwell.scenario import Scenario, headline_role
from connectwell.text import (
    WORD,
    Folded,
    fold,
    fold_plain,
    greeting_end,
    sentence_spans,
    signoff_start,
)

PLACEHOLDER = re.compile(
    r"\{\{?\s*[A-Za-z_][\w .\-]{0,30}\}\}?"
    r"|\[\s*(?:[A-Z][A-Z _\-]{1,30}|(?i:(?:first|last|full|your|their|his|her|recipient|contact|company|"
    r"candidate|insert|job|role|position|title|industry|city|skill|name|prospect|client|organi[sz]ation|"
    r"school|university|team|location|topic|event|article|firm|employer|specific|mutual|x+)[\w \-/]{0,25}))\s*\]"
    r"|<\s*(?:[A-Z][A-Z _]{1,30}|(?i:(?:first|last|full|recipient|contact|company|name|insert)[\w ]{0,20}))\s*>"
    r"|%[A-Za-z_]{3,}%|\$\{?[A-Z_]{3,}\}?|\bXXX+\b"
)
# The characters a PLACEHOLDER can start with, other than the "XXX" of its last alternative.
_FIELD_STARTS = "{[<%$"
# Possessive: each word is taken whole, so a long run of letters is not split every way.
_LEADING_NAME = re.compile(r"\s*((?:[^\W\d_]++\.?[ ]?){1,3}?)\s*(?:[,:!—–]|\s-\s)\s*")
_ARTIFACT_NEAR = re.compile(
    r"\b(?:article|post|piece|blog|paper|essay|column|op-ed|write-?up|newsletter|talk|thread|story|report)s?\b"
)
TITLES = (
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "sir",
    "madam",
    "herr",
    "frau",
)


T = TypeVar("T")


class once(Generic[T]):
    """functools.cached_property without its lock (Python 3.11 takes one on every first read):
    a Context belongs to one check in one thread, and a dozen locks per note cost more than
    some of the rules. The value is stored on the instance and shadows this descriptor."""

    def __init__(self, func: Callable[[Any], T]):
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> T:
        if obj is None:
            return self  # type: ignore[return-value]
        value = obj.__dict__[self.name] = self.func(obj)
        return value


@dataclass(frozen=True)
class Options:
    """Settings for a check; the reply window is configurable as the standard allows."""

    reply_window: timedelta = timedelta(hours=24)


class Context:
    """Everything the rules need to know about one scenario, computed at most once."""

    def __init__(self, scenario: Scenario, options: Options | None = None):
        self.scenario = scenario
        self.options = options or Options()
        self.note: Folded = fold(scenario.message)
        self.text = self.note.text

    # ------------------------------------------------------------ shape of the note

    @once
    def body(self) -> tuple[int, int]:
        """The note without its greeting and sign-off, in folded coordinates."""
        start = greeting_end(self.text)
        if start == 0:
            # "Maya — saw your talk…", "Ms Oduya, could I…": a bare name opens like a greeting.
            m = _LEADING_NAME.match(self.text)
            if m and self._is_recipient_name(m.group(1)):
                start = m.end()
        return start, signoff_start(self.text, start)

    def _is_recipient_name(self, words: str) -> bool:
        r = self.scenario.recipient
        if not r.name:
            return False
        first = fold_plain(r.first_name)
        names = {fold_plain(p).strip(".,") for p in r.name.split()} | nicknames(first)
        return any(w in names or _short_form(w, first) for w in words.replace(".", " ").split())

    @once
    def sentences(self) -> list[tuple[int, int]]:
        return sentence_spans(self.text, *self.body)

    def orig(self, span: tuple[int, int] | None) -> tuple[int, int] | None:
        return None if span is None else self.note.span(*span)

    def is_capitalised(self, pos: int) -> bool:
        """Whether the original character at folded position pos is upper case."""
        start, _ = self.note.span(pos, pos + 1)
        message = self.scenario.message
        return start < len(message) and message[start].isupper()

    # ------------------------------------------------------------ names

    @once
    def placeholders(self) -> list[tuple[int, int]]:
        """Unfilled mail-merge fields, in original coordinates (case matters there)."""
        message = self.scenario.message
        # Every field starts with one of these (or is "XXX"): most notes need no pattern search.
        if not any(c in message for c in _FIELD_STARTS) and "XXX" not in message:
            return []
        return [m.span() for m in PLACEHOLDER.finditer(message)]

    @once
    def masked(self) -> list[tuple[int, int]]:
        """Spans that are about the job or the sender, not the recipient."""
        job, sender = self.scenario.job, self.scenario.sender
        probes = _masking_probes(
            (job.title, job.company) if job else None, sender.name, sender.headline
        )
        spans = []
        text = self.text
        for token, pattern in probes:
            if token in text:  # every match holds the phrase's first token
                spans.extend(m.span() for m in pattern.finditer(text))
        return spans

    @once
    def name_mentions(self) -> list[Mention]:
        name = self.scenario.recipient.name
        forms = _name_forms(name)
        if forms is None:
            return []
        first, last, probes = forms
        found = []
        text = self.text
        for token, pattern in probes:
            if token in text and (m := pattern.search(text)):  # what find_phrase does
                found.append(Mention("name", name, m.span()))
        if not found:
            return self._near_name(first, last)
        # In the note's order, the longer form first where two start together ("Chen Jing"
        # before "Chen"), so the span a rule shows is the same in every process.
        found.sort(key=lambda m: (m.span[0], m.span[0] - m.span[1]))
        return found

    def _near_name(self, first: str, last: str) -> list[Mention]:
        """A typo or a short form of the name, where a name stands: the greeting or a capital."""
        greeting = self.body[0]
        name = self.scenario.recipient.name
        # Names stand near the start; looking further only finds look-alike words.
        for m in WORD.finditer(self.text, 0, greeting + 80):
            word = m.group()
            in_greeting = m.end() <= max(greeting, 1)
            if not (in_greeting or self.is_capitalised(m.start())):
                continue
            for target in {first, last}:
                if in_greeting and len(target) > len(word) and _short_form(word, target):
                    return [Mention("name", name, m.span())]
                if len(target) >= 4 and len(word) >= 4:
                    allowed = 1 if len(target) < 8 else 2
                    if OSA.distance(word, target, score_cutoff=allowed) <= allowed:
                        return [Mention("name", name, m.span())]
        return []

    # ------------------------------------------------------------ specific details

    @once
    def details(self) -> list[Mention]:
        """Specific things about the recipient that the note names (not the job's or sender's)."""
        r = self.scenario.recipient
        text, masked = self.text, self.masked
        found: list[Mention] = []

        def add(kind: str, value: str, span):
            if span:
                found.append(Mention(kind, value, span))

        if r.company:
            # "Mr. Lindqvist" is the person, even when the firm is "Lindqvist Medical AB".
            names = [m.span for m in self.name_mentions]
            for variant in company_variants(r.company):
                span = find_phrase(text, variant, masked + names)
                if span and (
                    variant == r.company or " " in variant or self.is_capitalised(span[0])
                ):
                    add("company", r.company, span)
                    break
        role = headline_role(r.headline) if r.headline else ""
        if (role and role != r.headline) or (role and r.company):
            add("role", role, find_phrase(text, role, masked))
        for skill in r.skills:
            add("skill", skill, find_skill(text, skill, masked))
        for title in r.articles:
            add("article", title, self._find_topic(title, 2))
        for person in r.shared_connections:
            span = find_phrase(text, person, masked)
            if not span:
                first = person.split()[0] if person.split() else ""
                if len(first) >= 3 and fold_plain(first) != fold_plain(r.first_name):
                    span = find_phrase(text, first, masked)
                    if span and not self.is_capitalised(span[0]):
                        span = None
            add("connection", person, span)
        for event in r.events:
            add("event", event, self._find_topic(event, 1, proper=True))
        return found

    def _find_topic(self, title: str, need: int, proper: bool = False) -> tuple[int, int] | None:
        """A title named whole, or enough of its distinctive words to make the topic clear."""
        span = find_phrase(self.text, title, self.masked)
        if span:
            return span
        tokens = distinctive_tokens(title, 3 if proper else 4)
        if not tokens:
            return None
        hits = []
        for token in tokens:
            if token[:5] not in self.text:
                continue
            for m in stem_pattern(token).finditer(self.text):
                if proper and not self.is_capitalised(m.start()):
                    continue
                hits.append(m.span())
                break
        if len(hits) >= min(need, len(tokens)):
            return min(hits)
        # "your backhaul article": one word of the title, right beside the word for the piece.
        for s, e in hits:
            if _ARTIFACT_NEAR.search(self.text, max(0, s - 30), min(len(self.text), e + 30)):
                return (s, e)
        return None

    @once
    def detail_spans(self) -> list[tuple[int, int]]:
        return [m.span for m in self.details]

    @once
    def job_mentions(self) -> list[tuple[int, int]]:
        job = self.scenario.job
        if not job or not job.title:
            return []
        span = find_phrase(self.text, job.title)
        if span:
            return [span]
        # "hiring Wind Turbine Technicians" or a description ending in the title's head noun
        head = distinctive_tokens(job.title, 4)
        for token in reversed(head):
            m = stem_pattern(token).search(self.text)
            if m:
                return [m.span()]
        return []

    # ------------------------------------------------------------ reasons

    @once
    def scam(self):
        return find_scam(self)

    @once
    def reasons(self) -> list[Reason]:
        # Naming their company or role is a start; a skill, article, event or contact is concrete.
        weights = {"company": 1, "role": 1}
        details = [(*m.span, weights.get(m.kind, 2)) for m in self.details]
        details += [(*span, 2) for span in self.job_mentions]
        found = find_reasons(
            self.text, *self.body, details, job_spans=self.job_mentions, sentences=self.sentences
        )
        # A reason must concern this recipient: something of theirs, the job offered to them, or
        # a history you share. A pitch that would read the same to anyone ("let me show you how
        # SalesRocket can 3x your pipeline") is no reason to connect with *them*.
        if found and not (self.details or self.job_mentions or self.shared_history):
            return []
        return found

    @once
    def shared_history(self) -> list[Mention]:
        """A concrete past you share ("we worked together on the Al Noor Mall fit-out")."""
        found = []
        for s, e in self.sentences:
            m = SHARED_HISTORY.search(self.text, s, e)
            if m and Concreteness(self.text, s, e, [])(m.end(), e) >= 2:
                found.append(Mention("shared", self.text[m.start() : e].strip(), (m.start(), e)))
        return found


@lru_cache(maxsize=1024)
def _masking_probes(
    job: tuple[str, str] | None, sender_name: str, sender_headline: str
) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """A phrase_probe for each phrase about the job or the sender: its title and company, the
    sender's name and the company in their headline. Once per job and sender, not per note."""
    phrases = list(job) if job else []
    phrases.append(sender_name)
    if " at " in sender_headline:
        phrases.append(sender_headline.split(" at ", 1)[1])
    return tuple(probe for phrase in phrases if phrase and (probe := phrase_probe(phrase)))


@lru_cache(maxsize=1024)
def _name_forms(name: str) -> tuple[str, str, tuple[tuple[str, re.Pattern[str]], ...]] | None:
    """The recipient's first and last name, and a phrase_probe for every form a note may call
    them by (the name, its parts, nicknames); worked out once per name, not once per note."""
    if not name.strip():
        return None
    parts = [fold_plain(p) for p in name.split() if p.strip(".")]
    parts = [p.strip(".,") for p in parts if p.strip(".,") not in TITLES]
    if not parts:
        return None
    first, last = parts[0], parts[-1]
    forms = {first, name}
    if len(parts) > 1:
        forms.add(last)
    forms |= nicknames(first)
    probes = tuple(probe for form in sorted(forms) if (probe := phrase_probe(form)))
    return first, last, probes


def _short_form(word: str, name: str) -> bool:
    """ "Jo" for Josephine, "Benji" for Benjamin, "Tobi" for Oluwatobi."""
    if name.startswith(word):
        return len(word) >= 2
    if len(word) >= 4 and name.endswith(word):
        return True
    shared = 0
    for a, b in zip(word, name, strict=False):
        if a != b:
            break
        shared += 1
    # "Gabi" for Gabriela, "Benji" for Benjamin: the same start, the rest of its letters in order.
    return shared >= 3 and len(word) < len(name) and _in_order(word[shared:], name[shared:])


def _in_order(letters: str, name: str) -> bool:
    rest = iter(name)
    return all(c in rest for c in letters)
