"""CW007 no-scam: money requests, windfalls, investment pitches and off-platform pressure.

Scammers disguise the words filters look for: "pr0fit", "g-u-a-r-a-n-t-e-e-d", "B.T.C", a
Cyrillic "а" inside "whatsapp". The note is folded (homoglyphs, accents, invisible characters)
and then de-obfuscated (digits for letters, letters split by spaces or dots) before matching.
"""

from __future__ import annotations

import re

from connectwell.context import Context
from connectwell.rules.base import Outcome, Rule, to_priya
from connectwell.text import sentence_spans

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "!": "i", "|": "l"})
# A word mixing letters with look-alike digits or symbols: "pr0fits", "T3legram", "$ave".
_MIXED = re.compile(r"(?<![\w@$])(?=[\w@$!|]*[a-z])(?=[\w@$!|]*[0-9@$!|])[a-z0-9@$!|]*[a-z][a-z0-9@$!|]*")
# Letters split up to dodge filters: "g-u-a-r-a-n-t-e-e-d", "b.t.c", "w h a t s a p p".
_SPLIT = re.compile(r"(?<![^\W_])(?:[^\W_][ .\-_*·/]{1,2}){2,}[^\W_](?![^\W_])")

FAMILIES: dict[str, tuple[str, re.Pattern[str]]] = {
    "money": (
        "asks for money, payment or bank details",
        re.compile(
            r"\b(?:bank|account|routing|sort|iban|swift|card)[ \-]*(?:account[ \-]*)?(?:number|details|info(?:rmation)?|"
            r"code|no|pin)\b|\biban\b|\bwire (?:transfer|the money|me|us|the funds)\b|\bwestern union\b|\bmoneygram\b"
            r"|\b(?:send|transfer|wire|remit|deposit)\w* (?:me |us |him |her )?(?:the |a |some |your |small )?"
            r"(?:money|funds|payment|cash|\$|€|£|usd|bitcoin|btc|crypto|usdt)"
            r"|\b(?:pay|cover|send|wire|transfer|need|require)\w* (?:\S+ ){0,3}(?:fee|fees|deposit|charges?)\b"
            r"(?! (?:is|are|were|was) (?:waived|covered|included|free))"
            r"|\b(?:processing|clearance|release|activation|handling|unlock)\w* (?:fee|fees|charge)\b"
            r"|\bgift ?cards?\b|\b(?:itunes|steam|google play|amazon|apple) (?:cards?|vouchers?)\b"
            r"|\b(?:send|reply with|provide|share|forward|give) (?:me |us )?(?:with )?your (?:full name|bank|banking|"
            r"account|home address|passport|id card|date of birth|card|personal details|details)"
            r"|\bcvv\b|\bsocial security number\b|\bpin (?:code|number)\b|\bpaypal (?:me|details)\b"
        ),
    ),
    "windfall": (
        "promises a prize, lottery win or inheritance",
        re.compile(
            r"\binheritance\b|\bunclaimed (?:\w+ )?(?:deposit|funds?|fortune|sum|money|estate|balance)\b|\bnext of kin\b"
            r"|\blate (?:client|husband|wife|father|customer|uncle|investor|businessman)\b|\blotter(?:y|ies)\b|\bjackpot\b"
            r"|\byou(?:'ve|’ve| have)? (?:won|been (?:selected|chosen) (?:to receive|for (?:a|the) (?:prize|grant|award|cash)))\b"
            r"|\b(?:claim|release|receive|transfer) (?:your|the) (?:prize|reward|winnings|share|inheritance|compensation|funds)\b"
            r"|\b(?:won|win|claim) (?:a |the |your )?(?:\w+ )?(?:cash )?prize\b|\bbeneficiary\b"
            r"|\bbeen (?:selected|chosen|approved|shortlisted) (?:for|to receive) [^.!?\n]{0,30}\b(?:grant|prize|award|"
            r"cash|reward|payout|compensation|loan|funds?)\b"
            r"|\b(?:receive|transfer|claim|release|move|deposit|inherit\w*|unclaimed|share of)[^.!?\n]{0,60}"
            r"(?:\$|€|£|usd|eur|gbp) ?\d[\d,.]* ?(?:m|mn|million|billion)\b"
            r"|(?:\$|€|£|usd) ?\d[\d,.]* ?(?:m|mn|million|billion)\b[^.!?\n]{0,60}\b(?:receive|transfer|claim|release|"
            r"inherit\w*|unclaimed|your share|partner)"
        ),
    ),
    "investment": (
        "pitches an investment with promised returns",
        re.compile(
            r"\bguarantee\w*\b[^.!?\n]{0,40}\b(?:returns?|profits?|income|gains?|earnings|payouts?|roi|\d+ ?%)"
            r"|\b(?:returns?|profits?|income|gains?|earnings|payouts?|roi)\b[^.!?\n]{0,25}\bguarantee\w*"
            r"|\b(?:risk[ \-]?free|no[ \-]risk|zero[ \-]risk)\b[^.!?\n]{0,30}\b(?:returns?|profits?|income|investment|trading|gains?)"
            r"|\b\d+(?:\.\d+)? ?% (?:daily|weekly|monthly|a day|a week|a month|per (?:day|week|month)|every (?:day|week|month)"
            r"|roi|returns?|profits?|interest)\b"
            r"|\b\d+x (?:a|per|every|in a|each) (?:day|week|month)\b|\bdouble your (?:money|investment|income|capital)\b"
            r"|\bpassive income\b"
            r"|\b(?:bitcoin|btc|crypto\w*|forex|fx|usdt|ethereum|binary options?|(?:trading )?signals? (?:group|channel)|"
            r"altcoins?|memecoins?|mining pool)\b[^.!?\n]{0,80}\b(?:invest\w*|profits?|returns?|roi|earn\w*|gains?|"
            r"make \$|\d+x|income|double)\b"
            r"|\b(?:invest\w*|profits?|returns?|earn\w*|gains?|income)\b[^.!?\n]{0,80}\b(?:bitcoin|btc|crypto\w*|forex|usdt|"
            r"binary options?|signals? group)\b"
        ),
    ),
    "off-platform": (
        "pushes you off the platform under pressure or with a suspicious link",
        re.compile(
            r"(?:\b(?:whatsapp|telegram|wechat|kik|viber|signal app|snapchat|private email|personal email|gmail|"
            r"hotmail|dm me|text me|inbox me|t\.me|wa\.me)\b)"
            r"(?=[\s\S]*\b(?:today|now|asap|urgent\w*|immediately|hurry|fast|quickly|limited|only \d+|last chance|"
            r"expires?|deadline|too late|don'?t miss|seats? left|spots? left|slots? left|act now|right away|"
            r"within \d+ (?:hours?|minutes?|mins?))\b)"
            r"|\b(?:today|now|asap|urgent\w*|immediately|hurry|limited|only \d+ (?:seats?|spots?|slots?)|last chance|act now)"
            r"\b[\s\S]{0,120}\b(?:whatsapp|telegram|wechat|kik|viber|signal app|private email|personal email|t\.me|wa\.me)\b"
            r"|\b(?:bit\.ly|tinyurl\.com|goo\.gl|is\.gd|cutt\.ly|rb\.gy|ow\.ly|shorturl\.at|tiny\.cc|t\.me|wa\.me)/"
            r"|https?://\S+\.(?:xyz|top|click|win|loan|bid|icu|cam|rest)\b"
        ),
    ),
}


