"""Spotting scams: money requests, windfalls, investment pitches and off-platform pressure.

Scammers disguise the words filters look for: "pr0fit", "g-u-a-r-a-n-t-e-e-d", "B.T.C", a
Cyrillic "а" inside "whatsapp". The note is folded (homoglyphs, accents, invisible characters)
and then de-obfuscated (digits for letters, letters split by spaces or dots) before matching.

Each kind of scam is one entry of FAMILIES: its name, what it does in words, the pattern that
finds it and the trigger words without which that pattern cannot match. The descriptions
rules/no_scam.py shows and the one-look prefilter are derived from that table, so adding a
family is adding one entry. Context.scam calls find_scam with the note as written and folded.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import NamedTuple

from connectwell.text import Folded, sentence_spans

_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
    }
)
# A word mixing letters with look-alike digits or symbols: "pr0fits", "T3legram", "$ave".
# It starts only where such a run starts, so a long run is scanned once, not once per character;
# "!" is left alone, since "now!" is punctuation far more often than a disguised "i".
_MIXED = re.compile(r"(?<![\w@$])(?=[\w@$]*[a-z])(?=[\w@$]*[0-9@$])[a-z0-9@$]*[a-z][a-z0-9@$]*")
# Letters split up to dodge filters: "g-u-a-r-a-n-t-e-e-d", "b.t.c", "t e l e g r a m".
# One separator between letters; a double space is where the hidden word ends
# ("w i r e  f u n d s" is two words).
_SPLIT = re.compile(r"(?<![^\W_])(?:[^\W_][ .\-_*·/](?![ .\-_*·/])){2,}[^\W_](?![^\W_])")


@dataclass(frozen=True)
class Hit:
    """Where a scam pattern matched (what a regex match would give)."""

    start: int
    end: int
    text: str

    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    def group(self) -> str:
        return self.text


# (first, then, within): a family signalled by two patterns close together, the second starting
# within that many characters of the end of the first.
Near = tuple[re.Pattern[str], re.Pattern[str], int]


@dataclass(frozen=True)
class Family:
    """One kind of scam, declared once: everything find_scam needs about it is here, so adding a
    family is adding one entry to FAMILIES."""

    name: str  # what find_scam reports, and the key of DESCRIPTIONS
    description: str  # what such a note does, read as "This note <description>"
    pattern: re.Pattern[str]  # run on the folded (and, failing that, de-obfuscated) note
    # Trigger words (runs of a-z) without one of which `pattern` and `near` cannot match, or
    # `marks`, substrings that may stand in for them. Pure speed: the large patterns then only
    # run on the few notes that could be scams. tests/test_speedups.py checks the prefilter
    # against the plain search on the corpora and on random notes built from scam words in many
    # forms; a word form it finds missing belongs here.
    words: frozenset[str]
    example: str  # a folded note it finds (tests/test_linter_tables.py holds it to that)
    marks: tuple[str, ...] = ()
    near: tuple[Near, ...] = ()  # pairs that signal this family when close together

    def may_match(self, words: set[str], text: str) -> bool:
        """Whether the note holds a trigger, so that the pattern is worth running."""
        return not words.isdisjoint(self.words) or any(mark in text for mark in self.marks)

    def search(self, text: str) -> re.Match[str] | Hit | None:
        return self.pattern.search(text) or (_near(text, self.near) if self.near else None)


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


# The signals off-platform pressure is made of: a private channel, haste, and a lure.
_CHANNEL = re.compile(
    r"\b(?:whatsapp|telegram|wechat|kik|viber|signal app|snapchat|private email|personal email|gmail|"
    r"hotmail|dm me|text me|inbox me|t\.me|wa\.me)\b"
)
_APP = re.compile(r"\b(?:whatsapp|telegram|wechat|kik|viber|signal app)\b")
_PRESSURE = re.compile(
    r"\b(?:today|now|asap|urgent\w*|immediately|hurry|fast|quickly|limited|only \d+|last chance|expires?|"
    r"deadline|too late|don'?t miss|seats? left|spots? left|slots? left|act now|right away|"
    r"within \d+ (?:hours?|minutes?|mins?)|at once|right now)\b"
)
_LURE = re.compile(
    r"\b(?:trading|invest\w*|crypto\w*|forex|profits?|earn\w*|returns?|gold|bitcoin|income|claim\w*|prizes?|"
    r"starter kit|payment|paid|selected|chosen|shortlisted|hired|approved)\b"
)

# The families in the order they are tried: the first that matches is the one reported.
FAMILIES: tuple[Family, ...] = (
    Family(
        name="money",
        description="asks for money, payment or bank details",
        pattern=re.compile(
            r"\b(?:bank|account|routing|sort|iban|swift|card)[ \-]*(?:account[ \-]*)?(?:number|details|info(?:rmation)?|"
            r"code|no|pin)\b|\biban\b|\bwire (?:transfer(?!s? fees?\b)|the money|me|us|the funds)\b|\bwestern union\b|\bmoneygram\b"
            r"|\b(?:send|transfer|wire|remit|deposit)\w* (?:me |us |him |her )?(?:the |a |some |your |small )?"
            r"(?:money|funds|payment|cash|\$|€|£|usd|bitcoin|btc|crypto|usdt|eth|ether|tokens?)\b(?! between\b)"
            r"|\b(?:via|through|using|by|on) (?:zelle|venmo|cash ?app|western union|moneygram|gift ?cards?|yape|"
            r"gcash|m-?pesa|nequi|paytm|upi|pix|bkash|nagad|easypaisa|jazzcash|momo|mobile money)\b"
            # a sum before a job or a prize: "US$40 registration for the training kit"
            r"|\b(?:(?<=[$€£])|(?:usd|us\$|eur|gbp) ?)\d[\d,.]*[^.!?\n]{0,20}\b(?:registration|onboarding|activation|"
            r"processing|membership|joining|release|clearance) (?:for|to|of)\b"
            # ("transfer fees" alone is a football club's income, not a demand)
            r"|\b(?=pay|send|wire|transfer)(?<!\bwe )(?<!\bi )(?<!we'll )(?<!i'll )(?<!will )(?<!happy to )"
            r"(?<!glad to )(?<!we'd )(?<!i'd )(?<!late-)(?<!late )(?<!cut )(?<!reduce )(?<!lower )(?<!avoid )"
            r"(?!transfer fees?\b)(?:pay|send|wire|transfer)\w* (?:\S*[^\s.!?] ){0,4}(?:fee|fees|deposit|charges?)\b"
            r"(?! (?:is|are|were|was) (?:waived|covered|included|free))"
            r"|\b(?:processing|clearance|release|activation|handling|unlock)\w* (?:fee|fees|charge)\b"
            r"|\bgift ?cards?\b|\b(?:itunes|steam|google play|amazon|apple) (?:cards?|vouchers?)\b"
            r"|\b(?:send|reply with|provide|share|forward|give) (?:me |us )?(?:with )?your (?:\w+ and )?(?:full name|"
            r"bank|banking|sin|ssn|social insurance number|"
            r"account|home address|passport|id card|date of birth|card|personal details"
            # Bare "your details" is a badge, a booking, a CV: a scam only beside payment.
            r"|details(?=[^.!?\n]{0,60}\b(?:payments?|pay|transfer|funds?|prize|claim|release|bank|"
            r"fees?|processing|wallet|refund)\b))"
            r"|\bcvv\b|\bsocial security number\b|\bpin (?:code|number)\b|\bpaypal (?:me|details)\b"
            # Pay a sum now: "Pay GH₵1,200 clearance to our agent's MoMo number today"
            # (Every alternative starts with \b: one that does not makes the whole family scan
            # several times slower, since the engine can no longer skip to word starts.)
            r"|\bpay(?<![\w,;:'’-] pay) (?:the |a |us )?(?:[$€£₵₦₱]|gh₵|ghs|ngn|kes|php|\d)"
            # An overpayment returned: "e-transfer the extra $1,500 back to my hauler"
            r"|\b(?:send|transfer|wire|refund|pay)\w* (?:me |us )?(?:the )?(?:extra|difference|excess|overpayment|"
            r"balance)\b[^.!?\n]{0,40}\bback\b"
            # A supplier's "new bank account" for an invoice
            r"|\bnew (?:bank )?account\b(?=[^\n]{0,80}\b(?:pay|payment|send|transfer|invoice)\w*)"
            r"|\b(?:payment|invoice|transfer)\w*\b[^.!?\n]{0,60}\bnew (?:bank )?account\b"
            # A money mule: other people's money through your own account ("receive client
            # payments in your personal account and forward 90%").
            r"|\breceiv\w* (?:[\w'’-]+ ){0,3}?(?:payments?|transfers?|funds|money|deposits)\b[^.!?\n]{0,40}"
            r"\b(?:your|ur) (?:own |personal |private )?(?:bank )?account\b"
            # bank details asked for in Spanish, Portuguese or French
            r"|\b(?:datos|dados) bancarios\b|\bcuenta bancaria\b|\bnumero de cuenta\b|\bcoordonnees bancaires\b"
            # A sum the recipient is told to pay: "pls pay the EUR 480 registration to our agent".
            r"|\b(?:pls|plz|please|kindly|must|need to|have to|required to) (?:first )?"
            r"(?:pay|wire|transfer|deposit)\w* (?:us |me |our agent )?(?:the |a |an )?(?:sum of )?"
            r"(?:[$€£]|(?:usd|eur|gbp|rm|inr|ngn|kes|ghs|zar|php|aed|idr|rp)\b|\d)"
            # A fee the recipient is to pay before a job, a visa or a payout: "a small $30
            # registration fee covers your starter kit", "the visa fee of 300 usd up front".
            r"|\b(?=registration|onboarding|application|enrol|training|starter|joining|visa|sponsorship|"
            r"placement|documentation|verification|security|equipment|kit|membership|insurance|medical|"
            r"permit|admin|refundable|unlock|release)"
            r"(?<!\bno )(?<!\bzero )(?<!we cover the )(?<!we cover your )(?<!we pay the )(?<!we pay your )"
            r"(?<!we'll cover the )(?<!we'll pay the )(?<!we reimburse the )(?<!we reimburse your )"
            r"(?<!covers the )(?<!covers your )(?<!pays the )(?<!pays your )(?<!we waive the )"
            r"(?:registration|onboarding|application|enrol(?:l)?ment|training|starter|joining|visa|"
            r"sponsorship|placement|documentation|verification|security|equipment|kit|membership|"
            r"insurance|medical|permit|admin|administrative|refundable|unlock|release)\b"
            r" (?:fee|fees|charge|charges|deposit|cost)\b"
            r"(?![^.!?\n]{0,60}\b(?:is|are|was|were|will be|gets?) (?:waived|covered|included|paid by us|"
            r"on us|free|refunded by us|reimbursed)\b)"
            r"|\b(?=pay|send|wire|transfer|cover)(?<!\bwe )(?<!\bi )(?<!we'll )(?<!i'll )(?<!will )"
            r"(?<!happy to )(?<!glad to )(?<!we'd )(?<!i'd )(?<!company )(?<!employer )"
            r"(?:pay|send|wire|transfer|cover)\w* (?:for )?(?:the |your |a )?(?:own )?"
            r"(?:visa|work permit|air ticket|flight ticket|processing|medical test|background check)"
            r"[^.!?\n]{0,30}\b(?:up ?front|first|in advance|before|yourself|to (?:start|secure|confirm|"
            r"reserve|begin))\b"
        ),
        words=_words(
            """
            bank banking account routing sort iban swift card cards wire western moneygram transfer
            transfers payment processing clearance activation handling unlock gift giftcard giftcards
            itunes cvv social pin paypal remit deposit fee fees zelle venmo cashapp yape gcash mpesa pesa nequi paytm upi pix bkash nagad easypaisa jazzcash eur gbp momo mobile sin ssn extra difference excess overpayment balance new ghs passport birth
            details money funds cash usd btc bitcoin crypto usdt eth ether token tokens address
            payments paying pays paid transferring transferred wired wiring sending sends deposits charges vouchers name id full
            charge cost visa permit ticket medical background
            pay payable deposited depositing wires
            datos dados cuenta numero coordonnees
            """
        ),
        marks=("$", "€", "£"),
        example="please send your bank details",
    ),
    Family(
        name="windfall",
        description="promises a prize, lottery win or inheritance",
        pattern=re.compile(
            # One \b for the words: the engine then tries them only where a word starts.
            r"\b(?:inheritance\b(?! (?:law|laws|dispute|disputes|tax|taxes|planning|case|cases|lawyers?|"
            r"rights)\b)|herencia\b|heranca\b|heritage d\b|unclaimed (?:\w+ )?(?:deposit|funds?|fortune|sum|money|estate|balance)\b|next of kin\b"
            # "the late Mr X" is a windfall pitch only beside money: "our late investor meeting"
            # and "my late father" are not.
            r"|late (?:client|husband|wife|father|customer|uncle|investor|businessman|engr|mr|mrs|dr|chief)\b"
            r"(?=[^.!?\n]{0,100}\b(?:funds?|fortune|estate|deposit|sum|money|inheritance|account|"
            r"beneficiar\w*|million|billion)\b|[^.!?\n]{0,100}[$€£])"
            r"|died intestate\b|(?:share|shares|bear|bears|with) (?:his|her|the|your|the same) (?:last )?(?:surname|family name)\b"
            r"|lotter(?:y|ies)\b|jackpot\b"
            r"|you(?:'ve|’ve| have)? (?:won|been (?:selected|chosen) (?:to receive|for (?:a|the) (?:prize|grant|award|cash)))\b"
            r"|(?:claim|release|receive|transfer) (?:your|the) (?:prize|reward|winnings|share|inheritance|compensation|funds)\b"
            r"|(?:won|win|claim) (?:a |the |your )?(?:\w+ )?(?:cash )?prize\b|beneficiary\b"
            r"|been (?:selected|chosen|approved|shortlisted) (?:for|to receive) [^.!?\n]{0,30}\b(?:grant|prize|award|"
            r"cash|reward|payout|compensation|loan|funds?)\b"
            r"|(?:receive|transfer|claim|release|move|deposit|inherit\w*|unclaimed|share of)[^.!?\n]{0,60}"
            r"(?:\$|€|£|usd|eur|gbp) ?\d[\d,.]* ?(?:m|mn|million|billion)\b)"
            r"|(?:\$|€|£|usd) ?\d[\d,.]* ?(?:m|mn|million|billion)\b[^.!?\n]{0,60}\b(?:receive|transfer|claim|release|"
            r"inherit\w*|unclaimed|your share|partner)"
            # Money that comes only after the recipient pays: "the funds are released once you
            # pay the 1% processing tax".
            r"|\b(?:release|released|releasing|disburse\w*|unlock\w*|credited|paid out|transferred)\b"
            r"[^.!?\n]{0,60}\b(?:after|once|upon|when|as soon as)\b[^.!?\n]{0,40}\b(?:you |u )?(?:pay|paying|"
            r"payment|settle|cover|send)\w*\b"
        ),
        words=_words(
            """
            intestate surname inheritance herencia heranca heritage inherit inherited unclaimed kin late lottery lotteries jackpot won prize prizes
            grant award reward rewards winnings compensation funds fund loan payout beneficiary claim
            million billion
            grants awards claims claimed claiming released releasing receiving received usd eur gbp m mn
            release disburse disbursed disbursement disbursements disbursing unlock unlocked unlocking
            credited paid transferred
            """
        ),
        marks=("$", "€", "£"),
        example="you have won the lottery",
    ),
    Family(
        name="investment",
        description="pitches an investment with promised returns",
        pattern=re.compile(
            r"\bguarantee\w*\b[^.!?\n]{0,40}\b(?:returns?|profits?|income|gains?|earnings|payouts?|roi|\d+ ?%)"
            r"|\b(?:returns?|profits?|income|gains?|earnings|payouts?|roi)\b[^.!?\n]{0,25}\bguarantee\w*"
            r"|\b(?:risk[ \-]?free|no[ \-]risk|zero[ \-]risk)\b[^.!?\n]{0,30}\b(?:returns?|profits?|income|investment|trading|gains?)"
            r"|\b\d+(?:\.\d+)? ?% (?:daily|weekly|monthly|a day|a week|a month|per (?:day|week|month)|every (?:day|week|month)"
            r"|roi|returns?|profits?|interest)\b"
            r"|\b\d+x (?:a|per|every|in a|each) (?:day|week|month)\b|\bdouble your (?:money|investment|income|capital)\b"
            r"|\bpassive income\b"
            r"|\b\d+x\b[^.!?\n]{0,25}\bguarantee\w*|\bguarantee\w*[^.!?\n]{0,25}\b\d+x\b"
            r"|\b(?:pre-?sale|presale|whitelist|airdrop|token sale|ico)\b[^.!?\n]{0,80}\b(?:send|buy|invest\w*|\d+x|"
            r"profits?|returns?|guarantee\w*)"
            r"|\b(?:trading|invest\w*|forex|gold|crypto\w*)\b[^.!?\n]{0,60}\b(?:made me rich|rich|millionaire|"
            r"financial freedom|quit my job)\b"
            # A fixed yearly rate is a promise: "our cattle fund pays a fixed 18% p.a."
            r"|\b(?:fixed|guaranteed|steady|stable|pays?|paying) (?:a |an )?(?:fixed |guaranteed )?\d+(?:\.\d+)? ?% "
            r"(?:p\.? ?a\b|pa\b|per annum|a year|per year|annual\w*|yearly|returns?)"
            # Crypto as a topic of tax or reporting is no pitch: "your article on taxing crypto gains".
            # (The look-ahead first: the look-behinds then run only where such a word starts.)
            r"|\b(?=bitcoin|btc|crypto|forex|fx|usdt|ethereum|binary|signal|trading|altcoin|memecoin|mining)"
            r"(?<!tax )(?<!taxing )(?<!taxes on )(?<!tax on )(?<!taxation of )(?<!reporting )(?<!declaring )"
            r"(?:bitcoin|btc|crypto\w*|forex|fx|usdt|ethereum|binary options?|(?:trading )?signals? (?:group|channel)|"
            r"altcoins?|memecoins?|mining pool)\b[^.!?\n]{0,80}\b(?:invest\w*|profits?|returns?|roi|earn\w*|gains?|"
            r"make \$|\d+x|income|double)\b"
            r"|\b(?:invest\w*|profits?|returns?|earn\w*|gains?|income)\b[^.!?\n]{0,80}\b(?:bitcoin|btc|crypto\w*|forex|usdt|"
            r"binary options?|signals? group)\b"
            # Returns claimed for trading or a "mentoring" group: "my students made 30% last month".
            r"|\b(?:trading|trader|traders|crypto\w*|bitcoin|forex|invest\w*|portfolio|stocks?|signals?|"
            r"side (?:income|hustle))\b[^\n]{0,160}?\b(?:made|make|makes|making|earn\w*|gain\w*|profit\w*|"
            r"return\w*|grew|grow|yield\w*|up)\b[^.!?\n]{0,25}?(?:[$€£] ?)?\d[\d,.]* ?(?:%|k\b|x\b|usd\b)"
            r"|\bside (?:income|hustle)\b[^.!?\n]{0,80}(?:[$€£]|\d+ ?%|\bper (?:day|week|month)\b|\bdaily\b|"
            r"\bweekly\b)"
        ),
        words=_words(
            """
            guarantee guaranteed guarantees guaranteeing risk double passive bitcoin btc crypto
            cryptocurrency cryptocurrencies forex fx usdt ethereum binary signals signal altcoin altcoins
            memecoin memecoins mining x presale pre whitelist airdrop token ico rich millionaire freedom
            quit
            cryptos bitcoins tokens presales airdrops icos millionaires doubled doubling risks
            trading trader traders invest invests invested investing investor investors investment
            investments portfolio stock stocks side
            """
        ),
        marks=("%",),
        example="guaranteed 20% weekly returns",
    ),
    Family(
        name="phishing",
        description="asks you to log in or verify your account through a link",
        pattern=re.compile(
            r"\b(?:suspend\w*|locked|flagged|deactivat\w*|restricted|disabled|compromised|unusual (?:activity|sign-?in))\b"
            r"[^\n]{0,160}\b(?:verify|confirm|log ?in|sign ?in|click|validate|restore|reactivate)\b"
            r"|\b(?:verify|confirm|validate|log ?in|sign ?in)\b[^\n]{0,60}(?:https?://|www\.|\b[a-z0-9-]+\.(?:com|net|org|io|co|info|xyz|top|site|online)\b)"
            # Look-alikes of the platform's name ("linkedln", "linked1n"), never the name itself.
            r"|\blinked[l1]n\b|\b[l1]inkedin-(?:security|verify|support|team)|\blnkd\.(?!in/)"
            # any "linkedin-something.tld" is a look-alike: LinkedIn's own address is linkedin.com
            r"|\blinkedin-[a-z]+\.[a-z]{2,}"
            # the same threat in Portuguese, Spanish or French (folded: no accents)
            r"|\b(?:suspensao|suspension|bloqueio|bloqueo|blocage) (?:d[aeo] |de la |de votre |da sua |de su )?"
            r"(?:sua |su |votre )?(?:conta|cuenta|compte)\b"
        ),
        words=_words(
            """
            suspend suspended suspension suspensao bloqueio bloqueo blocage locked flagged deactivated deactivate restricted disabled
            compromised unusual verify confirm validate login log sign linkedln lnkd
            deactivation deactivating deactivates suspends suspending locking verified verifying verification confirmed confirming validated validating logging logins signing restriction restricting disabling linked inkedin linkedin
            """
        ),
        example="your account was suspended: log in here to restore it",
    ),
    Family(
        name="off-platform",
        description="pushes you off the platform under pressure or with a suspicious link",
        pattern=re.compile(
            r"\b(?:bit\.ly|tinyurl\.com|goo\.gl|is\.gd|cutt\.ly|rb\.gy|ow\.ly|shorturl\.at|tiny\.cc|t\.me|wa\.me)/"
            r"|https?://\S+\.(?:xyz|top|click|win|loan|bid|icu|cam|rest)\b"
        ),
        words=_words(
            """
            whatsapp telegram wechat kik viber signal snapchat email gmail hotmail dm text inbox bit
            tinyurl goo cutt rb ow shorturl tiny http https
            """
        ),
        marks=("t.me", "wa.me", "://"),
        # Found from two linear scans each, so a note of a million "whatsapp"s stays cheap.
        near=(
            (_CHANNEL, _PRESSURE, 200),
            (_PRESSURE, _CHANNEL, 120),
            (_APP, _LURE, 80),
            (_LURE, _APP, 120),
        ),
        example="message me on whatsapp now",
    ),
)

# What each kind of scam find_scam reports does, in words: the families, and the disguise.
DISGUISE = "disguise"
DESCRIPTIONS: dict[str, str] = {family.name: family.description for family in FAMILIES} | {
    DISGUISE: "hides words behind look-alike letters from another alphabet"
}

# Derived from FAMILIES: one look settles, for most notes, that no family's trigger is there.
_WORDS = re.compile(r"[a-z]+")
_ANY_TRIGGER_WORD = frozenset().union(*(family.words for family in FAMILIES))
_ANY_TRIGGER_MARK = re.compile(
    "|".join(sorted({re.escape(mark) for family in FAMILIES for mark in family.marks}))
)


def _near(text: str, pairs: tuple[Near, ...]) -> Hit | None:
    for first, then, within in pairs:
        later = [m.start() for m in then.finditer(text)]
        if not later:
            continue
        for m in first.finditer(text):
            i = bisect_left(later, m.end())
            if i < len(later) and later[i] - m.end() <= within:
                end = then.match(text, later[i]).end()
                return Hit(m.start(), end, text[m.start() : end])
    return None


def deobfuscate(text: str) -> str:
    # Each step runs only where a cheap look finds what it needs, so an ordinary note (most of
    # them) costs three quick scans instead of three substitutions.
    if _SPLIT_HINT.search(text):
        text = _SPLIT.sub(lambda m: re.sub(r"[ .\-_*·/]", "", m.group()), text)
    if _MIXED_HINT.search(text):
        text = _MIXED.sub(lambda m: m.group().translate(_LEET), text)
    if "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    return text


_SPACES = re.compile(r"[ \t]{2,}")
# Necessary for a _SPLIT match: its last three pieces, "separator, letter, separator, letter"
# with the word ending there. Starting with a character set lets the engine skip ahead quickly.
_SPLIT_HINT = re.compile(r"[ .\-_*·/][^\W_][ .\-_*·/][^\W_](?![^\W_])")
# Necessary for _MIXED to change anything: a look-alike digit or symbol beside a letter.
_MIXED_HINT = re.compile(r"[0-9@$](?:(?<=[a-z].)|(?=[a-z]))")


def _match(text: str, prefilter: bool = True) -> tuple[str, re.Match[str] | Hit] | None:
    """The first family whose pattern matches text, and the match; prefilter=False runs every
    pattern whatever the triggers say (what tests/test_speedups.py compares against)."""
    words = set(_WORDS.findall(text))
    # Most notes hold no family's trigger at all: one look settles that for all of them.
    if prefilter and words.isdisjoint(_ANY_TRIGGER_WORD) and not _ANY_TRIGGER_MARK.search(text):
        return None
    for family in FAMILIES:
        if prefilter and not family.may_match(words, text):
            continue
        m = family.search(text)
        if m:
            return family.name, m
    return None


# A word that mixes Latin letters with Cyrillic or Greek ones ("bіtcоin" with a Cyrillic і and
# о): nobody types that by accident, and folding would hide it from the families above.
_MIXED_SCRIPT = re.compile(
    r"[^\W\d_]*(?:[a-zA-Z][^\W\d_]*[\u0370-\u03ff\u0400-\u04ff]|[\u0370-\u03ff\u0400-\u04ff]"
    r"[^\W\d_]*[a-zA-Z])[^\W\d_]*"
)
_OTHER_SCRIPT = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")


class Scam(NamedTuple):
    """What find_scam reports (unpacks as family, match, span)."""

    family: str  # a Family's name, or DISGUISE
    match: re.Match[str] | Hit  # what matched, in the text it was found in
    span: tuple[int, int] | None  # where it stands in the note as written, when known


def find_scam(message: str, note: Folded) -> Scam | None:
    """The first scam pattern in a note, de-obfuscated if need be, and where it stands.

    message is the note as written and note its folded form (Context.note), whose spans map
    back to message.
    """
    found = _in_folded(note)
    if found is None and not message.isascii():
        return _disguise(message)
    return found


def _in_folded(note: Folded) -> Scam | None:
    text = note.text
    found = _match(text)
    if found:
        return Scam(*found, note.span(*found[1].span()))
    plain = deobfuscate(text)
    if plain == text or not (found := _match(plain)):
        return None
    # Where it hid: the first sentence that reads as a scam once de-obfuscated.
    for s, e in sentence_spans(text):
        if _match(deobfuscate(text[s:e])):
            return Scam(*found, note.span(s, e))
    return Scam(*found, None)


def _disguise(message: str) -> Scam | None:
    # Only around a Greek or Cyrillic letter, of which most notes have none.
    for other in _OTHER_SCRIPT.finditer(message):
        lo, hi = max(0, other.start() - 30), other.end() + 30
        m = _MIXED_SCRIPT.search(message, lo, hi)
        if m:
            return Scam(DISGUISE, m, m.span())
    return None
