"""The demo mission: the UK life-sciences delegation to BioJapan and the San Diego
delegation to the same conference, built from the first-hand accounts the
product is based on. Dates are placed around the day of loading so that every
follow-up state shows. Loading twice changes nothing: every record is found by
its natural key before it is created."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from contacts.models import Organisation, Person, Sector, User
from events.models import Delegate, Enquiry, Event, Mission, PartneringMeeting

from .models import FollowUp, Outcome, Testimonial

DEMO_PASSWORD = "biojapan-demo"  # noqa: S105 (printed at every start)
TOKYO = ZoneInfo("Asia/Tokyo")
LONDON = ZoneInfo("Europe/London")

SECTORS = [
    "Regenerative medicine",
    "Oncology",
    "Immunotherapy",
    "Ageing",
    "Cell and gene therapy",
    "Data analytics",
    "Drug discovery",
    "Medical technology",
    "Bioprinting",
]

K = Organisation.Kind
# name, native name, reading, kind, country, city, website, sectors, parent
ORGANISATIONS = [
    ("MedCity", "", "", K.CLUSTER, "GB", "London", "https://www.medcityhq.com", ["Data analytics"], None),
    (
        "Northern Health Science Alliance",
        "",
        "",
        K.CLUSTER,
        "GB",
        "Newcastle upon Tyne",
        "https://www.thenhsa.co.uk",
        ["Ageing"],
        None,
    ),
    (
        "Imperial College London",
        "",
        "",
        K.UNIVERSITY,
        "GB",
        "London",
        "https://www.imperial.ac.uk",
        ["Drug discovery", "Regenerative medicine"],
        None,
    ),
    (
        "University College London",
        "",
        "",
        K.UNIVERSITY,
        "GB",
        "London",
        "https://www.ucl.ac.uk",
        ["Data analytics", "Immunotherapy"],
        None,
    ),
    (
        "Newcastle University",
        "",
        "",
        K.UNIVERSITY,
        "GB",
        "Newcastle upon Tyne",
        "https://www.ncl.ac.uk",
        ["Ageing", "Cell and gene therapy"],
        None,
    ),
    (
        "Cell and Gene Therapy Catapult",
        "",
        "",
        K.RESEARCH_INSTITUTE,
        "GB",
        "London",
        "https://ct.catapult.org.uk",
        ["Cell and gene therapy"],
        None,
    ),
    ("BioIndustry Association", "", "", K.TRADE_ASSOCIATION, "GB", "London", "https://www.bioindustry.org", [], None),
    ("London & Partners", "", "", K.PUBLIC_BODY, "GB", "London", "https://www.londonandpartners.com", [], None),
    ("Mayor's International Business Programme", "", "", K.PUBLIC_BODY, "GB", "London", "", [], "London & Partners"),
    ("IN-PART", "", "", K.SME, "GB", "London", "https://in-part.com", ["Data analytics"], None),
    ("Department for International Trade", "", "", K.PUBLIC_BODY, "GB", "London", "", [], None),
    ("Colliers", "", "", K.COMPANY, "GB", "London", "https://www.colliers.com", [], None),
    (
        "LINK-J",
        "ライフサイエンス・イノベーション・ネットワーク・ジャパン",
        "Raifu Saiensu Inobēshon Nettowāku Japan",
        K.CLUSTER,
        "JP",
        "Tokyo",
        "https://www.link-j.org",
        ["Regenerative medicine"],
        None,
    ),
    (
        "Takeda Pharmaceutical",
        "武田薬品工業",
        "Takeda Yakuhin Kōgyō",
        K.COMPANY,
        "JP",
        "Tokyo",
        "https://www.takeda.com",
        ["Oncology", "Regenerative medicine"],
        None,
    ),
    (
        "Ajinomoto",
        "味の素",
        "Ajinomoto",
        K.COMPANY,
        "JP",
        "Tokyo",
        "https://www.ajinomoto.com",
        ["Drug discovery"],
        None,
    ),
    (
        "Kyowa Kirin",
        "協和キリン",
        "Kyōwa Kirin",
        K.COMPANY,
        "JP",
        "Tokyo",
        "https://www.kyowakirin.com",
        ["Immunotherapy", "Oncology"],
        None,
    ),
    (
        "Chugai Pharmaceutical",
        "中外製薬",
        "Chūgai Seiyaku",
        K.COMPANY,
        "JP",
        "Tokyo",
        "https://www.chugai-pharm.co.jp",
        ["Oncology"],
        None,
    ),
    (
        "FUJIFILM",
        "富士フイルム",
        "Fuji Firumu",
        K.COMPANY,
        "JP",
        "Tokyo",
        "https://www.fujifilm.com",
        ["Cell and gene therapy", "Regenerative medicine"],
        None,
    ),
    (
        "Japan Health Sciences Foundation",
        "ヒューマンサイエンス振興財団",
        "Hyūman Saiensu Shinkō Zaidan",
        K.PUBLIC_BODY,
        "JP",
        "Tokyo",
        "",
        [],
        None,
    ),
    (
        "City of Yokohama",
        "横浜市",
        "Yokohama-shi",
        K.PUBLIC_BODY,
        "JP",
        "Yokohama",
        "https://www.city.yokohama.lg.jp",
        [],
        None,
    ),
    (
        "Kobe Biomedical Innovation Cluster",
        "神戸医療産業都市",
        "Kōbe Iryō Sangyō Toshi",
        K.CLUSTER,
        "JP",
        "Kobe",
        "",
        ["Regenerative medicine"],
        None,
    ),
    (
        "JETRO",
        "日本貿易振興機構",
        "Nihon Bōeki Shinkō Kikō",
        K.PUBLIC_BODY,
        "JP",
        "Tokyo",
        "https://www.jetro.go.jp",
        [],
        None,
    ),
    ("World Trade Center San Diego", "", "", K.PUBLIC_BODY, "US", "San Diego", "", [], None),
    ("Biocom", "", "", K.TRADE_ASSOCIATION, "US", "San Diego", "https://www.biocom.org", [], None),
    ("UC San Diego", "", "", K.UNIVERSITY, "US", "San Diego", "https://ucsd.edu", ["Medical technology"], None),
    (
        "Organovo",
        "",
        "",
        K.SME,
        "US",
        "San Diego",
        "https://organovo.com",
        ["Bioprinting", "Regenerative medicine"],
        None,
    ),
]

GF, FF = Person.NameOrder.GIVEN_FIRST, Person.NameOrder.FAMILY_FIRST
# key, honorific, given, family, native, order, job title, organisation, time zone
PEOPLE = [
    ("hannah", "", "Hannah", "Price", "", GF, "International Programme Manager", "MedCity", "Europe/London"),
    ("priya", "", "Priya", "Shah", "", GF, "Director of Programmes", "MedCity", "Europe/London"),
    (
        "neil",
        "Dr",
        "Neil",
        "Harris",
        "",
        GF,
        "Director of Business Development",
        "Northern Health Science Alliance",
        "Europe/London",
    ),
    (
        "oscar",
        "Prof",
        "Oscar",
        "Ces",
        "",
        GF,
        "Professor in Chemical Biology",
        "Imperial College London",
        "Europe/London",
    ),
    (
        "martin",
        "",
        "Martin",
        "Turner",
        "",
        GF,
        "Policy and Projects Manager",
        "BioIndustry Association",
        "Europe/London",
    ),
    ("robin", "", "Robin", "Knight", "", GF, "Co-Founder", "IN-PART", "Europe/London"),
    (
        "amelia",
        "Dr",
        "Amelia",
        "Clarke",
        "",
        GF,
        "Head of Translational Partnerships",
        "University College London",
        "Europe/London",
    ),
    ("james", "Dr", "James", "Okafor", "", GF, "Business Development Manager", "Newcastle University", "Europe/London"),
    (
        "sophie",
        "",
        "Sophie",
        "Lang",
        "",
        GF,
        "Business Development Lead",
        "Cell and Gene Therapy Catapult",
        "Europe/London",
    ),
    ("ken", "", "Ken", "Mori", "森 健", GF, "Trade Adviser (Japan)", "London & Partners", "Europe/London"),
    ("prior", "Lord", "David", "Prior", "", GF, "Lord Prior of Brampton", None, "Europe/London"),
    ("sato", "", "Ken", "Sato", "佐藤 健", FF, "Business Development Manager", "Takeda Pharmaceutical", "Asia/Tokyo"),
    ("suzuki", "", "Misaki", "Suzuki", "鈴木 美咲", FF, "Licensing Strategist", "Chugai Pharmaceutical", "Asia/Tokyo"),
    ("tanaka", "", "Hiroshi", "Tanaka", "田中 浩", FF, "R&D Manager, Cell Therapy", "FUJIFILM", "Asia/Tokyo"),
    ("takahashi", "", "Yumi", "Takahashi", "高橋 由美", FF, "Head of External Innovation", "Kyowa Kirin", "Asia/Tokyo"),
    ("watanabe", "", "Sho", "Watanabe", "渡辺 翔", FF, "Senior Researcher", "Ajinomoto", "Asia/Tokyo"),
    ("ito", "", "Aiko", "Ito", "伊藤 愛子", FF, "Programme Officer", "Japan Health Sciences Foundation", "Asia/Tokyo"),
    ("nikia", "", "Nikia", "Clarke", "", GF, "Director", "World Trade Center San Diego", "America/Los_Angeles"),
    ("biocom", "", "Joe", "Panetta", "", GF, "Chief Executive", "Biocom", "America/Los_Angeles"),
    ("ucsd", "Dr", "Maya", "Lin", "", GF, "Director, Japan Office", "UC San Diego", "America/Los_Angeles"),
    ("organovo", "", "Eric", "David", "", GF, "Business Development", "Organovo", "America/Los_Angeles"),
]

# username, person key, account role, superuser
USERS = [
    ("manager", "priya", User.Role.MANAGER, True),
    ("organiser", "hannah", User.Role.ORGANISER, False),
    ("delegate", "oscar", User.Role.DELEGATE, False),
    ("sandiego", "nikia", User.Role.ORGANISER, False),
]

D = Delegate.Role
UK_DELEGATES = [
    ("hannah", D.ORGANISER), ("priya", D.LEAD), ("neil", D.LEAD), ("oscar", D.DELEGATE), ("martin", D.DELEGATE),
    ("robin", D.DELEGATE), ("amelia", D.SPEAKER), ("james", D.DELEGATE), ("sophie", D.SPEAKER),
    ("ken", D.INTERPRETER), ("prior", D.SPEAKER),
]  # fmt: skip
SD_DELEGATES = [("nikia", D.LEAD), ("biocom", D.DELEGATE), ("ucsd", D.DELEGATE), ("organovo", D.DELEGATE)]

UK_MISSION = "UK life sciences delegation to BioJapan"
SD_MISSION = "San Diego life sciences delegation to BioJapan"
UK_PREVIOUS_MISSION = "UK life sciences mission to BioJapan (previous year)"
KANSAI_MISSION = "UK life sciences delegation to Kansai"
INBOUND_MISSION = "Japanese life sciences delegation to London"


@dataclass
class DemoLogin:
    username: str
    role: str
    name: str


def _at(day: date, hour: int, minute: int = 0, tz: ZoneInfo = TOKYO) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


@transaction.atomic
def load_demo(*, today: date | None = None) -> list[DemoLogin]:
    """Four missions dated from ``today`` (the day it is first loaded): one under way
    (Kansai), one that ended yesterday (BioJapan, whose first digests and summary go
    out at once), one upcoming (inbound to London) and last year's; San Diego's is
    another trade body's. Loading again creates nothing."""
    given_today = today is not None
    today = today or timezone.localdate()
    sectors = {name: Sector.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0] for name in SECTORS}

    orgs: dict[str, Organisation] = {}
    for name, native, reading, kind, country, city, website, sector_names, parent in ORGANISATIONS:
        org, created = Organisation.objects.get_or_create(
            name=name,
            merged_into=None,
            defaults=dict(
                name_native=native, name_reading=reading, kind=kind, country=country, city=city, website=website
            ),
        )
        if created:
            org.sectors.set([sectors[s] for s in sector_names])
            if parent:
                org.parent = orgs[parent]
                org.save(update_fields=["parent"])
        orgs[name] = org

    people: dict[str, Person] = {}
    for key, honorific, given, family, native, order, title, org_name, tz in PEOPLE:
        person, _ = Person.objects.get_or_create(
            given_name=given,
            family_name=family,
            organisation=orgs.get(org_name),
            defaults=dict(
                honorific=honorific,
                name_native=native,
                name_order=order,
                job_title=title,
                email=f"{given}.{family}@example.org".lower().replace(" ", ""),
                time_zone=tz,
                languages="Japanese, English" if native else "English",
                lawful_basis=Person.LawfulBasis.LEGITIMATE_INTERESTS,
            ),
        )
        people[key] = person

    logins = []
    for username, person_key, role, superuser in USERS:
        person = people[person_key]
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                email=person.email,
                first_name=person.given_name,
                last_name=person.family_name,
                role=role,
                time_zone=person.time_zone,
                is_staff=superuser,
                is_superuser=superuser,
            )
        if person.user_id is None:
            person.user = user
            person.save(update_fields=["user"])
        logins.append(DemoLogin(username, User.Role(role).label, person.full_name))

    # The day it is now where the missions take place (Tokyo is ahead of London).
    local_day = today if given_today else timezone.now().astimezone(TOKYO).date()
    just_ended = _load_uk_mission(today, orgs, people, sectors)
    _load_kansai_mission(local_day, orgs, people)
    _load_inbound_mission(today, orgs, people)
    _load_san_diego_mission(today, orgs, people, sectors)
    _load_uk_previous_year(today, orgs, people, sectors)

    from .reminders import reminder_offsets, reminders_bring_forward, reminders_rearm_for_mission

    for mission in Mission.objects.filter(delegates__person__in=people.values()).distinct():
        reminders_rearm_for_mission(mission=mission)
    if just_ended is not None and reminder_offsets(just_ended):
        reminders_bring_forward(mission=just_ended, offset_days=reminder_offsets(just_ended)[0], to=timezone.now())
    return logins


