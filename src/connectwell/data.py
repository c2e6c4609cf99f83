"""The course's data files (YAML in connectwell/data/), loaded by name and shared by the
course notebooks, the widgets and the exercises, so one recipient profile is one fact."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    """Parse connectwell/data/NAME.yaml (cached; treat the result as read-only)."""
    import yaml

    path = resources.files("connectwell") / "data" / f"{name}.yaml"
    if not path.is_file():
        available = sorted(p.name.removesuffix(".yaml") for p in (resources.files("connectwell") / "data").iterdir()
                           if p.name.endswith(".yaml"))
        raise KeyError(f"no data file named {name!r}; available: {', '.join(available)}")
    return yaml.safe_load(path.read_text(encoding="utf-8"))
