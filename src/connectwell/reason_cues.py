"""The cues that introduce a reason, as one declared table: each Cue says what kind of reason
it signals (Kind), the regex over the folded note, and a phrase it matches. CUES, the engine's
one combined pattern, and the purposes among them are derived from the table. reasons.py
decides with them whether a sentence gives a reason.

It is long because it is one table of some seventy entries, in the order that decides which cue
wins; split, it would hide that order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

# ---------------------------------------------------------------- 1. cues


class Kind(Enum):
    """What kind of reason a cue signals."""

    CAUSE = "why the sender writes: because, since, that's why, writing about"
    PURPOSE = "what the sender would do with them: to ask, I'd love to compare"
    REQUEST = "something asked of them: could you, would you be open, kindly advise"
    NEED = "what the sender needs or looks for: need advice, looking for, could use a hand"
    OFFER = "something offered to them: I can share, we could cover"
    PROJECT = "what the sender is doing that concerns them: I'm building, we're raising"
    FIT = "why them in particular: a strong fit, fits our vacancies, exactly what we need"
    SHARED_PROBLEM = "a trouble both have: the same issue, our pumps also fail"
    THEIR_WORK = "something they said or did that bears on the sender: you mentioned, helped us"
    SHARED_PAST = "a past both share: we both worked, let's catch up"
    MEETING = "meeting or speaking with them: met you at, after our chat"
    REFERRAL = "someone who links them: X suggested I ask, a mutual friend"
    PROMPT = "what prompted the note (their article, meeting them): a reason only beside a purpose"


@dataclass(frozen=True)
class Cue:
    """One way a note introduces a reason: a regex over the folded note."""

    kind: Kind
    # Starts with \b and then a lower-case letter: CUES tells the engine so up front, which
    # spares it trying every alternative at the end of each word (tests/test_speedups.py).
    pattern: str
    example: str  # a folded phrase it matches (tests/test_linter_tables.py holds it to that)

    @property
    def is_purpose(self) -> bool:
        """Whether the cue says what the note is for, not only what prompted it."""
        return self.kind is not Kind.PROMPT


_ARTIFACT = (
    r"(?:article|post|piece|talk|session|paper|blog|book|podcast|presentation|keynote|thread|"
    r"newsletter|write-?up|report|research|study|panel|webinar|workshop|video|interview|comment|"
    r"guide|case study|thesis|tutorial|column|essay|op-ed|story|feature|series|lecture|demo|poster|"
    r"course|class|masterclass|training)s?"
)
_ACTION = (
    r"(?:ask|learn|hear|compare|discuss|share|swap|exchange|pick|invite|offer|introduce|"
    r"collaborate|partner|explore|understand|interview|feature|hire|recruit|show|speak|find out|"
    r"borrow|trade|tap|seek|request|get your|get a|bounce|run|walk|present|propose|pitch|team up|"
    r"work with|work together|join forces|support|help|feature|quote|cite|include|sponsor|"
    r"reconnect|catch up|follow up|stay in touch|keep in touch|see|visit|review|talk about|chat about)"
)
# Every cue, in the order CUES tries them: where two match at the same place the earlier one
# wins, and the words it matched are the Reason's cue, so the order is part of the behaviour.
CUE_TABLE: tuple[Cue, ...] = (
    Cue(
        Kind.CAUSE,
        r"\b(?:because|cos|coz|so that|given (?:your|that|how|what)|due to|in light of|thanks to)\b",
        "because your article fixed our lag",
    ),
    # "since" as "because", not as "since 2019" or "it's been ages since"
    Cue(
        Kind.CAUSE,
        r"\bsince\b(?<!ages since)(?<!years since)(?<!long since)(?<!months since)(?<!weeks since)"
        r"(?<!while since)(?<!time since)"
        r"(?! (?:\d|last|then|early|childhood|a (?:kid|child)|university|school|college|[a-z]+ (?:years?|months?|weeks?)\b))"
        # "since your Naver days", "since our first year": a time, not a cause
        r"(?! (?:your|my|our|his|her|the) (?:[\w'’-]+ ){0,2}?(?:days|time|years|start|beginning|launch|early|"
        r"first|graduation|student|school|university|college)\b)",
        "since you run the harbour depot",
    ),
    Cue(
        Kind.CAUSE,
        r"\bas (?=(?:you|your|we|our|i|i'm|i’m)\b)",
        "as you run the harbour depot",
    ),
    Cue(
        Kind.CAUSE,
        r"\b(?:so|which is why|that's why|that’s why) (?=(?:you|you're|you’re|i|i'd|i’d|we|we'd|we’d)\b)",
        "that's why i'd like to ask",
    ),
    Cue(
        Kind.NEED,
        r"\b(?:need|needs|needed|want|wants|wanted) (?:to (?!connect|add|link|network|grow|expand)\w+|advice|help|"
        r"input|your|some|a|an|someone)\b",
        "we need advice on tender delays",
    ),
    Cue(
        Kind.PURPOSE,
        r"\b(?:i'?d|i’d|i would|we'?d|we’d|we would|would) (?:really |so |very much |genuinely )?(?:love|like|"
        r"be keen|be glad|be happy|be delighted|be grateful|welcome the chance) to (?!connect\b|add\b|link\b|"
        r"network\b|join (?:your|my) network|be connected|grow\b|expand\b|learn more\b|know more\b|hear more\b|"
        r"get to know\b|follow\b)\w+",
        "i'd love to compare notes on heat pumps",
    ),
    # A shared problem: "we face the same tender delays", "same issue at our depot", "mirrors our numbers".
    Cue(
        Kind.SHARED_PROBLEM,
        r"\b(?:same|similar) (?:[\w'’-]+ ){0,3}?(?:problem|issue|challenge|pain|struggle|question|crunch|"
        r"backlog|bottleneck|gap|headache|delay|shortage|situation|boat|trouble|fight)s?\b",
        "the same issue at our depot",
    ),
    Cue(
        Kind.SHARED_PROBLEM,
        r"\bsame (?:here|thing)\b",
        "same here",
    ),
    # The same trouble said with "also" or "too": "our QRIS settlements also break at midnight".
    Cue(
        Kind.SHARED_PROBLEM,
        r"\b(?:our|my|we) (?:[\w'’-]+ ){0,4}?(?:also|too) (?:break|breaks|fail|fails|stall|stalls|struggle|"
        r"struggles|hit|hits|lose|loses|suffer|suffers|crash|crashes|lag|lags|leak|leaks|overheat|overheats|"
        r"run into|get stuck|stop|stops)\b",
        "our qris settlements also break at midnight",
    ),
    Cue(
        Kind.SHARED_PROBLEM,
        r"\b(?:our|my) (?:[\w'’-]+ ){0,4}?(?:keeps?|kept) (?:failing|breaking|crashing|stalling|tripping|dying|"
        r"leaking|lagging|overheating|freezing)\b",
        "our chiller keeps failing",
    ),
    Cue(
        Kind.SHARED_PROBLEM,
        r"\b(?:have|has|had|face|faces|faced|facing|see|sees|saw|seeing|hit|hits|hitting|share|shares|"
        r"fight|fighting|got|get|getting|run into|ran into|need|needs|needed|want|wants|wanted|"
        r"doing|do|did|trying|try|tried|testing|test|tested|building|build|planning|plan) "
        r"(?:exactly |just |almost |much )?the same\b",
        "we face exactly the same",
    ),
    # "... is why I'm writing"
    Cue(
        Kind.CAUSE,
        r"\b(?:is|are|was|were) (?:exactly |precisely |partly |really )?why (?:i|i'm|i’m|we|we're|we’re|i am|"
        r"we are)\b",
        "your audit is why i'm writing",
    ),
    Cue(
        Kind.SHARED_PROBLEM,
        r"\b(?:matches|mirrors|echoes|describes|match|mirror|describe) (?:exactly )?(?:what|our|my)\b",
        "your chart mirrors our numbers",
    ),
    Cue(
        Kind.FIT,
        r"\b(?:is|are|was|were) (?:exactly |just |precisely )?what (?:we|our|i|my)\b",
        "your setup is exactly what we run",
    ),
    # Without "to", as many write English: "I want ask the price", "we would like invite you".
    Cue(
        Kind.REQUEST,
        r"\b(?:i|we) (?:want|would like|wish|need|hope|am want|am wanting) (?:ask|know|buy|order|invite|"
        r"offer|discuss|request|get|see|talk|meet|learn|apply|propose|share|hire|send|show|visit)\b",
        "i want ask the price",
    ),
    # An offer: "I can share our charging data", "we'd be happy to send our wear logs".
    Cue(
        Kind.OFFER,
        r"\b(?:i|we) (?:can|could|would be happy to|'d be happy to|’d be happy to|am happy to|are happy to|"
        r"would be glad to|'d be glad to) (?:share|send|offer|introduce|give|show|lend|provide|host|"
        r"sponsor|donate)\b",
        "i can share our charging data",
    ),
    # The same thing they have: "the same sand soiling your site battles".
    Cue(
        Kind.SHARED_PROBLEM,
        r"\bthe same (?:[\w'’-]+ ){1,4}?(?:your|you|as you|as your|as yours|that you)\b",
        "the same sand soiling your site battles",
    ),
    # Something they said: "you mentioned the grant at the panel".
    Cue(
        Kind.THEIR_WORK,
        r"\byou (?:said|mentioned|told|wrote|posted|described|suggested|recommended|asked|promised)\b",
        "you mentioned the grant at the panel",
    ),
    Cue(
        Kind.REQUEST,
        r"\b(?:fancy|keen on|up for|open to|interested in) (?:a |an )?\w+",
        "open to a quick call",
    ),
    Cue(
        Kind.FIT,
        r"\b(?:is|are|was|were|sounds|looks) (?:exactly |precisely |just |really |probably |easily |clearly )?"
        r"(?:the|what|a|an|our|my) (?:[\w'’-]+ ){0,3}?(?:closest|model|path|evidence|kind|example|"
        r"precedent|answer|question|problem|reason|match|template|blueprint|benchmark|go-to|fit|solution|"
        r"approach)\b",
        "your depot is the closest model",
    ),
    Cue(
        Kind.FIT,
        r"\b(?:strong|good|great|perfect|natural|ideal|close|clear) (?:fit|match)\b",
        "a strong fit",
    ),
    Cue(
        Kind.FIT,
        r"\b(?:is|are|would be|you'd be|you’d be|sounds|looks) (?:just )?(?:perfect|ideal|just right|made) for "
        r"(?:it|this|the role|the job|the post|us|our)\b",
        "you'd be perfect for the role",
    ),
    Cue(
        Kind.FIT,
        r"\b(?:is|are) (?:exactly |just |precisely )?what (?:[\w'’-]+ ){0,4}?(?:need|needs|needed|want|wants|"
        r"looking for|lack|lacks|missing|after)\b",
        "is exactly what our team needs",
    ),
    Cue(
        Kind.REQUEST,
        r"\bwho (?:are|r) (?:you|u)\b",
        "who are you",
    ),
    # After meeting or reading them ("after our chat", "following your talk at"), not any
    # "after" ("well deserved after the platform rebuild").
    Cue(
        Kind.MEETING,
        r"\b(?:after|following) (?:our|we|you|meeting|hearing|seeing|reading|chatting|talking|speaking|"
        r"watching|attending)\b",
        "after our chat",
    ),
    Cue(
        Kind.MEETING,
        r"\b(?:after|following) (?:your|the) (?:[\w'’-]+ ){0,3}?(?:talk|panel|session|keynote|webinar|"
        r"presentation|post|article|workshop|conference|event|meetup|call|chat|meeting|lecture|demo|"
        r"course|interview|podcast|visit|tour|intro|introduction|question|comment|message|note|email|"
        r"request|advice)s?\b",
        "following your talk at the summit",
    ),
    Cue(
        Kind.NEED,
        r"\b(?:i'?m|i’m|i am|we'?re|we’re|we are) (?:really |mainly |just )?after (?:advice|input|help|a|an|"
        r"some|your|feedback|tips|guidance|ideas|views|thoughts)\b",
        "i'm after advice on permits",
    ),
    Cue(
        Kind.PROMPT,
        rf"\b(?:read|saw|seen|enjoyed|loved|liked|came across|come across|watched|heard|attended|"
        rf"caught|listened to|found|followed|remember) (?:your|ur|yr|the|you) (?:[\w'’-]+ ){{0,4}}{_ARTIFACT}\b",
        "i read your article on heat pumps",
    ),
    Cue(
        Kind.PROMPT,
        rf"\b(?:your|ur|the) (?:[\w'’-]+ ){{0,5}}?{_ARTIFACT} (?:on|about|regarding|covering|titled|called|at|in)\b",
        "your article on heat pumps",
    ),
    Cue(
        Kind.PROMPT,
        rf"\b(?:your|the) {_ARTIFACT} ['‘\"“]",
        'your talk "scaling kafka"',
    ),
    # Meeting them: "great meeting you at the mixer", "lovely chat about skiing". What prompted the
    # note, and a reason with a purpose beside it; a thank-you alone asks nothing.
    Cue(
        Kind.PROMPT,
        r"\b(?:great|good|nice|lovely|pleasure|fun|brilliant) (?:to )?(?:meet|meeting|chat|chatting|talk|"
        r"talking|speak|speaking|comparing|working|swapping|discussing|sharing)\b",
        "great meeting you last week",
    ),
    # "a fellow Porto pharmacist": what you share, and a reason only with a purpose beside it.
    Cue(
        Kind.PROMPT,
        r"\bfellow\b",
        "a fellow porto pharmacist",
    ),
    Cue(
        Kind.REFERRAL,
        r"\b(?:suggested|recommended|told me|mentioned|introduced|referred|pointed me|put us in touch|"
        r"passed on your|passed me your|gave me your|said you|says you|tells me you|told me you)\b",
        "alex chen suggested i get in touch",
    ),
    Cue(
        Kind.SHARED_PAST,
        r"\b(?:we|you and i|you and me) (?:both |all |each )?(?:know|knew|worked|work|met|meet|spoke|talked|talk|"
        r"chatted|studied|served|built|spent|sat|were|collaborated|shared|ran|played|volunteered|"
        r"went|trained|taught|did|co-?wrote|co-?authored|presented|competed|overlapped|joined)\b",
        "we both worked at acme",
    ),
    Cue(
        Kind.REFERRAL,
        r"\bmutual (?:friend|connection|contact|colleague|acquaintance)\b",
        "a mutual friend",
    ),
    # Meeting them: "met you at", "spoke with you after"; not "she spoke on motor control".
    Cue(
        Kind.MEETING,
        r"\b(?:met|meeting|meet) (?:with )?(?:you )?(?:at|during|in|on|after|over)\b",
        "met you at pydata",
    ),
    Cue(
        Kind.MEETING,
        r"\b(?:speaking|chatting|talking|spoke|chatted|talked) (?:with|to) (?:you|u)\b",
        "speaking with you last week",
    ),
    Cue(
        Kind.MEETING,
        r"\b(?:we|i) (?:spoke|chatted|talked) (?:at|during|in|on|after|over)\b",
        "we spoke at the summit",
    ),
    # seeing *them*, not "great to see Czech engineering on stage"
    Cue(
        Kind.MEETING,
        r"\b(?:great|good|nice|lovely|pleasure|fun|brilliant) (?:to )?(?:see|seeing|catch|catching) (?:you|u)\b",
        "great to see you",
    ),
    # a request without "to": "we'd like two containers", "I'd love your pupils at our open day"
    Cue(
        Kind.REQUEST,
        r"\b(?:i'?d|i’d|we'?d|we’d|i would|we would) (?:really |also |so )?(?:like|love) (?:a|an|some|two|"
        r"three|four|five|\d+|your)\b",
        "we'd like two containers",
    ),
    Cue(
        Kind.PURPOSE,
        rf"\bto (?:\w+ )?(?!see\b){_ACTION}\b",
        "to ask about your permits",
    ),
    # "to see" is a purpose ("I'd love to see your lab"), but not after praise ("great to see
    # Czech engineering on stage").
    Cue(
        Kind.PURPOSE,
        r"\bto(?<!great to)(?<!good to)(?<!nice to)(?<!lovely to)(?<!amazing to)(?<!wonderful to)"
        r"(?<!awesome to)(?<!fantastic to)(?<!inspiring to)(?<!brilliant to) (?:\w+ )?see\b",
        "i'd love to see your lab",
    ),
    Cue(
        Kind.PURPOSE,
        rf"\b(?:connect|reach out|write|get in touch) and (?:\w+ )?{_ACTION}\b",
        "connect and ask about permits",
    ),
    Cue(
        Kind.REQUEST,
        r"\b(?:i'?d|i would|we'?d|we would|i’d|we’d) (?:really |so |very much |genuinely )?"
        r"(?:value|appreciate|welcome|love your|like your|love you|love to have|love for you)\b",
        "i'd value your view",
    ),
    Cue(
        Kind.REQUEST,
        r"\b(?:would|could|can|will|are|might) you (?:be )?(?:open|interested|willing|up for|able|"
        r"available|keen|happy|consider|share|tell|talk|speak|join|help|mind|compare|swap|send|review|"
        r"look|meet|chat|introduce|recommend|advise|mentor|walk|show|explain|point)\b",
        "would you be open to a call",
    ),
    Cue(
        Kind.REQUEST,
        r"\b(?:can|could|shall|may) (?:we|i)\b",
        "could we talk",
    ),
    # A favour asked in other words: "could use a hand with geothermal loops", "could our
    # cooperative visit your farm?", "can two of our rangers come out for a burn?"
    Cue(
        Kind.REQUEST,
        r"\b(?:would|i'd|we'd|i’d|we’d) be (?:very |so |really |most )?(?:grateful|thankful|honou?red|delighted) "
        r"(?:for|if|to (?!be part|join|connect|be connected|be in|add)\w+)",
        "i'd be grateful for a tip",
    ),
    Cue(
        Kind.REQUEST,
        r"\b(?:kindly|please|pls) (?:guide|help|advise|mentor|share|suggest|consider|let me know)\b",
        "kindly advise",
    ),
    Cue(
        Kind.REQUEST,
        r"\b(?:volevo|vorrei|posso) (?:chiederti|chiederle|chiedere|sapere)\b",
        "volevo chiederti",
    ),
    Cue(
        Kind.REQUEST,
        r"\b(?:wondered|wondering|wonder) (?:if|whether)\b",
        "i wondered if you",
    ),
    # An offer or a promise kept: "as promised, I'll send over the checklist", "we'd lend one free"
    Cue(
        Kind.OFFER,
        r"\b(?:i'll|i’ll|i will|we'll|we’ll|we will|i'd|i’d|we'd|we’d) (?:gladly |happily )?(?:send|share|bring|"
        r"introduce|forward|pass on|email|lend|offer|give|provide|host|sponsor|donate)\b|\bas promised\b",
        "as promised, i'll send the checklist",
    ),
    # Raising money, said to an investor: "we're raising a €900k pre-seed"
    Cue(
        Kind.PROJECT,
        r"\b(?:are|am|is|we're|we’re|i'm|i’m) (?:currently |now )?raising\b",
        "we're raising a pre-seed",
    ),
    # Non-native present tense: "we are search a senior android engineer"
    Cue(
        Kind.NEED,
        r"\b(?:we|i) (?:are |am )?(?:search|seek)\b|\b(?:we|i) (?:are|am) (?:look|find|hire|need|want|write|contact)\b",
        "we are search a senior android engineer",
    ),
    # A service put in terms of companies like theirs: "we help ferry operators like Meltemi"
    Cue(
        Kind.OFFER,
        r"\bhelps? (?:[\w'’-]+ ){1,3}like\b",
        "we help ferry operators like meltemi",
    ),
    Cue(
        Kind.FIT,
        r"\bfits? (?:well|perfectly|nicely|closely|the bill|the brief)\b",
        "fits the bill",
    ),
    # An offer of a service to them: "we service Carrier units and could cover your port calls".
    Cue(
        Kind.OFFER,
        r"\b(?:we|i|and) (?:can|could) (?:also )?(?:cover|handle|supply|service|support|take on|fix|train|"
        r"maintain|repair|install|deliver|translate|host)\b",
        "we could cover your port calls",
    ),
    Cue(
        Kind.NEED,
        r"\b(?:could|can) (?:really |definitely )?use (?:a hand|some help|help|your|some advice|advice|a tip|"
        r"tips|some input|input|a second opinion)\b",
        "could use a hand with geothermal loops",
    ),
    Cue(
        Kind.REQUEST,
        r"\b(?:can|could|may|might) (?:our|my|two of our|one of our|some of our|a few of our) (?:[\w'’-]+ ){0,4}?"
        r"(?:visit|come|join|see|talk|meet|send|ask|borrow|use|reuse|get|have|learn|shadow|try|tour|call|"
        r"sit in|stock|buy|order|license|licence|adopt|feature|bring)\b",
        "could our cooperative visit your farm",
    ),
    Cue(
        Kind.NEED,
        r"\b(?:looking|hoping|searching|asking) for (?:advice|input|a|an|someone|help|your|feedback|"
        r"tips|guidance|views|thoughts|perspective|partners?|volunteers?|speakers?|mentors?)\b",
        "looking for advice",
    ),
    Cue(
        Kind.PROJECT,
        r"\b(?:i'?m|i am|i’m|we'?re|we are|we’re) (?:currently |now |also |just )?(?!doing\b|going\b|"
        r"feeling\b|getting\b|having\b|looking forward\b|connecting\b|networking\b|expanding\b|growing\b|"
        r"working\b|living\b|hardworking\b|willing\b|loving\b|outgoing\b|caring\b|interesting\b|writing\b)"
        r"[a-z]+(?:-[a-z]+)*ing\b",
        "we're digitising our archive",
    ),
    Cue(
        Kind.PROJECT,
        r"\b(?:i'?m|i am|i’m|we'?re|we are|we’re) (?:currently |now |also )?(?:setting up|building|"
        r"working on|researching|writing|planning|launching|organi[sz]ing|putting together|"
        r"developing|starting|preparing|designing|hiring|recruiting|looking|trying|rolling out|"
        r"creating|opening|expanding|moving|bringing|raising|running|facing|struggling|stuck|"
        r"evaluating|choosing|deciding|considering|about to|reaching out|writing to|contacting|"
        r"organising|curating|compiling|producing|editing|reviewing|scoping|pitching|restoring|"
        r"converting|redesigning|rebuilding|migrating|replacing|weighing|exploring)\b",
        "i'm building a heat pump map",
    ),
    Cue(
        Kind.CAUSE,
        r"\b(?:reach(?:ing)? out|writing|get(?:ting)? in touch|contact(?:ing)? you|message you|"
        r"messaging you) (?:to you )?(?:about|regarding|re|concerning|on|because|as|since|after)\b",
        "reaching out about your permit work",
    ),
    Cue(
        Kind.SHARED_PAST,
        r"\b(?:reconnect|catch up|stay in touch|keep in touch|follow up|follow-up)\b",
        "catch up",
    ),
    Cue(
        Kind.SHARED_PROBLEM,
        r"\b(?:is|are|was|were) (?:exactly |just )?(?:the|what|why|how) (?:[\w'’-]+ ){0,4}"
        r"(?:question|problem|issue|challenge|thing|answer|precedent|reason|example|approach)\w*\b",
        "that is exactly the problem we have",
    ),
    # What their work did for the sender ("your audit tool halved our backlog"); the same verb
    # about their own results is an observation ("the falls rate halved on your watch").
    Cue(
        Kind.THEIR_WORK,
        r"\b(?:answers|answered|solves|solved|helped|helps|changed|shaped|inspired|convinced|"
        r"saved|unblocked|informed|fixed|rescued|transformed|improved|reshaped|cut|halved|doubled)\b"
        r"(?=[^.!?\n]{0,50}\b(?:our|us|my|me|we|i|i'm|we're)\b)",
        "your audit tool halved our backlog",
    ),
    # Their X fits our Y: "your ICU nursing fits our critical care vacancies".
    Cue(
        Kind.FIT,
        r"\b(?:fits|matches|suits) (?:our|my|what we|exactly what we)\b",
        "your icu nursing fits our critical care vacancies",
    ),
    # A fit or a help put the other way round: "an opening that matches your PV commissioning
    # background", "your experience at Red Star Express would really help us".
    Cue(
        Kind.FIT,
        r"\b(?:fits|matches|match|suits) (?:exactly |perfectly |closely )?(?:your|you)\b",
        "an opening that matches your background",
    ),
    # Notes written in Spanish, Portuguese or French (folded: no accents): "le escribo para
    # invitarla", "busco un ingeniero", "¿podríamos hablar?", "gostaria de", "je voudrais".
    Cue(
        Kind.REQUEST,
        r"\b(?:le|te|les|lhe|vos) escrib\w*|\bvous ecris\b|\bje vous contacte\b"
        r"|\b(?:busco|buscamos|estamos buscando|procuro|procuramos|estamos procurando|je cherche|nous cherchons)\b"
        r"|\b(?:necesitamos|necesito|precisamos|preciso|nous avons besoin|j'ai besoin)\b"
        r"|\b(?:me gustaria|nos gustaria|quisiera|quisieramos|gostaria|gostariamos|je voudrais|nous voudrions|"
        r"j'aimerais|vorrei)\b"
        r"|\b(?:podriamos|podria|podemos|puedo|poderiamos|poderia|pourriez|pourrions|pourrais|potremmo|potrebbe)\b"
        r"|\binvit(?:arla|arlo|arte|arle|arlos|arlas|a-la|a-lo|er|amos|o)\b|\bconvid(?:a|o|ar)\w*",
        "le escribo para invitarla",
    ),
    Cue(
        Kind.FIT,
        r"\b(?:would|could|will|can|might) (?:really |greatly |hugely |so )?help (?:us|me|our|my)\b",
        "your experience would really help us",
    ),
    Cue(
        Kind.CAUSE,
        r"\babout (?=(?:your|the|our|how|what|why|whether)\b)",
        "about your permit work",
    ),
)
# One pattern for all the cues, and one for the purposes alone (every cue but the prompts).
CUES = re.compile(r"\b(?=[a-z])(?:" + "|".join(cue.pattern for cue in CUE_TABLE) + ")")
PURPOSE_CUES = re.compile(
    r"\b(?=[a-z])(?:" + "|".join(cue.pattern for cue in CUE_TABLE if cue.is_purpose) + ")"
)
