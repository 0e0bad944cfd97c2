"""``takehome serve`` and ``takehome invite`` as an operator runs them: a busy port and a
deadline no date can hold are one clear line, and SIGTERM (systemd, ``docker stop``) shuts
the server down as cleanly as Ctrl-C, warm containers included."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from runner.sandbox.engine import Engine
from runner.sandbox.run_images import LABEL, RunImage
from tests.takehome.live_server import WEBHOOK_SECRET, free_port, post_when_up
from tests.takehome.test_webhook import sign

ROOT = Path(__file__).parents[2]


def _environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("TAKEHOME_")}  # fmt: skip
    env.update({"TAKEHOME_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}", **settings})
    return env


@pytest.mark.parametrize("hours", ["inf", "nan", "-inf", "1e300", "0", "-1", "9000"])
def test_invite_refuses_hours_no_deadline_can_hold(tmp_path, hours):
    env = _environment(tmp_path, TAKEHOME_PORTAL_SECRET="p" * 32)
    result = subprocess.run(
        [sys.executable, "-m", "takehome", "invite", "--challenge", "kv-store",
         "--candidate", "alice", "--hours", hours],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "Invalid value for '--hours'" in result.stderr
    assert "give more than 0 and at most 8784 hours (a year)" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_on_a_busy_port_is_one_line_and_exit_1(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "takehome", "serve", "--port", str(port), "--out",
             str(tmp_path / "out")],
            capture_output=True, text=True, cwd=ROOT, env=_environment(tmp_path), timeout=120,
        )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        f"error: --host 127.0.0.1 --port {port}: cannot listen there: address already in use\n"
    )


def _owned_by(engine: Engine, pid: int) -> list[str]:
    owner = f"{socket.gethostname()}:{pid}"
    found = engine.containers.list(all=True, filters={"label": f"{LABEL}.owner={owner}"})
    return [container.name for container in found]


@pytest.mark.docker
def test_sigterm_shuts_serve_down_like_ctrl_c(tmp_path, engine: Engine, kv_image: RunImage):
    """A push makes the grading pool start a warm container (the grade itself is refused at
    intake: a loopback URL); SIGTERM must leave no container behind and exit 0."""
    repo = "https://127.0.0.1:1/alice/kv.git"
    roster = tmp_path / "roster.csv"
    roster.write_text(f"alias,repo\nalice,{repo}\n")
    port = free_port()
    env = _environment(tmp_path, TAKEHOME_WEBHOOK_SECRET=WEBHOOK_SECRET,
                       TAKEHOME_ROSTER=str(roster),
                       TAKEHOME_ROSTER_CHALLENGE="kv-store")  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "takehome", "serve", "--port", str(port), "--out",
         str(tmp_path / "out")], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        body = json.dumps({"ref": "refs/heads/main", "after": "a" * 40,
                           "repository": {"clone_url": repo}}).encode()  # fmt: skip
        headers = {"x-github-event": "push", "x-github-delivery": str(uuid.uuid4()),
                   "x-hub-signature-256": sign(body),
                   "content-type": "application/json"}  # fmt: skip
        response = post_when_up(server, f"http://127.0.0.1:{port}/hooks/github", body, headers,
                                60, pause=0.2)  # fmt: skip
        assert response.status_code == 202, response.text
        deadline = time.monotonic() + 120
        while not _owned_by(engine, server.pid):
            assert server.poll() is None, server.communicate()[0]
            assert time.monotonic() < deadline, "no warm container was started"
            time.sleep(0.5)
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=120)
        assert server.returncode == 0, output
        assert "Traceback" not in output
        assert _owned_by(engine, server.pid) == []
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
        for name in _owned_by(engine, server.pid):  # what a failing run left behind
            engine.containers.get(name).remove(force=True, v=True)