def _load_kansai_mission(local_day, orgs, people):
    """Under way today, with a partnering day today: "Log a meeting" starts here, now."""
    mission, created, _ = _mission(
        KANSAI_MISSION,
        dict(
            direction=Mission.Direction.OUTBOUND,
            destination_country="JP",
            destination_city="Osaka and Kobe",
            start_date=local_day - timedelta(days=1),
            end_date=local_day + timedelta(days=2),
            time_zone="Asia/Tokyo",
            status=Mission.Status.CONFIRMED,
            programme="A short follow-on to BioJapan: partnering in Osaka and a visit to the Kobe biocluster.",
        ),
        [orgs["MedCity"]],
        [orgs["Kobe Biomedical Innovation Cluster"]],
        [("hannah", D.ORGANISER), ("priya", D.LEAD), ("oscar", D.DELEGATE), ("amelia", D.DELEGATE)],
        people,
    )
    if not created:
        return
    Event.objects.create(
        mission=mission, kind=Event.Kind.PARTNERING, title="Kansai partnering day", venue="Grand Front Osaka",
        city="Osaka", starts_at=_at(local_day, 9), ends_at=_at(local_day, 19), time_zone="Asia/Tokyo",
    )  # fmt: skip
    Event.objects.create(
        mission=mission, kind=Event.Kind.SITE_VISIT, title="Kobe Biomedical Innovation Cluster visit",
        city="Kobe", starts_at=_at(local_day + timedelta(days=1), 10), ends_at=_at(local_day + timedelta(days=1), 16),
        time_zone="Asia/Tokyo",
    )  # fmt: skip


