"""Importing contacts: organisations and the people at them."""

from contacts.models import Organisation, Person
from events.models import ImportJob

from ..factories import OrganisationFactory, PersonFactory
from .conftest import xlsx_bytes

HEADER = ["Organisation", "Organisation (Japanese)", "Type", "Country", "City", "Website", "First name", "Last name",
          "Name in Japanese", "Job title", "Email"]  # fmt: skip
ROWS = [
    HEADER,
    [
        "Takeda Pharmaceutical",
        "武田薬品工業",
        "Company",
        "Japan",
        "Tokyo",
        "takeda.com",
        "Ken",
        "Sato",
        "佐藤 健",
        "Head of BD",
        "ken.sato@takeda.example",
    ],  # fmt: skip
    ["Takeda Pharmaceutical", "武田薬品工業", "Company", "JP", "Tokyo", "", "Yuki", "Tanaka", "田中 由紀", "", ""],
    ["Kyoto University", "京都大学", "University", "Japan", "Kyoto", "", "", "", "", "", ""],
    [
        "LifeArc",
        "",
        "Research institute",
        "United Kingdom",
        "London",
        "",
        "Anna",
        "Jones",
        "",
        "",
        "anna@lifearc.example",
    ],
]


def test_contacts_end_to_end_with_duplicate_matches(importer, world):
    kyoto = OrganisationFactory(name="Kyoto Univ.", name_native="京都大学", country="JP")
    anna = PersonFactory(given_name="Anna", family_name="Jones", email="ANNA@lifearc.example", organisation=None)
    job = importer.upload_ok("contacts", "contacts.xlsx", xlsx_bytes(ROWS))
    assert job.mission is None
    assert job.mapping["organisation_native"] == "Organisation (Japanese)"
    assert job.mapping["name_native"] == "Name in Japanese"
    importer.submit_mapping(job)
    preview = importer.preview(job).content.decode()
    # Kyoto matched by its Japanese name, Anna by her email; row 3 reuses the organisation of row 2.
    assert 'matches existing <span class="fw-semibold">Kyoto Univ. (京都大学)' in preview
    assert 'matches existing <span class="fw-semibold">Anna Jones' in preview
    assert "Takeda Pharmaceutical (武田薬品工業) (new, from row 2)" in preview
    assert not Organisation.objects.filter(name="Takeda Pharmaceutical").exists()

    importer.confirm(job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.failure
    takeda = Organisation.objects.get(name="Takeda Pharmaceutical")
    assert (takeda.name_native, takeda.country.code, takeda.website) == ("武田薬品工業", "JP", "https://takeda.com")
    assert sorted(takeda.people.values_list("name_native", flat=True)) == ["佐藤 健", "田中 由紀"]
    assert Organisation.objects.get(name_native="京都大学") == kyoto
    assert Person.objects.get(email__iexact="anna@lifearc.example") == anna
    lifearc = Organisation.objects.get(name="LifeArc")
    assert lifearc.kind == Organisation.Kind.RESEARCH_INSTITUTE and lifearc.country.code == "GB"
    assert job.summary["organisation"] == {"new": 2, "existing": 1}

    # Japanese text round-trips: the same names come back out of the database unchanged.
    assert Person.objects.get(email="ken.sato@takeda.example").name_native == "佐藤 健"

    counts = (Organisation.objects.count(), Person.objects.count())
    again = importer.run("contacts", "contacts.xlsx", xlsx_bytes(ROWS))
    assert again.created_count == 0 and again.existing_count == 4
    assert (Organisation.objects.count(), Person.objects.count()) == counts


def test_bad_contact_rows_are_reported(importer, world):
    rows = [HEADER, ["Acme", "", "Spaceship", "Atlantis", "", "not a url", "", "", "", "", "not-an-email"]]
    job = importer.upload_ok("contacts", "bad.xlsx", xlsx_bytes(rows))
    importer.submit_mapping(job)
    preview = importer.preview(job).content.decode()
    assert "Unknown kind of organisation “Spaceship”" in preview
    assert "Unknown country “Atlantis”" in preview
    assert "“not a url” is not a web address." in preview
    assert "“not-an-email” is not an email address." in preview
    assert importer.confirm(job).status_code == 400
    assert not Organisation.objects.filter(name="Acme").exists()
