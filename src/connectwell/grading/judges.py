"""The judges: evidence and a check in, a Result out, one function per question kind. Runs in the
learner's kernel for feedback and again in nbgrader's process (preprocessors.TrustedChecks).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

# Private references, captured when the kernel imports this module, before the learner's
# answers run: a later `cw.check = ...` in the notebook does not reach them.
from connectwell.context import Context as _Context
from connectwell.engine import check as _engine_check
from connectwell.grading.exercises import (
    KIND_CHECKS,
    LABELS,
    MENTION_KINDS,
    TRUSTED_RULES,
    GradingError,
    Question,
    assignment_data,
    question,
)
from connectwell.grading.results import Result, Status, type_name
from connectwell.report import Finding
from connectwell.rules.not_canned import off_field as _off_field
from connectwell.scenario import parse_scenario as _parse_scenario
from connectwell.text import fold_plain as _fold

# ---------------------------------------------------------------- the judge


def result_for(
    q: Question, check: str, status: Status, message: str, hint: str = "", why: str = ""
) -> Result:
    return Result(q.id, check, status, message, hint, why, q.title)


def _rule_result(q: Question, check: str, finding: Finding) -> Result:
    if finding.passed:
        return result_for(q, check, "pass", finding.message)
    return result_for(q, check, "wrong", finding.message, finding.hint, TRUSTED_RULES[check].why)


def _run_rule(scenario: Mapping[str, Any], rule: str, **options: Any) -> Finding:
    return _engine_check(scenario, rules=[rule], **options)[rule]


def judge(
    assignment: str, qid: str, check: str, args: tuple[Any, ...] | list[Any], evidence: Any
) -> Result:
    """Grade one check from its evidence. Pure: the kernel and the autograder call it alike.

    Never raises for a learner's answer, however odd; only a test cell naming an unknown
    question or check raises GradingError (the instructor's mistake, caught when testing).
    """
    q = question(assignment, qid)
    args = tuple(args)
    validate_check(q, check, args)
    if not isinstance(evidence, Mapping) or evidence.get("state") not in ("ok", "missing"):
        return result_for(q, check, "crashed", "The check could not read your answer.")
    if evidence["state"] == "missing":
        return result_for(
            q,
            check,
            "crashed",
            f"{q.answer} is not defined when this check runs: the cell that sets it raised an "
            f"error, or no longer sets {q.answer}.",
            "Run the answer cell above; if it shows an error, fix that first, then run this cell.",
        )
    try:
        return _JUDGES[q.kind](q, check, args, evidence.get("value"))
    except Exception as exc:  # an answer shaped in a way we did not foresee is still graded
        return result_for(
            q, check, "wrong", f"Your answer could not be checked ({type(exc).__name__})."
        )


def validate_check(q: Question, check: str, args: tuple[Any, ...] = ()) -> None:
    allowed = ("attempted", *KIND_CHECKS[q.kind])
    if check not in allowed:
        raise GradingError(
            f"{q.assignment} {q.id} ({q.kind}) has no check {check!r}; "
            f"use one of {', '.join(allowed)}"
        )
    if check == "mentions" and (len(args) != 1 or args[0] not in MENTION_KINDS):
        raise GradingError(f"mentions needs one of {', '.join(MENTION_KINDS)}, got {args!r}")
    if check == "labels":
        _validate_key(q, args)
    if check in ("label", "red-flags"):
        _validate_triage_key(q, check, args)


def _not_attempted(q: Question, check: str) -> Result:
    what = {
        "note": "the starting note",
        "reply": "the starting reply",
        "decision": "the starting decision (send is None)",
        "contacts": "the starting value: every contact is still '?'",
        "triage": "the starting value: the label is still '?'",
        "judgement": "the starting value: every item is still '?'",
    }.get(q.kind, "the starting value")
    return result_for(
        q,
        check,
        "not-attempted",
        f"{q.answer} is still {what}.",
        "Write your answer in the answer cell, run it, then run this cell again.",
    )


def _needs_text(q: Question, check: str, value: Any) -> Result | None:
    # Answers sit between triple quotes, so the lines around the text are not part of it.
    if value == q.given or (isinstance(value, str) and value.strip() == str(q.given or "").strip()):
        return _not_attempted(q, check)
    if not isinstance(value, str):
        return result_for(
            q,
            check,
            "wrong",
            f"{q.answer} should be text in quotes, but it is {type_name(value)}.",
            f'Write it as {q.answer} = "Hi ..., ..."',
        )
    return None


def _details(scenario: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The specific things about the recipient the message names, as (kind, value)."""
    return [(m.kind, m.value) for m in _Context(_parse_scenario(scenario)).details]


_MENTION_WORDS = {
    "article": ("the article you were told about", "articles"),
    "event": ("where you met", "events"),
    "connection": ("your shared connection", "shared_connections"),
    "company": ("their company", "company"),
    "role": ("their role", "headline"),
    "skill": ("one of their skills", "skills"),
    "job-skill": ("a skill of theirs that the job needs", "skills"),
    # For questions that hand over a whole profile: the learner chooses which detail to use.
    "detail": ("something specific from their profile", ""),
}
# What counts as "specific" for the detail kind: the company or the job title alone is on
# every profile and says nothing about why this person.
_SPECIFIC_KINDS = ("article", "event", "connection", "skill")


def _mentions(q: Question, check: str, text: str, kind: str) -> Result:
    scenario = q.base()
    scenario["message"] = text
    recipient = scenario.get("recipient") or {}
    first = str(recipient.get("name", "them")).split(" ")[0]
    found = _details(scenario)
    if kind == "job-skill":
        job_skills = {_fold(s) for s in (scenario.get("job") or {}).get("skills", [])}
        hits = [v for k, v in found if k == "skill" and _fold(v) in job_skills]
        wanted = [s for s in recipient.get("skills", []) if _fold(s) in job_skills]
    elif kind == "detail":
        hits = [v for k, v in found if k in _SPECIFIC_KINDS]
        wanted = [v for k in _SPECIFIC_KINDS for v in recipient.get(_MENTION_WORDS[k][1], [])]
    else:
        hits = [v for k, v in found if k == kind]
        field_value = recipient.get(_MENTION_WORDS[kind][1], [])
        wanted = [field_value] if isinstance(field_value, str) else list(field_value)
    words = _MENTION_WORDS[kind][0]
    if hits:
        return result_for(q, check, "pass", f"Names {words}: {hits[0]}.")
    example = f" ({', '.join(map(str, wanted[:2]))})" if wanted else ""
    return result_for(
        q,
        check,
        "wrong",
        f"The text never names {words}{example}.",
        f"That detail is what shows {first} the note was written for them: name it, or its topic.",
    )


def _judge_text(q: Question, check: str, args: tuple[Any, ...], value: Any) -> Result | None:
    """What every written answer (a note or a reply) is checked for before the rules."""
    problem = _needs_text(q, check, value)
    if problem:
        return problem
    if check == "attempted":
        return result_for(q, check, "pass", "Answered.")
    if check == "mentions":
        return _mentions(q, check, value.strip(), args[0])
    return None


def _judge_note(q: Question, check: str, args: tuple[Any, ...], value: Any) -> Result:
    early = _judge_text(q, check, args, value)
    if early:
        return early
    scenario = q.base()
    scenario["message"] = value.strip()
    return _rule_result(q, check, _run_rule(scenario, check))


def _judge_reply(q: Question, check: str, args: tuple[Any, ...], value: Any) -> Result:
    early = _judge_text(q, check, args, value)
    if early:
        return early
    scenario = q.base()
    scenario["thread"] = [
        *scenario.get("thread", []),
        {"from": "sender", "at": q.extra["reply_at"], "text": value.strip()},
    ]
    return _rule_result(q, check, _run_rule(scenario, check))


def should_send(q: Question) -> tuple[bool, Finding]:
    """Whether the offer in a decision question is worth rewriting and sending, and the finding
    that says so: an offer from another field cannot be fixed by rewording it."""
    scenario = q.base()
    ctx = _Context(_parse_scenario(scenario))
    return not _off_field(ctx), _run_rule(scenario, "not-canned")


def _judge_decision(q: Question, check: str, args: tuple[Any, ...], value: Any) -> Result:
    if value == q.given or (isinstance(value, Mapping) and value.get("send") is None):
        return _not_attempted(q, check)
    if not (
        isinstance(value, Mapping)
        and isinstance(value.get("send"), bool)
        and isinstance(value.get("reason", ""), str)
    ):
        return result_for(
            q,
            check,
            "wrong",
            f"{q.answer} should be a dict with send (True or False) and reason (text).",
            f'Write it as {q.answer} = {{"send": False, "reason": "..."}}',
        )
    send, reason = value["send"], value.get("reason", "")
    if check == "attempted":
        return result_for(q, check, "pass", "Answered.")
    if check == "why":
        words = [w for w in args[0]] if args else []
        folded = _fold(reason)
        if len(folded.split()) >= 4 and any(_fold(w) in folded for w in words):
            return result_for(q, check, "pass", "Your reason names what does not match.")
        return result_for(
            q,
            check,
            "wrong",
            "Your reason does not say what is wrong with the match.",
            "In one sentence, compare the job's field and skills with the candidate's.",
        )
    right, finding = should_send(q)
    first = str((q.scenario.get("recipient") or {}).get("name", "them")).split(" ")[0]
    if send == right:
        verdict = "send it, once rewritten" if right else "not to send it"
        return result_for(q, check, "pass", f"Right call: {verdict}.")
    if right:
        return result_for(
            q,
            check,
            "wrong",
            f"This offer fits {first}'s field; it only needs rewriting, so the answer is to "
            "send it.",
            "Rewrite it to name the role and the skills that match, then send it.",
        )
    return result_for(
        q,
        check,
        "wrong",
        f"Sending it would be a mistake: {finding.message}",
        finding.hint or "Don't send an offer from a field the person never worked in.",
        TRUSTED_RULES["not-canned"].why,
    )


def _no_note(note: Any) -> bool:
    return note is None or (isinstance(note, str) and not note.strip())


def _judge_contacts(q: Question, check: str, args: tuple[Any, ...], value: Any) -> Result:
    if value == q.given:
        return _not_attempted(q, check)
    people: Mapping[str, Any] = q.extra["contacts"]
    if not isinstance(value, Mapping) or set(value) != set(people):
        return result_for(
            q,
            check,
            "wrong",
            f"{q.answer} should be a dict with exactly these names: {', '.join(people)}.",
            "Give each name a note (text) or None.",
        )
    if any(v == "?" for v in value.values()):
        return result_for(
            q, check, "wrong", "Some contacts still have '?'.", "Give each one a note or None."
        )
    if any(not (_no_note(v) or isinstance(v, str)) for v in value.values()):
        return result_for(q, check, "wrong", "Each value should be a note (text) or None.")
    if check == "attempted":
        return result_for(q, check, "pass", "Answered.")
    lines, ok = [], True
    for name, person in people.items():
        note = value[name]
        first = name.split(" ")[0]
        scenario = {k: copy.deepcopy(v) for k, v in person.items() if k != "context"}
        has_reason = bool(person.get("purpose"))
        if check == "has-reason":
            if has_reason and _no_note(note):
                ok = False
                lines.append(f"{first}: you do have a reason ({person['context']}) Write to them.")
            elif not has_reason and not _no_note(note):
                ok = False
                lines.append(
                    f"{first}: you have no reason to connect, so the note can only pretend one."
                )
            elif has_reason:
                finding = _run_rule({**scenario, "message": note}, "has-reason")
                if not finding.passed:
                    ok = False
                    lines.append(f"{first}: {finding.message}")
        elif not _no_note(note):  # motive-upfront, for each note written
            finding = _run_rule({**scenario, "message": note}, "motive-upfront")
            if not finding.passed:
                ok = False
                lines.append(f"{first}: {finding.message}")
    if check == "motive-upfront" and all(_no_note(v) for v in value.values()):
        return result_for(q, check, "wrong", "You wrote no notes, so no motive comes first.")
    if ok:
        return result_for(q, check, "pass", "Every contact is handled right.")
    rule = TRUSTED_RULES[check]
    return result_for(q, check, "wrong", " ".join(lines), rule.fix, rule.why)


def red_flags(assignment: str) -> list[str]:
    """The red flags a triage assignment names, in plain words (assignments.yaml)."""
    return list(assignment_data(assignment).get("red_flags") or [])


def _validate_triage_key(q: Question, check: str, args: tuple[Any, ...]) -> None:
    """label ["report", "why"] or red-flags [["rushes you", ...], "why"], as a test cell writes."""
    ok = len(args) == 2 and isinstance(args[1], str)
    if ok and check == "label":
        ok = args[0] in LABELS
    elif ok:
        vocabulary = red_flags(q.assignment)
        ok = isinstance(args[0], list | tuple) and all(f in vocabulary for f in args[0])
    if not ok:
        raise GradingError(
            f'{q.assignment} {q.id}: write check("{q.id}", "label", "report", "why") or '
            f'check("{q.id}", "red-flags", ["..."], "why") with red flags from assignments.yaml'
        )


def _judge_triage(q: Question, check: str, args: tuple[Any, ...], value: Any) -> Result:
    if value == q.given or (isinstance(value, Mapping) and value.get("label") == "?"):
        return _not_attempted(q, check)
    flags = value.get("red_flags") if isinstance(value, Mapping) else None
    label = value.get("label") if isinstance(value, Mapping) else None
    if not (isinstance(label, str) and isinstance(flags, list | tuple)):
        return result_for(
            q,
            check,
            "wrong",
            f"{q.answer} should be a dict with label (text) and red_flags (a list of red flags).",
            f'Write it as {q.answer} = {{"label": "ignore", "red_flags": ["no reason given"]}}',
        )
    label = label.strip().lower()
    if label not in LABELS:
        return result_for(
            q, check, "wrong", f"{label!r} is not a label; use accept, ignore or report."
        )
    vocabulary = red_flags(q.assignment)
    named = [_label_of(f, vocabulary) for f in flags]
    unknown = [f for f, n in zip(flags, named, strict=True) if n is None]
    if unknown:
        return result_for(
            q,
            check,
            "wrong",
            f"{unknown[0]!r} is not one of the red flags.",
            "Name them in the words grading.show() lists: " + "; ".join(vocabulary) + ".",
        )
    if check == "attempted":
        return result_for(q, check, "pass", "Answered.")
    expected, why = args
    if check == "label":
        if label == expected:
            return result_for(q, check, "pass", f"Right: {expected}.")
        return result_for(
            q,
            check,
            "wrong",
            f"You chose {label}, but the right call is {expected}. {why}",
            "Report what tries to take something from you; ignore what is merely canned or "
            "empty; accept the rest.",
        )
    wanted, chosen = set(expected), set(named)
    if chosen == wanted:
        return result_for(
            q, check, "pass", "Right: " + ("; ".join(sorted(wanted)) or "no red flags") + "."
        )
    lines = []
    if chosen - wanted:
        lines.append("Not a red flag here: " + "; ".join(sorted(chosen - wanted)) + ".")
    if wanted - chosen:
        lines.append("You missed: " + "; ".join(sorted(wanted - chosen)) + ".")
    return result_for(
        q, check, "wrong", " ".join([*lines, why]), "Read the request once more, as its recipient."
    )


def _validate_key(q: Question, args: tuple[Any, ...]) -> None:
    """A judgement check's key, as the test cell writes it: {item: [label, why], ...}."""
    items, labels = q.extra.get("items") or {}, q.extra.get("labels") or []
    key = args[0] if len(args) == 1 else None
    if not (
        isinstance(key, Mapping)
        and key
        and all(
            k in items
            and isinstance(v, list | tuple)
            and len(v) == 2
            and v[0] in labels
            and isinstance(v[1], str)
            for k, v in key.items()
        )
    ):
        raise GradingError(
            f'{q.assignment} {q.id}: labels needs a key such as {{"a": ["{labels[0] if labels else "label"}", '
            f'"why"]}} with items from {", ".join(items)} and labels from {", ".join(labels)}'
        )


def _label_of(value: Any, labels: list[str]) -> str | None:
    """The label a learner meant: exact up to case and spaces, or one typo away."""
    if not isinstance(value, str):
        return None
    wanted = " ".join(value.lower().split())
    for label in labels:
        if wanted == label.lower():
            return label
    from rapidfuzz import fuzz, process

    best = process.extractOne(wanted, labels, scorer=fuzz.ratio, score_cutoff=85)
    return best[0] if best else None


def _judge_judgement(q: Question, check: str, args: tuple[Any, ...], value: Any) -> Result:
    items: Mapping[str, Any] = q.extra["items"]
    labels: list[str] = list(q.extra["labels"])
    if value == q.given or (
        isinstance(value, Mapping) and value and all(v == "?" for v in value.values())
    ):
        return _not_attempted(q, check)
    example = ", ".join(f'"{k}": "{labels[0]}"' for k in list(items)[:2])
    if not isinstance(value, Mapping) or set(value) != set(items):
        return result_for(
            q,
            check,
            "wrong",
            f"{q.answer} should be a dict with exactly these keys: {', '.join(items)}.",
            f"Write it as {q.answer} = {{{example}, ...}}",
        )
    chosen = {k: _label_of(v, labels) for k, v in value.items()}
    for k, v in value.items():
        if chosen[k] is None:
            what = "is still '?'" if v == "?" else f"is {v!r}, which is not one of the labels"
            return result_for(
                q,
                check,
                "wrong",
                f"Item {k} {what}.",
                "Choose one of: " + "; ".join(labels) + ".",
            )
    if check == "attempted":
        return result_for(q, check, "pass", "Answered.")
    key = args[0]
    misses = [(k, exp, why) for k, (exp, why) in key.items() if chosen[k] != exp]
    if not misses:
        return result_for(q, check, "pass", f"Right about {', '.join(sorted(key))}.")
    lines = [f"{k}: you said {chosen[k]}, but it is {exp}. {why}" for k, exp, why in misses]
    return result_for(
        q,
        check,
        "wrong",
        " ".join(lines),
        "Look at two things in each thread: how long after the question the reply came "
        "(mind the time zones), and whether it says why.",
    )


_JUDGES: dict[str, Callable[[Question, str, tuple[Any, ...], Any], Result]] = {
    "note": _judge_note,
    "reply": _judge_reply,
    "decision": _judge_decision,
    "contacts": _judge_contacts,
    "triage": _judge_triage,
    "judgement": _judge_judgement,
}
