"""ConnectWell: check LinkedIn connection notes against the course's guidelines.

    >>> import connectwell as cw
    >>> cw.check({"message": "Hi!"}).passed
    False

Names are handed on lazily so that `import connectwell` stays light for every grading kernel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "RULES",
    "Finding",
    "Report",
    "Rule",
    "Scenario",
    "ScenarioError",
    "Suggestion",
    "check",
    "load_scenario",
    "load_scenarios",
    "suggest",
]

_WHERE = {
    "check": "connectwell.engine",
    "RULES": "connectwell.rules",
    "Rule": "connectwell.rules",
    "Finding": "connectwell.report",
    "Report": "connectwell.report",
    "Scenario": "connectwell.scenario",
    "ScenarioError": "connectwell.scenario",
    "load_scenario": "connectwell.scenario",
    "load_scenarios": "connectwell.scenario",
    "suggest": "connectwell.suggest",
    "Suggestion": "connectwell.suggest",
}

# Modules reached by a short name. Every course notebook, and every copy a learner keeps in their
# working folder, starts with `from connectwell import data, widgets`; the widgets live in the
# course wing (connectwell/course/), so the name is handed on from there.
_MODULES = {"widgets": "connectwell.course.widgets"}

if TYPE_CHECKING:
    from connectwell.engine import check
    from connectwell.report import Finding, Report
    from connectwell.rules import RULES, Rule
    from connectwell.scenario import Scenario, ScenarioError, load_scenario, load_scenarios
    from connectwell.suggest import Suggestion, suggest


def __getattr__(name: str) -> Any:
    if name not in _WHERE and name not in _MODULES:
        raise AttributeError(f"module 'connectwell' has no attribute {name!r}")
    import importlib

    if name in _MODULES:
        value = importlib.import_module(_MODULES[name])
    else:
        value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
