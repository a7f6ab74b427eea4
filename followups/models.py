from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from contacts.models import Organisation, Person, TrackedModel
from events.models import Delegate, Enquiry, Mission, PartneringMeeting


class FollowUp(TrackedModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class Priority(models.IntegerChoices):
        LOW = 1, "Low"
        NORMAL = 2, "Normal"
        HIGH = 3, "High"

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="followups")
    meeting = models.ForeignKey(
        PartneringMeeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="followups"
    )
    enquiry = models.ForeignKey(Enquiry, null=True, blank=True, on_delete=models.SET_NULL, related_name="followups")
    title = models.CharField(max_length=300)
    details = models.TextField(blank=True)
    assignee = models.ForeignKey(Delegate, on_delete=models.PROTECT, related_name="followups")
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    completed_at = models.DateTimeField(null=True, blank=True)
    completion_note = models.TextField(blank=True)
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["due_on", "-priority"]
        indexes = [
            models.Index(fields=["assignee", "status", "due_on"]),
            models.Index(fields=["mission", "status", "due_on"]),
            # A mission's follow-ups page in its order (open first, soonest due): a page is an index range.
            models.Index(
                fields=["mission", "-status", "due_on", "-priority", "id"], name="followup_mission_list_order"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="followup_title_not_empty"),
            models.CheckConstraint(
                condition=Q(status="done", completed_at__isnull=False)
                | (~Q(status="done") & Q(completed_at__isnull=True)),
                name="followup_completed_at_iff_done",
            ),
        ]

    def __str__(self):
        return self.title


class Outcome(TrackedModel):
    class Kind(models.TextChoices):
        MOU = "mou", "MOU signed"
        VISIT = "visit", "Visit arranged"
        COLLABORATION = "collaboration", "Collaboration"
        DEAL = "deal", "Licensing or partnering deal"
        INVESTMENT = "investment", "Investment"
        OFFICE = "office", "Office opened"
        SALE = "sale", "Sale"

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="outcomes")
    followup = models.ForeignKey(FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes")
    meeting = models.ForeignKey(
        PartneringMeeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="outcomes")
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code, e.g. GBP, JPY, USD.")
    jobs = models.PositiveIntegerField(null=True, blank=True, help_text="Jobs created or safeguarded.")
    achieved_on = models.DateField()
    history = HistoricalRecords(excluded_fields=["modified_at"], m2m_fields=[organisations])

    class Meta:
        ordering = ["-achieved_on"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="outcome_title_not_empty"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="outcome_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(currency__regex=r"^[A-Z]{3}$"), name="outcome_value_has_currency"
            ),
        ]

    def __str__(self):
        return self.title


class Testimonial(TrackedModel):
    """A delegate's quote about the mission, for the report."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="testimonials")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="testimonials")
    attribution = models.CharField(
        max_length=300, help_text="As printed, e.g. 'Martin Turner, BioIndustry Association'."
    )
    quote = models.TextField()
    approved = models.BooleanField(default=False, help_text="Approved by its author for publication.")

    class Meta:
        ordering = ["mission", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(quote=""), name="testimonial_quote_not_empty"),
        ]

    def __str__(self):
        return f"{self.attribution}: {self.quote[:40]}"


class FollowUpNote(models.Model):
    """A remark on a follow-up, shown as a thread under it (who, when, what)."""

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="followup_notes"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["followup", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="followup_note_text_not_empty"),
        ]

    def __str__(self):
        return self.text[:60]


class ReminderEmail(models.Model):
    """The reminder outbox: one row per email that is, or was, due.

    Rows are written in the same transaction as the change that makes a reminder
    due (see followups/reminders.py); the periodic task claims due rows with a
    conditional update, and the unique constraints make a second row, hence a
    second send, of the same reminder impossible.
    """

    class Kind(models.TextChoices):
        DIGEST = "digest", "Delegate digest"
        SUMMARY = "summary", "Organiser summary"
        NUDGE = "nudge", "Overdue nudge"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="reminder_emails")
    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reminder_emails")
    offset_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Days after the mission's end date (digests and summaries)."
    )
    followup = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminder_emails"
    )
    followup_due_on = models.DateField(null=True, blank=True, help_text="The due date a nudge is about.")
    due_at = models.DateTimeField(help_text="When the reminder is due (UTC).")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(help_text="Not sent before this time (due time, then retry backoff).")
    claimed_at = models.DateTimeField(null=True, blank=True, help_text="When a worker last claimed it for sending.")
    last_error = models.TextField(blank=True)
    interrupted = models.PositiveSmallIntegerField(
        default=0,
        help_text="Times a worker stopped while sending it: the SMTP server may already have had the message.",
    )
    cancel_reason = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "kind", "pk"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(state="pending"), name="reminder_pending_due"),
            models.Index(fields=["claimed_at"], condition=Q(state="sending"), name="reminder_sending_claimed"),
            models.Index(fields=["mission", "due_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "mission", "recipient", "offset_days"],
                condition=Q(kind__in=["digest", "summary"]),
                name="reminder_once_per_offset",
            ),
            models.UniqueConstraint(
                fields=["kind", "followup", "followup_due_on", "recipient"],
                condition=Q(kind="nudge"),
                name="reminder_nudge_once_per_due_date",
            ),
            models.CheckConstraint(
                condition=Q(kind="nudge", followup_due_on__isnull=False, offset_days__isnull=True)
                | (~Q(kind="nudge") & Q(offset_days__isnull=False, followup__isnull=True)),
                name="reminder_kind_has_its_key",
            ),
            models.CheckConstraint(
                condition=Q(state="sent", sent_at__isnull=False) | (~Q(state="sent") & Q(sent_at__isnull=True)),
                name="reminder_sent_at_iff_sent",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient_id} ({self.state})"

    @property
    def message_id(self) -> str:
        """Stable per reminder, so a duplicate delivery (see README) is recognisable."""
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        return f"<reminder-{self.pk}-{self.kind}-{int(self.created_at.timestamp())}@{host}>"


class ReportExport(models.Model):
    """One export of a mission report: the audit log (who, when, which mission,
    which format, which filters) and, for exports built by a worker, the job
    with its progress and the generated file in Django's storage."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"
        PDF = "pdf", "PDF"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        RUNNING = "running", "Being built"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="report_exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="report_exports"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    format = models.CharField(max_length=8, choices=Format.choices)
    filters = models.JSONField(default=dict, blank=True, help_text="The report filters, as chosen on the page.")
    served_directly = models.BooleanField(
        default=False, help_text="Small exports are sent straight to the browser and never stored."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    rows = models.PositiveIntegerField(null=True, blank=True, help_text="Rows in the tables of the report.")
    file = models.FileField(upload_to="report-exports/%Y/%m/%d/", blank=True, max_length=300)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["mission", "-requested_at"]),
            models.Index(fields=["expires_at"], condition=~Q(file=""), name="report_export_file_expiry"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_export_progress_percent"),
        ]

    def __str__(self):
        return f"{self.get_format_display()} report of {self.mission} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)
