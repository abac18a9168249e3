import datetime
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from clients.models import Client
from csops.versioning import Versioned
from reporting.models import ReportingBand

CONTRACT_TYPES = {".pdf", ".doc", ".docx"}
CONTRACT_MAX_BYTES = 10 * 1024 * 1024


class EntertainmentBudget(models.Model):
    """The entertainment matrix (seed 000, "Entertainment"): spend band × propensity → £ per month."""

    band = models.ForeignKey(ReportingBand, on_delete=models.CASCADE, related_name="entertainment_budgets")
    propensity = models.CharField(max_length=10, choices=Client.Propensity.choices)
    monthly_budget = models.DecimalField(max_digits=8, decimal_places=2, validators=[MinValueValidator(0)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["band__engagement_type", "band__min_amount", "propensity"]
        constraints = [
            models.UniqueConstraint(
                fields=["band", "propensity"],
                name="entertainment_one_per_cell",
                violation_error_message="This band and propensity already have a budget: change that one.",
            ),
            models.CheckConstraint(
                condition=Q(monthly_budget__gte=0),
                name="entertainment_not_negative",
                violation_error_message="A budget cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.band} × {self.propensity}: £{self.monthly_budget}"


OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")  # a .doc: an OLE2 compound file


def _is_docx(upload) -> bool:
    """A .docx is a ZIP holding word/document.xml (only its directory is read, nothing unpacked)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def validate_contract_file(upload):
    """By name and by content: a file is what its first bytes say, whatever it is called."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in CONTRACT_TYPES:
        raise ValidationError("Upload the signed contract as a PDF or Word document (.pdf, .doc, .docx).")
    if upload.size > CONTRACT_MAX_BYTES:
        raise ValidationError("The file is larger than 10 MB: upload a smaller scan or a PDF.")
    upload.seek(0)
    head = upload.read(8)
    if suffix == ".pdf":
        ok, kind = head[:5] == b"%PDF-", "a PDF"
    elif suffix == ".doc":
        ok, kind = head == OLE2_MAGIC, "a Word document"
    else:
        upload.seek(0)
        ok, kind = head[:4] == b"PK\x03\x04" and _is_docx(upload), "a Word document"
    upload.seek(0)
    if not ok:
        raise ValidationError(f"This file is not {kind}, whatever its name says.")


def contract_upload_to(instance, filename):
    return f"contracts/{instance.client_id}/{Path(filename).name}"


class ContractQuerySet(models.QuerySet):
    def ending(self, today, days):
        """Live contracts (signed, or sent for signature) ending within `days` from `today`: renewals."""
        return self.filter(
            status__in=[Contract.Status.SIGNED, Contract.Status.SENT],
            end_date__gte=today,
            end_date__lte=today + datetime.timedelta(days=days),
        )


class Contract(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent to client"
        SIGNED = "signed", "Signed"
        ENDED = "ended", "Ended"
        RENEWED = "renewed", "Renewed"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="contracts")
    title = models.CharField(max_length=200, default="Services agreement")
    start_date = models.DateField()
    end_date = models.DateField()
    notice_period_days = models.PositiveSmallIntegerField("notice period (days)", default=30)
    value = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(max_length=3, choices=Client.Currency.choices, default=Client.Currency.GBP)
    sla = models.TextField(
        "SLA", blank=True, help_text="Turnaround, sign-off, working hours, response times."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    document = models.FileField(
        "signed document", upload_to=contract_upload_to, blank=True, validators=[validate_contract_file]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["version"])

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-end_date"]
        indexes = [
            # the renewal reminders and the weekly meet read contracts by end date
            models.Index(fields=["status", "end_date"], name="contract_status_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="contract_ends_after_start",
                violation_error_message="The contract must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="contract_value_not_negative",
                violation_error_message="The contract value cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.client})"

    @property
    def notice_date(self):
        """The last day to give notice: renewal talks must be done by then."""
        import datetime

        return self.end_date - datetime.timedelta(days=self.notice_period_days)

    @property
    def is_live(self) -> bool:
        return self.status in (self.Status.SIGNED, self.Status.SENT, self.Status.DRAFT)
