"""SECURITY.md rows 1-14 and 20-22: attacks from inside the run, graded for real.

Each hostile repository is the reference solution (or the starter) with one planted attack,
so a verdict other than the expected one can only come from the attack.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from reports.candidate import candidate_view
from reports.render.pages import render_html, render_markdown
from tests.reports.test_render import _outside_code_fences

pytestmark = pytest.mark.docker

SOLUTION = Path(__file__).parents[2] / "challenges" / "catalog" / "kv-store" / "solution"


def _solution_with(attack: str) -> str:
    """kvstore.py of the reference solution with ``attack`` run at the end of its import."""
    return (SOLUTION / "kvstore.py").read_text() + "\n\n" + attack


def test_row_01_fork_bomb_stops_at_the_pids_limit(hostile_repo, grade_with, short_kv, short_image):
    attack = (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    )
    probe_latency: list[float] = []
    stop = threading.Event()

    def probe() -> None:  # the host stays responsive while the bomb goes off
        while not stop.is_set():
            started = time.monotonic()
            os.stat("/")
            probe_latency.append(time.monotonic() - started)
            time.sleep(0.05)

    thread = threading.Thread(target=probe)
    thread.start()
    try:
        card = grade_with(hostile_repo({"kvstore.py": attack}), short_kv, short_image)
    finally:
        stop.set()
        thread.join()
    assert card.outcome in {"timeout", "crash", "no_report"}
    assert card.tests.score == 0
    assert max(probe_latency) < 1.0


def test_row_02_memory_bomb_is_killed_at_the_memory_limit(
    hostile_repo, grade_with, kv_store, kv_image
):
    attack = "chunks = []\nwhile True:\n    chunks.append(bytearray(16 * 1024 * 1024))\n"
    card = grade_with(hostile_repo({"kvstore.py": attack}), kv_store, kv_image)
    assert card.outcome == "memory_limit"
    assert card.tests.score == 0


def test_row_03_disk_fill_is_refused_everywhere(hostile_repo, grade_with, kv_store, kv_image):
    attack = (
        "import os\n"
        "_results = {}\n"
        "for _target in ('/submission/fill.bin', '/fill.bin', '/tmp/fill.bin',\n"
        "                '/opt/takehome/suite/fill.bin'):\n"
        "    try:\n"
        "        with open(_target, 'wb') as _f:\n"
        "            while True:\n"
        "                _f.write(b'x' * (1 << 20))\n"
        "                _f.flush()\n"
        "    except OSError as _e:\n"
        "        _results[_target] = _e.errno\n"
        "    finally:\n"
        "        if os.path.exists(_target) and _target.startswith('/tmp'):\n"
        "            os.unlink(_target)\n"
        "print('DISKFILL', sorted(_results.items()))\n"
    )
    free_before = os.statvfs("/").f_bavail
    card = grade_with(hostile_repo({"kvstore.py": _solution_with(attack)}), kv_store, kv_image)
    blocks = os.statvfs("/").f_frsize
    assert card.outcome == "passed"
    line = re.search(r"DISKFILL \[.*?\]", card.tests.output_excerpt)
    assert line is not None
    errnos = dict(re.findall(r"'([^']+)', (\d+)", line.group(0)))
    assert set(errnos) == {
        "/submission/fill.bin",
        "/fill.bin",
        "/tmp/fill.bin",
        "/opt/takehome/suite/fill.bin",
    }
    assert int(errnos["/tmp/fill.bin"]) in {28, 27}  # ENOSPC or EFBIG: the tmpfs cap
    assert abs(os.statvfs("/").f_bavail - free_before) * blocks < 64 * 1024 * 1024


def test_row_04_infinite_loop_fails_the_test_and_the_wall_timeout_stops_the_rest(
    hostile_repo, grade_with, short_kv, short_image
):
    source = (SOLUTION / "kvstore.py").read_text()
    looping = source.replace(
        "    def get(self",
        "    def get(self, *a, **k):\n        while True:\n"
        "            pass\n\n    def _unused_get(self",
        1,
    )
    assert looping != source
    card = grade_with(hostile_repo({"kvstore.py": looping}), short_kv, short_image)
    assert card.outcome == "timeout"
    statuses = {t.status for t in card.tests.results}
    assert "timeout" in statuses
    assert card.tests.passed > 0  # the tests that never call get() still count


def test_row_05_a_process_ignoring_sigterm_is_killed_at_the_wall_timeout(
    hostile_repo, grade_with, short_kv, short_image
):
    attack = "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\ntime.sleep(1e9)\n"
    card = grade_with(hostile_repo({"kvstore.py": attack}), short_kv, short_image)
    assert card.outcome == "timeout"
    assert card.tests.score == 0


def test_row_06_huge_output_is_capped_and_the_result_still_parsed(
    hostile_repo, grade_with, kv_store, kv_image
):
    attack = (
        "import os, sys\n"
        "_chunk = b'spam ' * 200_000\n"
        "for _ in range(20):\n"
        "    os.write(1, _chunk)\n"
        "    os.write(2, _chunk)\n"
        "try:\n"
        "    with open('/proc/1/fd/1', 'wb') as _log:\n"
        "        for _ in range(20):\n"
        "            _log.write(_chunk)\n"
        "except OSError:\n"
        "    pass\n"
    )
    card = grade_with(hostile_repo({"kvstore.py": _solution_with(attack)}), kv_store, kv_image)
    assert card.outcome == "passed"
    assert card.tests.output_bytes >= 40 * 1_000_000
    assert len(card.tests.output_excerpt) < 20_000


def bridge_gateway(engine) -> str:
    """The host's address on the default bridge. Debian's engine (20.10) leaves ``Gateway`` out
    of the IPAM config until a container was attached, so the bridge interface's own address,
    then the subnet's first host (what dockerd assigns to it), stand in."""
    attrs = engine.networks.get("bridge").attrs
    config = attrs["IPAM"]["Config"][0]
    if config.get("Gateway"):
        return config["Gateway"]
    interface = attrs.get("Options", {}).get("com.docker.network.bridge.name", "docker0")
    ip = shutil.which("ip")
    shown = (
        []
        if ip is None
        else subprocess.run(
            [ip, "-4", "-o", "addr", "show", "dev", interface],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
    )
    if "inet" in shown:
        return shown[shown.index("inet") + 1].split("/")[0]
    return str(next(ipaddress.ip_network(config["Subnet"]).hosts()))


@pytest.fixture
def listeners(engine):
    """TCP listeners this test starts: on loopback and on the Docker bridge gateway."""
    gateway = bridge_gateway(engine)
    servers = []
    for host in ("127.0.0.1", gateway):
        server = socket.socket()
        server.bind((host, 0))
        server.listen()
        server.setblocking(False)
        servers.append(server)
    yield servers
    for server in servers:
        server.close()


def test_row_07_no_network_egress(hostile_repo, grade_with, kv_store, kv_image, listeners):
    targets = [server.getsockname()[:2] for server in listeners]
    attack = (
        "import socket\n"
        f"for _host, _port in {targets!r}:\n"
        "    try:\n"
        "        socket.create_connection((_host, _port), timeout=2).close()\n"
        "        print('EGRESS OPEN', _host)\n"
        "    except OSError as _e:\n"
        "        print('EGRESS BLOCKED', _host, _e.errno)\n"
    )
    card = grade_with(hostile_repo({"kvstore.py": _solution_with(attack)}), kv_store, kv_image)
    assert card.outcome == "passed"
    assert "EGRESS OPEN" not in card.tests.output_excerpt
    assert card.tests.output_excerpt.count("EGRESS BLOCKED") == 2
    for server in listeners:
        with pytest.raises(BlockingIOError, match="temporarily unavailable"):
            server.accept()  # nobody ever connected
    assert any(f.kind == "static" and "network" in f.message for f in card.flags)


def test_row_08_reading_the_hidden_suite_is_flagged_and_never_reaches_the_candidate(
    hostile_repo, grade_with, kv_store, kv_image
):
    attack = (  # the image's copy is root's; this run's copy is readable, where config says
        "import json\n"
        "_suite = json.load(open('/opt/takehome/config.json'))['suite']\n"
        "print(open(_suite + '/test_core.py').read())\n"
    )
    card = grade_with(hostile_repo({"kvstore.py": _solution_with(attack)}), kv_store, kv_image)
    assert card.outcome == "passed"
    assert any(
        f.kind == "static" and re.match(r"kvstore.py:\d+: grader-path", f.message)
        for f in card.flags
    )
    hidden_line = "def test_"
    assert hidden_line in card.tests.output_excerpt  # the reviewer can see what was printed
    view = candidate_view(card, kv_store).model_dump_json()
    assert hidden_line not in view


CONFTEST_FORCING_PASSES = (
    "import pytest\n"
    "@pytest.hookimpl(hookwrapper=True)\n"
    "def pytest_runtest_makereport(item, call):\n"
    "    outcome = yield\n"
    "    outcome.get_result().outcome = 'passed'\n"
)


def test_row_09_a_conftest_forcing_passes_is_not_loaded(
    hostile_repo, grade_with, kv_store, kv_image
):
    files = {"conftest.py": CONFTEST_FORCING_PASSES, "tests/conftest.py": CONFTEST_FORCING_PASSES}
    card = grade_with(hostile_repo(files, base="starter"), kv_store, kv_image)
    assert card.outcome == "test_failures"
    assert card.tests.passed == 0


def test_row_10_pytest_configuration_in_the_tree_is_ignored(
    hostile_repo, grade_with, kv_store, kv_image
):
    files = {
        "pytest.ini": "[pytest]\naddopts = -p evilplugin --co\n",
        "setup.cfg": "[tool:pytest]\naddopts = -p evilplugin\n",
        "tox.ini": "[pytest]\naddopts = -p evilplugin\n",
        "pyproject.toml": "[tool.pytest.ini_options]\naddopts = '-p evilplugin'\n",
        "evilplugin.py": CONFTEST_FORCING_PASSES,
    }
    card = grade_with(hostile_repo(files, base="starter"), kv_store, kv_image)
    assert card.outcome == "test_failures"
    assert card.tests.passed == 0


def test_row_11_sitecustomize_pth_and_entry_points_are_ignored(
    hostile_repo, grade_with, kv_store, kv_image
):
    files = {
        "sitecustomize.py": "import os\nos._exit(0)\n",
        "usercustomize.py": "import os\nos._exit(0)\n",
        "evil.pth": "import os; os._exit(0)\n",
        "evilplugin.py": CONFTEST_FORCING_PASSES,
        "evil-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n",
        "evil-1.0.dist-info/entry_points.txt": "[pytest11]\nevil = evilplugin\n",
    }
    card = grade_with(hostile_repo(files, base="starter"), kv_store, kv_image)
    assert card.outcome == "test_failures"
    assert card.tests.passed == 0


FORGE_TRIPWIRE = (
    "from _pytest import reports\n"
    "_orig = reports.TestReport.__init__\n"
    "def _forged(self, *a, **k):\n"
    "    _orig(self, *a, **k)\n"
    "    self.outcome = 'passed'\n"
    "    self.longrepr = None\n"
    "reports.TestReport.__init__ = _forged\n"
)
FORGE_AT_EXIT = (
    "import atexit, json, os\n"
    "def _forge():\n"
    "    fd = int(os.environ['TAKEHOME_REPORT_FD'])\n"
    "    for name in ['test_core.py::test_set_then_get']:\n"
    "        for when in ('setup', 'call', 'teardown'):\n"
    "            os.write(fd, (json.dumps({'event': 'phase', 'node_id': name, 'when': when,\n"
    "                'outcome': 'passed', 'duration': 0.0, 'message': ''}) + '\\n').encode())\n"
    "atexit.register(_forge)\n"
)


@pytest.mark.parametrize(
    ("name", "attack"),
    [("patches-pytest-reports", FORGE_TRIPWIRE), ("forges-at-exit", FORGE_AT_EXIT)],
)
def test_row_12_in_process_forgery_is_detected(
    hostile_repo, grade_with, kv_store, kv_image, name, attack
):
    starter = (SOLUTION.parent / "starter" / "kvstore.py").read_text()
    card = grade_with(
        hostile_repo({"kvstore.py": starter + "\n" + attack}, name=name), kv_store, kv_image
    )
    assert card.outcome == "tamper_suspected", card.reason
    assert card.tests.score == 0
    assert any(flag.kind == "tamper" for flag in card.flags)


def test_row_13_exiting_zero_at_import_fails_closed(hostile_repo, grade_with, kv_store, kv_image):
    card = grade_with(
        hostile_repo({"kvstore.py": _solution_with("import os\nos._exit(0)\n")}),
        kv_store,
        kv_image,
    )
    assert card.outcome == "no_report"
    assert card.tests.score == 0


# Killing or stopping the wrapper: tests/security/test_forgery_attacks.py (rows 13 and 26).


def test_row_14_daemons_and_zombies_are_reaped(hostile_repo, grade_with, kv_store, kv_image):
    attack = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        while True:\n"
        "            time.sleep(1)\n"
        "    os._exit(0)\n"
        "for _ in range(5):\n"
        "    if os.fork() == 0:\n"
        "        os._exit(0)  # zombies nobody waits for\n"
    )
    card = grade_with(hostile_repo({"kvstore.py": _solution_with(attack)}), kv_store, kv_image)
    assert card.outcome == "passed"  # host_untouched checks no process survived


