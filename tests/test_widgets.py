"""The course widgets, driven headless: set what a learner would set, assert on what they'd see.

Expected verdicts always come from connectwell.check, never from this file, because the rules
are still being tuned.
"""

from __future__ import annotations

import asyncio
import html
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

import connectwell as cw
from connectwell import data, widgets
from connectwell.course import checker as checker_module
from connectwell.course import display
from connectwell.course import timer as timer_module
from connectwell.report import SYMBOLS
from connectwell.scenario import parse_scenario

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
GOOD_PRIYA = (
    "Hi Priya, I'm hiring a Senior Data Engineer at Acme Robotics, and your Kafka and Python "
    "work at Globex is exactly what the team needs. Open to a short chat?"
)


def shows_verdicts(shown: str, report: cw.Report) -> None:
    """Every rule appears with its verdict as symbol and word on its own line."""
    lines = shown.splitlines()
    for f in report.findings:
        expected = f"{SYMBOLS[f.verdict]} {f.verdict}"
        assert any(f.rule in line and expected in line for line in lines), (f.rule, f.verdict)


def html_shows_verdicts(html: str, report: cw.Report) -> None:
    for f in report.findings:
        block = html.split(f'data-rule="{f.rule}"', 1)[1].split("</div>", 1)[0]
        assert f"{SYMBOLS[f.verdict]} {f.verdict}" in block, (f.rule, f.verdict)
        assert f"<b>{f.rule}</b>" in block


def assert_escaped(html: str) -> None:
    for payload in PAYLOADS:
        assert payload not in html
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


# ---------------------------------------------------------------- live checker


def test_live_checker_starts_with_every_rule_and_a_counter():
    checker = widgets.LiveChecker("priya")
    expected = cw.check(data.scenario_for("priya", ""))
    assert checker.report.verdicts == expected.verdicts
    shows_verdicts(checker.summary(), expected)
    html_shows_verdicts(checker.output.value, expected)
    assert "0/200" in checker.counter.value and "0/200" in checker.summary()
    assert "Priya Raman" in checker.heading.value
    assert checker.textarea.continuous_update


def test_setting_text_updates_everything():
    checker = widgets.LiveChecker("priya")
    checker.text = GOOD_PRIYA
    expected = cw.check(data.scenario_for("priya", GOOD_PRIYA))
    assert checker.textarea.value == GOOD_PRIYA
    assert checker.report.verdicts == expected.verdicts
    shows_verdicts(checker.summary(), expected)
    html_shows_verdicts(checker.output.value, expected)
    assert f"{len(GOOD_PRIYA)}/200" in checker.counter.value
    assert f"{len(GOOD_PRIYA)}/200" in checker.summary()


def test_typing_in_the_text_box_is_the_same_as_setting_text():
    checker = widgets.LiveChecker("dana")
    checker.textarea.value = "Hi Dana, Ruth Mensah suggested I ask you about placements."
    expected = cw.check(data.scenario_for("dana", checker.textarea.value))
    assert checker.text == checker.textarea.value
    assert checker.report.verdicts == expected.verdicts


def test_one_check_per_change(monkeypatch):
    calls = []
    real = checker_module.check
    monkeypatch.setattr(checker_module, "check", lambda *a, **k: calls.append(1) or real(*a, **k))
    checker = widgets.LiveChecker("priya")
    calls.clear()
    for n, char in enumerate("Hi Priya", 1):
        checker.text += char
        assert len(calls) == n
    checker.text = checker.text  # no change, no check
    assert len(calls) == len("Hi Priya")


def test_over_the_limit_counter_and_highlight():
    note = "Hi Priya, " + "your Kafka consumer lag article fixed our pipeline. " * 5
    checker = widgets.LiveChecker("priya", message=note)
    assert len(note) > 200
    assert f"{len(note)}/200" in checker.counter.value
    assert f"{len(note) - 200} over the limit" in checker.counter.value
    assert SYMBOLS["fail"] in checker.counter.value  # a symbol and words, not colour alone
    report = cw.check(data.scenario_for("priya", note))
    marked = [f for f in report.findings if f.verdict == "fail" and f.span]
    assert marked, "an over-long note has a failing span to mark"
    for f in marked:
        assert f'data-rule="{f.rule}"' in checker.output.value
    assert "<mark" in checker.output.value
    assert checker.marked()
    assert "marked (" in checker.summary()


def test_premium_account_counts_to_300():
    checker = widgets.LiveChecker("amara", message="x" * 250, account="premium")
    assert "250/300" in checker.counter.value and "over" not in checker.counter.value
    assert checker.report["fits-limit"].verdict == cw.check(checker.scenario)["fits-limit"].verdict
    assert "premium account" in checker.summary()


