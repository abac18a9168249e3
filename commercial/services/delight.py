"""Surprise and delight: beat opens the month's vote on the 1st and closes it on the close day,
telling the CS team each time; each CS member votes once; ties go to the head of CS; then the gift."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from commercial.models import DelightGift, DelightRound, DelightSettings, DelightVote
from csops.dates import month_start
from csops.rows import RunReport
from csops.versioning import version_claim
from people.selectors import cs_team_users, heads_of_cs
from people.services import Notice, notify_each
from reporting.versions import versions_bump


def _notices(users, key, subject, body):
    url = reverse("commercial:delight")
    return (Notice(user=u, key=key, subject=subject, body=body, url=url) for u in users)


def delight_round_open(*, today) -> tuple[DelightRound, bool]:
    month = month_start(today)
    existing = DelightRound.objects.select_related("winner").filter(month=month).first()
    if existing is not None:  # a rerun: one read, no savepoint
        return existing, False
    settings = DelightSettings.load()
    try:
        with transaction.atomic():
            return DelightRound.objects.get_or_create(
                month=month,
                defaults={
                    "closes_on": month.replace(day=settings.close_day),
                    "budget": settings.monthly_budget,
                },
            )
    except IntegrityError:  # another worker made it at the same moment
        return DelightRound.objects.get(month=month), False


def _tally(round_):
    return list(
        DelightVote.objects.filter(round=round_)
        .values("client_id", "client__name")
        .annotate(votes=Count("pk"))
        .order_by("-votes", "client__name")
    )


def delight_round_close(*, round_) -> bool:
    """Close an open round once (a conditional update decides between two workers)."""
    tally = _tally(round_)
    top = [row for row in tally if tally and row["votes"] == tally[0]["votes"]]
    if len(top) == 1:
        fields = {"status": DelightRound.Status.DECIDED, "winner_id": top[0]["client_id"]}
    else:
        fields = {"status": DelightRound.Status.TIED}
    closed = DelightRound.objects.filter(pk=round_.pk, status=DelightRound.Status.OPEN).update(
        closed_at=timezone.now(), **fields
    )
    versions_bump(kinds=["growth"])  # an update sends no signal: the meet's item 4 shows the round
    round_.refresh_from_db()
    return bool(closed)


def delight_rounds_run(*, today) -> RunReport:
    """Daily: on or after the 1st the month's vote is open; on or after the close day it closes.

    Each step tells the CS team once (notices keyed by the month), so a rerun, a missed day or two
    workers at once tell nobody twice and make no second round.
    """
    round_, _ = delight_round_open(today=today)
    month = f"{round_.month:%Y-%m}"
    label = f"{round_.month:%B}"
    if today >= round_.closes_on and round_.status == DelightRound.Status.OPEN:
        delight_round_close(round_=round_)
    notices = []
    if round_.status == DelightRound.Status.OPEN:
        notices += _notices(
            cs_team_users(),
            f"delight-{month}-open",
            f"Surprise and delight: vote for {label}'s client",
            f"Vote by {round_.closes_on:%A %d %B} for the client who should get this month's "
            f"£{round_.budget:,.0f} gift, and say why.",
        )
    elif round_.status == DelightRound.Status.DECIDED:
        notices += _notices(
            cs_team_users(),
            f"delight-{month}-closed",
            f"Surprise and delight: {round_.winner.name} wins {label}'s vote",
            "The winning client's AM plans the gift: unexpected and personal to the contact.",
        )
    elif round_.status == DelightRound.Status.TIED:
        notices += _notices(
            cs_team_users(),
            f"delight-{month}-closed",
            f"Surprise and delight: {label}'s vote is a tie",
            "The head of CS picks the winner from the tied clients.",
        )
        notices += _notices(
            heads_of_cs(),
            f"delight-{month}-tie",
            f"Pick {label}'s surprise-and-delight winner",
            "The vote closed with a tie: choose between the tied clients.",
        )
    return notify_each(notices, task="surprise and delight")


def tied_clients(round_) -> list[dict]:
    tally = _tally(round_)
    return [row for row in tally if row["votes"] == tally[0]["votes"]] if tally else []


@transaction.atomic
def delight_vote_cast(*, round_, voter, client, reason: str) -> DelightVote:
    if round_.status != DelightRound.Status.OPEN:
        raise ValidationError("The vote has closed for this month.")
    try:
        with transaction.atomic():
            return DelightVote.objects.create(round=round_, voter=voter, client=client, reason=reason)
    except IntegrityError:
        raise ValidationError("You have already voted this month.") from None


@transaction.atomic
def delight_winner_pick(*, round_, client_id: int, by) -> DelightRound:
    tied = tied_clients(round_)
    if tied and client_id not in {row["client_id"] for row in tied}:
        raise ValidationError("Pick one of the tied clients.")
    picked = DelightRound.objects.filter(pk=round_.pk, status=DelightRound.Status.TIED).update(
        status=DelightRound.Status.DECIDED, winner_id=client_id, picked_by=by
    )
    versions_bump(kinds=["growth"])
    if not picked:
        raise ValidationError("The winner has been chosen already.")
    round_.refresh_from_db()
    return round_


@transaction.atomic
def delight_gift_save(*, gift: DelightGift, by, version: int | None = None) -> DelightGift:
    if gift.pk is not None:
        version_claim(gift, version)
    gift._history_user = by
    gift.full_clean()
    gift.save()
    return gift
