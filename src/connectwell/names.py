"""Common short forms of first names ("Bob" for Robert, "Paco" for Francisco)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


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
