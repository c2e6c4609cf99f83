"""`connectwell lab` before JupyterLab starts: what a newcomer sees when something is missing or
wrong is one line saying what to do, and exit status 2. (The browser tests start it for real.)
No browser or server is needed here."""

from __future__ import annotations

import importlib.util
import socket
from pathlib import Path

import pytest
from browser_support import ROOT

from connectwell.cli import main
from connectwell.course import lab


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["lab", "--no-browser", *args])
    captured = capsys.readouterr()
    return code, captured.err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_a_folder_that_does_not_exist(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, err = run(capsys, str(tmp_path / "nowhere"))
    assert code == 2
    assert "no such folder" in one_error_line(err)


def test_a_folder_without_the_course_says_how_to_find_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, err = run(capsys, str(tmp_path))
    line = one_error_line(err)
    assert code == 2
    assert "course/" in line and "connectwell lab PATH" in line


def test_without_a_folder_it_finds_the_checkout_it_is_installed_from(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # a folder with no course in it
    assert lab.find_course(None) == ROOT


def test_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, err = run(capsys, "--port", str(port), str(ROOT))
    assert code == 2
    assert f"port {port} is in use" in one_error_line(err)


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_a_port_that_is_not_a_port(capsys: pytest.CaptureFixture[str], port: str) -> None:
    code, err = run(capsys, "--port", port)
    assert code == 2
    assert "is not a port" in err


def test_missing_course_packages_are_named_with_the_install_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name in ("nbgrader", "ipywidgets") else real(name, *a),
    )
    code, err = run(capsys, str(ROOT))
    line = one_error_line(err)
    assert code == 2
    assert "nbgrader" in line and "ipywidgets" in line and lab.INSTALL_HINT in line


def test_the_token_is_not_on_the_command_line() -> None:
    """Other users of a shared machine can read command lines (ps), not environments."""
    settings = lab.LabSettings(root=ROOT, port=8888)
    assert settings.token not in " ".join(settings.command())
    assert settings.environment({})["JUPYTER_TOKEN"] == settings.token
    assert settings.url().endswith(f"/lab/tree/{lab.START}?token={settings.token}")
