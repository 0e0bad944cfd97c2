"""Per-challenge run images: base image + setup steps + wrapper + hidden suite, built once.

The tag is a hash of everything that goes in, so a changed suite or wrapper gets a new image
and an unchanged challenge reuses the one it has (no rebuild per submission).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docker
import docker.errors

from challenges.handout import HandoutError, read_only_files
from challenges.inventory import HiddenTest
from challenges.load import Challenge
from runner.errors import ImageError, InfraError
from runner.sandbox.base_image import ensure_base_image
from runner.sandbox.engine import ENGINE_ERRORS, engine_message
from runner.sandbox.handoff import HANDOFF, TREE_NAME
from runner.sandbox.image_inventory import (
    INVENTORY_PATH,
    LABEL_KEY,
    challenge_for,
    decode_label,
    encode_label,
    read_inventory_file,
    reference_files,
)
from runner.sandbox.options import OPT, RUN_DIR, SOURCE_LABEL, SOURCE_REPOSITORY, early_labels
from runner.sandbox.ownership import LABEL as LABEL

WRAPPER_DIR = Path(__file__).parent / "wrapper"
WRAPPER_FILES = (
    "takehome_wrapper.py",
    "collect_inventory.py",
    "pytest_entry.py",
    "takehome_plugin.py",
    "privileges.py",
    "canaries.py",
    "canary_styles.py",
)
SUITE = f"{OPT}/suite"
"""The hidden suite as built into the image: readable by root (the wrapper) alone."""
RUN_SUITE = f"{RUN_DIR}/suite"
CANARY_CATALOG = f"{OPT}/canaries.json"
"""Where canaries may start from in the suite (wrapper/canaries.py); root's, no secret."""
SUBMISSION = "/submission"
HOST_GRACE = 10.0
"""Seconds the host waits past the wall timeout for the wrapper to report before killing."""
ANSI = re.compile(r"\x1b\[[0-9;]*m")
"""The engine colours a build step's stderr."""
COLLECT_PREFIX = "takehome-collect: "
"""How wrapper/collect_inventory.py starts the line that says why a suite cannot be collected."""


RUN_STAGE, COLLECT_STAGE = "run", "collect"


@dataclass(frozen=True)
class RunImage:
    tag: str
    id: str
    base: str
    inventory: tuple[HiddenTest, ...] = ()
    """The hidden suite's tests as pytest collected them when the image was built."""


def _pytest_ini(challenge: Challenge) -> str:
    paths = " ".join(
        f"{SUBMISSION}/{p}".rstrip("/.") or SUBMISSION for p in challenge.config.tests.python_path
    )
    markers = "".join(f"\n    {marker}: test group" for marker in challenge.markers)
    return (
        "[pytest]\n"
        f"pythonpath = {paths}\n"
        "python_files = test_*.py *_test.py\n"
        "console_output_style = classic\n"
        f"markers ={markers}\n"
    )


def _run_config(challenge: Challenge) -> str:
    limits = challenge.config.limits
    return json.dumps(
        {
            "ini": f"{OPT}/pytest.ini",
            "image_suite": SUITE,
            "suite": RUN_SUITE,
            "canary_catalog": CANARY_CATALOG,
            "test_timeout": limits.test_seconds,
            "deadline": limits.wall_seconds,
            "tripwire": challenge.tripwire,
        },
        sort_keys=True,
    )


def _deadline(challenge: Challenge) -> int:
    """Seconds a build step that imports the suite may take: a suite whose import hangs
    would hang the build, which has no clock of its own."""
    return max(1, int(challenge.config.limits.wall_seconds))


