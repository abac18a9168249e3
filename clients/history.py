"""The change history shown on a client page: the client, its contacts and its account team.

simple_history keeps a full row per change; we diff consecutive rows of the same object here, in
Python, with a fixed number of queries (no `prev_record` look-up per row).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model

from .models import AccountTeamMembership, Client, Contact, Industry, Tier

_SKIP = {
    "id",
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
    "history_user_id",
    "created_at",
    "updated_at",
    "added_at",
    "client",
    "version",  # the edit lock (csops/versioning.py), not a change anyone made
}


@dataclass
class Change:
    when: datetime
    who: str
    kind: str  # "created", "changed", "removed"
    subject: str  # "Client", "Contact: Jane Doe", "Team: Sam Smith"
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (label, old, new)


def _label_maps(records):
    """Display names for the foreign keys that appear in the records: one query per model, not per row."""
    user_ids, tier_ids, industry_ids = set(), set(), set()
    for r in records:
        for attr, bucket in (
            ("exec_sponsor_id", user_ids),
            ("user_id", user_ids),
            ("tier_id", tier_ids),
            ("industry_id", industry_ids),
        ):
            value = getattr(r, attr, None)
            if value is not None:
                bucket.add(value)
    users = {
        u.id: (u.get_full_name() or u.username) for u in get_user_model().objects.filter(id__in=user_ids)
    }
    return {
        "exec_sponsor": users,
        "user": users,
        "tier": dict(Tier.objects.filter(id__in=tier_ids).values_list("id", "name")),
        "industry": dict(Industry.objects.filter(id__in=industry_ids).values_list("id", "name")),
    }


def _display(model, name, value, maps):
    if value is None or value == "":
        return "—"
    f = model._meta.get_field(name)
    if f.is_relation:
        return maps.get(name, {}).get(value, f"#{value}")
    if f.choices:
        return dict(f.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _diffs(model, history_rows, maps, subject_of):
    changes = []
    fields = [f for f in model._meta.concrete_fields if f.name not in _SKIP]
    previous = {}
    for row in history_rows:  # oldest first
        before = previous.get(row.id)
        who = (
            (row.history_user.get_full_name() or row.history_user.username) if row.history_user else "system"
        )
        kind = {"+": "created", "~": "changed", "-": "removed"}[row.history_type]
        change = Change(when=row.history_date, who=who, kind=kind, subject=subject_of(row, maps))
        if before is not None and row.history_type == "~":
            for f in fields:
                old, new = getattr(before, f.attname), getattr(row, f.attname)
                if old != new:
                    change.fields.append(
                        (
                            str(f.verbose_name).capitalize(),
                            _display(model, f.name, old, maps),
                            _display(model, f.name, new, maps),
                        )
                    )
            if not change.fields:
                previous[row.id] = row
                continue
        changes.append(change)
        previous[row.id] = row
    return changes


def client_history(client: Client, limit: int = 60) -> list[Change]:
    """The newest `limit` changes to the client, its contacts and its team, newest first.

    Each source is read `2 * limit` rows deep so that the oldest change shown still has the row
    before it to diff against in most cases; queries stay at one per source plus the label maps.
    """
    sources = [
        (Client, Client.history.filter(id=client.id), lambda r, m: "Client"),
        (Contact, Contact.history.filter(client_id=client.id), lambda r, m: f"Contact: {r.name}"),
        (
            AccountTeamMembership,
            AccountTeamMembership.history.filter(client_id=client.id),
            lambda r, m: f"Team: {m['user'].get(r.user_id, '#' + str(r.user_id))}",
        ),
    ]
    loaded = [
        (
            model,
            list(qs.select_related("history_user").order_by("-history_date", "-history_id")[: limit * 2])[
                ::-1
            ],
            subject,
        )
        for model, qs, subject in sources
    ]
    maps = _label_maps([row for _, rows, _ in loaded for row in rows])
    changes = [c for model, rows, subject in loaded for c in _diffs(model, rows, maps, subject)]
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]
