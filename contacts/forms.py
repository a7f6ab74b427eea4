from django import forms
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from .models import Organisation, Person
from .search import split_scripts

# Forms for creating a counterpart inline from the meeting and enquiry forms.
# Prefixed, because their inputs sit inside the meeting form's <form>.


class OrganisationInlineForm(forms.Form):
    prefix = "neworg"
    # Its inputs sit inside the meeting form: a browser "required" check would block that form's save.
    use_required_attribute = False

    name = forms.CharField(label="Name (Latin letters)", max_length=200)
    name_native = forms.CharField(label="Name in Japanese (or other script)", max_length=200, required=False)
    country = LazyTypedChoiceField(choices=[("", "—"), *countries], required=False)
    kind = forms.ChoiceField(choices=Organisation.Kind.choices, initial=Organisation.Kind.COMPANY)

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

    family_name = forms.CharField(max_length=100)
    given_name = forms.CharField(max_length=100, required=False)
    name_native = forms.CharField(label="Name in Japanese (or other script)", max_length=200, required=False)
    name_order = forms.ChoiceField(choices=Person.NameOrder.choices, initial=Person.NameOrder.GIVEN_FIRST)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(merged_into__isnull=True), required=False, widget=forms.RadioSelect
    )
    email = forms.EmailField(required=False)

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