# Words (or characters) without which a family's pattern cannot match: a cheap first look, so
# the large patterns only run on the few notes that could be scams.
TRIGGERS: dict[str, tuple[frozenset[str], str]] = {
    "money": (
        frozenset(
            "bank account routing sort iban swift card wire western moneygram send sending sent transfer "
            "transfers pay paying payment cover need require processing clearance release activation "
            "handling unlock gift giftcard giftcards itunes steam google amazon apple cvv social pin "
            "paypal reply provide share forward give remit deposit fee fees".split()
        ),
        "$€£",
    ),
    "windfall": (
        frozenset(
            "inheritance unclaimed kin late lottery lotteries jackpot won win claim receive release "
            "transfer beneficiary selected chosen approved shortlisted move deposit inherit inherited "
            "share prize usd eur gbp million billion".split()
        ),
        "$€£",
    ),
    "investment": (
        frozenset(
            "guarantee guaranteed guarantees guaranteeing risk free no zero double passive bitcoin btc "
            "crypto cryptocurrency cryptocurrencies forex fx usdt ethereum binary signals signal altcoin "
            "altcoins memecoin memecoins mining returns return profit profits roi x daily weekly monthly per "
            "income earn earning earnings gains payouts invest investment investing investor trading".split()
        ),
        "%",
    ),
    "off-platform": (
        frozenset(
            "whatsapp telegram wechat kik viber signal snapchat private personal gmail hotmail dm text "
            "inbox bit tinyurl goo cutt rb ow shorturl tiny http https me".split()
        ),
        "",
    ),
}


