"""The onboarding (or brief) form and the finance form: filled in the app, or by a client contact
through a signed, expiring, single-use link (as reporting's survey link works, with its own salt)."""

import datetime

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from clients.models import Contact
from commercial.models import Channel, ChannelRow
from csops.versioning import version_claim
from people.services import notify

from ..models import FinanceDetails, FormKind, FormLink, OnboardingChannel, OnboardingForm, StepTemplate
from .checklist import step_mark_done_by_kind

LINK_SALT = "csops.onboarding.form"
LINK_DAYS = 14


def form_link_token(link: FormLink) -> str:
    return signing.Signer(salt=LINK_SALT).sign_object({"link": link.pk}, compress=True)


def form_link_expires_at(link: FormLink):
    return link.created_at + datetime.timedelta(days=LINK_DAYS)


@transaction.atomic
def form_link_create(*, client, kind: str, by, contact=None) -> tuple[FormLink, str]:
    if client.archived_at:
        raise ValidationError("This client is archived.")
    link = FormLink.objects.create(client=client, kind=kind, contact=contact, created_by=by)
    return link, form_link_token(link)


class FormLinkError(Exception):
    """A link that cannot be filled: `reason` is invalid, expired or used."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def form_link_for_token(token: str) -> FormLink:
    try:
        link_id = int(signing.Signer(salt=LINK_SALT).unsign_object(token)["link"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise FormLinkError("invalid") from None
    link = FormLink.objects.select_related("client", "contact").filter(pk=link_id).first()
    if link is None or link.client.archived_at:
        raise FormLinkError("invalid")
    if link.used_at:
        raise FormLinkError("used")
    if timezone.now() >= form_link_expires_at(link):
        raise FormLinkError("expired")
    return link


def _claim(token: str) -> FormLink:
    link = form_link_for_token(token)
    if not FormLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now()):
        raise FormLinkError("used")
    return link


def _contacts_add(client, rows) -> int:
    known = set(client.contacts.annotate(e=Lower("email")).exclude(email="").values_list("e", flat=True))
    added = 0
    for row in rows:
        email = (row.get("email") or "").strip().lower()
        if email and email in known:
            continue
        contact = Contact(
            client=client,
            name=row["name"].strip(),
            title=row.get("title", ""),
            email=email,
            phone=row.get("phone", ""),
        )
        contact.full_clean()
        contact.save()
        known.add(email)
        added += 1
    return added


CHANNEL_FIELDS = ["budget_owner", "done_by", "done_by_name"]


def _channels_save(client, rows, by) -> None:
    """The form's channels as the client's OnboardingChannel rows, one per channel name (matched
    case-insensitively among the current ones): a channel saved before is updated in place, a new one
    added, so saving the form again never doubles a row (the model's unique constraint backs this).
    A name given twice in one form counts once, its last row winning."""
    wanted = {}
    for row in rows:
        name = row["channel"].strip()
        if name:
            wanted[name.lower()] = {
                "channel": name,
                "budget_owner": row.get("budget_owner", ""),
                "done_by": row.get("done_by") or OnboardingChannel.Doer.NOBODY,
                "done_by_name": row.get("done_by_name", ""),
            }
    if not wanted:
        return
    current = {
        c.channel.lower(): c
        for c in OnboardingChannel.objects.select_for_update().filter(client=client, archived_at__isnull=True)
    }
    new, changed = [], []
    for key, values in wanted.items():
        existing = current.get(key)
        if existing is None:
            new.append(OnboardingChannel(client=client, **values))
        elif any(getattr(existing, f) != values[f] for f in CHANNEL_FIELDS):
            for field in CHANNEL_FIELDS:
                setattr(existing, field, values[field])
            changed.append(existing)
    bulk_create_with_history(new, OnboardingChannel, default_user=by)
    if changed:
        bulk_update_with_history(changed, OnboardingChannel, CHANNEL_FIELDS, default_user=by)


# the channel map's rows the onboarding form wrote say so in their history: a row with any other
# change in its history is the AM's, and the form leaves it alone
FROM_ONBOARDING = "From the onboarding form"
WORKER = {
    OnboardingChannel.Doer.US: ChannelRow.Worker.US,
    OnboardingChannel.Doer.IN_HOUSE: ChannelRow.Worker.IN_HOUSE,
    OnboardingChannel.Doer.OTHER_AGENCY: ChannelRow.Worker.AGENCY,
    OnboardingChannel.Doer.NOBODY: ChannelRow.Worker.NOBODY,
}
ROW_FIELDS = ["worker", "agency_name", "budget_owner"]


def _channel_map_fill(client, rows, by) -> int:
    """The form's channels as rows of the client's cross-sell channel map (seed 000): matched to the
    admin's channel list by name, case-insensitively (a name not on the list stays on the onboarding
    form only); the budget owner matched to a contact by name. A client × channel without a row gets
    one; a row only the form has written is brought up to date; a row the AM edited is left. Set-based:
    a fixed number of queries, however many channels."""
    wanted = {row["channel"].strip().lower(): row for row in rows if row.get("channel", "").strip()}
    if not wanted:
        return 0
    channels = {
        c.lname: c for c in Channel.objects.annotate(lname=Lower("name")).filter(lname__in=list(wanted))
    }
    owners = {
        c.lname: c
        for c in Contact.objects.filter(client=client, archived_at__isnull=True)
        .annotate(lname=Lower("name"))
        .filter(lname__in=[r.get("budget_owner", "").strip().lower() for r in wanted.values()])
    }
    history = ChannelRow.history.model
    existing = {
        r.channel_id: r
        for r in ChannelRow.objects.filter(client=client, channel__in=list(channels.values())).annotate(
            edited=Exists(
                history.objects.filter(id=OuterRef("pk")).filter(
                    ~Q(history_change_reason=FROM_ONBOARDING) | Q(history_change_reason__isnull=True)
                )
            )
        )
    }
    new, updated = [], []
    for name, channel in channels.items():
        row = wanted[name]
        worker = WORKER.get(row.get("done_by") or OnboardingChannel.Doer.NOBODY, ChannelRow.Worker.NOBODY)
        values = {
            "worker": worker,
            "agency_name": (row.get("done_by_name", "").strip() or "Not named on the onboarding form")[:120]
            if worker == ChannelRow.Worker.AGENCY
            else "",
            "budget_owner": owners.get(row.get("budget_owner", "").strip().lower()),
        }
        current = existing.get(channel.pk)
        if current is None:
            new.append(ChannelRow(client=client, channel=channel, **values))
        elif not current.edited:
            for field, value in values.items():
                setattr(current, field, value)
            current.version += 1
            updated.append(current)
    bulk_create_with_history(new, ChannelRow, default_user=by, default_change_reason=FROM_ONBOARDING)
    if updated:
        bulk_update_with_history(
            updated,
            ChannelRow,
            [*ROW_FIELDS, "version"],
            default_user=by,
            default_change_reason=FROM_ONBOARDING,
        )
    return len(new) + len(updated)


def _told(link, client, what):
    notify(
        user=link.created_by,
        key=f"formlink-{link.pk}-filled",
        url=reverse("clients:detail", args=[client.pk]) + "#onboarding",
        subject=f"{client.name} sent back the {what}",
        body=f"Filled in by {link.contact.name if link.contact else 'the client'}.",
    )


@transaction.atomic
def intake_save(
    *, client, form, contacts=(), channels=(), by=None, token: str | None = None, filled_by: str = ""
):
    """Save the onboarding or brief form with its contacts (→ client contacts) and channels (→ rows).

    With `token` (the client's own link) the link is claimed first, atomically: a second send, or a
    used, expired or tampered link, writes nothing (FormLinkError). In the app, `by` saves it and an
    edit claims the form's version (StaleEdit)."""
    link = _claim(token) if token else None
    if link is None and form.instance.pk:
        version_claim(form.instance, form.cleaned_data.get("version"))
    record: OnboardingForm = form.save(commit=False)
    record.client = client
    if link is not None:
        record.kind = link.kind
    record.submitted_at = timezone.now()
    record.submitted_by = by
    record.submitted_by_contact = filled_by or (link.contact.name if link and link.contact else "")
    record.save()
    _contacts_add(client, contacts)
    _channels_save(client, channels, by or (link.created_by if link else None))
    _channel_map_fill(client, channels, by or (link.created_by if link else None))
    step_mark_done_by_kind(
        client=client, kind=StepTemplate.Kind.FORM_BACK, by=by or link.created_by, note="Returned."
    )
    if link is not None:
        _told(link, client, record.get_kind_display().lower())
    return record


@transaction.atomic
def finance_save(*, client, form, by=None, token: str | None = None) -> FinanceDetails:
    link = _claim(token) if token else None
    if link is not None and link.kind != FormKind.FINANCE:
        raise FormLinkError("invalid")
    if link is None and form.instance.pk:
        version_claim(form.instance, form.cleaned_data.get("version"))
    record = form.save(commit=False)
    record.client = client
    record.submitted_at = timezone.now()
    record.submitted_by_contact = link.contact.name if link and link.contact else ""
    record.save()
    step_mark_done_by_kind(
        client=client, kind=StepTemplate.Kind.FINANCE_BACK, by=by or link.created_by, note="Returned."
    )
    if link is not None:
        _told(link, client, "finance form")
    return record