def test_learner_text_is_escaped_everywhere():
    note = f"Hi Priya {PAYLOADS[0]} {PAYLOADS[1]}"
    checker = widgets.LiveChecker("priya")
    checker.text = note
    assert_escaped(checker.output.value)
    bundle = checker._repr_mimebundle_()
    assert_escaped(bundle["text/html"])
    for payload in PAYLOADS:
        assert payload in bundle["text/plain"]  # plain text is text: shown as typed


def test_profile_mapping_is_escaped():
    scenario = data.scenario_for("priya", "")
    scenario["recipient"]["name"] = PAYLOADS[0]
    scenario["recipient"]["headline"] = PAYLOADS[1]
    checker = widgets.LiveChecker(scenario, message="Hello there")
    assert_escaped(checker.heading.value)
    assert_escaped(checker._repr_mimebundle_()["text/html"])


def test_live_checker_accepts_a_mapping_and_its_note():
    ex = data.example("reply-two-days-late")
    checker = widgets.LiveChecker(ex.scenario)
    assert checker.text == ex.message
    assert checker.report.verdicts == cw.check(ex.scenario).verdicts


def test_purpose_override():
    checker = widgets.LiveChecker("priya", message="Hi Priya", purpose="article")
    assert parse_scenario(checker.scenario).purpose == "article"
    assert "their article" in checker.summary()


def test_bad_input_gets_one_clear_line():
    with pytest.raises(widgets.WidgetError) as err:
        widgets.LiveChecker("pryia")
    assert "'pryia'" in str(err.value) and "priya" in str(err.value)
    assert "\n" not in str(err.value)
    with pytest.raises(widgets.WidgetError) as err:
        widgets.LiveChecker({"message": "", "purpose": "dating"})
    assert "purpose" in str(err.value) and "job_offer" in str(err.value)
    with pytest.raises(widgets.WidgetError):
        widgets.LiveChecker("priya", account="gold")
    checker = widgets.LiveChecker("priya")
    with pytest.raises(widgets.WidgetError):
        checker.text = 42


def test_display_bundle_has_widget_text_and_html():
    checker = widgets.LiveChecker("priya", message=GOOD_PRIYA)
    bundle = checker._repr_mimebundle_()
    assert bundle[WIDGET_VIEW]["model_id"] == checker.widget.model_id
    assert bundle["text/plain"] == checker.summary()
    assert f"{len(GOOD_PRIYA)}/200" in bundle["text/html"]


# ---------------------------------------------------------------- scenario picker


def test_picker_switches_recipients_and_keeps_the_note():
    note = "Hi Dana, Ruth Mensah suggested I ask you about placements at Wellbrook."
    picker = widgets.ScenarioPicker(["priya", "dana", "tomas"], message=note)
    assert picker.selected == "priya"
    assert picker.report.verdicts == cw.check(data.scenario_for("priya", note)).verdicts
    picker.select("dana")
    assert picker.text == note
    assert picker.report.verdicts == cw.check(data.scenario_for("dana", note)).verdicts
    assert "Dana Okafor" in picker.checker.heading.value
    assert data.profile("dana")["blurb"] in picker.summary()
    picker.dropdown.value = "tomas"  # what choosing from the dropdown does
    assert picker.report.verdicts == cw.check(data.scenario_for("tomas", note)).verdicts
    assert "Tomás Herrera" in picker.summary()


def test_picker_defaults_to_every_profile_and_rejects_unknown_ones():
    picker = widgets.ScenarioPicker()
    assert [value for _, value in picker.dropdown.options] == data.profile_ids()
    with pytest.raises(widgets.WidgetError):
        picker.select("nobody")
    with pytest.raises(widgets.WidgetError):
        widgets.ScenarioPicker(["priya", "nobody"])


# ---------------------------------------------------------------- request quiz


@pytest.mark.parametrize("name", data.QUIZ_SETS)
def test_quiz_right_answers_score_full_marks(name):
    quiz = widgets.RequestQuiz(name)
    items = data.quiz(name)
    for n, item in enumerate(items):
        assert quiz.current.id == item.id
        assert quiz.current.sender["name"] in quiz.card.value or not item.sender["name"]
        feedback = quiz.answer(item.answer)
        assert feedback.startswith(f"{SYMBOLS['pass']} Right")
        assert item.why in feedback
        assert quiz.score == n + 1
    assert quiz.done and quiz.current is None
    assert quiz.score == quiz.total == len(items)
    assert f"{len(items)}/{len(items)}" in quiz.summary().splitlines()[-1]
    assert f"{len(items)}/{len(items)}" in quiz.progress.value
    assert all(button.disabled for button in quiz.buttons.values())


