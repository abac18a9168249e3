"""Who may do what to which client: the one place that answers it (PRODUCT.md §1).

Views ask `get_client_for(user, pk, action)`; lists use `Client.objects.for_user(user)` (the scope
lives on the queryset, clients/models/core.py). An outsider gets 404 (the client's existence is not
disclosed); someone who may see a client but not do the action gets 403. What a role allows on its
own (no client involved) is people/roles.py.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from csops.statements import Compiled
from people.roles import is_admin, is_exec_sponsor, is_head_of_cs, sees_every_client

from .models import AccountTeamMembership, Client

VIEW = "view"
EDIT = "edit"  # the client's details: status, spend, tier, dates
EDIT_CONTACTS = "edit_contacts"
MANAGE_TEAM = "manage_team"  # assign AMs and the exec sponsor
ARCHIVE = "archive"
LOG_CALL = "log_call"  # calls, their reports and actions
RAISE_FLAG = "raise_flag"
WORK_FLAG = "work_flag"  # mark in hand, add actions
CLOSE_FLAG = "close_flag"
MANAGE_ESCALATION = "manage_escalation"
NPS_CHECKIN = "nps_checkin"  # the quarterly check-in: the client's exec sponsor, or the head of CS for them

# asked on every client page an AM opens: its SQL compiled once per process (one row at most)
_MEMBERSHIP = Compiled(
    lambda client_id, user_id: (
        AccountTeamMembership.objects.filter(client_id=client_id, user_id=user_id)
        .order_by()
        .values_list("is_lead")
    )
)


def _team_roles(user, client) -> tuple[bool, bool]:
    """(on the account team, is its lead) for this user and client.

    From the client's prefetched team when the page has it, else one query, remembered on the client
    object for the rest of the request (a page asks a dozen permissions of one client)."""
    prefetched = getattr(client, "_prefetched_objects_cache", {}).get("memberships")
    if prefetched is not None:
        lead = [m.is_lead for m in prefetched if m.user_id == user.pk]
        return bool(lead), any(lead)
    seen = client.__dict__.setdefault("_csops_team_roles", {})
    if user.pk not in seen:
        memberships = _MEMBERSHIP.rows(client.pk, user.pk)
        seen[user.pk] = (bool(memberships), any(is_lead for (is_lead,) in memberships))
    return seen[user.pk]


def may(user, action: str, client) -> bool:
    """May `user` do `action` to `client`? PRODUCT.md §1, decided here and nowhere else.

    - read: the CS team and admins read every client; an exec sponsor reads the clients they sponsor;
    - the account team writes calls, flags, actions and contacts for its clients; its lead edits details;
    - the client's exec sponsor raises flags (from the NPS check-in);
    - the head of CS does everything in CS, and alone closes flags; admins configure (details, team, rules).
    """
    if not user.is_authenticated:
        return False
    sponsor = is_exec_sponsor(user) and client.exec_sponsor_id == user.id
    if action == VIEW:
        return sees_every_client(user) or sponsor
    if not (sees_every_client(user) or sponsor):
        return False
    head, admin = is_head_of_cs(user), is_admin(user)
    if action == CLOSE_FLAG:
        return head
    if action == NPS_CHECKIN:
        return sponsor or head
    if head:
        return True
    if action in (MANAGE_TEAM, ARCHIVE, MANAGE_ESCALATION, EDIT):
        if admin:
            return True
        if action != EDIT:
            return False
    if action == RAISE_FLAG and sponsor:
        return True
    if action not in (EDIT, EDIT_CONTACTS, LOG_CALL, RAISE_FLAG, WORK_FLAG):
        raise ValueError(f"unknown action {action!r}")
    if action == EDIT_CONTACTS and admin:
        return True
    on_team, is_lead = _team_roles(user, client)
    if action == EDIT:
        return is_lead
    return on_team


def get_client_for(user, pk, action: str = VIEW, queryset=None):
    """The client with this pk if `user` may do `action` to it: 404 for an outsider, 403 otherwise."""
    queryset = queryset if queryset is not None else Client.objects.all()
    client = queryset.filter(pk=pk).first()
    if client is None or not may(user, VIEW, client):
        raise Http404("No such client.")
    if action != VIEW and not may(user, action, client):
        raise PermissionDenied("You are not on this client's account team.")
    return client
