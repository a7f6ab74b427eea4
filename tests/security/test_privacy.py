"""UK GDPR: consent with dates, one do-not-contact rule, subject-access export, erasure, retention review."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contacts.models import Person
from contacts.privacy import person_consent_record, user_can_be_emailed
from events.models import Mission
from followups.models import Testimonial
from followups.privacy import people_due_for_review

from ..conftest import PASSWORD
from ..factories import EnquiryFactory, MeetingFactory, PersonFactory


@pytest.fixture
def manager(client, world):
    client.login(username="mary", password=PASSWORD)
    return client


@pytest.fixture
def sato(world):
    """Sato-san of Takeda: counterpart in a meeting, asked a question at the stand, gave a quote."""
    person = world.person
    person.name_native = "佐藤 健"
    person.phone = "+81 3 1234 5678"
    person.save()
    world.meeting.counterpart_people.add(person)
    EnquiryFactory(mission=world.mission_a, person=person, asker_name="Ken Sato", question="Office space in London?")
    Testimonial.objects.create(
        mission=world.mission_a, person=person, attribution="Ken Sato, Takeda", quote="A superb delegation."
    )
    return person


def test_recording_consent_dates_the_change(world):
    person = world.person
    person_consent_record(
        person=person, consent="given", lawful_basis="consent", source="registration form", acting_user=world.mary
    )
    person.refresh_from_db()
    assert person.consent == "given" and person.consent_changed_on == timezone.localdate()
    assert person.consent_source == "registration form"
    person_consent_record(
        person=person,
        consent="withdrawn",
        lawful_basis="consent",
        changed_on=date(2026, 3, 1),
        acting_user=world.mary,
    )
    person.refresh_from_db()
    assert person.consent_changed_on == date(2026, 3, 1)
    assert not person.can_be_emailed  # consent was the basis, and it is withdrawn


@pytest.mark.parametrize(
    ("changes", "emailable"),
    [
        ({}, True),
        ({"do_not_contact": True}, False),
        ({"email": ""}, False),
        ({"lawful_basis": "consent", "consent": "withdrawn"}, False),
        ({"lawful_basis": "legitimate_interests", "consent": "withdrawn"}, True),
        ({"erased_on": date(2026, 1, 1)}, False),
    ],
)
def test_one_rule_decides_who_may_be_emailed(world, changes, emailable):
    person = world.dave.person
    for name, value in changes.items():
        setattr(person, name, value)
    person.save()
    assert person.can_be_emailed is emailable
    assert user_can_be_emailed(world.dave) is emailable or not person.email


def test_the_consent_form_records_and_shows_the_state(manager, world):
    url = reverse("followups:privacy-person", args=[world.person.pk])
    response = manager.post(
        reverse("followups:privacy-consent", args=[world.person.pk]),
        {"consent": "given", "lawful_basis": "legitimate_interests", "source": "business card at the stand"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url
    html = response.content.decode()
    assert "Consent and lawful basis recorded" in html
    assert "Legitimate interests" in html and "business card at the stand" in html


def test_a_bad_consent_form_changes_nothing_and_keeps_what_was_typed(manager, world):
    response = manager.post(
        reverse("followups:privacy-consent", args=[world.person.pk]),
        {"consent": "maybe", "lawful_basis": "consent", "source": "typed by hand"},
    )
    assert response.status_code == 400
    assert "typed by hand" in response.content.decode()
    world.person.refresh_from_db()
    assert world.person.consent == Person.Consent.UNKNOWN


def test_subject_access_export_holds_everything_about_the_person(manager, world, sato):
    response = manager.get(reverse("followups:privacy-export-json", args=[sato.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["person"]["family_name"] == "Sato" and data["person"]["name_native"] == "佐藤 健"
    assert data["person"]["organisation"].startswith("Takeda")
    assert [m["id"] for m in data["meetings_as_counterpart"]] == [world.meeting.pk]
    assert data["enquiries"][0]["question"] == "Office space in London?"
    assert data["testimonials"][0]["quote"] == "A superb delegation."
    assert [o["id"] for o in data["outcomes"]] == [world.outcome.pk]
    assert len(data["history"]) >= 2  # created, then changed

    dave = world.dave.person
    data = json.loads(manager.get(reverse("followups:privacy-export-json", args=[dave.pk])).content)
    assert data["account"]["username"] == "dave"
    assert [d["mission"] for d in data["delegations"]] == [world.mission_a.title]
    assert [m["id"] for m in data["meetings_as_delegate"]] == [world.meeting.pk]
    assert [f["id"] for f in data["followups"]] == [world.followup.pk]


def test_subject_access_csv_has_the_same_content_and_defuses_formulas(manager, world, sato):
    sato.job_title = '=HYPERLINK("http://evil.example")'
    sato.save()
    response = manager.get(reverse("followups:privacy-export-csv", args=[sato.pk]))
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    values = {(r["section"], r["field"]): r["value"] for r in rows}
    assert values[("person", "name_native")] == "佐藤 健"
    assert values[("person", "job_title")] == '\'=HYPERLINK("http://evil.example")'
    assert values[("testimonials", "quote")] == "A superb delegation."
    assert {r["section"] for r in rows} >= {"person", "meetings_as_counterpart", "enquiries", "history"}


def test_erasure_needs_a_confirmation(manager, world, sato):
    url = reverse("followups:privacy-erase", args=[sato.pk])
    assert "This cannot be undone" in manager.get(url).content.decode()
    response = manager.post(url, {})
    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    sato.refresh_from_db()
    assert sato.family_name == "Sato" and sato.erased_on is None


def test_erasure_anonymises_everywhere_and_keeps_the_figures(manager, world, sato):
    def figures():
        return Mission.objects.filter(pk=world.mission_a.pk).aggregate(
            n_delegates=Count("delegates", distinct=True),
            n_meetings=Count("meetings", distinct=True),
            n_counterparts=Count("meetings__counterpart_people", distinct=True),
            n_testimonials=Count("testimonials", distinct=True),
            n_enquiries=Count("enquiries", distinct=True),
        )

    before = figures()
    country = sato.organisation_country
    response = manager.post(reverse("followups:privacy-erase", args=[sato.pk]), {"confirm": "on"}, follow=True)
    assert "Personal data erased" in response.content.decode()
    assert figures() == before
    sato.refresh_from_db()
    assert sato.family_name.startswith("Erased person") and sato.given_name == "" and sato.name_native == ""
    assert sato.email == "" and sato.phone == "" and sato.erased_on == timezone.localdate()
    assert not sato.can_be_emailed
    assert sato.organisation_country == country != ""  # still counted under their organisation's country
    for version in sato.history.all():
        assert "Sato" not in version.family_name and version.name_native == "" and version.phone == ""
        assert "Ken" not in version.given_name and version.email == ""
    export = manager.get(reverse("followups:privacy-export-json", args=[sato.pk])).content.decode()
    assert "Sato" not in export and "佐藤" not in export and "Ken Sato" not in export
    assert "A superb delegation." not in export


def test_erasing_someone_with_a_login_closes_it(manager, client, world):
    dave = world.dave.person
    manager.post(reverse("followups:privacy-erase", args=[dave.pk]), {"confirm": "on"})
    world.dave.refresh_from_db()
    assert not world.dave.is_active and world.dave.email == "" and not world.dave.has_usable_password()
    client.logout()
    assert not client.login(username="dave", password=PASSWORD)


def age(person, days):
    Person.objects.filter(pk=person.pk).update(modified_at=timezone.now() - timedelta(days=days))


def test_people_with_no_recent_activity_are_listed_for_review(manager, world, settings):
    settings.PERSON_RETENTION_MONTHS = 24
    dormant = PersonFactory(family_name="Dormant", organisation=world.organisation)
    recent_counterpart = PersonFactory(family_name="Counterpart", organisation=world.organisation)
    MeetingFactory(mission=world.mission_a).counterpart_people.add(recent_counterpart)
    new_contact = PersonFactory(family_name="Newcontact")
    for person in (dormant, recent_counterpart):
        age(person, 800)
    age(new_contact, 300)
    listed = set(people_due_for_review().values_list("family_name", flat=True))
    assert "Dormant" in listed
    assert "Counterpart" not in listed and "Newcontact" not in listed
    settings.PERSON_RETENTION_MONTHS = 6
    assert "Newcontact" in set(people_due_for_review().values_list("family_name", flat=True))

    html = manager.get(reverse("followups:privacy-retention")).content.decode()
    assert "Dormant" in html and "Due for retention review" in html


def test_the_retention_page_takes_the_same_number_of_queries_for_more_people(manager, world):
    for n in range(3):
        age(PersonFactory(family_name=f"Old{n}"), 900)
    with CaptureQueriesContext(connection) as few:
        manager.get(reverse("followups:privacy-retention"))
    for n in range(12):
        age(PersonFactory(family_name=f"Older{n}"), 900)
    with CaptureQueriesContext(connection) as many:
        html = manager.get(reverse("followups:privacy-retention")).content.decode()
    assert "Older11" in html
    assert len(many) == len(few)


def test_finding_a_person_for_a_request(manager, world):
    html = manager.get(reverse("followups:privacy-retention"), {"q": "武田"}).content.decode()
    assert "Nobody matches" in html
    html = manager.get(reverse("followups:privacy-retention"), {"q": "sato"}).content.decode()
    assert reverse("followups:privacy-person", args=[world.person.pk]) in html


def test_a_request_finds_people_by_japanese_name_spelling_and_any_part_of_the_email(manager, world):
    person = world.person
    person.name_native = "佐藤 健"
    person.email = "k.sato@takeda.example.jp"
    person.save()
    url = reverse("followups:privacy-person", args=[person.pk])
    for query in ("佐藤", "Satou", "takeda.example", "K.SATO@"):
        html = manager.get(reverse("followups:privacy-retention"), {"q": query}).content.decode()
        assert url in html, query


def test_a_request_finds_a_merged_away_duplicate_too(manager, world):
    from contacts.services import person_merge

    from ..factories import PersonFactory

    duplicate = PersonFactory(given_name="Taro", family_name="Yamada", organisation=world.organisation)
    survivor = PersonFactory(given_name="Taro", family_name="Yamada", email="", organisation=world.organisation)
    person_merge(survivor=survivor, other=duplicate, take_from_other=set(), acting_user=world.mary)
    html = manager.get(reverse("followups:privacy-retention"), {"q": "Yamada"}).content.decode()
    for person in (survivor, duplicate):
        assert reverse("followups:privacy-person", args=[person.pk]) in html