def test_quiz_wrong_answers_show_the_reason_and_score_zero():
    quiz = widgets.RequestQuiz("triage")
    first = quiz.current
    wrong = next(c for c in data.QUIZ_ANSWERS if c != first.answer)
    feedback = quiz.answer(wrong)
    assert feedback.startswith(f"{SYMBOLS['fail']} Not quite")
    assert f"the answer is {first.answer}" in feedback and first.why in feedback
    assert quiz.score == 0
    assert first.why in quiz.feedback.value  # shown after the answer, in the widget too
    assert quiz.current is not first
    while not quiz.done:
        quiz.answer(next(c for c in data.QUIZ_ANSWERS if c != quiz.current.answer))
    assert quiz.score == 0
    assert f"0/{quiz.total}" in quiz.summary()
    assert "Worth another look" in quiz.card.value
    assert "over" in quiz.answer("accept")  # answering after the end does not crash


def test_quiz_buttons_answer_and_feedback_shows_the_checker():
    quiz = widgets.RequestQuiz("triage")
    item = quiz.current
    quiz.buttons[item.answer].click()
    assert quiz.score == 1
    report = cw.check(item.scenario, rules=list(display.QUIZ_RULES))
    for f in report.findings:
        assert f"{SYMBOLS[f.verdict]} {f.verdict}</span> {f.rule}" in quiz.feedback.value


def test_quiz_reset_and_bad_choice():
    quiz = widgets.RequestQuiz()
    quiz.answer(quiz.current.answer)
    quiz.reset()
    assert quiz.score == 0 and quiz.current.id == data.quiz("incoming")[0].id
    with pytest.raises(widgets.WidgetError) as err:
        quiz.answer("block")
    assert "accept, ignore or report" in str(err.value)
    assert quiz.answer(" REPORT ")  # case and spaces forgiven
    with pytest.raises(widgets.WidgetError):
        widgets.RequestQuiz("spam")


def test_quiz_messages_are_escaped_in_the_card():
    quiz = widgets.RequestQuiz("incoming")
    item = quiz.items[0]
    quiz.items[0] = data.QuizItem(
        item.id, {"name": PAYLOADS[0]}, PAYLOADS[1], item.answer, item.why
    )
    quiz.reset()
    assert PAYLOADS[0] not in quiz.card.value and PAYLOADS[1] not in quiz.card.value
    assert "&lt;script&gt;" in quiz.card.value and "&lt;img" in quiz.card.value


# ---------------------------------------------------------------- reply timer


def expected_prompt_reply(example_id: str, hours: float) -> str:
    """The prompt-reply verdict with the first reply moved to `hours` after the question."""
    scenario = data.example(example_id).scenario
    thread = [dict(m) for m in scenario["thread"]]
    parsed = parse_scenario(scenario).thread
    asked = next(m.at for m in parsed if m.author == "recipient")
    reply = next(i for i, m in enumerate(thread) if m["from"] == "sender")
    thread[reply]["at"] = (asked + timedelta(hours=hours)).isoformat()
    return cw.check({**scenario, "thread": thread})["prompt-reply"].verdict


def test_reply_timer_verdict_flips_when_the_slider_passes_a_day():
    timer = widgets.ReplyTimer("reply-same-day")
    seen = {}
    for hours in (23.5, 24.5):
        timer.delay_hours = hours
        expected = expected_prompt_reply("reply-same-day", hours)
        assert timer.verdict == expected
        assert f"{SYMBOLS[expected]} {expected}" in timer.output.value
        assert f"{SYMBOLS[expected]} {expected}" in timer.summary()
        seen[hours] = expected
    assert seen[23.5] != seen[24.5]


def test_moving_the_slider_is_the_same_as_setting_delay_hours():
    timer = widgets.ReplyTimer(data.example("reply-same-day").scenario)
    start = timer.delay_hours
    assert start == pytest.approx(4.25)  # the thread's own reply time
    timer.hours.value = 48
    assert timer.delay_hours == 48
    assert timer.verdict == expected_prompt_reply("reply-same-day", 48)
    assert "+48.0 h" in timer.timeline.value


