"""Shared test set-up: Hypothesis profiles and a terminal summary for figures tests measure.

Some tests measure things a person should see on every run (per-rule agreement with the
labelled corpus, seconds per 1 MB note) without asserting on them. They hand their lines to
the `summary` fixture and pytest prints them after the results, so no `-s` is needed.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, settings

# No deadline: a timed assertion fails on a busy machine, not on a bug. "thorough" is for a
# nightly run: HYPOTHESIS_PROFILE=thorough pytest tests/test_robustness.py
settings.register_profile(
    "default", deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", deadline=None, max_examples=2000, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

_SUMMARY = pytest.StashKey[dict[str, list[str]]]()

Record = Callable[[str, list[str]], None]


@pytest.fixture
def summary(request: pytest.FixtureRequest) -> Record:
    """Call summary(title, lines) to print lines under title after the test results."""
    store = request.config.stash.setdefault(_SUMMARY, {})

    def record(title: str, lines: list[str]) -> None:
        store.setdefault(title, []).extend(lines)

    return record


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    for title, lines in config.stash.get(_SUMMARY, {}).items():
        terminalreporter.write_sep("-", title)
        for line in lines:
            terminalreporter.write_line(line)
