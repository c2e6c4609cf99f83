"""CW008 fits-limit: the note fits LinkedIn's invitation limit (200 free, 300 premium)."""

from __future__ import annotations

from connectwell.context import Context
from connectwell.rules.base import Outcome, Rule, to_priya


def run(ctx: Context) -> Outcome:
    s = ctx.scenario
    n, limit = len(s.message), s.limit
    if s.channel == "inmail":
        if n > limit:
            return Outcome(
                "fail",
                f"The InMail is {n} characters; past {limit}, fewer people answer (LinkedIn's "
                "own study of recruiters' InMails), and under 400 does best.",
                hint=f"Cut at least {n - limit} characters: the role, why them, one next step; "
                "the full description can follow once they reply.",
                span=(limit, n),
            )
        return Outcome("pass", f"{n} of {limit} characters (InMail).")
    if n > limit:
        return Outcome(
            "fail",
            f"The note is {n} characters; a {s.account} account allows {limit}, so {n - limit} won't fit.",
            hint=f"Cut {n - limit} characters: keep the reason and one specific detail, drop the warm-up.",
            span=(limit, n),
        )
    return Outcome("pass", f"{n} of {limit} characters ({s.account} account).")


_LONG = (
    "Hi Priya, I'd like to connect because your article on taming Kafka consumer lag describes exactly "
    "the backlog our Acme team fights every single Monday morning; could I ask how you sized the partitions?"
)
_SHORT = (
    "Hi Priya, your article on taming Kafka consumer lag describes the backlog our Acme team fights every "
    "Monday; could I ask how you sized the partitions?"
)

_INMAIL = (
    "Hi Priya, I'm hiring a Senior Data Engineer at Acme Robotics, and your article on taming "
    "Kafka consumer lag describes the backlog our fleet telemetry team fights every Monday. The "
    "role leads three engineers moving our Airflow jobs onto Kafka; it is hybrid in Leeds, two "
    "days a week, and pays £85-95k. Would a 20-minute call on Thursday or Friday suit you?"
)
_INMAIL_MORE = (
    "A little about us: Acme Robotics was founded in 2014 and builds warehouse robots for "
    "retailers across Europe. We have grown from twelve people to four hundred, and our data "
    "platform team sits at the heart of it. We offer 28 days of holiday, a learning budget, a "
    "pension with 8% matching, private health cover and a cycle-to-work scheme. Our values are "
    "curiosity, ownership and kindness, and we run a quarterly hack week. I have attached the "
    "full job description and our engineering handbook for you to read before we speak."
)

RULE = Rule(
    code="CW008",
    name="fits-limit",
    guideline=(
        "Keep the note within the invitation limit: 200 characters on a free account, 300 on "
        "premium; keep an InMail within 800, where replies start to fall off."
    ),
    why="LinkedIn will not send a longer note; whatever you cut in a hurry is usually the reason.",
    fix="Cut to the limit: the reason and one specific detail, nothing else.",
    run=run,
    lesson="04_personalised.ipynb",
    must_fail=(
        to_priya(_LONG),
        to_priya("x" * 201),
        to_priya("x" * 301, account="premium"),
        to_priya(_INMAIL + " " + _INMAIL_MORE, channel="inmail"),
    ),
    must_pass=(
        to_priya(_SHORT),
        to_priya(_LONG, account="premium"),
        to_priya("x" * 200),
        to_priya("x" * 300, account="premium"),
        to_priya(""),
        to_priya(_INMAIL, channel="inmail"),
    ),
)
