"""Feedback: the exec sponsors' quarterly NPS check-ins and the clients' one-question surveys."""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Flag
from clients.services.activity import flag_raise
from csops.dates import quarter_end, quarter_label, quarter_start
from csops.rows import RunReport, run_in_batches
from csops.text import counted
from people.outbox import email_enqueue
from people.selectors import heads_of_cs
from people.services import Notice, notify, notify_each

from ..models import FeedbackCadence, NpsCheckIn, SurveyInvite, SurveyResponse
from ..versions import versions_bump

log = logging.getLogger(__name__)


def nps_checkins_run(*, today) -> RunReport:
    """Open this quarter's check-ins for sponsored clients, remind at +3 weeks, escalate at quarter end."""
    start = quarter_start(today)
    label = quarter_label(start)
    half_year = start.month in (1, 7)
    clients = (
        Client.objects.current()
        .filter(exec_sponsor__isnull=False)
        .exclude(comms_plan__feedback_cadence=FeedbackCadence.NONE)
    )
    if not half_year:
        clients = clients.exclude(comms_plan__feedback_cadence=FeedbackCadence.HALF_YEARLY)
    # only clients still without this quarter's check-in: a rerun reads none and opens no batch
    clients = clients.exclude(Exists(NpsCheckIn.objects.filter(client=OuterRef("pk"), quarter=start)))

    def open_checkins(batch) -> int:
        this_quarter = NpsCheckIn.objects.filter(quarter=start, client_id__in=[pk for pk, _ in batch])
        before = this_quarter.count()
        NpsCheckIn.objects.bulk_create(
            [NpsCheckIn(client_id=pk, quarter=start, sponsor_id=sponsor) for pk, sponsor in batch],
            ignore_conflicts=True,
        )
        versions_bump(client_ids=[pk for pk, _ in batch], user_ids={s for _, s in batch}, kinds=["nps"])
        return this_quarter.count() - before

    report = run_in_batches(
        clients.values_list("pk", "exec_sponsor_id").iterator(),
        open_checkins,
        report=RunReport("NPS check-ins opened"),
        describe=lambda row: f"check-in of client {row[0]}",
    )

    due = list(
        NpsCheckIn.objects.filter(quarter=start, status=NpsCheckIn.Status.DUE).select_related(
            "client", "sponsor"
        )
    )
    by_sponsor = defaultdict(list)
    for checkin in due:
        by_sponsor[checkin.sponsor].append(checkin)

    notices = []
    for sponsor, checkins in by_sponsor.items():
        names = ", ".join(c.client.name for c in checkins)
        notices.append(
            Notice(
                user=sponsor,
                key=f"nps-{start}-due",
                url=reverse("reporting:sponsor_home"),
                subject=f"{label}: your quarterly NPS calls are due ({len(checkins)})",
                body=f"Call each client, ask how likely they are to recommend us (0–10) and why: {names}.",
            )
        )
        if today >= start + datetime.timedelta(weeks=3):
            notices.append(
                Notice(
                    user=sponsor,
                    key=f"nps-{start}-reminder",
                    url=reverse("reporting:sponsor_home"),
                    subject=f"Reminder: {counted(len(checkins), 'NPS call')} still to make this quarter",
                    body=f"Still to call: {names}.",
                )
            )
    if today >= quarter_end(start) and due:
        names = "; ".join(
            f"{c.client.name} ({c.sponsor.get_full_name() if c.sponsor else 'no sponsor'})" for c in due
        )
        notices += [
            Notice(
                user=head,
                key=f"nps-{start}-escalated",
                url=reverse("reporting:nps"),
                subject=f"{label} ends with {counted(len(due), 'NPS check-in')} not done",
                body=names,
            )
            for head in heads_of_cs()
        ]
    report.failed += notify_each(notices, task="NPS notices").failed
    log.info("%s", report)
    return report


