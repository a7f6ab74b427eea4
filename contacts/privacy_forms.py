from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import PasswordResetForm

from .models import Person
from .privacy import user_can_be_emailed


class ConsentForm(forms.Form):
    lawful_basis = forms.ChoiceField(
        label="Lawful basis for holding their data", choices=Person.LawfulBasis.choices, required=False
    )
    consent = forms.ChoiceField(label="Consent to be contacted", choices=Person.Consent.choices)
    changed_on = forms.DateField(
        label="Date of the change",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for today when the consent changes.",
    )
    source = forms.CharField(
        label="How it was given or withdrawn",
        max_length=200,
        required=False,
        help_text="E.g. 'registration form, BioJapan 2025' or 'email to Hannah, 3 Nov'.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class EraseConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have checked this is the right person and that nothing obliges us to keep their data.",
        required=True,
        error_messages={"required": "Tick the box to confirm the erasure."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class PrivacyAwarePasswordResetForm(PasswordResetForm):
    """Sends no reset email to an account whose person may not be emailed (do-not-contact,
    erased). The page only queues the work (``contacts.tasks.send_password_reset``): it
    answers the same, in the same time, for a known address, an unknown one and one that
    may not be emailed, so addresses cannot be probed."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if user_can_be_emailed(user))

    def save(self, domain_override=None, request=None, use_https=False, **kwargs):
        from .tasks import send_password_reset

        domain = domain_override or (request.get_host() if request is not None else "")
        send_password_reset.delay(self.cleaned_data["email"], domain, use_https)

    def send_reset_emails(self, **kwargs):
        """What Django's form does on save: the worker's half."""
        super().save(**kwargs)
