"""What a rule is: a code, a name, the guideline, why it matters, the fix, and examples."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from connectwell.report import Finding, Verdict

if TYPE_CHECKING:
    from connectwell.context import Context


@dataclass(frozen=True, init=False)
class Outcome:
    """A rule's conclusion; the engine adds the rule's code and name to make a Finding."""

    verdict: Verdict
    message: str
    hint: str | None = None  # None: the rule's general fix
    span: tuple[int, int] | None = None  # in the original note

    def __init__(
        self,
        verdict: Verdict,
        message: str,
        hint: str | None = None,
        span: tuple[int, int] | None = None,
    ):
        # As Finding.__init__ (which says what it saves): one dict, not a frozen
        # object.__setattr__ per field.
        fields = self.__dict__
        fields["verdict"] = verdict
        fields["message"] = message
        fields["hint"] = hint
        fields["span"] = span


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    guideline: str  # the course guideline it enforces, in our words
    why: str  # why it matters to the person receiving the note
    fix: str  # what to write instead
    run: Callable[[Context], Outcome]
    must_pass: tuple[Any, ...] = ()  # scenarios (dicts or bare notes) that must pass
    must_fail: tuple[Any, ...] = ()  # scenarios that must fail
    not_applicable: tuple[Any, ...] = ()  # scenarios the rule must call n/a
    lesson: str = ""  # the course notebook that teaches it

    @property
    def bad(self) -> str:
        """The docs' failing example: the first must-fail example, so it is tested too."""
        return describe(self.must_fail[0]) if self.must_fail else ""

    @property
    def good(self) -> str:
        """The docs' "write instead": the first must-pass example."""
        return describe(self.must_pass[0]) if self.must_pass else ""

    def finding(self, ctx: Context) -> Finding:
        out = self.run(ctx)
        hint = self.fix if out.hint is None else out.hint
        return Finding(
            self.name,
            self.code,
            out.verdict,
            out.message,
            hint if out.verdict == "fail" else "",
            out.span,
        )

    def __call__(self, scenario: Any) -> Finding:
        """Run this one rule on a scenario (a dict, a Scenario or a bare note)."""
        from connectwell.context import Context
        from connectwell.scenario import parse_scenario

        return self.finding(Context(parse_scenario(scenario)))

    def doc(self) -> str:
        """The rule explained, as `connectwell rules NAME` prints it."""
        lines = [
            f"{self.code} {self.name}",
            "",
            f"What it checks: {self.guideline}",
            f"Why it matters: {self.why}",
            f"How to fix it: {self.fix}",
        ]
        if self.bad:
            lines += ["", "Fails:", f"    {self.bad}"]
        if self.good:
            lines += ["", "Write instead:", f"    {self.good}"]
        if self.lesson:
            lines += ["", f"Taught in: course/{self.lesson}"]
        return "\n".join(lines)


def describe(example: Any) -> str:
    """An example as a reader sees it: the note, then any thread that followed."""
    if isinstance(example, str):
        return example
    text = example.get("message", "")
    text = repr(text) if not text.strip() else text
    thread = example.get("thread") or []
    if thread:
        from connectwell.scenario import parse_scenario

        scenario = parse_scenario(example)
        # Times count from the note when its sending time is known, else from the first reply.
        start = scenario.sent_at or scenario.thread[0].at
        for m in scenario.thread:
            hours = (m.at - start).total_seconds() / 3600
            when = f"+{hours:.0f} h" if hours < 48 else f"+{hours / 24:.0f} days"
            text += f" | {m.author}, {when}: {m.text}"
    return text


# A recipient the examples share, so each example reads as a note to one person.
PRIYA: dict[str, Any] = {
    "name": "Priya Raman",
    "headline": "Data Engineer at Globex",
    "company": "Globex",
    "industry": "software",
    "skills": ["Kafka", "Python", "Airflow"],
    "articles": ["Taming Kafka consumer lag"],
    "shared_connections": ["Alex Chen"],
    "events": ["PyData London 2025"],
}
SAM: dict[str, Any] = {"name": "Sam Lee", "headline": "Technical Recruiter at Acme Robotics"}
JOB: dict[str, Any] = {
    "title": "Senior Data Engineer",
    "company": "Acme Robotics",
    "industry": "software",
    "skills": ["Kafka", "Python", "Spark"],
}


def to_priya(message: str, **extra: Any) -> dict[str, Any]:
    return {"message": message, "sender": SAM, "recipient": PRIYA, **extra}