def test_reply_timer_adds_a_question_and_uses_the_note_as_the_reply():
    timer = widgets.ReplyTimer(data.example("why-shared-connection").scenario)
    thread = parse_scenario(timer.scenario).thread
    assert [m.author for m in thread] == ["recipient", "sender"]
    assert thread[1].text == data.example("why-shared-connection").message
    assert timer.verdict == cw.check(timer.scenario)["prompt-reply"].verdict
    with pytest.raises(widgets.WidgetError) as err:
        widgets.ReplyTimer("priya")  # no note, no reply
    assert "reply=" in str(err.value)
    timer = widgets.ReplyTimer("priya", reply=PAYLOADS[0])
    assert_escaped_one = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert assert_escaped_one in timer.timeline.value and "<script" not in timer.timeline.value


def test_reply_timer_asks_why_after_a_thread_without_the_question():
    ex = data.example("reply-no-question")
    timer = widgets.ReplyTimer(ex.scenario)
    thread = parse_scenario(timer.scenario).thread
    assert len(thread) == len(ex["thread"]) + 2
    assert thread[-2].text == timer_module.DEFAULT_QUESTION and thread[-1].author == "sender"
    assert timer.verdict == cw.check(timer.scenario)["prompt-reply"].verdict
    assert "Why would you like to connect?" in timer.summary()


def test_reply_timer_rejects_negative_delays_and_stretches_the_slider():
    timer = widgets.ReplyTimer("reply-same-day")
    with pytest.raises(widgets.WidgetError):
        timer.delay_hours = -1
    timer.delay_hours = 100
    assert timer.hours.max >= 100 and timer.delay_hours == 100


# ---------------------------------------------------------------- compare


def test_compare_one_note_across_recipients():
    note = "Hi Priya, your article on taming Kafka consumer lag fixed our pipeline at Acme."
    table = widgets.compare(note, ["priya", "dana", "grace"])
    for pid in ("priya", "dana", "grace"):
        expected = cw.check(data.scenario_for(pid, note))
        assert table.verdicts[pid] == expected.verdicts
    html = table._repr_html_()
    text = table.to_text()
    for name in ("Priya", "Dana", "Grace"):
        assert f"<th>{name}</th>" in html and name in text
    for rule in cw.RULES:
        row = next(line for line in text.splitlines() if line.startswith(rule + " "))
        cells = [table.verdicts[p][rule] for p in ("priya", "dana", "grace")]
        assert [c for c in row.split() if c in ("pass", "fail", "n/a")] == cells


def test_compare_escapes_and_rejects_unknown_profiles():
    table = widgets.compare(" ".join(PAYLOADS), ["priya"])
    assert_escaped(table._repr_html_())
    with pytest.raises(widgets.WidgetError):
        widgets.compare("Hi", ["nobody"])


# ---------------------------------------------------------------- headless grading


