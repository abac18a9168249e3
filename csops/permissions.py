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
    if not user.is_authenticated:
        return False
    can_view = sees_every_client(user) or (is_exec_sponsor(user) and client.exec_sponsor_id == user.id)
    if action == VIEW:
        return can_view
    if not can_view:
        return False
    if is_head_of_cs(user) or is_admin(user):
        return True
    if action in (MANAGE_TEAM, ARCHIVE):
        return False
    on_team, is_lead = _team_roles(user, client)
    if action == EDIT:
        return is_lead
    if action == EDIT_CONTACTS:
        return on_team
    raise ValueError(f"unknown action {action!r}")


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
