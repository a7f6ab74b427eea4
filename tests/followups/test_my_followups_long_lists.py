"""My follow-ups for a delegate with many: each open bucket shows its 50 most urgent and Done its 20 most
recent, with the full counts and a "Show all" that stays in force through the actions."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from followups import services
from followups.models import FollowUp

from ..factories import FollowUpFactory

MINE = reverse("followups:my-followups")


@pytest.fixture
def busy(world):
    """dave: 55 overdue (the oldest first: "Overdue 00" is the most overdue), 3 due this week, 25 done."""
    today = timezone.localdate()
    overdue = [
        FollowUpFactory(assignee=world.dave_delegate, title=f"Overdue {i:02d}", due_on=today - timedelta(days=100 - i))
        for i in range(55)
    ]
    for i in range(3):
        FollowUpFactory(assignee=world.dave_delegate, title=f"This week {i}", due_on=today + timedelta(days=i))
    for i in range(25):
        done = FollowUpFactory(assignee=world.dave_delegate, title=f"Done {i:02d}", due_on=today)
        services.followup_complete(followup=done, acting_user=world.dave, note="")
    return overdue


def shown(response, key):
    section = re.search(rf'data-testid="bucket-{key}">(.*?)</section>', response.content.decode(), re.S).group(1)
    return re.findall(r'class="fw-semibold link-body-emphasis text-decoration-none" href="[^"]+">([^<]+)</a>', section)


def badge(response, key):
    body = response.content.decode()
    return int(re.search(rf'id="bucket-{key}">[^<]*<span class="badge[^"]*">(\d+)</span>', body).group(1))


def test_long_buckets_show_the_most_urgent_with_the_full_count(world, as_user, busy):
    response = as_user(world.dave).get(MINE)
    assert shown(response, "overdue") == [f"Overdue {i:02d}" for i in range(50)]
    assert badge(response, "overdue") == 55
    assert "The 50 most overdue of 55 are shown." in response.content.decode()
    assert f'href="{MINE}?all=1#bucket-overdue"' in response.content.decode()
    assert shown(response, "this-week") == ["This week 0", "This week 1", "This week 2"]
    assert 'data-testid="more-this-week"' not in response.content.decode()
    assert len(shown(response, "done")) == 20 and badge(response, "done") == 25
    assert shown(response, "done")[0] == "Done 24"  # the most recently completed first


def test_show_all_lists_every_open_one_in_the_same_number_of_queries(
    world, as_user, busy, django_assert_num_queries, django_assert_max_num_queries
):
    client = as_user(world.dave)
    with django_assert_max_num_queries(20) as short:
        client.get(MINE)
    with django_assert_num_queries(len(short.captured_queries)):
        response = client.get(MINE, {"all": "1"})
    assert shown(response, "overdue") == [f"Overdue {i:02d}" for i in range(55)]
    assert len(shown(response, "done")) == 25
    assert "Show all" not in response.content.decode()


@pytest.mark.parametrize("value", ["yes", "0", "", "1'--", "ｌ"])
def test_other_values_of_all_give_the_short_page(world, as_user, busy, value):
    response = as_user(world.dave).get(MINE, {"all": value})
    assert response.status_code == 200
    assert len(shown(response, "overdue")) == 50


def test_every_action_form_carries_the_token_and_the_way_back(world, as_user, busy):
    body = as_user(world.dave).get(MINE, {"all": "1"}).content.decode()
    forms = re.findall(r'<form [^>]*action="/followups/.*?</form>', body, re.S)
    # Mark done and Snooze on each of 58 open follow-ups, Reopen on each of the
    # 25 done ones, a note form on each of the 83
    assert len(forms) == 58 * 2 + 25 + 83
    assert sum('/reopen/"' in form for form in forms) == 25
    for form in forms:
        assert re.search(r'name="csrfmiddlewaretoken" value="\w{64}"', form)
        assert '<input type="hidden" name="from" value="mine">' in form
        assert f'<input type="hidden" name="next" value="{MINE}?all=1">' in form


def test_marking_done_from_the_whole_list_keeps_it_whole(world, as_user, busy):
    """htmx swaps in the refreshed buckets: still every overdue one, minus the one just done."""
    client = as_user(world.dave)
    target = busy[0]
    response = client.post(
        reverse("followups:followup-complete", args=[target.pk]),
        {"note": "Sent", "from": "mine", "next": f"{MINE}?all=1", "all": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert shown(response, "overdue") == [f"Overdue {i:02d}" for i in range(1, 55)]
    assert f"Done: “{target.title}”." in response.content.decode()
    assert FollowUp.objects.get(pk=target.pk).status == FollowUp.Status.DONE


def test_without_javascript_the_action_returns_to_the_whole_list(world, as_user, busy):
    client = as_user(world.dave)
    response = client.post(
        reverse("followups:followup-snooze", args=[busy[0].pk]),
        {"due_on": (timezone.localdate() + timedelta(days=30)).isoformat(), "from": "mine", "next": f"{MINE}?all=1"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{MINE}?all=1"
    assert len(shown(response, "overdue")) == 54
    assert shown(response, "later") == ["Overdue 00"]


def test_the_meeting_link_opens_the_meeting_page(world, as_user, dave_followup):
    body = as_user(world.dave).get(MINE).content.decode()
    meeting_url = reverse("meetings:detail", args=[dave_followup.meeting_id])
    assert f'<a href="{meeting_url}">meeting' in body
    assert as_user(world.dave).get(meeting_url).status_code == 200
