from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from csops.versioning import Versioned
from people import roles
from people.models import Role


class EngagementType(models.TextChoices):
    RETAINED = "retained", "Retained"
    PROJECT = "project", "Project"


class Tier(models.Model):
    """Admin-defined client tier: "set, not set in stone" (seed 000, Tiering clients)."""

    rank = models.PositiveSmallIntegerField(unique=True, help_text="1 is the most important tier.")
    name = models.CharField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    lead_min_role = models.ForeignKey(
        Role,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="lead needs at least",
        help_text="Tier 1 gets senior time: the least senior role that may lead.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["rank"]

    def __str__(self):
        return self.name


class Industry(models.Model):
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "industries"

    def __str__(self):
        return self.name


class ClientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def current(self):
        """The book being worked: not archived, and active or onboarding."""
        return self.active().filter(status__in=[Client.Status.ACTIVE, Client.Status.ONBOARDING])

    def for_user(self, user):
        """The clients this person may see (§1): every one for the CS team and admins, an exec
        sponsor's own for an exec sponsor, none otherwise. clients/permissions.py decides the rest."""
        if roles.sees_every_client(user):
            return self
        if roles.is_exec_sponsor(user):
            return self.filter(exec_sponsor=user)
        return self.none()

    def with_amount(self):
        """`amount_sort`: monthly spend (retained) or project value (project), as one sortable column."""
        return self.annotate(amount_sort=Coalesce("monthly_spend", "project_value"))


class Client(Versioned):
    class Status(models.TextChoices):
        PITCH = "pitch", "Pitch"
        ONBOARDING = "onboarding", "Onboarding"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        LOST = "lost", "Lost"

    class Propensity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    class Currency(models.TextChoices):
        GBP = "GBP", "GBP (£)"
        EUR = "EUR", "EUR (€)"
        USD = "USD", "USD ($)"

    name = models.CharField(max_length=200)
    domain = models.CharField(
        max_length=253, blank=True, help_text="The client's web domain, e.g. example.com"
    )
    industry = models.ForeignKey(Industry, null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PITCH)
    engagement_type = models.CharField(max_length=20, choices=EngagementType.choices)
    monthly_spend = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Retained clients: spend per month.",
    )
    project_value = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Project clients: total project value.",
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.GBP)
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="clients")
    bespoke_plan = models.BooleanField(
        "bespoke (override band)",
        default=False,
        help_text="The client's own plan sets report and call cadence, whatever its spend band.",
    )
    propensity = models.CharField(
        "propensity to spend", max_length=10, choices=Propensity.choices, default=Propensity.MEDIUM
    )
    exec_sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sponsored_clients",
    )
    start_date = models.DateField(null=True, blank=True)
    lost_date = models.DateField(null=True, blank=True)
    lost_reason = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="client_name_not_empty",
                violation_error_message="Give the client a name.",
            ),
            # The spend band is derived from the one amount that fits the engagement (reporting matrix).
            models.CheckConstraint(
                condition=(
                    Q(engagement_type=EngagementType.RETAINED, project_value__isnull=True)
                    | Q(engagement_type=EngagementType.PROJECT, monthly_spend__isnull=True)
                ),
                name="client_amount_fits_engagement",
                violation_error_message=(
                    "A retained client has a monthly spend and no project value; "
                    "a project client has a project value and no monthly spend."
                ),
            ),
            models.CheckConstraint(
                condition=Q(monthly_spend__isnull=True) | Q(monthly_spend__gte=0),
                name="client_spend_not_negative",
                violation_error_message="Monthly spend cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(project_value__isnull=True) | Q(project_value__gte=0),
                name="client_project_value_not_negative",
                violation_error_message="A project value cannot be negative.",
            ),
            # Lost-client reporting (wash-ups, retention) needs the date a client was lost.
            models.CheckConstraint(
                condition=~Q(status="lost") | Q(lost_date__isnull=False),
                name="client_lost_has_date",
                violation_error_message="A lost client needs the date it was lost.",
            ),
            # One client per web domain: the onboarding form and dedupe of pitches rely on it.
            models.UniqueConstraint(
                Lower("domain"),
                condition=~Q(domain=""),
                name="client_domain_unique",
                violation_error_message="Another client already has this web domain.",
            ),
        ]
        indexes = [
            # the client list filters on these and sorts by name
            models.Index(fields=["archived_at", "status"], name="client_archived_status"),
            models.Index(fields=["tier", "name"], name="client_tier_name"),
            # the list's first page (current clients by name) reads 25 rows, not a sort of the book
            models.Index(fields=["name"], condition=Q(archived_at__isnull=True), name="client_current_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def amount(self):
        return self.monthly_spend if self.engagement_type == EngagementType.RETAINED else self.project_value

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def lead(self):
        """The lead AM, from prefetched memberships where the caller prefetched them."""
        for membership in self.memberships.all():
            if membership.is_lead:
                return membership.user
        return None

    def archive(self):
        self.archived_at = timezone.now()


class AccountTeamMembership(models.Model):
    """A person on a client's account team and what they do for this client (seed 004)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    responsibility = models.CharField(
        "what they do for this client",
        max_length=255,
        help_text="e.g. day-to-day comms and reporting; paid search delivery lead",
    )
    is_lead = models.BooleanField("lead AM", default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_lead", "user__first_name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "user"],
                name="membership_one_per_person",
                violation_error_message="This person is already on the account team.",
            ),
            # "one lead AM" (PRODUCT.md §2): escalation path and my-week both read the single lead.
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(is_lead=True),
                name="membership_one_lead",
                violation_error_message="The client already has a lead AM: untick the current lead first.",
            ),
        ]

    def __str__(self):
        return f"{self.user} on {self.client}"


class Contact(Versioned):
    class Seniority(models.TextChoices):
        JUNIOR = "junior", "Junior"
        MANAGER = "manager", "Manager"
        SENIOR = "senior", "Senior / head of"
        DIRECTOR = "director", "Director"
        C_LEVEL = "c_level", "C-level / owner"

    class Stance(models.TextChoices):
        # seed 002: friends and allies vs enemies and protesters
        ALLY = "ally", "Ally"
        FRIEND = "friend", "Friend"
        NEUTRAL = "neutral", "Neutral"
        PROTESTER = "protester", "Protester"
        ENEMY = "enemy", "Enemy"

    class Rag(models.TextChoices):
        # seed 000 team objectives: red senior contacts to orange by June, green by year end
        RED = "red", "Red"
        ORANGE = "orange", "Orange"
        GREEN = "green", "Green"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    title = models.CharField("job title", max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    seniority = models.CharField(max_length=20, choices=Seniority.choices, default=Seniority.MANAGER)
    decision_maker = models.BooleanField(default=False)
    stance = models.CharField(max_length=20, choices=Stance.choices, default=Stance.NEUTRAL)
    rag = models.CharField("senior-contact RAG", max_length=10, choices=Rag.choices, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="contact_name_not_empty",
                violation_error_message="Give the contact a name.",
            ),
            # surveys and call reports are emailed to contacts: one person, one row per client
            models.UniqueConstraint(
                "client",
                Lower("email"),
                condition=~Q(email=""),
                name="contact_email_unique_per_client",
                violation_error_message="This client already has a contact with this email address.",
            ),
        ]

    def __str__(self):
        return self.name


def leads_prefetch(prefix: str = "") -> models.Prefetch:
    """A client's lead AMs as `client.leads` (a list of memberships with their users), in one query."""
    return models.Prefetch(
        f"{prefix}memberships",
        queryset=AccountTeamMembership.objects.filter(is_lead=True).select_related("user"),
        to_attr="leads",
    )
