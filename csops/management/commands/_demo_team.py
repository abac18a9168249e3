"""The demo's team (issue 18): a tree of 12 with both pathways, this year's objectives, four weeks of
timesheets — one person over capacity, one client over-serviced — and what each client pays for CS.

Idempotent: people are matched on username, the year's objectives on their titles, timesheets on
person and week, fees on client. Deterministic: hours come from the lead's clients in a fixed order.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils import timezone

from clients.models import AccountTeamMembership, Client, Contact
from csops.dates import week_start
from people.models import ClientCsFee, Measure, Objective, Pathway, Role, StaffProfile, TeamYear, Timesheet
from people.services.time import timesheet_save
from reporting.utilisation import cost_to_serve

# two more for a tree of 12 in CS: username, first, last, title, role, level, line manager, capacity
MORE_STAFF = [
    ("am4", "Maya", "Cole", "Account Manager", Role.ACCOUNT_MANAGER, "junior", "senior2", 37.5),
    ("ae3", "Noah", "Fisher", "Account Executive", Role.ACCOUNT_EXECUTIVE, "junior", "am3", 37.5),
]
# the people-management pathway; everyone else in CS is on delivery expertise
PEOPLE_PATHWAY = {"head", "director", "director2", "senior"}
OVER_CAPACITY = "am3"  # logs a 44-hour week against 37.5
OVER_SERVICED_FEE = Decimal(600)  # the first client am3 leads pays little for a lot of CS time
MANTRA = "Retention target met and upsell target beaten: we become client seniors' best friends."


def seed_team(*, today: datetime.date, password: str) -> None:
    users = _more_staff(password)
    _pathways()
    _objectives(today.year)
    _rag_history(today.year)
    _timesheets(today, users)
    _fees(today)


def _more_staff(password: str) -> dict:
    User = get_user_model()
    roles = {r.code: r for r in Role.objects.all()}
    for username, first, last, title, role, level, manager, capacity in MORE_STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@agency.example"},
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        profile, _ = StaffProfile.objects.get_or_create(
            user=user,
            defaults={
                "job_title": title,
                "level": level,
                "capacity_hours": capacity,
                "line_manager": User.objects.filter(username=manager).first(),
            },
        )
        profile.roles.add(roles[role])
    return {
        u.username: u
        for u in User.objects.filter(is_active=True, profile__roles__code__in=Role.CS_TEAM).distinct()
    }


def _pathways() -> None:
    cs = StaffProfile.objects.filter(roles__code__in=Role.CS_TEAM, pathway="")
    cs.filter(user__username__in=PEOPLE_PATHWAY).update(pathway=Pathway.PEOPLE)
    cs.exclude(user__username__in=PEOPLE_PATHWAY).update(pathway=Pathway.DELIVERY)


def _objectives(year: int) -> None:
    team_year, _ = TeamYear.objects.get_or_create(year=year, defaults={"mantra": MANTRA})
    plan = [
        (
            "Retention target met",
            "Become client seniors' best friends; one-on-one meets and entertainment.",
            [
                (
                    "By the end of June every red senior contact at least orange",
                    Measure.Kind.RED_TO_ORANGE,
                    100,
                    (6, 30),
                    None,
                ),
                (
                    "By the end of the year every red senior contact green",
                    Measure.Kind.RED_TO_GREEN,
                    100,
                    (12, 31),
                    None,
                ),
                (
                    "Each AM meets all their main contacts one-to-one",
                    Measure.Kind.ONE_TO_ONES,
                    100,
                    (12, 31),
                    None,
                ),
                (
                    "Work from tier 1 clients' offices monthly (months done)",
                    Measure.Kind.MANUAL,
                    12,
                    (12, 31),
                    9,
                ),
            ],
        ),
        (
            "Upsell target beaten",
            "Commercial training, projects into retained, growth of all tier 1.",
            [
                ("Commercial training done by the end of June", Measure.Kind.MANUAL, 1, (6, 30), 1),
                (
                    "Convert at least 8 projects into retained",
                    Measure.Kind.PROJECTS_TO_RETAINED,
                    8,
                    (12, 31),
                    None,
                ),
                ("Grow tier 1 retainers by 10%", Measure.Kind.TIER1_GROWTH, 10, (12, 31), None),
                ("Secure projects from all tier 2 clients", Measure.Kind.TIER2_PROJECTS, 100, (12, 31), None),
            ],
        ),
    ]
    for order, (title, description, measures) in enumerate(plan):
        objective, created = Objective.objects.get_or_create(
            team_year=team_year, title=title, defaults={"description": description, "order": order}
        )
        if created:
            Measure.objects.bulk_create(
                Measure(
                    objective=objective,
                    description=text,
                    kind=kind,
                    target=Decimal(target),
                    deadline=datetime.date(year, *month_day),
                    manual_value=None if value is None else Decimal(value),
                )
                for text, kind, target, month_day, value in measures
            )


def _lead_clients() -> dict:
    """{username: [client pk, …]} of current clients each person is on, in name order: one query."""
    out = {}
    for username, client_id in (
        AccountTeamMembership.objects.filter(client__in=Client.objects.current())
        .order_by("user__username", "client__name")
        .values_list("user__username", "client_id")
    ):
        out.setdefault(username, []).append(client_id)
    return out


def _fees(today: datetime.date) -> None:
    """Every current client pays for CS: a third more than its busiest month's hours cost, or £1,500 if
    more; the over-serviced one pays £600 however much time it takes. Set once, after the timesheets."""
    over = _lead_clients().get(OVER_CAPACITY, [None])[0]
    have = set(ClientCsFee.objects.values_list("client_id", flat=True))
    busiest = {}
    for row in cost_to_serve(today)["rows"]:
        busiest[row["pk"]] = max(m["cost"] for m in row["months"])
    rows = []
    for pk in Client.objects.current().values_list("pk", flat=True):
        if pk in have:
            continue
        fee = OVER_SERVICED_FEE if pk == over else max(Decimal(1500), busiest.get(pk, 0) * Decimal("1.35"))
        rows.append(ClientCsFee(client_id=pk, monthly_fee=fee.quantize(Decimal("1"))))
    ClientCsFee.objects.bulk_create(rows)


def _rag_history(year: int) -> None:
    """The stakeholder map's RAG history for the objectives: the demo's senior contacts are on the map
    since January, red, and the orange ones moved in May (a seed cannot wait for the months to pass)."""
    History = Contact.history.model
    start = datetime.datetime(year, 1, 5, 9, 0, tzinfo=timezone.get_current_timezone())
    demo = Contact.objects.filter(client__domain__endswith=".example").values("pk")
    if History.objects.filter(id__in=demo, history_date__lt=start + datetime.timedelta(days=1)).exists():
        return
    created = History.objects.filter(
        id__in=demo, history_type="+", rag__in=[Contact.Rag.RED, Contact.Rag.ORANGE]
    )
    moved = list(created.filter(rag=Contact.Rag.ORANGE))
    created.update(history_date=start, rag=Contact.Rag.RED)
    may = datetime.datetime(year, 5, 20, 11, 0, tzinfo=timezone.get_current_timezone())
    for row in moved:
        row.history_id, row.history_type, row.history_date, row.rag = None, "~", may, Contact.Rag.ORANGE
    History.objects.bulk_create(moved)


def _timesheets(today: datetime.date, users: dict) -> None:
    """The last four complete weeks for everyone in CS."""
    clients = _lead_clients()
    capacity = dict(
        StaffProfile.objects.filter(user__in=users.values()).values_list("user__username", "capacity_hours")
    )
    done = set(Timesheet.objects.filter(user__in=users.values()).values_list("user__username", "week"))
    this_week = week_start(today)
    for back in range(1, 5):
        week = this_week - datetime.timedelta(weeks=back)
        for username, user in sorted(users.items()):
            if (username, week) in done:
                continue
            mine = clients.get(username, [])
            week_hours = (
                Decimal(44)
                if username == OVER_CAPACITY
                else (capacity[username] * Decimal("0.85")).quantize(Decimal("0.5"))
            )
            internal = {"admin": Decimal(4), "meetings": Decimal(3)}
            if username == "head":
                internal["people"] = Decimal(12)
            client_total = max(week_hours - sum(internal.values()), Decimal(0))
            hours = {}
            if mine:
                # the first client takes the most: the over-serviced client is am3's first
                share = [Decimal(3), *([Decimal(1)] * (len(mine) - 1))]
                for pk, weight in zip(mine, share, strict=True):
                    hours[pk] = (client_total * weight / sum(share)).quantize(Decimal("0.25"))
            else:
                internal["training"] = client_total
            timesheet_save(user=user, week=week, client_hours=hours, internal_hours=internal)


def logged_hours() -> Decimal:
    """For the seed's summary line: every hour the demo's timesheets hold."""
    return Timesheet.objects.aggregate(total=Sum("entries__hours"))["total"] or Decimal(0)
