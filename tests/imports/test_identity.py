"""A counterpart is one record however the file writes it: legal forms, scripts, widths, readings, aliases.

Through the real pages (upload → columns → preview → import), in UTF-8 with a BOM as
platforms export and in Shift_JIS as Japanese Excel saves."""

import datetime as dt
import random

import pytest

from contacts import services
from contacts.models import Organisation
from events.models import Event, ImportJob, PartneringMeeting

from ..factories import DelegateFactory, EventFactory, OrganisationFactory, PersonFactory
from .conftest import csv_bytes

HEADER = ["Date", "Time", "Our delegate", "Company", "Company name (Japanese)"]


@pytest.fixture
def mission(world):
    mission = world.mission_a
    DelegateFactory(mission=mission, person=PersonFactory(given_name="Oscar", family_name="Ces"))
    start = dt.datetime.combine(mission.start_date, dt.time(9), mission.tz)
    EventFactory(mission=mission, kind=Event.Kind.PARTNERING, title="Partnering", starts_at=start,
                 ends_at=start + dt.timedelta(hours=9))  # fmt: skip
    return mission


@pytest.fixture
def known(db):
    return {
        "ajinomoto": OrganisationFactory(name="Ajinomoto", name_native="味の素", country="JP"),
        "takeda": OrganisationFactory(name="Takeda Pharmaceutical", name_native="武田薬品工業", country="JP"),
        "chugai": OrganisationFactory(name="Chugai Pharmaceutical", name_native="中外製薬", country="JP"),
        "kyowa": OrganisationFactory(name="Kyowa Kirin", name_native="協和キリン", country="JP"),
    }


def platform_rows(mission):
    day = f"{mission.start_date:%Y-%m-%d}"
    return [
        [day, "10:00", "Oscar Ces", "Ajinomoto Co., Inc.", ""],
        [day, "10:30", "Oscar Ces", "", "味の素株式会社"],
        [day, "11:00", "Oscar Ces", "Takeda Pharmaceutical Company Limited", ""],
        [day, "11:30", "Oscar Ces", "武田薬品工業株式会社", ""],  # Japanese in the Latin column
        [day, "12:00", "Oscar Ces", "ＣＨＵＧＡＩ ＰＨＡＲＭＡＣＥＵＴＩＣＡＬ ＣＯ．，ＬＴＤ．", ""],  # full width
        [day, "12:30", "Oscar Ces", "", "ｷｮｳﾜｷﾘﾝ株式会社"],  # half-width katakana: the reading of 協和キリン
        [day, "13:00", "Oscar Ces", "", "ｺｳﾍﾞ医療ｾﾝﾀｰ"],  # nobody we know
    ]


# (how the file is written, what the upload form is told, its name)
ENCODINGS = [("utf-8-sig", "auto", "platform-export.csv"), ("shift_jis", "shift_jis", "japanese-excel.csv")]


