"""Every beat task costs the same number of queries at two data sizes, and a rerun costs a few.

PRODUCT.md §6, issue 13: the daily beat run must not make a query per client, contract or
occurrence. The data comes from `seed_scale` (a set of 10 clients, then one of 20, both far below
`csops.rows.BATCH_SIZE`, so batching itself adds no query), and the tasks are the ones
`run_beat_tasks` runs, in its order, for the same day.
"""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.models import Client
from commercial.models import PlanSettings
from csops.management.commands.run_beat_tasks import dated_tasks
from people.outbox import outbox_deliver
from reporting.models import CommsPlan, Job
from reporting.services.plans import comms_plans_refresh_all

from ..factories import (
    AccountPlanFactory,
    CallFactory,
    JobFactory,
    OnboardingFactory,
    OnboardingStepFactory,
    PdpFactory,
    SupportArrangementFactory,
    support_request,
)

User = get_user_model()

pytestmark = pytest.mark.django_db

SEEDED = datetime.date(2026, 11, 16)
DAY = SEEDED + datetime.timedelta(days=3)  # a Thursday: occurrences due, reports late, reminders
# A rerun reads its candidates (with the heads of CS and one prefetch at most), and per batch of
# notices: two savepoints, one read of the notices already sent, their two releases — and no more.
RERUN_BUDGET = 8


def run_all():
    """{task: (queries, what it reported done)} for one run of every dated task on DAY."""
    noon = datetime.datetime.combine(DAY, datetime.time(12), tzinfo=datetime.UTC)
    when = {"today": DAY.isoformat(), "now": noon.isoformat()}
    out = {}
    for task, keyword in dated_tasks():
        with CaptureQueriesContext(connection) as ctx:
            report = task(**{keyword: when[keyword]})
        assert not report["failed"], report
        out[task.name] = (len(ctx), report["done"])
    # run_beat_tasks ends with the outbox sweep: the run's emails go out in one claimed batch
    with CaptureQueriesContext(connection) as ctx:
        delivered = outbox_deliver()
    assert not delivered.failed, delivered.failed
    out["outbox"] = (len(ctx), delivered.sent)
    return out


def add_rows_seed_scale_lacks(tag, n):
    """`n` PDPs due for review, `n` held calls with their report late, `n` unreviewed status reports,
    `n` support requests past their SLA, `n` account plans and `n` overdue onboarding steps: seed_scale
    makes none of them."""
    due = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(9))) - datetime.timedelta(days=3)
    clients = list(Client.objects.filter(domain__endswith=f".{tag}.example").order_by("pk")[:n])
    staff = list(User.objects.filter(username__startswith=f"{tag}-", profile__isnull=False).order_by("pk"))
    for i in range(n):
        PdpFactory(
            staff=staff[i],
            year=DAY.year,
            next_review_date=DAY + datetime.timedelta(days=2),
            salary_review_date=DAY + datetime.timedelta(days=5),
        )
        CallFactory(client=clients[i], author=staff[i], held_at=due, held=True, report_required=True)
        onboarding = OnboardingFactory(client=clients[i], won_on=DAY - datetime.timedelta(days=10))
        OnboardingStepFactory(
            onboarding=onboarding, owner=staff[i], due_date=DAY - datetime.timedelta(days=1)
        )
        # issue 17: a status report unreviewed for weeks, and a support request past its SLA
        job = JobFactory(client=clients[i], owner=staff[i], created_by=staff[i])
        Job.objects.filter(pk=job.pk).update(created_at=due - datetime.timedelta(days=30))
        arrangement = SupportArrangementFactory(client=clients[i], created_by=staff[i])
        support_request(arrangement=arrangement, received_at=due, owner=staff[i])
        AccountPlanFactory(client=clients[i], year=DAY.year, created_by=staff[i])  # reviewed monthly
    PlanSettings.objects.update_or_create(pk=1, defaults={"qbr_threshold": 0})  # every client gets a QBR


def measure(clients, seed):
    tag = f"q{clients}"
    with transaction.atomic():
        call_command(
            "seed_scale",
            "--clients",
            str(clients),
            "--tag",
            tag,
            "--seed",
            str(seed),
            "--today",
            SEEDED.isoformat(),
            verbosity=0,
        )
        add_rows_seed_scale_lacks(tag, clients // 5)
        first, again = run_all(), run_all()
        transaction.set_rollback(True)
    return first, again


@time_machine.travel(datetime.datetime.combine(DAY, datetime.time(12), tzinfo=datetime.UTC), tick=False)
def test_each_beat_task_costs_the_same_queries_at_twice_the_data():
    small, small_again = measure(10, 1)
    large, large_again = measure(20, 2)
    # every task had rows to work on at both sizes (else an empty run's shortcut would hide a cost)
    assert all(done for _, done in small.values()) and all(done for _, done in large.values())
    for name in small:
        assert large[name][0] == small[name][0], (name, small[name], large[name])
    assert {k: v[0] for k, v in large_again.items()} == {k: v[0] for k, v in small_again.items()}
    assert all(v[0] <= RERUN_BUDGET for v in large_again.values()), large_again
    # the generator reads the plans with their lead AM (a subquery), and in a savepoint what the window
    # holds: it inserts nothing
    assert large_again["reporting.tasks.occurrences_generate"][0] == 4, large_again


def refresh_counts(clients, seed):
    """Queries of comms_plans_refresh_all after a matrix change that moves one band, then of a rerun."""
    tag = f"r{clients}"
    with transaction.atomic():
        call_command(
            "seed_scale", "--clients", str(clients), "--tag", tag, "--seed", str(seed),
            "--today", SEEDED.isoformat(), verbosity=0,
        )  # fmt: skip
        plans = CommsPlan.objects.filter(client__domain__endswith=f".{tag}.example")
        plans.update(customised=True, call_cadence="monthly", last_change_note="")  # all hand-edited
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                report = comms_plans_refresh_all()
            counts.append((len(ctx), report.done))
        transaction.set_rollback(True)
    return counts


# the bands, rates and budgets, the clients; then per batch of plans: a savepoint, the plans, its release
REFRESH_RERUN_BUDGET = 7


def test_a_plans_refresh_that_changes_nothing_costs_the_same_few_queries_at_any_size():
    (_, noted_small), small_again = refresh_counts(10, 1)
    (_, noted_large), large_again = refresh_counts(20, 2)
    assert 0 < noted_small < noted_large  # the first run noted the departure on every hand-edited plan
    assert small_again == large_again == (REFRESH_RERUN_BUDGET, 0)  # the rerun: nothing new to note
