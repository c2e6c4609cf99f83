"""The scenario format: what parses, what each mistake is called, and reading files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from connectwell.scenario import (
    Job,
    Message,
    Person,
    Profile,
    Scenario,
    ScenarioError,
    load_scenario,
    load_scenarios,
    parse_scenario,
)

FULL: dict[str, Any] = {
    "message": "Hi Priya, I'm hiring a Senior Data Engineer at Acme; your Kafka work fits it.",
    "purpose": "job_offer",
    "account": "premium",
    "sender": {"name": "Sam Lee", "headline": "Technical Recruiter at Acme Robotics"},
    "recipient": {
        "name": "Priya Raman",
        "headline": "Data Engineer at Globex",
        "company": "Globex",
        "industry": "Software",
        "skills": ["Kafka", "Python", "Airflow"],
        "articles": ["Taming Kafka consumer lag"],
        "shared_connections": ["Alex Chen"],
        "events": ["PyData London 2025"],
    },
    "job": {
        "title": "Senior Data Engineer",
        "company": "Acme Robotics",
        "industry": "Software",
        "skills": ["Kafka", "Python", "Spark"],
    },
    "thread": [
        {
            "from": "recipient",
            "at": "2026-03-02T09:00:00Z",
            "text": "Why would you like to connect?",
        },
        {"from": "sender", "at": "2026-03-02T10:30:00Z", "text": "We're moving to Kafka at Acme."},
    ],
}


def with_(**fields: Any) -> dict[str, Any]:
    """A minimal valid scenario plus the given fields."""
    return {"message": "Hi", **fields}


def msg(at: Any, author: str = "recipient", text: str = "Why connect?") -> dict[str, Any]:
    return {"from": author, "at": at, "text": text}


def error_of(data: Any) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    return str(info.value)


def assert_one_line(message: str) -> None:
    assert message.strip(), "an error with no words"
    assert "\n" not in message and "\r" not in message, f"not one line: {message!r}"


# ---------------------------------------------------------------- parsing


def test_every_field_is_read() -> None:
    s = parse_scenario(FULL)
    assert s.message == FULL["message"]
    assert s.purpose == "job_offer"
    assert s.account == "premium"
    assert s.limit == 300
    assert s.sender == Person("Sam Lee", "Technical Recruiter at Acme Robotics")
    assert s.recipient == Profile(
        name="Priya Raman",
        headline="Data Engineer at Globex",
        company="Globex",
        industry="Software",
        skills=("Kafka", "Python", "Airflow"),
        articles=("Taming Kafka consumer lag",),
        shared_connections=("Alex Chen",),
        events=("PyData London 2025",),
    )
    assert s.job == Job(
        "Senior Data Engineer", "Acme Robotics", "Software", ("Kafka", "Python", "Spark")
    )
    assert s.thread == (
        Message("recipient", datetime(2026, 3, 2, 9, tzinfo=UTC), "Why would you like to connect?"),
        Message(
            "sender", datetime(2026, 3, 2, 10, 30, tzinfo=UTC), "We're moving to Kafka at Acme."
        ),
    )
    assert s.recipient.first_name == "Priya"
    assert s.recipient.role == "Data Engineer"


def test_a_bare_string_is_a_note_with_no_context() -> None:
    s = parse_scenario("Hi Priya, loved your Kafka article.")
    assert s == Scenario(message="Hi Priya, loved your Kafka article.")
    assert (s.purpose, s.account, s.limit, s.job, s.thread) == (None, "free", 200, None, ())


def test_a_scenario_passes_through_unchanged() -> None:
    s = parse_scenario(FULL)
    assert parse_scenario(s) is s
    assert Scenario.from_dict(FULL) == s


@pytest.mark.parametrize(
    ("fields", "account", "limit"),
    [
        ({}, "free", 200),
        ({"account": None}, "free", 200),
        ({"account": "free"}, "free", 200),
        ({"account": "premium"}, "premium", 300),
    ],
    ids=["absent", "null", "free", "premium"],
)
def test_account_defaults_to_free_and_sets_the_limit(fields, account, limit) -> None:
    s = parse_scenario(with_(**fields))
    assert (s.account, s.limit) == (account, limit)


def test_optional_parts_default_to_empty() -> None:
    s = parse_scenario({"message": ""})
    assert s.message == ""
    assert s.purpose is None
    assert s.sender == Person() and s.recipient == Profile()
    assert s.job is None and s.thread == ()


def test_null_fields_count_as_absent() -> None:
    s = parse_scenario(
        with_(purpose=None, sender=None, recipient={"name": "Priya", "skills": None}, job=None)
    )
    assert s.purpose is None and s.job is None
    assert s.recipient == Profile(name="Priya")


def test_a_lone_string_where_a_list_belongs_is_one_item() -> None:
    s = parse_scenario(with_(recipient={"skills": "Kafka"}))
    assert s.recipient.skills == ("Kafka",)


@pytest.mark.parametrize(
    "purpose",
    [
        "met_in_person",
        "shared_connection",
        "profile_interest",
        "article",
        "job_offer",
        "relationship",
    ],
)
def test_every_purpose_is_accepted(purpose: str) -> None:
    assert parse_scenario(with_(purpose=purpose)).purpose == purpose


# ---------------------------------------------------------------- mistakes, named

_BAD: list[tuple[str, Any, str]] = [
    ("a number", 42, "scenario"),
    ("a list", ["Hi"], "scenario"),
    ("null", None, "scenario"),
    ("no message", {"purpose": "article"}, "message"),
    ("message a number", {"message": 5}, "message"),
    ("message null", {"message": None}, "message"),
    ("unknown purpose", with_(purpose="sales"), "purpose"),
    ("purpose a list", with_(purpose=["job_offer"]), "purpose"),
    ("unknown account", with_(account="gold"), "account"),
    ("account a list", with_(account=["premium"]), "account"),
    ("account a mapping", with_(account={"type": "premium"}), "account"),
    ("unknown top-level field", with_(mesage="Hi"), "mesage"),
    ("sender a string", with_(sender="Sam Lee"), "sender"),
    ("sender an empty string", with_(sender=""), "sender"),
    ("unknown sender field", with_(sender={"name": "Sam", "title": "Recruiter"}), "sender.title"),
    ("recipient a list", with_(recipient=["Priya"]), "recipient"),
    ("unknown recipient field", with_(recipient={"skils": ["Kafka"]}), "recipient.skils"),
    ("recipient name a list", with_(recipient={"name": ["Priya"]}), "recipient.name"),
    ("skills a mapping", with_(recipient={"skills": {"Kafka": 5}}), "recipient.skills"),
    ("a skill a number", with_(recipient={"skills": ["Kafka", 3]}), "recipient.skills[1]"),
    ("an article null", with_(recipient={"articles": [None]}), "recipient.articles[0]"),
    ("an event a mapping", with_(recipient={"events": ["A", "B", {}]}), "recipient.events[2]"),
    ("job a string", with_(job="Senior Data Engineer"), "job"),
    ("unknown job field", with_(job={"salary": "80k"}), "job.salary"),
    ("a job skill a list", with_(job={"skills": [["Kafka"]]}), "job.skills[0]"),
    ("thread a string", with_(thread="Why?"), "thread"),
    ("thread a mapping", with_(thread={"from": "recipient"}), "thread"),
    ("thread item a string", with_(thread=["Why?"]), "thread[0]"),
    ("thread item no at", with_(thread=[{"from": "recipient", "text": "Why?"}]), "thread[0].at"),
    (
        "thread item no from",
        with_(thread=[{"at": "2026-03-02T09:00:00Z", "text": "Why?"}]),
        "thread[0].from",
    ),
    (
        "thread item no text",
        with_(thread=[{"from": "sender", "at": "2026-03-02T09:00:00Z"}]),
        "thread[0].text",
    ),
    ("at not a time", with_(thread=[msg("yesterday")]), "thread[0].at"),
    ("at a number", with_(thread=[msg(1772442000)]), "thread[0].at"),
    ("at a bad date", with_(thread=[msg("2026-02-30T09:00:00Z")]), "thread[0].at"),
    (
        "from someone else",
        with_(thread=[msg("2026-03-02T09:00:00Z"), msg("2026-03-02T10:00:00Z", "me")]),
        "thread[1].from",
    ),
    (
        "text null",
        with_(thread=[{"from": "sender", "at": "2026-03-02T09:00:00Z", "text": None}]),
        "thread[0].text",
    ),
    ("sent_at not a time", with_(sent_at="last Monday"), "sent_at"),
    ("channel unknown", with_(channel="email"), "channel"),
    ("channel a list", with_(channel=["inmail"]), "channel"),
    ("sent_at a list", with_(sent_at=["2026-03-02"]), "sent_at"),
    (
        "unknown thread field",
        with_(thread=[{**msg("2026-03-02T09:00:00Z"), "when": "now"}]),
        "thread[0].when",
    ),
]


@pytest.mark.parametrize(
    ("data", "field"), [(d, f) for _, d, f in _BAD], ids=[i for i, _, _ in _BAD]
)
def test_bad_input_names_the_field_on_one_line(data: Any, field: str) -> None:
    message = error_of(data)
    assert message.startswith(f"{field}: "), message
    assert_one_line(message)


def test_a_scenario_error_is_a_value_error() -> None:
    # Callers that already catch ValueError keep working.
    assert issubclass(ScenarioError, ValueError)


def test_unknown_field_error_lists_the_allowed_fields() -> None:
    message = error_of(with_(recipient={"skils": []}))
    for allowed in ("name", "headline", "company", "skills", "shared_connections", "events"):
        assert allowed in message


@pytest.mark.parametrize("key", ["skills\nextra", "  padded", "tab\there", 7])
def test_an_odd_field_name_still_gives_one_line(key: Any) -> None:
    message = error_of(with_(recipient={key: "x"}))
    assert message.startswith(f"recipient.{key!r}: ") or message.startswith(f"recipient.{key}: ")
    assert_one_line(message)


def test_a_learner_value_with_line_breaks_stays_on_one_line() -> None:
    assert_one_line(error_of(with_(purpose="job\noffer")))
    assert_one_line(error_of(with_(thread=[msg("not\na\ntime")])))


# ---------------------------------------------------------------- timestamps

NINE_UTC = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    "at",
    [
        "2026-03-02T09:00:00Z",
        "2026-03-02T09:00:00z",
        "2026-03-02T09:00:00+00:00",
        "2026-03-02T11:00:00+02:00",
        "2026-03-02T03:30:00-05:30",
        "2026-03-02T09:00:00",  # naive: read as UTC
        "2026-03-02 09:00",
        " 2026-03-02T09:00:00Z ",
        datetime(2026, 3, 2, 9),  # naive datetime: UTC
        datetime(2026, 3, 2, 10, tzinfo=timezone(timedelta(hours=1))),
    ],
)
def test_timestamps_with_zone_offset_or_none_are_the_same_instant(at: Any) -> None:
    stamp = parse_scenario(with_(thread=[msg(at)])).thread[0].at
    assert stamp == NINE_UTC
    assert stamp.tzinfo is not None


def test_an_offset_is_kept_not_converted() -> None:
    stamp = parse_scenario(with_(thread=[msg("2026-03-02T11:00:00+02:00")])).thread[0].at
    assert stamp.utcoffset() == timedelta(hours=2)


def test_yaml_timestamps_are_read_as_yaml_gives_them(tmp_path: Path) -> None:
    # Unquoted, YAML hands over datetimes (zoned or naive) and dates, not strings.
    path = tmp_path / "thread.yaml"
    path.write_text(
        "message: Hi\n"
        "thread:\n"
        "  - from: recipient\n    at: 2026-03-02T09:00:00Z\n    text: Why?\n"
        "  - from: sender\n    at: 2026-03-02 10:00:00\n    text: Kafka.\n"
        "  - from: sender\n    at: 2026-03-03T09:00:00+01:00\n    text: Again.\n"
        "  - from: recipient\n    at: 2026-03-04\n    text: Ok.\n",
        encoding="utf-8",
    )
    stamps = [m.at for m in load_scenario(path).thread]
    assert stamps == [
        NINE_UTC,
        datetime(2026, 3, 2, 10, tzinfo=UTC),
        datetime(2026, 3, 3, 8, tzinfo=UTC),
        datetime(2026, 3, 4, tzinfo=UTC),
    ]


def test_thread_is_sorted_oldest_first_and_stable() -> None:
    s = parse_scenario(
        with_(
            thread=[
                msg("2026-03-02T12:00:00Z", "sender", "third"),
                msg("2026-03-02T11:00:00+02:00", "recipient", "first"),  # 09:00 UTC
                msg("2026-03-02T10:00:00Z", "sender", "second a"),
                msg("2026-03-02T10:00:00Z", "recipient", "second b"),
            ]
        )
    )
    assert [m.text for m in s.thread] == ["first", "second a", "second b", "third"]


# ---------------------------------------------------------------- to_dict

ROUND_TRIPS: list[Any] = [
    FULL,
    "a bare note",
    {"message": ""},
    with_(account="premium"),
    with_(job={}),  # an empty job is still a job
    with_(recipient={"name": "Priya"}, sender={"headline": "Recruiter"}),
    with_(thread=[msg("2026-03-02T11:00:00+02:00"), msg("2026-03-02T09:00:00", "sender")]),
    with_(sent_at="2026-03-02T09:00:00+09:00", thread=[msg("2026-03-09T09:00:00Z", "sender")]),
    with_(channel="inmail"),
]


@pytest.mark.parametrize("data", ROUND_TRIPS, ids=range(len(ROUND_TRIPS)))
def test_to_dict_round_trips(data: Any) -> None:
    s = parse_scenario(data)
    out = s.to_dict()
    json.dumps(out)  # plain data, ready for JSON or YAML
    assert parse_scenario(out) == s


def test_to_dict_writes_utc_as_z_and_leaves_defaults_out() -> None:
    out = parse_scenario(with_(thread=[msg("2026-03-02T09:00:00")])).to_dict()
    assert out == {
        "message": "Hi",
        "thread": [{"from": "recipient", "at": "2026-03-02T09:00:00Z", "text": "Why connect?"}],
    }


# ---------------------------------------------------------------- files


def write(tmp_path: Path, name: str, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


ONE = {"message": "Hi Priya", "recipient": {"name": "Priya Raman", "skills": ["Kafka"]}}
TWO = {"message": "Hello Sam", "account": "premium"}

FILES = {
    "json": ("one.json", json.dumps(ONE)),
    "jsonl": ("one.jsonl", json.dumps(ONE) + "\n"),
    "yaml": ("one.yaml", "message: Hi Priya\nrecipient:\n  name: Priya Raman\n  skills: [Kafka]\n"),
    "yml": ("one.yml", "message: Hi Priya\nrecipient: {name: Priya Raman, skills: Kafka}\n"),
    "json in yaml": ("one.yaml", json.dumps(ONE)),
}


@pytest.mark.parametrize("bom", [False, True], ids=["plain", "bom"])
@pytest.mark.parametrize("kind", FILES)
def test_load_scenario_reads_each_format(tmp_path: Path, kind: str, bom: bool) -> None:
    name, text = FILES[kind]
    path = write(tmp_path, name, text, bom=bom)
    assert load_scenario(path) == parse_scenario(ONE)
    assert load_scenario(str(path)) == parse_scenario(ONE)  # a str path works too


LISTS = {
    "json list": ("two.json", json.dumps([ONE, TWO], indent=2)),
    "jsonl": ("two.jsonl", f"{json.dumps(ONE)}\n\n{json.dumps(TWO)}\n"),
    "yaml list": (
        "two.yaml",
        "- message: Hi Priya\n  recipient: {name: Priya Raman, skills: [Kafka]}\n"
        "- message: Hello Sam\n  account: premium\n",
    ),
    "yaml documents": (
        "two.yaml",
        "message: Hi Priya\nrecipient: {name: Priya Raman, skills: [Kafka]}\n"
        "---\nmessage: Hello Sam\naccount: premium\n",
    ),
    "jsonl named yaml": ("two.yaml", f"{json.dumps(ONE)}\n{json.dumps(TWO)}\n"),
}


@pytest.mark.parametrize("bom", [False, True], ids=["plain", "bom"])
@pytest.mark.parametrize("kind", LISTS)
def test_load_scenarios_reads_each_format(tmp_path: Path, kind: str, bom: bool) -> None:
    name, text = LISTS[kind]
    path = write(tmp_path, name, text, bom=bom)
    assert load_scenarios(path) == [parse_scenario(ONE), parse_scenario(TWO)]


def test_load_scenario_refuses_a_list(tmp_path: Path) -> None:
    path = write(tmp_path, "two.json", json.dumps([ONE, TWO]))
    with pytest.raises(ScenarioError, match=r"holds 2 scenarios; use load_scenarios"):
        load_scenario(path)


def file_error(load, path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load(path)
    message = str(info.value)
    assert_one_line(message)
    assert message.startswith(str(path)), f"does not name the file: {message}"
    return message


@pytest.mark.parametrize("load", [load_scenario, load_scenarios])
def test_a_missing_file(tmp_path: Path, load) -> None:
    assert "no such file" in file_error(load, tmp_path / "nope.json")


@pytest.mark.parametrize("load", [load_scenario, load_scenarios])
def test_a_folder(tmp_path: Path, load) -> None:
    assert "is a folder" in file_error(load, tmp_path)


@pytest.mark.parametrize("load", [load_scenario, load_scenarios])
def test_a_file_not_in_utf8(tmp_path: Path, load) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("message: Hi\nrecipient: {name: Zoë}\n".encode("latin-1"))
    message = file_error(load, path)
    assert "line 2" in message and "UTF-8" in message


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("bad.json", '{\n  "message": "Hi",\n  "purpose": article\n}', 3),
        ("bad.jsonl", f'{json.dumps(ONE)}\n{{"message": "Hi",}}\n', 2),
        ("bad.yaml", "message: Hi\nrecipient:\n  name: Priya\n skills: [Kafka\n", None),
        ("bad.yaml", 'message: "Hi\nrecipient: {name: Priya', None),
        ("bad.yaml", "message: Hi\n\trecipient: {}\n", 2),
    ],
    ids=["json", "jsonl", "yaml indent", "yaml quote", "yaml tab"],
)
@pytest.mark.parametrize("load", [load_scenario, load_scenarios])
def test_malformed_files_name_the_file_and_line(tmp_path: Path, load, name, text, line) -> None:
    message = file_error(load, write(tmp_path, name, text))
    assert "not valid" in message
    if line is not None:
        assert f"line {line}:" in message
    else:
        assert ", line " in message


def test_an_invalid_scenario_in_a_file_names_the_file_and_the_field(tmp_path: Path) -> None:
    path = write(tmp_path, "one.json", json.dumps(with_(recipient={"skills": ["Kafka", 3]})))
    message = file_error(load_scenario, path)
    assert message == f"{path}: recipient.skills[1]: expected a string, got a number"


def test_load_scenarios_says_which_scenario_is_invalid(tmp_path: Path) -> None:
    path = write(
        tmp_path, "two.jsonl", f"{json.dumps(ONE)}\n{json.dumps(with_(purpose='sales'))}\n"
    )
    message = file_error(load_scenarios, path)
    assert message.startswith(f"{path}, scenario 2: purpose: ")


def test_an_empty_file_is_not_a_scenario(tmp_path: Path) -> None:
    path = write(tmp_path, "note.yaml", "\n")
    assert file_error(load_scenario, path) == f"{path}: holds no scenario; the file is empty"


def test_an_inmail_has_its_own_limit_whatever_the_account() -> None:
    assert parse_scenario(with_(channel="inmail", account="premium")).limit == 800
    assert parse_scenario(with_(channel="invitation", account="premium")).limit == 300