def _load_inbound_mission(today, orgs, people):
    """Upcoming: a Japanese delegation coming to London, being prepared."""
    start = today + timedelta(days=24)
    mission, created, _ = _mission(
        INBOUND_MISSION,
        dict(
            direction=Mission.Direction.INBOUND,
            destination_country="GB",
            destination_city="London",
            start_date=start,
            end_date=start + timedelta(days=3),
            time_zone="Europe/London",
            status=Mission.Status.CONFIRMED,
            programme="LINK-J brings eight Japanese life-science companies to London's innovation districts.",
        ),
        [orgs["MedCity"]],
        [orgs["LINK-J"]],
        [("hannah", D.ORGANISER), ("neil", D.LEAD)],
        people,
    )
    if not created:
        return
    Event.objects.create(
        mission=mission, kind=Event.Kind.INBOUND_VISIT, title="Welcome and UK–Japan partnering at MedCity",
        venue="MedCity", city="London", starts_at=_at(start, 10, tz=LONDON), ends_at=_at(start, 17, tz=LONDON),
        time_zone="Europe/London",
    )  # fmt: skip


def _mission(title, defaults, leads, partners, roster, people):
    mission, created = Mission.objects.get_or_create(title=title, defaults=defaults)
    if created:
        mission.lead_organisations.set(leads)
        mission.partner_organisations.set(partners)
    delegates = {}
    for key, role in roster:
        delegates[key], _ = Delegate.objects.get_or_create(mission=mission, person=people[key], defaults={"role": role})
    return mission, created, delegates


