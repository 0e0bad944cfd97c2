"""Settings: one store for every command, whichever directory it runs from."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from challenges.base_error import TakehomeError
from takehome.settings import load_settings


def test_the_default_store_is_in_the_data_directory_whatever_the_cwd(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    assert load_settings().store_url == f"sqlite:///{tmp_path / 'xdg' / 'takehome' / 'takehome.db'}"
    assert (tmp_path / "xdg" / "takehome").is_dir()


def test_a_relative_sqlite_store_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("TAKEHOME_DATABASE_URL", "sqlite:///takehome.db")
    with pytest.raises(TakehomeError, match=r"TAKEHOME_DATABASE_URL: .*absolute path"):
        load_settings()


def test_a_data_directory_that_cannot_be_made_is_one_clear_error(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a directory")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "file"))
    with pytest.raises(TakehomeError, match=r"file/takehome: cannot make the data directory"):
        _ = load_settings().store_url


def test_invitations_made_in_one_directory_are_found_from_another(tmp_path):
    """``invite`` run from two directories reaches one store (it made a ./takehome.db in each)."""
    env = {"TAKEHOME_PORTAL_SECRET": "s" * 32, "PATH": "/usr/bin:/bin",
           "XDG_DATA_HOME": str(tmp_path / "xdg")}  # fmt: skip
    for where in ("a", "b"):
        (tmp_path / where).mkdir()
        command = ["invite", "--challenge", "kv-store", "--candidate", f"cand-{where}"]
        made = subprocess.run(
            [sys.executable, "-m", "takehome", *command],
            capture_output=True, text=True, env=env, cwd=tmp_path / where, timeout=120,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
    assert not list(Path(tmp_path).glob("*/takehome.db"))
    from runner.store.runs import Store

    with Store.open(f"sqlite:///{tmp_path / 'xdg' / 'takehome' / 'takehome.db'}") as store:
        assert store.count("invitations") == 2
