"""Which roles a person holds, and what those roles alone allow (PRODUCT.md §1).

Questions about one client (may this person log a call on it?) are answered by clients/permissions.py,
which builds on these predicates.
"""

from csops.statements import Compiled

from .models import Role

# asked on every request (the view's permissions, the navigation): its SQL compiled once per process
_ROLES = Compiled(lambda user_id: Role.objects.filter(profiles__user_id=user_id).values_list("code"))


def roles_of(user) -> frozenset[str]:
    """The user's role codes, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_csops_roles", None)
    if cached is None:
        cached = frozenset(code for (code,) in _ROLES.rows(user.pk))
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


def is_new_business(user) -> bool:
    return Role.NEW_BUSINESS in roles_of(user)


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


def reads_clients(user) -> bool:
    """Reads some clients (§1): the CS team and admins all, an exec sponsor theirs. The API and the
    exports are for these people; which clients is Client.objects.for_user's answer."""
    return sees_every_client(user) or is_exec_sponsor(user)


def can_manage_people(user) -> bool:
    """Inviting, editing and deactivating people, tiers and role definitions: the head of CS and
    admins (issue 18); the Django admin stays for superusers."""
    return is_head_of_cs(user) or is_admin(user)


def can_view_utilisation(user) -> bool:
    """Utilisation and cost to serve across the team: what the head of CS hires and resources by."""
    return is_head_of_cs(user) or is_admin(user)


def can_run_pitches(user) -> bool:
    """New business and the head of CS run pitches (seed 000, "Pitch involvement"; issue 14)."""
    return is_new_business(user) or is_head_of_cs(user)


def can_run_onboarding_list(user) -> bool:
    """The head of CS's list of clients in onboarding, with their overdue steps."""
    return is_head_of_cs(user)
