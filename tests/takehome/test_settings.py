"""Settings: one store for every command, whichever directory it runs from."""

from __future__ import annotations

import re
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


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TAKEHOME_DOCKER_TIMEOUT", "inf", "Input should be a finite number"),
        ("TAKEHOME_DOCKER_TIMEOUT", "nan", "Input should be a finite number"),
        ("TAKEHOME_DOCKER_TIMEOUT", "0", "Input should be greater than 0"),
        ("TAKEHOME_DOCKER_TIMEOUT", "-5", "Input should be greater than 0"),
        ("TAKEHOME_DOCKER_TIMEOUT", "1e300", "Input should be less than or equal to 86400"),
        ("TAKEHOME_FETCH_TIMEOUT", "inf", "Input should be a finite number"),
        ("TAKEHOME_FETCH_TIMEOUT", "-inf", "Input should be a finite number"),
        ("TAKEHOME_FETCH_TIMEOUT", "0", "Input should be greater than 0"),
        ("TAKEHOME_FETCH_TIMEOUT", "nan", "Input should be a finite number"),
        ("TAKEHOME_LEASE", "inf", "Input should be a finite number"),
        ("TAKEHOME_LEASE", "nan", "Input should be a finite number"),
        ("TAKEHOME_LEASE", "1e12", "Input should be less than or equal to 604800"),
        ("TAKEHOME_BASE_IMAGE", "UPPER/Case::x", "'UPPER/Case::x' is not an image reference"),
        ("TAKEHOME_BASE_IMAGE", "", "'' is not an image reference"),
        ("TAKEHOME_BASE_IMAGE", "a b", "'a b' is not an image reference"),
        ("TAKEHOME_BASE_IMAGE", "python:", "'python:' is not an image reference"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(TakehomeError, match=f"^{re.escape(f'{name}: {message}')}") as refused:
        load_settings()
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    "image",
    ["takehome-base:bookworm", "python:3.12-slim", "registry.example.com:5000/team/base:1",
     "localhost/a/b_c.d-e", "python@sha256:" + "a" * 64],
)  # fmt: skip
def test_image_references_the_engine_takes_are_accepted(monkeypatch, image):
    monkeypatch.setenv("TAKEHOME_BASE_IMAGE", image)
    assert load_settings().base_image == image


def test_a_work_dir_that_is_a_file_or_missing_is_named(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a directory")
    for bad in (tmp_path / "file", tmp_path / "missing"):
        monkeypatch.setenv("TAKEHOME_WORK_DIR", str(bad))
        with pytest.raises(TakehomeError, match=rf"^TAKEHOME_WORK_DIR: {bad}: not an existing dir"):
            load_settings()
    monkeypatch.setenv("TAKEHOME_WORK_DIR", str(tmp_path))
    assert load_settings().work_dir == tmp_path


def test_a_bad_setting_stops_a_command_with_one_line_and_exit_1(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "XDG_DATA_HOME": str(tmp_path),
        "TAKEHOME_DOCKER_TIMEOUT": "inf",
    }
    result = subprocess.run([sys.executable, "-m", "takehome", "gc"], capture_output=True,
                            text=True, env=env, timeout=120)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == "error: TAKEHOME_DOCKER_TIMEOUT: Input should be a finite number\n"


def test_variables_are_read_whatever_their_case_and_others_are_not_ours(monkeypatch):
    """As pydantic-settings read them (its case_sensitive=False): a lowercase name counts;
    a variable that names no setting, or another prefix, is not a setting."""
    monkeypatch.setenv("takehome_blind", "true")
    monkeypatch.setenv("TAKEHOME_TRUSTED_GIT_HOSTS", " git.example.com , git.local:3000,")
    monkeypatch.setenv("TAKEHOME_NO_SUCH_SETTING", "x")
    monkeypatch.setenv("OTHER_DOCKER_TIMEOUT", "not a number")
    settings = load_settings()
    assert settings.blind is True
    assert settings.trusted_git_hosts == ["git.example.com", "git.local:3000"]
    assert settings.docker_timeout == 60.0


def test_a_secret_from_the_environment_is_never_shown(monkeypatch):
    monkeypatch.setenv("TAKEHOME_PORTAL_SECRET", "s" * 32)
    settings = load_settings()
    assert settings.portal_secret is not None
    assert settings.portal_secret.get_secret_value() == "s" * 32
    assert "s" * 32 not in repr(settings)
