"""The linter's declared tables hold together: cue and scam-family entries.

reason_cues.CUE_TABLE and scams.FAMILIES are the single place a cue or a scam family is declared;
everything else is derived from them. These tests keep each entry honest (its example is what
it finds), so the tables stay readable on their own; tests/test_architecture.py keeps the
modules in their layers.
"""

from __future__ import annotations

import re

import pytest

from connectwell import reason_cues, reasons, scams
from connectwell.text import expand_texting, fold

# ---------------------------------------------------------------- cues


@pytest.mark.parametrize("cue", reason_cues.CUE_TABLE, ids=lambda cue: cue.example)
def test_each_cue_finds_its_example(cue: reason_cues.Cue) -> None:
    assert re.search(cue.pattern, cue.example), (cue.pattern, cue.example)
    assert reason_cues.CUES.search(cue.example)


def test_every_kind_of_cue_is_used() -> None:
    assert {cue.kind for cue in reason_cues.CUE_TABLE} == set(reason_cues.Kind)


def test_prompts_are_cues_but_not_purposes() -> None:
    # What prompted a note is no purpose: find_reasons then looks for one elsewhere.
    prompts = [cue for cue in reason_cues.CUE_TABLE if not cue.is_purpose]
    assert prompts and all(cue.kind is reason_cues.Kind.PROMPT for cue in prompts)
    for cue in prompts:
        assert reason_cues.CUES.search(cue.example), cue.example
        assert not reason_cues.PURPOSE_CUES.search(cue.example), cue.example


def test_filler_is_the_union_of_its_groups_without_repeats() -> None:
    words = [w for group in reasons.FILLER_GROUPS.values() for w in group.split()]
    assert len(words) == len(set(words)) == len(reasons.FILLER)


# ---------------------------------------------------------------- scam families


def test_family_names_are_unique_and_described() -> None:
    names = [family.name for family in scams.FAMILIES]
    assert len(names) == len(set(names))
    assert set(scams.DESCRIPTIONS) == {*names, scams.DISGUISE}


@pytest.mark.parametrize("family", scams.FAMILIES, ids=lambda family: family.name)
def test_each_family_finds_its_example(family: scams.Family) -> None:
    # Through find_scam, as Context calls it: the example is this family's, not an earlier one's.
    note = expand_texting(fold(family.example), family.example)
    found = scams.find_scam(family.example, note)
    assert found is not None and found.family == family.name, found
    # and its triggers let the prefilter through
    assert family.may_match(set(re.findall(r"[a-z]+", note.text)), note.text)


def test_the_prefilter_is_derived_from_every_family() -> None:
    assert scams._ANY_TRIGGER_WORD == frozenset().union(*(f.words for f in scams.FAMILIES))
    for family in scams.FAMILIES:
        for mark in family.marks:
            assert scams._ANY_TRIGGER_MARK.search(mark), (family.name, mark)
