"""The source snapshot file: strict loading, and blind redaction of texts and paths."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reports.blind import PLACEHOLDER, redact_source, scrubber
from reports.scorecard import ScorecardError, load_scorecard
from reports.source import (
    FileDiff,
    OmittedFile,
    SourceError,
    SourceFile,
    SourceSnapshot,
    load_source,
)

TOKENS = ["Kind Human", "kindhuman", "kh@humane.example", "humane"]


def _snapshot() -> SourceSnapshot:
    signed = "# (c) Kind Human <kh@humane.example>, github.com/kindhuman\nVALUE = 1\n"
    return SourceSnapshot(
        schema_version=1,
        commit="c0ffee",
        files=[
            SourceFile(path="kindhuman/store.py", text=signed, change="added"),
            SourceFile(path="src/KindHuman_utils.py", text="x = 1\n", change="modified"),
            SourceFile(path="src/kindhuman_utils.py", text="y = 2\n", change="added"),
            SourceFile(path="src/other.py", text="plain = True\n", change="unchanged"),
        ],
        omitted=[OmittedFile(path="kindhuman.png", reason="binary")],
        diffs=[
            FileDiff(
                path="src/kindhuman_utils.py",
                status="added",
                diff="+++ b/src/kindhuman_utils.py\n+y = 2\n",
            ),
            FileDiff(path="humane_notes.md", status="deleted", diff="-by Kind Human\n"),
        ],
        identity=["Kind Human", "secret-alias-kh"],
    )


def test_load_source_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "source.json"
    path.write_text(_snapshot().model_dump_json(), encoding="utf-8")
    assert load_source(path) == _snapshot()


def test_load_source_errors_name_the_file_and_the_field(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"missing\.json: file not found"):
        load_source(tmp_path / "missing.json")
    data = json.loads(_snapshot().model_dump_json())
    data["files"][1]["change"] = "renamed"
    bad = tmp_path / "source.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SourceError, match=r"source\.json: files\.1\.change"):
        load_source(bad)
    data = json.loads(_snapshot().model_dump_json())
    data["files"][0]["mode"] = "0755"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SourceError, match=r"source\.json: files\.0\.mode"):
        load_source(bad)
    bad.write_bytes(b"\xff{")
    with pytest.raises(SourceError, match=r"source\.json: line 1: is not UTF-8 text"):
        load_source(bad)


def test_a_fifo_or_a_directory_is_refused_not_read_forever(tmp_path: Path) -> None:
    fifo = tmp_path / "source.json"
    os.mkfifo(fifo)
    with pytest.raises(SourceError, match=r"source\.json: is a FIFO, not a regular file"):
        load_source(fifo)
    with pytest.raises(ScorecardError, match=r"is a FIFO, not a regular file"):
        load_scorecard(fifo)
    with pytest.raises(ScorecardError, match=r"is a directory, not a regular file"):
        load_scorecard(tmp_path)


def test_redaction_cleans_texts_paths_diffs_and_omitted() -> None:
    blind = redact_source(_snapshot(), TOKENS)
    assert blind.blind
    assert blind.identity == []
    assert blind.commit == "c0ffee"
    dumped = blind.model_dump_json().lower()
    for leaked in ("kind", "human", "secret-alias-kh"):
        assert leaked not in dumped
    paths = [f.path for f in blind.files]
    assert f"{PLACEHOLDER}/store.py" in paths
    assert "src/other.py" in paths
    assert blind.files[paths.index("src/other.py")].change == "unchanged"
    assert blind.omitted == [OmittedFile(path=f"{PLACEHOLDER}.png", reason="binary")]
    assert {d.path for d in blind.diffs} == {
        f"src/{PLACEHOLDER}_utils.py",
        f"{PLACEHOLDER}_notes.md",
    }


def test_files_whose_redacted_names_collide_both_stay() -> None:
    blind = redact_source(_snapshot(), TOKENS)
    by_path = {f.path: f.text for f in blind.files}
    assert by_path[f"src/{PLACEHOLDER}_utils.py"] == "x = 1\n"
    assert by_path[f"src/{PLACEHOLDER}_utils~2.py"] == "y = 2\n"
    assert [f.path for f in blind.files] == sorted(by_path)


def test_the_snapshot_identity_is_removed_even_when_not_passed() -> None:
    blind = redact_source(_snapshot(), [])
    assert "secret-alias-kh" not in blind.model_dump_json()
    assert "Kind Human" not in blind.files[0].text


def test_one_scrubber_for_scorecards_and_sources() -> None:
    scrub = scrubber(["kindhuman", " ", "Kh"])
    assert (
        scrub("kindhumancache KhStore kh_x khan")
        == f"{PLACEHOLDER}cache {PLACEHOLDER}Store {PLACEHOLDER}_x khan"
    )
    assert scrubber([])("unchanged") == "unchanged"
