"""`takehome grade` prepares its reports (and the store) while its container runs, not before."""

from __future__ import annotations

import threading

import pytest

from reports.render import pages
from takehome.commands import grading


@pytest.mark.parametrize(
    ("store", "prepared"),
    [(True, ["templates", "runner.review_desk.recording"]), (False, ["templates"])],
)
def test_reports_are_prepared_once_the_run_begins(monkeypatch, store, prepared):
    calls: list[str] = []
    monkeypatch.setattr(pages, "prepare", lambda: calls.append("templates"))
    monkeypatch.setattr(grading.importlib, "import_module", calls.append)
    begin, thread = grading._prepare_meanwhile(store)
    assert thread.is_alive()
    assert calls == []  # intake and the measurements keep the interpreter to themselves
    begin.set()
    thread.join()
    assert calls == prepared


def test_a_failure_while_preparing_is_left_to_the_real_work(monkeypatch):
    def broken() -> None:
        raise OSError("templates unreadable")

    escaped: list[object] = []
    monkeypatch.setattr(pages, "prepare", broken)
    monkeypatch.setattr(threading, "excepthook", escaped.append)
    begin, thread = grading._prepare_meanwhile(False)
    begin.set()
    thread.join()
    assert escaped == []  # rendering meets the failure again, and reports it