def _load_uk_mission(today, orgs, people, sectors) -> Mission | None:
    """The BioJapan mission, when this load created it (else None)."""
    # Ended yesterday: its first digests and organisers' summary go out as the demo starts.
    start = today - timedelta(days=5)  # symposium day in Tokyo
    biojapan = start + timedelta(days=2)
    end = start + timedelta(days=4)
    mission, created, dl = _mission(
        UK_MISSION,
        dict(
            direction=Mission.Direction.OUTBOUND,
            destination_country="JP",
            destination_city="Tokyo and Yokohama",
            start_date=start,
            end_date=end,
            time_zone="Asia/Tokyo",
            status=Mission.Status.COMPLETED,
            programme=(
                "Led by MedCity and the Northern Health Science Alliance: a UK Life Sciences Symposium in Tokyo "
                "co-hosted with LINK-J, then BioJapan in Yokohama with the UK Pavilion, nine UK speakers, a UK "
                "drinks reception and partnering meetings with Japanese companies."
            ),
        ),
        [orgs["MedCity"], orgs["Northern Health Science Alliance"]],
        [orgs["LINK-J"], orgs["Department for International Trade"], orgs["Mayor's International Business Programme"]],
        UK_DELEGATES,
        people,
    )
    if not created:
        return None
    mission.sectors.set(
        [sectors[s] for s in ["Regenerative medicine", "Oncology", "Immunotherapy", "Ageing", "Data analytics"]]
    )
    start, biojapan, end = mission.start_date, mission.start_date + timedelta(days=2), mission.end_date

    symposium = Event.objects.create(
        mission=mission, kind=Event.Kind.SYMPOSIUM, title="UK Life Sciences Symposium",
        venue="Nihonbashi Life Science Building", city="Tokyo",
        starts_at=_at(start, 13), ends_at=_at(start, 18), time_zone="Asia/Tokyo",
        description="University spin-outs, big-data analytics and case studies of UK–Japan partnerships.",
        capacity=150, attendance=120,
    )  # fmt: skip
    symposium.co_hosts.set([orgs["LINK-J"], orgs["Northern Health Science Alliance"], orgs["MedCity"]])
    symposium.speakers.set([people["prior"], people["amelia"], people["neil"]])
    conference = Event.objects.create(
        mission=mission, kind=Event.Kind.CONFERENCE, title="BioJapan", venue="Pacifico Yokohama", city="Yokohama",
        starts_at=_at(biojapan, 10), ends_at=_at(biojapan + timedelta(days=2), 17, 30), time_zone="Asia/Tokyo",
        description="Asia's biggest bioscience conference: talks, partnering sessions and hundreds of stands.",
    )  # fmt: skip
    conference.speakers.set([people["amelia"], people["sophie"], people["oscar"]])
    reception = Event.objects.create(
        mission=mission, kind=Event.Kind.RECEPTION, title="UK drinks reception", venue="Pacifico Yokohama",
        city="Yokohama", starts_at=_at(biojapan, 18), ends_at=_at(biojapan, 20), time_zone="Asia/Tokyo",
        description="Informal networking on the opening day.", capacity=220, attendance=204,
    )  # fmt: skip
    reception.sponsors.set([orgs["Colliers"], orgs["BioIndustry Association"]])
    pavilion = Event.objects.create(
        mission=mission, kind=Event.Kind.STAND, title="UK Pavilion", venue="Pacifico Yokohama, Hall B",
        city="Yokohama", starts_at=_at(biojapan, 10), ends_at=_at(biojapan + timedelta(days=2), 17), time_zone="Asia/Tokyo",
        description="UK Pavilion led by the Department for International Trade, answering enquiries.",
    )  # fmt: skip
    pavilion.co_hosts.set([orgs["Department for International Trade"]])
    partnering = Event.objects.create(
        mission=mission, kind=Event.Kind.PARTNERING, title="BioJapan partnering", venue="Pacifico Yokohama, Partnering area",
        city="Yokohama", starts_at=_at(biojapan, 9), ends_at=_at(biojapan + timedelta(days=2), 18), time_zone="Asia/Tokyo",
    )  # fmt: skip
    visit = Event.objects.create(
        mission=mission, kind=Event.Kind.INBOUND_VISIT, title="Japan Health Sciences Foundation visit to London",
        venue="MedCity", city="London", starts_at=_at(today - timedelta(days=2), 14, tz=LONDON),
        ends_at=_at(today - timedelta(days=2), 19, tz=LONDON), time_zone="Europe/London",
        description="A tour and drinks reception for the foundation's visiting delegation.", attendance=18,
    )  # fmt: skip
    visit.co_hosts.set([orgs["MedCity"]])

    M = PartneringMeeting
    meetings = {}
    specs = [
        ("takeda", biojapan, 11, "Table 14", ["oscar", "hannah"], ["Takeda Pharmaceutical"], ["sato"], M.Status.HELD,
         ["Regenerative medicine"], "Co-location at White City Campus and joint regenerative-medicine research", M.Interest.HIGH,
         "Send the White City Campus co-location pack; propose a visit to the Molecular Sciences Research Hub."),
        ("chugai", biojapan, 14, "Table 3", ["robin", "ken"], ["Chugai Pharmaceutical"], ["suzuki"], M.Status.HELD,
         ["Oncology", "Data analytics"], "Using IN-PART to find UK academic partners in oncology", M.Interest.HIGH,
         "Trial account for the licensing team; introduce two oncology groups."),
        ("kyowa", biojapan + timedelta(days=1), 10, "Table 8", ["martin", "priya"], ["Kyowa Kirin"], ["takahashi"], M.Status.HELD,
         ["Immunotherapy"], "UK investment climate and the Life Sciences Industrial Strategy", M.Interest.MEDIUM,
         "Share the investment guide; connect with the UK's Office for Life Sciences."),
        ("fujifilm", biojapan + timedelta(days=1), 15, "Meeting room 2", ["james", "sophie"], ["FUJIFILM"], ["tanaka"], M.Status.HELD,
         ["Cell and gene therapy"], "Cell-therapy manufacturing scale-up with the Catapult", M.Interest.HIGH,
         "Arrange a visit to the Catapult's Stevenage manufacturing centre."),
        ("ajinomoto", biojapan + timedelta(days=2), 11, "Table 21", ["amelia"], ["Ajinomoto"], ["watanabe"], M.Status.HELD,
         ["Drug discovery"], "Peptide drug discovery collaboration with UCL", M.Interest.MEDIUM,
         "Send UCL's peptide chemistry capability statement."),
        ("link-j", start, 10, "LINK-J office", ["priya", "neil", "hannah"], ["LINK-J"], [], M.Status.HELD,
         ["Regenerative medicine"], "Joint programme for next year's symposium", M.Interest.HIGH,
         "Draft a memorandum of understanding between the clusters."),
        ("takeda-2", biojapan + timedelta(days=2), 16, "Table 14", ["oscar"], ["Takeda Pharmaceutical"], [], M.Status.NO_SHOW,
         ["Oncology"], "Oncology licensing follow-on", None, ""),
        ("yokohama", biojapan + timedelta(days=2), 9, "", ["neil"], ["City of Yokohama"], [], M.Status.CANCELLED,
         [], "Regional soft-landing support", None, ""),
    ]  # fmt: skip
    for (
        key,
        day,
        hour,
        location,
        delegates,
        counterparts,
        contacts,
        status,
        sector_names,
        topic,
        interest,
        next_steps,
    ) in specs:
        meeting = M.objects.create(
            mission=mission,
            event=partnering if key not in ("link-j", "yokohama") else None,
            starts_at=_at(day, hour),
            location=location,
            status=status,
            topic=topic,
            interest=interest,
            next_steps=next_steps,
            notes="",
            logged_by=people["hannah"].user,
        )
        meeting.delegates.set([dl[d] for d in delegates])
        meeting.counterpart_organisations.set([orgs[o] for o in counterparts])
        meeting.counterpart_people.set([people[p] for p in contacts])
        meeting.sectors.set([sectors[s] for s in sector_names])
        meetings[key] = meeting

    enquiry_setup = Enquiry.objects.create(
        mission=mission, event=pavilion, asked_at=_at(biojapan, 12, 30), asker_name="Daisuke Kimura",
        organisation=orgs["JETRO"], category=Enquiry.Category.SETTING_UP,
        question="Where should a Japanese diagnostics SME set up in the UK, and what support is there?",
        assigned_to=dl["hannah"],
    )  # fmt: skip
    enquiry_academic = Enquiry.objects.create(
        mission=mission, event=pavilion, asked_at=_at(biojapan + timedelta(days=1), 15), person=people["tanaka"],
        organisation=orgs["FUJIFILM"], category=Enquiry.Category.ACADEMIC_INTRO,
        question="Introduction to an academic at Newcastle working on the biology of ageing.", assigned_to=dl["james"],
    )  # fmt: skip

    F = FollowUp.Status
    now = timezone.now()
    followups = [
        ("Send White City Campus co-location pack to Sato-san", "oscar", meetings["takeda"], None, today - timedelta(days=3), F.OPEN, 3),
        ("Propose dates for a Takeda visit to the Molecular Sciences Research Hub", "oscar", meetings["takeda"], None, today + timedelta(days=3), F.OPEN, 2),
        ("Introduce Chugai's licensing team to two oncology groups", "robin", meetings["chugai"], None, today + timedelta(days=5), F.OPEN, 2),
        ("Share the UK investment guide with Kyowa Kirin", "martin", meetings["kyowa"], None, today - timedelta(days=1), F.DONE, 2),
        ("Arrange FUJIFILM visit to the Stevenage manufacturing centre", "sophie", meetings["fujifilm"], None, today + timedelta(days=21), F.OPEN, 3),
        ("Send UCL peptide chemistry capability statement to Ajinomoto", "amelia", meetings["ajinomoto"], None, today - timedelta(days=1), F.OPEN, 2),
        ("Draft a cluster MOU with LINK-J", "priya", meetings["link-j"], None, today + timedelta(days=30), F.OPEN, 3),
        ("Reply to JETRO: where to set up in the UK", "hannah", None, enquiry_setup, today - timedelta(days=2), F.DONE, 2),
        ("Introduce FUJIFILM to Newcastle's ageing research group", "james", None, enquiry_academic, today + timedelta(days=2), F.OPEN, 2),
        ("Thank Oscar's Takeda contact for the partnering meeting", "oscar", meetings["takeda"], None, today - timedelta(days=2), F.DONE, 1),
        ("Book a call with Takeda's oncology licensing team", "oscar", meetings["takeda-2"], None, today + timedelta(days=18), F.OPEN, 2),
    ]  # fmt: skip
    created_followups = {}
    for title, assignee, meeting, enquiry, due, status, priority in followups:
        done = status == F.DONE
        created_followups[title] = FollowUp.objects.create(
            mission=mission, meeting=meeting, enquiry=enquiry, title=title, assignee=dl[assignee], due_on=due,
            status=status, priority=priority, completed_at=now - timedelta(days=1) if done else None,
            completion_note="Sent with a cover note; they replied the same day." if done else "",
        )  # fmt: skip

    OK = Outcome.Kind
    outcomes = [
        (OK.VISIT, "Japan Health Sciences Foundation visit to London", "Tour and drinks reception hosted by MedCity.",
         ["Japan Health Sciences Foundation", "MedCity"], None, "", None, today - timedelta(days=2), None),
        (OK.COLLABORATION, "IN-PART in dialogue with 20+ Japanese universities and pharma companies",
         "Since the trip, more than 20 universities and pharmaceutical companies in Japan are interested in using IN-PART.",
         ["IN-PART", "Chugai Pharmaceutical"], None, "", None, today - timedelta(days=1), meetings["chugai"]),
        (OK.DEAL, "Research agreement: Imperial and Takeda regenerative medicine",
         "Material transfer and sponsored research agreement (demo figure).",
         ["Imperial College London", "Takeda Pharmaceutical"], Decimal("45000000"), "JPY", 3, today - timedelta(days=1), meetings["takeda"]),
        (OK.INVESTMENT, "FUJIFILM pilot cell-therapy process development in the UK",
         "Process development contract placed with a UK partner (demo figure).",
         ["FUJIFILM", "Cell and Gene Therapy Catapult"], Decimal("750000"), "GBP", 6, today - timedelta(days=1), meetings["fujifilm"]),
    ]  # fmt: skip
    for kind, title, description, org_names, value, currency, jobs, achieved_on, meeting in outcomes:
        outcome = Outcome.objects.create(
            mission=mission, kind=kind, title=title, description=description, value=value, currency=currency,
            jobs=jobs, achieved_on=achieved_on, meeting=meeting,
        )  # fmt: skip
        outcome.organisations.set([orgs[n] for n in org_names])

    quotes = [
        ("martin", "Martin Turner, Policy and Projects Manager, BioIndustry Association",
         "BioJapan was our opportunity to champion the UK bioscience sector abroad, promote the opportunities of the "
         "Life Sciences Industrial Strategy and send a welcoming message that we're open for business. Refreshingly, "
         "Brexit was far from the minds of most people I met – instead I got questions about the opportunities for "
         "investment and collaboration that the UK sector can offer."),
        ("robin", "Robin Knight, Co-Founder, IN-PART",
         "Being on the Mayor's International Business Programme and attending BioJapan enabled us to engage multiple "
         "stakeholders in a country that we are keen to establish links with. Since the trip, we are in dialogue with "
         "more than 20 universities and pharmaceutical companies in Japan interested in using IN-PART."),
        ("oscar", "Professor Oscar Ces, Professor in Chemical Biology, Imperial College London",
         "This kind of event and the support we received is absolutely critical to making connections – during my "
         "time in Japan I was able to interact with R&D personnel, licensing strategists, company executives and "
         "business development managers from a wide variety of organisations."),
    ]  # fmt: skip
    for key, attribution, quote in quotes:
        Testimonial.objects.create(
            mission=mission, person=people[key], attribution=attribution, quote=quote, approved=True
        )
    return mission


