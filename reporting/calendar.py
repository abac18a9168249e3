"""A person's iCal feed (RFC 5545): client calls as recurring diary entries with their call details,
as seed 000 asks, plus NPS check-ins due, PDP reviews and account plan reviews due."""

import datetime
import secrets

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from commercial.models import PlanReview
from csops.dates import quarter_end
from people.models import CalendarFeed, Pdp

from .models import Cadence, CommsPlan, NpsCheckIn
from .schedule import first_call_date

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def feed_for(user, *, rotate=False) -> CalendarFeed:
    feed, created = CalendarFeed.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    if rotate and not created:
        feed.token = secrets.token_urlsafe(32)  # the old URL stops working at once
        feed.save(update_fields=["token", "created_at"])
    return feed


def _recurrence(plan):
    if plan.call_cadence == Cadence.WEEKLY:
        return vRecur(FREQ="WEEKLY", BYDAY=WEEKDAYS[plan.call_weekday])
    if plan.call_cadence == Cadence.FORTNIGHTLY:
        return vRecur(FREQ="WEEKLY", INTERVAL=2, BYDAY=WEEKDAYS[plan.call_weekday])
    if plan.call_cadence == Cadence.MONTHLY:
        return vRecur(FREQ="MONTHLY", BYDAY=f"1{WEEKDAYS[plan.call_weekday]}")
    return None


def build_calendar(user) -> bytes:
    tz = timezone.get_current_timezone()
    cal = Calendar()
    cal.add("prodid", "-//CS Ops//csops//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"CS Ops: {user.get_full_name() or user.username}")
    cal.add("x-wr-timezone", str(tz))
    stamp = timezone.now()
    site = settings.SITE_URL

    plans = (
        CommsPlan.objects.filter(
            client__archived_at__isnull=True,
            client__memberships__user=user,
            client__status__in=["active", "onboarding"],
        )
        .select_related("client")
        .distinct()
    )
    for plan in plans:
        rule = _recurrence(plan)
        # the first call of the same calendar as the occurrences, so DTSTART is an instance of the rule
        first = first_call_date(plan)
        if first is None or (rule is None and plan.call_cadence != Cadence.INITIAL_ONLY):
            continue
        start = timezone.make_aware(datetime.datetime.combine(first, plan.call_time), tz)
        event = Event()
        event.add("uid", f"plan-{plan.pk}-calls@csops")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("duration", datetime.timedelta(minutes=30))
        if rule is not None:
            event.add("rrule", rule)
            event.add("summary", f"{plan.get_call_cadence_display()} call: {plan.client.name}")
        else:  # "initial call only": one diary entry
            event.add("summary", f"Initial call: {plan.client.name}")
        details = plan.call_details or "Call details: add them to the comms plan."
        event.add(
            "description",
            f"{details}\n\nRapport · Delivery · Strategy · Commercial discovery\n"
            f"{site}{reverse('clients:detail', args=[plan.client_id])}",
        )
        if plan.call_details:
            event.add("location", plan.call_details)
        cal.add_component(event)

    checkins = NpsCheckIn.objects.filter(sponsor=user, status=NpsCheckIn.Status.DUE).select_related("client")
    for checkin in checkins:
        event = Event()
        event.add("uid", f"nps-{checkin.pk}@csops")
        event.add("dtstamp", stamp)
        event.add("dtstart", quarter_end(checkin.quarter) - datetime.timedelta(days=13))
        event.add("dtend", quarter_end(checkin.quarter) + datetime.timedelta(days=1))
        event.add("summary", f"NPS check-in call: {checkin.client.name} ({checkin.quarter_label})")
        cal.add_component(event)

    pdps = Pdp.objects.filter(
        Q(staff=user) | Q(staff__profile__line_manager=user), year__gte=timezone.localdate().year - 1
    ).select_related("staff")
    for pdp in pdps:
        if pdp.next_review_date >= datetime.date.max:
            continue  # stored before forms bounded dates: its end (a day on) overflows; keep the feed up
        event = Event()
        event.add("uid", f"pdp-{pdp.pk}-{pdp.next_review_date}@csops")
        event.add("dtstamp", stamp)
        event.add("dtstart", pdp.next_review_date)
        event.add("dtend", pdp.next_review_date + datetime.timedelta(days=1))
        event.add("summary", f"PDP review: {pdp.staff.get_full_name() or pdp.staff.username}")
        cal.add_component(event)
    reviews = PlanReview.objects.filter(
        status=PlanReview.Status.DUE,
        plan__client__archived_at__isnull=True,
        plan__client__memberships__user=user,
        plan__client__memberships__is_lead=True,
    ).values("pk", "trigger", "due_date", "plan__year", "plan__client_id", "plan__client__name")
    for review in reviews:  # account plan reviews due on the clients this person leads (seed 002)
        event = Event()
        event.add("uid", f"plan-review-{review['pk']}@csops")
        event.add("dtstamp", stamp)
        event.add("dtstart", review["due_date"])
        event.add("dtend", review["due_date"] + datetime.timedelta(days=1))
        event.add("summary", f"Account plan review: {review['plan__client__name']} {review['plan__year']}")
        url = reverse("commercial:review_detail", args=[review["plan__client_id"], review["pk"]])
        event.add("description", f"Walk each metric and stakeholder; produce actions.\n{site}{url}")
        cal.add_component(event)
    # a VTIMEZONE for every TZID used (RFC 5545 §3.6.5): clients that cannot resolve "Europe/London"
    # themselves would otherwise read the times as floating or UTC
    cal.add_missing_timezones()
    return cal.to_ical()
