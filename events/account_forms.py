"""Forms of the manager's user-account pages (events/accounts.py does the writes)."""

from django import forms

from contacts.models import User

from .accounts import STATUS_CHOICES


class UserFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    role = forms.ChoiceField(choices=[("", "Any role"), *User.Role.choices], required=False)
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)


class _AccountFields(forms.ModelForm):
    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if not email:
            raise forms.ValidationError("An account needs an email address: the sign-in links go there.")
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another account already has this email address.")
        return email

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()


class UserAccountForm(_AccountFields):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "role", "time_zone", "is_active"]
        labels = {"role": "Account role", "is_active": "Active (may sign in)"}
        help_texts = {
            "role": "Managers see every mission and export reports. What someone may do on a mission "
            "comes from their role on its delegate list.",
            "is_active": "A deactivated account cannot sign in; its history stays. Reminder emails follow "
            "the person's place on a mission's delegate list and their email settings, not the account.",
        }


class UserCreateForm(_AccountFields):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "role", "time_zone"]
        labels = {"role": "Account role"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
