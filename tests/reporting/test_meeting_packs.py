"""The meet's PDF pack renders in a worker, once per meeting and data version, never in a request."""

from django.urls import reverse

from people.models import OutboxMessage
from reporting.cache import versions_bump
from reporting.models import MeetingPack

from ..factories import MeetingFactory


def test_asking_for_the_pack_never_renders_it_in_the_request(world, login):
    meeting = MeetingFactory(chair=world.head)
    c = login(world.team_am)
    for _ in range(4):  # four people (or clicks) at once
        page = c.get(reverse("reporting:meeting_pdf", args=[meeting.pk]))
        assert page.status_code == 200 and "Preparing the PDF" in page.content.decode()
    pack = MeetingPack.objects.get()
    assert pack.rendered_at is None and not pack.file  # the request only asked
    task = OutboxMessage.objects.get()  # one render for all four
    assert task.payload == {"task": "reporting.tasks.meeting_pack_render", "kwargs": {"pack_id": pack.pk}}


def test_the_page_polls_then_offers_the_pdf_and_a_write_asks_for_a_new_one(
    world, login, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(chair=world.head)
    url = reverse("reporting:meeting_pdf", args=[meeting.pk])
    c = login(world.head)
    with django_capture_on_commit_callbacks(execute=True):
        first = c.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in first and "check again" in first  # htmx polls; a link without JS
    ready = c.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Open the PDF pack" in ready and "every 2s" not in ready
    assert c.get(url)["Content-Type"] == "application/pdf"

    versions_bump(
        kinds=["flags"]
    )  # something changed: the pack of the new version is asked for, the old one offered meanwhile
    waiting = c.get(url).content.decode()
    old = MeetingPack.objects.filter(rendered_at__isnull=False).get()
    assert "Preparing the PDF" in waiting
    assert reverse("reporting:meeting_pack_file", args=[meeting.pk, old.pk]) in waiting
    older = c.get(reverse("reporting:meeting_pack_file", args=[meeting.pk, old.pk]))
    assert older["Content-Type"] == "application/pdf"


def test_a_pack_whose_file_is_gone_is_a_404_not_a_500(world, login, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(chair=world.head)
    url = reverse("reporting:meeting_pdf", args=[meeting.pk])
    c = login(world.head)
    with django_capture_on_commit_callbacks(execute=True):
        c.get(url)
    pack = MeetingPack.objects.get()
    pack.file.storage.delete(pack.file.name)
    assert c.get(url).status_code == 404
    assert c.get(reverse("reporting:meeting_pack_file", args=[meeting.pk, pack.pk])).status_code == 404


def test_rendering_again_does_nothing_and_old_packs_are_dropped(world):
    from reporting.packs import meeting_pack_render, meeting_pack_request

    meeting = MeetingFactory(chair=world.head)
    packs = [meeting_pack_request(meeting=meeting, version=v) for v in (1, 2, 3)]
    for pack in packs:
        meeting_pack_render(pack_id=pack.pk)
    rendered = MeetingPack.objects.get(pk=packs[-1].pk).rendered_at
    meeting_pack_render(pack_id=packs[-1].pk)
    assert MeetingPack.objects.get(pk=packs[-1].pk).rendered_at == rendered
    assert list(MeetingPack.objects.values_list("data_version", flat=True)) == [3, 2]
