"""The client page's timeline: calls, flags, actions and recorded changes, newest first, paginated.

Each source is read newest first, only as deep as the page needs (page × size + 1 rows), then the
sources are merged: the query count is fixed whatever the length of the client's history.
"""

from dataclasses import dataclass
from datetime import datetime

from clients.history import client_history
from clients.models import Action, Call, Flag
from onboarding.models import OnboardingEmail

from .models import NpsCheckIn, SurveyResponse

PAGE_SIZE = 20


@dataclass
class Entry:
    when: datetime
    kind: str  # call, flag, flag_resolved, action, action_done, change, contract, nps, survey,
    # onboarding_email
    obj: object


@dataclass
class TimelinePage:
    entries: list[Entry]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def client_timeline(client, page: int = 1, size: int = PAGE_SIZE) -> TimelinePage:
    depth = page * size + 1
    entries: list[Entry] = []
    calls = Call.objects.filter(client=client).select_related("author").order_by("-held_at")[:depth]
    entries += [Entry(c.held_at, "call", c) for c in calls]
    flags = Flag.objects.filter(client=client).select_related("owner", "raised_by", "resolved_by")
    for f in flags.order_by("-raised_at")[:depth]:
        entries.append(Entry(f.raised_at, "flag", f))
        if f.resolved_at:
            entries.append(Entry(f.resolved_at, "flag_resolved", f))
    actions = Action.objects.filter(client=client).select_related("owner", "done_by", "flag", "call")
    for a in actions.order_by("-created_at")[:depth]:
        entries.append(Entry(a.created_at, "action", a))
        if a.done_at:
            entries.append(Entry(a.done_at, "action_done", a))
    entries += [Entry(ch.when, "change", ch) for ch in client_history(client, limit=depth)]
    contracts = client.contracts.order_by("-created_at")[:depth]
    entries += [Entry(c.created_at, "contract", c) for c in contracts]
    checkins = (
        NpsCheckIn.objects.filter(client=client, status=NpsCheckIn.Status.DONE, completed_at__isnull=False)
        .select_related("sponsor")
        .order_by("-completed_at")[:depth]
    )
    entries += [Entry(c.completed_at, "nps", c) for c in checkins]
    surveys = SurveyResponse.objects.filter(client=client).select_related("invite__contact")[:depth]
    entries += [Entry(s.created_at, "survey", s) for s in surveys]
    emails = OnboardingEmail.objects.filter(client=client).select_related("sent_by").order_by("-sent_at")
    entries += [Entry(e.sent_at, "onboarding_email", e) for e in emails[:depth]]
    entries.sort(key=lambda e: e.when, reverse=True)
    start = (page - 1) * size
    return TimelinePage(entries[start : start + size], page, len(entries) > start + size)
