from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from .models import Organisation, Person, Sector
from .search import split_scripts
from .services import ORGANISATION_FIELDS, PERSON_FIELDS


def validate_as_the_model_would(form: forms.ModelForm) -> None:
    """For a model form that skips model validation (it computes some fields
    itself): still run each field's own model validators on what was typed, so an
    out-of-range number or an overlong text is a form error, never a database error."""
    for name, value in list(form.cleaned_data.items()):
        try:
            model_field = form._meta.model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not model_field.concrete or model_field.many_to_many or value in model_field.empty_values:
            continue
        try:
            model_field.run_validators(value)
        except ValidationError as error:
            form.add_error(name, error)


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(required=False, assume_scheme="https", max_length=200)
    sectors = forms.ModelMultipleChoiceField(
        queryset=Sector.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Organisation
        fields = [*ORGANISATION_FIELDS, "sectors"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Organisation.objects.filter(merged_into__isnull=True).order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label = "Parent organisation"
        self.fields["name_native"].widget.attrs["class"] = "native"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = PERSON_FIELDS
        widgets = {"consent_changed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(merged_into__isnull=True).order_by("name")
        self.fields["name_native"].widget.attrs["class"] = "native"
        self.fields["name_native"].help_text = "E.g. 佐藤 健 (family name first, as written in Japanese)."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class MergePickForm(forms.Form):
    """Which record to merge with: found by a search or from the suggested duplicates."""

    q = forms.CharField(label="Find the other record", max_length=200, required=False)


class MergeForm(forms.Form):
    """Side by side: which record survives and, where they differ, whose value to keep."""

    survivor = forms.TypedChoiceField(label="Keep this record", coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, first, second, fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.first, self.second = first, second
        self.fields["survivor"].choices = [(first.pk, str(first)), (second.pk, str(second))]
        self.rows = []
        for model_field in fields:
            a, b = model_field.value_from_object(first), model_field.value_from_object(second)
            if a == b or (not a and not b):
                continue
            name = f"field_{model_field.name}"
            self.fields[name] = forms.TypedChoiceField(
                label=model_field.verbose_name.capitalize(),
                coerce=int,
                required=False,  # not chosen: the kept record's value stays
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                choices=[(first.pk, _display(first, model_field)), (second.pk, _display(second, model_field))],
                initial=first.pk if a not in (None, "") else second.pk,
            )
            self.rows.append((model_field, name))

    def bound_rows(self):
        return [(model_field, self[name]) for model_field, name in self.rows]

    def take_from_other(self) -> set[str]:
        """Names of the fields whose value comes from the record that is merged away."""
        survivor = self.cleaned_data["survivor"]
        return {
            model_field.name
            for model_field, name in self.rows
            if self.cleaned_data.get(name) is not None and self.cleaned_data[name] != survivor
        }

    def survivor_and_other(self):
        if self.cleaned_data["survivor"] == self.first.pk:
            return self.first, self.second
        return self.second, self.first


def _display(record, model_field) -> str:
    if model_field.choices:
        value = getattr(record, f"get_{model_field.name}_display")()
    elif model_field.is_relation:
        value = getattr(record, model_field.name)
    else:
        value = model_field.value_from_object(record)
    if value in (None, ""):
        return "(empty)"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return str(value)


# Forms for creating a counterpart inline from the meeting and enquiry forms.
# Prefixed, because their inputs sit inside the meeting form's <form>.


class OrganisationInlineForm(forms.Form):
    prefix = "neworg"
    # Its inputs sit inside the meeting form: a browser "required" check would block that form's save.
    use_required_attribute = False

    name = forms.CharField(
        label="Name (Latin letters)",
        max_length=200,
        required=False,
        help_text="Leave it empty when only the Japanese name is known.",
    )
    name_native = forms.CharField(label="Name in Japanese (or other script)", max_length=200, required=False)
    country = LazyTypedChoiceField(choices=[("", "—"), *countries], required=False)
    kind = forms.ChoiceField(choices=Organisation.Kind.choices, initial=Organisation.Kind.COMPANY)

    def clean(self):
        data = super().clean()
        name, native = data.get("name", "").strip(), data.get("name_native", "").strip()
        if not name and not native:
            raise forms.ValidationError("Give the organisation's name in Latin letters or in Japanese.")
        # A record known only in Japanese is listed under its Japanese name.
        data["name"] = name or native
        return data

    @classmethod
    def initial_from_query(cls, query: str) -> dict:
        """「武田」 goes into the native name, "Takeda" into the name."""
        _latin, native = split_scripts(query)
        if native:
            return {"name_native": query.strip(), "country": "JP"}
        return {"name": query.strip()}


class PersonInlineForm(forms.Form):
    prefix = "newperson"
    use_required_attribute = False

    family_name = forms.CharField(
        max_length=100, required=False, help_text="Leave it empty when only the Japanese name is known."
    )
    given_name = forms.CharField(max_length=100, required=False)
    name_native = forms.CharField(label="Name in Japanese (or other script)", max_length=200, required=False)
    name_order = forms.ChoiceField(choices=Person.NameOrder.choices, initial=Person.NameOrder.GIVEN_FIRST)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(merged_into__isnull=True), required=False, widget=forms.RadioSelect
    )
    email = forms.EmailField(required=False)

    def clean(self):
        data = super().clean()
        family, native = data.get("family_name", "").strip(), data.get("name_native", "").strip()
        if not family and not native:
            raise forms.ValidationError("Give the person's family name, or their name in Japanese.")
        if not family:
            # Known only in Japanese: 佐藤 健 is family name first (a name without a space is kept whole).
            parts = native.split(maxsplit=1)
            data["family_name"], data["given_name"] = parts[0][:100], (parts[1] if len(parts) > 1 else "")[:100]
            data["name_order"] = Person.NameOrder.FAMILY_FIRST
        return data

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Offer the organisations already picked on the meeting form rather than a list of thousands.
        self.fields["organisation"].choices = [("", "None"), *((o.pk, str(o)) for o in organisations)]

    @classmethod
    def initial_from_query(cls, query: str) -> dict:
        latin, native = split_scripts(query)
        if native:
            return {"name_native": query.strip(), "name_order": Person.NameOrder.FAMILY_FIRST}
        words = query.split()
        if len(words) >= 2:
            return {"given_name": words[0], "family_name": " ".join(words[1:])}
        return {"family_name": query.strip()}
