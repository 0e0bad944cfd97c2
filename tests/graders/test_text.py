"""Candidate-controlled text made safe to keep: no terminal escapes, bounded length."""

from __future__ import annotations

import pytest

from graders.text import clean, first_line


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b[2J\x1b[Hcleared", "cleared"),
        ("\x1b[38;5;196mcolour\x1b[m", "colour"),
        ("\x1b]0;window title\x07text", "text"),
        ("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("a\x00b\x07c\x08d\x7fe\x9bf", "abcdef"),
        ("line\r\nnext", "line\nnext"),
        ("tab\tkept\nnewline kept", "tab\tkept\nnewline kept"),
        ("naïve — ünïcödé ✓", "naïve — ünïcödé ✓"),
    ],
)
def test_clean_removes_escapes_and_control_characters(raw: str, expected: str) -> None:
    assert clean(raw, 1000) == expected


def test_clean_leaves_no_escape_character_behind() -> None:
    hostile = "\x1b\x1b[\x1b]\x1b\x00[31m\x1bc\x1b7\x1b(B" * 10
    assert "\x1b" not in clean(hostile, 1000)


def test_short_text_is_unchanged() -> None:
    assert clean("x" * 100, 100) == "x" * 100


def test_long_text_keeps_head_and_tail_within_the_cap() -> None:
    text = "HEAD" + "m" * 10_000 + "TAIL"
    result = clean(text, 200)
    assert len(result) <= 200
    assert result.startswith("HEAD")
    assert result.endswith("TAIL")
    assert "\n[...]\n" in result


def test_cap_counts_cleaned_text() -> None:
    # escapes do not use up the budget, and cannot push real text out
    text = "\x1b[31m" * 1000 + "visible"
    assert clean(text, 10) == "visible"


@pytest.mark.parametrize("cap", [0, 1, 5, 8, 9, 10, 11])
def test_tiny_caps_are_honoured(cap: int) -> None:
    assert len(clean("abcdefghijklmnopqrstuvwxyz", cap)) <= cap


def test_first_line_is_the_first_non_empty_cleaned_line() -> None:
    text = "\n   \n\x1b[31m  E   AssertionError: boom  \x1b[0m\nsecond line\n"
    assert first_line(text) == "E   AssertionError: boom"


def test_first_line_is_capped() -> None:
    assert first_line("y" * 500) == "y" * 200
    assert first_line("y" * 500, cap=20) == "y" * 20


def test_first_line_of_blank_text_is_empty() -> None:
    assert first_line("") == ""
    assert first_line("\n \t\n\x1b[0m\n") == ""
