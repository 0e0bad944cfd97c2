"""SECURITY.md rows 12, 13, 26 and 28: forging a score from inside the run, graded for real.

Each attack is planted in the bundled challenge's starter (honest score 0), so any point it
earns is forged. Before issue 10 the first two earned 49 of 49 tests passed.
"""

from __future__ import annotations

import json
import shutil

import pytest

from challenges.load import Challenge, load_challenge
from graders.registry import available
from graders.suite_report import MARKER
from reports.scorecard import Scorecard
from runner.sandbox.engine import Engine
from runner.sandbox.run_images import RunImage, ensure_run_image
from tests.conftest import BASE_IMAGE
from tests.graders.test_tests import completed
from tests.security.test_run_attacks import SOLUTION

pytestmark = pytest.mark.docker

STARTER = SOLUTION.parent / "starter"
EPERM, EACCES = 1, 13


def _starter_with(attack: str) -> str:
    return (STARTER / "kvstore.py").read_text() + "\n\n" + attack


def _forging(challenge: Challenge, signal_name: str) -> str:
    """Write a complete, passing report line into the wrapper's stdout and PID 1's, through
    /proc paths built at run time, then signal the wrapper."""
    line = b"\n" + MARKER + json.dumps(completed(challenge)).encode() + b"\n"
    return (
        "import os, signal\n"
        f"_LINE = {line!r}\n"
        "for _pid in (os.getppid(), 1):\n"
        "    for _fd in (1, 2):\n"
        "        try:\n"
        "            with open('/proc/%d/fd/%d' % (_pid, _fd), 'wb') as _out:\n"
        "                _out.write(_LINE)\n"
        "            print('FORGED-WRITE-OK', _pid)\n"
        "        except OSError as _e:\n"
        "            print('FORGED-WRITE-DENIED', _e.errno)\n"
        "for _pid in (os.getppid(), 1):\n"
        "    try:\n"
        f"        os.kill(_pid, signal.{signal_name})\n"
        "        print('SIGNAL-OK', _pid)\n"
        "    except OSError as _e:\n"
        "        print('SIGNAL-DENIED', _e.errno)\n"
    )


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGSTOP"])
def test_row_26_a_report_written_into_the_wrappers_stdout_is_impossible_and_never_scored(
    hostile_repo, grade_with, short_kv, short_image, signal_name
):
    attack = _forging(short_kv, signal_name)
    repo = hostile_repo({"kvstore.py": _starter_with(attack)}, base="starter", name=signal_name)
    card = grade_with(repo, short_kv, short_image)
    assert card.tests.score == 0
    assert card.tests.passed == 0
    assert card.outcome == "test_failures", card.reason  # the wrapper lived and reported
    output = card.tests.output_excerpt
    assert "FORGED-WRITE-OK" not in output
    assert "SIGNAL-OK" not in output
    assert output.count(f"FORGED-WRITE-DENIED {EACCES}") >= 4  # 2 processes x 2 descriptors
    assert output.count(f"SIGNAL-DENIED {EPERM}") >= 2


def test_row_13_killing_the_wrapper_is_refused_by_the_kernel(
    hostile_repo, grade_with, kv_store, kv_image
):
    attack = (
        "import os, signal\n"
        "try:\n"
        "    os.kill(os.getppid(), signal.SIGKILL)\n"
        "except PermissionError:\n"
        "    print('KILL-DENIED')\n"
    )
    repo = hostile_repo({"kvstore.py": _starter_with(attack)}, base="starter")
    card = grade_with(repo, kv_store, kv_image)
    assert card.outcome == "test_failures", card.reason
    assert card.tests.score == 0
    assert "KILL-DENIED" in card.tests.output_excerpt
    assert card.tests.suite_seconds is not None  # the wrapper's own report


def test_row_13_an_uncaught_kill_attempt_is_a_crash_without_score(
    hostile_repo, grade_with, kv_store, kv_image
):
    attack = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"
    repo = hostile_repo({"kvstore.py": _starter_with(attack)}, base="starter")
    card = grade_with(repo, kv_store, kv_image)
    assert card.outcome == "crash"
    assert "PermissionError" in card.reason
    assert card.tests.score == 0


FLIP_THROUGH_SYS_MODULES = (
    "import sys\n"
    "_plugin = sys.modules['takehome_plugin']\n"
    "_send = _plugin._send\n"
    "def _forged(event):\n"
    "    if event.get('event') == 'phase' and 'tripwire' not in event['node_id']:\n"
    "        event = dict(event, outcome='passed', message='')\n"
    "    _send(event)\n"
    "_plugin._send = _forged\n"
)
FORGED_COLLECT_ERROR = (
    FLIP_THROUGH_SYS_MODULES
    + "_send({'event': 'collect_error', 'node_id': 'test_x.py', 'message': 'E   x'})\n"
)


def assert_caught_by_a_canary(card: Scorecard) -> None:
    """A forged run: tamper suspected, no test points, and a secret canary named as the proof."""
    assert card.outcome == "tamper_suspected", card.reason
    assert card.tests.score == 0
    tamper = [flag.message for flag in card.flags if flag.kind == "tamper"]
    assert any("secret canary" in message for message in tamper), tamper


