"""The org structure (seed 000, "Organisational Structure"): the team tree by line manager, each role's
definition and share of time, each person's pathway, and whether a lead fits their client's tier."""

from collections import defaultdict

from django.db.models import Max
from django.db.models.functions import Coalesce

from clients.models import AccountTeamMembership

from .models import Pathway, Role, StaffProfile


def team_tree() -> list[dict]:
    """The active CS team as nested rows, depth-first from those with no (active) line manager.

    Two queries whatever the team's size: the profiles, and their roles.
    """
    people = list(
        StaffProfile.objects.filter(user__is_active=True, roles__code__in=Role.CS_TEAM)
        .distinct()
        .order_by("user__first_name", "user__last_name")
        .values(
            "user_id",
            "user__first_name",
            "user__last_name",
            "user__username",
            "job_title",
            "level",
            "pathway",
            "capacity_hours",
            "line_manager_id",
        )
    )
    role_names = defaultdict(list)
    for user_id, name in (
        StaffProfile.roles.through.objects.filter(staffprofile__user__is_active=True)
        .order_by("role__rank")
        .values_list("staffprofile__user_id", "role__name")
    ):
        role_names[user_id].append(name)
    pathways = dict(Pathway.choices)
    ids = {p["user_id"] for p in people}
    children = defaultdict(list)
    for p in people:
        p["name"] = f"{p['user__first_name']} {p['user__last_name']}".strip() or p["user__username"]
        p["roles"] = role_names[p["user_id"]]
        p["pathway_label"] = pathways.get(p["pathway"], "not set")
        parent = p["line_manager_id"] if p["line_manager_id"] in ids else None
        children[parent].append(p)
    rows, seen = [], set()

    def walk(parent, depth):
        for p in children[parent]:
            if p["user_id"] in seen:  # a loop saved before the form refused them: show it once
                continue
            seen.add(p["user_id"])
            p["depth"] = depth
            p["reports"] = len(children[p["user_id"]])
            rows.append(p)
            walk(p["user_id"], depth + 1)

    walk(None, 0)
    rows += [dict(p, depth=0, reports=0) for p in people if p["user_id"] not in seen]  # loops, flattened
    return rows


def role_definitions():
    return [
        {
            "pk": r.pk,
            "name": r.name,
            "overview": r.overview,
            "responsibilities": [line for line in r.responsibilities.splitlines() if line.strip()],
            "shares": (r.share_account_management, r.share_senior_relationships, r.share_people_management),
        }
        for r in Role.objects.filter(code__in=Role.CS_TEAM).order_by("rank")
    ]


def pathway_counts() -> dict:
    counts = defaultdict(int)
    cs = StaffProfile.objects.filter(user__is_active=True, roles__code__in=Role.CS_TEAM).distinct()
    for _, pathway in cs.values_list("pk", "pathway"):
        counts[pathway] += 1
    return {label: counts[code] for code, label in Pathway.choices} | {"Not set": counts[""]}


def lead_fit(client) -> dict | None:
    """Does the client's lead AM hold a role senior enough for its tier? None when it fits or no rule.

    One query: the lead's best role rank beside the tier's minimum (what the portfolio's list reads).
    """
    row = (
        AccountTeamMembership.objects.filter(
            client=client, is_lead=True, client__tier__lead_min_role__isnull=False
        )
        .values(
            "user__first_name",
            "user__last_name",
            "client__tier__name",
            "client__tier__lead_min_role__name",
            "client__tier__lead_min_role__rank",
        )
        .annotate(best=Coalesce(Max("user__profile__roles__rank"), 0))
        .order_by("user_id")
        .first()
    )
    if row is None or row["best"] >= row["client__tier__lead_min_role__rank"]:
        return None
    return {
        "lead": f"{row['user__first_name']} {row['user__last_name']}".strip(),
        "tier": row["client__tier__name"],
        "needs": row["client__tier__lead_min_role__name"],
    }


def lead_fit_for(user, tier) -> str:
    """The warning, as a sentence, when `user` would lead a client of `tier`; "" when they fit."""
    if user is None or tier is None or tier.lead_min_role_id is None:
        return ""
    best = Role.objects.filter(profiles__user=user).aggregate(best=Max("rank"))["best"] or 0
    need = tier.lead_min_role
    if best >= need.rank:
        return ""
    name = user.get_full_name() or user.username
    return f"{name} does not fit {tier.name}: its lead should be at least {need.name.lower()}."
