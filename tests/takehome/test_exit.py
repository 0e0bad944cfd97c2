"""How the `takehome` process ends: as Python's exit would (handlers run, streams flushed,
the same code), less the teardown of every module, unless a thread of its own still runs."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import atexit, os, sys, threading, time
from takehome import cli

class Noisy:
    def __del__(self):
        os.write(1, b"torn down\\n")

kept = Noisy()
atexit.register(lambda: print("exit handler ran"))
if sys.argv[1] == "thread":
    def late():
        time.sleep(0.3)
        print("thread finished")
    threading.Thread(target=late).start()
sys.argv = ["takehome", *sys.argv[2:]]
print("buffered, not yet flushed", end="")
cli.main()
"""


def _run(mode: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PROBE, mode, *args], capture_output=True,
                          text=True)  # fmt: skip


def test_the_process_ends_without_tearing_every_module_down():
    done = _run("alone", "--version")
    assert done.returncode == 0
    assert "buffered, not yet flushed" in done.stdout
    assert "takehome, version" in done.stdout
    assert "exit handler ran" in done.stdout
    assert "torn down" not in done.stdout  # the interpreter was not finalised object by object


def test_the_exit_code_is_the_commands():
    done = _run("alone", "grade")  # a usage error: click's code
    assert done.returncode == 2
    assert "exit handler ran" in done.stdout


def test_a_thread_still_running_keeps_pythons_own_exit_which_waits_for_it():
    done = _run("thread", "--version")
    assert done.returncode == 0
    assert "thread finished" in done.stdout
    assert "exit handler ran" in done.stdout
