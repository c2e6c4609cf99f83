"""The course data files: they load, parse as scenarios, and match the course contract."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources

import pytest
from course_layout import COURSE_STEMS

import connectwell as cw
from connectwell import data
from connectwell.scenario import ACCOUNTS, PURPOSES, parse_scenario

DATA_FILES = sorted(
    p.name.removesuffix(".yaml")
    for p in (resources.files("connectwell") / "data").iterdir()
    if p.name.endswith(".yaml")
)


@pytest.mark.parametrize("name", DATA_FILES)
def test_every_data_file_loads(name):
    assert data.load(name) is not None


def test_the_course_data_files_are_there():
    assert {"profiles", "lessons", "quiz"} <= set(DATA_FILES)


def test_unknown_data_file_names_the_available_ones():
    with pytest.raises(KeyError) as err:
        data.load("profile")
    message = str(err.value)
    assert "'profile'" in message and "profiles" in message and "\n" not in message


# ---------------------------------------------------------------- profiles


@pytest.mark.parametrize("pid", data.profile_ids())
def test_profile_parses_as_a_scenario(pid):
    entry = data.profile(pid)
    assert entry["blurb"].strip()
    assert entry.get("purpose") is None or entry["purpose"] in PURPOSES
    scenario = parse_scenario(data.scenario_for(pid, "Hello"))
    assert scenario.recipient.name and scenario.recipient.headline
    assert scenario.message == "Hello"


def test_at_least_eight_varied_recipients():
    headlines = " ".join(data.profile(p)["recipient"]["headline"] for p in data.profile_ids())
    for kind in ("Data Engineer", "Pharmacist", "Farm Manager", "Reporter", "Architect"):
        assert kind in headlines
    for kind in ("Sports Scientist", "Nurse", "Logistics"):
        assert kind in headlines
    names = {data.profile(p)["recipient"]["name"] for p in data.profile_ids()}
    assert len(names) == len(data.profile_ids()) >= 8


def test_profile_is_a_copy_the_caller_may_edit():
    data.profile("priya")["recipient"]["name"] = "Changed"
    assert data.profile("priya")["recipient"]["name"] == "Priya Raman"


def test_scenario_for_overrides_and_removes_fields():
    scenario = data.scenario_for("priya", "Hi", account="premium", job=None, purpose="article")
    parsed = parse_scenario(scenario)
    assert parsed.limit == ACCOUNTS["premium"]
    assert parsed.job is None and parsed.purpose == "article"
    assert parse_scenario(data.scenario_for("priya", "Hi")).job is not None


def test_scenario_for_rejects_unknown_names_in_one_line():
    with pytest.raises(KeyError) as err:
        data.scenario_for("pryia", "Hi")
    assert "'pryia'" in str(err.value) and "priya" in str(err.value)
    with pytest.raises(KeyError) as err:
        data.scenario_for("priya", "Hi", accout="premium")
    assert "accout" in str(err.value) and "account" in str(err.value)


def test_course_errors_show_one_line_in_a_notebook():
    with pytest.raises(data.CourseDataError) as err:
        data.profile("nobody")
    assert err.value._render_traceback_() == [f"CourseDataError: {err.value}"]


# ---------------------------------------------------------------- lessons


def test_lesson_keys_are_the_course_notebooks():
    assert data.lesson_stems() == COURSE_STEMS


def test_lesson_examples_parse_and_have_unique_ids():
    seen = set()
    for stem in COURSE_STEMS:
        examples = data.lesson_examples(stem)
        assert len(examples) >= 3, stem
        for ex in examples:
            assert ex.id not in seen, ex.id
            seen.add(ex.id)
            assert ex.comment.strip(), ex.id
            assert ex.profile in data.profile_ids()
            parse_scenario(ex.scenario)


def test_lesson_comments_never_state_a_verdict():
    # The notebooks compute verdicts; a comment that states one goes stale when rules change.
    for stem in COURSE_STEMS:
        for ex in data.lesson_examples(stem):
            words = ex.comment.lower().replace(".", " ").replace(",", " ").split()
            assert not {"passes", "fails", "pass", "fail"} & set(words), ex.id


ALL_EXAMPLES = [ex for stem in COURSE_STEMS for ex in data.lesson_examples(stem)]


@pytest.mark.parametrize("ex", ALL_EXAMPLES, ids=lambda ex: ex.id)
def test_each_lesson_comment_agrees_with_the_report_it_sits_beside(ex):
    # A comment that says "the reason comes late" beside a report that says the note has no
    # reason at all teaches a learner to distrust both. `shows` lists what the comment claims.
    import connectwell as cw

    assert ex.shows, f"{ex.id}: say in `shows` which verdicts its comment claims"
    report = cw.check(ex)
    for rule, verdict in ex.shows.items():
        assert rule in cw.RULES, (ex.id, rule)
        assert report[rule].verdict == verdict, (ex.id, rule, report[rule].message)


def test_the_life_story_and_motive_first_notes_differ_only_in_order():
    # Lesson 07 says the two notes to Mei differ only in what she reads first: the same words.
    import re

    words = [
        sorted(re.findall(r"[\w']+", data.example(i).message.lower()))
        for i in ("motive-life-story", "motive-first")
    ]
    assert words[0] == words[1]


def test_example_reads_as_its_scenario():
    ex = data.example("fit-named-skills")
    assert ex.message == ex["message"] == ex.scenario["message"]
    assert dict(ex) == ex.scenario
    assert cw.check(ex).verdicts == cw.check(ex.scenario).verdicts
    assert data.lesson_examples("05_explains_fit.ipynb")[0].id == "fit-great-fit"


def test_lesson_examples_of_an_unknown_lesson():
    with pytest.raises(KeyError) as err:
        data.lesson_examples("04_personalized")
    assert "04_personalised" in str(err.value)


def test_the_limit_examples_sit_between_the_free_and_premium_limits():
    long = data.example("personalised-too-long")
    premium = data.example("personalised-too-long-premium")
    cut = data.example("personalised-cut-to-fit")
    assert ACCOUNTS["free"] < len(long.message) <= ACCOUNTS["premium"]
    assert premium.message == long.message and premium["account"] == "premium"
    assert len(cut.message) <= ACCOUNTS["free"]


def test_prompt_reply_examples_have_threads():
    for ex in data.lesson_examples("06_prompt_reply"):
        assert parse_scenario(ex.scenario).thread, ex.id


# ---------------------------------------------------------------- quiz


@pytest.mark.parametrize(("name", "least"), [("incoming", 8), ("triage", 10)])
def test_quiz_sets(name, least):
    items = data.quiz(name)
    assert len(items) >= least
    assert {item.answer for item in items} == set(data.QUIZ_ANSWERS)
    for item in items:
        assert item.answer in data.QUIZ_ANSWERS, item.id
        assert item.why.strip(), item.id
        assert item.sender["name"].strip(), item.id
        parse_scenario(item.scenario)
        if item.answer == "report":
            assert item.flags, f"{item.id}: a report needs its red flags"


def test_quiz_ids_are_unique_across_sets():
    ids = [item.id for name in data.QUIZ_SETS for item in data.quiz(name)]
    assert len(ids) == len(set(ids))


def test_quiz_incoming_has_a_blank_request_from_a_stranger():
    assert any(not item.message.strip() for item in data.quiz("incoming"))


def test_quiz_items_are_sent_to_the_quiz_persona():
    persona = data.quiz_persona()
    assert persona["name"]
    for item in data.quiz("triage"):
        assert parse_scenario(item.scenario).recipient.name == persona["name"]


def test_unknown_quiz_set():
    with pytest.raises(KeyError) as err:
        data.quiz("spam")
    assert "incoming" in str(err.value) and "triage" in str(err.value)


def test_data_module_keeps_import_light():
    code = (
        "import sys, connectwell, connectwell.data as d; d.profile('priya'); "
        "print(sorted(m for m in ('ipywidgets', 'nbgrader', 'pandas', 'matplotlib') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
