"""`takehome grade` prepares its reports (and the store) while its container runs, not before."""

from __future__ import annotations

import threading

import pytest

from reports.render import pages
from takehome import meanwhile
from takehome.meanwhile import Preparing


@pytest.mark.parametrize(
    ("store", "prepared"),
    [(True, ["templates", "runner.review_desk.recording"]), (False, ["templates"])],
)
def test_reports_are_prepared_once_the_run_begins(monkeypatch, store, prepared):
    calls: list[str] = []
    monkeypatch.setattr(pages, "prepare", lambda: calls.append("templates"))
    monkeypatch.setattr(meanwhile.importlib, "import_module", calls.append)
    preparing = Preparing(store)
    assert preparing._thread.is_alive()
    assert calls == []  # intake and the measurements keep the interpreter to themselves
    preparing.begin()
    preparing.done()
    assert calls == prepared


def test_a_failure_while_preparing_is_left_to_the_real_work(monkeypatch):
    def broken() -> None:
        raise OSError("templates unreadable")

    escaped: list[object] = []
    monkeypatch.setattr(pages, "prepare", broken)
    monkeypatch.setattr(threading, "excepthook", escaped.append)
    Preparing(False).done()
    assert escaped == []  # rendering meets the failure again, and reports it


def test_the_store_is_asked_about_finished_work_only_once_its_imports_are_done(monkeypatch):
    monkeypatch.setattr(pages, "prepare", lambda: None)
    monkeypatch.setattr(meanwhile.importlib, "import_module", lambda name: None)
    preparing = Preparing(True)
    asked: list[bool] = []

    def check(card: object) -> bool:
        asked.append(preparing._thread.is_alive())
        return False

    guarded = preparing.before(check)
    assert guarded is not None
    assert guarded(object()) is False  # type: ignore[arg-type]
    assert asked == [False]  # the preparing thread had finished when the store was opened
    assert preparing.before(None) is None
