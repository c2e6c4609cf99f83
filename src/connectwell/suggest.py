"""suggest(scenario) -> Suggestions: rewrites of a note built only from what the sender knows.

Called by the course's "Suggest a rewrite" buttons and by `connectwell check --suggest`. It
fills no template with invented facts: every sentence states something the scenario holds (a
shared connection, an article, an event, a skill, the job) or asks a question. Candidates are
built in a fixed order, checked with check(), and only those that pass every rule are kept, so
a suggestion can never teach a note the checker would fail.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from connectwell.engine import check
from connectwell.report import Report
from connectwell.scenario import Scenario, parse_scenario
from connectwell.text import fold_plain

# Rules that read the thread, not the note: no rewrite of the note can change their verdict.
_THREAD_RULES = ("prompt-reply", "one-follow-up")
# How many candidates to try before giving up; the order below puts the likeliest first.
_MAX_TRIES = 60

_FACT_LABELS = {
    "connection": "shared connection",
    "article": "their article",
    "event": "event",
    "skill": "their skill",
    "job": "the job",
    "job-skill": "a skill the job needs",
    "sender": "you",
    "question": "your own question",
    "reason": "your own reason",
    "greeting": "your greeting",
}


@dataclass(frozen=True)
class Fact:
    """One thing from the scenario that a suggestion uses."""

    kind: str
    value: str

    def __str__(self) -> str:
        return f"{_FACT_LABELS.get(self.kind, self.kind)}: {self.value}"


@dataclass(frozen=True)
class Suggestion:
    """A rewrite that passes every rule: its text, the facts it rests on, and check()'s report."""

    text: str
    facts: tuple[Fact, ...]
    report: Report


class Suggestions(list[Suggestion]):
    """The suggestions, best first; `missing` says in one line why there are none (else "")."""

    def __init__(self, items: list[Suggestion] | None = None, missing: str = ""):
        super().__init__(items or [])
        self.missing = missing

    def to_text(self) -> str:
        if not self:
            return self.missing
        lines = []
        for i, s in enumerate(self, 1):
            lines += [f"{i}. {s.text}", "   uses " + "; ".join(map(str, s.facts))]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        if not self:
            return f'<p class="cw-suggest-missing">{html.escape(self.missing)}</p>'
        items = "".join(
            f'<li><blockquote style="white-space:pre-wrap">{html.escape(s.text)}</blockquote>'
            f"<small>Uses {html.escape('; '.join(map(str, s.facts)))}</small></li>"
            for s in self
        )
        return f'<ol class="cw-suggestions">{items}</ol>'


# ---------------------------------------------------------------- the pieces


@dataclass(frozen=True)
class _Lead:
    """The opening sentence: the motive, resting on one fact (or on the job)."""

    text: str
    facts: tuple[Fact, ...]


def _fold(word: str) -> str:
    return fold_plain(word).strip()


def _matching_skills(s: Scenario) -> list[str]:
    needed = {_fold(k) for k in (s.job.skills if s.job else ())}
    return [k for k in s.recipient.skills if _fold(k) in needed]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _quoted(title: str) -> str:
    return f"“{title}”"


def _greeting(s: Scenario) -> tuple[str, Fact | None]:
    """The learner's own greeting when it is a formal one that names them ("Dear Ms Sato,",
    "Sato-san,"); otherwise "Hi <first name>,"."""
    first = s.recipient.first_name
    m = re.match(r"\s*([^,:;!?.\n]{2,40})[,:]", s.message)
    if m:
        greeting = m.group(1).strip()
        names = {_fold(p) for p in s.recipient.name.split()[1:]}
        words = {_fold(w) for w in re.split(r"[\s-]+", greeting)}
        if names & words and len(greeting.split()) <= 4:
            return f"{greeting},", Fact("greeting", greeting)
    return f"Hi {first},", None


def _own_reason(s: Scenario) -> Fact | None:
    """The sentence of the learner's note that the checker reads as their reason ("we'd love
    your pupils at our robotics day"): what they know and the profile does not. Kept when it
    can stand on its own after the opening."""
    from connectwell.context import Context

    ctx = Context(s)
    for reason in ctx.reasons:
        for start, end in ctx.sentences:
            if start <= reason.span[0] < end:
                a, b = ctx.orig((start, end)) or (0, 0)
                sentence = s.message[a:b].strip()
                first_words = sentence.split()[:2]
                if (
                    30 <= len(sentence) <= 150
                    and sentence[-1:] in ".!?"
                    and not any(
                        _fold(w).strip(",") == _fold(s.recipient.first_name) for w in first_words
                    )
                ):
                    return Fact("reason", sentence[0].upper() + sentence[1:])
    return None