def deobfuscate(text: str) -> str:
    text = _SPLIT.sub(lambda m: re.sub(r"[ .\-_*·/]", "", m.group()), text)
    return _MIXED.sub(lambda m: m.group().translate(_LEET), text)


def _match(text: str) -> tuple[str, re.Match[str]] | None:
    words = set(_WORDS.findall(text))
    for family, (_, pattern) in FAMILIES.items():
        trigger_words, trigger_chars = TRIGGERS[family]
        if words.isdisjoint(trigger_words) and not any(c in text for c in trigger_chars):
            continue
        m = pattern.search(text)
        if m:
            return family, m
    return None


_WORDS = re.compile(r"[a-z]+")


def run(ctx: Context) -> Outcome:
    text = ctx.text
    found = _match(text)
    span = None
    if found:
        span = ctx.orig(found[1].span())
    elif (plain := deobfuscate(text)) != text:
        found = _match(plain)
        if found:
            # Where it hid: the first sentence that reads as a scam once de-obfuscated.
            for s, e in sentence_spans(text):
                if _match(deobfuscate(text[s:e])):
                    span = ctx.orig((s, e))
                    break
    if found:
        family, m = found
        return Outcome(
            "fail",
            f"This note {FAMILIES[family][0]} (“{' '.join(m.group().split())[:60]}”): the mark of a scam.",
            hint="Never ask a new contact for money, details or a move off the platform; "
            "if you received this, ignore and report it.",
            span=span,
        )
    return Outcome("pass", "Nothing in the note asks for money or pushes the recipient off the platform.")


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
    bad="Hi Priya, I make 4x a month in a private BTC signals group, pr0fits guaranteed. DM me on Telegram today!",
    good="Hi Priya, I'm hiring a Senior Data Engineer at Acme: €80–95k, and your Kafka work at Globex fits it.",
    must_fail=(
        to_priya("Send your full name and bank account number so I can release your share of the inheritance."),
        to_priya("Hi Priya, pr0fits g-u-a-r-a-n-t-e-e-d in our B.T.C signals group, DM me on T3legram today!"),
        to_priya("Congratulations, you have won a cash prize! Pay the small processing fee to claim it."),
        to_priya("Quick favour: buy two Apple gift cards for me and send the codes."),
        to_priya("Hi Priya, only 3 spots left, message me on WhаtsApp now: bit.ly/x9"),
    ),
    must_pass=(
        to_priya(
            "Hi Priya, I'm hiring a Senior Data Engineer at Acme: €80–95k plus equity, and your Kafka work fits.",
            purpose="job_offer",
        ),
        to_priya("Hi Priya, I run the payments team at a crypto exchange and loved your Kafka lag article."),
        to_priya("Hi Priya, we're raising money for the Leeds food bank with a charity 10k run in May."),
        to_priya("Hi Priya, happy to move to email if that's easier for you."),
    ),
)
