"""Waiting for a thread's work to end through Ctrl-C, so that no container outlives its grade.

A grade's containers are started, run and removed on threads of their own, and the main
thread waits for them. If Ctrl-C interrupts that wait, the process must still wait until the
thread has removed its container before it exits, and report the interrupt afterwards.
Python 3.11's ``Thread.join`` cannot be trusted for this: once interrupted, it may mark a
thread that is still running as stopped (the fix of bpo-45274), and the next ``join`` returns
at once. So callers wait on an ``Event`` the thread sets, or on a ``Future``.
"""

from __future__ import annotations

from collections.abc import Callable


def settled(wait: Callable[[], object]) -> KeyboardInterrupt | None:
    """Call ``wait`` (``Event.wait``, ``Future.exception``) until it returns, through Ctrl-C.

    Returns the interrupt it met, if any, for the caller to raise once its cleanup is done."""
    interrupted: KeyboardInterrupt | None = None
    while True:
        try:
            wait()
        except KeyboardInterrupt as error:
            interrupted = error
            continue
        return interrupted
