"""The shortcuts that make check() fast give exactly what the plain versions give.

Each speed-up rewrites a pattern or skips a step when a cheap look shows it would find nothing.
These tests keep the plain version beside the fast one and compare them on random text drawn
from the characters that matter, so a later edit to either cannot silently change a verdict.
"""

from __future__ import annotations

import re
import re._constants as sre  # the parsed form of a pattern: private, but stable since 3.11
import re._parser as sre_parse

from hypothesis import given, settings
from hypothesis import strategies as st

from connectwell import mentions, reason_cues, scams, text

SETTINGS = settings(max_examples=1000, deadline=None)
_CUE_PATTERNS = [cue.pattern for cue in reason_cues.CUE_TABLE]


def _first_chars(items: list) -> tuple[set[str] | None, bool]:
    """The characters a parsed pattern can start with (None: any), and whether it can be empty."""
    out: set[str] = set()
    for op, av in items:
        if op is sre.AT:
            continue
        if op is sre.LITERAL:
            return out | {chr(av)}, False
        if op is sre.IN:
            for kind, value in av:
                if kind is sre.LITERAL:
                    out.add(chr(value))
                elif kind is sre.RANGE:
                    out.update(map(chr, range(value[0], value[1] + 1)))
                else:
                    return None, False
            return out, False
        if op is sre.BRANCH:
            subs = [_first_chars(alt.data) for alt in av[1]]
        elif op is sre.SUBPATTERN:
            subs = [_first_chars(av[3].data)]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            first, empty = _first_chars(av[2].data)
            subs = [(first, empty or av[0] == 0)]
        else:
            return None, False
        if any(first is None for first, _ in subs):
            return None, False
        out = out.union(*(first for first, _ in subs))
        if not any(empty for _, empty in subs):
            return out, False
    return out, True


def test_every_cue_starts_with_a_lower_case_letter():
    # CUES only tries its alternatives where a word starts with [a-z]: true of every cue.
    for pattern in _CUE_PATTERNS:
        first, empty = _first_chars(sre_parse.parse(pattern).data)
        assert first is not None and not empty, pattern
        assert first <= set("abcdefghijklmnopqrstuvwxyz"), (pattern, sorted(first))
        assert pattern.startswith(r"\b"), pattern


def test_the_first_char_analysis_sees_through_optional_words():
    first, empty = _first_chars(sre_parse.parse(r"\b(?:i )?(?:just )?(?:saw|see)").data)
    assert first == {"i", "j", "s"} and not empty
    assert _first_chars(sre_parse.parse(r"\d+x").data)[0] is None


def test_cues_find_what_the_plain_alternation_finds():
    plain = re.compile("|".join(_CUE_PATTERNS))
    notes = [
        "Hi Priya, I'd love to compare notes on Kafka because your article fixed our lag.",
        "As you know, we met at PyData; so you're the person to ask. Since 2019? No: since you asked.",
        "...your talk on  robotics!! 'about the thing' 3x fellow Congratulations, who are you",
    ]
    for note in notes:
        folded = text.fold(note).text
        assert [m.span() for m in reason_cues.CUES.finditer(folded)] == [
            m.span() for m in plain.finditer(folded)
        ]


PLAIN_SENTENCE_END = re.compile(
    r"(?<![.!?…])[.!?…]++(?<!\bmr\.)(?<!\bmrs\.)(?<!\bms\.)(?<!\bdr\.)(?<!\bst\.)(?<!\bprof\.)"
    r"(?<!\bengr\.)(?<!\bsr\.)(?<!\bjr\.)(?<!\bvs\.)(?<!\bmt\.)(?<!\bdra\.)(?<!\bmd\.)(?<!\bma\.)(?=[\s\"'’”]|$)[\"'’”]*|\n\s*\n|\n(?=\s*[-•*])"
)
SENTENCE_TEXT = st.text(alphabet="ab .!?…\n\t\"'’”-•*mrdst", max_size=24)


@SETTINGS
@given(SENTENCE_TEXT, st.integers(0, 24), st.integers(0, 24))
def test_sentence_ends_are_the_plain_patterns(note: str, a: int, b: int):
    start, end = sorted((min(a, len(note)), min(b, len(note))))
    fast = [m.span() for m in text._SENTENCE_END.finditer(note, start, end)]
    assert fast == [m.span() for m in PLAIN_SENTENCE_END.finditer(note, start, end)]


PHRASE_TEXT = st.text(alphabet="abcs' -_.é1’", max_size=20)


def _plain_phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    tokens = mentions._phrase_tokens(phrase)
    if not tokens:
        return None
    body = r"[\W_]{1,3}".join(re.escape(t) + mentions._PLURAL for t in tokens)
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])")


