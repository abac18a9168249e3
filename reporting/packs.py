"""Meeting PDF packs, rendered by a worker per meeting and data version (never in a web request)."""

import datetime
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from csops.text import clip
from people.outbox import task_enqueue

from . import meet
from .models import Meeting, MeetingPack
from .pdf import render_pdf

log = logging.getLogger(__name__)

RENDER_TASK = "reporting.tasks.meeting_pack_render"
KEEP = 2  # packs kept per meeting: the current one and the one before, offered while a new one renders


def pack_context(meeting) -> dict:
    """What the pack shows: a closed meeting's stored agenda, an open one's agenda read now."""
    today = timezone.localdate()
    frozen = bool(meeting.closed_at and meeting.pack_snapshot)
    return {
        "meeting": meeting,
        "agenda": None if frozen else meet.agenda(meeting, today, everything=True),
        "attendees": list(meeting.attendees.order_by("first_name", "last_name")),
        "today": today,
        "stale_before": today - datetime.timedelta(days=6),
        "generated_at": timezone.localtime(),
    }


def pack_html(meeting) -> str:
    return render_to_string("reporting/pdf/meeting.html", pack_context(meeting))


@transaction.atomic
def meeting_close(*, meeting, by) -> bool:
    """The head of CS closes the meet: its agenda, as it stands now, is stored for the page and the
    pack, and is not read live again. Closing twice keeps the first snapshot (a conditional update)."""
    today = timezone.localdate()
    agenda = meet.agenda(meeting, today, everything=True)
    context = {
        "meeting": meeting,
        "agenda": agenda,
        "today": today,
        "can_run": False,
        "sections": meet.sections_of(meeting),
    }
    page = render_to_string("reporting/partials/meet_agenda.html", context)
    pack = render_to_string("reporting/pdf/meeting_agenda.html", context)
    return bool(
        Meeting.objects.filter(pk=meeting.pk, closed_at__isnull=True).update(
            closed_at=timezone.now(), closed_by=by, agenda_snapshot=page, pack_snapshot=pack
        )
    )


def pack_filename(meeting) -> str:
    return f"{slugify(f'{meeting.get_kind_display()} {meeting.held_on}')}.pdf"


def meeting_pack_request(*, meeting, version: int) -> MeetingPack:
    """The pack of `meeting` at `version`, asking a worker to render it if nobody has yet."""
    try:
        with transaction.atomic():
            pack, created = MeetingPack.objects.get_or_create(meeting=meeting, data_version=version)
            if created:
                task_enqueue(RENDER_TASK, kwargs={"pack_id": pack.pk}, dedupe_key=f"meeting-pack:{pack.pk}")
    except IntegrityError:  # two people asked at the same moment: the other request made the row
        pack = MeetingPack.objects.get(meeting=meeting, data_version=version)
    return pack


def meeting_pack_latest_ready(meeting):
    return meeting.packs.filter(rendered_at__isnull=False).exclude(file="").first()


def meeting_pack_render(*, pack_id: int) -> MeetingPack | None:
    """Render the pack once (a rerun of a rendered pack does nothing) and drop packs older than KEEP."""
    pack = MeetingPack.objects.select_related("meeting").filter(pk=pack_id).first()
    if pack is None or pack.rendered_at:
        return pack
    try:
        pdf = render_pdf("reporting/pdf/meeting.html", pack_context(pack.meeting))
    except Exception as exc:
        MeetingPack.objects.filter(pk=pack.pk).update(error=clip(f"{type(exc).__name__}: {exc}", 2000))
        raise
    pack.file.save(f"meeting-{pack.meeting_id}-v{pack.data_version}.pdf", ContentFile(pdf), save=False)
    pack.rendered_at = timezone.now()
    pack.error = ""
    pack.save(update_fields=["file", "rendered_at", "error"])
    older = pack.meeting.packs.filter(data_version__lt=pack.data_version).order_by("-data_version")
    for old in older[KEEP - 1 :]:
        if old.file:
            old.file.delete(save=False)
        old.delete()
    log.info("rendered %s (%d KB)", pack, len(pdf) // 1024)
    return pack
