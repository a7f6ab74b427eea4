import re

from django.core import mail
from django.urls import reverse

from .conftest import PASSWORD


def test_sign_in_and_out(client, world):
    response = client.post(reverse("login"), {"username": "dave", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("followups:my-followups")
    assert "My follow-ups" in response.content.decode()
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_is_refused_with_a_message(client, world):
    response = client.post(reverse("login"), {"username": "dave", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_password_change(client, world):
    client.login(username="dave", password=PASSWORD)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-passphrase",
            "new_password2": "a-much-longer-passphrase",
        },
    )
    assert response.status_code == 302
    client.logout()
    assert client.login(username="dave", password="a-much-longer-passphrase")


def test_password_reset_by_email(client, world, tasks_inline):
    response = client.post(reverse("password_reset"), {"email": world.dave.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.dave.email]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "brand-new-passphrase", "new_password2": "brand-new-passphrase"})
    assert response.status_code == 302
    assert client.login(username="dave", password="brand-new-passphrase")


def test_password_reset_for_an_unknown_address_sends_nothing(client, db, tasks_inline):
    response = client.post(reverse("password_reset"), {"email": "stranger@example.org"})
    assert response.status_code == 302  # same answer, so addresses cannot be probed
    assert mail.outbox == []


def test_the_reset_page_only_queues_the_work_for_known_and_unknown_addresses_alike(client, world):
    """The lookup and the email happen on a worker, so the page's time says nothing."""
    import redis
    from django.conf import settings

    from delegation_crm.celery import app

    queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    app.control.purge()
    try:
        for email in (world.dave.email, "stranger@example.org"):
            response = client.post(reverse("password_reset"), {"email": email})
            assert response.status_code == 302
        assert mail.outbox == []  # nothing sent from the page
        assert queue.llen("celery") == 2  # one task for each, the same task
    finally:
        app.control.purge()
