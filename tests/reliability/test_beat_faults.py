"""One bad row never stops a beat task; derived texts always fit their columns."""

import datetime as dt
from io import StringIO

import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commercial.services.contracts import contract_renewal_reminders
from people.models import Notification, OutboxMessage
from reporting.models import Occurrence, SurveyResponse
from reporting.services.feedback import survey_invite_create
from reporting.services.occurrences import occurrences_mark_missed

from ..factories import ClientFactory, ContactFactory, ContractFactory, MembershipFactory, OccurrenceFactory

LONG_CLIENT = "Northwind Outdoor Equipment and Adventure Travel Holdings "
LONG_CLIENT += "International Group of Companies Ltd " + "x" * 20
LONG_CONTACT = "Karen Elisabeth Wright-Montgomery-Fitzgerald-Abernathy Jr"


def test_long_names_fit_every_notice_of_a_check_in_and_a_survey(world, login, client):
    assert (len(LONG_CLIENT), len(LONG_CONTACT)) == (115, 57)
    world.client.name = LONG_CLIENT
    world.client.save()
    response = login(world.sponsor).post(
        reverse("reporting:checkin", args=[world.client.pk]),
        {"score": "2", "comment": "Unhappy", "raise_flag": "on", "flag_severity": "critical"},
    )
    assert response.status_code == 302  # was a DataError (500) on PostgreSQL
    subjects = list(Notification.objects.values_list("subject", flat=True))
    assert subjects and all(len(s) <= 200 for s in subjects)

    contact = ContactFactory(client=world.client, name=LONG_CONTACT, email="karen@northwind.example")
    invite, token = survey_invite_create(contact=contact, by=world.team_am)
    client.logout()
    answered = client.post(reverse("survey", args=[token]), {"score": "9", "comment": "Great"})
    assert answered.status_code == 200 and SurveyResponse.objects.count() == 1
    note = Notification.objects.get(key__startswith="survey-")
    assert len(note.subject) == 200 and note.subject.endswith("…")


def test_a_long_name_in_a_beat_run_is_clipped_not_fatal(world):
    world.client.name = LONG_CLIENT
    world.client.save()
    ContractFactory(client=world.client, end_date=dt.date(2027, 1, 20))
    report = contract_renewal_reminders(today=dt.date(2026, 11, 26))
    assert (report.done, report.failed) == (2, [])
    assert all(len(n.subject) <= 200 for n in Notification.objects.all())


def test_one_bad_contract_does_not_stop_the_renewal_reminders(world, fail_inserts):
    contracts = []
    for name in ("Alpha", "Bravo", "Charlie"):
        c = ClientFactory(name=name)
        MembershipFactory(client=c, user=world.team_am, is_lead=True)
        contracts.append(ContractFactory(client=c, end_date=dt.date(2027, 1, 20)))
    bad = contracts[1]
    remove = fail_inserts("people_notification", "key", f"contract-{bad.pk}-renewal-60")
    report = contract_renewal_reminders(today=dt.date(2026, 11, 26))
    # Bravo's lead AM and head of CS: both notices of the bad row, and nothing else, failed
    assert len(report.failed) == 2 and all(f"contract-{bad.pk}-renewal-60" in f for f in report.failed)
    keys = set(Notification.objects.values_list("key", flat=True))
    assert keys == {f"contract-{c.pk}-renewal-60" for c in (contracts[0], contracts[2])}
    remove()
    again = contract_renewal_reminders(today=dt.date(2026, 11, 27))  # the next run retries it
    assert again.failed == [] and again.done == 2  # the lead AM and the head of CS, for Bravo only
    assert f"contract-{bad.pk}-renewal-60" in set(Notification.objects.values_list("key", flat=True))


def test_a_bad_row_in_a_large_batch_is_found_by_halving_not_row_by_row(world, fail_inserts):
    # 32 contracts ending: 64 notices (the lead AM and the head of CS each) in one batch, one bad
    contracts = []
    for n in range(32):
        c = ClientFactory(name=f"Client {n:02}")
        MembershipFactory(client=c, user=world.team_am, is_lead=True)
        contracts.append(ContractFactory(client=c, end_date=dt.date(2027, 1, 20)))
    bad = contracts[13]
    fail_inserts("people_notification", "key", f"contract-{bad.pk}-renewal-60")
    with CaptureQueriesContext(connection) as ctx:
        report = contract_renewal_reminders(today=dt.date(2026, 11, 26))
    assert report.done == 62 and len(report.failed) == 2
    assert all(f"contract-{bad.pk}-renewal-60" in f for f in report.failed)
    keys = set(Notification.objects.values_list("key", flat=True))
    assert keys == {f"contract-{c.pk}-renewal-60" for c in contracts if c != bad}
    # every notice made reaches its person by email once, alone or in a digest of its batch; the bad one never
    emails = list(OutboxMessage.objects.values_list("payload", flat=True))
    for note in Notification.objects.select_related("user"):
        told = note.user.email, note.subject
        mine = [e for e in emails if e["to"] == [told[0]] and told[1] in e["subject"] + e["body"]]
        assert len(mine) == 1, (note.key, len(mine))
    assert len(emails) < 62  # a person's many reminders of one run come as one email
    # halving retries two halves per level (six levels for 64): about a hundred queries in all, where
    # row by row took at least four per notice (a savepoint, the read, the insert, its release): 256+
    assert len(ctx) < 2 * 64, len(ctx)


def test_a_missed_occurrence_that_cannot_be_announced_stays_due_and_is_retried(world, fail_inserts):
    occurrences = [
        OccurrenceFactory(client=world.client, assignee=world.team_am, due_date=dt.date(2026, 11, d))
        for d in (2, 9, 16)
    ]
    bad = occurrences[1]
    remove = fail_inserts("people_notification", "key", f"occ-{bad.pk}-missed")
    report = occurrences_mark_missed(today=dt.date(2026, 11, 26))
    assert report.done == 2 and report.failed == [f"occurrence {bad.pk}"]
    statuses = dict(Occurrence.objects.values_list("pk", "status"))
    assert [statuses[o.pk] for o in occurrences] == ["missed", "due", "missed"]
    # every row marked missed has its notice and its email, committed with it
    notified = set(Notification.objects.filter(key__endswith="-missed").values_list("key", flat=True))
    assert notified == {f"occ-{occurrences[0].pk}-missed", f"occ-{occurrences[2].pk}-missed"}
    assert OutboxMessage.objects.filter(dedupe_key__endswith="-missed").count() == 2
    remove()
    assert occurrences_mark_missed(today=dt.date(2026, 11, 27)).done == 1
    assert Occurrence.objects.get(pk=bad.pk).status == "missed"
    assert Notification.objects.filter(key=f"occ-{bad.pk}-missed").exists()


@time_machine.travel(dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC), tick=False)
def test_run_beat_tasks_reports_a_failed_row_and_runs_every_later_step(world, fail_inserts):
    bad = OccurrenceFactory(client=world.client, assignee=world.team_am, due_date=dt.date(2026, 11, 2))
    ContractFactory(client=world.client, end_date=dt.date(2027, 1, 20))
    fail_inserts("people_notification", "key", f"occ-{bad.pk}-missed")
    out = StringIO()
    call_command("run_beat_tasks", "--date", "2026-11-26", stdout=out)
    text = out.getvalue()
    assert f"failed, retried on the next run: occurrence {bad.pk}" in text
    assert "contract renewal reminders: 2" in text  # a later step still ran
    assert "1 row(s) failed" in text
    assert Notification.objects.filter(key__startswith="contract-").count() == 2
