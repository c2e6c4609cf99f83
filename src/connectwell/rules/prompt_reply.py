"""CW009 prompt-reply: when the recipient asks why, answer within a day and give the reason."""

from __future__ import annotations

from connectwell.context import Context
from connectwell.reasons import Concreteness, asks_why, find_reasons, is_evasive
from connectwell.rules.base import Outcome, Rule, to_priya
from connectwell.text import expand_texting, fold, fold_plain

# Content words that make a reply an answer even without a cue ("because", "we'd like to").
ANSWER_WORDS = 6


def _hours(seconds: float) -> str:
    hours = seconds / 3600
    if hours < 1:
        return f"{round(seconds / 60)} minutes"
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"


def states_reason(text: str) -> bool:
    """A reply answers 'why' when it gives a reason, or at least concrete content, and no dodge."""
    folded = expand_texting(fold(text)).text
    if is_evasive(folded):
        return False
    # A reply is already the answer to "why", so a shorter reason will do than in a cold note.
    if find_reasons(folded, 0, len(folded), [], threshold=1, questions=False):
        return True
    # "We only do the Japan side: customs clearance and phytosanitary inspections at Osaka":
    # what the sender does and wants, said plainly, answers "what is this about?" without any
    # cue word. Small talk and a holding line ("busy week, will write soon!") say less.
    return Concreteness(folded, 0, len(folded), [])(0, len(folded)) >= ANSWER_WORDS


def run(ctx: Context) -> Outcome:
    thread = ctx.scenario.thread
    window = ctx.options.reply_window
    question = next(
        (m for m in thread if m.author == "recipient" and asks_why(fold_plain(m.text))),
        None,
    )
    if question is None:
        return Outcome(
            "n/a", "Nobody has asked why you want to connect, so there is nothing to answer yet."
        )
    replies = [m for m in thread if m.author == "sender" and m.at >= question.at]
    if not replies:
        return Outcome(
            "fail",
            "They asked why you want to connect and never got an answer.",
            hint="Reply today with the reason, in one or two sentences.",
        )
    # "Will write more soon!" and, four hours later, the reason: the answer is the first reply
    # in time that gives the reason, not only the first reply.
    in_time = [m for m in replies if m.at - question.at <= window]
    answer = next((m for m in in_time if states_reason(m.text)), None)
    if answer is None and not in_time:
        delay = (replies[0].at - question.at).total_seconds()
        return Outcome(
            "fail",
            f"The reply came {_hours(delay)} after they asked; answer within {_hours(window.total_seconds())}.",
            hint="Answer the same day: a slow reply reads as a request you didn't care about.",
        )
    if answer is None:
        delay = (in_time[0].at - question.at).total_seconds()
        return Outcome(
            "fail",
            f"The reply came within {_hours(delay)} but does not say why you want to connect.",
            hint="Answer the question: the concrete reason, not small talk.",
        )
    delay = (answer.at - question.at).total_seconds()
    return Outcome("pass", f"Answered with a reason {_hours(delay)} after they asked.")


def _thread(question: str, reply: str | None, at: str = "2026-03-02T15:30:00Z") -> list[dict]:
    out = [{"from": "recipient", "at": "2026-03-02T09:00:00Z", "text": question}]
    if reply is not None:
        out.append({"from": "sender", "at": at, "text": reply})
    return out


_NOTE = "Hi Priya, Alex Chen suggested I ask you about Kafka consumer lag at Globex."
_WHY = "Thanks! Why would you like to connect?"
_ANSWER = "We're moving our Airflow jobs onto Kafka at Acme and your consumer-lag fix is exactly what we need."

RULE = Rule(
    code="CW009",
    name="prompt-reply",
    guideline="Respond promptly when someone asks why you want to connect.",
    why=(
        "They were willing to consider you and asked one question. A late or evasive answer wastes "
        "that goodwill; a prompt, concrete one usually earns the connection."
    ),
    fix="Reply within a day and state the reason in a sentence or two.",
    run=run,
    lesson="06_prompt_reply.ipynb",
    must_fail=(
        to_priya(_NOTE, thread=_thread(_WHY, None)),
        to_priya(_NOTE, thread=_thread(_WHY, _ANSWER, at="2026-03-04T09:00:00Z")),
        to_priya(
            _NOTE, thread=_thread(_WHY, "Oh, no particular reason, always good to know people!")
        ),
        # the holding reply was quick, the reason came two days later
        to_priya(
            _NOTE,
            thread=[
                *_thread(_WHY, "Will write more soon!", at="2026-03-02T09:10:00Z"),
                {"from": "sender", "at": "2026-03-04T13:00:00Z", "text": _ANSWER},
            ],
        ),
    ),
    must_pass=(
        to_priya(_NOTE, thread=_thread(_WHY, _ANSWER)),
        # a holding reply, then the reason the same day
        to_priya(
            _NOTE,
            thread=[
                *_thread(_WHY, "Will write more soon!", at="2026-03-02T09:10:00Z"),
                {"from": "sender", "at": "2026-03-02T13:00:00Z", "text": _ANSWER},
            ],
        ),
        to_priya(
            _NOTE,
            thread=_thread(
                "Happy to connect. What did you want to ask?",
                "I would like to ask how you sized the partitions for your consumer-lag fix at Globex.",
                at="2026-03-02T18:10:00Z",
            ),
        ),
    ),
    not_applicable=(
        to_priya(
            _NOTE, thread=_thread("Great to hear from you!", "Likewise!", at="2026-03-09T09:00:00Z")
        ),
        to_priya(_NOTE),
    ),
)
