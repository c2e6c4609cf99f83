"""Common short forms of first names ("Bob" for Robert, "Liz" for Elizabeth)."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _namer():
    from nicknames import NickNamer  # a curated dataset; loaded once, on first use

    return NickNamer()


@lru_cache(maxsize=2048)
def nicknames(first: str) -> frozenset[str]:
    """Other forms of a first name, both ways: nicknames of it and names it is short for."""
    first = first.lower()
    if not first.isalpha():
        return frozenset()
    namer = _namer()
    return frozenset(namer.nicknames_of(first) | namer.canonicals_of(first))