def _dockerfile(challenge: Challenge, base: str) -> str:
    lines = [f"FROM {base} AS {RUN_STAGE}"]
    lines += [f"RUN {step}" for step in challenge.config.image.setup]
    lines += [
        f"COPY takehome {OPT}",
        # The tree arrives after start-up, inside the read-only handoff mount (handoff.py).
        f"RUN mkdir -p {HANDOFF} && rm -rf {SUBMISSION}"
        f" && ln -s {HANDOFF}/{TREE_NAME} {SUBMISSION}",
        'RUN python3 -c "import pytest, pytest_timeout" || '
        '(echo "the base image needs python3 with pytest and pytest-timeout" >&2; exit 1)',
        # Byte-compile the wrapper and cache pytest's assertion-rewritten suite now, for the
        # path the run copy will have (the cache is checked by mtime and size, and copies
        # keep both): at run time nothing is writable there and each run would pay for it.
        # Then only root (the wrapper) may read the image's copy of the suite, so a forger
        # cannot tell this run's canaries by comparing with it.
        f"RUN python3 -m compileall -q -l {OPT} && mkdir -p {RUN_DIR} && cp -a {SUITE} {RUN_SUITE}"
        f" && cd /tmp && (timeout -s KILL {_deadline(challenge)} python3 -m pytest"
        f" -c {OPT}/pytest.ini --rootdir {RUN_SUITE}"
        f" -p no:cacheprovider --collect-only -q {RUN_SUITE} >/dev/null 2>&1; true)"
        f" && rm -rf {SUITE} && mv {RUN_SUITE} {SUITE} && chmod 700 {SUITE}",
        # Where canaries can start from depends on the suite alone: found once, here. A
        # suite the finder cannot read runs with the fixed tripwire alone.
        f"RUN cd {OPT} && (python3 canaries.py config.json"
        f' || echo \'{{"places": [], "words": []}}\' > {CANARY_CATALOG})'
        f" && chmod 600 {CANARY_CATALOG}",
        f'CMD ["python3", "-I", "-B", "{OPT}/takehome_wrapper.py"]',
        # Built as its own target, never part of the run image: pytest's collection of the
        # suite against the reference solution, where a submission will be (image_inventory).
        f"FROM {RUN_STAGE} AS {COLLECT_STAGE}",
        f"COPY reference {HANDOFF}/{TREE_NAME}",
        f"RUN cp -a {SUITE} {RUN_SUITE} && cd /tmp"
        " && PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 HOME=/tmp LANG=C.UTF-8"
        f" python3 -I -B {OPT}/collect_inventory.py {OPT}/config.json {INVENTORY_PATH}"
        " >/dev/null",
    ]
    return "\n".join(lines) + "\n"


