"""CW005 explains-fit: a job offer names the role and the recipient's matching skills."""

from __future__ import annotations

import re

from connectwell.context import Context
from connectwell.mentions import (
    Mention,
    distinctive_tokens,
    find_skill,
    shared_skills,
    stem_pattern,
)
from connectwell.reasons import JOB_CUES, content_word
from connectwell.rules.base import JOB, Outcome, Rule, to_priya
from connectwell.text import WORD, fold_plain


def run(ctx: Context) -> Outcome:
    s = ctx.scenario
    if s.purpose != "job_offer":
        return Outcome("n/a", "Not a job offer, so there is no fit to explain.")
    job, r = s.job, s.recipient
    first = r.first_name or "the candidate"
    if job is None:
        return _without_job(ctx, first)
    if job.title and not ctx.job_mentions:
        return Outcome(
            "fail",
            f"The note never names the role ({job.title}).",
            hint=f"Say what you are hiring for: 'I'm hiring a {job.title} at {job.company or 'our company'}'.",
        )
    relevant = set(shared_skills(r.skills, job.skills)) if job.skills else set(r.skills)
    cited = [m for m in ctx.details if m.kind == "skill" and m.value in relevant]
    if not cited:
        # Their current role counts as experience when it is the same kind of work as the job.
        job_words = {t[:5] for t in distinctive_tokens(job.title, 4)}
        cited = [
            m
            for m in ctx.details
            if m.kind == "role"
            and _theirs(ctx, m.span)
            and job_words & {t[:5] for t in distinctive_tokens(m.value, 4)}
        ]
    if not cited and _SAME_AS_THEIRS.search(ctx.text):
        # "someone to look after AP/AR and IFRS reporting ... and you've run exactly that": the
        # skills named in the job's description are said to be theirs.
        cited = [
            Mention("skill", skill, span)
            for skill in sorted(relevant)
            if (span := find_skill(ctx.text, skill))
            and any(s <= span[0] < e for s, e in ctx.role_descriptions)
        ]
    if not cited:
        # Their work named by the skill's last word: "your piling work on the Epe crossing" for
        # bridge piling, "your fire-safety audits" for fire and building safety.
        cited = _claimed_by_its_head(ctx, sorted(relevant))
    if cited:
        return Outcome(
            "pass",
            f"Names the role and cites {first}'s matching {cited[0].kind} ({cited[0].value}).",
            span=ctx.orig(cited[0].span),
        )
    theirs = {fold_plain(x) for x in r.skills}
    not_theirs = [
        skill
        for skill in job.skills
        if fold_plain(skill) not in theirs and find_skill(ctx.text, skill, ctx.masked)
    ]
    if not_theirs:
        message = f"The note cites {not_theirs[0]}, which is not on {first}'s profile."
    else:
        message = (
            f"The note says {first} would fit but never says which of their skills match the job."
        )
    if relevant:
        hint = f"Cite what {first} has that the job needs: " + ", ".join(sorted(relevant)[:3]) + "."
    else:
        hint = f"None of {first}'s listed skills match this job: check the fit before you send."
    return Outcome("fail", message, hint=hint)


_SAME_AS_THEIRS = re.compile(
    r"\byou(?:'ve|’ve| have)? (?:\w+ ){0,2}?(?:done|run|ran|led|managed|handled|built|owned|been doing) "
    r"(?:exactly |just |precisely )?(?:that|this|the same|all of (?:that|this|it))\b"
)
_YOURS = re.compile(r"\b(?:your|you're|you’re|you are|you've|you’ve|as an?)\b")


_YOUR_CLAIM = re.compile(r"\byour(?: [\w'’-]+){1,5}")