def test_row_20_markup_from_the_candidate_is_escaped_in_every_report(
    hostile_repo, grade_with, kv_store, kv_image
):
    source = (SOLUTION / "kvstore.py").read_text()
    poisoned = source.replace(
        "    def get(self",
        "    def get(self, *a, **k):\n        return '<script>alert(1)</script>\\x1b[2J|**x**'\n\n"
        "    def _unused_get(self",
        1,
    )
    card = grade_with(hostile_repo({"kvstore.py": poisoned}), kv_store, kv_image)
    assert card.outcome == "test_failures"
    assert any("<script>" in t.message for t in card.tests.results)
    assert "\x1b" not in card.model_dump_json()
    assert "<script>" not in render_html(card)
    assert "<script>" not in _outside_code_fences(render_markdown(card))


@pytest.mark.parametrize(
    ("name", "attack"),
    [
        (
            "floods-the-result-pipe",
            "import os\nfd = int(os.environ['TAKEHOME_REPORT_FD'])\n"
            "for _ in range(40):\n    os.write(fd, b'x' * (1 << 20))\n",
        ),
        (
            "nesting-bomb",
            "import os\nfd = int(os.environ['TAKEHOME_REPORT_FD'])\n"
            "os.write(fd, b'[' * 500_000 + b'\\n')\n",
        ),
    ],
)
def test_row_21_malformed_results_fail_closed(
    hostile_repo, grade_with, kv_store, kv_image, name, attack
):
    card = grade_with(
        hostile_repo({"kvstore.py": _solution_with(attack)}, name=name), kv_store, kv_image
    )
    assert card.outcome == "tamper_suspected", card.reason
    assert card.tests.score == 0


def test_row_22_nothing_secret_in_the_container_environment(
    hostile_repo, grade_with, kv_store, kv_image, monkeypatch
):
    monkeypatch.setenv("TAKEHOME_TEST_CANARY", "canary-8c1f")
    attack = (
        "import os, json\n"
        "print('ENV', json.dumps(dict(os.environ)))\n"
        "try:\n"
        "    print('PID1', open('/proc/1/environ', 'rb').read())\n"
        "except OSError as _e:\n"
        "    print('PID1 DENIED', _e.errno)\n"
    )
    card = grade_with(hostile_repo({"kvstore.py": _solution_with(attack)}), kv_store, kv_image)
    assert card.outcome == "passed", card.reason
    assert "canary-8c1f" not in card.tests.output_excerpt
    assert "PID1 DENIED 13" in card.tests.output_excerpt  # PID 1 is root's, not the tests'
    env = json.loads(re.search(r"ENV (\{.*?\})\n", card.tests.output_excerpt).group(1))
    assert set(env) <= {
        "PATH",
        "HOME",
        "LANG",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD",
        "TAKEHOME_REPORT_FD",
        "PYTEST_CURRENT_TEST",
    }
