"""CW010 one-follow-up: when a note goes unanswered, follow up once, after about a week, with
something new; then stop."""

from __future__ import annotations

from datetime import timedelta

from connectwell.context import Context
from connectwell.reasons import WORD, content_word, is_evasive
from connectwell.rules.base import Outcome, Rule, to_priya
from connectwell.text import expand_texting, fold

# "About a week", read generously: five days is a full working week to answer in.
WAIT = timedelta(days=5)
# Content words the follow-up has and the note had not. "Following up on my note from last
# week, did you get a chance to look?" has about four; a follow-up that adds the salary band,
# the team or a date has many more.
NEW_WORDS = 6


def _days(delta: timedelta) -> str:
    days = delta.total_seconds() / 86400
    return f"{days:.0f} day{'s' if round(days) != 1 else ''}" if days >= 1 else "the same day"


def _content(text: str) -> list[str]:
    return [w for w in WORD.findall(expand_texting(fold(text)).text) if content_word(w)]


def adds_something(note: str, follow_up: str) -> bool:
    """Whether a follow-up tells the recipient something the note did not."""
    if is_evasive(expand_texting(fold(follow_up)).text):
        return False
    said = set(_content(note))
    return sum(1 for w in _content(follow_up) if w not in said) >= NEW_WORDS


def run(ctx: Context) -> Outcome:
    s = ctx.scenario
    # Follow-ups are the sender's messages before the recipient has written anything: once
    # they answer, it is a conversation (and prompt-reply's business), not chasing.
    first_answer = next((m.at for m in s.thread if m.author == "recipient"), None)
    chasers = [
        m
        for m in s.thread
        if m.author == "sender" and (first_answer is None or m.at < first_answer)
    ]
    if not chasers:
        return Outcome("n/a", "No follow-up to an unanswered note, so there is nothing to time.")
    if len(chasers) > 1:
        return Outcome(
            "fail",
            f"You followed up {len(chasers)} times without an answer; after one follow-up, "
            "silence is the answer.",
            hint="Send one follow-up at most, then stop, and withdraw the invitation after three weeks.",
        )
    follow_up = chasers[0]
    if s.sent_at is not None and follow_up.at - s.sent_at < WAIT:
        return Outcome(
            "fail",
            f"The follow-up came {_days(follow_up.at - s.sent_at)} after your note; give them "
            "about a week first.",
            hint="Wait about a week after the note before the one follow-up.",
        )
    if not adds_something(s.message, follow_up.text):
        return Outcome(
            "fail",
            "The follow-up adds nothing your note did not already say.",
            hint="Add something new (the salary band, the team, a date for a call) and say it is your last message.",
        )
    when = f" {_days(follow_up.at - s.sent_at)} after your note" if s.sent_at else ""
    return Outcome("pass", f"One follow-up{when}, with something new.")


_NOTE = "Hi Priya, I'm hiring a Senior Data Engineer at Acme Robotics; your Kafka work at Globex fits. May I send details?"
_SENT = "2026-03-02T09:00:00Z"
_NEW = (
    "Hi Priya, one more detail: the team runs Kafka at two million events a second and the "
    "band is £85-95k, hybrid in Leeds. If it's not for you, I won't write again."
)
_LAZY = "Hi Priya, just following up on my note from last week. Did you get a chance to look?"


def _chase(*messages: tuple[str, str], sent: str | None = _SENT) -> dict:
    thread = [{"from": "sender", "at": at, "text": text} for at, text in messages]
    return to_priya(
        _NOTE, purpose="job_offer", thread=thread, **({"sent_at": sent} if sent else {})
    )


RULE = Rule(
    code="CW010",
    name="one-follow-up",
    guideline="Follow up once, about a week after an unanswered note, with something new; then stop.",
    why=(
        "One useful follow-up rescues notes that arrived on a busy day. Chasing sooner, more than "
        "once, or with nothing new reads as pressure, and people remember the company that did it."
    ),
    fix="Wait about a week, send one follow-up that adds something, say it is the last, then stop.",
    run=run,
    lesson="10_recruiter_outreach.ipynb",
    must_fail=(
        _chase(("2026-03-09T09:00:00Z", _LAZY)),
        _chase(("2026-03-03T09:00:00Z", _NEW)),
        _chase(("2026-03-09T09:00:00Z", _NEW), ("2026-03-16T09:00:00Z", _NEW + " Any news?")),
        _chase(("2026-03-09T09:00:00Z", _NOTE)),
    ),
    must_pass=(
        _chase(("2026-03-09T09:00:00Z", _NEW)),
        # without the note's date the timing cannot be judged, but the follow-up can
        _chase(("2026-03-09T09:00:00Z", _NEW), sent=None),
    ),
    not_applicable=(
        to_priya(_NOTE),
        # they answered: a conversation, not a follow-up
        to_priya(
            _NOTE,
            thread=[
                {"from": "recipient", "at": "2026-03-02T10:00:00Z", "text": "Sure, send them."},
                {"from": "sender", "at": "2026-03-02T11:00:00Z", "text": _NEW},
            ],
        ),
    ),
)
