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
