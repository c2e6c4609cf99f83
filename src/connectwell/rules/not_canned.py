"""CW006 not-canned: no template that could go to anyone, no placeholders, no off-field offers."""

from __future__ import annotations

from connectwell.context import Context
from connectwell.mentions import shared_skills
from connectwell.rules.base import JOB, Outcome, Rule, to_priya
from connectwell.text import fold_plain


def off_field(ctx: Context) -> bool:
    """A job in another industry that shares none of the recipient's skills."""
    job, r = ctx.scenario.job, ctx.scenario.recipient
    if ctx.scenario.purpose != "job_offer" or job is None:
        return False
    if not (job.industry and r.industry) or fold_plain(job.industry) == fold_plain(r.industry):
        return False
    return not shared_skills(r.skills, job.skills)


def run(ctx: Context) -> Outcome:
    s = ctx.scenario
    first = s.recipient.first_name or "the recipient"
    if ctx.placeholders:
        a, b = ctx.placeholders[0]
        return Outcome(
            "fail",
            f"The template field {s.message[a:b]} was left in: the recipient sees a form letter.",
            hint="Fill in every field, then read the note as the recipient will.",
            span=(a, b),
        )
    if off_field(ctx):
        job, r = s.job, s.recipient
        return Outcome(
            "fail",
            f"The {job.title or 'job'} is in {job.industry}, and {first} works in {r.industry} with none of the "
            "skills it needs: a canned offer sent to the wrong person.",
            hint="Don't send it. Offer roles that match the person's field and skills.",
        )
    if ctx.scam and not ctx.details:
        return Outcome(
            "fail",
            f"A scam pitch is a form letter by nature: nothing in it is really meant for {first}.",
            hint="Don't send it; if you received it, report it.",
        )
    about_them = ctx.details or ctx.stated or ctx.shared_history
    # A reason with neither their name nor anything of theirs is a post to anyone: "Hi there,
    # we are hiring a Night Shift Milker ... message me if interested!"
    if not about_them and (not ctx.reasons or not ctx.name_mentions):
        return Outcome(
            "fail",
            f"Nothing in the note is specific to {first}: it could be sent, unchanged, to anyone.",
            hint="Add what is true only of them: why you are writing to this person in particular.",
        )
    return Outcome("pass", f"The note is written for {first}, not copied from a template.")


OFF_FIELD_JOB = {
    "title": "Wind Turbine Technician",
    "company": "Boreal Power",
    "industry": "energy",
    "skills": ["high-voltage systems", "rope access"],
}

RULE = Rule(
    code="CW006",
    name="not-canned",
    guideline=(
        "Recognise canned messages: templates that could go to anyone, unfilled placeholders, and job "
        "offers from a field the person never worked in."
    ),
    why=(
        "Recipients spot a template at once and treat the sender as a spammer; an offer from the "
        "wrong field proves nobody read their profile."
    ),
    fix="Write the note for this person: fill every field, and only offer jobs that match their experience.",
    run=run,
    lesson="08_spam_and_canned.ipynb",
    must_fail=(
        to_priya("Hi {first_name}, I came across your profile and would love to connect!"),
        to_priya("Hi Priya, I'd like to add you to my professional network."),
        to_priya(
            "Hi Priya, we're hiring Wind Turbine Technicians at Boreal Power. Great pay!",
            purpose="job_offer",
            job=OFF_FIELD_JOB,
        ),
    ),
    must_pass=(
        to_priya("Hi Priya, your Kafka consumer lag article is the fix our team needed."),
        to_priya(
            "Hi Priya, I'm hiring a Senior Data Engineer at Acme; your Kafka work at Globex fits it.",
            purpose="job_offer",
            job=JOB,
        ),
    ),
)
