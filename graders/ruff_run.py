"""Running ruff over candidate files, and telling a broken ruff from a file that breaks it.

Ruff is third-party code fed hostile input: a 100,000-term expression overflows its stack,
a file in another encoding is one it cannot read. Such a file is the candidate's doing, so it
must cost that file's row its score, with a flag naming it, and never look like an engine
failure (which the pipeline retries and never charges). When a ruff process fails, ruff
first lints a one-line control input with the same rules: if that fails too, ruff itself is
broken or misconfigured (a RuntimeError, the grader's problem); otherwise the files are split
in halves until the ones ruff fails on alone are found. Files ruff reports it could not read
(rule E902, always selected) are treated the same way.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from challenges.lint_rules import ruff_binary
from graders.text import clean

RUFF_TIMEOUT = 60.0
"""Seconds for all ruff processes of one measurement, control runs and halvings included."""
MESSAGE_CAP = 200
ARGS_CHUNK = 100_000
"""Bytes of file names passed to one ruff process, well under any ``ARG_MAX``."""
UNREADABLE = "E902"
"""Ruff's code for a file it could not read; selected always, never counted as a finding."""
_CONTROL_INPUT = b"x = 1\n"


class _Location(BaseModel):
    model_config = ConfigDict(extra="ignore")

    row: int


class RuffItem(BaseModel):
    """One entry of ``ruff --output-format json``; only the fields the grader reads."""

    model_config = ConfigDict(extra="ignore")

    filename: str
    code: str | None
    message: str
    location: _Location


@dataclass
class RuffOutput:
    """Ruff's findings per file name as the grader passed it, and the files it failed on."""

    items: list[tuple[str, RuffItem]] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    """File name → why ruff could not lint it."""


class _Failed(Exception):
    """One ruff process did not give a usable answer; the message says why."""


def _chunks(files: Sequence[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    size = 0
    for name in files:
        if chunk and size + len(name) + 1 > ARGS_CHUNK:
            yield chunk
            chunk, size = [], 0
        chunk.append(name)
        size += len(name) + 1
    if chunk:
        yield chunk


def _command(ruff: str, select: Sequence[str], files: Sequence[str]) -> list[str]:
    rules = ",".join([*select, UNREADABLE])
    return [
        ruff, "check", "--isolated", "--no-cache", "--ignore-noqa", "--no-respect-gitignore",
        "--no-force-exclude", "--exclude", "__pycache__", "--no-fix", "--output-format", "json",
        "--exit-zero", "--target-version", "py311", "--select", rules, "--", *files,
    ]  # fmt: skip


def _shown(name: str) -> str:
    """A file name as ruff prints it: not valid UTF-8 bytes become U+FFFD."""
    return os.fsencode(name).decode("utf-8", "replace")


class _Ruff:
    """One measurement's ruff processes, sharing a deadline and the control run."""

    def __init__(self, root: Path, select: Sequence[str]) -> None:
        self.ruff = ruff_binary()
        self.root = root.resolve()
        self.select = select
        self.deadline = time.monotonic() + RUFF_TIMEOUT
        self.control_passed = False
        self.output = RuffOutput()

    def _run(self, files: Sequence[str], stdin: bytes | None = None) -> bytes:
        command = _command(self.ruff, self.select, files)
        try:
            done = subprocess.run(
                command, cwd=self.root, input=stdin, capture_output=True, check=False,
                timeout=max(self.deadline - time.monotonic(), 1.0),
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise _Failed(f"ruff did not finish within {RUFF_TIMEOUT:g} s") from None
        except OSError as error:
            raise RuntimeError(f"ruff could not be started: {error}") from None
        if done.returncode < 0:
            raise _Failed(f"ruff crashed (signal {-done.returncode})")
        if done.returncode != 0:
            said = " ".join(clean(done.stderr.decode(errors="replace"), 100_000).split())
            raise _Failed(f"ruff failed (exit {done.returncode}): {said[:MESSAGE_CAP] or '-'}")
        return done.stdout

    def _check_control(self) -> None:
        """Raise RuntimeError unless ruff lints a harmless input with these rules."""
        if self.control_passed:
            return
        try:
            self._parse(self._run(["-"], _CONTROL_INPUT), {}, control=True)
        except _Failed as failure:
            raise RuntimeError(str(failure)) from None
        self.control_passed = True

    def _parse(self, stdout: bytes, passed: dict[str, str], control: bool = False) -> None:
        try:
            items = [RuffItem.model_validate(item) for item in json.loads(stdout)]
        except (ValueError, TypeError, ValidationError) as error:
            raise _Failed(f"ruff printed output the grader cannot read: {error}") from None
        found: list[tuple[str, RuffItem]] = []
        for item in items:
            try:
                relative = Path(item.filename).relative_to(self.root).as_posix()
            except ValueError:
                relative = item.filename
            if control:
                continue
            if relative not in passed:
                raise _Failed("ruff reported a file it was not given")
            found.append((passed[relative], item))
        for name, item in found:
            if item.code == UNREADABLE:
                self.output.failed[name] = f"ruff could not read it: {clean(item.message, 100)}"
            else:
                self.output.items.append((name, item))

    def lint(self, files: list[str]) -> None:
        """Lint ``files``; on failure, find the files ruff fails on alone."""
        passed = {_shown(name): name for name in files}
        if len(passed) < len(files) and len(files) > 1:
            alike = Counter(_shown(name) for name in files)
            rest = [name for name in files if alike[_shown(name)] == 1]
            if rest:
                self.lint(rest)
            for name in files:  # names alike once ruff prints them: one process each
                if alike[_shown(name)] > 1:
                    self.lint([name])
            return
        try:
            self._parse(self._run(files), passed)
            return
        except _Failed as failure:
            reason = str(failure)
        self._check_control()
        if len(files) == 1:
            self.output.failed[files[0]] = reason
        elif time.monotonic() >= self.deadline:
            self.output.failed.update((name, reason) for name in files)
        else:
            half = len(files) // 2
            self.lint(files[:half])
            self.lint(files[half:])


def run_ruff(root: Path, files: Sequence[str], select: Sequence[str]) -> RuffOutput:
    """Ruff's findings in ``files`` (relative to ``root``) and the files it could not lint.

    Raises RuntimeError when ruff itself cannot run with these rules: the grader's problem.
    """
    runner = _Ruff(root, select)
    for chunk in _chunks(files):
        runner.lint(chunk)
    return runner.output
