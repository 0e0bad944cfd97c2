"""Build time only: the hidden suite's tests as pytest itself collects them.

Run once, in the run image's ``collect`` build stage (runner/sandbox/run_images.py), with the
reference solution where a submission will be and the grader's own pytest configuration, so
the list is exactly what a run collects: functions, ``Test*`` classes, ``unittest.TestCase``
subclasses of any name, inherited and imported tests, parametrized instances, and whatever the
suite's own conftest adds or removes. No candidate code exists at that moment, so the host may
trust the list as much as it trusts the suite.

    python3 collect_inventory.py CONFIG OUT

writes ``{"tests": [{"node_id": ..., "markers": [...]}, ...]}`` to OUT; a suite that cannot
be collected against the reference prints one line starting with ``takehome-collect:`` to
stderr and exits 1, which fails the build.
"""

import json
import os
import signal
import sys

sys.path.insert(0, "/opt/takehome")

import pytest
from pytest_entry import UNUSED_PLUGINS

PREFIX = "takehome-collect: "


class Collector:
    """Records what pytest collected and what it could not."""

    def __init__(self):
        self.tests = []
        self.errors = []

    def pytest_collection_finish(self, session):
        self.tests = [
            {"node_id": item.nodeid, "markers": sorted({mark.name for mark in item.iter_markers()})}
            for item in session.items
        ]

    def pytest_collectreport(self, report):
        if report.failed:
            lines = [line for line in (report.longreprtext or "").splitlines() if line.strip()]
            self.errors.append(f"{report.nodeid or 'the suite'}: {lines[-1] if lines else ''}")


_STDERR = os.dup(2)
"""The build's stderr as it was before pytest captured file descriptor 2."""


def _fail(message):
    os.write(_STDERR, (PREFIX + " ".join(message.split())[:500] + "\n").encode())
    return 1


def _out_of_time(seconds):
    """An import that hangs would hang the build, and a build has no clock of its own."""

    def stop(signum, frame):
        _fail(f"collecting the hidden suite took longer than {seconds:g} s (the wall timeout)")
        os._exit(1)

    signal.signal(signal.SIGALRM, stop)
    signal.alarm(max(1, int(seconds)))


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        config = json.load(handle)
    _out_of_time(config["deadline"])
    collector = Collector()
    status = pytest.main(
        [
            *("-c", config["ini"]),
            *("--rootdir", config["suite"]),
            *(arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}")),
            *("-p", "pytest_timeout"),
            *("--collect-only", "-q", "--no-header"),
            *("-W", "ignore::pytest.PytestUnknownMarkWarning"),
            config["suite"],
        ],
        plugins=[collector],
    )
    if collector.errors:
        return _fail(
            "the hidden suite cannot be collected against the reference solution: "
            + collector.errors[0]
        )
    if not collector.tests:
        return _fail("pytest collects no test from the hidden suite")
    if status != 0:
        return _fail(f"pytest exited with status {int(status)} while collecting the hidden suite")
    with open(sys.argv[2], "w", encoding="utf-8") as handle:
        json.dump({"tests": collector.tests}, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
