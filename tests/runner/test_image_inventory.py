"""The inventory pytest collects in the run image, as the rubric and the report checks use it."""

from __future__ import annotations

import base64
import io
import json
import shutil
import tarfile
import zlib
from pathlib import Path

import pytest

from challenges.errors import ChallengeError
from challenges.inventory import HiddenTest
from challenges.load import Challenge
from runner.errors import ImageError
from runner.sandbox.image_inventory import (
    LABEL_KEY,
    challenge_for,
    collected_tests,
    decode_label,
    difference,
    encode_label,
    read_inventory_file,
    reference_files,
)
from runner.sandbox.run_images import COLLECT_PREFIX, WRAPPER_DIR


def _entries(*pairs: tuple[str, list[str]]) -> list[dict[str, object]]:
    return [{"node_id": node_id, "markers": markers} for node_id, markers in pairs]


def test_parametrized_instances_are_one_test_with_their_markers_joined() -> None:
    tests = collected_tests(_entries(
        ("test_a.py::test_x[1]", ["parametrize", "core"]),
        ("test_a.py::test_x[2-b]", ["parametrize", "slow"]),
        ("a_test.py::AnyName::test_y", []),
    ))  # fmt: skip
    assert tests == (
        HiddenTest("test_a.py::test_x", "test_x", frozenset({"parametrize", "core", "slow"})),
        HiddenTest("a_test.py::AnyName::test_y", "test_y", frozenset()),
    )


def test_the_label_round_trips_and_anything_else_reads_as_none() -> None:
    raw = json.dumps({"tests": _entries(("test_a.py::test_x", ["core"]))}).encode()
    label = encode_label(raw)
    assert decode_label({LABEL_KEY: label}) == (HiddenTest("test_a.py::test_x", "test_x",
                                                           frozenset({"core"})),)  # fmt: skip
    garbage = base64.urlsafe_b64encode(zlib.compress(b'{"tests": [{"node_id": 3}]}')).decode()
    for labels in (None, {}, {LABEL_KEY: "not base64!"}, {LABEL_KEY: garbage},
                   {LABEL_KEY: base64.urlsafe_b64encode(b"plain").decode()}):  # fmt: skip
        assert decode_label(labels) is None


def test_an_inventory_too_large_for_a_label_is_refused_by_size() -> None:
    entries = _entries(*((f"test_{n}.py::test_{n}_{n * 7919 % 104729}", []) for n in range(60000)))
    with pytest.raises(ImageError, match="too large to keep on the image"):
        encode_label(json.dumps({"tests": entries}).encode())


def test_the_file_is_read_from_the_engine_archive() -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("inventory.json")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"{}"))
    assert read_inventory_file(buffer.getvalue()) == b"{}"


def test_a_rubric_that_fits_the_collection_is_regrouped(kv_store: Challenge) -> None:
    extra = HiddenTest("test_core.py::test_inherited", "test_inherited", frozenset({"core"}))
    graded = challenge_for(kv_store, (*kv_store.tests, extra))
    assert extra in graded.groups["core"]
    assert len(graded.groups["core"]) == len(kv_store.groups["core"]) + 1
    assert challenge_for(kv_store, kv_store.tests) is kv_store


def test_a_collection_the_rubric_does_not_fit_names_the_test(kv_store: Challenge) -> None:
    stray = HiddenTest("test_core.py::test_stray", "test_stray", frozenset())
    with pytest.raises(ChallengeError, match="pytest's own collection") as caught:
        challenge_for(kv_store, (*kv_store.tests, stray))
    assert "test_core.py::test_stray" in str(caught.value)
    no_tripwire = tuple(t for t in kv_store.tests if t.node_id != kv_store.tripwire)
    with pytest.raises(ChallengeError, match=r"tests\.tripwire"):
        challenge_for(kv_store, no_tripwire)


def test_difference_says_what_the_syntax_reading_missed() -> None:
    a = HiddenTest("t.py::test_a", "test_a", frozenset())
    b = HiddenTest("t.py::B::test_b", "test_b", frozenset())
    assert difference([a], [a]) == "pytest in the run image collects the same 1 tests"
    assert difference([a], [a, b]) == (
        "pytest in the run image collects 2 tests, 1 the syntax reading missed "
        "(e.g. t.py::B::test_b): its list is what is graded"
    )
    assert "not 1 it expected (e.g. t.py::B::test_b)" in difference([a, b], [a])


def test_the_reference_is_read_without_caches_or_links_out(tmp_path: Path) -> None:
    (tmp_path / "solution" / "pkg" / "__pycache__").mkdir(parents=True)
    (tmp_path / "solution" / "pkg" / "mod.py").write_text("X = 1\n")
    (tmp_path / "solution" / "pkg" / "__pycache__" / "mod.pyc").write_bytes(b"\0")
    assert reference_files(tmp_path) == {"pkg/mod.py": b"X = 1\n"}
    (tmp_path / "secret").write_text("host file\n")
    (tmp_path / "solution" / "leak.py").symlink_to(tmp_path / "secret")
    with pytest.raises(ImageError, match=r"leak\.py: a symlink in the reference solution"):
        reference_files(tmp_path)
    shutil.rmtree(tmp_path / "solution")
    with pytest.raises(ImageError, match="solution: missing"):
        reference_files(tmp_path)


def test_the_collect_script_and_the_host_agree_on_its_error_prefix() -> None:
    script = (WRAPPER_DIR / "collect_inventory.py").read_text(encoding="utf-8")
    assert f"PREFIX = {COLLECT_PREFIX!r}" in script.replace('"', "'")
