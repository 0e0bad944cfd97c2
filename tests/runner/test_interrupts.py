"""Waiting through Ctrl-C: the wait goes on until it returns, and the interrupt is handed back
for the caller to raise once its cleanup is done."""

from __future__ import annotations

import threading

from runner.interrupts import settled


def test_an_interrupted_wait_goes_on_until_it_returns_and_hands_the_interrupt_back() -> None:
    calls: list[str] = []

    def wait() -> None:
        calls.append("wait")
        if len(calls) < 3:
            raise KeyboardInterrupt

    interrupted = settled(wait)
    assert calls == ["wait", "wait", "wait"]
    assert isinstance(interrupted, KeyboardInterrupt)


def test_an_uninterrupted_wait_hands_back_nothing() -> None:
    done = threading.Event()
    done.set()
    assert settled(done.wait) is None
