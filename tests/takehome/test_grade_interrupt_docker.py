"""Ctrl-C during a one-shot grade: exit 130 with one line, and no container or scratch
directory of the grade left behind, whichever thread held them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.docker

KV = Path(__file__).parents[2] / "challenges" / "catalog" / "kv-store"


def _running(engine, owner: str) -> bool:
    found = engine.containers.list(filters={"label": f"takehome.owner={owner}"})
    return bool(found)


def test_ctrl_c_during_the_run_waits_for_its_container_to_go_and_exits_130(
    engine, kv_image, tmp_path
):
    slow = tmp_path / "slow"
    slow.mkdir()
    source = (KV / "solution" / "kvstore.py").read_text()
    (slow / "kvstore.py").write_text(source + "\nimport time\ntime.sleep(3)\n")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    command = [sys.executable, "-m", "takehome", "grade", str(slow), "--challenge", "kv-store",
               "--out", str(tmp_path / "out")]  # fmt: skip
    grade = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=env)  # fmt: skip
    owner = f"{socket.gethostname()}:{grade.pid}"
    deadline = time.monotonic() + 60
    while not (scratch_runs := list(scratch.glob("takehome-handoff-*/submission"))):
        assert time.monotonic() < deadline, "the submission never reached its container"
        time.sleep(0.02)
    time.sleep(1.0)  # the host's measurements are over: it waits for the run
    assert _running(engine, owner)  # the suite is running (its import sleeps 3 s)
    grade.send_signal(signal.SIGINT)
    _, stderr = grade.communicate(timeout=120)
    assert grade.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == "interrupted"
    assert "Traceback" not in stderr
    left = engine.containers.list(all=True, filters={"label": f"takehome.owner={owner}"})
    assert [container.name for container in left] == []
    assert not scratch_runs[0].exists()
    assert list(scratch.glob("takehome-*")) == []  # handoffs and work trees (jinja2's cache stays)
