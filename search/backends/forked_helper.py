"""A second process for a rebuild's per-record work (the machine has two cores): forked, so it needs nothing
but what it inherits; sent batches through a short queue, so whichever process has the time does more; and
watched, so a helper that stops or fails stops the rebuild with its reason instead of leaving a gap."""

from __future__ import annotations

import multiprocessing
import queue
import traceback
from collections.abc import Callable, Iterable, Iterator

# The helper's work: it is given the batches as they come and yields what the parent receives.
Work = Callable[[Iterable], Iterable]


class ForkedHelper:
    def __init__(self, work: Work, name: str, queued_batches: int):
        self.name = name
        context = multiprocessing.get_context("fork")
        self.jobs = context.Queue(maxsize=queued_batches)
        self.results = context.Queue()
        self.process = context.Process(target=_helper_main, args=(work, self.jobs, self.results), daemon=True)
        self.process.start()

    def offer(self, batch) -> bool:
        """Queue the batch for the helper unless it has enough waiting already."""
        self._check_alive()
        try:
            self.jobs.put_nowait(batch)
        except queue.Full:
            return False
        return True

    def ready(self) -> Iterator:
        """What the helper has sent so far, without waiting."""
        while True:
            try:
                outcome, value = self.results.get_nowait()
            except queue.Empty:
                return
            if outcome == "done":
                return
            yield self._value(outcome, value)

    def finish(self) -> None:
        """Tell the helper that nothing more is coming."""
        while True:
            try:
                self.jobs.put(None, timeout=1)
                return
            except queue.Full:
                self._check_alive()

    def rest(self) -> Iterator:
        """What the helper still sends once it was told nothing more is coming (``finish``)."""
        while True:
            try:
                outcome, value = self.results.get(timeout=1)
            except queue.Empty:
                self._check_alive()
                continue
            if outcome == "done":
                self.process.join()
                return
            yield self._value(outcome, value)

    def stop(self) -> None:
        self.process.kill()
        self.process.join()

    def _value(self, outcome: str, value):
        if outcome == "error":
            raise RuntimeError(f"the rebuild's {self.name} process failed:\n{value}")
        return value

    def _check_alive(self) -> None:
        if self.process.is_alive():
            return
        reason = f"exit status {self.process.exitcode}"
        while True:  # a helper that failed said why before it ended
            try:
                outcome, value = self.results.get(timeout=0.1)
            except queue.Empty:
                break
            if outcome == "error":
                reason = value
                break
        raise RuntimeError(f"the rebuild's {self.name} process stopped: {reason}")


def _helper_main(work: Work, jobs, results) -> None:
    try:
        for value in work(iter(jobs.get, None)):
            results.put(("value", value))
        results.put(("done", None))
    except BaseException:
        results.put(("error", traceback.format_exc()))
