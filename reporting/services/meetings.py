"""Meetings: opening and minuting the weekly CS meet and other team meetings, the actions agreed in
them, and the Monday notice that the meet's agenda pack is ready."""

import datetime

from django.db import transaction
from django.urls import reverse

from clients.models import Action, Flag
from clients.services.activity import action_add
from commercial.selectors import contracts_up_for_renewal
from csops.dates import week_start
from csops.rows import RunReport
from csops.text import counted
from people.selectors import cs_team_users, heads_of_cs
from people.services import Notice, not_yet_notified, notify, notify_each

from ..models import Meeting


@transaction.atomic
def meeting_open(*, kind: str, held_on: datetime.date, by):
    """Open (or reopen) the meeting of this kind on this day; the CS team are its default attendees."""
    meeting, created = Meeting.objects.get_or_create(kind=kind, held_on=held_on, defaults={"chair": by})
    if created:
        meeting.attendees.set(cs_team_users())
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting, by, attendees, notes: str = "", significant_issues: str = "", lessons: str = ""
):
    meeting.notes, meeting.significant_issues, meeting.lessons = notes, significant_issues, lessons
    meeting.full_clean()
    meeting.save()
    meeting.attendees.set(attendees)
    return meeting


def meeting_action_add(*, meeting, by, description: str, owner, due_date, client, flag=None):
    """An action agreed in a meeting: it joins the client's actions and next week's item 1."""
    action = action_add(
        client=client,
        by=by,
        description=description,
        owner=owner,
        due_date=due_date,
        flag=flag,
        meeting=meeting,
    )
    if owner != by:
        notify(
            user=owner,
            key=f"action-{action.pk}-assigned",
            url=reverse("clients:detail", args=[client.pk]),
            subject=f"Action from the {meeting.get_kind_display().lower()}: {description[:80]}",
            body=f"{client.name}. Due {due_date:%a %d %b}.",
        )
    return action


def meet_pack_notify(*, today) -> RunReport:
    """Monday morning: the head of CS hears the week's agenda is ready, with what is on it.

    Keyed by the week, so a run later in the week (beat was down on Monday) still tells them once.
    """
    monday = week_start(today)
    key = f"meet-pack-{monday}"
    heads = not_yet_notified(heads_of_cs(), key)
    if not heads:  # told already this week: a rerun costs this one query
        return notify_each((), task="weekly meet pack notices")
    outstanding = Action.objects.open().filter(meeting__isnull=False).count()
    flags = Flag.objects.filter(status__in=Flag.OPEN_STATUSES).count()
    due = contracts_up_for_renewal(today).count()
    return notify_each(
        (
            Notice(
                user=head,
                key=key,
                url=reverse("reporting:meetings"),
                subject=f"Weekly CS meet, w/c {monday:%d %b}: the agenda pack is ready",
                body=(
                    f"{counted(outstanding, 'action')} outstanding from earlier meets, "
                    f"{counted(flags, 'open flag')}, {counted(due, 'contract')} up for renewal in the next "
                    "90 days. Open the meet to run it and download the PDF pack."
                ),
            )
            for head in heads
        ),
        task="weekly meet pack notices",
    )
