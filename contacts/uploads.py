"""Upload limits shared by every page that takes a file (imports): size and type.

Use in a form's clean_<field>: ``validate_upload(self.cleaned_data["file"], allowed=("csv", "xlsx"))``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

# What a file of each type starts with; the extension alone proves nothing.
SIGNATURES = {
    "xlsx": (b"PK\x03\x04",),  # a ZIP container
    "pdf": (b"%PDF-",),
}
TEXT_TYPES = {"csv", "txt", "ics"}


def validate_upload(uploaded, *, allowed=("csv", "xlsx")) -> None:
    """Refuse files over MAX_UPLOAD_BYTES, of another type, or whose content does not match their type."""
    if uploaded is None:
        return
    limit = settings.MAX_UPLOAD_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            f"This file is {filesizeformat(uploaded.size)}; the largest accepted is {filesizeformat(limit)}.",
            code="too_big",
        )
    extension = uploaded.name.rsplit(".", 1)[-1].lower() if "." in uploaded.name else ""
    if extension not in allowed:
        raise ValidationError(
            f"Please upload a {' or '.join(a.upper() for a in allowed)} file (this one is "
            f"{extension.upper() or 'of no known type'}).",
            code="wrong_type",
        )
    head = uploaded.read(2048)
    uploaded.seek(0)
    if extension in SIGNATURES and not head.startswith(SIGNATURES[extension]):
        raise ValidationError(f"This file is not a real {extension.upper()} file.", code="wrong_content")
    if extension in TEXT_TYPES:
        if b"\x00" in head:
            raise ValidationError(f"This file is not a {extension.upper()} text file.", code="wrong_content")
        try:
            head.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the 2 KB boundary is fine; anything earlier is not UTF-8.
            if error.start < len(head) - 4:
                raise ValidationError(
                    f"This {extension.upper()} file is not in UTF-8: save it as 'CSV UTF-8' and upload it again.",
                    code="wrong_encoding",
                ) from None
