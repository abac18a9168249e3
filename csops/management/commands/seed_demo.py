"""Load demo data: a CS team with a login per role and about 30 clients across every tier and band.

Idempotent: running it again updates nothing that exists and creates nothing twice (rows are
matched on username, client domain and contact email).
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from clients.models import Client, Contact, EngagementType, Flag, Industry, Tier
from clients.services import activity as activity_services
from clients.services.accounts import client_create, team_member_set
from commercial.models import Contract
from csops.dates import quarter_start, week_start
from people.models import Role, StaffProfile
from reporting.cache import versions_bump
from reporting.models import CommsPlan, ExchangeRate

from ._demo_client_facing import seed_client_facing
from ._demo_growth import seed_growth
from ._demo_history import seed_history, seed_quarter_checkins
from ._demo_onboarding import seed_onboarding
from ._demo_plans import seed_plans
from ._demo_team import seed_team

DEMO_PASSWORD = "csops-demo-2026"

# username, first, last, job title, roles, level, line manager username, capacity
STAFF = [
    ("head", "Hannah", "Hughes", "Head of Client Services", ["head_of_cs"], "senior", None, 37.5),
    (
        "director",
        "Adam",
        "Price",
        "Account Director",
        ["account_director", "exec_sponsor"],
        "senior",
        "head",
        37.5,
    ),
    ("director2", "Priya", "Shah", "Account Director", ["account_director"], "senior", "head", 37.5),
    (
        "senior",
        "Sam",
        "Okafor",
        "Senior Account Manager",
        ["senior_account_manager"],
        "senior",
        "director",
        37.5,
    ),
    (
        "senior2",
        "Leah",
        "Morgan",
        "Senior Account Manager",
        ["senior_account_manager"],
        "junior",
        "director2",
        30,
    ),
    ("am", "Amy", "Mills", "Account Manager", ["account_manager"], "senior", "senior", 37.5),
    ("am2", "Tom", "Baker", "Account Manager", ["account_manager"], "junior", "senior", 37.5),
    ("am3", "Ravi", "Patel", "Account Manager", ["account_manager"], "junior", "senior2", 37.5),
    ("ae", "Ella", "Green", "Account Executive", ["account_executive"], "junior", "am", 37.5),
    ("ae2", "Jack", "Lee", "Account Executive", ["account_executive"], "junior", "am2", 22.5),
    ("sponsor", "Keith", "Richards", "Managing Director", ["exec_sponsor"], "senior", None, 37.5),
    ("admin", "Olivia", "Grant", "Operations Manager", ["admin"], "senior", None, 37.5),
]

LOGINS = [
    ("Head of CS", "head"),
    ("Account director (also exec sponsor)", "director"),
    ("Senior account manager", "senior"),
    ("Account manager", "am"),
    ("Account executive", "ae"),
    ("Exec sponsor", "sponsor"),
    ("Admin / ops", "admin"),
]

NAMES = [
    "Northwind Outdoor",
    "Bramble & Co",
    "Harbour Bank",
    "Kestrel Cycles",
    "Oakridge Dental",
    "Lumen Energy",
    "Pinecrest Hotels",
    "Quarry Legal",
    "Riverside Foods",
    "Summit Software",
    "Tidewater Telecom",
    "Upland Education",
    "Vantage Motors",
    "Willow Care Homes",
    "Yellowbrick Property",
    "Zephyr Travel",
    "Atlas Manufacturing",
    "Beacon Charity Trust",
    "Cobalt Media",
    "Driftwood Interiors",
    "Ember Coffee",
    "Fjord Fintech",
    "Granite Insurance",
    "Heron Health",
    "Iris Beauty",
    "Juniper Gardens",
    "Kiln Ceramics",
    "Lighthouse Logistics",
    "Meadow Pet Supplies",
    "Nimbus Cloud Hosting",
]
EURO_CLIENTS = {"Fjord Fintech"}  # billed in euros: banded at the admin-set rate
# Monthly spends and project values that cover every band of the default reporting matrix.
RETAINED = [Decimal(v) for v in ("750", "1200", "2250", "4500", "9500", "1000.50", "2999", "5200", "12000")]
PROJECTS = [Decimal(v) for v in ("3500", "7800", "18000")]
CONTACTS = [
    ("Marketing Director", "director", True, "ally", "green"),
    ("Head of Digital", "senior", True, "friend", "orange"),
    ("Marketing Manager", "manager", False, "neutral", ""),
    ("Finance Director", "director", True, "protester", "red"),
]
FIRST = [
    "Karen",
    "Liam",
    "Nadia",
    "Oscar",
    "Fiona",
    "George",
    "Isla",
    "Marcus",
    "Chloe",
    "Dev",
    "Rosa",
    "Ben",
]
LAST = ["Wright", "Campbell", "Ahmed", "Novak", "Byrne", "Evans", "Kaur", "Fischer", "Moreau", "Silva"]


class Command(BaseCommand):
    help = "Load demo data (staff with a login per role, ~30 clients); safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be created, then roll back."
        )

    def handle(self, *args, dry_run=False, **options):
        with transaction.atomic():
            users, new_users = self._staff()
            new_clients = self._clients(users)
            seed_onboarding(today=timezone.localdate(), users=users, password=DEMO_PASSWORD)
            self._pdps(users)
            self._feedback(users)
            # the last 90 days of calls and reports, and this quarter's check-ins so far
            seed_history(today=timezone.localdate())
            seed_quarter_checkins(today=timezone.localdate())
            seed_team(today=timezone.localdate(), password=DEMO_PASSWORD)
            seed_client_facing(today=timezone.localdate())
            seed_growth(today=timezone.localdate())
            seed_plans(today=timezone.localdate())  # account plans, a pending review, this quarter's QBRs
            if dry_run:
                transaction.set_rollback(True)
        if not dry_run:
            versions_bump(everything=True)  # written in bulk: every cached fragment is out of date
        verb = "Would create" if dry_run else "Created"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {new_users} staff and {new_clients} clients (demo data).")
        )
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for label, username in LOGINS:
            self.stdout.write(f"  {label:<40} {username}")

    def _staff(self):
        User = get_user_model()
        roles = {r.code: r for r in Role.objects.all()}
        users, created_count = {}, 0
        for username, first, last, title, role_codes, level, _, capacity in STAFF:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@agency.example",
                    "is_staff": "admin" in role_codes,
                    "is_superuser": "admin" in role_codes,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                created_count += 1
            profile, _ = StaffProfile.objects.get_or_create(
                user=user, defaults={"job_title": title, "level": level, "capacity_hours": capacity}
            )
            profile.roles.add(*(roles[c] for c in role_codes))
            users[username] = user
        for username, *_, manager, _capacity in STAFF:
            if manager:
                StaffProfile.objects.filter(user=users[username], line_manager__isnull=True).update(
                    line_manager=users[manager]
                )
        return users, created_count

    def _pdps(self, users):
        """This year's PDPs for the AMs, reviewed quarterly by their line managers."""
        from people.models import Pdp, PdpTarget

        today = timezone.localdate()
        for n, username in enumerate(["am", "am2", "am3", "ae", "ae2"]):
            pdp, created = Pdp.objects.get_or_create(
                staff=users[username],
                year=today.year,
                defaults={
                    "next_review_date": today + datetime.timedelta(days=5 + 20 * n),
                    "salary_review_date": datetime.date(today.year + 1, 3, 1),
                    "summary": "Grow senior relationships and own the commercial plan for my accounts.",
                },
            )
            if created:
                PdpTarget.objects.create(
                    pdp=pdp,
                    description="Meet every main client contact one-to-one",
                    measure="One-to-one meetings logged",
                    progress=40 + 10 * n,
                    reward="Step up to the next role on the delivery pathway",
                )
                PdpTarget.objects.create(
                    pdp=pdp,
                    description="Move every red senior contact to orange by June",
                    measure="Senior-contact RAG on the stakeholder map",
                    progress=25,
                    reward="Lead a tier 2 account",
                )

    def _feedback(self, users):
        """Six quarters of sponsor check-ins, survey answers, relationship plans and last week's meet."""
        from reporting.models import Meeting, NpsCheckIn, SurveyInvite, SurveyResponse

        today = timezone.localdate()
        quarters = [quarter_start(today)]
        for _ in range(7):  # this quarter and seven before: the NPS trend's eight quarters
            quarters.append(quarter_start(quarters[-1] - datetime.timedelta(days=1)))
        scores = [9, 10, 8, 7, 9, 6, 10, 8, 4, 9, 9, 7]
        sponsored = (
            Client.objects.active()
            .filter(exec_sponsor__isnull=False, status__in=["active", "onboarding", "paused"])
            .order_by("pk")
        )
        rows = []
        for i, client in enumerate(sponsored):
            for q, quarter in enumerate(quarters[1:]):
                completed = timezone.make_aware(
                    datetime.datetime.combine(
                        quarter + datetime.timedelta(days=18 + i % 20), datetime.time(11)
                    )
                )
                rows.append(
                    NpsCheckIn(
                        client=client,
                        quarter=quarter,
                        sponsor_id=client.exec_sponsor_id,
                        status=NpsCheckIn.Status.DONE,
                        score=scores[(i * 5 + q) % len(scores)],
                        comment="Happy with the team; wants faster turnaround on reporting."
                        if q % 2
                        else "Results are good; would like more ideas from us.",
                        completed_at=completed,
                    )
                )
        NpsCheckIn.objects.bulk_create(rows, ignore_conflicts=True)
        if not SurveyResponse.objects.exists():
            for i, contact in enumerate(Contact.objects.filter(client__in=sponsored[:6]).order_by("pk")[:6]):
                invite = SurveyInvite.objects.create(
                    contact=contact, created_by=users["am"], used_at=timezone.now()
                )
                SurveyResponse.objects.create(
                    invite=invite,
                    client=contact.client,
                    score=[10, 8, 9, 5, 9, 7][i],
                    comment="Quick to respond and they know our business.",
                    quarter=quarters[1],
                )
        for i, plan in enumerate(CommsPlan.objects.filter(client__in=sponsored, entertainment_notes="")[:8]):
            plan.entertainment_notes = [
                "Box at the rugby, March",
                "Team lunch after the QBR",
                "Wine tasting, June",
            ][i % 3]
            plan.surprise_delight_notes = [
                "Birthday cake for the marketing director",
                "",
                "Hamper on their launch day",
            ][i % 3]
            plan.save(update_fields=["entertainment_notes", "surprise_delight_notes"])
        last_week = week_start(today) - datetime.timedelta(days=7)
        meeting, created = Meeting.objects.get_or_create(
            kind=Meeting.Kind.WEEKLY_MEET, held_on=last_week, defaults={"chair": users["head"]}
        )
        if created:
            meeting.attendees.set([users[u] for u in ("head", "director", "senior", "am", "am2", "ae")])
            meeting.notes = "Flags reviewed AM by AM; renewals for next quarter assigned."
            meeting.save(update_fields=["notes"])
            flagged = list(Flag.objects.filter(status=Flag.Status.OPEN).select_related("owner")[:2])
            for n, flag in enumerate(flagged):
                action = activity_services.action_add(
                    client=flag.client,
                    by=users["head"],
                    owner=flag.owner,
                    flag=flag,
                    meeting=meeting,
                    description=[
                        "Call the client's MD with the recovery plan",
                        "Offer a free opportunity audit",
                    ][n],
                    due_date=today + datetime.timedelta(days=n * 3 - 1),
                )
                if n == 1:
                    activity_services.action_set_done(action=action, by=flag.owner)

    def _clients(self, users):
        tiers = {t.rank: t for t in Tier.objects.all()}
        industries = list(Industry.objects.order_by("name"))
        leads = {
            1: ["director", "director2"],
            2: ["senior", "senior2"],
            3: ["am", "am2", "am3"],
            4: ["am", "am2", "am3"],
        }
        support = ["ae", "ae2"]
        # the rates an admin set: bands are in pounds, so a euro client is banded at this rate
        for currency, rate in (("EUR", Decimal("0.86")), ("USD", Decimal("0.79"))):
            ExchangeRate.objects.get_or_create(currency=currency, defaults={"rate": rate})
        created_count = 0
        for i, name in enumerate(NAMES):
            domain = name.lower().replace(" & ", "and").replace(" ", "") + ".example"
            if Client.objects.filter(domain=domain).exists():
                continue
            project = i % 5 == 4
            amount = PROJECTS[i % len(PROJECTS)] if project else RETAINED[i % len(RETAINED)]
            rank = 1 if amount > 6000 else 2 if amount > 3000 else 3 if amount > 1500 else 4
            if project:
                rank = 2 if amount > 10000 else 4
            status = ["active"] * 6 + ["onboarding", "pitch", "paused", "active"]
            status = status[i % len(status)] if i != 27 else "lost"
            start = datetime.date(2022, 1, 10) + datetime.timedelta(days=41 * i)
            lead = users[leads[rank][i % len(leads[rank])]]
            sponsor = None if i % 11 == 10 else users["sponsor"] if rank <= 2 else users["director"]
            if sponsor == lead:
                sponsor = users["sponsor"]
            client = client_create(
                by=None,
                lead=lead,
                name=name,
                domain=domain,
                industry=industries[i % len(industries)],
                status=status,
                engagement_type=EngagementType.PROJECT if project else EngagementType.RETAINED,
                monthly_spend=None if project else amount,
                project_value=amount if project else None,
                tier=tiers[rank],
                currency="EUR" if name in EURO_CLIENTS else "GBP",
                propensity=["low", "medium", "high"][i % 3],
                exec_sponsor=sponsor,
                start_date=start if status != "pitch" else None,
                lost_date=datetime.date(2026, 6, 30) if status == "lost" else None,
                lost_reason="Budget moved in-house after a restructure." if status == "lost" else "",
            )
            team_member_set(
                client=client,
                user=users[support[i % 2]],
                is_lead=False,
                by=None,
                responsibility="Reporting, call notes and internal project management",
            )
            for j, (title, seniority, decider, stance, rag) in enumerate(CONTACTS[: 2 + i % 3]):
                first, last = FIRST[(i + j) % len(FIRST)], LAST[(i * 3 + j) % len(LAST)]
                Contact.objects.get_or_create(
                    client=client,
                    email=f"{first.lower()}.{last.lower()}@{domain}",
                    defaults={
                        "name": f"{first} {last}",
                        "title": title,
                        "seniority": seniority,
                        "decision_maker": decider,
                        "stance": stance,
                        "rag": rag,
                        "phone": f"020 7946 {1000 + i * 10 + j:04d}",
                    },
                )
            if status in ("active", "onboarding", "paused"):
                self._activity(client, lead, users[support[i % 2]], i)
            created_count += 1
        return created_count

    def _activity(self, client, lead, support, i):
        """A few weeks of calls, actions and the odd flag, so every page has something to show."""
        # calls spread over the week, with the details the diary entry carries (seed 000, "Calls")
        CommsPlan.objects.filter(client=client).update(
            call_weekday=i % 5,
            call_time=datetime.time(9 + i % 7, 30 if i % 2 else 0),
            call_details=f"Video call: https://meet.example/{client.domain.split('.')[0]}",
        )
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        contacts = list(client.contacts.all())
        gap = 7 if i % 2 else 14
        for n in range(3, 0, -1):
            held_at = now - datetime.timedelta(days=gap * n - 2 + i % 3, hours=i % 5)
            call = activity_services.call_log(
                client=client,
                by=lead,
                held_at=held_at,
                kind=["video", "phone", "face_to_face"][n % 3],
                duration_minutes=30 + 15 * (n % 2),
                staff_attendees=[lead, support],
                contact_attendees=contacts[:2],
                rapport="Caught up on the team's news and the new office.",
                delivery="Reviewed last month's results; sign-off agreed on the next content batch.",
                strategy="Strategy still right; revisit at the quarterly review.",
                commercial="Paid social is run in-house and underperforming against KPI.",
            )
            # the latest call of every third client still has its report to send
            if not (n == 1 and i % 3 == 0):
                call.report_sent_at = held_at + datetime.timedelta(hours=20)
                call.save(update_fields=["report_sent_at"])
        today = timezone.localdate()
        if client.engagement_type == EngagementType.RETAINED and client.status != "paused":
            # staggered renewals: one a month from about five weeks out, so the weekly meet always has some
            end = today + datetime.timedelta(days=37 + 30 * (i % 10))
            Contract.objects.create(
                client=client,
                title="Retained services agreement",
                start_date=end - datetime.timedelta(days=365),
                end_date=end,
                notice_period_days=30,
                value=client.monthly_spend * 12,
                currency=client.currency,
                status=Contract.Status.SIGNED,
                sla="Reports by the 5th working day; replies within one working day; sign-off within 3 days.",
            )
        activity_services.action_add(
            client=client,
            by=lead,
            owner=lead,
            call=call,
            description="Send the revised content calendar",
            due_date=today + datetime.timedelta(days=1 + i % 5),
        )
        if i % 4 == 1:
            activity_services.action_add(
                client=client,
                by=lead,
                owner=support,
                description="Chase sign-off on the landing pages",
                due_date=today - datetime.timedelta(days=2),
            )
        if i % 4 == 2:
            flag = activity_services.flag_raise(
                client=client,
                by=lead,
                owner=lead,
                source=Flag.Source.WEEKLY_CALL,
                severity=[Flag.Severity.SERIOUS, Flag.Severity.MAJOR, Flag.Severity.CRITICAL][i % 3],
                title="Results behind forecast two months running",
                description="Organic sessions are 18% behind the pitched forecast; the client has noticed.",
            )
            activity_services.action_add(
                client=client,
                by=lead,
                owner=lead,
                flag=flag,
                description="Prepare a recovery plan for the next call",
                due_date=today + datetime.timedelta(days=3),
            )
