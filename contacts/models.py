import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from .bidi import isolate

TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class TrackedModel(models.Model):
    """Who created and last changed a record, and when."""

    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        abstract = True


def _keep_search_keys_in_step(record, index, save_kwargs) -> None:
    """The typeahead's search columns and the identity keys are derived data: recompute them
    on every save, whichever service, import or admin page saves the record (bulk writes must
    call contacts.search.reindex_all())."""
    index(record)
    if save_kwargs.get("update_fields") is not None:
        save_kwargs["update_fields"] = {*save_kwargs["update_fields"], *DERIVED_FIELDS[type(record)]}


class User(AbstractUser):
    """A login. Its account role decides the landing page and what the person may do
    across missions; rights on one mission come from their delegate role on it."""

    class Role(models.TextChoices):
        MANAGER = "manager", "Manager"
        ORGANISER = "organiser", "Organiser"
        DELEGATE = "delegate", "Delegate"

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.DELEGATE)
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/London")
    calendar_token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"),
        ]

    @property
    def is_manager(self) -> bool:
        return self.is_superuser or self.role == self.Role.MANAGER

    def get_full_name(self):
        """One piece of user text, isolated from the words around it (contacts.bidi)."""
        return isolate(super().get_full_name())

    def __str__(self):
        return self.get_full_name() or self.username


class Sector(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(TrackedModel):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", "University"
        COMPANY = "company", "Company"
        SME = "sme", "SME"
        PUBLIC_BODY = "public_body", "Public body"
        TRADE_ASSOCIATION = "trade_association", "Trade association"
        CLUSTER = "cluster", "Cluster or network"
        INVESTOR = "investor", "Investor"
        RESEARCH_INSTITUTE = "research_institute", "Research institute"
        HOSPITAL = "hospital", "Hospital"

    name = models.CharField("name (romanised)", max_length=200)
    name_native = models.CharField(
        "name in native script", max_length=200, blank=True, help_text="E.g. 武田薬品工業 for Takeda."
    )
    name_reading = models.CharField(
        "romanised reading",
        max_length=200,
        blank=True,
        help_text="How the native name is read in Latin letters, e.g. Takeda Yakuhin Kogyo.",
    )
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.COMPANY)
    country = CountryField(blank=True)
    city = models.CharField(max_length=100, blank=True)
    website = models.URLField(blank=True)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="organisations")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="subsidiaries")
    notes = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_records",
        editable=False,
        help_text="Set when this record was merged into another; it is then hidden from lists.",
    )
    # Derived from the names by contacts.search for the typeahead; never edited by hand.
    search_key = models.TextField(blank=True, default="", editable=False)
    search_grams = models.TextField(blank=True, default="", editable=False)
    # Derived by contacts.identity from the names: what the resolver compares (see identity/names.py).
    identity_keys = ArrayField(models.TextField(), blank=True, default=list, editable=False)
    history = HistoricalRecords(
        excluded_fields=["modified_at", "search_key", "search_grams", "identity_keys"], m2m_fields=[sectors]
    )

    class Meta:
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["identity_keys"], name="organisation_identity_keys"),
            models.Index(fields=["country", "kind"]),
            # The directory's order: a page is read from the index instead of sorting 200 000 rows.
            models.Index(fields=["name", "id"], name="organisation_name_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="organisation_name_not_empty"),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=models.F("id")), name="organisation_not_own_parent"
            ),
        ]

    def __str__(self):
        if self.name_native and self.name_native != self.name:
            return f"{isolate(self.name)} ({isolate(self.name_native)})"
        return self.name

    def save(self, *args, **kwargs):
        from .search import index_organisation

        _keep_search_keys_in_step(self, index_organisation, kwargs)
        adding = self._state.adding  # a new organisation has no people yet
        super().save(*args, **kwargs)
        country = self.__dict__.get("country")
        if not adding and country != getattr(self, "_saved_country", None):
            # Its people carry the country for the directory's filter (Person.organisation_country).
            code = self.country.code if self.country else ""
            Person.objects.filter(organisation_id=self.pk).exclude(organisation_country=code).update(
                organisation_country=code
            )
        self._saved_country = country

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_country = instance.__dict__.get("country")
        return instance