@transaction.atomic
def nps_checkin_record(
    *,
    client,
    quarter: datetime.date,
    by,
    score: int,
    comment: str = "",
    actions: str = "",
    raise_flag: bool = False,
    flag_severity: str = "",
) -> NpsCheckIn:
    """The exec sponsor's quarterly check-in: one per client per quarter; a second entry edits the first.

    "Raise a flag" hands the issue to the CS team: a flag owned by the client's lead AM (the head of
    CS when there is none), linked to this check-in, raised once however often the form is sent.
    """
    NpsCheckIn.objects.get_or_create(
        client=client, quarter=quarter, defaults={"sponsor_id": client.exec_sponsor_id}
    )
    # lock the row: two submissions at once edit it one after the other
    checkin = NpsCheckIn.objects.select_for_update().get(client=client, quarter=quarter)
    checkin.score, checkin.comment, checkin.actions = score, comment.strip(), actions.strip()
    checkin.status = NpsCheckIn.Status.DONE
    checkin.sponsor_id = checkin.sponsor_id or client.exec_sponsor_id
    checkin.completed_at = checkin.completed_at or timezone.now()
    if raise_flag and checkin.flag_id is None:
        lead = client.memberships.filter(is_lead=True).select_related("user").first()
        owner = lead.user if lead else (heads_of_cs().first() or by)
        checkin.flag = flag_raise(
            client=client,
            by=by,
            title=f"NPS {quarter_label(quarter)}: scored {score}/10",
            description="\n\n".join(p for p in (checkin.comment, checkin.actions) if p),
            source=Flag.Source.EXEC_SPONSOR,
            severity=flag_severity or Flag.Severity.SERIOUS,
            owner=owner,
        )
        flag = checkin.flag
        for person in {owner, *heads_of_cs()} - {by}:
            notify(
                user=person,
                key=f"flag-{flag.pk}-raised",
                url=reverse("clients:flag_detail", args=[client.pk, flag.pk]),
                subject=f"Flag from the NPS check-in: {client.name} scored {score}/10",
                body=flag.description,
            )
    checkin.full_clean()
    checkin.save()
    return checkin


# --- client surveys ----------------------------------------------------------------------------------

SURVEY_SALT = "csops.reporting.survey"


def survey_link_days() -> int:
    return settings.CSOPS_SURVEY_LINK_DAYS


def survey_token(invite) -> str:
    """The link's token: the invite id, signed. Expiry is counted from the invite's creation."""
    return signing.Signer(salt=SURVEY_SALT).sign_object({"invite": invite.pk}, compress=True)


def survey_expires_at(invite):
    return invite.created_at + datetime.timedelta(days=survey_link_days())


@transaction.atomic
def survey_invite_create(*, contact, by) -> tuple[SurveyInvite, str]:
    """A single-use invite for one contact and the signed token of its link."""
    if contact.archived_at or contact.client.archived_at:
        raise ValidationError("This contact is archived: a survey goes to a current contact.")
    invite = SurveyInvite.objects.create(contact=contact, created_by=by)
    token = survey_token(invite)
    if contact.email:
        url = settings.SITE_URL.rstrip("/") + reverse("survey", args=[token])
        body = render_to_string(
            "reporting/email/survey_invite.txt",
            {
                "contact": contact,
                "url": url,
                "days": survey_link_days(),
                "by": by,
                "site_name": settings.SITE_NAME,
            },
        )
        subject = f"How are we doing? A one-question survey from {settings.SITE_NAME}"
        email_enqueue(subject=subject, body=body, to=[contact.email])
    return invite, token


class SurveyLinkError(Exception):
    """A survey link that cannot be answered: `reason` is invalid, expired or used."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def survey_invite_for_token(token: str):
    """The invite a link stands for, or SurveyLinkError saying why it cannot be answered."""
    try:
        data = signing.Signer(salt=SURVEY_SALT).unsign_object(token)
        invite_id = int(data["invite"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise SurveyLinkError("invalid") from None
    invite = SurveyInvite.objects.select_related("contact__client").filter(pk=invite_id).first()
    if invite is None or invite.contact.archived_at or invite.contact.client.archived_at:
        raise SurveyLinkError("invalid")
    if invite.used_at:
        raise SurveyLinkError("used")
    if timezone.now() >= survey_expires_at(invite):
        raise SurveyLinkError("expired")
    return invite


@transaction.atomic
def survey_response_record(*, token: str, score: int, comment: str = ""):
    """The contact's answer; the link is claimed atomically, so it counts once even if sent twice."""
    invite = survey_invite_for_token(token)
    now = timezone.now()
    if not SurveyInvite.objects.filter(pk=invite.pk, used_at__isnull=True).update(used_at=now):
        raise SurveyLinkError("used")
    response = SurveyResponse(
        invite=invite,
        client=invite.contact.client,
        score=score,
        comment=comment.strip(),
        quarter=quarter_start(timezone.localdate(now)),
    )
    response.full_clean()
    response.save()
    notify(
        user=invite.created_by,
        key=f"survey-{response.pk}-answered",
        url=reverse("clients:detail", args=[response.client_id]),
        subject=f"Survey answered: {invite.contact.name} ({response.client.name}) scored {score}/10",
        body=response.comment,
    )
    return response