def _load_san_diego_mission(today, orgs, people, sectors):
    start = today - timedelta(days=40)
    mission, created, dl = _mission(
        SD_MISSION,
        dict(
            direction=Mission.Direction.OUTBOUND,
            destination_country="JP",
            destination_city="Yokohama",
            start_date=start,
            end_date=start + timedelta(days=4),
            time_zone="Asia/Tokyo",
            status=Mission.Status.COMPLETED,
            programme=(
                "World Trade Center San Diego with Biocom, UC San Diego and four San Diego companies at BioJapan; "
                "site visits to Yokohama's research spaces and a sister-city letter from the Mayor of San Diego."
            ),
        ),
        [orgs["World Trade Center San Diego"]],
        [orgs["Biocom"], orgs["UC San Diego"], orgs["City of Yokohama"]],
        SD_DELEGATES,
        people,
    )
    if not created:
        return
    start = mission.start_date
    conference = Event.objects.create(
        mission=mission, kind=Event.Kind.CONFERENCE, title="BioJapan", venue="Pacifico Yokohama", city="Yokohama",
        starts_at=_at(start, 10), ends_at=_at(start + timedelta(days=2), 17, 30), time_zone="Asia/Tokyo",
        attendance=15000, description="800 companies and 15,000 visitors.",
    )  # fmt: skip
    conference.sponsors.set(
        [orgs[n] for n in ["Takeda Pharmaceutical", "Ajinomoto", "Kyowa Kirin", "Chugai Pharmaceutical"]]
    )
    site_visit = Event.objects.create(
        mission=mission, kind=Event.Kind.SITE_VISIT, title="Yokohama research spaces and innovation houses",
        city="Yokohama", starts_at=_at(start + timedelta(days=3), 10), ends_at=_at(start + timedelta(days=3), 16),
        time_zone="Asia/Tokyo", description="Hosted by the City of Yokohama; sister-city letter handed over.",
    )  # fmt: skip
    site_visit.co_hosts.set([orgs["City of Yokohama"]])
    meeting = PartneringMeeting.objects.create(
        mission=mission, event=conference, starts_at=_at(start + timedelta(days=1), 13), location="Table 40",
        status=PartneringMeeting.Status.HELD, topic="Bioprinted human tissue for drug discovery",
        interest=PartneringMeeting.Interest.HIGH, next_steps="Send tissue model data pack.", logged_by=people["nikia"].user,
    )  # fmt: skip
    meeting.delegates.set([dl["organovo"]])
    meeting.counterpart_organisations.set([orgs["Takeda Pharmaceutical"]])
    meeting.sectors.set([sectors["Bioprinting"]])
    FollowUp.objects.create(
        mission=mission, meeting=meeting, title="Send Organovo tissue model data pack to Takeda", assignee=dl["organovo"],
        due_on=today - timedelta(days=10), status=FollowUp.Status.OPEN, priority=3,
    )  # fmt: skip
    mou = Outcome.objects.create(
        mission=mission,
        kind=Outcome.Kind.MOU,
        title="Biocom MOU with the Kobe biocluster",
        achieved_on=start + timedelta(days=2),
    )
    mou.organisations.set([orgs["Biocom"], orgs["Kobe Biomedical Innovation Cluster"]])
    office = Outcome.objects.create(
        mission=mission,
        kind=Outcome.Kind.OFFICE,
        title="Biocom Japan office opened",
        achieved_on=start + timedelta(days=2),
    )
    office.organisations.set([orgs["Biocom"]])


