"""Input files that are not what they claim: each is one error naming the file, never a crash
(an exception other than TakehomeError, exit 3 at the CLI) and never a hang.

Regression tests of issue 11 (SECURITY row 35's promise for the challenge format): each of
these crashed, hung or was refused with a misleading message before it was fixed.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from challenges.base_error import TakehomeError
from challenges.errors import ChallengeError
from challenges.inventory import inventory
from challenges.load import load_challenge, load_toml_model, resolve_challenge_dir
from challenges.model import ChallengeConfig
from graders.registry import available

Edit = Callable[[Path, str, str], None]


def unreadable(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """``path`` cannot be opened (EACCES). The suite may run as root, where chmod 000 does
    not stop a read, so both ways of opening a file are made to refuse it."""
    real_os_open, real_io_open = os.open, io.open

    def refuse(target: object) -> None:
        if isinstance(target, str | Path) and Path(target) == path:
            raise PermissionError(13, "Permission denied", str(path))

    def os_open(target: object, *args: object, **kwargs: object) -> int:
        refuse(target)
        return real_os_open(target, *args, **kwargs)  # type: ignore[arg-type]

    def io_open(target: object, *args: object, **kwargs: object) -> object:
        refuse(target)
        return real_io_open(target, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(io, "open", io_open)


def _error(root: Path | str) -> str:
    with pytest.raises(ChallengeError) as caught:  # noqa: PT011 - the callers assert the message
        load_challenge(root, available())
    return str(caught.value)


# ------------------------------------------------------------------ challenge.toml, rubric.toml


def test_challenge_toml_that_is_a_directory(kv_copy: Path) -> None:
    (kv_copy / "challenge.toml").unlink()
    (kv_copy / "challenge.toml").mkdir()
    message = _error(kv_copy)
    assert message == f"{kv_copy.resolve() / 'challenge.toml'}: is a directory, not a regular file"


def test_challenge_toml_that_is_a_symlink_loop(kv_copy: Path) -> None:
    (kv_copy / "challenge.toml").unlink()
    (kv_copy / "challenge.toml").symlink_to("challenge.toml")
    assert "challenge.toml: cannot be read: too many levels of symbolic links" in _error(kv_copy)


def test_unreadable_rubric_toml(kv_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rubric = kv_copy.resolve() / "rubric.toml"
    unreadable(monkeypatch, rubric)
    assert _error(kv_copy) == f"{rubric}: cannot be read: permission denied"


def test_rubric_toml_that_is_a_fifo_is_refused_without_blocking(
    kv_copy: Path, no_hang: None
) -> None:
    (kv_copy / "rubric.toml").unlink()
    os.mkfifo(kv_copy / "rubric.toml")
    assert _error(kv_copy) == f"{kv_copy.resolve() / 'rubric.toml'}: is a FIFO, not a regular file"


def test_toml_nested_a_thousand_deep(tmp_path: Path) -> None:
    path = tmp_path / "challenge.toml"
    path.write_text("a = " + "[" * 1000 + "]" * 1000 + "\n")
    with pytest.raises(ChallengeError, match=r"challenge\.toml: invalid TOML: nested too deeply"):
        load_toml_model(path, ChallengeConfig)


def test_toml_integer_of_five_thousand_digits(tmp_path: Path) -> None:
    path = tmp_path / "challenge.toml"
    path.write_text("a = " + "9" * 5000 + "\n")
    with pytest.raises(ChallengeError, match=r"challenge\.toml: invalid TOML: "):
        load_toml_model(path, ChallengeConfig)


def test_toml_larger_than_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "challenge.toml"
    path.write_text("# " + "x" * (2 * 1024 * 1024) + "\n")
    with pytest.raises(ChallengeError, match=r"challenge\.toml: is larger than the limit"):
        load_toml_model(path, ChallengeConfig)


def test_toml_with_a_byte_order_mark_loads(kv_copy: Path) -> None:
    path = kv_copy / "challenge.toml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_challenge(kv_copy, available()).config.id == "kv-store"


@pytest.mark.parametrize("slug", ["a" * 5000, "x\0y", "a/" * 3000])
def test_absurd_challenge_names(slug: str) -> None:
    with pytest.raises(ChallengeError, match="no such challenge directory") as caught:
        resolve_challenge_dir(slug)
    message = str(caught.value)
    assert "no such challenge directory or bundled challenge" in message
    assert len(message) < 300  # the name is shortened, not repeated in full


# ------------------------------------------------------------------ the hidden test files


def test_test_file_that_is_a_directory(kv_copy: Path) -> None:
    (kv_copy / "tests" / "test_dir.py").mkdir()
    assert "tests/test_dir.py: is a directory, not a regular file" in _error(kv_copy)


def test_test_file_that_is_a_dangling_symlink(kv_copy: Path) -> None:
    (kv_copy / "tests" / "test_gone.py").symlink_to("nowhere.py")
    assert "tests/test_gone.py: is a symlink to a file that does not exist" in _error(kv_copy)


def test_unreadable_test_file(kv_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = kv_copy.resolve() / "tests" / "test_core.py"
    unreadable(monkeypatch, target)
    assert f"{target}: cannot be read: permission denied" in _error(kv_copy)


def test_test_file_that_is_a_fifo(tmp_path: Path, no_hang: None) -> None:
    os.mkfifo(tmp_path / "test_fifo.py")
    with pytest.raises(ChallengeError, match=r"test_fifo\.py: is a FIFO, not a regular file"):
        inventory(tmp_path)


@pytest.mark.parametrize(
    "source",
    [
        "x = " + "(" * 200 + "\n",
        "x = " + "(" * 200 + ")" * 200 + "\ndef test_x():\n    pass\n",
        "x = " + " + ".join(["1"] * 100_000) + "\n",
        "pytestmark = " + "[" * 90 + "]" * 90 + "\ndef test_x():\n    pass\n",
    ],
    ids=["open-parens", "deep-parens", "100k-term-sum", "deep-pytestmark"],
)
def test_expressions_that_exhaust_the_parser(tmp_path: Path, source: str) -> None:
    (tmp_path / "test_deep.py").write_text(source)
    try:
        names = [case.name for case in inventory(tmp_path)]
    except ChallengeError as error:
        names = [str(error)]
    assert names in ([], ["test_x"]) or names[0].startswith(
        f"{tmp_path / 'test_deep.py'}: the hidden test file does not parse: "
    )


def test_test_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    (tmp_path / "test_bom.py").write_bytes(b"\xef\xbb\xbfdef test_x():\n    pass\n")
    assert [case.node_id for case in inventory(tmp_path)] == ["test_bom.py::test_x"]


def test_bundled_suite_with_byte_order_marks_loads(kv_copy: Path) -> None:
    for path in (kv_copy / "tests").glob("test_*.py"):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(load_challenge(kv_copy, available()).tests) == 50


def test_file_matching_both_patterns_is_counted_once(tmp_path: Path) -> None:
    (tmp_path / "test_store_test.py").write_text("def test_x():\n    pass\n")
    assert [case.node_id for case in inventory(tmp_path)] == ["test_store_test.py::test_x"]


def test_every_broken_test_file_is_listed(kv_copy: Path) -> None:
    (kv_copy / "tests" / "test_a.py").mkdir()
    (kv_copy / "tests" / "test_b.py").write_text("def test_x(:\n")
    with pytest.raises(ChallengeError, match=r"test_a\.py") as caught:
        load_challenge(kv_copy, available())
    assert [problem.split(": ")[0].rsplit("/", 1)[1] for problem in caught.value.problems] == [
        "test_a.py",
        "test_b.py",
    ]


def test_a_suite_file_symlinked_out_of_the_challenge_is_refused(kv_copy: Path) -> None:
    secret = kv_copy.parent / "secret.txt"
    secret.write_text("host secret\n")
    (kv_copy / "tests" / "data.txt").symlink_to(secret)
    assert "tests/data.txt: a symlink in the hidden suite leads outside" in _error(kv_copy)


def test_input_errors_are_takehome_errors() -> None:
    assert issubclass(ChallengeError, TakehomeError)