@pytest.mark.parametrize(
    ("name", "attack"),
    [
        ("rebinds-send-through-sys-modules", FLIP_THROUGH_SYS_MODULES),
        ("forges-a-collect-error", FORGED_COLLECT_ERROR),
    ],
)
def test_row_12_result_forgery_through_the_plugin_is_caught(
    hostile_repo, grade_with, kv_store, kv_image, name, attack
):
    repo = hostile_repo({"kvstore.py": _starter_with(attack)}, base="starter", name=name)
    card = grade_with(repo, kv_store, kv_image)
    assert_caught_by_a_canary(card)


def _forged_events(challenge: Challenge) -> list[bytes]:
    """Event lines of a run where the tripwire failed and every scored test passed."""
    events = [e for e in completed(challenge)["events"] if e["event"] == "phase"]
    return [json.dumps(event).encode() + b"\n" for event in events]


def test_row_12_results_forged_before_collection_then_a_self_kill_are_caught(
    hostile_repo, grade_with, kv_store, kv_image
):
    attack = (
        "import os, signal\n"
        "_fd = int(os.environ['TAKEHOME_REPORT_FD'])\n"
        f"for _line in {_forged_events(kv_store)!r}:\n"
        "    os.write(_fd, _line)\n"
        "os.kill(os.getpid(), signal.SIGKILL)  # looks like the memory limit\n"
    )
    repo = hostile_repo({"kvstore.py": _starter_with(attack)}, base="starter")
    card = grade_with(repo, kv_store, kv_image)
    assert card.outcome == "tamper_suspected", card.reason
    assert card.tests.score == 0
    assert "before the tests were collected" in card.reason


PARAMETRIZED = (
    "\n\n@pytest.mark.parametrize('key', ['a', 'b', 'c'])\n"
    "def test_set_then_get_each_key(key):\n"
    "    store = make_store()\n"
    "    store.set(key, 1)\n"
    "    assert store.get(key) == 1\n"
)
SKIPS_WHAT_IT_CANNOT_DO = (
    "import pytest\n"
    "class KVStore:  # stores key 'a' only; skips every other call\n"
    "    def __init__(self, clock=None):\n"
    "        self._data = {}\n"
    "    def set(self, key, value, ttl=None):\n"
    "        if key != 'a' or ttl is not None:\n"
    "            pytest.skip('not supported')\n"
    "        self._data[key] = value\n"
    "    def get(self, key, default=None):\n"
    "        return self._data.get(key, default)\n"
    "    def __getattr__(self, name):\n"
    "        pytest.skip('not supported')\n"
)


@pytest.fixture(scope="module")
def param_kv(tmp_path_factory: pytest.TempPathFactory, kv_store: Challenge) -> Challenge:
    """kv-store with one parametrized core test."""
    copy = tmp_path_factory.mktemp("param") / "kv-store"
    shutil.copytree(kv_store.root, copy)
    core = copy / "tests" / "test_core.py"
    core.write_text(core.read_text() + PARAMETRIZED)
    return load_challenge(copy, available())


@pytest.fixture(scope="module")
def param_image(engine: Engine, param_kv: Challenge) -> RunImage:
    return ensure_run_image(engine, param_kv, BASE_IMAGE)


def test_row_28_skips_from_candidate_code_are_failures(
    hostile_repo, grade_with, param_kv, param_image
):
    repo = hostile_repo({"kvstore.py": _starter_with(SKIPS_WHAT_IT_CANNOT_DO)}, base="starter")
    card = grade_with(repo, param_kv, param_image)
    assert card.outcome == "test_failures", card.reason
    by_name = {result.name: result for result in card.tests.results}
    param = by_name["test_set_then_get_each_key"]
    assert param.status == "failed"  # [a] passed, [b] and [c] skipped
    assert param.score == 0
    skipped = [r for r in card.tests.results if r.message.startswith("skipped in this run")]
    assert len(skipped) > 20
    assert {(r.status, r.score) for r in skipped} == {("failed", 0)}


def test_row_12_this_runs_canaries_and_the_images_suite_are_out_of_reach_beforehand(
    hostile_repo, grade_with, kv_store, kv_image
):
    attack = (
        "import os\n"
        "for _path in ('/opt/takehome/suite/test_core.py', '/opt/takehome/canaries.json'):\n"
        "    try:\n"
        "        open(_path).close()\n"
        "        print('READ-OK', _path)\n"
        "    except OSError as _e:\n"
        "        print('READ-DENIED', _e.errno)\n"
        "try:\n"
        "    open('/opt/takehome/run/suite/test_planted.py', 'w')\n"
        "    print('WRITE-OK')\n"
        "except OSError as _e:\n"
        "    print('WRITE-DENIED', _e.errno)\n"
    )
    repo = hostile_repo({"kvstore.py": _starter_with(attack)}, base="starter")
    card = grade_with(repo, kv_store, kv_image)
    assert card.tests.score == 0
    output = card.tests.output_excerpt
    assert "READ-OK" not in output
    assert "WRITE-OK" not in output
    assert output.count(f"READ-DENIED {EACCES}") >= 2
    assert f"WRITE-DENIED {EACCES}" in output
