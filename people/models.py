from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Role(models.Model):
    """A role of PRODUCT.md §1. Rows are loaded by a data migration; a person may hold several."""

    ACCOUNT_EXECUTIVE = "account_executive"
    ACCOUNT_MANAGER = "account_manager"
    SENIOR_ACCOUNT_MANAGER = "senior_account_manager"
    ACCOUNT_DIRECTOR = "account_director"
    HEAD_OF_CS = "head_of_cs"
    EXEC_SPONSOR = "exec_sponsor"
    ADMIN = "admin"

    CODES = [
        (ACCOUNT_EXECUTIVE, "Account executive"),
        (ACCOUNT_MANAGER, "Account manager"),
        (SENIOR_ACCOUNT_MANAGER, "Senior account manager"),
        (ACCOUNT_DIRECTOR, "Account director"),
        (HEAD_OF_CS, "Head of CS"),
        (EXEC_SPONSOR, "Exec sponsor"),
        (ADMIN, "Admin / ops"),
    ]
    # The CS team of §1: they read every client and write for the clients whose team they are on.
    CS_TEAM = frozenset(
        {ACCOUNT_EXECUTIVE, ACCOUNT_MANAGER, SENIOR_ACCOUNT_MANAGER, ACCOUNT_DIRECTOR, HEAD_OF_CS}
    )

    code = models.CharField(max_length=40, choices=CODES, unique=True)
    name = models.CharField(max_length=80)
    # Seniority order for tier matching: a higher rank may lead a higher tier.
    rank = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rank", "name"]

    def __str__(self):
        return self.name


class StaffProfile(models.Model):
    class Level(models.TextChoices):
        JUNIOR = "junior", "Junior"
        SENIOR = "senior", "Senior"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    roles = models.ManyToManyField(Role, related_name="profiles", blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.JUNIOR)
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    capacity_hours = models.DecimalField(
        "capacity (hours/week)", max_digits=4, decimal_places=1, default=37.5
    )
    phone = models.CharField(max_length=40, blank=True)

    history = HistoricalRecords(m2m_fields=[roles])

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        constraints = [
            # capacity feeds utilisation (§2 people/); a negative or absurd week would poison it
            models.CheckConstraint(
                condition=models.Q(capacity_hours__gte=0, capacity_hours__lte=80),
                name="staffprofile_capacity_range",
            ),
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    @property
    def role_names(self) -> str:
        return ", ".join(role.name for role in self.roles.all())
