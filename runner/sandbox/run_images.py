"""Per-challenge run images: base image + setup steps + wrapper + hidden suite, built once.

The tag is a hash of everything that goes in, so a changed suite or wrapper gets a new image
and an unchanged challenge reuses the one it has (no rebuild per submission).
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

import docker
import docker.errors

from challenges.load import Challenge
from runner.errors import ImageError, InfraError
from runner.sandbox.base_image import ensure_base_image
from runner.sandbox.engine import ENGINE_ERRORS, engine_message
from runner.sandbox.handoff import HANDOFF, TREE_NAME

WRAPPER_DIR = Path(__file__).parent / "wrapper"
WRAPPER_FILES = (
    "takehome_wrapper.py",
    "pytest_entry.py",
    "takehome_plugin.py",
    "privileges.py",
    "canaries.py",
    "canary_styles.py",
)
OPT = "/opt/takehome"
SUITE = f"{OPT}/suite"
"""The hidden suite as built into the image: readable by root (the wrapper) alone."""
RUN_DIR = f"{OPT}/run"
"""A root-owned tmpfs (container.py) where the wrapper puts this run's copy of the suite."""
RUN_SUITE = f"{RUN_DIR}/suite"
CANARY_CATALOG = f"{OPT}/canaries.json"
"""Where canaries may start from in the suite (wrapper/canaries.py); root's, no secret."""
SUBMISSION = "/submission"
HOST_GRACE = 10.0
"""Seconds the host waits past the wall timeout for the wrapper to report before killing."""
LABEL = "takehome"


@dataclass(frozen=True)
class RunImage:
    tag: str
    id: str
    base: str


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


def _dockerfile(challenge: Challenge, base: str) -> str:
    lines = [f"FROM {base}"]
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
        f" && cd /tmp && (python3 -m pytest -c {OPT}/pytest.ini --rootdir {RUN_SUITE}"
        f" -p no:cacheprovider --collect-only -q {RUN_SUITE} >/dev/null 2>&1; true)"
        f" && rm -rf {SUITE} && mv {RUN_SUITE} {SUITE} && chmod 700 {SUITE}",
        # Where canaries can start from depends on the suite alone: found once, here. A
        # suite the finder cannot read runs with the fixed tripwire alone.
        f"RUN cd {OPT} && (python3 canaries.py config.json"
        f' || echo \'{{"places": [], "words": []}}\' > {CANARY_CATALOG})'
        f" && chmod 600 {CANARY_CATALOG}",
        f'CMD ["python3", "-I", "-B", "{OPT}/takehome_wrapper.py"]',
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
    return files


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


def _tag(challenge: Challenge, base_id: str, files: dict[str, bytes]) -> str:
    digest = hashlib.sha256(base_id.encode())
    for name, data in sorted(files.items()):
        digest.update(name.encode() + b"\0" + data + b"\0")
    return f"takehome-run/{challenge.config.id}:{digest.hexdigest()[:16]}"


def ensure_run_image(
    client: docker.DockerClient, challenge: Challenge, default_base: str
) -> RunImage:
    """The challenge's run image, built now only if no image with its content hash exists."""
    base = challenge.config.image.base or default_base
    try:
        base_id = ensure_base_image(client, base)
        files = _context_files(challenge, base_id)  # read once: for the tag and the build
        tag = _tag(challenge, base_id, files)
        try:
            return RunImage(tag=tag, id=str(client.images.get(tag).id), base=base)
        except docker.errors.ImageNotFound:
            pass
        context = _tar(files)
        image, _ = client.images.build(
            fileobj=context,
            custom_context=True,
            tag=tag,
            rm=True,
            forcerm=True,
            pull=False,
            labels={LABEL: "run-image", f"{LABEL}.challenge": challenge.config.id},
        )
    except docker.errors.BuildError as error:
        lines = [
            str(chunk.get("stream", chunk.get("error", ""))).strip() for chunk in error.build_log
        ]
        last = next((line for line in reversed(lines) if line), str(error))
        raise ImageError(f"building the image of {challenge.config.id} failed: {last}") from None
    except ENGINE_ERRORS as error:
        raise InfraError(
            f"the Docker engine failed while preparing the image: {engine_message(error)}"
        ) from None
    return RunImage(tag=tag, id=str(image.id), base=base)
