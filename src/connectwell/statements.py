"""The patterns the Context reads a note's statements with: placeholders left from a template,
what a note says it read or saw of the recipient's, events met at, referrals, role
descriptions and grades in a title. Used by context.py only; kept here so that the Context
reads as what it works out, not as its regexes."""

from __future__ import annotations

import re
from functools import lru_cache

from connectwell.mentions import STOPWORDS
from connectwell.text import fold_plain

PLACEHOLDER = re.compile(
    r"\{\{?\s*[A-Za-z_][\w .\-]{0,30}\}\}?"
    r"|\[\s*(?:[A-Z][A-Z _\-]{1,30}|(?i:(?:first|last|full|your|their|his|her|recipient|contact|company|"
    r"candidate|insert|job|role|position|title|industry|city|skill|name|prospect|client|organi[sz]ation|"
    r"school|university|team|location|topic|event|article|firm|employer|specific|mutual|x+)[\w \-/]{0,25}))\s*\]"
    r"|<\s*(?:[A-Z][A-Z _]{1,30}|(?i:(?:first|last|full|your|their|recipient|contact|company|candidate|insert|"
    r"job|role|position|title|industry|city|skill|name|prospect|client|organi[sz]ation|school|team|"
    r"location|topic|event|article|firm|employer|specific|mutual)[\w \-/]{0,20}))\s*>"
    r"|%[A-Za-z_]{3,}%|\$\{?[A-Z_]{3,}\}?|\bXXX+\b"
)
# The characters a PLACEHOLDER can start with, other than the "XXX" of its last alternative.
FIELD_STARTS = "{[<%$"
# Possessive: each word is taken whole, so a long run of letters is not split every way.
LEADING_NAME = re.compile(r"\s*((?:[^\W\d_]++\.?[ ]?){1,3}?)\s*(?:[,:!—–]|\s-\s)\s*")
STATED_ARTIFACT = re.compile(
    r"\byour (?P<before>(?:(?!and\b|or\b|your\b)[\w'’-]+ ){0,4}?)(?:article|post|piece|blog|paper|essay|column|"
    r"op-ed|write-?up|newsletter|talk|thread|report|audit|study|research|book|podcast|webinar|"
    r"presentation|keynote|case study|video|note|guide|thesis|lecture|panel|session|survey|pilot|"
    r"project|programme|program|trial|initiative|rollout|campaign)s?"
    r"(?: (?P<prep>on|about|regarding|covering|titled|called|for|at|in)\b|(?=[\s,.;:!?—–-]|$))"
    r"|\byou (?P<wrote>wrote|posted|blogged|spoke|talked|presented|published|shared|commented)"
    r" (?:about|on)\b"
)
TOPIC_END = re.compile(r"[,.;:!?—–()]| - ")
STATED_WORK = re.compile(
    r"\b(?:congrats|congratulations|well done|kudos|hats off) (?:to you )?(?:on|for)\b"
    r"|\b(?:won|earned|got) you (?:the|a|an|first|second|third)\b"
    # "the shearing shed you posted", "the barns you designed"
    r"|\bthe (?:[\w'’-]+ ){1,3}(?:you|your team) (?:posted|shared|designed|built|made|wrote|ran|led|planted|"
    r"restored|installed|set up|helped build|helped set up|manage|run)\b"
    r"|\b(?:you|your team) (?:did|installed|fitted|delivered|completed|designed|built|wrote|led|ran|"
    r"created|founded|organi[sz]ed|launched|"
    r"restored|published|produced|directed|curated|started|set up|rebuilt|digiti[sz]ed|shipped|opened)\b"
)
# Their own thing, named: "your Lublin clinic", "your co-op in Lucas do Rio Verde", "your team's
# burning near Fitzroy Crossing". A proper name after "your" is specific to them even when the
# profile lists nothing it names. These capitalised words name nothing of theirs.
YOUR = re.compile(r"\byour\b")
YOUR_CAPITAL = re.compile(r"\b[Yy][Oo][Uu][Rr]\b[^,.;:!?—–()\n]{0,60}?\s[A-Z]")
# Wanting what is theirs is about them: "we'd like to stock your picual", "could our team reuse
# your firmware?". Doing something *to* theirs ("halve your hosting bill") is a pitch instead.
WANTS_THEIRS = re.compile(
    r"\b(?:stock|buy|order|reuse|borrow|license|licence|adopt|book|feature|quote|cite|tour|want|copy|"
    r"learn from|sell|distribute|import|carry|translate|adapt|replicate|bring) (?:[\w'’-]+ ){0,2}?your\b"
    r"(?! (?:business|company|team's growth|sales|revenue|costs?|bills?|leads|growth|profits?|network)\b)"
)
# "Your" in Spanish, Portuguese, French and Italian notes: a reason there that says "tu estudio"
# or "su programa" is about them, as "your study" is in English.
YOURS_ELSEWHERE = re.compile(
    r"\b(?:tu|tus|su|sus|usted|voce|seu|sua|seus|suas|teu|tua|votre|vos|ton|tes|vostro|vostra|tuo)"
    r" [a-z]{4,}"
)
# An invitation to them or theirs is about them: "I'd love your Year 9s at our robotics day",
# "we'd love you on our panel", "would you speak at our meetup?"
INVITES_THEM = re.compile(
    r"\b(?:i'?d|i’d|we'?d|we’d|i would|we would) (?:really |so |also )?(?:love|like) (?:your|you)\b"
    r"(?! to (?:connect|join my network|add)\b)"
    r"|\binvit\w* (?:you|your)\b"
    r"|\b(?:would|could|will|can) you (?:speak|present|join|judge|come|mentor|host|enter|take part|"
    r"give a talk|be our)\b"
)
NOT_THEIRS = frozenset(
    "linkedin facebook instagram twitter tiktok whatsapp telegram youtube google zoom teams slack "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december i cv phd mba ceo".split()
)
PHRASE_TURNS = frozenset("our my we us i with for to profile page account feed inbox".split())
SKILL_CLAIM = frozenset(
    "skill skills expertise experience background knowledge work stack proficiency".split()
)
EVENT_NOUNS = (
    r"(?:conference|summit|meetup|meet-up|fair|expo|forum|congress|convention|webinar|hackathon|"
    r"festival|symposium|roundtable|dinner|breakfast|mixer|awards|trade show|open day|bootcamp|"
    r"masterclass|seminar|workshop|retreat|gala)"
)
EVENT_NOUN = re.compile(EVENT_NOUNS + r"\b")  # the cheap look before STATED_EVENT
STATED_EVENT = re.compile(
    r"\b(?:at|from|during|after|in) (?:the |this year's |last year's |last week's |this week's )?"
    rf"(?P<event>(?:[\w'’&-]+ ){{0,5}}?{EVENT_NOUNS})\b"
)
# A person who sent you, found from the verb back: "Rose Lim at the harbour board said you".
# The verb first, since it is rare; the name is then looked for in the few words before it.
REFERRAL_VERB = re.compile(
    r",? (?:suggested|recommended|said|says|told me|mentioned|pointed me|introduced us|"
    r"introduced me|referred me|put us in touch|thought|passed on|passed me|gave me|sent me)\b"
)
REFERRER = re.compile(
    r"\b(?P<who>[a-z][\w'’-]+(?: [a-z][\w'’-]+){0,2})"
    r"(?:,? (?:at|from|of|in) (?:the )?(?:[\w'’&-]+ ){1,5}?)?$"
)
# Words that can stand capitalised before "suggested" without being a person who referred you.
NOT_A_REFERRER = frozenset(
    "i we she he they someone somebody everyone everybody people it this that who which my our "
    "your their a an the one many most some colleagues friends".split()
)
ROLE_DESCRIPTION = re.compile(
    r"\b(?:need|needs|needed|looking for|seeking|hiring|searching for|want|wants|require|requires|"
    r"recruiting)(?: (?:a|an|one|two|three|new|another|\d+))?(?: [\w'’-]+)?? (?:person|someone|"
    r"somebody|people|candidate|professional|hand|pro|leader|lead|expert|engineer|developer|manager|"
    r"nurse|driver|technician|analyst|designer|accountant|electrician|teacher|chef|operator|specialist|"
    r"consultant|coordinator|officer|scientist|researcher|architect|planner|buyer|surveyor)s? "
    r"(?:who (?:can|will|could|would) |to )"
)
GRADE_BEFORE = re.compile(
    r"\b(?:senior|sr|snr|junior|jr|jnr|lead|principal|staff|chief|head|associate|assistant)\.? $"
)


