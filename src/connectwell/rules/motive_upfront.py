"""CW003 motive-upfront: the reason comes in the opening sentence, not after pleasantries."""

from __future__ import annotations

import re

from connectwell.context import Context
from connectwell.rules.base import Outcome, Rule, to_priya
from connectwell.rules.has_reason import excerpt
from connectwell.text import WORD

# "Roughly the first 30 words" of the opening sentence.
OPENING_WORDS = 30
# Words of praise, admiration or the sender's own story before the reason: more than a few of
# them and the reader has met the warm-up first ("after years of following your brilliant
# posts, ... I'd like to ask").
PREAMBLE_WORDS = 12
PREAMBLE = re.compile(
    r"\b(?:admir\w*|brilliant|inspir\w*|amazing|incredible|wonderful|fantastic|gorgeous|fan of|"
    r"for years|followed|following your|watched your|read every|who has|having (?:spent|worked|"
    r"watched|read|followed)|hope (?:you|all|this|your)|how was)\b"
)


def run(ctx: Context) -> Outcome:
    reasons = ctx.reasons
    if not reasons:
        return Outcome(
            "fail",
            "There is no reason anywhere in the note, so none comes first.",
            # Several shapes, not one formula: a hint that always said "I'd like to connect
            # because …" would teach a new template.
            hint="Open with why you are writing to them: a question about their work, a problem "
            "you share, a role, an invitation, or who suggested you get in touch.",
        )
    first_start, first_end = ctx.sentences[0]
    reason = reasons[0]
    words_before = len(WORD.findall(ctx.text, ctx.body[0], reason.span[0]))
    warm_up = PREAMBLE.search(ctx.text, ctx.body[0], reason.span[0])
    if reason.span[0] < first_end and words_before > PREAMBLE_WORDS and warm_up:
        # One long opening sentence can still bury the point: praise or a life story first.
        return Outcome(
            "fail",
            f"The note opens with {words_before} words of warm-up (“{warm_up.group()}…”) before "
            f"the reason.",
            hint="Start with the reason; keep one short compliment or introduction for after it.",
            span=ctx.orig((ctx.body[0], reason.span[0])),
        )
    if reason.span[0] < first_end and words_before <= OPENING_WORDS:
        return Outcome(
            "pass", "The reason comes first, in the opening sentence.", span=ctx.orig(reason.span)
        )
    return Outcome(
        "fail",
        f"The reason only arrives after {words_before} words; the note opens with “{excerpt(ctx, (first_start, first_end), 50)}”.",
        hint="Move the reason into the first sentence and cut the warm-up.",
        span=ctx.orig((first_start, first_end)),
    )


RULE = Rule(
    code="CW003",
    name="motive-upfront",
    guideline="Explain your motive up front: the first sentence after the greeting says why you are writing.",
    why=(
        "Notes are read in a glance, often in a notification. If the opening is flattery or your "
        "life story, the reader decides before reaching the point."
    ),
    fix="Lead with the reason; put compliments and your introduction after it, or cut them.",
    run=run,
    lesson="07_motive_upfront.ipynb",
    must_fail=(
        to_priya(
            "Hi Priya, I'm Sam, I have spent ten years recruiting in robotics, I live in Leeds and "
            "I love hiking with my dog at weekends. I'd like to connect because your Kafka lag "
            "article fixed our pipeline."
        ),
        to_priya("Hi Priya, hope you're well! Let's connect."),
    ),
    must_pass=(
        to_priya(
            "Hi Priya, your Kafka lag article fixed our pipeline; how did you size partitions?"
        ),
        to_priya("Priya, Alex Chen suggested I ask you about our Airflow migration. Thanks!"),
        # the name first and a hello after it; texting shorthand
        to_priya(
            "Priya, hi. Your Kafka lag article is why we switched; how did you size partitions?"
        ),
        to_priya(
            "hola priya! u wrote abt kafka lag, we r stuck w/ the same at acme, can i ask u 2 qs?"
        ),
    ),
)
