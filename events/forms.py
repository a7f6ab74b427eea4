"""Forms for events: validation only."""

from django import forms

from . import imports

# Imports


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV or Excel file",
        help_text="A .csv (UTF-8) or .xlsx file, with a header row.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    encoding = forms.ChoiceField(
        label="Encoding of a CSV file",
        choices=imports.ENCODING_CHOICES,
        initial="auto",
        required=False,
        help_text="Only matters for CSV files that are not UTF-8; Excel workbooks need nothing.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.max_upload_bytes():
            raise forms.ValidationError(imports.too_large_message(upload.size))
        return upload

    def clean_encoding(self):
        return self.cleaned_data.get("encoding") or "auto"


class ImportMappingForm(forms.Form):
    """One choice per field: which column of the file holds it."""

    def __init__(self, *args, kind: str, headers: list[str], initial_mapping: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        choices = [("", "— not in the file —")] + [(h, h) for h in headers]
        for spec in imports.fields_for(kind):
            self.fields[spec.name] = forms.ChoiceField(
                label=spec.label + (" *" if spec.required else ""),
                choices=choices,
                required=False,
                initial=initial_mapping.get(spec.name, ""),
                help_text=spec.help,
            )

    def clean(self):
        cleaned = super().clean()
        mapping = {name: header for name, header in cleaned.items() if header}
        for problem in imports.mapping_problems(self.kind, mapping):
            self.add_error(None, problem)
        cleaned["mapping"] = mapping
        return cleaned
