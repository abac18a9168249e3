"""factory-boy factories for every model."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from clients.models import (
    AccountTeamMembership,
    Action,
    Call,
    Client,
    Contact,
    EngagementType,
    EscalationRule,
    Flag,
    Industry,
    Tier,
)
from clients.services.support import due_times
from csops.dates import quarter_start, week_start
from people.models import Role, StaffProfile
from reporting.models import ReportingBand

ROLE_NAMES = dict(Role.CODES)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        django_get_or_create = ["code"]

    code = Role.ACCOUNT_MANAGER
    name = factory.LazyAttribute(lambda o: ROLE_NAMES[o.code])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@agency.example")
    password = factory.django.Password("pw-for-tests-1")


class StaffProfileFactory(factory.django.DjangoModelFactory):
    """A staff member; `roles=["account_manager", ...]` gives them roles by code."""

    class Meta:
        model = StaffProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    job_title = "Account Manager"

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for code in extracted or []:
            self.roles.add(RoleFactory(code=code))


def staff(*roles, **user_fields):
    """A user holding the given role codes."""
    profile = StaffProfileFactory(user=UserFactory(**user_fields), roles=list(roles))
    return profile.user


class TierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tier
        django_get_or_create = ["rank"]

    rank = 3
    name = factory.LazyAttribute(lambda o: f"Tier {o.rank}")


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ["name"]

    name = "Technology"


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n}")
    domain = factory.Sequence(lambda n: f"client{n}.example")
    industry = factory.SubFactory(IndustryFactory)
    status = Client.Status.ACTIVE
    engagement_type = EngagementType.RETAINED
    monthly_spend = Decimal("2000")
    project_value = None
    tier = factory.SubFactory(TierFactory)


class ProjectClientFactory(ClientFactory):
    engagement_type = EngagementType.PROJECT
    monthly_spend = None
    project_value = Decimal("8000")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountTeamMembership

    client = factory.SubFactory(ClientFactory)
    user = factory.LazyFunction(lambda: staff(Role.ACCOUNT_MANAGER))
    responsibility = "Day-to-day comms and reporting"
    is_lead = False


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    name = factory.Faker("name")
    title = "Marketing Manager"
    email = factory.Sequence(lambda n: f"contact{n}@client.example")


class ReportingBandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingBand
        django_get_or_create = ["engagement_type", "min_amount"]

    engagement_type = EngagementType.RETAINED
    min_amount = Decimal("0")
    max_amount = Decimal("1000")
    report_cadence = "monthly"
    call_cadence = "monthly"
    live_dashboard = "no"


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    client = factory.SubFactory(ClientFactory)
    author = factory.LazyFunction(lambda: staff(Role.ACCOUNT_MANAGER))
    held_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))
    kind = Call.Kind.VIDEO
    duration_minutes = 30
    delivery = "Agreed the May content plan; sign-off on the landing pages by Friday."


class FlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flag

    client = factory.SubFactory(ClientFactory)
    title = "Rankings dropped after the site migration"
    description = "Organic traffic down 30% since the relaunch; the client is worried."
    source = Flag.Source.WEEKLY_CALL
    severity = Flag.Severity.SERIOUS
    owner = factory.LazyFunction(lambda: staff(Role.ACCOUNT_MANAGER))
    raised_by = factory.SelfAttribute("owner")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    client = factory.SubFactory(ClientFactory)
    description = "Send the revised media plan"
    owner = factory.LazyFunction(lambda: staff(Role.ACCOUNT_MANAGER))
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=3))
    created_by = factory.SelfAttribute("owner")


class EscalationRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EscalationRule

    client = factory.SubFactory(ClientFactory)
    matter = EscalationRule.Matter.DISCOUNT
    role = factory.LazyFunction(lambda: RoleFactory(code=Role.HEAD_OF_CS))


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commercial.Contract"

    client = factory.SubFactory(ClientFactory)
    title = "Services agreement"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=300))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=65))
    notice_period_days = 30
    value = Decimal("24000")
    status = "signed"


class EntertainmentBudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commercial.EntertainmentBudget"
        django_get_or_create = ["band", "propensity"]

    band = factory.SubFactory(ReportingBandFactory)
    propensity = "high"
    monthly_budget = Decimal("50")


class CsPriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "onboarding.CsPrice"
        django_get_or_create = ["industry", "spend_band", "client_size", "service"]

    industry = None
    spend_band = None
    client_size = "medium"
    service = "seo"
    monthly_fee = Decimal("450")


class CommsPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.CommsPlan"
        django_get_or_create = ["client"]

    client = factory.SubFactory(ClientFactory)
    report_cadence = "monthly"
    call_cadence = "weekly"
    anchor_date = factory.LazyFunction(timezone.localdate)


class OccurrenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.Occurrence"

    client = factory.SubFactory(ClientFactory)
    kind = "call"
    due_date = factory.LazyFunction(timezone.localdate)


class NpsCheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.NpsCheckIn"

    client = factory.SubFactory(ClientFactory)
    quarter = factory.LazyFunction(lambda: datetime.date(timezone.localdate().year, 1, 1))
    sponsor = factory.LazyFunction(lambda: staff(Role.EXEC_SPONSOR))


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.Notification"

    user = factory.SubFactory(UserFactory)
    key = factory.Sequence(lambda n: f"event-{n}")
    subject = "Call tomorrow: Northwind Outdoor"
    url = "/my-week/"


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.CalendarFeed"

    user = factory.SubFactory(UserFactory)
    token = factory.Sequence(lambda n: f"secret-token-{n:04d}-abcdefghijklmnop")


class PdpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.Pdp"

    staff = factory.SubFactory(UserFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    next_review_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    salary_review_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=200))


class PdpTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.PdpTarget"

    pdp = factory.SubFactory(PdpFactory)
    description = "Every main contact met one-to-one this year"
    measure = "Meetings logged with each decision maker"
    reward = "Step up to senior account manager"


class PdpReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.PdpReview"

    pdp = factory.SubFactory(PdpFactory)
    held_on = factory.LazyFunction(timezone.localdate)
    reviewer = factory.SubFactory(UserFactory)
    notes = "On track; two contacts still to meet."


class ThrottleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.Throttle"

    key = factory.Sequence(lambda n: f"reset-address:192.0.2.{n % 250}")
    window_start = factory.LazyFunction(lambda: timezone.now().replace(minute=0, second=0, microsecond=0))
    expires_at = factory.LazyAttribute(lambda t: t.window_start + datetime.timedelta(hours=1))
    count = 1


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.Meeting"

    kind = "weekly_meet"
    held_on = factory.Sequence(lambda n: timezone.localdate() - datetime.timedelta(days=7 * n))
    chair = factory.LazyFunction(lambda: staff(Role.HEAD_OF_CS))


class SurveyInviteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.SurveyInvite"

    contact = factory.SubFactory(ContactFactory)
    created_by = factory.LazyFunction(lambda: staff(Role.ACCOUNT_MANAGER))


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.SurveyResponse"

    invite = factory.SubFactory(SurveyInviteFactory, used_at=factory.LazyFunction(timezone.now))
    client = factory.LazyAttribute(lambda o: o.invite.contact.client)
    score = 9
    quarter = factory.LazyFunction(lambda: quarter_start(timezone.localdate()))


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.ExchangeRate"
        django_get_or_create = ["currency"]

    currency = "EUR"
    rate = Decimal("0.86")


# --- issue 19: data in and out ---------------------------------------------------------------------


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A personal API token; `key` (the secret, shown once) is kept on the object for the test."""

    class Meta:
        model = "people.ApiToken"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Script {n}")

    @classmethod
    def _create(cls, model_class, *args, user, name, **kwargs):
        from people.tokens import api_token_create

        token, key = api_token_create(user=user, name=name)
        token.key = key
        return token


