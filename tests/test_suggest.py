"""cw.suggest: rewrites that pass every rule, built only from what the sender knows."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import connectwell as cw
from connectwell import data, grading, widgets
from connectwell.scenario import PURPOSES, parse_scenario
from connectwell.suggest import Suggestions, suggest

CORPUS = Path(__file__).parent / "corpus"

# Words a suggestion may capitalise without the scenario holding them: sentence openers.
_OPENERS = {"Hi", "Dear", "I", "I'm", "I'd", "May", "Would", "Could", "We", "It"}


def corpus_scenarios() -> list[dict[str, Any]]:
    out = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            out.append(doc.get("scenario", doc))
    out += [ex.scenario for stem in data.lesson_stems() for ex in data.lesson_examples(stem)]
    return out


def enough_facts(s: Any) -> bool:
    """What suggest needs: a name, something specific (or a job they fit), and no thread that
    fails whatever the note says."""
    r = s.recipient
    if not r.first_name:
        return False
    thread_fails = any(
        cw.check(s, rules=["prompt-reply", "one-follow-up"])[rule].verdict == "fail"
        for rule in ("prompt-reply", "one-follow-up")
    )
    if thread_fails:
        return False
    if s.purpose == "job_offer":
        needed = {k.lower() for k in (s.job.skills if s.job else ())}
        return bool(s.job and s.job.title and any(k.lower() in needed for k in r.skills))
    return bool(r.shared_connections or r.articles or r.events or r.skills)


def invented_words(text: str, scenario: Any) -> list[str]:
    """Capitalised words of a suggestion that the scenario never mentions."""
    # The learner's own sentences may be kept with a capital added, so compare in lower case.
    known = json.dumps(parse_scenario(scenario).to_dict(), ensure_ascii=False).lower()
    return [
        w
        for w in re.findall(r"\b[A-Z][\w'’-]*", text)
        if w not in _OPENERS and w.lower() not in known
    ]


def test_every_suggestion_on_the_corpus_passes_and_invents_nothing():
    scenarios = corpus_scenarios()
    with_facts = got = 0
    for doc in scenarios:
        try:
            s = parse_scenario(doc)
        except cw.ScenarioError:
            continue  # the corpus's deliberately broken entries
        found = suggest(s)
        if enough_facts(s):
            with_facts += 1
            got += bool(found)
        for suggestion in found:
            assert cw.check({**doc, "message": suggestion.text}).passed, suggestion.text
            assert suggestion.report.passed
            assert invented_words(suggestion.text, doc) == [], suggestion.text
        if not found:
            assert found.missing and "\n" not in found.missing
    # Every scenario with the facts a note needs gets at least one passing suggestion.
    assert with_facts > 1000 and got == with_facts


def test_the_course_profiles_get_three_different_suggestions():
    for pid in data.profile_ids():
        found = suggest(data.scenario_for(pid, "Hi, I'd love to connect!"))
        texts = [s.text for s in found]
        assert len(texts) == len(set(texts)) >= 1, pid
        if pid not in ("priya", "grace", "haruka"):  # a job offer has one job to lead with
            assert len(found) == 3, pid
            openings = {s.text.split(",", 1)[1].split(".")[0] for s in found}
            assert len(openings) == 3, (pid, texts)  # a different first sentence each


def test_suggestions_are_deterministic():
    scenario = data.scenario_for("mei", "Hello! We'd love your Year 9 pupils at our robotics day.")
    first, again = suggest(scenario), suggest(scenario)
    assert [(s.text, s.facts) for s in first] == [(s.text, s.facts) for s in again]


def test_what_was_good_in_the_learners_note_is_kept():
    formal = suggest(data.scenario_for("haruka", "Dear Ms Sato, we have a great role for you!"))
    assert all(s.text.startswith("Dear Ms Sato,") for s in formal)
    question = "How do you set up a flu jab clinic in a small pharmacy?"
    own = suggest(data.scenario_for("dana", f"Hi Dana! {question}"))
    assert question in own[0].text and any(f.kind == "question" for f in own[0].facts)
    reason = "We'd love your Year 9 pupils at our robotics day in Leeds on 14 May."
    kept = suggest(data.scenario_for("mei", f"Hello! {reason}"))
    assert reason in kept[0].text and any(f.kind == "reason" for f in kept[0].facts)


@pytest.mark.parametrize(
    ("doc", "says"),
    [
        (
            {"message": "Hi", "recipient": {"name": "Mei Lin", "company": "Ashford Academy"}},
            "You know nothing specific about Mei yet: look at their profile for a shared "
            "connection, a post or where you met.",
        ),
        ({"message": "Hi", "recipient": {"headline": "Teacher"}}, "You don't know their name"),
        (
            {
                "message": "Hi",
                "purpose": "job_offer",
                "recipient": {"name": "Lena Fischer", "skills": ["Go"]},
                "job": {"title": "Wind Turbine Technician", "skills": ["rope access"]},
            },
            "None of Lena's skills is one the Wind Turbine Technician role needs",
        ),
        (
            {"message": "Hi", "purpose": "job_offer", "recipient": {"name": "Lena Fischer"}},
            "There is no job to offer Lena yet",
        ),
        (
            data.example("reply-two-days-late").scenario,
            "A new note cannot fix this: prompt-reply",
        ),
    ],
)
def test_too_few_facts_get_one_clear_line_and_no_suggestion(doc, says):
    found = suggest(doc)
    assert list(found) == [] and found.missing.startswith(says)
    assert found.to_text() == found.missing


def test_bad_input_is_a_clear_error():
    with pytest.raises(ValueError, match="n: ask for at least one suggestion"):
        suggest("Hi", n=0)
    with pytest.raises(cw.ScenarioError, match="purpose"):
        suggest({"message": "Hi", "purpose": "sales"})


def test_suggestions_show_escaped_in_html():
    question = "Could I ask about <script>alert(1)</script> at your clinic?"
    found = suggest(data.scenario_for("dana", f"Hi Dana! {question}"))
    page = found._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<script>" not in Suggestions(missing="<b>x</b>")._repr_html_()


_NAMES = st.sampled_from(["Priya Raman", "Mei Lin", "Ma. Lourdes Santos", "Kwame Mensah", ""])
_LISTS = st.lists(st.sampled_from(["Kafka", "SPC", "Alex Chen", "PyData 2025", "x"]), max_size=3)


@given(
    note=st.text(max_size=200),
    name=_NAMES,
    purpose=st.sampled_from([None, *PURPOSES]),
    skills=_LISTS,
    articles=_LISTS,
    connections=_LISTS,
    events=_LISTS,
    job_skills=_LISTS,
    account=st.sampled_from(["free", "premium"]),
)
def test_suggest_never_raises_and_never_returns_a_failing_note(
    note, name, purpose, skills, articles, connections, events, job_skills, account
):
    doc = {
        "message": note,
        "purpose": purpose,
        "account": account,
        "sender": {"name": "Sam Lee", "headline": "Recruiter at Acme"},
        "recipient": {
            "name": name,
            "skills": skills,
            "articles": articles,
            "shared_connections": connections,
            "events": events,
        },
        "job": {"title": "Data Engineer", "company": "Acme", "skills": job_skills},
    }
    found = suggest(doc)
    assert found or found.missing
    for suggestion in found:
        assert cw.check({**doc, "message": suggestion.text}).passed


# ---------------------------------------------------------------- in the course


def test_the_live_checker_suggests_only_when_asked_and_copies_only_on_use():
    checker = widgets.LiveChecker("mei", message="Hi Mei, would love to connect!")
    assert checker.suggest_button is not None and checker.suggest_button.description
    assert checker.suggestions_box.children == ()
    checker.suggest_button.click()
    assert checker.text == "Hi Mei, would love to connect!"  # never replaced by itself
    shown = checker.suggestions
    assert shown and len(checker.suggestions_box.children) == 2 * len(shown)
    assert "Suggested rewrites:" in checker.summary()
    use_second = checker.suggestions_box.children[3]
    assert use_second.description == "Use suggestion 2"
    use_second.click()
    assert checker.text == shown[1].text and checker.report.passed
    with pytest.raises(widgets.WidgetError, match="no suggestion 9"):
        checker.use(9)


def test_the_message_workshop_picker_can_suggest():
    picker = widgets.ScenarioPicker(profiles=["tomas", "kenji"], message="Hi!")
    picker.checker.suggest()
    assert picker.checker.suggestions and "Suggested rewrites" in picker.summary()


def test_graded_editors_have_no_suggest_button():
    grading.start("02_personalised")
    editor = grading.editor("q1")
    assert editor.suggest_button is None
    assert not any(
        getattr(child, "description", "") == "Suggest a rewrite" for child in editor.widget.children
    )
