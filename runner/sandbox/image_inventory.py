"""The hidden suite's inventory as pytest collects it in the run image, kept on the image.

Reading test files as syntax (``challenges.inventory``) is a fast guess that can miss what
pytest sees: tests inherited from a base class in a helper module, test functions imported
from another file, classes pytest refuses (an ``__init__``), a conftest that parametrizes or
deselects. A report is checked against the inventory, so a wrong one grades every submission
as tampered with. The build therefore collects the suite with pytest against the reference
solution (``wrapper/collect_inventory.py``, before any candidate code exists) and the list
rides on the image as a label: a one-shot grade reads it from the image lookup it makes
anyway, without another engine call.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import os
import tarfile
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from challenges.errors import ChallengeError
from challenges.files import read_bytes
from challenges.handout import SKIPPED_DIRS, SKIPPED_SUFFIXES
from challenges.inventory import HiddenTest
from challenges.load import Challenge, with_inventory
from challenges.suite import HASHED_FILE_CAP
from runner.errors import ImageError

LABEL_KEY = "takehome.inventory"
INVENTORY_PATH = "/opt/takehome/inventory.json"
LABEL_CAP = 512 * 1024
"""Largest encoded inventory: labels travel in the build request's URL."""
REFERENCE = "solution"


def reference_files(root: Path) -> dict[str, bytes]:
    """The reference solution's files by relative path, caches left out: what the suite is
    collected against. A link leading out of ``solution/`` is refused, naming it."""
    top = root / REFERENCE
    if top.is_symlink() or not top.is_dir():
        raise ImageError(
            f"{top}: missing: the run image collects the hidden suite against the reference "
            "solution"
        )
    real_top = os.path.realpath(top)
    files: dict[str, bytes] = {}
    for folder, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in sorted(names):
            path = Path(folder) / name
            if name.endswith(SKIPPED_SUFFIXES):
                continue
            if not os.path.realpath(path).startswith(real_top + os.sep):
                raise ImageError(f"{path}: a symlink in the reference solution leads outside it")
            if path.is_file():
                relative = path.relative_to(top).as_posix()
                try:
                    files[relative] = read_bytes(path, ChallengeError, HASHED_FILE_CAP)
                except ChallengeError as error:
                    raise ImageError(str(error)) from None
    if not files:
        raise ImageError(f"{top}: empty: the hidden suite is collected against it")
    return files


def collected_tests(entries: Sequence[Mapping[str, object]]) -> tuple[HiddenTest, ...]:
    """pytest's items as the rubric sees tests: one per function, parametrized instances
    folded into it (they share its weight), their markers joined; pytest's order kept."""
    markers: dict[str, set[str]] = {}
    for entry in entries:
        node_id, marks = entry["node_id"], entry["markers"]
        if not isinstance(node_id, str) or not isinstance(marks, list):
            raise ValueError("an entry is not a node ID with a list of markers")
        markers.setdefault(node_id.split("[", 1)[0], set()).update(str(m) for m in marks)
    return tuple(
        HiddenTest(node_id=node_id, name=node_id.rsplit("::", 1)[-1], markers=frozenset(found))
        for node_id, found in markers.items()
    )


def encode_label(raw: bytes) -> str:
    """The collect stage's JSON, compressed, as a label value."""
    json.loads(raw)  # written by our own script: anything else is a broken build
    encoded = base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii")
    if len(encoded) > LABEL_CAP:
        raise ImageError(
            f"the hidden suite's inventory is {len(raw) // 1024} KB, too large to keep on the "
            "image: split the suite or use fewer parametrized cases"
        )
    return encoded


def decode_label(labels: Mapping[str, str] | None) -> tuple[HiddenTest, ...] | None:
    """The inventory an image carries, or None when it carries none readable."""
    value = (labels or {}).get(LABEL_KEY)
    if not value:
        return None
    try:
        document = json.loads(zlib.decompress(base64.urlsafe_b64decode(value)))
        return collected_tests(document["tests"]) or None
    except (binascii.Error, zlib.error, ValueError, KeyError, TypeError):
        return None


def read_inventory_file(archive: bytes) -> bytes:
    """``inventory.json`` out of the tar stream ``get_archive`` returns."""
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        member = tar.next()
        handle = tar.extractfile(member) if member is not None else None
        if handle is None:
            raise ImageError(f"the collect stage left no {INVENTORY_PATH}")
        return handle.read()


def challenge_for(challenge: Challenge, inventory: tuple[HiddenTest, ...]) -> Challenge:
    """``challenge`` graded against pytest's collection rather than the syntax reading: the
    same object when both agree; its rows regrouped (every problem named) when not."""
    if inventory == challenge.tests:
        return challenge
    try:
        return with_inventory(challenge, inventory)
    except ChallengeError as error:
        raise ChallengeError(
            f"{challenge.root}: pytest's own collection of the hidden suite in the run image "
            f"differs from its syntax and does not fit the rubric: {error}"
        ) from None


def difference(static: Sequence[HiddenTest], collected: Sequence[HiddenTest]) -> str:
    """How pytest's collection differs from the syntax reading, in one clause."""
    mine, theirs = {t.node_id for t in static}, {t.node_id for t in collected}
    if mine == theirs:
        return f"pytest in the run image collects the same {len(theirs)} tests"
    parts = []
    if extra := sorted(theirs - mine):
        parts.append(f"{len(extra)} the syntax reading missed (e.g. {extra[0]})")
    if gone := sorted(mine - theirs):
        parts.append(f"not {len(gone)} it expected (e.g. {gone[0]})")
    return (
        f"pytest in the run image collects {len(theirs)} tests, {' and '.join(parts)}: "
        "its list is what is graded"
    )


__all__ = [
    "INVENTORY_PATH",
    "LABEL_KEY",
    "challenge_for",
    "collected_tests",
    "decode_label",
    "difference",
    "encode_label",
    "read_inventory_file",
    "reference_files",
]
