import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from contacts.bidi import isolate
from contacts.models import TIME_ZONE_CHOICES, Organisation, Person, Sector, TrackedModel

DEFAULT_REMINDER_OFFSETS = [1, 7, 30]


def default_reminder_offsets():
    return list(DEFAULT_REMINDER_OFFSETS)


class Mission(TrackedModel):
    class Direction(models.TextChoices):
        OUTBOUND = "outbound", "Outbound (we travel)"
        INBOUND = "inbound", "Inbound (we host)"

    class Status(models.TextChoices):
        PLANNING = "planning", "Planning"
        CONFIRMED = "confirmed", "Confirmed"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200)
    direction = models.CharField(max_length=16, choices=Direction.choices, default=Direction.OUTBOUND)
    destination_country = CountryField()
    destination_city = models.CharField(max_length=100, blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    time_zone = models.CharField(
        max_length=64, choices=TIME_ZONE_CHOICES, default="Asia/Tokyo", help_text="Where the mission takes place."
    )
    lead_organisations = models.ManyToManyField(Organisation, blank=True, related_name="missions_led")
    partner_organisations = models.ManyToManyField(Organisation, blank=True, related_name="missions_partnered")
    sectors = models.ManyToManyField(Sector, blank=True, related_name="missions")
    programme = models.TextField(blank=True, help_text="Aims and programme of the mission.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNING)
    reminder_offsets = models.JSONField(
        default=default_reminder_offsets,
        help_text="Days after the end date on which reminder emails go out, e.g. [1, 7, 30].",
    )
    history = HistoricalRecords(
        excluded_fields=["modified_at"], m2m_fields=[lead_organisations, partner_organisations, sectors]
    )

    class Meta:
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="mission_ends_after_start"),
            models.CheckConstraint(condition=~Q(title=""), name="mission_title_not_empty"),
        ]

    def __str__(self):
        return self.title

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Delegate(TrackedModel):
    """A person travelling with (or hosting) a mission, in a role."""

    class Role(models.TextChoices):
        LEAD = "lead", "Mission lead"
        ORGANISER = "organiser", "Organiser"
        DELEGATE = "delegate", "Delegate"
        SPEAKER = "speaker", "Speaker"
        INTERPRETER = "interpreter", "Interpreter"

    ORGANISING_ROLES = (Role.LEAD, Role.ORGANISER)

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="delegates")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="delegations")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.DELEGATE)
    notes = models.TextField(blank=True)
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["person__family_name", "person__given_name"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "person"], name="delegate_once_per_mission"),
        ]

    def __str__(self):
        return f"{self.person.full_name} ({self.get_role_display()})"

    @property
    def organises(self) -> bool:
        return self.role in self.ORGANISING_ROLES


class Event(TrackedModel):
    class Kind(models.TextChoices):
        SYMPOSIUM = "symposium", "Symposium"
        CONFERENCE = "conference", "Conference"
        PARTNERING = "partnering", "Partnering session"
        RECEPTION = "reception", "Reception"
        SITE_VISIT = "site_visit", "Site visit"
        STAND = "stand", "Stand or pavilion"
        INBOUND_VISIT = "inbound_visit", "Inbound visit"

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    venue = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="Asia/Tokyo")
    description = models.TextField(blank=True)
    co_hosts = models.ManyToManyField(Organisation, blank=True, related_name="events_cohosted")
    sponsors = models.ManyToManyField(Organisation, blank=True, related_name="events_sponsored")
    speakers = models.ManyToManyField(Person, blank=True, related_name="events_spoken_at")
    capacity = models.PositiveIntegerField(null=True, blank=True)
    attendance = models.PositiveIntegerField(null=True, blank=True, help_text="How many came.")
    history = HistoricalRecords(excluded_fields=["modified_at"], m2m_fields=[co_hosts, sponsors, speakers])

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["mission", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=~Q(title=""), name="event_title_not_empty"),
        ]

    def __str__(self):
        return self.title

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class PartneringMeeting(TrackedModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        NO_SHOW = "no_show", "No-show"

    class Interest(models.IntegerChoices):
        LOW = 1, "Low"
        MEDIUM = 2, "Medium"
        HIGH = 3, "High"

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="meetings")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    location = models.CharField("table or room", max_length=100, blank=True)
    delegates = models.ManyToManyField(Delegate, related_name="meetings", verbose_name="our delegates")
    counterpart_organisations = models.ManyToManyField(Organisation, related_name="meetings")
    counterpart_people = models.ManyToManyField(Person, blank=True, related_name="meetings")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.HELD)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="meetings")
    topic = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    interest = models.PositiveSmallIntegerField("interest level", choices=Interest.choices, null=True, blank=True)
    next_steps = models.TextField(blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings_logged"
    )
    # Optimistic concurrency: every edit says which version it started from and
    # bumps it; an edit based on an older version is refused, never silently applied.
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(
        excluded_fields=["modified_at"], m2m_fields=[delegates, counterpart_organisations, counterpart_people, sectors]
    )

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["mission", "-starts_at"]),
            models.Index(fields=["event", "-starts_at"]),
            # Per-mission counts by status (mission list, report) as index-only scans.
            models.Index(fields=["mission", "status"], name="meeting_mission_status"),
            # The meeting list of every mission (managers), newest first, a page at a time.
            models.Index(fields=["-starts_at", "-id"], name="meeting_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="meeting_has_duration"),
            models.CheckConstraint(
                condition=Q(interest__isnull=True) | Q(interest__gte=1, interest__lte=3), name="meeting_interest_1_to_3"
            ),
        ]

    def __str__(self):
        return self.topic or f"Meeting on {self.starts_at:%Y-%m-%d %H:%M}"


