"""How beat tasks walk their rows: set-based in batches, yet one bad row never stops a run.

Each batch is handled in a savepoint of its own. If it fails, it is rolled back and done again in
halves, each in its own savepoint, down to single rows: the bad row is logged with what it is and
skipped, the others go through, and the run's report says what failed. Nothing of a failed row is
kept, so the next run (every task is idempotent) retries it.

A batch is large (BATCH_SIZE rows), so a task's queries stay the same from a handful of clients to
the agency's whole book (issue 13: 10,000 clients make one batch per kind of work, as 2,000 do);
halving rather than going row by row keeps a failed batch's retry to a few dozen savepoints.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice

from django.db import transaction

log = logging.getLogger("csops.beat")

BATCH_SIZE = 10_000


@dataclass
class RunReport:
    """What one run of a recurring task did: how many things it did, and the rows that failed."""

    task: str
    done: int = 0
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"task": self.task, "done": self.done, "failed": self.failed}

    def __str__(self):
        text = f"{self.task}: {self.done}"
        if self.failed:
            shown = ", ".join(self.failed[:10]) + (" …" if len(self.failed) > 10 else "")
            text += f" ({len(self.failed)} failed: {shown})"
        return text


def batches(rows: Iterable, size: int):
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def run_in_batches(
    rows: Iterable,
    handle: Callable[[list], int],
    *,
    report: RunReport,
    describe: Callable[[object], str] = str,
    size: int = BATCH_SIZE,
) -> RunReport:
    """Call `handle(batch)` (returning how many things it did) for every batch of `rows`."""
    for chunk in batches(rows, size):
        _run_batch(chunk, handle, report, describe)
    return report


def _run_batch(chunk: list, handle, report: RunReport, describe):
    try:
        with transaction.atomic():
            report.done += handle(chunk)
        return
    except Exception as exc:  # noqa: BLE001 - the batch is redone in halves below
        if len(chunk) == 1:
            _skip(report, describe(chunk[0]))
            return
        log.warning("%s: a batch of %d failed (%s); redoing it in halves", report.task, len(chunk), exc)
    middle = len(chunk) // 2
    for half in (chunk[:middle], chunk[middle:]):
        _run_batch(half, handle, report, describe)


def _skip(report: RunReport, what: str):
    log.exception("%s: %s failed and was skipped; the next run retries it", report.task, what)
    report.failed.append(what)