def _context_files(challenge: Challenge, base: str) -> dict[str, bytes]:
    files = {"Dockerfile": _dockerfile(challenge, base).encode()}
    for name in WRAPPER_FILES:
        files[f"takehome/{name}"] = (WRAPPER_DIR / name).read_bytes()
    files["takehome/pytest.ini"] = _pytest_ini(challenge).encode()
    files["takehome/config.json"] = _run_config(challenge).encode()
    suite = challenge.suite_dir
    for path in sorted(p for p in suite.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        files[f"takehome/suite/{path.relative_to(suite).as_posix()}"] = path.read_bytes()
    reference = reference_files(challenge.root)
    try:  # at grading time the challenge's read-only files win over the submission's
        reference.update(
            (f.path, f.data) for f in read_only_files(challenge.root, challenge.config.tests.dir)
        )
    except HandoutError as error:
        raise ImageError(f"the challenge's handout cannot be read: {error}") from None
    files.update((f"reference/{name}", data) for name, data in reference.items())
    return files


def graded_challenge(challenge: Challenge, image: RunImage) -> Challenge:
    """The challenge as its image's pytest collected it: the inventory every report is held
    against (an image made in a test without one keeps the syntax reading)."""
    return challenge_for(challenge, image.inventory) if image.inventory else challenge


def _tar(files: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in sorted(files.items()):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            archive.addfile(info, io.BytesIO(data))
    buffer.seek(0)
    return buffer


def image_tag(challenge: Challenge, base_id: str) -> str:
    return _tag(challenge, base_id, _context_files(challenge, base_id))


IMAGE_FORMAT = b"2"
"""Part of every tag: an image made by an older takehome (without the names and labels an
early start looks for) is built again rather than reused."""


def _tag(challenge: Challenge, base_id: str, files: dict[str, bytes]) -> str:
    digest = hashlib.sha256(IMAGE_FORMAT + b"\0" + base_id.encode())
    for name, data in sorted(files.items()):
        digest.update(name.encode() + b"\0" + data + b"\0")
    for name, value in sorted(early_labels(challenge.root, challenge.config.limits).items()):
        digest.update(f"label:{name}={value}".encode() + b"\0")
    return f"takehome-run/{challenge.config.id}:{digest.hexdigest()[:16]}"


def _collected(client: docker.DockerClient, image_id: str) -> bytes:
    """The collect stage's inventory file, read from a container that is created, never
    started, and removed."""
    container = client.containers.create(image_id, command=["true"], network_disabled=True,
                                         labels={LABEL: COLLECT_STAGE})  # fmt: skip
    try:
        stream, _ = container.get_archive(INVENTORY_PATH)
        return read_inventory_file(b"".join(stream))
    finally:
        container.remove(force=True)


def _build(
    client: docker.DockerClient, challenge: Challenge, files: dict[str, bytes], tag: str
) -> tuple[str, tuple[HiddenTest, ...] | None]:
    """Collect the suite, then build the run stage (cached layers) with the list on it."""
    common: dict[str, Any] = {"custom_context": True, "rm": True, "forcerm": True, "pull": False}
    collect, _ = client.images.build(fileobj=_tar(files), target=COLLECT_STAGE,
                                     labels={LABEL: COLLECT_STAGE}, **common)  # fmt: skip
    try:
        labels = {
            LABEL: "run-image",
            f"{LABEL}.challenge": challenge.config.id,
            LABEL_KEY: encode_label(_collected(client, str(collect.id))),
            **early_labels(challenge.root, challenge.config.limits),
        }
        image, _ = client.images.build(fileobj=_tar(files), target=RUN_STAGE, tag=tag,
                                       labels=labels, **common)  # fmt: skip
        if SOURCE_LABEL in labels:  # what an early start finds
            image.tag(SOURCE_REPOSITORY, labels[SOURCE_LABEL])
    finally:
        with contextlib.suppress(*ENGINE_ERRORS):  # its layers below the run stage stay
            client.images.remove(str(collect.id), force=True)
    return str(image.id), decode_label(image.labels)


def _build_failure(error: docker.errors.BuildError) -> str:
    """The line that says why: the collect script's own, or the last the build printed."""
    lines = [str(chunk.get("stream", chunk.get("error", ""))).strip() for chunk in error.build_log]
    lines = [ANSI.sub("", line).strip() for row in lines for line in row.splitlines()]
    lines = [line for line in lines if line]
    ours = [line.removeprefix(COLLECT_PREFIX) for line in lines if line.startswith(COLLECT_PREFIX)]
    return (ours or lines or [str(error)])[-1]


def ensure_run_image(
    client: docker.DockerClient, challenge: Challenge, default_base: str
) -> RunImage:
    """The challenge's run image, built now only if no image with its content hash exists.

    The image carries pytest's collection of the suite; a rubric that does not fit it is a
    ChallengeError here, before any submission is graded against it."""
    base = challenge.config.image.base or default_base
    try:
        base_id = ensure_base_image(client, base)
        files = _context_files(challenge, base_id)  # read once: for the tag and the build
        tag = _tag(challenge, base_id, files)
        try:
            found = client.images.get(tag)
            image_id, inventory = str(found.id), decode_label(found.labels)
        except docker.errors.ImageNotFound:
            image_id, inventory = "", None
        if inventory is None:  # absent, or made by hand without the list: built again
            image_id, inventory = _build(client, challenge, files, tag)
    except docker.errors.BuildError as error:
        raise ImageError(
            f"building the image of {challenge.config.id} failed: {_build_failure(error)}"
        ) from None
    except ENGINE_ERRORS as error:
        raise InfraError(
            f"the Docker engine failed while preparing the image: {engine_message(error)}"
        ) from None
    if inventory is None:
        raise ImageError(f"the run image {tag} carries no readable test inventory")
    challenge_for(challenge, inventory)  # the rubric must fit what pytest collects
    return RunImage(tag=tag, id=image_id, base=base, inventory=inventory)