class Enquiry(TrackedModel):
    """A question asked at the stand."""

    class Category(models.TextChoices):
        SETTING_UP = "setting_up", "Where to set up in the region"
        ACADEMIC_INTRO = "academic_intro", "Introduction to an academic"
        PARTNERSHIP = "partnership", "Partnership or licensing"
        INVESTMENT = "investment", "Investment"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="enquiries")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="enquiries")
    asked_at = models.DateTimeField()
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="enquiries")
    asker_name = models.CharField("who asked", max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="enquiries"
    )
    category = models.CharField(max_length=32, choices=Category.choices, default=Category.OTHER)
    question = models.TextField("what they want")
    assigned_to = models.ForeignKey(
        Delegate, null=True, blank=True, on_delete=models.SET_NULL, related_name="enquiries_assigned"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        ordering = ["-asked_at"]
        verbose_name_plural = "enquiries"
        constraints = [
            models.CheckConstraint(condition=~Q(question=""), name="enquiry_question_not_empty"),
        ]

    def __str__(self):
        return self.question[:60]


class ImportJob(models.Model):
    """One uploaded file of delegates, contacts or partnering meetings, from upload to result.

    Nothing is written to the directory until the user has mapped the columns,
    seen the preview and confirmed; the file's hash lets a second upload of the
    same file say so, and natural-key matching makes re-importing it harmless.
    """

    class Kind(models.TextChoices):
        DELEGATES = "delegates", "Delegates"
        CONTACTS = "contacts", "Contacts (organisations and people)"
        MEETINGS = "meetings", "Partnering meeting list"

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        MAPPED = "mapped", "Columns mapped"
        QUEUED = "queued", "Waiting to run"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    class DateOrder(models.TextChoices):
        DAY_FIRST = "dmy", "Day first (08/10/2026 is 8 October)"
        MONTH_FIRST = "mdy", "Month first (10/08/2026 is 8 October)"

    class OurSide(models.TextChoices):
        PER_ROW = "", "Decide per row: the side with one of our delegates or our organisations"
        A = "a", "Always side A"
        B = "b", "Always side B"

    FINISHED = (Status.DONE, Status.FAILED)

    kind = models.CharField(max_length=16, choices=Kind.choices)
    mission = models.ForeignKey(Mission, null=True, blank=True, on_delete=models.CASCADE, related_name="import_jobs")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="import_jobs"
    )
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=300, blank=True)
    original_name = models.CharField(max_length=255)
    file_hash = models.CharField("SHA-256 of the file", max_length=64, db_index=True)
    file_format = models.CharField(max_length=8)  # "csv" or "xlsx"
    encoding = models.CharField(max_length=16, blank=True)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict, help_text="Field name -> column header.")
    skip_bad_rows = models.BooleanField(default=False)
    date_order = models.CharField(
        max_length=3,
        choices=DateOrder.choices,
        default=DateOrder.DAY_FIRST,
        help_text="How numeric dates such as 08/10/2026 are read (ISO dates and month names are unambiguous).",
    )
    our_side = models.CharField(
        max_length=1,
        choices=OurSide.choices,
        default=OurSide.PER_ROW,
        blank=True,
        help_text="In a two-sided meeting export (Participant A / B), which side is this mission's.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    existing_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True, help_text="Records created and matched, by kind.")
    errors = models.JSONField(default=list, blank=True, help_text="[{row, messages}] of rows not imported.")
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True, help_text="When it was last handed to a worker.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "mission", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="contacts") | Q(mission__isnull=False), name="importjob_mission_unless_contacts"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {isolate(self.original_name)}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)
