"""Reads about one client that its pages show: the stakeholder map, escalation rules, open flags."""

from django.db.models import Q
from django.utils.html import format_html_join

from people.selectors import cs_team_users
from reporting.cache import cached, scopes_of
from reporting.models import ReportingBand

from .models import Contact, EscalationRule, Flag, Tier


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


def matrix_choices(request=None) -> dict[str, list[tuple[str, str]]]:
    """The tiers and spend bands as (pk, label) for the client list's pickers: two narrow queries,
    built once per change to the matrix (shared), never a model per option."""

    def compute():
        bands = ReportingBand.objects.values_list("pk", "engagement_type", "min_amount", "max_amount")
        return {
            "tier": [(str(pk), name) for pk, name in Tier.objects.values_list("pk", "name")],
            "band": [
                (str(pk), str(ReportingBand(engagement_type=kind, min_amount=low, max_amount=high)))
                for pk, kind, low, high in bands
            ],
        }

    return cached(request, "matrix-choices", (), compute, scopes=scopes_of(kinds=["matrices"]))


def staff_options_html(request=None) -> str:
    """The staff picker's <option>s as HTML, built once per change to the staff (shared): the add-action
    form's owner picker renders its 80 options as one string, not a template loop per viewer."""
    return cached(
        request,
        "staff-options",
        (),  # the choices are read only to build it: a page served from the cache reads this one entry
        lambda: str(format_html_join("\n", '<option value="{}">{}</option>', staff_choices(request))),
        scopes=scopes_of(kinds=["people"]),
    )
