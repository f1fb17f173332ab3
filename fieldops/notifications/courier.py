"""Delivery off the request: the mails and pushes of committed notifications go out on a
thread of the worker process, so a slow SMTP server or an unreachable push service (up to
10 s each) never holds a person's request.

One thread per process, started by the first delivery in that process (a worker forked by
gunicorn starts its own), takes the deliveries in the order they were committed. The
notifications themselves are already committed (the inbox has them); what a crash of the
process loses is only what was still waiting here. At the process's normal exit the
courier delivers what it holds before the process ends.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

Delivery = Callable[[], None]


class Courier:
    def __init__(self) -> None:
        self._queue: queue.Queue[Delivery] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def post(self, delivery: Delivery) -> None:
        """Run `delivery` on the courier's thread, after those posted before it."""
        with self._lock:
            if self._pid != os.getpid():  # a forked process: nothing of its parent's is its own
                self._pid, self._queue, self._thread = os.getpid(), queue.Queue(), None
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="courier", daemon=True)
                self._thread.start()
        self._queue.put(delivery)

    def drain(self) -> None:
        """Wait until every delivery posted so far has run."""
        if self._thread is not None and self._pid == os.getpid():
            self._queue.join()

    def _run(self) -> None:
        while True:
            delivery = self._queue.get()
            try:
                delivery()
            except Exception:  # a delivery's own failures are logged where they happen
                log.exception("A delivery of notifications failed")
            finally:
                self._queue.task_done()


courier = Courier()
atexit.register(courier.drain)