# Two capitals that are words or countries of their own, not anyone's initials.
NOT_INITIALS = frozenset(
    "us ok am pm it id tv uk eu un ai no so to on in at of or an as be do go".split()
)


@lru_cache(maxsize=4096)
def initials_of(phrase: str) -> tuple[str, ...]:
    """The initials a phrase of two or more words may be written as: every word's ("boq" for
    bills of quantities), and the content words' alone ("bq")."""
    words = [w for w in re.split(r"[\s/-]+", fold_plain(phrase)) if w[:1].isalpha()]
    if len(words) < 2:
        return ()
    forms = ["".join(w[0] for w in words), "".join(w[0] for w in words if w not in STOPWORDS)]
    return tuple(dict.fromkeys(f for f in forms if len(f) >= 2 and f not in NOT_INITIALS))


@lru_cache(maxsize=1024)
def without_grade(title: str) -> str:
    """A job title without its grade: "Senior Quantity Surveyor" -> "Quantity Surveyor"."""
    # "Head of Product, Mobile" is also "Head of Product"; "Resident Engineer - Bridges" a
    # "Resident Engineer".
    title = re.split(r",| - | – |\(", title)[0].strip() or title
    return GRADE.sub("", title).strip()


# A grade before a job title, which a recruiter may leave out when naming the role.
GRADE = re.compile(
    r"^(?:(?:senior|sr\.?|snr|junior|jr\.?|jnr|lead|principal|staff|chief|associate|assistant|"
    r"graduate|trainee|entry-level|mid-level|experienced)\s+)+",
    re.I,
)
DESCRIPTION_END = re.compile(r"[;.!?\n]|,? (?:and )?(?:your|you|you've|you’ve|you're|you’re)\b")


def after_a_number(text: str, pos: int) -> bool:
    """ "3 pm": a short form right after a number is a time or a quantity, not a title."""
    return bool(re.search(r"\d\s?$", text[max(0, pos - 3) : pos]))


# A question about them ("how did you...", "which scanner does your lab use?", "did your pilot
# survive?"), not a favour asked of them ("can you receive a parcel for me?").
ABOUT_THEM = re.compile(
    r"\b(?:how|what|which|why|where|when|who|whose)\b[^?]{0,80}?\b(?:you|your|you've|you’ve|you're|"
    r"you’re)\b|\b(?:did|do|does|have|has|are|were|is|was) (?:you|your)\b|\byou (?:use|used|run|ran|"
    r"handle|handled|manage|managed|get|got|keep|kept|do|did)\b"
)
ARTIFACT_NEAR = re.compile(
    r"\b(?:article|post|piece|blog|paper|essay|column|op-ed|write-?up|newsletter|talk|thread|story|report)s?\b"
)
