"""The demo's account plans (seed 002): a plan with targets for every current client of tiers 1–2,
an objective for each lead, one client with a pending client-driven review (its decision maker
archived), and this quarter's QBRs with one progress report begun.

Idempotent: a client with this year's plan is left alone; the archived decision maker is matched on
email; QBRs are unique per client and quarter.
"""

import datetime

from clients.models import AccountTeamMembership, Client, Contact
from clients.services.accounts import contact_archive
from commercial.models import AccountPlan, Metric, PlanMetric, Qbr
from commercial.services.plans import objective_add, plan_create, qbrs_schedule
from csops.dates import quarter_start

# seed 002's own table, scaled a little by tier
TARGETS = {
    Metric.ALLIES: (2, 3, 4, 5),
    Metric.ENEMIES: (0, -1, -1, -2),
    Metric.MEETINGS: (3, 3, 3, 3),
    Metric.NEW_SERVICES: (0, 1, 1, 2),
    Metric.OPPORTUNITIES: (1, 2, 3, 4),
    Metric.INCOME: (5000, 10000, 15000, 20000),
}
OBJECTIVES = [
    "Take the marketing director to lunch one-on-one before the quarter ends",
    "Present the client's strategy to the wider business at the all-hands",
    "Run a free paid-social audit and present the findings",
]


def seed_plans(*, today: datetime.date) -> None:
    clients = (
        Client.objects.current()
        .filter(tier__rank__lte=2)
        .exclude(account_plans__year=today.year)
        .order_by("name")
    )
    leads = {
        m.client_id: m.user for m in AccountTeamMembership.objects.filter(is_lead=True).select_related("user")
    }
    for i, client in enumerate(clients):
        lead = leads.get(client.pk)
        if lead is None:
            continue
        scale = 2 if client.tier.rank == 1 else 1
        targets = {m: [v * scale for v in values] for m, values in TARGETS.items()}
        plan = plan_create(
            client=client,
            year=today.year,
            business_objective=f"Be {client.name}'s first-choice agency for digital performance.",
            goal="Grow the retainer 10% and add one new service by December.",
            targets=targets,
            by=lead,
        )
        PlanMetric.objects.filter(plan=plan, metric=Metric.OPPORTUNITIES).update(
            actual_q1=1, actual_q2=1 + i % 3, actual_q3=2 + i % 2
        )
        objective_add(
            plan=plan,
            by=lead,
            description=OBJECTIVES[i % len(OBJECTIVES)],
            owner=lead,
            due_date=today + datetime.timedelta(days=4 + i * 3),
        )
    _pending_review(today)
    qbrs_schedule(today=today)
    first = Qbr.objects.filter(quarter=quarter_start(today)).order_by("client__name").first()
    if first is not None and not first.business_performance:
        first.business_performance = "Online revenue up on last year; paid search the strongest channel."
        first.next_quarter_plan = "Launch the spring campaign; agree next year's retainer."
        first.save()


def _pending_review(today):
    """The first tier-1 plan's client loses its marketing director: a client-driven review is due."""
    plan = (
        AccountPlan.objects.filter(year=today.year, client__tier__rank=1)
        .select_related("client")
        .order_by("client__name")
        .first()
    )
    if plan is None:
        return
    client = plan.client
    contact, _ = Contact.objects.get_or_create(
        client=client,
        email=f"jan.stewer@{client.domain}",
        defaults={
            "name": "Jan Stewer",
            "title": "Marketing Director",
            "seniority": Contact.Seniority.DIRECTOR,
            "decision_maker": True,
            "stance": Contact.Stance.ENEMY,
        },
    )
    lead = AccountTeamMembership.objects.filter(client=client, is_lead=True).select_related("user").first()
    contact_archive(contact=contact, by=lead.user if lead else None)