@SETTINGS
@given(st.text(alphabet="abcs' -_.é1’", min_size=1, max_size=6), PHRASE_TEXT)
def test_phrase_and_stem_patterns_are_the_plain_patterns(phrase: str, note: str):
    plain, fast = _plain_phrase_pattern(phrase), mentions.phrase_pattern(phrase)
    assert (plain is None) == (fast is None)
    if plain and fast:
        assert [m.span() for m in fast.finditer(note)] == [m.span() for m in plain.finditer(note)]
    stem = re.escape(mentions._stem(phrase))
    plain_stem = re.compile(rf"(?<![^\W_]){stem}[^\W_]*")
    assert [m.span() for m in mentions.stem_pattern(phrase).finditer(note)] == [
        m.span() for m in plain_stem.finditer(note)
    ]


def _plain_deobfuscate(note: str) -> str:
    note = scams._SPLIT.sub(lambda m: re.sub(r"[ .\-_*·/]", "", m.group()), note)
    note = scams._MIXED.sub(lambda m: m.group().translate(scams._LEET), note)
    return scams._SPACES.sub(" ", note)


@SETTINGS
@given(st.text(alphabet="ab z0125@$!| .-_*·/\tAé\n,x9", max_size=16))
def test_deobfuscate_only_skips_steps_that_would_change_nothing(note: str):
    assert scams.deobfuscate(note) == _plain_deobfuscate(note)


def test_placeholder_starts_cover_every_field():
    from connectwell.statements import FIELD_STARTS, PLACEHOLDER

    # Each alternative of PLACEHOLDER opens with one of these characters, or is XXX.
    for field in ("{first_name}", "{{ name }}", "[COMPANY]", "<FIRST NAME>", "%NAME%", "${NAME}"):
        assert PLACEHOLDER.search(field) and field[0] in FIELD_STARTS
    assert PLACEHOLDER.search("Hi XXX,")


def test_shared_skills_is_a_fresh_list_each_time():
    first = mentions.shared_skills(("Kafka", "Python"), ("Python", "Spark"))
    assert first == ["Python"]
    first.append("changed")
    assert mentions.shared_skills(("Kafka", "Python"), ("Python", "Spark")) == ["Python"]


# ---------------------------------------------------------------- the scam pre-filter

_CORPORA = (
    "tests/corpus/scenarios.jsonl",
    "tests/corpus/holdout.jsonl",
    "tests/corpus/fresh.jsonl",
    "tests/corpus/blind2.jsonl",
    "tests/corpus/tune3.jsonl",
    "tests/corpus/tune4.jsonl",
)
# Scam phrasings and their innocent look-alikes, with the word forms a hand-made trigger list
# tends to miss (plurals, -ion and -ing forms, symbols).
_SCAM_WORDS = (
    "earn huge returns on cryptos | faces deactivation, restore access at bit.ly/x | "
    "my late client left usd 4.5 million | pay the processing fees | wire transfers | "
    "you've been selected to receive a grant | 300% monthly | 4x a week | presales | "
    "the platform's linkedln-security team | log in at www.verify-now.top | dm me on telegram now | "
    "gift cards | share your bank details | passive incomes | guaranteed payouts | our late "
    "investor meeting | your linkedin article | details for the badge | a salary band of $90k | "
    "my students made 30% trading | side income of $500 weekly | a small registration fee | "
    "the visa fee up front | pay for your own visa first | funds are released once you pay | "
    "we cover the visa fee | no registration fee | invested and gained 12x | disbursement after payment"
)


def _corpus_notes() -> list[str]:
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    notes = []
    for name in _CORPORA:
        path = root / name
        if path.is_file():
            notes += [json.loads(line)["scenario"]["message"] for line in path.open()]
    return notes


def test_the_scam_prefilter_changes_no_verdict_on_the_corpora():
    from test_scam_words import DISGUISED, INNOCENT

    import connectwell as cw

    extra = [p.strip() for p in _SCAM_WORDS.split("|")] + INNOCENT + DISGUISED
    for note in _corpus_notes() + extra:
        folded = cw.check(note).message.lower()
        for candidate in (folded, scams.deobfuscate(folded)):
            fast = scams._match(candidate)
            plain = scams._match(candidate, prefilter=False)
            assert (fast and (fast[0], fast[1].span())) == (plain and (plain[0], plain[1].span()))


@SETTINGS
@given(
    st.lists(
        st.sampled_from(
            [w for phrase in _SCAM_WORDS.split("|") for w in phrase.split()]
            + ["hi", "the", "a", "to", "your", "my", ".", "!", "1", "%", "$", "x", "http://a.xyz"]
        ),
        max_size=14,
    ).map(" ".join)
)
def test_the_scam_prefilter_is_the_plain_search(note: str):
    fast = scams._match(note)
    plain = scams._match(note, prefilter=False)
    assert (fast and (fast[0], fast[1].span())) == (plain and (plain[0], plain[1].span()))
