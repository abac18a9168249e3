"""Demo data for growth and relationship investment (issue 15): channel maps with gaps, opportunities
in every stage, an audit due, the entertainment ledger with events this month (a sponsor attending),
quarterly pots, and this month's surprise-and-delight vote open with a past winner and its gift.

Idempotent: once any opportunity exists, nothing is added. Deterministic: driven by the clients'
order by name.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from clients.models import Client
from commercial.models import (
    Audit,
    Channel,
    ChannelRow,
    DelightGift,
    DelightRound,
    DelightVote,
    EntertainmentAccrual,
    EntertainmentEvent,
    EntertainmentPot,
    Opportunity,
    Project,
)
from csops.dates import add_months, month_start
from people.selectors import cs_team_users
from reporting.models import CommsPlan

# (channel, worker, agency, kpi, note, appetite) per client, cycled: gaps where nobody runs a channel
# or it is in-house and under KPI
MAPS = [
    [
        ("Paid search", "us", "", "green", "CPA on target", "some"),
        ("Organic search", "in_house", "", "red", "Traffic down 30% since the relaunch", "strong"),
        ("CRM / email", "nobody", "", "unknown", "", "strong"),
        ("Paid social", "agency", "Social Spark", "orange", "CPM rising", "some"),
    ],
    [
        ("Organic search", "us", "", "green", "", "some"),
        ("Paid search", "agency", "ClickWorks", "red", "Losing share to a competitor", "strong"),
        ("Analytics", "in_house", "", "orange", "GA4 migration half done", "some"),
        ("Content", "nobody", "", "unknown", "", "some"),
    ],
]
STAGES = ["idea", "discovery", "audit", "proposed", "won", "won", "lost", "discovery", "proposed", "idea"]


def seed_growth(*, today: datetime.date) -> None:
    if Opportunity.objects.exists():
        return
    clients = list(
        Client.objects.current().select_related("exec_sponsor").prefetch_related("memberships", "contacts")
    )
    if not clients:
        return
    channels = {c.name: c for c in Channel.objects.all()}
    team = list(cs_team_users())
    head = get_user_model().objects.filter(username="head").first() or team[0]
    _channel_maps(clients[:12], channels)
    _opportunities(clients[:10], channels, head, today)
    _ledger(clients, head, today)
    _delight(clients, team, today)


def _lead(client, fallback):
    for m in client.memberships.all():
        if m.is_lead:
            return m.user
    return fallback


def _channel_maps(clients, channels):
    rows = []
    for n, client in enumerate(clients):
        owner = next(iter(client.contacts.all()), None)
        for name, worker, agency, kpi, note, appetite in MAPS[n % len(MAPS)]:
            rows.append(
                ChannelRow(
                    client=client,
                    channel=channels[name],
                    worker=worker,
                    agency_name=agency,
                    kpi=kpi,
                    kpi_note=note,
                    appetite=appetite,
                    budget_owner=owner,
                    monthly_budget=Decimal(1500 + 500 * (n % 4)),
                )
            )
    ChannelRow.objects.bulk_create(rows, ignore_conflicts=True)


def _opportunities(clients, channels, head, today):
    services = ["CRM / email", "Paid social", "Organic search", "Analytics", "Content"]
    for n, client in enumerate(clients):
        stage = STAGES[n % len(STAGES)]
        owner = _lead(client, head)
        service = channels[services[n % len(services)]]
        one_off = n % 3 == 2
        opp = Opportunity.objects.create(
            client=client,
            kind="upsell" if n % 4 == 0 else "cross_sell",
            service=service,
            title=f"{service.name} for {client.name}" + (" (audit and rebuild)" if one_off else ""),
            value=Decimal(4000 if one_off else 800 + 200 * n),
            value_period="one_off" if one_off else "monthly",
            probability=[20, 40, 60, 75, 100, 100, 0, 35, 70, 10][n % 10],
            stage=stage,
            lost_reason="Went with their in-house team" if stage == "lost" else "",
            owner=owner,
            created_by=owner,
            next_step="" if stage in ("won", "lost") else "Share the findings with their marketing director",
            next_step_date=None if stage in ("won", "lost") else today + datetime.timedelta(days=2 + n),
            won_at=None,
        )
        if stage == "won":
            Opportunity.objects.filter(pk=opp.pk).update(won_at=opp.created_at)
            if one_off:
                Project.objects.create(
                    client=client, opportunity=opp, name=opp.title, value=opp.value, won_on=today
                )
        if stage in ("audit", "discovery"):
            Audit.objects.create(
                opportunity=opp,
                kind="opportunity" if stage == "audit" else "free",
                requested_by=owner,
                assignee=head if n % 2 else owner,
                due_date=today + datetime.timedelta(days=3 + n),
                audience="their CMO",
            )


def _ledger(clients, head, today):
    plans = dict(
        CommsPlan.objects.filter(entertainment_budget__gt=0).values_list("client_id", "entertainment_budget")
    )
    funded = [c for c in clients if c.pk in plans]
    first = month_start(today)
    EntertainmentAccrual.objects.bulk_create(
        [
            EntertainmentAccrual(client=c, month=add_months(first, -back), amount=plans[c.pk])
            for c in funded
            for back in range(3)
        ],
        ignore_conflicts=True,
    )
    for c in funded[:3]:
        EntertainmentPot.objects.get_or_create(client=c, defaults={"pooling": "quarterly"})
    venues = ["The Ivy", "Twickenham", "Ronnie Scott's", "The Oval"]
    for n, client in enumerate(funded[:8]):
        lead = _lead(client, head)
        day = first + datetime.timedelta(days=(3 + 6 * n) % 27)
        event = EntertainmentEvent.objects.create(
            client=client,
            title=["Lunch", "Rugby box", "Jazz night", "Cricket day"][n % 4],
            held_on=day,
            venue=venues[n % 4],
            sponsor_attending=bool(client.exec_sponsor_id) and n % 2 == 0,
            estimated_cost=plans[client.pk] * (4 if n == 1 else 2),
            actual_cost=plans[client.pk] * 2 if day < today else None,
            status="held" if day < today else "planned",
            created_by=lead,
        )
        event.staff_attending.set([lead])
        event.contacts_invited.set(list(client.contacts.all())[:2])


def _delight(clients, team, today):
    first = month_start(today)
    past = DelightRound.objects.create(
        month=add_months(first, -1),
        closes_on=add_months(first, -1).replace(day=7),
        budget=Decimal(50),
        status="decided",
        winner=clients[0],
    )
    contact = next(iter(clients[0].contacts.all()), None)
    if contact:
        DelightGift.objects.create(
            round=past,
            contact=contact,
            what="A signed copy of their favourite cookbook",
            why_personal="Mentioned on every call that they are learning to cook",
            cost=Decimal("42.00"),
            sent_on=add_months(first, -1).replace(day=12),
        )
    current, _ = DelightRound.objects.get_or_create(
        month=first, defaults={"closes_on": first.replace(day=7), "budget": Decimal(50)}
    )
    for n, voter in enumerate(team[:3]):
        DelightVote.objects.get_or_create(
            round=current,
            voter=voter,
            defaults={"client": clients[(n % 2) + 1], "reason": "They stuck with us through a hard quarter."},
        )