class Person(TrackedModel):
    class NameOrder(models.TextChoices):
        GIVEN_FIRST = "given_first", "Given name first (Oscar Ces)"
        FAMILY_FIRST = "family_first", "Family name first (佐藤 健)"

    class LawfulBasis(models.TextChoices):
        NONE = "", "Not recorded"
        CONSENT = "consent", "Consent"
        CONTRACT = "contract", "Contract"
        LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests"
        LEGAL_OBLIGATION = "legal_obligation", "Legal obligation"
        PUBLIC_TASK = "public_task", "Public task"

    class Consent(models.TextChoices):
        UNKNOWN = "unknown", "Unknown"
        GIVEN = "given", "Given"
        WITHDRAWN = "withdrawn", "Withdrawn"

    honorific = models.CharField(max_length=40, blank=True, help_text="Prof, Dr, Lord, 様…")
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100)
    name_native = models.CharField("name in native script", max_length=200, blank=True)
    name_reading = models.CharField("romanised reading", max_length=200, blank=True)
    name_order = models.CharField(max_length=16, choices=NameOrder.choices, default=NameOrder.GIVEN_FIRST)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    languages = models.CharField(max_length=200, blank=True, help_text="E.g. English, Japanese")
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="Europe/London")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    lawful_basis = models.CharField(max_length=32, choices=LawfulBasis.choices, blank=True)
    consent = models.CharField(max_length=16, choices=Consent.choices, default=Consent.UNKNOWN)
    consent_changed_on = models.DateField(null=True, blank=True)
    consent_source = models.CharField(
        max_length=200, blank=True, help_text="How consent was given or withdrawn, e.g. 'registration form, BioJapan'."
    )
    consent_notes = models.TextField(blank=True)
    erased_on = models.DateField(
        null=True, blank=True, editable=False, help_text="Set when the person's personal data was erased on request."
    )
    do_not_contact = models.BooleanField(default=False, help_text="Never email this person.")
    reminders_opt_out = models.BooleanField(default=False, help_text="Opted out of reminder emails.")
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_records", editable=False
    )
    # Derived from the names by contacts.search for the typeahead; never edited by hand.
    search_key = models.TextField(blank=True, default="", editable=False)
    search_grams = models.TextField(blank=True, default="", editable=False)
    # The organisation's country, kept in step by both models' save(), so that the directory's country
    # filter reads one index range in name order instead of checking every person's organisation.
    organisation_country = models.CharField(max_length=2, blank=True, default="", editable=False)
    history = HistoricalRecords(excluded_fields=["modified_at", "search_key", "search_grams", "organisation_country"])

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "people"
        indexes = [
            models.Index(Lower("email"), name="person_email_ci"),
            # The directory's order. Only live (unmerged) people, with their organisation in the
            # index, so a filter on the organisation (e.g. its country) walks the index without
            # reading the table.
            models.Index(
                fields=["family_name", "given_name", "id"],
                include=["organisation"],
                condition=Q(merged_into__isnull=True),
                name="person_name_order_live",
            ),
            models.Index(
                fields=["organisation_country", "family_name", "given_name", "id"],
                condition=Q(merged_into__isnull=True),
                name="person_country_name_order",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(family_name=""), name="person_family_name_not_empty"),
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        from .search import index_person

        _keep_search_keys_in_step(self, index_person, kwargs)
        update_fields = kwargs.get("update_fields")
        saves_organisation = update_fields is None or {"organisation", "organisation_id"} & set(update_fields)
        moved = self._state.adding or self.organisation_id != getattr(self, "_saved_organisation_id", None)
        orphaned = not self.organisation_id and self.organisation_country  # its organisation was deleted
        if saves_organisation and (moved or orphaned):
            self.organisation_country = self._country_of_organisation()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "organisation_country"}
        super().save(*args, **kwargs)
        if saves_organisation:
            self._saved_organisation_id = self.organisation_id

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_organisation_id = instance.__dict__.get("organisation_id")
        return instance

    def _country_of_organisation(self) -> str:
        if not self.organisation_id:
            return ""
        loaded = self._state.fields_cache.get("organisation")
        if loaded is not None and loaded.pk == self.organisation_id:
            return loaded.country.code if loaded.country else ""
        return Organisation.objects.filter(pk=self.organisation_id).values_list("country", flat=True).first() or ""

    @property
    def full_name(self) -> str:
        """Given and family name in the person's order: one piece of user text, isolated from
        the words around it when it holds right-to-left text (contacts.bidi)."""
        parts = [self.given_name, self.family_name]
        if self.name_order == self.NameOrder.FAMILY_FIRST:
            parts.reverse()
        return isolate(" ".join(p for p in parts if p))

    @property
    def display_name(self) -> str:
        name = " ".join(
            p for p in [self.honorific if self.name_order == self.NameOrder.GIVEN_FIRST else "", self.full_name] if p
        )
        if self.name_native:
            return f"{isolate(name)} ({isolate(self.name_native)})"
        return isolate(name)

    @property
    def can_be_emailed(self) -> bool:
        """The one rule every email to a person obeys (invitations, password resets,
        reminders): an address, not marked do-not-contact, not erased, and consent not
        withdrawn where consent is the lawful basis for contacting them."""
        if not self.email or self.do_not_contact or self.erased_on is not None:
            return False
        return not (self.lawful_basis == self.LawfulBasis.CONSENT and self.consent == self.Consent.WITHDRAWN)


class OrganisationAlias(models.Model):
    """Another name of an organisation: a former name, an abbreviation, the name a merged
    duplicate had, or what an import called it. The resolver matches it like the record's own names."""

    class Source(models.TextChoices):
        OTHER = "other", "Other name"
        FORMER = "former", "Former name"
        ABBREVIATION = "abbreviation", "Abbreviation"
        MERGE = "merge", "Name of a merged record"
        IMPORT = "import", "Name used in an import"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.OTHER)
    keys = ArrayField(models.TextField(), blank=True, default=list, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = "organisation alias"
        verbose_name_plural = "organisation aliases"
        ordering = ["name"]
        indexes = [GinIndex(fields=["keys"], name="organisation_alias_keys")]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="organisation_alias_once"),
            models.CheckConstraint(condition=~Q(name=""), name="organisation_alias_not_empty"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from .identity.names import organisation_keys

        self.keys = organisation_keys(self.name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "keys"}
        super().save(*args, **kwargs)


DERIVED_FIELDS = {
    Organisation: ("search_key", "search_grams", "identity_keys"),
    Person: ("search_key", "search_grams"),
}


@receiver(pre_delete, sender=Organisation)
def _people_lose_the_country_of_a_deleted_organisation(sender, instance, **kwargs):
    # Deleting sets their organisation to NULL with a queryset update, which Person.save() never sees.
    Person.objects.filter(organisation=instance).update(organisation_country="")