# --- the team (issue 18): invitations, timesheets, CS fees, team objectives -------------------------------


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.Invitation"

    user = factory.SubFactory(UserFactory)
    invited_by = factory.SubFactory(UserFactory)
    sent_at = factory.LazyFunction(timezone.now)


class TimesheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.Timesheet"
        django_get_or_create = ["user", "week"]

    user = factory.SubFactory(UserFactory)
    week = factory.LazyFunction(lambda: week_start(timezone.localdate()))
    submitted_at = factory.LazyFunction(timezone.now)


class TimeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.TimeEntry"

    timesheet = factory.SubFactory(TimesheetFactory)
    client = factory.SubFactory(ClientFactory)
    category = "client"
    hours = Decimal("7.5")


class ClientCsFeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.ClientCsFee"
        django_get_or_create = ["client"]

    client = factory.SubFactory(ClientFactory)
    monthly_fee = Decimal("1500")


class TeamYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.TeamYear"
        django_get_or_create = ["year"]

    year = factory.LazyFunction(lambda: timezone.localdate().year)
    mantra = "Retention target met; upsell target beaten"


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.Objective"

    team_year = factory.SubFactory(TeamYearFactory)
    title = "Become client seniors' best friends"


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.Measure"

    objective = factory.SubFactory(ObjectiveFactory)
    description = "Every red senior contact at least orange"
    kind = "red_to_orange"
    target = Decimal("100")
    deadline = factory.LazyAttribute(lambda o: datetime.date(o.objective.team_year.year, 6, 30))


