"""pytest plugin loaded explicitly by pytest_entry.py inside the container.

It streams one JSON line per event to the file descriptor named by TAKEHOME_REPORT_FD, so
that results of tests that finished survive a later crash, OOM kill or timeout. It runs in
the same process as candidate code and is therefore not trusted by the host: the wrapper and
the host check its claims (tripwire, node IDs, counts, exit status).
"""

import json
import os

import pytest

_MESSAGE_CAP = 2000
_fd = int(os.environ.get("TAKEHOME_REPORT_FD", "-1"))
TRIPWIRE = None  # node ID, set by pytest_entry.py from the run configuration


def _send(event):
    if _fd < 0:
        return
    line = (json.dumps(event, ensure_ascii=True) + "\n").encode()
    view = memoryview(line)
    while view:
        written = os.write(_fd, view)
        view = view[written:]


def _message(report):
    text = getattr(report, "longreprtext", "") or ""
    if len(text) > _MESSAGE_CAP:
        text = text[: _MESSAGE_CAP // 2] + "\n[...]\n" + text[-_MESSAGE_CAP // 2 :]
    return text


def pytest_sessionstart(session):
    _send({"event": "start", "pytest": pytest.__version__})


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """Run the tripwire first: a report with results but no tripwire result is then forged."""
    items.sort(key=lambda item: item.nodeid != TRIPWIRE)


def pytest_collection_finish(session):
    _send({"event": "collected", "node_ids": [item.nodeid for item in session.items]})


def pytest_collectreport(report):
    if report.failed:
        _send({"event": "collect_error", "node_id": report.nodeid, "message": _message(report)})


def pytest_runtest_logreport(report):
    _send(
        {
            "event": "phase",
            "node_id": report.nodeid,
            "when": report.when,
            "outcome": report.outcome,
            "duration": round(float(report.duration), 6),
            "message": _message(report) if report.outcome != "passed" else "",
        }
    )


def pytest_sessionfinish(session, exitstatus):
    _send({"event": "finished", "exit_status": int(exitstatus)})
