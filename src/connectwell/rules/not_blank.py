"""CW001 not-blank: a request must carry a note with something in it."""

from __future__ import annotations

import re
from functools import lru_cache

from connectwell.context import Context
from connectwell.rules.base import Outcome, Rule, to_priya
from connectwell.text import LETTERS, fold_plain

# Pleasantries that, alone, are still only a greeting.
_PLEASANTRY = re.compile(
    r"\bhow(?:'s|’s| is| are) (?:you|things|it going|life|your (?:day|week))(?: doing| going| today)?\b"
    r"|\bhope (?:you(?:'re|’re| are)|all(?:'s|’s| is)|this (?:message )?finds you|you(?:'ve|’ve| have) been)"
    r"(?: doing)? (?:well|good|great|fine)\b"
    r"|\bhope you(?:'re|’re| are) having an? (?:good|great|nice|lovely) (?:day|week|weekend)\b"
    r"|\b(?:nice|great|good|lovely|pleased|glad) to (?:e-?)?meet you(?=[\s.!:)]*$)"
)
_GREETING_WORDS = frozenset(
    """
    hi hello hey hiya howdy heya yo dear greetings there all everyone team again good morning
    afternoon evening day thanks thank you regards best kind warm warmest cheers sincerely yours
    truly wishes many take care talk speak soon br thx ty bye
    """.split()
)

# Every word a greeting, a sign-off or small talk can be made of.
_SMALL_TALK = _GREETING_WORDS | frozenset(
    """
    how are you doing going today hope hoping well good great fine all this message finds been having
    nice lovely day week weekend is it things life your meet glad pleased to re ve things fine and
    """.split()
)


def run(ctx: Context) -> Outcome:
    message = ctx.scenario.message
    if not message.strip():
        return Outcome(
            "fail",
            "The note is empty: the request arrives with nothing to say who you are or why you ask.",
            span=None,
        )
    start, end = ctx.body
    names = _name_words(ctx.scenario.recipient.name, ctx.scenario.sender.name)
    # Most notes have plenty to say: a word outside greetings, names and small talk settles it
    # without the pleasantry patterns, usually within the first few words.
    for m in LETTERS.finditer(ctx.text, start, end):
        word = m.group()
        if word not in _SMALL_TALK and word not in names:
            return _PASS
    names = names.union(
        m for mention in ctx.name_mentions for m in ctx.text[slice(*mention.span)].split()
    )
    body = _PLEASANTRY.sub(" ", ctx.text[start:end])
    words = [w for w in LETTERS.findall(body) if w not in _GREETING_WORDS and w not in names]
    if not words:
        return Outcome(
            "fail",
            "The note is only a greeting or a sign-off: it says nothing the recipient can act on.",
            span=(0, len(message)),
        )
    return _PASS


_PASS = Outcome("pass", "The note has something to say beyond a greeting.")


@lru_cache(maxsize=1024)
def _name_words(*people: str) -> frozenset[str]:
    """The folded words of these names: the same for every note between the same two people."""
    return frozenset(word for person in people for word in fold_plain(person).split())


RULE = Rule(
    code="CW001",
    name="not-blank",
    guideline="Never send a blank request, especially to someone who does not know you.",
    why=(
        "A request with no note, or with only 'Hi!', makes the recipient guess who you are and "
        "what you want; most people simply ignore it."
    ),
    fix="Write a sentence or two: who you are to them and why you want to connect.",
    run=run,
    lesson="03_not_blank.ipynb",
    must_fail=(
        to_priya("Hi Priya! 👋"),
        to_priya(""),
        to_priya("   \n  "),
        to_priya("Hello!"),
        to_priya("Kind regards,\nSam Lee"),
        to_priya("🙂🙂 ..."),
        to_priya("Hi Priya, how are you?"),
        to_priya("\u200b\u200b"),
    ),
    must_pass=(
        to_priya("Hi Priya, your talk at PyData London on Kafka lag fixed our consumer bug."),
        to_priya("I'd like to add you to my professional network."),
        to_priya("hi priya, loved the kafka lag article"),
    ),
)
