"""CW004 has-reason: a concrete reason for connecting that concerns this recipient."""

from __future__ import annotations

import re

from connectwell.context import Context
from connectwell.reasons import is_evasive
from connectwell.rules.base import Outcome, Rule, to_priya

_EMPTY = re.compile(
    r"\b(?:add(?:ing)? you to my (?:professional )?network|(?:grow|expand|build|widen|growing|expanding|"
    r"building)(?:ing)? my (?:professional )?network|let'?s connect|let’s connect|(?:great|good|nice) to connect|"
    r"like to connect|love to connect|connect with (?:everyone|people|professionals|like-minded))\b"
)


def excerpt(ctx: Context, span: tuple[int, int], limit: int = 70) -> str:
    s, e = ctx.orig(span)
    text = " ".join(ctx.scenario.message[s:e].split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def run(ctx: Context) -> Outcome:
    first = ctx.scenario.recipient.first_name or "the recipient"
    reasons = ctx.reasons
    if reasons:
        r = reasons[0]
        return Outcome(
            "pass", f"Gives a concrete reason: “{excerpt(ctx, r.span)}”", span=ctx.orig(r.span)
        )
    if is_evasive(ctx.text):
        message = "The note says outright that there is no particular reason to connect."
    elif m := _EMPTY.search(ctx.text):
        message = f"“{excerpt(ctx, m.span())}” is not a reason: it would be true of anyone."
    else:
        message = f"The note gives {first} no concrete reason to connect: nothing says what prompted it or what is in it for them."
    return Outcome(
        "fail",
        message,
        hint="Say what prompted the request (their article, a mutual contact, where you met, a role) "
        "and what you would like to talk about.",
    )


RULE = Rule(
    code="CW004",
    name="has-reason",
    guideline="Don't connect if you cannot think of a good reason they should connect with you.",
    why=(
        "People accept requests that promise something: a shared problem, a role, a favour returned. "
        "'Let's connect' asks for their time and offers nothing."
    ),
    fix="Give the concrete reason: what prompted the request and what you would like to talk about.",
    run=run,
    lesson="07_motive_upfront.ipynb",
    must_fail=(
        to_priya("Hi Priya, I'd like to add you to my professional network."),
        to_priya("Hi Priya! Let's connect."),
        to_priya("Hi Priya — Kafka | Python | Airflow | Globex"),
        to_priya("Hi Priya, I'd love to learn more about your work and grow my network."),
        # observation plus compliment: true of her, and no reason
        to_priya("Hi Priya, I see you're a Data Engineer at Globex. What an inspiring journey!"),
        to_priya(
            "Hi Priya, read your article on Kafka consumer lag. Fascinating, congratulations!"
        ),
    ),
    must_pass=(
        to_priya(
            "Hi Priya, we have the bug your Kafka lag article describes. Did partitioning fix it?"
        ),
        to_priya("Hi Priya, Alex Chen suggested I ask you about migrating our Airflow DAGs."),
        to_priya(
            "Hi Priya, great meeting you at PyData London; I'd love to compare Kafka consumer setups."
        ),
        # a question about her work, and a shared problem, are reasons too
        to_priya(
            "Hi Priya, how did you get Kafka consumer lag under a second at Globex? Ours is ten."
        ),
        to_priya("Hi Priya, we have the same Kafka consumer lag your article describes, at Acme."),
    ),
)
