"""Rosters in CSV and YAML; every error names the file, the line or entry and the field."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from challenges.roster import RosterError, load_roster


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_csv_roster(tmp_path):
    path = _write(
        tmp_path,
        "cohort.csv",
        "alias,repo,ref,invited_at,deadline\n"
        "ana,https://github.com/ana/kv.git,,2026-11-20T09:00:00+01:00,\n"
        "ben,/srv/zips/ben,,2026-11-20 10:00,2026-11-21\n",
    )
    ana, ben = load_roster(path)
    assert ana.alias == "ana"
    assert ana.ref is None
    assert ana.invited_at == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert ben.invited_at == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # naive: taken as UTC
    assert ben.deadline == datetime(2026, 11, 21, tzinfo=UTC)


def test_a_yaml_roster(tmp_path):
    path = _write(
        tmp_path,
        "cohort.yaml",
        "- {alias: ana, repo: 'https://github.com/ana/kv.git', ref: main}\n"
        "- alias: ben\n  repo: /srv/zips/ben\n",
    )
    assert [(e.alias, e.ref) for e in load_roster(path)] == [("ana", "main"), ("ben", None)]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("a.csv", "alias,repo\nana,x\nana,y\n", "line 3: alias 'ana' is already used at line 2"),
        ("b.csv", "name,repo\nana,x\n", "the header must name alias, repo"),
        ("c.csv", "alias,repo,deadline\nana,x,tomorrow\n", "line 2: deadline: "),
        ("d.csv", "alias,repo\nana bob,x\n", "line 2: alias: "),
        ("e.yaml", "- {alias: ana}\n", "entry 1: repo: Field required"),
        ("f.yaml", "alias: ana\n", "a YAML roster is a list of entries"),
        ("g.yaml", "- {alias: ana, repo: x, score: 3}\n", "entry 1: score: Extra inputs"),
        ("h.csv", "alias,repo\n", "the roster has no entries"),
    ],
)
def test_bad_rosters_say_where_and_what(tmp_path, name, text, message):
    path = _write(tmp_path, name, text)
    with pytest.raises(RosterError, match=re.escape(message)) as raised:
        load_roster(path)
    assert str(raised.value).startswith(f"{path}: ")


def test_a_missing_roster(tmp_path):
    with pytest.raises(RosterError, match=r"nope\.csv: file not found"):
        load_roster(tmp_path / "nope.csv")


# ------------------------------------------------------------------ issue 11: never a crash


def _raw(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("latin.csv", b"alias,repo\nan\xe9,x\n", "line 2: is not UTF-8 text (byte 0xe9)"),
        ("latin.yaml", b"- {alias: an\xe9, repo: x}\n", "line 1: is not UTF-8 text (byte 0xe9)"),
        ("big.csv", b"alias,repo\nana," + b"x" * 140_000 + b"\n", "line 2: not valid CSV: field"),
        ("deep.yaml", b"[" * 5000 + b"]" * 5000, "not valid YAML: nested too deeply"),
        ("extra.csv", b"alias,repo\nana,x,y\n", "line 2: 3 fields, but the header has 2"),
        ("twice.csv", b"alias,repo,alias\nana,x,y\n", "the header names alias twice"),
        ("feb30.yaml", b"- {alias: ana, repo: x, deadline: 2026-02-30}\n", "not valid YAML"),
        ("late.csv", b"alias,repo,deadline\nana,x,9999-12-31T23:59:59-14:00\n",
         "line 2: deadline: must be between 1970 and 3000"),
        ("early.csv", b"alias,repo,invited_at\nana,x,0001-01-01T00:00:00+14:00\n",
         "line 2: invited_at: must be between 1970 and 3000"),
        ("early.yaml", b"- {alias: ana, repo: x, invited_at: 0001-01-01}\n",
         "entry 1: invited_at: must be between 1970 and 3000"),
    ],
)  # fmt: skip
def test_rosters_that_crashed_are_one_clear_error(tmp_path, name, data, message):
    path = _raw(tmp_path, name, data)
    with pytest.raises(RosterError, match=re.escape(message)) as raised:
        load_roster(path)
    assert str(raised.value).startswith(f"{path}: ")


def test_excel_csv_with_a_byte_order_mark_is_accepted(tmp_path):
    path = _raw(tmp_path, "excel.csv", b"\xef\xbb\xbfalias,repo\r\nana,x\r\n")
    assert [entry.alias for entry in load_roster(path)] == ["ana"]


def test_yaml_times_without_a_zone_are_utc_like_csv_ones(tmp_path):
    path = _write(
        tmp_path, "c.yaml", "- {alias: ana, repo: x, invited_at: 2026-11-20 10:00:00}\n"
        "- {alias: ben, repo: y, deadline: 2026-11-21}\n",
    )  # fmt: skip
    ana, ben = load_roster(path)
    assert ana.invited_at == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert ben.deadline == datetime(2026, 11, 21, tzinfo=UTC)


@pytest.mark.parametrize("make", ["directory", "fifo", "dangling"])
def test_a_roster_that_is_not_a_regular_file(tmp_path, make, no_hang):
    path = tmp_path / "cohort.csv"
    if make == "directory":
        path.mkdir()
    elif make == "fifo":
        os.mkfifo(path)  # refused on sight: reading it would block forever
    else:
        path.symlink_to(tmp_path / "gone.csv")
    with pytest.raises(RosterError, match=": is ") as raised:
        load_roster(path)
    assert str(raised.value).startswith(f"{path}: is ")


def test_every_bad_line_is_listed(tmp_path):
    path = _write(tmp_path, "a.csv", "alias,repo\nana bob,x\nok,y\n-x,z\n")
    with pytest.raises(RosterError, match=r"^2 problems: ") as raised:
        load_roster(path)
    message = str(raised.value)
    assert message.startswith(f"2 problems: {path}: line 2: alias: ")
    assert f"{path}: line 4: alias: " in message
