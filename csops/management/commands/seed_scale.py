"""Load the scale data set of PRODUCT.md §6 for the benchmark: an agency five years in.

  python manage.py seed_scale                      # 2,000 clients, ~80 staff, ~250,000 calls
  python manage.py seed_scale --clients 200 --seed 7

Everything is created with bulk_create in one transaction, so a 2,000-client set takes a few minutes
on two cores against PostgreSQL. Rows are generated and written in batches of BATCH (the history is
read back with server-side iterators), so the memory used stays flat whatever --clients asks: only
the clients themselves are held. The same --seed and --today give the same data. Scale clients live
under the domain *.scale.example and are loaded once: a second run finds them and does nothing.
History tables are not filled for bulk rows (nobody edited them).
"""

import datetime
import random
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.utils import timezone

from clients.models import (
    AccountTeamMembership,
    Action,
    Call,
    Client,
    Contact,
    EngagementType,
    Flag,
    Industry,
    Tier,
)
from commercial.models import Contract, EntertainmentBudget
from csops.dates import quarter_start, week_start
from people.models import Role, StaffProfile
from reporting.cache import versions_bump
from reporting.models import (
    BandTable,
    CommsPlan,
    Meeting,
    NpsCheckIn,
    Occurrence,
    SurveyInvite,
    SurveyResponse,
)
from reporting.services.occurrences import occurrences_generate
from reporting.services.plans import matrix_values

PASSWORD = "csops-scale-2026"
YEARS = 5
BATCH = 5000

# (role codes, how many, level, username prefix) — about 80 people
STAFF_MIX = [
    (["head_of_cs"], 1, "senior", "head"),
    (["admin"], 2, "senior", "admin"),
    (["exec_sponsor"], 6, "senior", "sponsor"),
    (["account_director", "exec_sponsor"], 3, "senior", "adsp"),
    (["account_director"], 6, "senior", "ad"),
    (["senior_account_manager"], 16, "senior", "sam"),
    (["account_manager"], 28, "junior", "am"),
    (["account_executive"], 18, "junior", "ae"),
]
TIER_MIX = [(1, 0.05), (2, 0.15), (3, 0.40), (4, 0.40)]
SPEND = {1: (6500, 20000), 2: (3100, 6000), 3: (1600, 3000), 4: (400, 1500)}
WORDS_A = [
    "North",
    "Blue",
    "Iron",
    "Silver",
    "Bright",
    "Green",
    "Harbour",
    "Summit",
    "Cedar",
    "Swift",
    "Oak",
    "Coral",
    "Amber",
    "Falcon",
    "Granite",
    "Willow",
    "Nova",
    "Atlas",
    "Kestrel",
    "Maple",
]
WORDS_B = [
    "Foods",
    "Logistics",
    "Health",
    "Energy",
    "Legal",
    "Media",
    "Motors",
    "Travel",
    "Retail",
    "Bank",
    "Homes",
    "Software",
    "Studios",
    "Outdoor",
    "Telecom",
    "Pharma",
    "Insurance",
    "Education",
]
RAPPORT = [
    "Caught up on the new office move.",
    "Talked about the team's trip.",
    "Congratulated them on the launch.",
]
DELIVERY = [
    "Reviewed last month's results; sign-off agreed on the next batch.",
    "Two deliverables late; agreed new dates and a daily check-in.",
    "Campaign live; early numbers ahead of forecast.",
    "Reporting dashboard walkthrough; they want a new conversions view.",
]
STRATEGY = [
    "Strategy still right; revisit at the QBR.",
    "Shift budget from display to search next quarter.",
    "",
]
COMMERCIAL = [
    "Paid social is run in-house and underperforming.",
    "New brand launching in spring; budget not yet allocated.",
    "Competitor agency pitching for their PPC.",
    "CRM migration planned; they have no partner yet.",
]
FLAG_TITLES = [
    "Results behind forecast two months running",
    "Missed deadline on the site relaunch",
    "Client unhappy with reporting quality",
    "Key contact leaving; relationship at risk",
    "Invoice dispute over out-of-scope work",
]


