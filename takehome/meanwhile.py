"""What a one-shot ``takehome grade`` prepares while its container runs.

The reports' templates and, when the grade goes to the store, the store's modules
(SQLAlchemy, Alembic, the models: about 0.4 s) are needed only once the run is over. They
are prepared on a thread of their own that starts when the run begins (the pipeline's
``run_begins``): the host then only waits for its container, whereas earlier the thread would
only slow the intake and the measurements it shares the interpreter with. A head start only:
a failure here is met again, and reported, where the work is done for real.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reports.scorecard import Scorecard
    from runner.placement import HasFinishedWork


class Preparing:
    """The preparing thread of one grade, started at once, waiting for the run to begin."""

    def __init__(self, store: bool) -> None:
        self._begin = threading.Event()
        self._store = store
        self._thread = threading.Thread(target=self._prepare, name="prepare", daemon=True)
        self._thread.start()

    def _prepare(self) -> None:
        self._begin.wait()
        with contextlib.suppress(Exception):
            from reports.render.pages import prepare as compile_templates

            compile_templates()
            if self._store:
                importlib.import_module("runner.review_desk.recording")

    def begin(self) -> None:
        """The run begins: prepare now."""
        self._begin.set()

    def done(self) -> None:
        """Wait until everything is prepared (at once if the run never began)."""
        self._begin.set()
        self._thread.join()

    def before(self, check: HasFinishedWork | None) -> HasFinishedWork | None:
        """``check`` (which opens the store) once this thread is done with its imports of the
        store: two threads importing the same modules, with circular imports between them,
        could each wait for the other, and Python then fails one of the imports."""
        if check is None:
            return None

        def after(card: Scorecard) -> bool:
            self.done()
            return check(card)

        return after
