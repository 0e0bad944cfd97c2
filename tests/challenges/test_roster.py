"""Rosters in CSV and YAML; every error names the file, the line or entry and the field."""

from __future__ import annotations

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
    with pytest.raises(RosterError) as raised:
        load_roster(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_a_missing_roster(tmp_path):
    with pytest.raises(RosterError, match="cannot be read"):
        load_roster(tmp_path / "nope.csv")