def _own_question(s: Scenario) -> Fact | None:
    """The learner's question, when it reads as one worth keeping: short, on its own."""
    for sentence in re.findall(r"[^.!?\n]*\?", s.message):
        sentence = sentence.strip()
        words = sentence.split()
        if 4 <= len(words) <= 18 and sentence[0].isalpha():
            return Fact("question", sentence[0].upper() + sentence[1:])
    return None


def _leads(s: Scenario) -> list[_Lead]:
    """Opening sentences, in the order a reader would find them warmest for this purpose."""
    r = s.recipient
    leads: list[_Lead] = []
    if s.purpose == "job_offer" and s.job and s.job.title:
        match = _matching_skills(s)[:2]
        where = f" at {s.job.company}" if s.job.company else ""
        facts = (Fact("job", f"{s.job.title}{where}"), *(Fact("job-skill", k) for k in match))
        if match:
            at = f" at {r.company}" if r.company else ""
            leads.append(
                _Lead(
                    f"I'm hiring a {s.job.title}{where}, and your {_and(match)} work{at} is what the role needs.",
                    facts,
                )
            )
            leads.append(
                _Lead(
                    f"your {_and(match)} experience fits the {s.job.title} role I'm hiring for{where}.",
                    facts,
                )
            )
            leads.append(
                _Lead(f"I'm hiring a {s.job.title}: your {match[0]} work{at} fits it.", facts[:2])
            )
        return leads
    by_kind: dict[str, list[_Lead]] = {"connection": [], "article": [], "event": [], "skill": []}
    for conn in r.shared_connections[:1]:
        fact = (Fact("connection", conn),)
        topic = f" about your work on {r.skills[0]}" if r.skills else ""
        by_kind["connection"] += [
            _Lead(
                f"we both know {conn}, and I'd like to ask you a question{topic}.",
                fact + _skill(r, topic),
            ),
            _Lead(
                f"I'm writing because we both know {conn} and I'd value your advice{topic}.",
                fact + _skill(r, topic),
            ),
        ]
    for title in r.articles[:1]:
        fact = (Fact("article", title),)
        by_kind["article"] += [
            _Lead(
                f"I read your article {_quoted(title)} and would like to ask you a question about it.",
                fact,
            ),
            _Lead(
                f"your article {_quoted(title)} is why I'm writing: it speaks to a problem I'm working on.",
                fact,
            ),
        ]
    for event in r.events[:1]:
        fact = (Fact("event", event),)
        met = s.purpose == "met_in_person"
        by_kind["event"] += [
            _Lead(
                f"it was good to meet you at {event}, and I'd like to keep in touch."
                if met
                else f"we were both at {event}, and I'd like to ask you about your work.",
                fact,
            ),
            _Lead(f"I'm writing after {event} because I'd like to stay in touch.", fact),
        ]
    for skill in r.skills[:1]:
        at = f" at {r.company}" if r.company else ""
        fact = (Fact("skill", skill),)
        by_kind["skill"] += [
            _Lead(f"I'd like to learn how you approach {skill}{at}.", fact),
        ]
    order = {
        "shared_connection": ("connection", "article", "event", "skill"),
        "article": ("article", "connection", "event", "skill"),
        "met_in_person": ("event", "connection", "article", "skill"),
    }.get(s.purpose or "", ("connection", "article", "event", "skill"))
    # Alternate facts first, then phrasings, so that the first few suggestions differ in both.
    columns = [by_kind[k] for k in order if by_kind[k]]
    for i in range(max((len(c) for c in columns), default=0)):
        leads += [c[i] for c in columns if i < len(c)]
    return leads


def _skill(r: Any, topic: str) -> tuple[Fact, ...]:
    return (Fact("skill", r.skills[0]),) if topic and r.skills else ()


def _asks(s: Scenario) -> list[str]:
    if s.purpose == "job_offer":
        return ["May I send you the details?", "Would a 20-minute call next week suit you?"]
    return ["Would you be open to connecting?", "Could I ask you one question?"]