def _load_uk_previous_year(today, orgs, people, sectors):
    """Last year's, smaller UK delegation: the report compares the two side by side."""
    start = today - timedelta(days=365 + 14)
    mission, created, dl = _mission(
        UK_PREVIOUS_MISSION,
        dict(
            direction=Mission.Direction.OUTBOUND,
            destination_country="JP",
            destination_city="Yokohama",
            start_date=start,
            end_date=start + timedelta(days=3),
            time_zone="Asia/Tokyo",
            status=Mission.Status.COMPLETED,
            programme="The first MedCity and NHSA delegation to BioJapan: the UK stand and partnering meetings.",
        ),
        [orgs["MedCity"], orgs["Northern Health Science Alliance"]],
        [orgs["Department for International Trade"]],
        [("hannah", D.ORGANISER), ("priya", D.LEAD), ("neil", D.LEAD), ("oscar", D.DELEGATE),
         ("martin", D.DELEGATE), ("james", D.DELEGATE)],
        people,
    )  # fmt: skip
    if not created:
        return
    start = mission.start_date
    conference = Event.objects.create(
        mission=mission, kind=Event.Kind.CONFERENCE, title="BioJapan", venue="Pacifico Yokohama", city="Yokohama",
        starts_at=_at(start, 10), ends_at=_at(start + timedelta(days=2), 17, 30), time_zone="Asia/Tokyo",
    )  # fmt: skip
    Event.objects.create(
        mission=mission, kind=Event.Kind.RECEPTION, title="UK networking evening", venue="Pacifico Yokohama",
        city="Yokohama", starts_at=_at(start, 18), ends_at=_at(start, 20), time_zone="Asia/Tokyo",
        capacity=150, attendance=96,
    )  # fmt: skip
    M = PartneringMeeting
    specs = [
        ("Takeda Pharmaceutical", 0, 11, ["oscar", "hannah"], ["Regenerative medicine"], M.Status.HELD),
        ("Ajinomoto", 0, 15, ["priya"], ["Drug discovery"], M.Status.HELD),
        ("Chugai Pharmaceutical", 1, 10, ["martin"], ["Oncology"], M.Status.HELD),
        ("JETRO", 1, 14, ["neil", "hannah"], [], M.Status.HELD),
        ("Kyowa Kirin", 2, 11, ["james"], ["Immunotherapy"], M.Status.CANCELLED),
    ]
    meetings = []
    for org, day, hour, delegates, sector_names, status in specs:
        meeting = M.objects.create(
            mission=mission, event=conference, starts_at=_at(start + timedelta(days=day), hour), status=status,
            topic=f"Introduction to {org}", interest=M.Interest.MEDIUM if status == M.Status.HELD else None,
            logged_by=people["hannah"].user,
        )  # fmt: skip
        meeting.delegates.set([dl[d] for d in delegates])
        meeting.counterpart_organisations.set([orgs[org]])
        meeting.sectors.set([sectors[s] for s in sector_names])
        meetings.append(meeting)
    F = FollowUp.Status
    followups = [
        ("Send Takeda the Imperial capability pack", "oscar", meetings[0], 5, F.DONE),
        ("Share NHSA ageing cohort summary with JETRO", "neil", meetings[3], 12, F.DONE),
        ("Introduce Ajinomoto to the MedCity network", "priya", meetings[1], 20, F.DONE),
        ("Follow up with Chugai on oncology partnering", "martin", meetings[2], 41, F.DONE),
        ("Invite Chugai to the London Life Sciences Week", "martin", meetings[2], 30, F.CANCELLED),
        ("Send Kyowa Kirin a new meeting request", "james", meetings[4], 14, F.OPEN),
    ]
    for title, assignee, meeting, days, status in followups:
        FollowUp.objects.create(
            mission=mission, meeting=meeting, title=title, assignee=dl[assignee],
            due_on=start + timedelta(days=days), status=status,
            completed_at=meeting.starts_at + timedelta(days=days) if status == F.DONE else None,
        )  # fmt: skip
    visit = Outcome.objects.create(
        mission=mission, kind=Outcome.Kind.VISIT, title="JETRO visit to Newcastle", meeting=meetings[3],
        achieved_on=start + timedelta(days=90),
    )  # fmt: skip
    visit.organisations.set([orgs["JETRO"], orgs["Newcastle University"]])
    collaboration = Outcome.objects.create(
        mission=mission, kind=Outcome.Kind.COLLABORATION, title="Imperial and Takeda feasibility study",
        meeting=meetings[0], value=Decimal("120000"), currency="GBP", jobs=2, achieved_on=start + timedelta(days=150),
    )  # fmt: skip
    collaboration.organisations.set([orgs["Imperial College London"], orgs["Takeda Pharmaceutical"]])
    Testimonial.objects.create(
        mission=mission, person=people["neil"], approved=True,
        attribution="Dr Neil Harris, Northern Health Science Alliance",
        quote="Our first BioJapan showed how much Japanese companies want to work with the North's universities.",
    )  # fmt: skip
