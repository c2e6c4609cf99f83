"""Names: common short forms of first names ("Bob" for Robert, "Paco" for Francisco), honorifics,
and every form a note may call the recipient by. Used by context.py."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from connectwell.mentions import phrase_probe
from connectwell.text import fold_plain


@lru_cache(maxsize=1)
def _namer():
    from nicknames import NickNamer  # a curated dataset; loaded once, on first use

    return NickNamer()


@lru_cache(maxsize=1)
def _diminutives() -> dict[str, frozenset[str]]:
    """connectwell/data/diminutives.yaml both ways: each name to its other forms, folded."""
    import yaml

    from connectwell.text import fold_plain

    path = Path(__file__).parent / "data" / "diminutives.yaml"
    table: dict[str, set[str]] = {}
    for full, shorts in yaml.safe_load(path.read_text(encoding="utf-8")).items():
        full = fold_plain(str(full))
        for short in map(fold_plain, map(str, shorts)):
            table.setdefault(full, set()).add(short)
            table.setdefault(short, set()).add(full)
    return {name: frozenset(forms) for name, forms in table.items()}


@lru_cache(maxsize=2048)
def nicknames(first: str) -> frozenset[str]:
    """Other forms of a first name, both ways: nicknames of it and names it is short for, in
    English (the `nicknames` dataset) and in other languages (data/diminutives.yaml)."""
    first = first.lower()
    if not first.isalpha():
        return frozenset()
    namer = _namer()
    english = namer.nicknames_of(first) | namer.canonicals_of(first)
    return frozenset(english | _diminutives().get(first, frozenset()))


TITLES = (
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "sir",
    "madam",
    "herr",
    "frau",
)


@lru_cache(maxsize=1024)
def name_forms(name: str) -> tuple[str, str, tuple[tuple[str, re.Pattern[str]], ...]] | None:
    """The recipient's first and last name, and a phrase_probe for every form a note may call
    them by (the name, its parts, nicknames); worked out once per name, not once per note."""
    if not name.strip():
        return None
    tokens = name.split()
    if len(tokens) > 2 and tokens[0].endswith(".") and len(tokens[0]) <= 4:
        tokens = tokens[1:]  # "Md. Rafiqul Islam", "Ma. Lourdes Santos": an abbreviated first name
    parts = [fold_plain(p) for p in tokens if p.strip(".")]
    parts = [p.strip(".,") for p in parts if p.strip(".,") not in TITLES]
    if not parts:
        return None
    first, last = parts[0], parts[-1]
    forms = {first, name}
    if len(parts) > 1:
        forms.add(last)
    if len(parts) > 2:
        # Family name first ("Tan Mei Ling", "Nguyen Thi Lan"): the given name is what follows.
        forms.add(" ".join(parts[1:]))
        forms |= {p for p in parts[1:-1] if len(p) >= 3}
    forms |= nicknames(first)
    probes = tuple(probe for form in sorted(forms) if (probe := phrase_probe(form)))
    return first, last, probes


def short_form(word: str, name: str) -> bool:
    """ "Jo" for Josephine, "Benji" for Benjamin, "Tobi" for Oluwatobi."""
    if name.startswith(word):
        return len(word) >= 2
    # The name as a greeting inflects it: "Panie Piotrze", "Pani Agnieszko", "Tomaszu".
    if len(name) >= 4 and word.startswith(name[:-1]) and 0 <= len(word) - len(name) <= 2:
        return True
    if len(word) >= 4 and name.endswith(word):
        return True
    # "Bec" for Rebecca, "Nacho" for Ignacio, "Katya" for Yekaterina: a short form cut from
    # inside the name keeps the letters it was cut from.
    if len(word) >= 3 and len(name) > len(word) and word[:3] in name[1:]:
        return True
    shared = 0
    for a, b in zip(word, name, strict=False):
        if a != b:
            break
        shared += 1
    # "Gabi" for Gabriela, "Benji" for Benjamin: the same start, the rest of its letters in order.
    return shared >= 3 and len(word) < len(name) and in_order(word[shared:], name[shared:])


def in_order(letters: str, name: str) -> bool:
    rest = iter(name)
    return all(c in rest for c in letters)
