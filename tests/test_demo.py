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
