"""`import connectwell` stays light: every grading kernel and the command line pay for it.

Each check runs in a fresh interpreter, since this test process has long since imported
everything. Only modules that connectwell itself brings in count: a baseline is taken first.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

HEAVY = ("ipywidgets", "nbgrader", "pandas", "matplotlib", "IPython", "jupyter_client")


def modules_loaded_by(code: str) -> set[str]:
    """Top-level packages that `code` adds to sys.modules in a fresh interpreter."""
    script = textwrap.dedent(
        """
        import json, sys
        before = set(sys.modules)
        {code}
        added = {{name.split(".")[0] for name in set(sys.modules) - before}}
        print(json.dumps(sorted(added)))
        """
    ).format(code=textwrap.dedent(code).strip())
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_plain_import_loads_nothing_heavy_and_not_yaml() -> None:
    added = modules_loaded_by("import connectwell")
    assert "connectwell" in added  # the probe works
    assert not added & {*HEAVY, "yaml"}, sorted(added & {*HEAVY, "yaml"})


def test_checking_a_note_loads_nothing_heavy() -> None:
    added = modules_loaded_by(
        """
        import connectwell
        connectwell.check("hi")
        connectwell.check({"message": "Hі Priya, ｌoved your Kafka talk 🙂",
                           "recipient": {"name": "Priya Raman", "skills": ["Kafka"]}})
        """
    )
    assert "connectwell" in added
    assert not added & set(HEAVY), sorted(added & set(HEAVY))


def test_the_public_names_load_nothing_heavy() -> None:
    added = modules_loaded_by(
        """
        import connectwell as cw
        for name in cw.__all__:
            getattr(cw, name)
        cw.RULES["personalised"].doc()
        cw.check("Hi", rules=["fits-limit"]).to_dict()
        cw.check("Hi")._repr_html_()
        """
    )
    assert not added & set(HEAVY), sorted(added & set(HEAVY))
