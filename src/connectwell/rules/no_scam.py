"""CW007 no-scam: money requests, windfalls, investment pitches and off-platform pressure."""

from __future__ import annotations

from connectwell.context import Context
from connectwell.rules.base import Outcome, Rule, to_priya
from connectwell.scams import DESCRIPTIONS


def run(ctx: Context) -> Outcome:
    found = ctx.scam
    if found:
        family, m, span = found
        return Outcome(
            "fail",
            f"This note {DESCRIPTIONS[family]} (“{' '.join(m.group().split())[:60]}”): the mark of a scam.",
            hint="Never ask a new contact for money, details or a move off the platform; "
            "if you received this, ignore and report it.",
            span=span,
        )
    return Outcome(
        "pass", "Nothing in the note asks for money or pushes the recipient off the platform."
    )


RULE = Rule(
    code="CW007",
    name="no-scam",
    guideline=(
        "Recognise spam: money-transfer requests, prizes and inheritances, investment pitches, and "
        "pressure to move to WhatsApp or Telegram, however the words are disguised."
    ),
    why=(
        "Scams arrive as connection requests from impressive-looking accounts. A legitimate contact "
        "never needs your bank details or a 'guaranteed' investment on day one."
    ),
    fix="Remove any request for money, details or off-platform contact. If you received such a note, report it.",
    run=run,
    lesson="08_spam_and_canned.ipynb",
    must_fail=(
        to_priya(
            "Send your full name and bank account number so I can release your share of the inheritance."
        ),
        to_priya(
            "Hi Priya, pr0fits g-u-a-r-a-n-t-e-e-d in our B.T.C signals group, DM me on T3legram today!"
        ),
        to_priya(
            "Congratulations, you have won a cash prize! Pay the small processing fee to claim it."
        ),
        to_priya("Quick favour: buy two Apple gift cards for me and send the codes."),
        to_priya("Hi Priya, only 3 spots left, message me on WhаtsApp now: bit.ly/x9"),
        # disguised: returns from "mentoring", a fee before a job, a payout after a payment
        to_priya(
            "Hi Priya, I mentor a small crypto trading group. My students made 30% last month."
        ),
        to_priya(
            "Hi Priya, remote data entry role, $25/hour; a $40 registration fee covers your kit."
        ),
        to_priya(
            "Hi Priya, your €50,000 grant is approved; funds are released once you pay the tax."
        ),
        to_priya("Hi Priya, іnvеst with us today."),  # Cyrillic letters inside the words
    ),
    must_pass=(
        to_priya(
            "Hi Priya, I'm hiring a Senior Data Engineer at Acme: €80–95k plus equity, and your Kafka work fits.",
            purpose="job_offer",
        ),
        to_priya(
            "Hi Priya, I run the payments team at a crypto exchange and loved your Kafka lag article."
        ),
        to_priya(
            "Hi Priya, we're raising money for the Leeds food bank with a charity 10k run in May."
        ),
        to_priya("Hi Priya, happy to move to email if that's easier for you."),
        to_priya("Hi Priya, we cover the visa fee and relocation for this Berlin role."),
    ),
)