class Batches:
    """Rows of one model collected and bulk-created every BATCH rows, so they never pile up in memory.

    Used as a context manager: what is left is written on leaving. `count` is how many were written.
    """

    def __init__(self, model):
        self.model, self.rows, self.count = model, [], 0

    def add(self, row):
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self):
        if self.rows:
            self.model.objects.bulk_create(self.rows, batch_size=BATCH)
            self.count += len(self.rows)
            self.rows = []
            reset_queries()  # with DEBUG on, Django keeps every query's SQL (bulk inserts are big)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.flush()


class Command(BaseCommand):
    help = "Load the benchmark's scale data: ~80 staff, 2,000 clients and five years of history."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
        parser.add_argument("--today", help="YYYY-MM-DD the history ends on (default: today)")
        parser.add_argument(
            "--tag",
            default="scale",
            help="names this set (usernames tag-…, domains *.tag.example); one load per tag",
        )
        parser.add_argument("--dry-run", action="store_true", help="build everything, then roll back")

    def handle(self, *args, clients, seed, today=None, tag="scale", dry_run=False, **options):
        if clients < 10:
            raise CommandError("--clients must be at least 10.")
        try:
            self.today = datetime.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today must be YYYY-MM-DD: {exc}") from exc
        if not tag.replace("-", "").isalnum():
            raise CommandError("--tag is letters, digits and dashes.")
        self.tag, self.domain = tag, f"{tag}.example"
        if Client.objects.filter(domain__endswith=f".{self.domain}").exists():
            self.stdout.write(f"Scale data '{tag}' is already loaded; nothing to do.")
            return
        self.rng = random.Random(seed)
        self.tz = timezone.get_current_timezone()
        started = time.monotonic()
        with transaction.atomic():
            staff = self._staff()
            made = self._clients(clients, staff)
            self._activity(made, staff)
            if dry_run:
                transaction.set_rollback(True)
        if not dry_run:
            versions_bump(everything=True)  # written in bulk: every cached fragment is out of date
        # (not inside an outer transaction, as in a test: VACUUM cannot run there)
        if connection.vendor == "postgresql" and not dry_run and not connection.in_atomic_block:
            # fresh statistics for the planner, and the visibility map that index-only scans need
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        counts = {
            "staff": StaffProfile.objects.count(),
            "clients": Client.objects.count(),
            "calls": Call.objects.count(),
            "flags": Flag.objects.count(),
            "actions": Action.objects.count(),
            "nps check-ins": NpsCheckIn.objects.count(),
            "contracts": Contract.objects.count(),
            "occurrences": Occurrence.objects.count(),
        }
        verb = "Would load" if dry_run else "Loaded"
        summary = ", ".join(f"{v:,} {k}" for k, v in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"{verb} scale data in {time.monotonic() - started:.0f}s: {summary}.")
        )
        self.stdout.write(f"Scale logins: {tag}-head, {tag}-am-01 … (password {PASSWORD}).")

    # --- helpers ------------------------------------------------------------------------------------

    def _at(self, day, hour=10, minute=0):
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    def _action(self, *, owner_id, due, done, description, created_by_id=None, **links):
        """An action as the history leaves it: done by its owner at four on its due day, or open."""
        return Action(
            owner_id=owner_id,
            created_by_id=created_by_id or owner_id,
            description=description,
            due_date=due,
            status="done" if done else "open",
            done_at=min(self._at(due, 16), timezone.now()) if done else None,
            done_by_id=owner_id if done else None,
            **links,
        )

    def _bulk(self, model, rows):
        return model.objects.bulk_create(rows, batch_size=BATCH)

    # --- people ---------------------------------------------------------------------------------------

    def _staff(self):
        User = get_user_model()
        roles = {r.code: r for r in Role.objects.all()}
        password = make_password(PASSWORD)
        specs = []
        for codes, count, level, prefix in STAFF_MIX:
            for n in range(1, count + 1):
                username = f"{self.tag}-{prefix}" if count == 1 else f"{self.tag}-{prefix}-{n:02d}"
                specs.append((username, codes, level))
        self._bulk(
            User,
            [
                User(
                    username=username,
                    first_name=self.rng.choice(
                        ["Alex", "Sam", "Jo", "Priya", "Tom", "Nadia", "Ravi", "Ella"]
                    ),
                    last_name=f"{self.rng.choice(['Smith', 'Khan', 'Jones', 'Novak', 'Byrne', 'Silva'])}-{i}",
                    email=f"{username}@agency.example",
                    password=password,
                    is_staff="admin" in codes,
                    is_superuser="admin" in codes,
                )
                for i, (username, codes, _) in enumerate(specs)
            ],
        )
        users = list(User.objects.filter(username__in=[u for u, _, _ in specs]).order_by("pk"))
        by_name = {u.username: u for u in users}
        head = by_name[f"{self.tag}-head"]
        profiles = self._bulk(
            StaffProfile,
            [
                StaffProfile(
                    user=by_name[username],
                    level=level,
                    job_title=roles[codes[0]].name,
                    capacity_hours=Decimal("37.5"),
                    line_manager=None if username == head.username else head,
                )
                for username, codes, level in specs
            ],
        )
        through = StaffProfile.roles.through
        profile_of = {p.user_id: p for p in StaffProfile.objects.filter(user__in=users)}
        self._bulk(
            through,
            [
                through(staffprofile_id=profile_of[by_name[username].pk].pk, role_id=roles[code].pk)
                for username, codes, _ in specs
                for code in codes
            ],
        )
        assert len(profiles) == len(specs)

        def group(prefix):
            return [
                u
                for u in users
                if u.username.startswith(f"{self.tag}-{prefix}-") or u.username == f"{self.tag}-{prefix}"
            ]

        return {
            "head": head,
            "sponsors": group("sponsor") + group("adsp"),
            "ad": group("ad") + group("adsp"),
            "sam": group("sam"),
            "am": group("am"),
            "ae": group("ae"),
        }

    # --- clients --------------------------------------------------------------------------------------

    def _clients(self, n, staff):
        rng = self.rng
        tiers = {t.rank: t for t in Tier.objects.all()}
        industries = list(Industry.objects.order_by("pk"))
        bands = BandTable.load()
        budgets = {(b.band_id, b.propensity): b.monthly_budget for b in EntertainmentBudget.objects.all()}
        first_day = self.today - datetime.timedelta(days=365 * YEARS)
        rows = Batches(Client)
        for i in range(n):
            rank = rng.choices([r for r, _ in TIER_MIX], weights=[w for _, w in TIER_MIX])[0]
            project = rank in (2, 4) and rng.random() < 0.12
            low, high = SPEND[rank]
            amount = Decimal(rng.randrange(low, high, 50))
            status = rng.choices(["active", "onboarding", "paused", "lost"], weights=[85, 4, 4, 7])[0]
            start = first_day + datetime.timedelta(days=rng.randrange(0, 365 * YEARS - 120))
            if status == "onboarding":
                start = self.today - datetime.timedelta(days=rng.randrange(5, 60))
            lost = start + datetime.timedelta(days=rng.randrange(90, max(91, (self.today - start).days)))
            lost = min(lost, self.today - datetime.timedelta(days=3)) if status == "lost" else None
            sponsor = None if rng.random() < 0.06 else rng.choice(staff["sponsors"])
            rows.add(
                Client(
                    name=f"{rng.choice(WORDS_A)} {rng.choice(WORDS_B)} {i + 1:04d}",
                    domain=f"c{i + 1:04d}.{self.domain}",
                    industry=industries[i % len(industries)] if industries else None,
                    status=status,
                    engagement_type=EngagementType.PROJECT if project else EngagementType.RETAINED,
                    monthly_spend=None if project else amount,
                    project_value=amount * 4 if project else None,
                    tier=tiers[rank],
                    propensity=rng.choice(["low", "medium", "high"]),
                    exec_sponsor=sponsor,
                    start_date=start,
                    lost_date=lost,
                    lost_reason="Moved in-house." if lost else "",
                )
            )
        rows.flush()
        made = list(Client.objects.filter(domain__endswith=f".{self.domain}").order_by("pk"))
        lead_pool = {1: staff["ad"], 2: staff["sam"], 3: staff["am"], 4: staff["am"] + staff["ae"]}
        memberships, contacts = Batches(AccountTeamMembership), Batches(Contact)
        plans = Batches(CommsPlan)
        rank_of = {t.pk: r for r, t in tiers.items()}
        for c in made:
            pool = lead_pool[rank_of[c.tier_id]]
            if rng.random() < 0.02:  # a few leads too junior for the tier: the portfolio's exceptions
                pool = staff["ae"]
            lead = rng.choice(pool)
            c.scale_lead = lead
            memberships.add(
                AccountTeamMembership(client=c, user=lead, is_lead=True, responsibility="Lead AM")
            )
            support = rng.choice(staff["ae"])
            if support != lead:
                memberships.add(
                    AccountTeamMembership(client=c, user=support, responsibility="Reporting and call notes")
                )
            for j in range(3):
                contacts.add(
                    Contact(
                        client=c,
                        name=f"{rng.choice(['Karen', 'Liam', 'Oscar', 'Fiona', 'Isla', 'Dev'])} Contact{j}",
                        title=["Marketing Director", "Head of Digital", "Marketing Manager"][j],
                        seniority=["director", "senior", "manager"][j],
                        email=f"contact{j}@{c.domain}",
                        stance=rng.choice(["ally", "friend", "neutral", "neutral", "protester", "enemy"]),
                        rag=rng.choice(["green", "orange", "red", ""]) if j < 2 else "",
                    )
                )
            values = matrix_values(c, bands, budgets)
            notes = rng.random() < 0.03
            plans.add(
                CommsPlan(
                    client=c,
                    report_cadence=values["report_cadence"],
                    call_cadence=values["call_cadence"],
                    live_dashboard=values["live_dashboard"],
                    entertainment_budget=values["entertainment_budget"],
                    derived_from=values["derived_from"],
                    call_weekday=rng.randrange(5),
                    call_time=datetime.time(9 + rng.randrange(7), rng.choice([0, 30])),
                    anchor_date=c.start_date,
                    entertainment_notes="Box at the rugby in March" if notes else "",
                    surprise_delight_notes="Cake on their launch day" if notes and rng.random() < 0.5 else "",
                )
            )
        for batches in (memberships, contacts, plans):
            batches.flush()
        return made

    # --- five years of history --------------------------------------------------------------------

    def _activity(self, made, staff):
        rng, today = self.rng, self.today
        now = timezone.now()
        calls, flags = Batches(Call), Batches(Flag)
        gap_of = {1: 7, 2: 7, 3: 7, 4: 8}
        ranks = {t.pk: t.rank for t in Tier.objects.all()}
        for c in made:
            end = c.lost_date or today
            day = max(c.start_date, today - datetime.timedelta(days=365 * YEARS)) + datetime.timedelta(
                days=rng.randrange(7)
            )
            gap = gap_of[ranks[c.tier_id]]
            while day < end:
                held_at = self._at(day, 9 + rng.randrange(8), rng.choice([0, 30]))
                recent = (today - day).days < 4
                calls.add(
                    Call(
                        client=c,
                        author=c.scale_lead,
                        held_at=held_at,
                        held=True,
                        kind=rng.choice(["phone", "video", "video", "face_to_face"]),
                        duration_minutes=rng.choice([30, 30, 45, 60]),
                        rapport=rng.choice(RAPPORT),
                        delivery=rng.choice(DELIVERY),
                        strategy=rng.choice(STRATEGY),
                        commercial=rng.choice(COMMERCIAL) if rng.random() < 0.3 else "",
                        report_required=True,
                        report_sent_at=None
                        if recent and rng.random() < 0.5
                        else held_at + datetime.timedelta(hours=20),
                    )
                )
                day += datetime.timedelta(days=gap + rng.choice([-1, 0, 0, 0, 1]))
            # about four flags a client-year (twenty thousand over five years); a flag is worked for
            # about two weeks, so the open ones are those of the last fortnight (~150 across the agency)
            tenure = max(1, (end - c.start_date).days)
            for _ in range(round(4 * tenure / 365 * rng.uniform(0.7, 1.3))):
                raised = c.start_date + datetime.timedelta(days=rng.randrange(tenure))
                is_open = (today - raised).days < 14 and c.status != "lost"
                raised_at = self._at(raised, 11)
                flags.add(
                    Flag(
                        client=c,
                        title=rng.choice(FLAG_TITLES),
                        description="Raised on the weekly call; the client has noticed and is worried.",
                        source=rng.choice(["weekly_call", "comms", "exec_sponsor", "support", "other"]),
                        severity=rng.choices(["serious", "major", "critical"], weights=[70, 22, 8])[0],
                        status="open" if is_open else "resolved",
                        owner=c.scale_lead,
                        raised_by=c.scale_lead,
                        raised_at=raised_at,
                        resolution=""
                        if is_open
                        else "Recovery plan delivered; client confirmed they are happy.",
                        resolved_at=None if is_open else min(raised_at + datetime.timedelta(days=14), now),
                        resolved_by=None if is_open else staff["head"],
                    )
                )
        calls.flush()
        flags.flush()
        self.stdout.write(f"  {calls.count:,} calls and {flags.count:,} flags")
        self._actions(made, staff)
        self._attendees(made)
        self._contracts(made)
        self._nps(made, staff)
        self._occurrences()
        self._meetings(made, staff)

    def _actions(self, made, staff):
        rng, today = self.rng, self.today
        actions = Batches(Action)
        flags = Flag.objects.filter(client__in=made).only(
            "pk", "client_id", "owner_id", "raised_at", "status"
        )
        for flag in flags.iterator(chunk_size=BATCH):
            for k in range(rng.choice([1, 2, 2])):
                due = timezone.localdate(flag.raised_at) + datetime.timedelta(days=7 * (k + 1))
                done = flag.status == "resolved" or (due < today - datetime.timedelta(days=10))
                actions.add(
                    self._action(
                        owner_id=flag.owner_id,
                        due=due,
                        done=done,
                        description=["Prepare a recovery plan", "Call their MD", "Send a revised timeline"][
                            k % 3
                        ],
                        client_id=flag.client_id,
                        flag_id=flag.pk,
                    )
                )
        # the next action from each of the last eight weeks' calls
        recent = Call.objects.filter(
            client__in=made, held_at__gte=self._at(today - datetime.timedelta(days=56))
        )
        for call in recent.only("pk", "client_id", "author_id", "held_at").iterator(chunk_size=BATCH):
            due = timezone.localdate(call.held_at) + datetime.timedelta(days=rng.randrange(2, 10))
            done = due < today - datetime.timedelta(days=3) and rng.random() < 0.9
            actions.add(
                self._action(
                    owner_id=call.author_id,
                    due=due,
                    done=done,
                    description="Send the revised content calendar",
                    client_id=call.client_id,
                    call_id=call.pk,
                )
            )
        actions.flush()
        self.stdout.write(f"  {actions.count:,} actions")

    def _attendees(self, made):
        """Attendees on the last 90 days' calls (older calls keep their notes only)."""
        contacts = {}
        for contact_id, client_id in Contact.objects.filter(client__in=made).values_list("pk", "client_id"):
            contacts.setdefault(client_id, []).append(contact_id)
        staff_through, contact_through = Call.staff_attendees.through, Call.contact_attendees.through
        recent = Call.objects.filter(
            client__in=made, held_at__gte=self._at(self.today - datetime.timedelta(days=90))
        )
        with Batches(staff_through) as staff_rows, Batches(contact_through) as contact_rows:
            for call_id, client_id, author_id in recent.values_list("pk", "client_id", "author_id").iterator(
                chunk_size=BATCH
            ):
                staff_rows.add(staff_through(call_id=call_id, user_id=author_id))
                for c in contacts.get(client_id, [])[:2]:
                    contact_rows.add(contact_through(call_id=call_id, contact_id=c))

    def _contracts(self, made):
        rng, today = self.rng, self.today
        rows = Batches(Contract)
        for c in made:
            if c.engagement_type != EngagementType.RETAINED:
                continue
            start = c.start_date
            while start < (c.lost_date or today):
                end = start + datetime.timedelta(days=365)
                current = end >= today and c.status in ("active", "onboarding")
                rows.add(
                    Contract(
                        client=c,
                        title="Retained services agreement",
                        start_date=start,
                        end_date=end,
                        notice_period_days=rng.choice([30, 60, 90]),
                        value=c.monthly_spend * 12,
                        status="signed" if current else ("ended" if c.status == "lost" else "renewed"),
                    )
                )
                start = end
        rows.flush()

    def _nps(self, made, staff):
        """Quarterly check-ins by the sponsor: tier 1 and 2 clients for five years, tier 3 for the last
        six quarters (about 8,000 at 2,000 clients)."""
        rng, today = self.rng, self.today
        now = timezone.now()
        this_q = quarter_start(today)
        quarters = [this_q]
        for _ in range(4 * YEARS - 1):
            quarters.append(quarter_start(quarters[-1] - datetime.timedelta(days=1)))
        tier_rank = {t.pk: t.rank for t in Tier.objects.all()}
        rows = Batches(NpsCheckIn)
        for c in made:
            if not c.exec_sponsor_id or tier_rank[c.tier_id] > 3:
                continue
            since = quarters[5] if tier_rank[c.tier_id] == 3 else quarters[-1]
            base = rng.choice([6, 7, 8, 8, 9, 9])
            for q in quarters:
                if q < since or q < quarter_start(c.start_date) or (c.lost_date and q > c.lost_date):
                    continue
                answered = q < this_q or rng.random() < 0.4
                completed = min(self._at(q + datetime.timedelta(days=rng.randrange(10, 60)), 11), now)
                score = max(0, min(10, base + rng.choice([-3, -1, 0, 0, 1, 1, 2])))
                rows.add(
                    NpsCheckIn(
                        client=c,
                        quarter=q,
                        sponsor_id=c.exec_sponsor_id,
                        status="done" if answered else "due",
                        score=score if answered else None,
                        comment="Happy overall; reporting could be faster." if answered else "",
                        completed_at=completed if answered else None,
                    )
                )
        rows.flush()
        # a few hundred client survey answers over the last two years
        lead_of = {c.pk: c.scale_lead for c in made}
        contacts = list(Contact.objects.filter(client__in=made).order_by("pk")[: 3 * 300 : 3])
        self._bulk(
            SurveyInvite,
            [SurveyInvite(contact=c, created_by=lead_of[c.client_id], used_at=now) for c in contacts],
        )
        invites = list(
            SurveyInvite.objects.filter(contact__in=contacts).select_related("contact").order_by("pk")
        )
        self._bulk(
            SurveyResponse,
            [
                SurveyResponse(
                    invite=inv,
                    client_id=inv.contact.client_id,
                    score=rng.choice([5, 7, 8, 9, 9, 10]),
                    comment="Responsive team.",
                    quarter=quarters[rng.randrange(8)],
                )
                for inv in invites
            ],
        )
        self.stdout.write(f"  {rows.count:,} NPS check-ins, {len(invites)} survey answers")

    def _occurrences(self):
        """The last 90 days and next four weeks of calls and reports, settled as a real team would."""
        start = self.today - datetime.timedelta(days=90)
        occurrences_generate(today=start, horizon_days=90 + 28)
        past = Occurrence.objects.filter(due_date__lt=self.today - datetime.timedelta(days=2))
        ids = list(past.values_list("pk", flat=True))
        missed = set(self.rng.sample(ids, k=len(ids) // 12)) if ids else set()
        Occurrence.objects.filter(pk__in=ids).exclude(pk__in=missed).update(
            status="done", done_at=timezone.now()
        )
        Occurrence.objects.filter(pk__in=missed).update(status="missed")

    def _meetings(self, made, staff):
        """A weekly meet every Monday for a year, each agreeing a few actions; the last few still open."""
        rng, today = self.rng, self.today
        head = staff["head"]
        monday = week_start(today)
        # ignore_conflicts: a second set (another --tag) shares the agency's meetings
        Meeting.objects.bulk_create(
            ignore_conflicts=True,
            objs=[
                Meeting(
                    kind="weekly_meet",
                    held_on=monday - datetime.timedelta(weeks=w),
                    chair=head,
                    notes="Flags reviewed AM by AM; renewals assigned.",
                )
                for w in range(1, 53)
            ],
        )
        meetings = list(Meeting.objects.filter(kind="weekly_meet", held_on__lt=monday).order_by("held_on"))
        open_flags = list(
            Flag.objects.filter(client__in=made, status="open").only("pk", "client_id", "owner_id")
        )
        actives = [c for c in made if c.status == "active"]
        rows = []
        for m in meetings:
            recent = (monday - m.held_on).days <= 14
            for _ in range(3):
                flag = rng.choice(open_flags) if recent and open_flags else None
                client_id = flag.client_id if flag else rng.choice(actives).pk
                owner_id = flag.owner_id if flag else rng.choice(staff["am"]).pk
                due = m.held_on + datetime.timedelta(days=7)
                done = not recent or rng.random() < 0.3
                rows.append(
                    self._action(
                        owner_id=owner_id,
                        due=due,
                        done=done,
                        description="Agreed in the meet: call the client with a plan",
                        created_by_id=head.pk,
                        client_id=client_id,
                        flag_id=flag.pk if flag else None,
                        meeting=m,
                    )
                )
        self._bulk(Action, rows)
