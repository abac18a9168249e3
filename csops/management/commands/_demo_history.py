"""The demo's recent past, so every dashboard shows what it is for the first time someone opens it.

seed_demo creates clients today; without this their plans would have no past occurrences (the
portfolio's call cadence "— 0 of 0") and this quarter no check-ins. This module writes the last 90
days of each plan's calls and reports — mostly held on time, some late, some missed, with the
calls logged — and this quarter's sponsor check-ins so far, with a spread of scores.

Idempotent: a client that already has past occurrences is left alone, and check-ins are unique per
client and quarter. Deterministic: outcomes come from a generator seeded by the client's domain.
"""

import datetime
import random

from django.utils import timezone

from clients.models import Call, Client
from csops.dates import quarter_start
from reporting.models import NpsCheckIn, Occurrence
from reporting.schedule import call_dates, report_dates
from reporting.services.occurrences import CALL_GRACE_DAYS
from reporting.services.plans import plans_in_play

DAYS = 90
# how often each lead's calls slip: the portfolio's "cadence by AM" shows who needs a hand
MISS_RATE = {"am3": 0.3, "am2": 0.18, "senior2": 0.15}
DEFAULT_MISS_RATE = 0.08
LATE_RATE = 0.08
NOTES = [
    ("Caught up on their team changes.", "Signed off the month's content; two pages waiting on legal."),
    ("Talked about their half-term plans.", "Reviewed the dashboard; CPA down 8% on last month."),
    ("New starter in their team joined us.", "Agreed the next sprint; landing page tests go live Tuesday."),
    ("They are moving office in spring.", "Walked through the monthly report; questions on attribution."),
]


def _aware(day: datetime.date, at: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, at))


def seed_history(*, today: datetime.date) -> tuple[int, int]:
    """Past occurrences and calls for every plan in play without a past yet. Returns (occurrences, calls)."""
    start, end = today - datetime.timedelta(days=DAYS), today - datetime.timedelta(days=1)
    has_past = set(
        Occurrence.objects.filter(due_date__lt=today).values_list("client_id", flat=True).distinct()
    )
    plans = [p for p in plans_in_play() if p.client_id not in has_past]
    existing = {}  # calls seed_demo already logged: they answer the occurrence they fall near
    for call in Call.objects.filter(client_id__in=[p.client_id for p in plans], held=True):
        existing.setdefault(call.client_id, []).append(call)
    occurrences, new_calls = [], []
    for plan in plans:
        client = plan.client
        lead = client.leads[0].user if client.leads else None
        rng = random.Random(client.domain)
        miss_rate = MISS_RATE.get(lead.username if lead else "", DEFAULT_MISS_RATE)
        unused = list(existing.get(client.pk, []))
        for n, due in enumerate(call_dates(plan, start, end)):
            occurrence = Occurrence(
                client=client, kind=Occurrence.Kind.CALL, due_date=due, due_time=plan.call_time, assignee=lead
            )
            settled = due < today - datetime.timedelta(days=CALL_GRACE_DAYS)
            near = [c for c in unused if abs((timezone.localdate(c.held_at) - due).days) <= CALL_GRACE_DAYS]
            roll = rng.random()
            if near:
                unused.remove(near[0])
                occurrence.status, occurrence.done_at, occurrence.call = "done", near[0].held_at, near[0]
            elif settled and roll < miss_rate:
                occurrence.status = "missed"
            elif settled and roll < miss_rate + LATE_RATE:
                occurrence.status = "missed"  # held, but outside the grace days: not on time
                new_calls.append((None, _call(plan, lead, due + datetime.timedelta(days=3), n)))
            else:
                held_on = due + datetime.timedelta(days=rng.choice([0, 0, 0, 1, -1]) if settled else 0)
                call = _call(plan, lead, min(held_on, end), n)
                occurrence.status, occurrence.done_at = "done", call.held_at
                new_calls.append((occurrence, call))
            occurrences.append(occurrence)
        for due in report_dates(plan, start, end):
            roll = rng.random()
            occurrence = Occurrence(client=client, kind=Occurrence.Kind.REPORT, due_date=due, assignee=lead)
            if roll < miss_rate / 2:
                occurrence.status = "missed"
            else:
                late = datetime.timedelta(days=2 if roll < miss_rate + LATE_RATE else 0)
                occurrence.status, occurrence.done_at = (
                    "done",
                    _aware(min(due + late, end), datetime.time(16)),
                )
            occurrences.append(occurrence)
    Call.objects.bulk_create([call for _, call in new_calls], batch_size=500)
    for occurrence, call in new_calls:
        if occurrence is not None:
            occurrence.call = call
    attendees = Call.staff_attendees.through
    attendees.objects.bulk_create(
        [attendees(call_id=call.pk, user_id=call.author_id) for _, call in new_calls], batch_size=500
    )
    Occurrence.objects.bulk_create(occurrences, ignore_conflicts=True, batch_size=500)
    return len(occurrences), len(new_calls)


def _call(plan, lead, day: datetime.date, n: int) -> Call:
    rapport, delivery = NOTES[(plan.client_id + n) % len(NOTES)]
    held_at = _aware(day, plan.call_time)
    return Call(
        client=plan.client,
        author=lead,
        held_at=held_at,
        held=True,
        kind="video",
        duration_minutes=30,
        rapport=rapport,
        delivery=delivery,
        strategy="Strategy still right." if n % 3 else "Revisit the channel mix at the quarterly review.",
        commercial="" if n % 4 else "They mentioned a budget for paid social next quarter.",
        report_required=True,
        report_sent_at=held_at + datetime.timedelta(hours=20 if n % 5 else 60),
    )


# this quarter's sponsor calls so far: mostly promoters and passives, a couple of detractors
SCORES = [9, 10, 8, 9, 7, 6, 10, 9, 8, 3, 9, 7, 10, 5, 9]
COMMENTS = {
    "promoter": "Really pleased with the results and the team's ideas.",
    "passive": "Good work; reporting could come sooner after month end.",
    "detractor": "Frustrated by the missed deadlines on the last campaign.",
}


def seed_quarter_checkins(*, today: datetime.date) -> int:
    """This quarter's check-ins done so far (about seven in ten by mid-quarter), the rest left due."""
    quarter = quarter_start(today)
    elapsed = (today - quarter).days
    sponsored = list(Client.objects.current().filter(exec_sponsor__isnull=False).order_by("pk"))
    share = min(0.7, 0.25 + elapsed / 90)
    done = sponsored[: max(5, round(len(sponsored) * share))]
    # a check-in beat already opened (due) is answered; one answered already is left alone
    existing = {c.client_id: c for c in NpsCheckIn.objects.filter(quarter=quarter, client__in=done)}
    rows = []
    for i, client in enumerate(done):
        checkin = existing.get(client.pk) or NpsCheckIn(
            client=client, quarter=quarter, sponsor_id=client.exec_sponsor_id
        )
        if checkin.status == NpsCheckIn.Status.DONE:
            continue
        score = SCORES[i % len(SCORES)]
        kind = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
        day = quarter + datetime.timedelta(days=(i * 5) % (elapsed + 1))
        checkin.status, checkin.score, checkin.comment = NpsCheckIn.Status.DONE, score, COMMENTS[kind]
        checkin.actions = "Send the recovery plan before the next call." if kind == "detractor" else ""
        checkin.completed_at = min(_aware(day, datetime.time(11 + i % 5)), timezone.now())
        checkin.save()
        rows.append(checkin)
    return len(rows)
