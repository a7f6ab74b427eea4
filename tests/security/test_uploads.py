import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from contacts.uploads import validate_upload


def upload(name, content):
    return SimpleUploadedFile(name, content)


def test_a_file_over_the_limit_is_refused_with_its_size(settings):
    settings.MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload("delegates.csv", b"a,b\n" * 512))
    assert refused.value.messages == ["This file is 2.0\xa0KB; the largest accepted is 1.0\xa0KB."]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("delegates.exe", b"MZ", "Please upload a CSV or XLSX file"),
        ("delegates.xlsx", b"name,email\n", "not a real XLSX file"),
        ("delegates.csv", b"PK\x03\x04\x00\x00binary", "not a CSV text file"),
        ("delegates.csv", "名前,メール\n".encode("shift_jis"), "not in UTF-8"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused(name, content, message):
    with pytest.raises(ValidationError, match=message):
        validate_upload(upload(name, content))


@pytest.mark.parametrize(
    ("name", "content"),
    [("delegates.csv", "名前,メール\n佐藤,sato@example.jp\n".encode()), ("meetings.XLSX", b"PK\x03\x04rest")],
)
def test_good_files_pass_and_can_still_be_read(name, content):
    uploaded = upload(name, content)
    validate_upload(uploaded)
    assert uploaded.read() == content
