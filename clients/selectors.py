"""Reads about one client that its pages show: the stakeholder map, escalation rules, open flags."""

from django.db.models import Q

from people.selectors import cs_team_users
from reporting.cache import cached, scopes_of

from .models import Contact, EscalationRule, Flag


def stakeholder_grid(contacts):
    """Contacts by stance, allies first: the stakeholder map (seed 002) read at a glance."""
    return [
        (value, label, [c for c in contacts if c.stance == value]) for value, label in Contact.Stance.choices
    ]


def effective_escalation_rules(client):
    """The client's own rules, and the agency-wide rule for every matter the client has not set."""
    rules = list(
        EscalationRule.objects.filter(Q(client=client) | Q(client__isnull=True)).select_related(
            "person", "role"
        )
    )
    own = {r.matter for r in rules if r.client_id}
    return [r for r in rules if r.client_id or r.matter not in own]


def open_flags_of(client):
    flags = client.flags.filter(status__in=Flag.OPEN_STATUSES).select_related("owner")
    return sorted(flags, key=lambda f: (Flag.SEVERITY_ORDER[f.severity], f.raised_at))


def staff_choices(request=None) -> list[tuple[str, str]]:
    """The CS team as (pk, name) for a staff picker, built once per change to the staff (shared)."""

    def compute():
        rows = cs_team_users().values_list("pk", "first_name", "last_name", "username")
        return [(str(pk), f"{first} {last}".strip() or username) for pk, first, last, username in rows]

    return cached(request, "staff-choices", (), compute, scopes=scopes_of(kinds=["people"]))