def _sender_line(s: Scenario) -> tuple[str, Fact] | None:
    first = s.sender.name.split()[0] if s.sender.name.strip() else ""
    if not first or not s.sender.headline:
        return None
    return f"I'm {first}, {s.sender.headline}.", Fact(
        "sender", f"{s.sender.name}, {s.sender.headline}"
    )


def _candidates(s: Scenario) -> Iterator[tuple[str, str, tuple[Fact, ...]]]:
    """Every note the pieces make, ordered so that neighbours differ: the first uses the first
    lead with the first shape, the second the next lead with the next shape, and so on."""
    greet, greet_fact = _greeting(s)
    base = (greet_fact,) if greet_fact else ()
    own, why = _own_question(s), _own_reason(s)
    me = _sender_line(s)
    asks = [(own.value, (own,))] if own else []
    if why and (not own or why.value != own.value):
        asks += [(why.value, (why,))]
    asks += [(a, ()) for a in _asks(s)]
    shapes: list[tuple[str, tuple[Fact, ...]]] = []  # what follows the lead
    for ask, ask_facts in asks:
        shapes.append((ask, ask_facts))
        if me:
            shapes.append((f"{me[0]} {ask}", (me[1], *ask_facts)))
    leads = _leads(s)
    order = sorted(
        ((i, j) for i in range(len(leads)) for j in range(len(shapes))),
        key=lambda ij: ((ij[1] - ij[0]) % len(shapes), ij[0]),
    )
    for i, j in order:
        lead, (tail, tail_facts) = leads[i], shapes[j]
        yield f"{greet} {lead.text} {tail}", lead.text, base + lead.facts + tail_facts


# ---------------------------------------------------------------- suggest


def _missing(s: Scenario, current: Report | None) -> str:
    """Why no passing note can be built from these facts, in a line a learner understands."""
    r = s.recipient
    first = r.first_name
    for finding in current or ():
        if finding.verdict == "fail":
            return (
                f"A new note cannot fix this: {finding.rule} reads what you wrote after the note "
                f"({finding.message})"
            )
    if not first:
        return "You don't know their name yet: find it on their profile before you write."
    if s.purpose == "job_offer":
        if not (s.job and s.job.title):
            return f"There is no job to offer {first} yet: add the job's title and the skills it needs."
        if not _matching_skills(s):
            return (
                f"None of {first}'s skills is one the {s.job.title} role needs, so no honest note "
                "can say they fit: check the fit before you write."
            )
    elif not (r.shared_connections or r.articles or r.events or r.skills):
        return (
            f"You know nothing specific about {first} yet: look at their profile for a shared "
            "connection, a post or where you met."
        )
    return (
        f"No note built from what you know about {first} passes every rule within "
        f"{s.limit} characters: add a detail from their profile and try again."
    )


def suggest(scenario: Any, n: int = 3) -> Suggestions:
    """Up to n rewrites of the scenario's note that pass every rule, best first.

    Built only from the scenario's facts (recipient, shared connections, articles, events, job,
    sender), keeping the learner's formal greeting or own question where they had one. The
    same scenario always gives the same suggestions. When no passing note can be made, the
    list is empty and `.missing` says what to find out first.
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n: ask for at least one suggestion, got {n!r}")
    s = parse_scenario(scenario)
    # Only the thread can make every rewrite fail; without one, skip checking the note as it is.
    current = check(s, rules=list(_THREAD_RULES)) if s.thread else None
    if current and any(f.verdict == "fail" for f in current):
        return Suggestions(missing=_missing(s, current))
    found: list[Suggestion] = []
    seen_leads: set[str] = set()
    held: list[Suggestion] = []  # passing, but another opening would add more variety first
    for tries, (text, lead, facts) in enumerate(_candidates(s)):
        if tries >= _MAX_TRIES or len(found) >= n:
            break
        if len(text) > s.limit:
            continue
        report = check(replace(s, message=text))
        if not report.passed:
            continue
        suggestion = Suggestion(text, facts, report)
        if lead in seen_leads:
            held.append(suggestion)
        else:
            seen_leads.add(lead)
            found.append(suggestion)
    found += held[: n - len(found)]
    if not found:
        return Suggestions(missing=_missing(s, current))
    return Suggestions(found[:n])


__all__ = ["Fact", "Suggestion", "Suggestions", "suggest"]
