"""Finding the reason a note gives for connecting.

A reason is a cue that introduces one ("because", "after our chat at", "I'm hiring",
"suggested I get in touch about", "I'd love to compare") followed, in the same sentence, by
something concrete: a detail of the recipient, or at least two words that are not filler.
"Let's connect", "I'd like to add you to my network" and "I'd love to learn more about your
work" have a cue's shape but nothing concrete behind it, so they are no reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain

from connectwell.mentions import STOPWORDS
from connectwell.text import WORD, sentence_spans

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
# A piece of their work that prompted the note ("I read your article on heat pumps"): what
# prompted it, and so the start of a reason, but no reason alone ("... Fascinating stuff,
# congratulations!"); find_reasons wants a purpose somewhere in the note as well.
_REFERENCE_PATTERNS = (
    rf"\b(?:read|saw|seen|enjoyed|loved|liked|came across|come across|watched|heard|attended|"
    rf"caught|listened to|found|followed|remember) (?:your|ur|yr|the|you) (?:[\w'’-]+ ){{0,4}}{_ARTIFACT}\b",
    rf"\b(?:your|ur|the) (?:[\w'’-]+ ){{0,5}}?{_ARTIFACT} (?:on|about|regarding|covering|titled|called|at|in)\b",
    rf"\b(?:your|the) {_ARTIFACT} ['‘\"“]",
    # Meeting them: "great meeting you at the mixer", "lovely chat about skiing". What prompted the
    # note, and a reason with a purpose beside it; a thank-you alone asks nothing.
    r"\b(?:great|good|nice|lovely|pleasure|fun|brilliant) (?:to )?(?:meet|meeting|chat|chatting|talk|"
    r"talking|speak|speaking|comparing|working|swapping|discussing|sharing)\b",
    # "a fellow Porto pharmacist": what you share, and a reason only with a purpose beside it.
    r"\bfellow\b",
)
# Each cue starts where a word starts, with a lower-case letter (the note is folded).
_CUE_PATTERNS = (
    r"\b(?:because|cos|coz|so that|given (?:your|that|how|what)|due to|in light of|thanks to)\b",
    # "since" as "because", not as "since 2019" or "it's been ages since"
    r"\bsince\b(?<!ages since)(?<!years since)(?<!long since)(?<!months since)(?<!weeks since)"
    r"(?<!while since)(?<!time since)"
    r"(?! (?:\d|last|then|early|childhood|a (?:kid|child)|university|school|college|[a-z]+ (?:years?|months?|weeks?)\b))"
    # "since your Naver days", "since our first year": a time, not a cause
    r"(?! (?:your|my|our|his|her|the) (?:[\w'’-]+ ){0,2}?(?:days|time|years|start|beginning|launch|early|"
    r"first|graduation|student|school|university|college)\b)",
    r"\bas (?=(?:you|your|we|our|i|i'm|i’m)\b)",
    r"\b(?:so|which is why|that's why|that’s why) (?=(?:you|you're|you’re|i|i'd|i’d|we|we'd|we’d)\b)",
    r"\b(?:need|needs|needed|want|wants|wanted) (?:to (?!connect|add|link|network|grow|expand)\w+|advice|help|"
    r"input|your|some|a|an|someone)\b",
    r"\b(?:i'?d|i’d|i would|we'?d|we’d|we would|would) (?:really |so |very much |genuinely )?(?:love|like|"
    r"be keen|be glad|be happy|be delighted|be grateful|welcome the chance) to (?!connect\b|add\b|link\b|"
    r"network\b|join (?:your|my) network|be connected|grow\b|expand\b|learn more\b|know more\b|hear more\b|"
    r"get to know\b|follow\b)\w+",
    # A shared problem: "we face the same tender delays", "same issue at our depot", "mirrors our numbers".
    r"\b(?:same|similar) (?:[\w'’-]+ ){0,3}?(?:problem|issue|challenge|pain|struggle|question|crunch|"
    r"backlog|bottleneck|gap|headache|delay|shortage|situation|boat|trouble|fight)s?\b",
    r"\bsame (?:here|thing)\b",
    # The same trouble said with "also" or "too": "our QRIS settlements also break at midnight".
    r"\b(?:our|my|we) (?:[\w'’-]+ ){0,4}?(?:also|too) (?:break|breaks|fail|fails|stall|stalls|struggle|"
    r"struggles|hit|hits|lose|loses|suffer|suffers|crash|crashes|lag|lags|leak|leaks|overheat|overheats|"
    r"run into|get stuck|stop|stops)\b",
    r"\b(?:our|my) (?:[\w'’-]+ ){0,4}?(?:keeps?|kept) (?:failing|breaking|crashing|stalling|tripping|dying|"
    r"leaking|lagging|overheating|freezing)\b",
    r"\b(?:have|has|had|face|faces|faced|facing|see|sees|saw|seeing|hit|hits|hitting|share|shares|"
    r"fight|fighting|got|get|getting|run into|ran into|need|needs|needed|want|wants|wanted|"
    r"doing|do|did|trying|try|tried|testing|test|tested|building|build|planning|plan) "
    r"(?:exactly |just |almost |much )?the same\b",
    # "... is why I'm writing"
    r"\b(?:is|are|was|were) (?:exactly |precisely |partly |really )?why (?:i|i'm|i’m|we|we're|we’re|i am|"
    r"we are)\b",
    r"\b(?:matches|mirrors|echoes|describes|match|mirror|describe) (?:exactly )?(?:what|our|my)\b",
    r"\b(?:is|are|was|were) (?:exactly |just |precisely )?what (?:we|our|i|my)\b",
    # Without "to", as many write English: "I want ask the price", "we would like invite you".
    r"\b(?:i|we) (?:want|would like|wish|need|hope|am want|am wanting) (?:ask|know|buy|order|invite|"
    r"offer|discuss|request|get|see|talk|meet|learn|apply|propose|share|hire|send|show|visit)\b",
    # An offer: "I can share our charging data", "we'd be happy to send our wear logs".
    r"\b(?:i|we) (?:can|could|would be happy to|'d be happy to|’d be happy to|am happy to|are happy to|"
    r"would be glad to|'d be glad to) (?:share|send|offer|introduce|give|show|lend|provide|host|"
    r"sponsor|donate)\b",
    # The same thing they have: "the same sand soiling your site battles".
    r"\bthe same (?:[\w'’-]+ ){1,4}?(?:your|you|as you|as your|as yours|that you)\b",
    # Something they said: "you mentioned the grant at the panel".
    r"\byou (?:said|mentioned|told|wrote|posted|described|suggested|recommended|asked|promised)\b",
    r"\b(?:fancy|keen on|up for|open to|interested in) (?:a |an )?\w+",
    r"\b(?:is|are|was|were|sounds|looks) (?:exactly |precisely |just |really |probably |easily |clearly )?"
    r"(?:the|what|a|an|our|my) (?:[\w'’-]+ ){0,3}?(?:closest|model|path|evidence|kind|example|"
    r"precedent|answer|question|problem|reason|match|template|blueprint|benchmark|go-to|fit|solution|"
    r"approach)\b",
    r"\b(?:strong|good|great|perfect|natural|ideal|close|clear) (?:fit|match)\b",
    r"\b(?:is|are|would be|you'd be|you’d be|sounds|looks) (?:just )?(?:perfect|ideal|just right|made) for "
    r"(?:it|this|the role|the job|the post|us|our)\b",
    r"\b(?:is|are) (?:exactly |just |precisely )?what (?:[\w'’-]+ ){0,4}?(?:need|needs|needed|want|wants|"
    r"looking for|lack|lacks|missing|after)\b",
    r"\bwho (?:are|r) (?:you|u)\b",
    # After meeting or reading them ("after our chat", "following your talk at"), not any
    # "after" ("well deserved after the platform rebuild").
    r"\b(?:after|following) (?:our|we|you|meeting|hearing|seeing|reading|chatting|talking|speaking|"
    r"watching|attending)\b",
    r"\b(?:after|following) (?:your|the) (?:[\w'’-]+ ){0,3}?(?:talk|panel|session|keynote|webinar|"
    r"presentation|post|article|workshop|conference|event|meetup|call|chat|meeting|lecture|demo|"
    r"course|interview|podcast|visit|tour|intro|introduction|question|comment|message|note|email|"
    r"request|advice)s?\b",
    r"\b(?:i'?m|i’m|i am|we'?re|we’re|we are) (?:really |mainly |just )?after (?:advice|input|help|a|an|"
    r"some|your|feedback|tips|guidance|ideas|views|thoughts)\b",
    *_REFERENCE_PATTERNS,
    r"\b(?:suggested|recommended|told me|mentioned|introduced|referred|pointed me|put us in touch|"
    r"passed on your|passed me your|gave me your|said you|says you|tells me you|told me you)\b",
    r"\b(?:we|you and i|you and me) (?:both |all |each )?(?:know|knew|worked|work|met|meet|spoke|talked|talk|"
    r"chatted|studied|served|built|spent|sat|were|collaborated|shared|ran|played|volunteered|"
    r"went|trained|taught|did|co-?wrote|co-?authored|presented|competed|overlapped|joined)\b",
    r"\bmutual (?:friend|connection|contact|colleague|acquaintance)\b",
    # Meeting them: "met you at", "spoke with you after"; not "she spoke on motor control".
    r"\b(?:met|meeting|meet) (?:with )?(?:you )?(?:at|during|in|on|after|over)\b",
    r"\b(?:speaking|chatting|talking|spoke|chatted|talked) (?:with|to) (?:you|u)\b",
    r"\b(?:we|i) (?:spoke|chatted|talked) (?:at|during|in|on|after|over)\b",
    # seeing *them*, not "great to see Czech engineering on stage"
    r"\b(?:great|good|nice|lovely|pleasure|fun|brilliant) (?:to )?(?:see|seeing|catch|catching) (?:you|u)\b",
    # a request without "to": "we'd like two containers", "I'd love your pupils at our open day"
    r"\b(?:i'?d|i’d|we'?d|we’d|i would|we would) (?:really |also |so )?(?:like|love) (?:a|an|some|two|"
    r"three|four|five|\d+|your)\b",
    rf"\bto (?:\w+ )?(?!see\b){_ACTION}\b",
    # "to see" is a purpose ("I'd love to see your lab"), but not after praise ("great to see
    # Czech engineering on stage").
    r"\bto(?<!great to)(?<!good to)(?<!nice to)(?<!lovely to)(?<!amazing to)(?<!wonderful to)"
    r"(?<!awesome to)(?<!fantastic to)(?<!inspiring to)(?<!brilliant to) (?:\w+ )?see\b",
    rf"\b(?:connect|reach out|write|get in touch) and (?:\w+ )?{_ACTION}\b",
    r"\b(?:i'?d|i would|we'?d|we would|i’d|we’d) (?:really |so |very much |genuinely )?"
    r"(?:value|appreciate|welcome|love your|like your|love you|love to have|love for you)\b",
    r"\b(?:would|could|can|will|are|might) you (?:be )?(?:open|interested|willing|up for|able|"
    r"available|keen|happy|consider|share|tell|talk|speak|join|help|mind|compare|swap|send|review|"
    r"look|meet|chat|introduce|recommend|advise|mentor|walk|show|explain|point)\b",
    r"\b(?:can|could|shall|may) (?:we|i)\b",
    # A favour asked in other words: "could use a hand with geothermal loops", "could our
    # cooperative visit your farm?", "can two of our rangers come out for a burn?"
    r"\b(?:would|i'd|we'd|i’d|we’d) be (?:very |so |really |most )?(?:grateful|thankful|honou?red|delighted) "
    r"(?:for|if|to (?!be part|join|connect|be connected|be in|add)\w+)",
    r"\b(?:kindly|please|pls) (?:guide|help|advise|mentor|share|suggest|consider|let me know)\b",
    r"\b(?:volevo|vorrei|posso) (?:chiederti|chiederle|chiedere|sapere)\b",
    r"\b(?:wondered|wondering|wonder) (?:if|whether)\b",
    # An offer or a promise kept: "as promised, I'll send over the checklist", "we'd lend one free"
    r"\b(?:i'll|i’ll|i will|we'll|we’ll|we will|i'd|i’d|we'd|we’d) (?:gladly |happily )?(?:send|share|bring|"
    r"introduce|forward|pass on|email|lend|offer|give|provide|host|sponsor|donate)\b|\bas promised\b",
    # Raising money, said to an investor: "we're raising a €900k pre-seed"
    r"\b(?:are|am|is|we're|we’re|i'm|i’m) (?:currently |now )?raising\b",
    # Non-native present tense: "we are search a senior android engineer"
    r"\b(?:we|i) (?:are |am )?(?:search|seek)\b|\b(?:we|i) (?:are|am) (?:look|find|hire|need|want|write|contact)\b",
    # A service put in terms of companies like theirs: "we help ferry operators like Meltemi"
    r"\bhelps? (?:[\w'’-]+ ){1,3}like\b",
    r"\bfits? (?:well|perfectly|nicely|closely|the bill|the brief)\b",
    # An offer of a service to them: "we service Carrier units and could cover your port calls".
    r"\b(?:we|i|and) (?:can|could) (?:also )?(?:cover|handle|supply|service|support|take on|fix|train|"
    r"maintain|repair|install|deliver|translate|host)\b",
    r"\b(?:could|can) (?:really |definitely )?use (?:a hand|some help|help|your|some advice|advice|a tip|"
    r"tips|some input|input|a second opinion)\b",
    r"\b(?:can|could|may|might) (?:our|my|two of our|one of our|some of our|a few of our) (?:[\w'’-]+ ){0,4}?"
    r"(?:visit|come|join|see|talk|meet|send|ask|borrow|use|reuse|get|have|learn|shadow|try|tour|call|"
    r"sit in|stock|buy|order|license|licence|adopt|feature|bring)\b",
    r"\b(?:looking|hoping|searching|asking) for (?:advice|input|a|an|someone|help|your|feedback|"
    r"tips|guidance|views|thoughts|perspective|partners?|volunteers?|speakers?|mentors?)\b",
    r"\b(?:i'?m|i am|i’m|we'?re|we are|we’re) (?:currently |now |also |just )?(?!doing\b|going\b|"
    r"feeling\b|getting\b|having\b|looking forward\b|connecting\b|networking\b|expanding\b|growing\b|"
    r"working\b|living\b|hardworking\b|willing\b|loving\b|outgoing\b|caring\b|interesting\b|writing\b)"
    r"[a-z]+(?:-[a-z]+)*ing\b",
    r"\b(?:i'?m|i am|i’m|we'?re|we are|we’re) (?:currently |now |also )?(?:setting up|building|"
    r"working on|researching|writing|planning|launching|organi[sz]ing|putting together|"
    r"developing|starting|preparing|designing|hiring|recruiting|looking|trying|rolling out|"
    r"creating|opening|expanding|moving|bringing|raising|running|facing|struggling|stuck|"
    r"evaluating|choosing|deciding|considering|about to|reaching out|writing to|contacting|"
    r"organising|curating|compiling|producing|editing|reviewing|scoping|pitching|restoring|"
    r"converting|redesigning|rebuilding|migrating|replacing|weighing|exploring)\b",
    r"\b(?:reach(?:ing)? out|writing|get(?:ting)? in touch|contact(?:ing)? you|message you|"
    r"messaging you) (?:to you )?(?:about|regarding|re|concerning|on|because|as|since|after)\b",
    r"\b(?:reconnect|catch up|stay in touch|keep in touch|follow up|follow-up)\b",
    r"\b(?:is|are|was|were) (?:exactly |just )?(?:the|what|why|how) (?:[\w'’-]+ ){0,4}"
    r"(?:question|problem|issue|challenge|thing|answer|precedent|reason|example|approach)\w*\b",
    # What their work did for the sender ("your audit tool halved our backlog"); the same verb
    # about their own results is an observation ("the falls rate halved on your watch").
    r"\b(?:answers|answered|solves|solved|helped|helps|changed|shaped|inspired|convinced|"
    r"saved|unblocked|informed|fixed|rescued|transformed|improved|reshaped|cut|halved|doubled)\b"
    r"(?=[^.!?\n]{0,50}\b(?:our|us|my|me|we|i|i'm|we're)\b)",
    # Their X fits our Y: "your ICU nursing fits our critical care vacancies".
    r"\b(?:fits|matches|suits) (?:our|my|what we|exactly what we)\b",
    # A fit or a help put the other way round: "an opening that matches your PV commissioning
    # background", "your experience at Red Star Express would really help us".
    r"\b(?:fits|matches|match|suits) (?:exactly |perfectly |closely )?(?:your|you)\b",
    # Notes written in Spanish, Portuguese or French (folded: no accents): "le escribo para
    # invitarla", "busco un ingeniero", "¿podríamos hablar?", "gostaria de", "je voudrais".
    r"\b(?:le|te|les|lhe|vos) escrib\w*|\bvous ecris\b|\bje vous contacte\b"
    r"|\b(?:busco|buscamos|estamos buscando|procuro|procuramos|estamos procurando|je cherche|nous cherchons)\b"
    r"|\b(?:necesitamos|necesito|precisamos|preciso|nous avons besoin|j'ai besoin)\b"
    r"|\b(?:me gustaria|nos gustaria|quisiera|quisieramos|gostaria|gostariamos|je voudrais|nous voudrions|"
    r"j'aimerais|vorrei)\b"
    r"|\b(?:podriamos|podria|podemos|puedo|poderiamos|poderia|pourriez|pourrions|pourrais|potremmo|potrebbe)\b"
    r"|\binvit(?:arla|arlo|arte|arle|arlos|arlas|a-la|a-lo|er|amos|o)\b|\bconvid(?:a|o|ar)\w*",
    r"\b(?:would|could|will|can|might) (?:really |greatly |hugely |so )?help (?:us|me|our|my)\b",
    r"\babout (?=(?:your|the|our|how|what|why|whether)\b)",
)
# Saying up front that a cue starts with a letter spares the engine trying every alternative at
# the end of each word as well as at its start (tests/test_speedups.py checks the premise).
CUES = re.compile(r"\b(?=[a-z])(?:" + "|".join(_CUE_PATTERNS) + ")")
_PURPOSES = re.compile(
    r"\b(?=[a-z])(?:" + "|".join(p for p in _CUE_PATTERNS if p not in _REFERENCE_PATTERNS) + ")"
)

# A past the sender and recipient share: itself the specific context a note can refer to.
SHARED_HISTORY = re.compile(
    r"\b(?:we|you and i|you and me) (?:both |all )?(?:worked|studied|met|served|trained|spent|built|ran|played|"
    r"volunteered|shared|sat|co-?wrote|co-?authored|collaborated|taught|overlapped|were (?:classmates|"
    r"colleagues|teammates|neighbours|neighbors|both|on|in|at))\b"
    r"|\b(?:our|the) (?:chat|talk|conversation|meeting|call|coffee) (?:at|during|after|in|about|on)\b"
    r"|\b(?:former|old) (?:colleague|classmate|teammate|flatmate|boss|manager)s?\b"
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

# Words that name no particular thing: a sentence made only of these is no concrete reason.
FILLER = frozenset(
    """
    connect connected connecting connection connections network networks networking professional
    professionals grow growing growth expand expanding build building widen broaden great good nice
    awesome amazing inspiring inspired impressive impressed love loved lovely like liked add adding
    link linked people everyone anyone someone everybody anybody somebody like-minded field fields
    industry industries sector space world opportunity opportunities mutual mutually benefit
    benefits beneficial synergy synergies together exciting excited interesting interested
    profile profiles background experience experiences work works working stuff things thing career
    careers journey path success meet meeting met successful value valuable contacts contact circle circles
    community communities reach touch keep stay chat talk hear learn know knowing more much really
    very just always also new latest recent noticed notice saw seen came across come found see
    hope hoping week weekend day today time soon future way lot lots well doing going nice
    think thought believe feel fit fits perfect ideal role roles position positions job jobs company
    sometime anytime someday whenever catch
    companies team teams startup start-up fast-growing leading global innovative dynamic top best
    world-class cutting-edge exciting client clients candidate candidates opening openings
    amazing incredible fantastic wonderful brilliant cool fun glad happy pleased keen eager
    similar same different various certain sure maybe perhaps possibly someday sometime
    reaching reach out writing message messaging contacting wanted want wants wish would like
    love invite inviting chance possible possibility potential potentially mind minds area areas
    expertise skills skill skillset talent talents talented passion passionate interest interests
    profession professionally business businesses market markets post posts article articles
    content update updates news feed share sharing follow following followed follower followers
    linkedin platform online site page pages here there everything anything something nothing
    ever best regards thanks thank cheers please let lets let's get got getting make making made
    take taking help helping support supporting idea ideas insight insights perspective
    perspectives thoughts view views advice tips guidance feedback input discussion discussions
    conversation conversations collaborate collaboration partnership partner partners explore
    exploring ways way benefit win-win one two each other others kind sort type form
    """.split()
)

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


@dataclass(frozen=True)
class Reason:
    cue: str
    span: tuple[int, int]  # from the cue to the end of its sentence, folded coordinates


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
        return score + sum(1 for w in WORD.findall(self.blanked, start, end) if _is_content(w))

    def reaches(self, need: int, start: int, end: int, details_from: int | None = None) -> bool:
        """Whether self(start, end, details_from) >= need, reading no more words than it takes
        (every detail and word adds to the score, so the first time it gets there settles it)."""
        lo = start if details_from is None else details_from
        score = sum(w for s, _, w in self.details if lo <= s < end)
        if score >= need:
            return True
        for m in WORD.finditer(self.blanked, start, end):
            if _is_content(m.group()):
                score += 1
                if score >= need:
                    return True
        return False


def _is_content(word: str) -> bool:
    return word.isdigit() or (len(word) >= 3 and word not in STOPWORDS and word not in FILLER)


content_word = _is_content  # the same test, for rules that count what a message adds


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


def find_reasons(
    text: str,
    start: int,
    end: int,
    details: list[Weighted],
    threshold: int = 2,
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
                if reason.cue != "?" and not _PURPOSES.match(text, reason.span[0]):
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
        if _PURPOSES.search(text, s, e) or any(s <= j < e for j, _ in jobs):
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
