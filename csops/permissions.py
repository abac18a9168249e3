"""Who may do what to which client: the one place that answers it (PRODUCT.md §1).

Views ask `get_client_for(user, pk, action)`; lists use `scope_clients(queryset, user)`.
An outsider gets 404 (the client's existence is not disclosed); someone who may see a client but
not do the action gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from people.models import Role

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


def roles_of(user) -> frozenset[str]:
    """The user's role codes, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_csops_roles", None)
    if cached is None:
        cached = frozenset(Role.objects.filter(profiles__user=user).values_list("code", flat=True))
        if user.is_superuser:
            cached |= {Role.ADMIN}
        user._csops_roles = cached
    return cached


def is_admin(user) -> bool:
    return Role.ADMIN in roles_of(user)


def is_head_of_cs(user) -> bool:
    return Role.HEAD_OF_CS in roles_of(user)


def is_cs_team(user) -> bool:
    return bool(roles_of(user) & Role.CS_TEAM)


def is_exec_sponsor(user) -> bool:
    return Role.EXEC_SPONSOR in roles_of(user)


def sees_every_client(user) -> bool:
    """The CS team reads every client (§1); admins configure them."""
    return is_cs_team(user) or is_admin(user)


def can_view_matrices(user) -> bool:
    return is_admin(user) or is_head_of_cs(user)


def can_edit_matrices(user) -> bool:
    """The reporting, entertainment and CS pricing matrices are configured by admins (§1)."""
    return is_admin(user)


def can_view_meetings(user) -> bool:
    """The CS team attends the weekly meet and reads its record."""
    return is_cs_team(user)


def can_run_meetings(user) -> bool:
    """The head of CS leads the meet: opens it, keeps the minutes, records the actions agreed (§4)."""
    return is_head_of_cs(user)


def can_view_portfolio(user) -> bool:
    return is_head_of_cs(user) or is_admin(user)


def can_view_satisfaction(user) -> bool:
    """NPS analytics and the monthly satisfaction report: the CS team and admins (seed 001 f)."""
    return sees_every_client(user)


def can_create_client(user) -> bool:
    return is_head_of_cs(user) or is_admin(user)


def scope_clients(queryset, user):
    if sees_every_client(user):
        return queryset
    if is_exec_sponsor(user):
        return queryset.filter(exec_sponsor=user)
    return queryset.none()


def _team_roles(user, client) -> tuple[bool, bool]:
    """(on the account team, is its lead) for this user and client."""
    membership = client.memberships.filter(user=user).values_list("is_lead", flat=True).first()
    return membership is not None, bool(membership)


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
    from clients.models import Client

    queryset = queryset if queryset is not None else Client.objects.all()
    client = queryset.filter(pk=pk).first()
    if client is None or not may(user, VIEW, client):
        raise Http404("No such client.")
    if action != VIEW and not may(user, action, client):
        raise PermissionDenied("You are not on this client's account team.")
    return client
