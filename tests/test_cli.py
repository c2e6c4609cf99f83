"""The `connectwell` command as a user meets it: exit codes, what it prints, and bad input.

Verdicts come from the rules, which are still being tuned, so every expected verdict and exit
code here is computed with connectwell.check rather than written down.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import connectwell as cw
from connectwell.cli import main
from connectwell.cli.inputs import read_input
from connectwell.report import SYMBOLS
from connectwell.scenario import load_documents

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

PRIYA = {
    "name": "Priya Raman",
    "headline": "Data Engineer at Globex",
    "company": "Globex",
    "skills": ["Kafka", "Python", "Airflow"],
    "articles": ["Taming Kafka consumer lag"],
}
GOOD = "Hi Priya, your article on Kafka consumer lag fixed our backlog at Acme. Could I ask how?"
BLANK = ""


def scenario(message: str, **extra: Any) -> dict[str, Any]:
    return {"message": message, "recipient": PRIYA, **extra}


def expected_exit(*scenarios: Any) -> int:
    return 0 if all(cw.check(s).passed for s in scenarios) else 1


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_module(*argv: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "connectwell", *argv],
        input=stdin.decode("utf-8", "replace") if stdin is not None else None,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        check=False,
    )


def write(path: Path, text: str | bytes) -> str:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def assert_bad_input(code: int, out: str, err: str, *words: str) -> None:
    """Bad input: exit 2, exactly one line on stderr that names the problem, no traceback."""
    assert code == 2, (code, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err + out
    for word in words:
        assert word.lower() in lines[0].lower(), (word, lines[0])


# ---------------------------------------------------------------- exit codes and output


@pytest.mark.parametrize("message", [GOOD, BLANK, "Hi Priya! Let's connect."])
def test_exit_code_follows_the_verdicts(tmp_path, capsys, message):
    doc = scenario(message)
    code, _, err = run(capsys, "check", write(tmp_path / "note.json", json.dumps(doc)))
    assert code == expected_exit(doc)
    assert err == ""


def test_both_exit_codes_are_reachable_with_the_examples():
    # The examples are meant to show a passing note and failing ones; if tuning changes that,
    # the README's walk-through no longer makes sense.
    reports = [cw.check(item.scenario) for item in _example_items()]
    assert any(r.passed for r in reports) and not all(r.passed for r in reports)


def test_text_report_names_each_failing_rule_with_its_fix(tmp_path, capsys):
    doc = scenario("Hi Priya! Let's connect.")
    report = cw.check(doc)
    code, out, _ = run(capsys, "check", write(tmp_path / "note.yaml", json.dumps(doc)))
    assert code == expected_exit(doc)
    assert "note.yaml" in out
    for finding in report:
        line = next(line for line in out.splitlines() if f" {finding.code} {finding.rule}:" in line)
        assert line.startswith(SYMBOLS[finding.verdict]) and finding.verdict in line
        if finding.verdict == "fail" and finding.hint:
            assert f"fix: {finding.hint}" in out


def test_json_output_is_one_object_per_scenario_with_source_and_report(tmp_path, capsys):
    docs = [scenario(GOOD), scenario(BLANK), scenario("Hi Priya, loved your Kafka article!")]
    path = write(tmp_path / "notes.json", json.dumps(docs))
    code, out, err = run(capsys, "check", path, "--format", "json")
    results = json.loads(out)
    assert code == expected_exit(*docs) and err == ""
    assert [r["source"] for r in results] == [f"{path}, scenario {i}" for i in (1, 2, 3)]
    for doc, result in zip(docs, results, strict=True):
        assert result["message"] == doc["message"]
        assert {k: result[k] for k in ("passed", "findings")} == cw.check(doc).to_dict()


def test_jsonl_and_yaml_lists_are_read_note_by_note(tmp_path, capsys):
    docs = [scenario(GOOD), scenario("Hello!")]
    jsonl = write(tmp_path / "notes.jsonl", "\n".join(json.dumps(d) for d in docs) + "\n\n")
    yaml_list = write(tmp_path / "notes.yaml", "\n".join(f"- {json.dumps(d)}" for d in docs))
    for path in (jsonl, yaml_list):
        code, out, _ = run(capsys, "check", path, "--format", "json")
        assert [r["message"] for r in json.loads(out)] == [GOOD, "Hello!"]
        assert code == expected_exit(*docs)


def test_stdin_dash_reads_a_scenario():
    doc = scenario("Hi Priya, your Kafka article saved our team a week of debugging.")
    proc = run_module("check", "-", "--format", "json", stdin=json.dumps(doc).encode())
    assert proc.returncode == expected_exit(doc), proc.stderr
    assert json.loads(proc.stdout)[0]["source"] == "<stdin>"


def test_quick_look_builds_the_scenario_from_options(capsys):
    note = "Hi Priya, your Kafka work at Globex fits our Senior Data Engineer role at Acme. Chat?"
    args = ["--to", "Priya Raman", "--company", "Globex", "--skills", "Kafka; Python"]
    args += [
        "--purpose",
        "job_offer",
        "--job-title",
        "Senior Data Engineer",
        "--account",
        "premium",
    ]
    code, out, _ = run(capsys, "check", "--message", note, *args, "--format", "json")
    doc = {
        "message": note,
        "purpose": "job_offer",
        "account": "premium",
        "recipient": {"name": "Priya Raman", "company": "Globex", "skills": ["Kafka", "Python"]},
        "job": {"title": "Senior Data Engineer"},
    }
    assert json.loads(out)[0]["findings"] == cw.check(doc).to_dict()["findings"]
    assert code == expected_exit(doc)


def test_quick_look_text_shows_the_character_count(capsys):
    code, out, _ = run(capsys, "check", "-m", "x" * 250, "--to", "Priya Raman")
    assert "250/200 characters" in out
    assert code == expected_exit({"message": "x" * 250, "recipient": {"name": "Priya Raman"}})


def test_an_inmail_is_held_to_its_own_length(capsys):
    inmail = "Hi Priya, " + "our Kafka platform team would value your consumer-lag work. " * 6
    _, out, _ = run(capsys, "check", "-m", inmail, "--to", "Priya Raman", "--channel", "inmail")
    assert f"{len(inmail)}/800 characters" in out and "fits-limit" in out
    assert "✓ pass CW008 fits-limit" in out  # 370 characters: too long for a note, fine here
    assert_bad_input(*run(capsys, "check", "--channel", "inmail"), "--channel", "--message")


def test_context_options_without_a_message_are_a_usage_error(capsys):
    assert_bad_input(*run(capsys, "check", "--to", "Priya Raman"), "--to", "--message")


def test_nothing_to_check_is_a_usage_error(capsys):
    assert_bad_input(*run(capsys, "check"), "nothing to check")


def test_reply_window_option_changes_prompt_reply(tmp_path, capsys):
    thread = [
        {
            "from": "recipient",
            "at": "2026-03-02T09:00:00Z",
            "text": "Why would you like to connect?",
        },
        {
            "from": "sender",
            "at": "2026-03-03T21:00:00Z",
            "text": "We're moving to Kafka at Acme and your consumer-lag fix is what we need.",
        },
    ]
    doc = scenario(GOOD, thread=thread)
    path = write(tmp_path / "thread.json", json.dumps(doc))
    for hours in ("24", "48"):
        _, out, _ = run(capsys, "check", path, "--reply-window", hours, "--format", "json")
        finding = json.loads(out)[0]["findings"]
        got = next(f["verdict"] for f in finding if f["rule"] == "prompt-reply")
        assert got == cw.check(doc, reply_window=float(hours))["prompt-reply"].verdict


# ---------------------------------------------------------------- folders and the examples


def _example_items():
    from connectwell.cli.inputs import expand

    for name in expand([str(EXAMPLES)]):
        yield from read_input(name).items


def test_every_example_file_reads_cleanly():
    names = sorted(p.name for p in EXAMPLES.iterdir())
    assert "outbox.csv" in names and 6 <= len(names) <= 10
    for path in sorted(EXAMPLES.iterdir()):
        batch = read_input(str(path))
        assert batch.errors == [], batch.errors
        assert batch.items


def test_folder_checks_every_scenario_file_in_it(capsys):
    code, out, err = run(capsys, "check", str(EXAMPLES), "--format", "json")
    items = list(_example_items())
    assert err == ""
    assert [r["source"] for r in json.loads(out)] == [item.source for item in items]
    assert code == expected_exit(*(item.scenario for item in items))


def test_readme_main_command_runs_as_a_subprocess():
    proc = run_module("check", "examples/")
    expected = expected_exit(*(item.scenario for item in _example_items()))
    assert proc.returncode == expected, proc.stderr
    assert proc.stderr == ""
    assert "note(s) checked" in proc.stdout.splitlines()[-1]


def test_empty_folder_is_bad_input(tmp_path, capsys):
    assert_bad_input(*run(capsys, "check", str(tmp_path)), str(tmp_path), "no")


# ---------------------------------------------------------------- CSV outbox


OUTBOX = (
    "to,company,skills,purpose,job_title,job_skills,message\n"
    'Priya Raman,Globex,Kafka;Python,job_offer,Data Engineer,Kafka,"Hi Priya, your Kafka work '
    'at Globex fits our Data Engineer role at Acme. Open to a chat?"\n'
    "Dana Okafor,St Mary's,Pharmacy,,,,Hello!\n"
    ",,,,,,\n"
    "Tom Hughes,Greenfield Farms,,,,,\n"
)


def _outbox_docs() -> list[dict[str, Any]]:
    return [
        {
            "message": "Hi Priya, your Kafka work at Globex fits our Data Engineer role at Acme. "
            "Open to a chat?",
            "purpose": "job_offer",
            "recipient": {
                "name": "Priya Raman",
                "company": "Globex",
                "skills": ["Kafka", "Python"],
            },
            "job": {"title": "Data Engineer", "skills": ["Kafka"]},
        },
        {
            "message": "Hello!",
            "recipient": {"name": "Dana Okafor", "company": "St Mary's", "skills": ["Pharmacy"]},
        },
        {"message": "", "recipient": {"name": "Tom Hughes", "company": "Greenfield Farms"}},
    ]


def test_csv_prints_one_table_row_per_note(tmp_path, capsys):
    path = write(tmp_path / "outbox.csv", OUTBOX)
    code, out, err = run(capsys, "check", path)
    docs = _outbox_docs()
    assert err == "" and code == expected_exit(*docs)
    rows = {int(line.split()[0]): line for line in out.splitlines() if line[:5].strip().isdigit()}
    # Spreadsheet numbering: the header is row 1; the blank row 4 is skipped, not reported.
    assert sorted(rows) == [2, 3, 5]
    for (number, line), doc in zip(sorted(rows.items()), docs, strict=True):
        report = cw.check(doc)
        assert doc["message"][:15] in line
        marks = [c for c in line if c in SYMBOLS.values()]
        assert marks == [SYMBOLS[f.verdict] for f in report], number
        for finding in report.failed:
            assert finding.rule in line


def test_csv_in_json_format_names_rows(tmp_path, capsys):
    path = write(tmp_path / "outbox.csv", OUTBOX)
    _, out, _ = run(capsys, "check", path, "--format", "json")
    results = json.loads(out)
    assert [r["source"] for r in results] == [f"{path}, row {n}" for n in (2, 3, 5)]
    assert [r["passed"] for r in results] == [cw.check(d).passed for d in _outbox_docs()]


def test_csv_with_semicolons_and_a_bom_reads_like_commas(tmp_path, capsys):
    text = "\ufeffTo;Message\nPriya Raman;Hi Priya, loved your Kafka article\n"
    _, out, err = run(capsys, "check", write(tmp_path / "o.csv", text), "--format", "json")
    assert err == ""
    assert json.loads(out)[0]["message"] == "Hi Priya, loved your Kafka article"


def test_csv_without_message_column_lists_the_columns_it_found(tmp_path, capsys):
    path = write(tmp_path / "outbox.csv", "to,note\nPriya Raman,Hi Priya\n")
    assert_bad_input(*run(capsys, "check", path), "outbox.csv", "message", "to, note")


def test_csv_unknown_column_is_named(tmp_path, capsys):
    path = write(tmp_path / "outbox.csv", "message,skils\nHi Priya,Kafka\n")
    assert_bad_input(*run(capsys, "check", path), "skils")


def test_csv_bad_row_is_reported_and_the_other_rows_still_checked(tmp_path, capsys):
    text = "message,purpose\nHi Priya,jobs\nHello!,\n"
    code, out, err = run(capsys, "check", write(tmp_path / "o.csv", text))
    assert code == 2 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert "row 2" in err and "purpose" in err
    assert "Hello!" in out


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("latin1.yaml", "message: caf\xe9 na\xefve\n".encode("latin-1"), ("not UTF-8",)),
        ("broken.json", '{"message": "Hi Priya",', ("broken.json", "JSON")),
        ("broken.yaml", 'message: "Hi Priya\nrecipient: [\n', ("broken.yaml", "YAML")),
        ("type.json", '{"message": 42}', ("message", "string")),
        ("field.yaml", "message: Hi\nrecipient: {name: Priya, skils: [Kafka]}\n", ("skils",)),
        ("list.yaml", "message: Hi\naccount: [premium]\n", ("account",)),
        ("empty.yaml", "", ("no scenarios",)),
        ("note.txt", "Hi Priya", ("note.txt", ".json")),
        ("deep.json", "[" * 5000 + "]" * 5000, ("deep.json",)),
    ],
)
def test_bad_file_gives_one_line_and_exit_2(tmp_path, capsys, name, content, words):
    path = write(tmp_path / name, content)
    assert_bad_input(*run(capsys, "check", path), *words)


def test_missing_file(capsys):
    assert_bad_input(
        *run(capsys, "check", "no/such/file.yaml"), "no/such/file.yaml", "no such file"
    )


def test_bad_file_among_good_ones_still_checks_the_good_ones(tmp_path, capsys):
    good = write(tmp_path / "a.json", json.dumps(scenario(GOOD)))
    bad = write(tmp_path / "b.json", "{")
    code, out, err = run(capsys, "check", good, bad)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "b.json" in err
    assert "a.json" in out


def test_many_bad_entries_in_one_file_are_summarised(tmp_path, capsys):
    lines = [json.dumps({"id": i, "message": "Hi"}) for i in range(50)]
    code, _, err = run(capsys, "check", write(tmp_path / "notes.jsonl", "\n".join(lines)))
    assert code == 2
    assert err.count("unknown field") < 10 and "more problem" in err.splitlines()[-1]


def test_bad_input_in_a_subprocess_has_no_traceback(tmp_path):
    path = write(tmp_path / "bad.yaml", b"\xff\xfe message")
    proc = run_module("check", path)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "UTF-8" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_non_utf8_stdin_is_bad_input():
    proc = subprocess.run(
        [sys.executable, "-m", "connectwell", "check", "-"],
        input=b"message: caf\xe9",
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 2 and b"<stdin>" in proc.stderr and b"UTF-8" in proc.stderr
    assert b"Traceback" not in proc.stderr


def test_unknown_option_is_a_usage_error(capsys):
    code, _, err = run(capsys, "check", "--colour")
    assert code == 2 and "--colour" in err and "Traceback" not in err


def test_ctrl_c_exits_130_quietly(monkeypatch, capsys):
    def interrupted(_):
        raise KeyboardInterrupt

    monkeypatch.setattr("connectwell.cli.check.read_input", interrupted)
    code, _, err = run(capsys, "check", str(EXAMPLES))
    assert code == 130 and "Traceback" not in err and "KeyboardInterrupt" not in err


def test_closed_pipe_exits_quietly(tmp_path):
    # Enough output to fill the pipe, so the command is still writing when the reader leaves.
    notes = "\n".join(json.dumps(scenario(f"Hi Priya, note number {i}.")) for i in range(400))
    path = write(tmp_path / "many.jsonl", notes)
    proc = subprocess.Popen(
        [sys.executable, "-m", "connectwell", "check", path],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait()
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err
    assert proc.returncode == 141


# ---------------------------------------------------------------- connectwell rules


def test_rules_lists_every_rule_with_its_guideline(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0
    for rule in cw.RULES.values():
        line = next(line for line in out.splitlines() if line.startswith(rule.code))
        assert rule.name in line and rule.guideline in line


@pytest.mark.parametrize("how", ["name", "code", "lower-case code"])
def test_rules_name_explains_one_rule_with_its_examples(capsys, how):
    rule = cw.RULES["personalised"]
    key = {"name": rule.name, "code": rule.code, "lower-case code": rule.code.lower()}[how]
    code, out, _ = run(capsys, "rules", key)
    assert code == 0
    assert out.startswith(rule.doc())
    for example in (*rule.must_fail, *rule.must_pass):
        message = example if isinstance(example, str) else example["message"]
        assert message[:40] in out


def test_rules_explains_invisible_characters_visibly(capsys):
    rule = cw.RULES["not-blank"]
    _, out, _ = run(capsys, "rules", rule.name)
    for example in rule.must_fail:
        message = example if isinstance(example, str) else example["message"]
        if "\u200b" in message:
            assert "\\u200b" in out


def test_unknown_rule_lists_the_names(capsys):
    code, out, err = run(capsys, "rules", "personalized")
    assert_bad_input(code, out, err, "personalized", "did you mean personalised")
    for name in cw.RULES:
        assert name in err


def test_python_m_connectwell_matches_the_console_command(capsys):
    proc = run_module("rules")
    code, out, _ = run(capsys, "rules")
    assert proc.returncode == code == 0 and proc.stdout == out


def test_no_command_prints_help_and_exits_2(capsys):
    code, _, err = run(capsys)
    assert code == 2 and "check" in err and "rules" in err


# ---------------------------------------------------------------- never a traceback


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(message=st.text(max_size=400), to=st.text(max_size=30))
def test_any_text_via_message_gives_a_verdict(capsys, message, to):
    code = main(["check", f"--message={message}", f"--to={to}"])
    _, err = capsys.readouterr()
    assert code in (0, 1), err
    recipient = {"recipient": {"name": to}} if to else {}
    assert code == expected_exit({"message": message, **recipient})


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=12,
)
FIELDS = st.sampled_from(["message", "purpose", "account", "recipient", "sender", "job", "thread"])


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(doc=st.dictionaries(FIELDS, JSON_VALUES, max_size=5) | JSON_VALUES)
def test_any_json_document_gives_a_verdict_or_one_error_line(tmp_path, capsys, doc):
    path = write(tmp_path / "doc.json", json.dumps(doc))
    code = main(["check", path])
    _, err = capsys.readouterr()
    assert code in (0, 1, 2)
    # Exit 2 only with a line per problem; 0 or 1 only when every document was a scenario.
    assert all(line.startswith("error: ") for line in err.splitlines())
    assert (code == 2) == bool(err)
    if code != 2:
        assert code == expected_exit(*load_documents(path))


# ---------------------------------------------------------------- --suggest and --output

_OUTBOX = (
    "message,to,company,skills,purpose,job_title,job_skills,shared_connections\n"
    '"Hi {first_name}, exciting opportunity!",Priya Raman,Globex,Kafka;Python,job_offer,'
    "Senior Data Engineer,Kafka;Spark,\n"
    '"Hi Dev, I\'d love to connect.",Dev Patel,Northwind,Kubernetes,,,,Alex Chen\n'
    '"Hello there",Lee Wong,,,,,,\n'
)


def test_suggest_prints_a_passing_rewrite_under_each_failing_note(capsys):
    code, out, _ = run(
        capsys, "check", "-m", "Hi Priya", "--to", "Priya Raman", "--skills", "Kafka", "--suggest"
    )
    line = next(x for x in out.splitlines() if x.startswith("suggestion: "))
    rewrite = line.removeprefix("suggestion: ")
    doc = {"message": rewrite, "recipient": {"name": "Priya Raman", "skills": ["Kafka"]}}
    assert cw.check(doc).passed and code == 1


def test_suggest_on_an_outbox_writes_a_suggestion_column(capsys, tmp_path):
    outbox, written = tmp_path / "outbox.csv", tmp_path / "fixed.csv"
    outbox.write_text(_OUTBOX, encoding="utf-8")
    code, out, err = run(capsys, "check", str(outbox), "--suggest", "--output", str(written))
    assert code == 1 and f"wrote {written}: 3 note(s)" in err
    assert "row 4: no suggestion: You know nothing specific about Lee" in out
    rows = list(csv.DictReader(written.open(encoding="utf-8")))
    assert [r["message"] for r in rows] == [
        "Hi {first_name}, exciting opportunity!",
        "Hi Dev, I'd love to connect.",
        "Hello there",
    ]
    assert rows[0]["to"] == "Priya Raman" and rows[0]["passes"] == "no"
    items = read_input(str(outbox)).items
    for row, item in zip(rows[:2], items, strict=False):
        doc = {**item.scenario.to_dict(), "message": row["suggestion"]}
        assert cw.check(doc).passed, row["suggestion"]
    assert rows[2]["suggestion"] == "" and rows[2]["no_suggestion_because"].startswith("You know")


def test_output_never_overwrites(capsys, tmp_path):
    outbox = tmp_path / "outbox.csv"
    outbox.write_text(_OUTBOX, encoding="utf-8")
    assert_bad_input(*run(capsys, "check", str(outbox), "--output", str(outbox)), "input file")
    existing = tmp_path / "mine.csv"
    existing.write_text("keep me", encoding="utf-8")
    assert_bad_input(
        *run(capsys, "check", str(outbox), "--output", str(existing)), "already exists"
    )
    assert existing.read_text(encoding="utf-8") == "keep me"