@pytest.mark.parametrize(("encoding", "told", "filename"), ENCODINGS)
def test_names_across_scripts_and_legal_forms_match_what_we_have(importer, mission, known, encoding, told, filename):
    data = csv_bytes([HEADER, *platform_rows(mission)], encoding=encoding)
    job = importer.upload_ok("meetings", filename, data, mission=mission, encoding=told)
    importer.submit_mapping(job)
    preview = importer.preview(job).content.decode()
    assert "(same name)" in preview and "(same name in Japanese)" in preview and "(same reading)" in preview
    before = Organisation.objects.count()

    importer.confirm(job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.failure
    assert Organisation.objects.count() == before + 1  # only the Kobe centre is new
    kobe = Organisation.objects.get(name_native="コウベ医療センター")
    for org, meetings in [(known["ajinomoto"], 2), (known["takeda"], 2), (known["chugai"], 1), (known["kyowa"], 1),
                          (kobe, 1)]:  # fmt: skip
        assert PartneringMeeting.objects.filter(mission=mission, counterpart_organisations=org).count() == meetings


@pytest.mark.parametrize(("encoding", "told", "filename"), ENCODINGS)
def test_reimporting_or_a_reshuffled_reexport_creates_nothing_and_says_so(
    importer, mission, known, encoding, told, filename
):
    rows = platform_rows(mission)
    importer.run("meetings", filename, csv_bytes([HEADER, *rows], encoding=encoding), mission=mission, encoding=told)
    counts = (Organisation.objects.count(), PartneringMeeting.objects.count())

    # The same file again: the banner and the counts agree that nothing is new.
    job = importer.upload_ok("meetings", filename, csv_bytes([HEADER, *rows], encoding=encoding), mission=mission,
                             encoding=told)  # fmt: skip
    importer.submit_mapping(job)
    preview = importer.preview(job).content.decode()
    assert "This exact file was already imported" in preview and "creates nothing new" in preview
    assert "would still add" not in preview
    importer.confirm(job)
    job.refresh_from_db()
    assert job.created_count == 0 and (Organisation.objects.count(), PartneringMeeting.objects.count()) == counts

    # A re-export: rows reordered, other widths, spaces and case.
    def rewritten(row):
        day, time, ours, company, native = row
        return [
            day,
            time,
            f" {ours} ",
            f"  {company.upper()}  ",
            native.replace("ｺｳﾍﾞ", "コウベ").replace("ｾﾝﾀｰ", " センター"),
        ]

    shuffled = [rewritten(row) for row in rows]
    random.Random(4).shuffle(shuffled)
    again = importer.run("meetings", f"again-{filename}", csv_bytes([HEADER, *shuffled], encoding=encoding),
                         mission=mission, encoding=told)  # fmt: skip
    assert again.status == ImportJob.Status.DONE, again.failure
    assert again.created_count == 0
    assert (Organisation.objects.count(), PartneringMeeting.objects.count()) == counts


def test_a_merge_teaches_the_next_import_the_old_name(importer, mission, known, world):
    twin = OrganisationFactory(name="Ajinomoto Healthcare Japan", name_native="味の素ヘルスケア")
    services.organisation_merge(survivor=known["ajinomoto"], other=twin, take_from_other=set(), acting_user=world.mary)
    day = f"{mission.start_date:%Y-%m-%d}"
    job = importer.upload_ok("meetings", "m.csv", csv_bytes([HEADER, [day, "15:00", "Oscar Ces", "", "味の素ヘルスケア株式会社"]]),
                             mission=mission)  # fmt: skip
    importer.submit_mapping(job)
    assert "also known as “味の素ヘルスケア”" in importer.preview(job).content.decode()
    importer.confirm(job)
    meeting = PartneringMeeting.objects.get(mission=mission, starts_at__hour=6)  # 15:00 in Tokyo
    assert list(meeting.counterpart_organisations.all()) == [known["ajinomoto"]]


def test_a_japanese_name_in_the_latin_column_is_kept_as_the_native_name(importer, mission):
    day = f"{mission.start_date:%Y-%m-%d}"
    importer.run("meetings", "m.csv", csv_bytes([HEADER, [day, "15:00", "Oscar Ces", "塩野義製薬株式会社", ""]]),
                 mission=mission)  # fmt: skip
    created = Organisation.objects.get(name_native="塩野義製薬株式会社")
    assert created.name == "塩野義製薬株式会社"


def test_a_japanese_contact_in_one_column_stays_family_name_first(importer, mission):
    day = f"{mission.start_date:%Y-%m-%d}"
    rows = [[*HEADER, "Contact person"], [day, "15:00", "Oscar Ces", "", "塩野義製薬", "田中 裕子"]]
    job = importer.upload_ok("meetings", "m.csv", csv_bytes(rows), mission=mission)
    importer.submit_mapping(job)
    preview = importer.preview(job).content.decode()
    assert "田中 裕子" in preview and "裕子 田中" not in preview
    importer.confirm(job)
    person = PartneringMeeting.objects.get(mission=mission).counterpart_people.get()
    assert (person.family_name, person.given_name, person.full_name) == ("田中", "裕子", "田中 裕子")
    assert str(person) == person.display_name and "裕子 田中" not in person.display_name


def _new_kobe(importer, mission, name="m.csv"):
    day = f"{mission.start_date:%Y-%m-%d}"
    data = csv_bytes([HEADER, [day, "15:00", "Oscar Ces", "Kobe Medical Centre", "神戸医療センター"]])
    job = importer.upload_ok("meetings", name, data, mission=mission)
    importer.submit_mapping(job)
    return job


def match(importer, job, organisation, row=2, prefix=None):
    from django.urls import reverse

    prefix = prefix or f"row{row}"
    data = {"prefix": prefix, f"{prefix}-row": row, f"{prefix}-organisation": organisation}
    return importer.client.post(reverse("events:import-match", kwargs={"job_pk": job.pk}), data, follow=True)


def test_the_preview_matches_a_new_name_to_one_we_have_and_remembers_it(importer, mission):
    kobe = OrganisationFactory(
        name="Kobe City Medical Center General Hospital", name_native="神戸市立医療センター中央市民病院"
    )
    job = _new_kobe(importer, mission)
    preview = importer.preview(job).content.decode()
    assert "We have this organisation…" in preview and "new <span" in preview

    response = match(importer, job, kobe.pk)
    html = response.content.decode()
    assert "is now matched to" in html
    assert "also known as" in html and "Kobe Medical Centre" in html
    assert set(kobe.aliases.values_list("name", flat=True)) == {"Kobe Medical Centre", "神戸医療センター"}
    before = Organisation.objects.count()
    importer.confirm(job)
    meeting = PartneringMeeting.objects.get(mission=mission)
    assert list(meeting.counterpart_organisations.all()) == [kobe] and Organisation.objects.count() == before

    # The next file with the same name matches by itself.
    again = _new_kobe(importer, mission, "next.csv")
    assert "also known as “Kobe Medical Centre”" in importer.preview(again).content.decode()


@pytest.mark.parametrize(
    ("row", "organisation", "message"),
    [
        (3, None, "names no new organisation"),  # no such row
        (2, "999999", "Pick the organisation it is."),
        (2, "", "Pick the organisation it is."),
        ("x", None, "Enter a whole number."),
    ],
)
def test_a_bad_match_says_why_and_changes_nothing(importer, mission, row, organisation, message):
    kobe = OrganisationFactory(name="Kobe City Medical Center")
    job = _new_kobe(importer, mission)
    html = match(
        importer, job, kobe.pk if organisation is None else organisation, row=row, prefix="row2"
    ).content.decode()
    assert message in html
    assert not kobe.aliases.exists()


def test_a_merged_organisation_cannot_be_matched(importer, mission, world):
    kobe = OrganisationFactory(name="Kobe City Medical Center")
    twin = OrganisationFactory(name="Kobe City Medical Centre (old record)")
    services.organisation_merge(survivor=kobe, other=twin, take_from_other=set(), acting_user=world.mary)
    job = _new_kobe(importer, mission)
    assert "Pick the organisation it is." in match(importer, job, twin.pk).content.decode()
    assert not twin.aliases.exists()


def test_a_contact_written_in_japanese_is_the_person_we_know_in_latin_letters(importer, mission):
    from contacts.models import Person

    takeda = OrganisationFactory(name="Takeda Pharmaceutical", name_native="武田薬品工業")
    sato = PersonFactory(given_name="Ken", family_name="Sato", organisation=takeda)
    namesake = PersonFactory(given_name="謙", family_name="佐藤", name_native="佐藤 謙", organisation=takeda)
    day = f"{mission.start_date:%Y-%m-%d}"
    rows = [[*HEADER, "Contact person"], [day, "15:00", "Oscar Ces", "", "武田薬品工業", "佐藤 健"]]
    before = Person.objects.count()
    importer.run("meetings", "m.csv", csv_bytes(rows), mission=mission)
    meeting = PartneringMeeting.objects.get(mission=mission)
    assert list(meeting.counterpart_people.all()) == [sato]  # by reading; 佐藤 謙 reads alike but is written otherwise
    assert Person.objects.count() == before and namesake not in meeting.counterpart_people.all()
