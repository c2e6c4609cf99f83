"""CW002 personalised: the recipient's name plus something specific about them."""

from __future__ import annotations

import re
from dataclasses import replace

from connectwell.context import Context
from connectwell.rules.base import Outcome, Rule, to_priya
from connectwell.text import fold_plain

_NAME_FIELD = re.compile(
    r"(?i)^(?!.*(?:sender|my|your|company|firm|role|title|job|org|business|school|team|project|event|"
    r"product|brand|client|customer))"
    r".*(?:name|first|last|recipient|contact|"
    r"candidate|prospect|lead)"
)

_KIND_WORDS = {
    "company": "their company",
    "role": "their role",
    "skill": "a skill of theirs",
    "article": "their article",
    "connection": "your shared connection",
    "event": "where you met",
    "shared": "what you share",
    "work": "something they did",
}


_PRIORITY = ("article", "connection", "event", "shared", "work", "company", "role", "skill")


def _what_to_mention(ctx: Context) -> str:
    r = ctx.scenario.recipient
    options = []
    if r.articles:
        options.append(f"their article '{r.articles[0]}'")
    if r.shared_connections:
        options.append(f"your mutual contact {r.shared_connections[0]}")
    if r.events:
        options.append(f"{r.events[0]}")
    if r.company:
        options.append(f"their work at {r.company}")
    if r.skills:
        options.append(f"their {r.skills[0]} skills")
    if not options:
        return "Mention something specific about them: their company, role, an article, or where you met."
    return "Mention something specific about them, such as " + " or ".join(options[:3]) + "."


def run(ctx: Context) -> Outcome:
    r = ctx.scenario.recipient
    first = r.first_name or "the recipient"
    # A field for their name means the note never names them; another field ("<COMPANY>") is
    # not-canned's to report, and the note may still be personal.
    name_fields = [
        (s, e) for s, e in ctx.placeholders if _NAME_FIELD.search(ctx.scenario.message[s:e])
    ]
    if name_fields:
        s, e = name_fields[0]
        field = ctx.scenario.message[s:e]
        return Outcome(
            "fail",
            f"The mail-merge field {field} was never filled in, so the note does not name {first}.",
            hint=f"Replace {field} with the real detail (their name, company or role).",
            span=(s, e),
        )
    # What the profile lists comes first; what only the note names counts when nothing does.
    names, details = ctx.name_mentions, (ctx.details + ctx.shared_history) or ctx.stated
    if not r.name and not details:
        if not r.company and not r.skills and not r.headline:
            return Outcome(
                "n/a", "No recipient profile was given, so personalisation cannot be checked."
            )
    if not names and not details:
        return Outcome(
            "fail",
            f"The note neither addresses {first} by name nor mentions anything specific about them.",
            hint=f"Greet {first} by name. " + _what_to_mention(ctx),
        )
    if not names:
        return Outcome(
            "fail",
            f"The note never addresses {first} by name.",
            hint=f"Open with their name: 'Hi {first}, …'.",
        )
    if not details:
        return Outcome(
            "fail",
            f"The note uses {first}'s name but says nothing specific about them; any name would fit.",
            hint=_what_to_mention(ctx),
            span=ctx.orig(names[0].span),
        )
    # Name the most telling detail: a shared article, contact or event says more than a skill.
    d = min(details, key=lambda m: (_PRIORITY.index(m.kind), m.span[0]))
    if d.kind == "shared":
        s, e = ctx.orig(d.span)
        text = " ".join(ctx.scenario.message[s:e].split())
        d = replace(d, value=text if len(text) <= 60 else text[:59] + "…")
    message = f"Addresses {first} by name and mentions {_KIND_WORDS[d.kind]} ({d.value})."
    listed = {"article": r.articles, "event": r.events, "connection": r.shared_connections}
    known = {fold_plain(x) for x in listed.get(d.kind, ())}
    if d not in ctx.details and known and not any(k in fold_plain(d.value) for k in known):
        # Specific all the same; but the profile knows of another, so the sender should look.
        message += f" {first}'s profile lists {listed[d.kind][0]!r} instead: make sure the detail is right."
    return Outcome("pass", message, span=ctx.orig(d.span))


RULE = Rule(
    code="CW002",
    name="personalised",
    guideline=(
        "Always personalise the note, on the mobile app too: the recipient's name plus something "
        "specific about them or what you share."
    ),
    why=(
        "A note that could go to anyone reads as mass outreach. Their name and one real detail show "
        "you looked at who they are, which is why they should answer you."
    ),
    fix="Greet them by name and mention one specific thing: their article, company, role, a skill, "
    "a mutual contact or where you met.",
    run=run,
    lesson="04_personalised.ipynb",
    must_fail=(
        to_priya("Hi Priya, it would be great to connect!"),
        to_priya("Your article on taming Kafka consumer lag saved our team a week."),
        to_priya("Hi {first_name}, I saw your work at [COMPANY] and would love to connect."),
        to_priya("Hi Sarah, I read your Kafka consumer lag article and loved it."),
    ),
    must_pass=(
        to_priya("Hi Priya, your article 'Taming Kafka consumer lag' fixed our pipeline."),
        to_priya("Priya, Alex Chen suggested I ask you about Airflow at Globex."),
        to_priya("Hi Priya, great meeting you at PyData London; can we compare Kafka setups?"),
        # what the note itself names counts when the profile is silent
        {
            "message": "Hi Priya, Sam Wu suggested I ask you how you sized your Kafka partitions.",
            "recipient": {"name": "Priya Raman", "company": "Globex"},
        },
        # a field left for the company is not-canned's to report: the note still names her
        to_priya("Hi Priya, your article on Kafka consumer lag fixed our pipeline at <COMPANY>."),
    ),
)
