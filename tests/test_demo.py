from django.apps import apps
from django.core.management import call_command

from contacts.models import Organisation, Person, User
from events.models import Mission
from followups.demo import UK_MISSION
from followups.models import FollowUp, Outcome, Testimonial


def model_counts():
    return {
        model._meta.label: model.objects.count()
        for app in ("contacts", "events", "followups")
        for model in apps.get_app_config(app).get_models()
    }


def test_demo_loader_builds_the_biojapan_mission(db):
    call_command("load_demo", verbosity=0)
    mission = Mission.objects.get(title=UK_MISSION)
    assert mission.time_zone == "Asia/Tokyo"
    assert set(mission.lead_organisations.values_list("name", flat=True)) == {
        "MedCity",
        "Northern Health Science Alliance",
    }
    assert Organisation.objects.get(name="Takeda Pharmaceutical").name_native == "武田薬品工業"
    assert Person.objects.get(family_name="Sato").full_name == "Sato Ken"  # family name first, as used
    titles = set(mission.events.values_list("title", flat=True))
    assert {"UK Life Sciences Symposium", "BioJapan", "UK drinks reception", "UK Pavilion"} <= titles
    reception = mission.events.get(title="UK drinks reception")
    assert reception.attendance > 200
    assert set(reception.sponsors.values_list("name", flat=True)) == {"Colliers", "BioIndustry Association"}
    statuses = set(FollowUp.objects.filter(mission=mission).values_list("status", flat=True))
    assert statuses == {"open", "done"}
    assert Outcome.objects.filter(mission=mission).exists()
    assert Testimonial.objects.filter(mission=mission, attribution__startswith="Martin Turner").exists()
    assert {u.username for u in User.objects.all()} >= {"manager", "organiser", "delegate"}


def test_demo_delegate_has_followups_in_every_bucket(db):
    from django.utils import timezone

    from followups.selectors import my_followups

    call_command("load_demo", verbosity=0)
    buckets = my_followups(user=User.objects.get(username="delegate"), today=timezone.localdate())
    assert buckets.overdue and buckets.this_week and buckets.later and buckets.done


def test_loading_the_demo_twice_creates_nothing_new(db):
    call_command("load_demo", verbosity=0)
    first = model_counts()
    call_command("load_demo", verbosity=0)
    assert model_counts() == first


def test_the_demo_is_dated_from_the_day_it_is_loaded(db):
    """One mission under way, one ended yesterday (its first reminders go out at once),
    one upcoming and last year's, whatever the day."""
    from datetime import timedelta

    from django.utils import timezone

    from followups.demo import INBOUND_MISSION, KANSAI_MISSION, UK_PREVIOUS_MISSION
    from followups.meeting_forms import default_event
    from followups.models import ReminderEmail
    from followups.views.meetings import current_mission

    call_command("load_demo", verbosity=0)
    today = timezone.localdate()
    ended = Mission.objects.get(title=UK_MISSION)
    assert ended.end_date == today - timedelta(days=1)
    under_way = Mission.objects.get(title=KANSAI_MISSION)
    assert under_way.start_date <= today <= under_way.end_date
    assert Mission.objects.get(title=INBOUND_MISSION).start_date > today
    assert Mission.objects.get(title=UK_PREVIOUS_MISSION).end_date < today - timedelta(days=300)
    for username in ("organiser", "delegate"):
        assert current_mission(User.objects.get(username=username)) == under_way
    assert default_event(under_way).title == "Kansai partnering day"
    first = ReminderEmail.objects.filter(mission=ended, state="pending", due_at__lte=timezone.now())
    assert set(first.values_list("kind", flat=True)) == {"digest", "summary"}
    assert first.filter(recipient__user__username="organiser", kind="summary").exists()
    call_command("load_demo", verbosity=0)  # again: nothing moves, nothing is added
    assert ReminderEmail.objects.filter(mission=ended, state="pending", due_at__lte=timezone.now()).count() == (
        first.count()
    )
