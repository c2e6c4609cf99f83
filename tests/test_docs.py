"""The docs say what the code does: rules.md is generated from the registry, the scenario format
lists exactly the fields the parser accepts, and the README's tables and commands are current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import connectwell as cw
from connectwell import scenario
from connectwell.cli import main
from connectwell.cli.inputs import CSV_COLUMNS
from connectwell.cli.rules import rules_markdown

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")
FORMAT = (DOCS / "scenario-format.md").read_text(encoding="utf-8")
REGENERATE = ".venv/bin/connectwell rules --markdown > docs/rules.md"


def test_rules_md_is_what_the_registry_generates_now():
    committed = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), (
        f"docs/rules.md is out of date with connectwell.RULES; regenerate it with: {REGENERATE}"
    )


def test_rules_markdown_command_prints_the_generated_docs(capsys):
    assert main(["rules", "--markdown"]) == 0
    assert capsys.readouterr().out == rules_markdown()


def test_rules_md_has_a_section_with_examples_for_every_rule():
    text = rules_markdown()
    for rule in cw.RULES.values():
        section = text.split(f"## {rule.code} {rule.name}\n", 1)[1].split("\n## ", 1)[0]
        for label in ("What it checks.", "Why it matters.", "How to fix it."):
            assert f"**{label}**" in section
        assert rule.guideline in section.replace("\\", "")  # Markdown escapes removed
        if rule.must_fail:
            assert "Notes that must fail" in section
        if rule.lesson:
            assert rule.lesson in section


def _table_fields(heading: str) -> list[str]:
    """The backticked names in the first column of the table under a '## heading'."""
    section = FORMAT.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)


@pytest.mark.parametrize(
    ("heading", "fields"),
    [
        ("scenario", scenario.SCENARIO_FIELDS),
        ("sender", scenario._PERSON_FIELDS),
        ("recipient", scenario._PROFILE_FIELDS),
        ("job", scenario._JOB_FIELDS),
        ("thread messages", scenario._MESSAGE_FIELDS),
    ],
)
def test_scenario_format_lists_exactly_the_fields_the_parser_accepts(heading, fields):
    assert _table_fields(heading) == list(fields), (
        f"docs/scenario-format.md, section '{heading}': update its table to match scenario.py"
    )


def test_scenario_format_lists_every_purpose_and_account():
    for purpose in scenario.PURPOSES:
        assert f"`{purpose}`" in FORMAT
    for account, limit in scenario.ACCOUNTS.items():
        assert f"`{account}`" in FORMAT and str(limit) in FORMAT


def test_scenario_format_lists_every_csv_column():
    section = FORMAT.split("\n## CSV outbox\n", 1)[1]
    documented = set(re.findall(r"`([a-z_]+)`", section.split("| Column |", 1)[1]))
    assert set(CSV_COLUMNS) <= documented


def test_scenario_format_example_is_a_valid_scenario():
    blocks = re.findall(r"```yaml\n(.*?)```", FORMAT, flags=re.DOTALL)
    assert blocks
    for block in blocks:
        parsed = scenario.parse_scenario(yaml.safe_load(block))
        assert parsed.recipient.name and parsed.thread


def test_readme_rules_table_matches_the_registry():
    rows = re.findall(r"^\| (CW\d{3}) \| `([a-z\-]+)` \|", README, flags=re.MULTILINE)
    assert rows == [(rule.code, rule.name) for rule in cw.RULES.values()], (
        "README.md's rules table must list every rule, in code order, by code and name"
    )


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = "bash scripts/test.sh"
    assert f"\n{command}\n" in f"\n{README}\n"
    # CI may install system packages first; the tests it runs are the README's command.
    assert [line for line in ci.splitlines() if line.startswith("bash ")][-1] == command
    assert (ROOT / "scripts" / "test.sh").is_file()


def test_readme_fresh_machine_section_has_exactly_two_commands():
    section = README.split("## On a fresh machine", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```(?:bash|sh)?\n(.*?)```", section, flags=re.DOTALL)
    assert [c.strip() for c in commands] == [
        "python3 -m venv .venv && .venv/bin/pip install -e '.[course]' && .venv/bin/connectwell lab",
        "bash scripts/test.sh",
    ]


def test_readme_links_point_at_files_that_exist():
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", README):
        assert (ROOT / target).exists(), f"README.md links to {target}, which does not exist"