def test_under_nbgrader_every_widget_still_works(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    shown = [
        widgets.LiveChecker("priya", message=GOOD_PRIYA),
        widgets.ScenarioPicker(["priya", "dana"]),
        widgets.RequestQuiz("triage"),
        widgets.ReplyTimer("reply-evasive"),
    ]
    for widget in shown:
        bundle = widget._repr_mimebundle_()
        assert WIDGET_VIEW not in bundle  # nobody will render a view; keep the output static
        assert bundle["text/plain"] == widget.summary()
        assert bundle["text/html"]
    shown[0].text = "Hi Priya"
    assert shown[0].report.verdicts == cw.check(data.scenario_for("priya", "Hi Priya")).verdicts
    assert shown[2].answer(shown[2].current.answer).startswith(SYMBOLS["pass"])


def test_ipython_display_publishes_the_bundle(monkeypatch):
    published = []
    import IPython.display

    monkeypatch.setattr(
        IPython.display, "display", lambda obj, raw=False: published.append((obj, raw))
    )
    checker = widgets.LiveChecker("priya")
    checker._ipython_display_()
    ((bundle, raw),) = published
    assert raw and bundle["text/plain"] == checker.summary() and WIDGET_VIEW in bundle


# ---------------------------------------------------------------- answer key


@pytest.mark.parametrize("quiz_set", ["incoming", "triage"])
def test_the_answer_key_stays_hidden_until_the_button_is_pressed(quiz_set):
    key = widgets.AnswerKey(quiz_set)
    items = data.quiz(quiz_set)
    assert "hidden" in key.summary() and key.table.value == ""
    assert all(item.why not in key.summary() for item in items)
    key.button.value = True  # what pressing the button (or Space on it) does
    assert key.button.description == "Hide the answer key"
    for item in items:
        assert item.why in key.summary()
        assert f"<b>{item.answer}</b>" in key.table.value
    key.show(False)
    assert key.table.value == ""


def test_the_answer_key_table_is_escaped_and_labelled():
    key = widgets.AnswerKey("triage").show()
    html = key.table.value
    assert "<caption>" in html and '<th scope="col">Answer</th>' in html
    assert "<script" not in html
    # a request's text reaches the table escaped ("Whats@pp", quotes, ampersands)
    assert "&#x27;" in html or "&quot;" in html or "&amp;" in html
    static = widgets.AnswerKey("triage")._static_html()
    assert static.startswith("<details><summary>Show the answer key</summary>")


def test_example_cards_show_each_note_with_computed_verdicts_escaped():
    cards = widgets.examples("10_recruiter_outreach")
    text, page = cards.to_text(), cards._repr_html_()
    for ex in data.lesson_examples("10_recruiter_outreach"):
        report = cw.check(ex)
        assert ex.id in text and ex.comment in text
        for rule in ex.shows:
            assert f"{rule} {display.verdict_text(report[rule].verdict)}" in text
    assert "🚀" in page and "<script" not in page
    with pytest.raises(widgets.WidgetError, match="no lesson named"):
        widgets.examples("11_nothing")


def test_example_cards_show_who_the_note_is_to_the_thread_and_the_fix():
    cards = widgets.examples("06_prompt_reply", rules=["prompt-reply"])
    text, page = cards.to_text(), cards._repr_html_()
    late = data.example("reply-two-days-late")
    report = cw.check(late)
    assert "To Lucía Fernández" in text and "reason: interest in their profile" in text
    # The conversation a reply rule judges is on the card, with its times.
    for message in late.scenario["thread"]:
        assert message["text"] in text and html.escape(message["text"]) in page
    assert "Wed 4 Mar 18:00" in text
    assert f"prompt-reply ✗ fail: {report['prompt-reply'].message}" in text
    assert f"fix: {report['prompt-reply'].hint}" in text
    # Rules a comment makes claims about are shown even when the lesson picks others.
    for ex in data.lesson_examples("06_prompt_reply"):
        card = text.split(f"{ex.id}: ", 1)[1].split("notice:", 1)[0]
        for rule, verdict in ex.shows.items():
            assert f"{rule} {display.verdict_text(verdict)}" in card, (ex.id, rule)


def test_rule_and_profile_tables_list_everything_escaped():
    rules, people = widgets.rules_table(), widgets.profiles_table()
    for rule in cw.RULES.values():
        assert rule.code in rules.to_text() and html.escape(rule.guideline) in rules._repr_html_()
    for pid in data.profile_ids():
        assert pid in people.to_text()
    assert "<caption>" in people._repr_html_() and "<script" not in people._repr_html_()


def test_example_cards_can_pick_examples_and_show_when_the_note_was_sent():
    follow_ups = ["recruit-useful-follow-up", "recruit-third-message"]
    text = widgets.examples("10_recruiter_outreach", ids=follow_ups).to_text()
    assert "recruit-formal-note:" not in text and "recruit-third-message:" in text
    assert "You sent the note, Mon 2 Mar 09:00 UTC+09:00" in text
    assert "one-follow-up ✗ fail: You followed up 2 times" in text
    with pytest.raises(widgets.WidgetError, match="has no example 'recruit-nothing'"):
        widgets.examples("10_recruiter_outreach", ids=["recruit-nothing"])


def test_the_verdict_is_announced_politely_once_typing_pauses():
    # Outside a running loop (nbconvert, these tests) the live region updates at once.
    checker = widgets.LiveChecker("priya", message="Hi Priya")
    region = checker.status.value
    assert 'role="status"' in region and 'aria-live="polite"' in region
    assert checker.status_text() in html.unescape(region) and "Fails" in checker.status_text()

    async def type_quickly() -> tuple[int, int, str]:
        before = checker.announcements
        for text in ("Hi Priya, y", "Hi Priya, yo", "Hi Priya, you", "<b>Hi</b> Priya"):
            checker.text = text  # a keystroke each, faster than the pause
        during = checker.announcements - before
        await asyncio.sleep(display.ANNOUNCE_AFTER + 0.3)
        return during, checker.announcements - before, checker.status.value

    # In a thread of its own with a loop of its own, as a kernel's: the full suite may leave an
    # event loop marked running in this thread (Playwright's sync API does), where asyncio.run
    # refuses to start.
    with ThreadPoolExecutor(1) as pool:
        during, after, region = pool.submit(asyncio.run, type_quickly()).result()
    assert during == 0 and after == 1  # one announcement for the burst, not one per key
    assert f"{len('<b>Hi</b> Priya')}/200 characters" in region  # about the latest text
    assert checker.status_text() in html.unescape(region)
