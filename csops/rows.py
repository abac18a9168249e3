"""How beat tasks walk their rows: set-based in batches, yet one bad row never stops a run.

Each batch is handled in a savepoint of its own. If it fails, it is rolled back and done again row by
row, each in its own savepoint: the bad row is logged with what it is and skipped, the others go
through, and the run's report says what failed. Nothing of a failed row is kept, so the next run
(every task is idempotent) retries it.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice

from django.db import transaction

log = logging.getLogger("csops.beat")

BATCH_SIZE = 500


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
        try:
            with transaction.atomic():
                report.done += handle(chunk)
            continue
        except Exception as exc:  # noqa: BLE001 - the batch is redone row by row below
            if len(chunk) == 1:
                _skip(report, describe(chunk[0]))
                continue
            log.warning("%s: a batch of %d failed (%s); redoing it row by row", report.task, len(chunk), exc)
        for row in chunk:
            try:
                with transaction.atomic():
                    report.done += handle([row])
            except Exception:  # noqa: BLE001 - logged with the row; the rest of the run goes on
                _skip(report, describe(row))
    return report


def _skip(report: RunReport, what: str):
    log.exception("%s: %s failed and was skipped; the next run retries it", report.task, what)
    report.failed.append(what)
