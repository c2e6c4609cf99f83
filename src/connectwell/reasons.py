"""Finding the reason a note gives for connecting; Context.reasons and the reply rules call it.

A sentence gives a reason when three things hold:
1. a cue introduces one (reason_cues.CUE_TABLE: "because", "after our chat at", "I'd love to compare"...);
2. nothing voids it: no evasion ("just networking", _EVASIVE), and it is not a bare keyword list;
3. something concrete backs it: from the cue on (or from an earlier "you") the sentence scores
   at least CONCRETE_ENOUGH, where a number, or a word of three letters or more that is neither
   FILLER nor a stopword, counts 1, and each detail of the recipient in it as DETAIL_WEIGHTS says.
So "Let's connect", "I'd like to add you to my network" and "I'd love to learn more about your
work" are no reason: a cue's shape, perhaps, but nothing concrete behind it. A PROMPT cue ("I
read your article on X") says only what prompted the note, and counts when a purpose (any other
cue, a question, the job offered) stands somewhere in the note too. Without a cue, a question to
them about something concrete, or a job offer naming the job (JOB_CUES), is a reason as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain

from connectwell.mentions import STOPWORDS
from connectwell.reason_cues import CUES, PURPOSE_CUES
from connectwell.text import WORD, sentence_spans

# ---------------------------------------------------------------- 2. what voids a cue

# Saying there is no reason, or that the reason is the network itself.
_EVASIVE = re.compile(
    r"\b(?:(?:so|solo|juste du|seulement du|apenas|solamente) networking|"
    r"no (?:particular|special|real|specific) reason|just (?:networking|connecting|expanding|"
    r"growing|building|adding)|always (?:good|nice|great|lovely) to (?:know|connect|meet|have)|why not|"
    r"the more the merrier|bigger the network|just because|no reason|nothing specific|"
    r"(?:expand|grow|build|widen|broaden)\w* (?:my|our) (?:professional )?network|"
    r"(?:lots|a lot|so much) in common|see where it (?:goes|leads|takes us))\b"
)

_FUNCTION = frozenset(
    "the a an to in on at for of with and is are was our your my we i you it this that".split()
    # and the commonest of Spanish, Portuguese, French and Italian, so a note in one of them is
    # not read as a keyword list
    + "de la el los las un una y en con por para que del le les des du et une da do na em com il di "
    "che per".split()
)


def _is_salad(text: str, start: int, end: int) -> bool:
    # A list of keywords with no grammar: no function word links them into a claim.
    # Read word by word: in most sentences a function word comes within the first few.
    count = 0
    for m in WORD.finditer(text, start, end):
        word = m.group()
        if word in _FUNCTION or word in STOPWORDS:
            return False
        count += 1
    return count >= 4


# ---------------------------------------------------------------- 3. what is concrete

# Words that name no particular thing, grouped by what they are about. They add nothing to how
# concrete a sentence is, so one made only of them ("great to connect with like-minded people in
# the industry") is no concrete reason however long it runs.
FILLER_GROUPS: dict[str, str] = {
    "networking itself": """
        connect connected connecting connection connections network networks networking
        professional professionals grow growing growth expand expanding build building widen
        broaden add adding link linked contacts contact circle circles community communities
        reach touch keep stay mutual mutually benefit benefits beneficial synergy synergies
        together win-win value valuable collaborate collaboration partnership partner partners
        explore exploring
    """,
    "praise and feelings": """
        great good nice awesome amazing inspiring inspired impressive impressed love loved lovely
        like liked exciting excited interesting interested success successful incredible
        fantastic wonderful brilliant cool fun glad happy pleased keen eager passion passionate
        top leading innovative dynamic world-class cutting-edge fast-growing global
    """,
    "anyone and anywhere": """
        people everyone anyone someone everybody anybody somebody like-minded field fields
        industry industries sector space world area areas market markets business businesses
        profession professionally here there everything anything something nothing one two each
        other others
    """,
    "careers and jobs": """
        opportunity opportunities profile profiles background experience experiences work works
        working career careers journey path fit fits perfect ideal role roles position positions
        job jobs company companies team teams startup start-up client clients candidate
        candidates opening openings expertise skills skill skillset talent talents talented
    """,
    "the platform": """
        linkedin platform online site page pages post posts article articles content update
        updates news feed share sharing follow following followed follower followers message
        messaging
    """,
    "time": """
        week weekend day today time soon future sometime anytime someday whenever new latest
        recent ever always
    """,
    "getting in touch": """
        meet meeting met chat talk hear learn know knowing catch reaching out writing contacting
        invite inviting noticed notice saw seen came across come found see
    """,
    "wishes and hedges": """
        hope hoping think thought believe feel wanted want wants wish would mind minds maybe
        perhaps possibly chance possible possibility potential potentially similar same
        different various certain sure more much really very just also well lot lots
    """,
    "vague things": """
        stuff things thing way ways kind sort type form idea ideas insight insights perspective
        perspectives thoughts view views advice tips guidance feedback input discussion
        discussions conversation conversations interest interests
    """,
    "courtesies and light verbs": """
        best regards thanks thank cheers please let lets let's get got getting make making made
        take taking help helping support supporting doing going
    """,
}
FILLER = frozenset(word for words in FILLER_GROUPS.values() for word in words.split())

# The score a stretch of a note needs to be a concrete reason (find_reasons' default threshold;
# an answer to "why?" needs less, see rules/prompt_reply.py).
CONCRETE_ENOUGH = 2
# What naming a detail of the recipient adds to the score: their company or role is a start; a
# skill, an article, an event, a contact or the job offered to them is enough on its own.
DETAIL_WEIGHTS: dict[str, int] = {"company": 1, "role": 1}
DETAIL_WEIGHT = 2  # any other kind of detail

Weighted = tuple[int, int, int]  # a span of a profile detail and how much naming it counts


class Concreteness:
    """How concrete any stretch of a note is: each profile detail by its weight, plus 1 per
    other content word (detail words are blanked out so they are not counted twice)."""

    def __init__(self, text: str, start: int, end: int, details: list[Weighted]):
        self.details = details
        blanked = text
        for s, e, _ in details:
            blanked = blanked[:s] + " " * (e - s) + blanked[e:]
        self.blanked = blanked

    def __call__(self, start: int, end: int, details_from: int | None = None) -> int:
        """Content words in [start, end); details counted from details_from (default start)."""
        lo = start if details_from is None else details_from
        score = sum(w for s, _, w in self.details if lo <= s < end)
        return score + sum(1 for w in WORD.findall(self.blanked, start, end) if content_word(w))

    def reaches(self, need: int, start: int, end: int, details_from: int | None = None) -> bool:
        """Whether self(start, end, details_from) >= need, reading no more words than it takes
        (every detail and word adds to the score, so the first time it gets there settles it)."""
        lo = start if details_from is None else details_from
        score = sum(w for s, _, w in self.details if lo <= s < end)
        if score >= need:
            return True
        for m in WORD.finditer(self.blanked, start, end):
            if content_word(m.group()):
                score += 1
                if score >= need:
                    return True
        return False


def content_word(word: str) -> bool:
    """A word that counts as concrete: a number, or three letters or more that are neither
    filler nor a stopword. Also what a follow-up must add to count as new (one-follow-up)."""
    return word.isdigit() or (len(word) >= 3 and word not in STOPWORDS and word not in FILLER)


# ---------------------------------------------------------------- 4. the decision


@dataclass(frozen=True)
class Reason:
    """A reason found: the words of its cue ("?" for a question, a job cue for a job offer)."""

    cue: str
    span: tuple[int, int]  # from the cue to the end of its sentence, folded coordinates


def find_reasons(
    text: str,
    start: int,
    end: int,
    details: list[Weighted],
    threshold: int = CONCRETE_ENOUGH,
    job_spans: list[tuple[int, int]] | None = None,
    sentences: list[tuple[int, int]] | None = None,
    questions: bool = True,
) -> list[Reason]:
    """The first concrete reason in text[start:end] (a list: empty when there is none).

    sentences: sentence_spans(text, start, end), when the caller has it already.
    questions: whether a question put to the reader counts as a reason (not in a reply to
    "why?": asking back is no answer).
    """
    score_of = Concreteness(text, start, end, details)
    jobs = job_spans or []
    if sentences is None:
        sentences = sentence_spans(text, start, end)
    for s_start, s_end in sentences:
        for part_start, part_end in _fragments(text, s_start, s_end):
            reason = _reason_in(text, part_start, part_end, score_of, threshold, jobs, questions)
            if reason:
                if reason.cue != "?" and not PURPOSE_CUES.match(text, reason.span[0]):
                    # What prompted the note; it still needs a purpose somewhere.
                    if not _has_purpose(text, sentences, jobs, questions):
                        return []
                return [reason]
    return []


def _has_purpose(
    text: str, sentences: list[tuple[int, int]], jobs: list[tuple[int, int]], questions: bool
) -> bool:
    """Whether the note asks, offers, proposes or explains anything at all."""
    for s, e in sentences:
        if PURPOSE_CUES.search(text, s, e) or any(s <= j < e for j, _ in jobs):
            return True
        if questions and is_question(text, s, e):
            return True
    return False


def _reason_in(
    text: str,
    start: int,
    end: int,
    score_of: Concreteness,
    threshold: int,
    jobs: list[tuple[int, int]],
    questions: bool = True,
) -> Reason | None:
    # Cues are found one at a time: the scan stops at the first that introduces a reason.
    cues = CUES.finditer(text, start, end)
    first = next(cues, None)
    if first:
        if _EVASIVE.search(text, start, end) or _is_salad(text, start, end):
            return None
        for m in chain((first,), cues):
            # What follows the cue counts, and so does what the sentence already said about the
            # recipient before it ("your crowdfunding round closed early; ... could you say
            # how"), but not a self-introduction that merely precedes the cue.
            # A detail of theirs anywhere in the sentence ties it to them ("Alex Chen suggested
            # I connect"); plain words count only from the cue or from where it turns to them.
            anchor = _YOU.search(text, start, m.end())
            if score_of.reaches(threshold, anchor.start() if anchor else m.start(), end, start):
                return Reason(m.group().strip(), (m.start(), end))
    if (
        questions
        and is_question(text, start, end)
        and not _is_salad(text, start, end)
        and not _PLEASANTRY.match(text, start)
    ):
        # A question put to them is a purpose in itself ("how did you get the permit queue
        # moving?"), when it asks about something concrete.
        if score_of.reaches(threshold, start, end):
            return Reason("?", (start, end))
    return _job_reason(text, start, end, jobs)


# Questions that are small talk, not a purpose: "how was Web Summit?", "how are things at X?"
_PLEASANTRY = re.compile(
    r"[\W_]*(?:so |and )?(?:how(?:'s|’s| (?:was|were|are|is|'s|’s|have you been|did (?:\w+ ){1,4}go))|"
    r"did you (?:enjoy|have a (?:good|great|nice|lovely))|are you (?:well|ok|okay|keeping)|"
    r"hope (?:you|all|things|your)|how's it going|what's new)\b(?=(?:[^?\s]*\s){0,7}[^?\s]*\?)"
)


def is_question(text: str, start: int, end: int) -> bool:
    """A sentence that asks something: it ends in a question mark ("You use an ultrasound
    detector?", "got 10 min for two questions about tariffs?"); whether it asks about anything
    concrete is the caller's test."""
    return text[end - 1 : end] == "?"


# Questions that offer rather than ask: said to anyone, they say nothing about this person.
OFFER_QUESTION = re.compile(
    r"\b(?:would|do|are|did|will) you (?:like|want|need|be interested|be open|interested|open|looking|"
    r"fancy|wish)\b|\binterested in\b|\bwant to (?:grow|boost|increase|double|triple|cut|save|earn)\b"
)


# Cues of a job offer. They count as a reason only where the fragment names the job itself (its
# title or the title's head noun): "an exciting opportunity at a leading company" names nothing.
JOB_CUES = re.compile(
    r"\b(?:hiring|recruiting|headhunting|hire|recruit|chasing|scouting for|hunting for|on the hunt for|"
    r"on the lookout for)\b"
    r"|\b(?:role|position|opening|vacancy|vacancies|job|post|opportunity|opportunities)\b"
    r"|\b(?:need|needs|needed|seeking|seeks|looking for|searching for|want|wants|require|requires)"
    r" (?:a|an|someone|people|two|three|several|new|\d+)\b"
    r"|\b(?:match|fit|candidate) for\b"
    r"|\b(?:busco|buscamos|contratando|vacante|puesto|vaga|poste|recrutons|recrutamos|recrute|recrutement|"
    r"embauche|embauchons)\b"
)


def _job_reason(text: str, start: int, end: int, jobs: list[tuple[int, int]]) -> Reason | None:
    named = [s for s, e in jobs if start <= s < end]
    if not named:
        return None
    m = JOB_CUES.search(text, start, end)
    if not m:
        return None
    return Reason(m.group(), (min(m.start(), named[0]), end))


_YOU = re.compile(r"\b(?:you|your|yours|you're|you’re|you've|you’ve)\b")

_LIST_SEPARATORS = re.compile(r"\s*[|•·]\s*")
_LIST_SEPARATOR = re.compile(r"[|•·]")


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence split at list separators, so a keyword list never reads as one claim."""
    if not _LIST_SEPARATOR.search(text, start, end):  # what _LIST_SEPARATORS needs
        return [(start, end)] if end > start else []
    out = []
    pos = start
    for m in _LIST_SEPARATORS.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return [(s, e) for s, e in out if e > s]


# ---------------------------------------------------------------- 5. shared history and replies

# A past the sender and recipient share: itself the specific context a note can refer to.
SHARED_HISTORY = re.compile(
    r"\b(?:we|you and i|you and me) (?:both |all )?(?:worked|studied|met|served|trained|spent|built|ran|played|"
    r"volunteered|shared|sat|co-?wrote|co-?authored|collaborated|taught|overlapped|were (?:classmates|"
    r"colleagues|teammates|neighbours|neighbors|both|on|in|at))\b"
    r"|\b(?:our|the) (?:chat|talk|conversation|meeting|call|coffee) (?:at|during|after|in|about|on)\b"
    r"|\b(?:former|old) (?:colleague|classmate|teammate|flatmate|boss|manager)s?\b"
)


def is_evasive(text: str) -> bool:
    return bool(_EVASIVE.search(text))


QUESTION_WHY = re.compile(
    "|".join(
        [
            r"\bwhy\b[^.?!]{0,50}\b(?:connect|reach|reached|add|added|request|invite|invitation|contact|"
            r"message|get in touch|link|me|us)",
            r"\bwhy (?:the|this) (?:request|invite|invitation|connection|note|message)\b",
            r"\bwhat(?:'s|’s| is| was)? (?:this|it|that) (?:about|regarding|for|re|in connection with)\b",
            r"\bwhat (?:made|makes|prompted|brings|brought|led|drew|draws) you\b",
            r"\bwhat(?:'s|’s| is) (?:the|this|your) (?:connection|request|invite|invitation|message|note)\b[^?]{0,20}"
            r"\b(?:about|for|regarding)\b|\b(?:the )?purpose of (?:connecting|this|the|your)\b|\bwhat prompted\b|\bcan i ask (?:why|what|how)\b|\b(?:something|anything) (?:specific|particular) you\b",
            r"\bwhat (?:did|do) you want to (?:discuss|talk|ask|chat)\b|\bwhat(?:'s|’s| is) (?:the|this) (?:context|purpose)\b",
            r"\bhow (?:do|did|would) (?:we|you) (?:know|find|come across|get|meet|met)\b",
            r"\bhave we (?:met|spoken|worked|been introduced|talked|crossed paths)\b",
            r"\bdo (?:we|i) know (?:each other|you)\b",
            r"\bdid we (?:meet|work|speak|talk)\b",
            r"\bremind me (?:how|where|why|what)\b",
            r"\bwhere (?:do|did) (?:we|i) (?:know|meet|met)\b",
            r"\bwhat can i (?:do|help) (?:for|with) you\b|\bwhat can i help (?:you )?with\b",
            # other ways of asking what it is about
            r"\bdo you need (?:something|anything)\b|\bis (?:this|it) (?:for|about|regarding)\b[^?]{0,60}\?"
            r"|\bwhy do you ask\b|\bwhy (?:do |would )?you (?:need|want)\b|\bwho gave you my\b"
            r"|\bwhich (?:company|organi[sz]ation|firm) (?:are )?you (?:are )?with\b|\bwhat(?:'s|’s| is) prompting\b"
            r"|\bwhat (?:exactly )?would (?:the|this|it) (?:\w+ )?be for\b"
            r"|\bhow did you get my\b|\b(?:may|can|could) i (?:know|ask) (?:the |your )?(?:purpose|reason)\b"
            r"|\bremind me\b[^?]{0,20}\b(?:how|where|why|what|which|who)\b",
            # Asking what it is about, in other words: "what's on your mind?", "what's the project?"
            r"\bwhat(?:'s|’s| is| was) on your mind\b|\btell me more\b|\bwhat (?:is|was) it (?:about|regarding)\b",
            r"\bwhat (?:is it |exactly )?(?:do )?you (?:need|want|are after)\b|\bwhat is it you\b",
            r"\bde que se trata\b|\bde quoi s'agit|\bworum geht\b|\bdi cosa si tratta\b",
            r"\bnos conocemos\b|\bnos conhecemos\b|\bon se conna[iî]t\b|\bci conosciamo\b|\bkennen wir uns\b",
            # "what is it about?" and "how can I help?" in French, Portuguese and Spanish (folded)
            r"\ba quel sujet\b|\bquel est le sujet\b|\bdo que se trata\b|\bqual (?:e )?o motivo\b"
            r"|\bcual es el motivo\b|\bem que posso ajudar\b|\ben que (?:te |le )?puedo ayudar\b"
            r"|\bcomment puis-je (?:vous|t')aider\b|\bpara que\?|\bquien (?:le|te|les) dio mi\b",
            r"\bwhat(?:'s|’s| is| was) the (?:project|idea|plan|ask|story|opportunity|role|job|deal|topic|"
            r"question|proposal|offer)\b",
            r"\bhow can i help\b",
            r"\bwhat(?:'s|’s| is) the (?:reason|context|occasion)\b",
            r"\bcurious (?:how|why|what)\b",
            r"\bwhat (?:would|do|did) you (?:like|want|have in mind|need|wish)\b",
            r"\bwhat (?:exactly |precisely )?are you (?:looking for|after|hoping)\b",
            r"\bto what do i owe\b",
            r"\bwhy me\b",
            r"\bwhat(?:'s|’s| is) (?:up|this)\??$",
            r"\bany particular reason\b",
            r"\bhow do you know (?:me|of me|my)\b",
            r"\bwhat brings you\b",
            r"\bwhere did you (?:find|hear|get)\b",
            r"\bwho (?:are|r) (?:you|u)\b|\bwho is this\b",
            r"\bpourquoi\b|\bpor ?qu[eé]\b|\bwarum\b|\bperch[eé]\b|\bwaarom\b|\bvarf[oö]r\b|\bhvorfor\b",
        ]
    )
)


def asks_why(folded: str) -> bool:
    return bool(QUESTION_WHY.search(folded))