# --- onboarding (issue 14) ------------------------------------------------------------------------


def new_business(**user_fields):
    return staff(Role.NEW_BUSINESS, **user_fields)


class SpendBandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "onboarding.SpendBand"
        django_get_or_create = ["engagement_type", "min_amount"]

    engagement_type = EngagementType.RETAINED
    min_amount = Decimal("0")
    max_amount = Decimal("1500")
    suggested_tier = factory.SubFactory(TierFactory, rank=4)


class PitchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "onboarding.Pitch"

    prospect_name = factory.Sequence(lambda n: f"Prospect {n}")
    domain = factory.Sequence(lambda n: f"prospect{n}.example")
    industry = factory.SubFactory(IndustryFactory)
    client_size = "medium"
    engagement_type = EngagementType.RETAINED
    monthly_spend = Decimal("4000")
    project_value = None
    services = factory.LazyFunction(lambda: ["seo", "ppc"])
    new_business_owner = factory.LazyFunction(new_business)
    decision = "yes"
    decision_reason = "Good fit: budget and ambition match our paid search team."
    proposed_cs = factory.LazyFunction(lambda: staff(Role.SENIOR_ACCOUNT_MANAGER))
    pitch_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    created_by = factory.LazyAttribute(lambda o: o.new_business_owner)


class OnboardingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "onboarding.Onboarding"
        django_get_or_create = ["client"]

    client = factory.SubFactory(ClientFactory, status=Client.Status.ONBOARDING)
    won_on = factory.LazyFunction(timezone.localdate)
    meeting = "call"


class OnboardingStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "onboarding.OnboardingStep"

    onboarding = factory.SubFactory(OnboardingFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Step {n}")
    owner = factory.LazyFunction(lambda: staff(Role.ACCOUNT_MANAGER))
    due_date = factory.LazyFunction(timezone.localdate)


class FormLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "onboarding.FormLink"

    client = factory.SubFactory(ClientFactory)
    kind = "onboarding"
    created_by = factory.LazyFunction(lambda: staff(Role.ACCOUNT_MANAGER))


class OnboardingFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "onboarding.OnboardingForm"
        django_get_or_create = ["client"]

    client = factory.SubFactory(ClientFactory)
    objectives = "Grow online sales 20% this year."


class OnboardingChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "onboarding.OnboardingChannel"

    client = factory.SubFactory(ClientFactory)
    channel = "Paid search"
    budget_owner = "Head of marketing"
    done_by = "us"


class FinanceDetailsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "onboarding.FinanceDetails"
        django_get_or_create = ["client"]

    client = factory.SubFactory(ClientFactory)
    billing_entity = "Northwind Outdoor Ltd"
    address = "1 High Street, Leeds"
    invoice_email = "accounts@northwind.example"
    vat_number = "GB123456789"


class ProjectInitiationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "onboarding.ProjectInitiation"

    client = factory.SubFactory(ClientFactory)
    job_number = factory.Sequence(lambda n: f"J{1000 + n}")
    name = "Spring campaign"
    brief = "Launch the spring range."
    scope = "Paid social and search."
    budget = Decimal("12000")
    start_date = factory.LazyFunction(timezone.localdate)
    end_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    created_by = factory.LazyFunction(lambda: staff(Role.ACCOUNT_MANAGER))


# --- issue 17: jobs and status reports, dashboard share links, the support register -------------------


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.Job"

    client = factory.SubFactory(ClientFactory)
    number = factory.Sequence(lambda n: f"JOB-{n:04d}")
    name = factory.Sequence(lambda n: f"Campaign landing pages {n}")
    kind = "project"
    status = "in_progress"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    owner = factory.LazyFunction(lambda: staff(Role.ACCOUNT_MANAGER))
    created_by = factory.LazyAttribute(lambda o: o.owner)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.Milestone"

    job = factory.SubFactory(JobFactory)
    name = factory.Sequence(lambda n: f"Milestone {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


class StatusReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.StatusReview"

    client = factory.SubFactory(ClientFactory)
    reviewed_by = factory.LazyFunction(lambda: staff(Role.ACCOUNT_MANAGER))
    reviewed_at = factory.LazyFunction(timezone.now)


class ClientDashboardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.ClientDashboard"
        django_get_or_create = ["client"]

    client = factory.SubFactory(ClientFactory)


class DashboardLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.DashboardLink"

    client = factory.SubFactory(ClientFactory)
    created_by = factory.LazyFunction(lambda: staff(Role.ACCOUNT_MANAGER))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))


class SupportArrangementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "clients.SupportArrangement"

    client = factory.SubFactory(ClientFactory)
    since = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=90))
    critical_response_hours = Decimal("1")
    critical_resolution_hours = Decimal("4")
    high_response_hours = Decimal("2")
    high_resolution_hours = Decimal("8")
    normal_response_hours = Decimal("4")
    normal_resolution_hours = Decimal("16")
    low_response_hours = Decimal("8")
    low_resolution_hours = Decimal("40")
    created_by = factory.LazyFunction(lambda: staff(Role.ACCOUNT_MANAGER))


def support_request(*, arrangement, received_at, priority="normal", owner=None, **fields):
    """A support request with its SLA due times worked out as the service does."""
    return SupportRequestFactory(
        client=arrangement.client,
        arrangement=arrangement,
        received_at=received_at,
        priority=priority,
        owner=owner or arrangement.created_by,
        **{**due_times(arrangement, priority, received_at), **fields},
    )


class SupportRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "clients.SupportRequest"

    arrangement = factory.SubFactory(SupportArrangementFactory)
    client = factory.LazyAttribute(lambda o: o.arrangement.client)
    received_at = factory.LazyFunction(timezone.now)
    priority = "normal"
    summary = factory.Sequence(lambda n: f"Contact form not sending ({n})")
    owner = factory.LazyAttribute(lambda o: o.arrangement.created_by)
    created_by = factory.LazyAttribute(lambda o: o.arrangement.created_by)
    response_due_at = factory.LazyAttribute(lambda o: o.received_at + datetime.timedelta(hours=4))
    resolution_due_at = factory.LazyAttribute(lambda o: o.received_at + datetime.timedelta(hours=16))
    response_warn_at = factory.LazyAttribute(lambda o: o.received_at + datetime.timedelta(hours=3))
    resolution_warn_at = factory.LazyAttribute(lambda o: o.received_at + datetime.timedelta(hours=12))


# --- account plans (commercial/models/plans.py) -------------------------------------------------


class AccountPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commercial.AccountPlan"
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    year = 2026
    business_objective = "Become the client's lead digital agency"
    goal = "Retainer up 10% and two new services by December"
    created_by = factory.LazyFunction(lambda: staff(Role.ACCOUNT_MANAGER))

    @factory.post_generation
    def metrics(plan, create, extracted, **kwargs):
        """The six rows of seed 002's table, with the seed's own targets unless `metrics=` says."""
        from commercial.models import Metric, PlanMetric

        if not create:
            return
        seed = extracted or {
            Metric.ALLIES: (2, 8, 12, 15),
            Metric.ENEMIES: (-1, -3, -6, -8),
            Metric.MEETINGS: (2, 3, 3, 3),
            Metric.NEW_SERVICES: (0, 1, 3, 4),
            Metric.OPPORTUNITIES: (1, 3, 4, 4),
            Metric.INCOME: (15000, 22000, 25000, 28000),
        }
        PlanMetric.objects.bulk_create(
            [
                PlanMetric(
                    plan=plan,
                    metric=m,
                    **{f"target_q{q}": seed.get(m, (None,) * 4)[q - 1] for q in (1, 2, 3, 4)},
                )
                for m in Metric.values
            ]
        )


class PlanObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commercial.PlanObjective"

    plan = factory.SubFactory(AccountPlanFactory)
    description = "Take the marketing director to lunch by the end of the quarter"
    owner = factory.LazyFunction(lambda: staff(Role.ACCOUNT_MANAGER))
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=5))


class PlanReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commercial.PlanReview"

    plan = factory.SubFactory(AccountPlanFactory)
    trigger = "client_personnel"
    what_happened = "The marketing director left"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))


class QbrFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commercial.Qbr"

    client = factory.SubFactory(ClientFactory)
    quarter = datetime.date(2026, 10, 1)
