"""The note as the rules read it: folded once, with what several rules share worked out lazily.

The engine builds one Context per check and hands it to every rule; it draws on mentions,
reasons and scams, none of which knows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any, Generic, TypeVar

from rapidfuzz.distance import OSA

from connectwell.abbreviations import WORDS, title_short_forms, variants
from connectwell.mentions import (
    Mention,
    company_variants,
    distinctive_tokens,
    find_phrase,
    find_skill,
    phrase_probe,
    stem_pattern,
)
from connectwell.names import name_forms, nicknames, short_form
from connectwell.reasons import (
    CONCRETE_ENOUGH,
    DETAIL_WEIGHT,
    DETAIL_WEIGHTS,
    JOB_CUES,
    OFFER_QUESTION,
    SHARED_HISTORY,
    Concreteness,
    Reason,
    content_word,
    find_reasons,
    is_question,
)
from connectwell.scams import Scam, find_scam
from connectwell.scenario import Scenario, headline_role
from connectwell.statements import (
    ABOUT_THEM,
    ARTIFACT_NEAR,
    DESCRIPTION_END,
    EVENT_NOUN,
    FIELD_STARTS,
    GRADE_BEFORE,
    INVITES_THEM,
    LEADING_NAME,
    NOT_A_REFERRER,
    NOT_THEIRS,
    PHRASE_TURNS,
    PLACEHOLDER,
    REFERRAL_VERB,
    REFERRER,
    ROLE_DESCRIPTION,
    SKILL_CLAIM,
    STATED_ARTIFACT,
    STATED_EVENT,
    STATED_WORK,
    TOPIC_END,
    WANTS_THEIRS,
    YOUR,
    YOUR_CAPITAL,
    YOURS_ELSEWHERE,
    after_a_number,
    initials_of,
    without_grade,
)
from connectwell.text import (
    WORD,
    Folded,
    expand_texting,
    fold,
    fold_plain,
    greeting_end,
    sentence_spans,
    signoff_start,
)

T = TypeVar("T")


class once(Generic[T]):
    """functools.cached_property without its lock (Python 3.11 takes one on every first read):
    a Context belongs to one check in one thread, and a dozen locks per note show in check()'s
    time (report.Finding's __init__ gives the figures). The value is stored on the instance and
    shadows this descriptor."""

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
        self.note: Folded = expand_texting(fold(scenario.message), scenario.message)
        self.text = self.note.text

    # ------------------------------------------------------------ shape of the note

    @once
    def body(self) -> tuple[int, int]:
        """The note without its greeting and sign-off, in folded coordinates."""
        start = greeting_end(self.text)
        if start == 0:
            # "Maya — saw your talk…", "Ms Oduya, could I…": a bare name opens like a greeting.
            m = LEADING_NAME.match(self.text)
            if m and self._is_recipient_name(m.group(1)):
                # "Rahel, hi." : a hello may follow the name.
                start = greeting_end(self.text, m.end())
        return start, signoff_start(self.text, start)

    def _is_recipient_name(self, words: str) -> bool:
        r = self.scenario.recipient
        if not r.name:
            return False
        first = fold_plain(r.first_name)
        names = {fold_plain(p).strip(".,") for p in r.name.split()} | nicknames(first)
        return any(w in names or short_form(w, first) for w in words.replace(".", " ").split())

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
        if not any(c in message for c in FIELD_STARTS) and "XXX" not in message:
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
        # What the job involves is not what they have done.
        spans.extend(self.role_descriptions)
        return spans

    @once
    def name_mentions(self) -> list[Mention]:
        name = self.scenario.recipient.name
        forms = name_forms(name)
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
        parts = [fold_plain(p) for p in name.split()]
        joined = "".join(parts[:2]) if len(parts) > 2 else first
        # Names stand near the start; looking further only finds look-alike words.
        for m in WORD.finditer(self.text, 0, greeting + 80):
            word = m.group()
            in_greeting = m.end() <= max(greeting, 1)
            if not (in_greeting or self.is_capitalised(m.start())):
                continue
            # "Juanse" for Juan Sebastián: a first name run into the start of the second
            for target in {first, last, joined}:
                if in_greeting and word != target and short_form(word, target):
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
            add("skill", skill, find_skill(text, skill, masked) or self._initials_of(skill))
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

    def _initials_of(self, phrase: str) -> tuple[int, int] | None:
        """A phrase written as its initials, in capitals: "BOQ" for bills of quantities."""
        for initials in initials_of(phrase):
            if initials not in self.text:
                continue
            for m in re.finditer(rf"\b{initials}s?\b", self.text):
                s, e = self.note.span(m.start(), m.end())
                if self.scenario.message[s:e].isupper():
                    return m.span()
        return None

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
            if ARTIFACT_NEAR.search(self.text, max(0, s - 30), min(len(self.text), e + 30)):
                return (s, e)
        return None

    @once
    def stated(self) -> list[Mention]:
        """Specific things about the recipient that the note itself names, whether or not the
        profile lists them: a named person who referred you ("Ewa Nowak suggested I ask you"),
        their piece of work on a topic ("your paper on tidal turbines") and an event
        ("at the Belfast Housing Conference"). A recruiter with an outbox CSV or a bare name
        knows these without the profile saying so. Where the profile does list them, `details`
        finds them; these count for personalisation and for whose the reason is, but do not
        make a reason more concrete than its own words do."""
        text, found = self.text, []
        fields = [self.note.folded_span(s, e) for s, e in self.placeholders]
        for m in STATED_ARTIFACT.finditer(text):
            # The topic: after "on", "about"... or, without one, before the word ("your Kafka
            # lag article"). A mail-merge field is no topic.
            span = m.span()
            if m.group("prep") or m.group("wrote"):
                words = list(WORD.finditer(text, m.end(), min(len(text), m.end() + 50)))[:4]
                topic = [w.group() for w in words]
                region = (m.end(), m.end() + 50)
                if words:  # shown with its topic: "your post on cold-room temperatures"
                    stop = TOPIC_END.search(text, m.end(), words[-1].end())
                    span = (m.start(), stop.start() if stop else words[-1].end())
            else:
                topic = (m.group("before") or "").split()
                region = m.span()
            if any(region[0] <= s < region[1] for s, _ in fields):
                continue
            if any(map(content_word, topic)):
                found.append(Mention("article", self._original(span), span))
                break
        for m in STATED_WORK.finditer(text):
            # Something they did, named: "congrats on launching the whale-watch app", "the barns
            # you designed". Their achievement is specific to them, whether or not it is a reason.
            lo, hi = max(0, m.start() - 40), min(len(text), m.end() + 40)
            if any(lo <= s < hi for s, _ in fields):  # "congrats on your new role as <ROLE>"
                continue
            near = WORD.findall(text, lo, m.start())[-3:] + WORD.findall(text, m.end(), hi)[:4]
            if sum(map(content_word, near)) >= 2:
                found.append(Mention("work", self._original((m.start(), m.end())), m.span()))
                break
        for m in STATED_EVENT.finditer(text) if EVENT_NOUN.search(text) else ():
            name = m.group("event")
            if sum(map(content_word, WORD.findall(name))) >= 2 or self.is_capitalised(
                m.start("event")
            ):
                found.append(Mention("event", self._original(m.span("event")), m.span("event")))
                break
        for verb in REFERRAL_VERB.finditer(text):
            lo = max(0, verb.start() - 70)
            m = REFERRER.search(text[lo : verb.start()])
            if not m:
                continue
            s, e = lo + m.start("who"), lo + m.end("who")
            if any(a <= s < b for a, b in self.masked) or not self.is_capitalised(s):
                continue
            words = m.group("who").split()
            if words[0] in NOT_A_REFERRER or self._is_recipient_name(words[0]):
                continue
            found.append(Mention("connection", self._original((s, e)), (s, e)))
            break
        # The last resort, and the dearest look: a proper name after "your".
        return found or self._their_named_things(fields)

    def _their_named_things(self, fields: list[tuple[int, int]]) -> list[Mention]:
        """ "your <up to six words, one of them a proper name>" within one phrase."""
        # Most notes have no capital letter in a phrase after "your": one look settles that.
        # In a scam, "your Vipps-linked payout" is bait, not something of theirs.
        if not YOUR_CAPITAL.search(self.scenario.message) or self.scam:
            return []
        text = self.text
        blocked = self.masked + fields
        for m in YOUR.finditer(text):
            limit = min(len(text), m.end() + 60)
            stop = TOPIC_END.search(text, m.end(), limit)
            words = list(WORD.finditer(text, m.end(), stop.start() if stop else limit))[:6]
            named = None
            for w in words:
                word = w.group()
                if word in PHRASE_TURNS:
                    break  # the phrase has turned to the sender's own, or to someone else
                if word in SKILL_CLAIM:
                    # "your Python and SQL skills": a skill claim, which the profile's skills
                    # settle; a name after it still counts ("your BOQ work on Eko Atlantic").
                    named = None
                elif named is None and self.is_capitalised(w.start()) and content_word(word):
                    named = w
            if (
                named is not None
                and named.group() not in NOT_THEIRS
                and not any(a <= named.start() < b for a, b in blocked)
                and not self._is_recipient_name(named.group())
            ):
                span = (m.start(), words[-1].end())
                return [Mention("work", self._original(span), span)]
        return []

    def _original(self, span: tuple[int, int]) -> str:
        s, e = self.note.span(*span)
        return " ".join(self.scenario.message[s:e].split())

    @once
    def detail_spans(self) -> list[tuple[int, int]]:
        return [m.span for m in self.details]

    @once
    def job_mentions(self) -> list[tuple[int, int]]:
        job = self.scenario.job
        if not job or not job.title:
            return []
        # The title as written, its short forms ("Sr Backend Eng", "QA/QC Mgr"), and the same
        # without its grade, which recruiters often leave out ("a React Native dev").
        plain = without_grade(job.title)
        for form in (job.title, *variants(job.title)):
            span = find_phrase(self.text, form)
            if span and not after_a_number(self.text, span[0]):
                return [span]
        if plain and plain != job.title:
            # Not their own current role ("Lead Data Engineer at Sakura Rail, impressive!").
            own = [m.span for m in self.details if m.kind == "role"]
            for form in (plain, *variants(plain)):
                span = find_phrase(self.text, form)
                if (
                    span
                    and not after_a_number(self.text, span[0])
                    and not GRADE_BEFORE.search(self.text, 0, span[0])
                    and not any(s <= span[0] < e for s, e in own)
                ):
                    return [span]
        # Its initials, in capitals: "a QS" for a Quantity Surveyor.
        if plain and (span := self._initials_of(plain)):
            return [span]
        # "hiring Wind Turbine Technicians" or a description ending in the title's head noun;
        # not a word of their own skill ("your blast design work" names no Blast Engineer role),
        # nor of the hiring company's name ("an opening at Sunwise Solar" names no solar role).
        theirs = [m.span for m in self.details if m.kind == "skill"]
        if job.company and (company := find_phrase(self.text, job.company)):
            theirs.append(company)
        head = distinctive_tokens(job.title, 4)
        for token in reversed(head):
            for m in stem_pattern(token).finditer(self.text):
                if not any(s <= m.start() < e for s, e in theirs):
                    return [m.span()]
            for short in WORDS.get(token, ()):  # "CRM Admin" for an administrator
                span = find_phrase(self.text, short)
                if span:
                    return [span]
        for short in title_short_forms(job.title):  # "ICU RN"
            span = find_phrase(self.text, short)
            if span and not after_a_number(self.text, span[0]):
                return [span]
        return list(self.role_descriptions)

    @once
    def role_descriptions(self) -> list[tuple[int, int]]:
        """A job offered in words instead of a title: "we need someone to look after our
        sensors from install to repair". Only in a job offer."""
        if self.scenario.purpose != "job_offer":
            return []
        found = []
        for m in ROLE_DESCRIPTION.finditer(self.text):
            end = DESCRIPTION_END.search(self.text, m.end())
            stop = end.start() if end else len(self.text)
            words = WORD.findall(self.text, m.end(), stop)
            if sum(map(content_word, words)) >= 2:
                found.append((m.start(), stop))
        return found

    # ------------------------------------------------------------ reasons

    @once
    def scam(self) -> Scam | None:
        """The first scam pattern in the note, and where it stands (see scams.find_scam)."""
        return find_scam(self.scenario.message, self.note)

    @once
    def reasons(self) -> list[Reason]:
        details = [(*m.span, DETAIL_WEIGHTS.get(m.kind, DETAIL_WEIGHT)) for m in self.details]
        details += [(*span, DETAIL_WEIGHT) for span in self.job_mentions]
        found = find_reasons(
            self.text, *self.body, details, job_spans=self.job_mentions, sentences=self.sentences
        )
        if not found and self.scenario.purpose == "job_offer" and (self.details or self.stated):
            # A recruiter's approach that leaves the role unnamed ("an exciting opportunity
            # nearby that would suit you", "a [JOB TITLE] role") still offers them a job, and
            # says it to them; explains-fit fails it for the missing role.
            for s, e in self.sentences:
                m = JOB_CUES.search(self.text, s, e)
                if m:
                    found = [Reason(m.group(), (m.start(), e))]
                    break
        # A reason must concern this recipient: something of theirs, the job offered to them, or
        # a history you share. A pitch that would read the same to anyone ("our tool can halve
        # your hosting bill") is no reason to connect with *them*.
        if found and not (
            self.details
            or self.job_mentions
            or self.shared_history
            or self.stated
            or any(self._asks_them(s, e) for s, e in self.sentences)
            or INVITES_THEM.search(self.text, *self.body)
            or WANTS_THEIRS.search(self.text, *self.body)
            or YOURS_ELSEWHERE.search(self.text, *self.body)
        ):
            return []
        return found

    def _asks_them(self, s: int, e: int) -> bool:
        """A question about their own work ("how did you get NAFDAC approval so fast?") makes
        the note theirs, even when the profile lists nothing it names; an offer put as a
        question ("would you like to double your leads?") does not."""
        return (
            is_question(self.text, s, e)
            and ABOUT_THEM.search(self.text, s, e) is not None
            and OFFER_QUESTION.search(self.text, s, e) is None
        )

    @once
    def shared_history(self) -> list[Mention]:
        """A concrete past you share ("we both sat on the harbour bridge design review")."""
        found = []
        for s, e in self.sentences:
            m = SHARED_HISTORY.search(self.text, s, e)
            if m and Concreteness(self.text, s, e, [])(m.end(), e) >= CONCRETE_ENOUGH:
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
