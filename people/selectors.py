"""Reads about the team that other apps build on."""

import functools

from django.contrib.auth import get_user_model

from clients.models import AccountTeamMembership, Action

from .models import Role, StaffProfile


def heads_of_cs():
    """The second step of every client's escalation path (AM → head of CS → exec sponsor)."""
    return (
        get_user_model().objects.filter(is_active=True, profile__roles__code=Role.HEAD_OF_CS).order_by("id")
    )


@functools.cache
def _cs_team_query():
    # built once per process and never evaluated itself: each caller gets a copy (`.all()`). Building
    # it (three joins, distinct, ordering) cost ~1 ms of a request in the form behind every client page
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__roles__code__in=Role.CS_TEAM)
        .distinct()
        .order_by("first_name", "last_name")
    )


def cs_team_users():
    """Users who can sit on an account team (the CS roles of §1): a new queryset on each call."""
    return _cs_team_query().all()


def exec_sponsor_users():
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__roles__code=Role.EXEC_SPONSOR)
        .distinct()
        .order_by("first_name", "last_name")
    )


def manager_loop(*, person_id: int, manager_id: int) -> bool:
    """Would making `manager_id` the line manager of `person_id` close a loop (A manages B manages A)?

    One query for every line-manager pair, then a walk up from the proposed manager.
    """
    from_pairs = dict(
        StaffProfile.objects.filter(line_manager__isnull=False).values_list("user_id", "line_manager_id")
    )
    seen, current = set(), manager_id
    while current is not None and current not in seen:
        if current == person_id:
            return True
        seen.add(current)
        current = from_pairs.get(current)
    return False


def handover_of(user) -> tuple[list, list]:
    """A leaver's open actions and the client leads they hold, for the deactivation screen."""
    actions = list(Action.objects.open().filter(owner=user).select_related("client").order_by("due_date"))
    leads = list(AccountTeamMembership.objects.filter(user=user, is_lead=True).select_related("client"))
    return actions, leads


def successors_for(user):
    """Who can take a leaver's actions and leads: the rest of the active CS team."""
    return cs_team_users().exclude(pk=user.pk)