def _claimed_by_its_head(ctx: Context, skills: list[str]) -> list[Mention]:
    heads = [(skill, tokens[-1]) for skill in skills if (tokens := distinctive_tokens(skill, 4))]
    if not heads:
        return []
    for m in _YOUR_CLAIM.finditer(ctx.text):
        if any(a <= m.start() < b for a, b in ctx.role_descriptions):
            continue  # the job's own description, not their work
        for skill, head in heads:
            hit = stem_pattern(head).search(ctx.text, m.start(), m.end())
            if not hit:
                continue
            # Not another kind of the same thing: "your property claims" is no motor claims.
            before = WORD.findall(ctx.text, m.start(), hit.start())[-1:]
            qualifiers = {t[:5] for t in distinctive_tokens(skill, 3)}
            if (
                not before
                or before[0] == "your"
                or not content_word(before[0])
                or (before[0][:5] in qualifiers)
            ):
                return [Mention("skill", skill, hit.span())]
    return []


def _theirs(ctx: Context, span: tuple[int, int]) -> bool:
    """A role named as the recipient's own ("your years as a pharmacist"), not the one on offer."""
    return bool(_YOURS.search(ctx.text, max(0, span[0] - 25), span[0]))


def _without_job(ctx: Context, first: str) -> Outcome:
    """No job record: the note itself must describe a role and cite what the recipient has."""
    role = JOB_CUES.search(ctx.text)
    if not role:
        return Outcome(
            "fail",
            "The note never says which role you are offering.",
            hint="Name the role: its title, or what the job is.",
        )
    # Their role only counts where it is theirs ("your work as a …"), not the role on offer.
    cited = [
        m
        for m in ctx.details
        if m.kind == "skill"
        or (m.kind == "role" and _YOURS.search(ctx.text, max(0, m.span[0] - 25), m.span[0]))
    ]
    if cited:
        return Outcome(
            "pass",
            f"Describes the role and cites {first}'s {cited[0].kind} ({cited[0].value}).",
            span=ctx.orig(cited[0].span),
        )
    return Outcome(
        "fail",
        f"The note offers a role but never says which of {first}'s skills or experience fit it.",
        hint=f"Cite a skill or role from {first}'s profile that the job needs.",
    )


RULE = Rule(
    code="CW005",
    name="explains-fit",
    guideline="When recruiting, explain why the person fits the job: which of their skills or experience match.",
    why=(
        "'You'd be a great fit' is what every recruiter writes. Naming the skills that match shows "
        "you read their profile and gives them a reason to reply."
    ),
    fix="Name the role and one or two skills from their profile that the job needs.",
    run=run,
    lesson="05_explains_fit.ipynb",
    must_fail=(
        to_priya(
            "Hi Priya, I'm hiring a Senior Data Engineer and you'd be a great fit!",
            purpose="job_offer",
            job=JOB,
        ),
        to_priya(
            "Hi Priya, I'm hiring a Senior Data Engineer; your Spark expertise is ideal.",
            purpose="job_offer",
            job=JOB,
        ),
        to_priya(
            "Hi Priya, your Kafka work at Globex is impressive!", purpose="job_offer", job=JOB
        ),
        # the skill is in what the job needs, not in what she did
        to_priya(
            "Hi Priya, we need someone to run Kafka and Spark end to end at Acme; your career "
            "at Globex caught my eye.",
            purpose="job_offer",
            job=JOB,
        ),
    ),
    must_pass=(
        to_priya(
            "Hi Priya, I'm hiring a Senior Data Engineer at Acme; your Kafka and Python work at Globex is what it needs.",
            purpose="job_offer",
            job=JOB,
        ),
        to_priya(
            "Hi Priya, we're hiring a Senior Data Engineer at Acme: your Kafka consumer work at "
            "Globex is the exact experience the role needs.",
            purpose="job_offer",
            job=JOB,
        ),
        # the title in short, and the role described in words
        to_priya(
            "Hi Priya, hiring a Sr Data Eng at Acme; your Kafka work at Globex is what it needs.",
            purpose="job_offer",
            job=JOB,
        ),
        to_priya(
            "Hi Priya, we need someone to run our streaming platform end to end at Acme, and your "
            "Kafka work at Globex is exactly that.",
            purpose="job_offer",
            job=JOB,
        ),
    ),
    not_applicable=(to_priya("Hi Priya, loved your Kafka article!", purpose="article"),),
)
