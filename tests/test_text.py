"""Folding notes so rules read what a person reads, and mapping what they find back."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from connectwell.text import fold, greeting_end, sentence_spans, signoff_start


@pytest.mark.parametrize(
    ("original", "folded"),
    [
        # compatibility forms: fullwidth, mathematical alphanumerics, ligatures, circled digits
        ("ＨＥＬＬＯ Ｐｒｉｙａ", "hello priya"),
        ("𝐩𝐫𝐨𝐟𝐢𝐭 𝐠𝐮𝐚𝐫𝐚𝐧𝐭𝐞𝐞𝐝", "profit guaranteed"),
        ("𝕜𝕒𝕗𝕜𝕒 𝘱𝘺𝘵𝘩𝘰𝘯 𝙗𝙩𝙘", "kafka python btc"),
        ("ﬁle ﬂow", "file flow"),
        ("① day", "1 day"),
        # Cyrillic and Greek letters hiding inside Latin words
        ("pаypal", "paypal"),  # Cyrillic а
        ("WhаtsApp", "whatsapp"),
        ("Теlеgrаm", "telegram"),  # Cyrillic Т, е, а
        ("Τelegram", "telegram"),  # Greek Tau
        ("prοfit", "profit"),  # Greek omicron
        ("ΒΤC", "btc"),  # Greek Beta, Tau
        # accents
        ("café Zoë naïve résumé", "cafe zoe naive resume"),
        ("Ñoño Ångström", "nono angstrom"),
        # invisible characters: zero-width space/joiners, word joiner, BOM, soft hyphen
        ("gua\u200brant\u200dee", "guarantee"),
        ("what\u2060s\ufeffapp", "whatsapp"),
        ("tele\u00adgram", "telegram"),
        ("zero\u200cwidth", "zerowidth"),
        # odd spaces are spaces
        ("a\u00a0b\u2009c", "a b c"),
        ("PLAIN ascii", "plain ascii"),
        ("", ""),
    ],
)
def test_fold_reads_what_a_person_reads(original: str, folded: str) -> None:
    assert fold(original).text == folded


@pytest.mark.parametrize(
    ("original", "word", "written"),
    [
        ("Hi Ｐriya\u200b, the ﬁle is here", "priya", "Ｐriya"),
        ("Hi Ｐriya\u200b, the ﬁle is here", "file", "ﬁle"),
        ("send \u200bmo\u200bney now", "money", "mo\u200bney"),
        ("𝐩𝐫𝐨𝐟𝐢𝐭 guaranteed", "profit", "𝐩𝐫𝐨𝐟𝐢𝐭"),
        ("a\u200b\u200b\u200bb then café", "cafe", "café"),
        ("Ⅻ days", "days", "days"),
    ],
)
def test_a_folded_span_points_at_what_was_written(original: str, word: str, written: str) -> None:
    folded = fold(original)
    start = folded.text.index(word)
    a, b = folded.span(start, start + len(word))
    assert original[a:b] == written


# Text with the characters that make folding interesting: wide, bold, look-alikes, accents,
# combining marks alone, invisible ones, emoji, right-to-left scripts, NUL and ligatures.
_TRICKY = st.sampled_from(
    list(
        "ＡｚＰ𝐩𝐫𝕜аеорсΤΒοéñçÅ\u0301\u0308\u200b\u200c\u200d\u2060\ufeff\u00ad🙂👋🏽שלוםمرحبا\x00ﬁﬂⅫ①İßΣς\n\t "
    )
)
TEXT = st.lists(st.one_of(st.characters(), _TRICKY, st.sampled_from("ab .,!?")), max_size=60).map(
    "".join
)


@given(text=TEXT, data=st.data())
def test_every_folded_span_maps_inside_the_original(text: str, data: st.DataObject) -> None:
    folded = fold(text)
    n = len(folded.text)
    start = data.draw(st.integers(0, n), label="start")
    end = data.draw(st.integers(start, n), label="end")
    a, b = folded.span(start, end)
    assert 0 <= a <= b <= len(text)
    if start < end:
        # What the rule matched is in what the learner wrote, folded.
        assert folded.text[start:end] in fold(text[a:b]).text


@given(text=TEXT)
def test_folding_is_per_character(text: str) -> None:
    # Folding text in two halves gives the same as folding it whole: no context leaks in,
    # which is what makes the position map exact.
    assume(len(text) >= 2)
    mid = len(text) // 2
    assert fold(text).text == fold(text[:mid]).text + fold(text[mid:]).text


# ---------------------------------------------------------------- structure of a note


@pytest.mark.parametrize(
    ("note", "greeting"),
    [
        ("Hi Priya, your talk fixed our bug.", "hi priya,"),
        ("Hello there! I read your post.", "hello there!"),
        ("Good morning Priya! I read your post.", "good morning priya!"),
        ("Hi Priya Raman, I read your post.", "hi priya raman,"),
        ("Dear Dr Raman, I read your post.", "dear dr raman,"),
        ("Hi Priya\nI read your post.", "hi priya\n"),
        ("Hey 👋 I read your post.", "hey 👋"),
        ("Ｈｉ Priya, I read your post.", "hi priya,"),
        ("I read your post.", ""),
        ("Hiring now for a Kafka role.", ""),  # "hi" only as a word
        ("", ""),
    ],
)
def test_greeting_end(note: str, greeting: str) -> None:
    text = fold(note).text
    assert text[: greeting_end(text)] == greeting


@pytest.mark.parametrize(
    ("note", "signoff"),
    [
        ("Your talk fixed our bug. Best regards, Sam", "best regards, sam"),
        ("Your talk fixed our bug. Thanks!", "thanks!"),
        ("Your talk fixed our bug. Cheers, Sam Lee", "cheers, sam lee"),
        ("Can we talk?\n\nBest,\nSam", "best,\nsam"),
        ("Kind regards", "kind regards"),
        ("Thanks to your article, we fixed our Kafka consumer bug.", ""),
        ("Your talk fixed our bug.", ""),
        ("", ""),
    ],
)
def test_signoff_start(note: str, signoff: str) -> None:
    text = fold(note).text
    assert text[signoff_start(text) :] == signoff


def test_signoff_never_starts_before_the_body() -> None:
    text = fold("Hi Sam, thanks").text
    start = greeting_end(text)
    assert signoff_start(text, start) >= start


@pytest.mark.parametrize(
    ("note", "sentences"),
    [
        (
            "Hi Priya. I read your article! Can we talk?",
            ["Hi Priya.", "I read your article!", "Can we talk?"],
        ),
        ('She said "hi." Then left.', ['She said "hi."', "Then left."]),
        ("I have 3.5 years in Kafka. Really.", ["I have 3.5 years in Kafka.", "Really."]),
        ("Line one\n\nLine two", ["Line one", "Line two"]),
        ("  padded.   next  ", ["padded.", "next"]),
        ("Wow!!! Really?! Yes", ["Wow!!!", "Really?!", "Yes"]),
        ("", []),
        ("   ", []),
    ],
)
def test_sentence_spans(note: str, sentences: list[str]) -> None:
    assert [note[a:b] for a, b in sentence_spans(note)] == sentences


@given(text=TEXT, data=st.data())
def test_sentence_spans_are_ordered_trimmed_and_inside_the_range(
    text: str, data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    spans = sentence_spans(text, start, end)
    previous = start
    for a, b in spans:
        assert previous <= a < b <= end
        assert not text[a].isspace() and not text[b - 1].isspace()
        previous = b


def test_folded_span_is_the_inverse_of_span() -> None:
    note = "Hi\u200b Priya, ﬁx <COMPANY> now"  # a vanishing space and a ligature that grows
    folded = fold(note)
    start = note.index("<COMPANY>")
    s, e = folded.folded_span(start, start + len("<COMPANY>"))
    assert folded.text[s:e] == "<company>"
    assert folded.span(s, e) == (start, start + len("<COMPANY>"))
