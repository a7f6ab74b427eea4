"""The admin's pages answer "not found" for ids that are not ids, on every model."""

import pytest
from django.contrib import admin
from django.test import Client

from contacts.history_admin import HistoryAdmin
from contacts.models import User

HOSTILE_IDS = ["1.0", "1e3", "²", "１２", str(2**63), "x" * 10_000, "-1", "1%2F2"]
TRACKED = sorted(
    f"{model._meta.app_label}/{model._meta.model_name}"
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, HistoryAdmin)
)


@pytest.fixture
def staff(db):
    User.objects.create_superuser("root", "root@example.org", "pw-for-the-admin-tests")
    client = Client(raise_request_exception=False)
    client.login(username="root", password="pw-for-the-admin-tests")
    return client


def test_every_tracked_model_uses_the_guarded_history_admin():
    assert len(TRACKED) >= 8


@pytest.mark.parametrize("model", TRACKED)
def test_hostile_ids_on_admin_pages_are_not_found(staff, model):
    for bad in HOSTILE_IDS:
        for url in (
            f"/admin/{model}/{bad}/history/",
            f"/admin/{model}/{bad}/history/{bad}/",
            f"/admin/{model}/1/history/{bad}/",
            f"/admin/{model}/{bad}/change/",
            f"/admin/{model}/{bad}/delete/",
        ):
            response = staff.get(url)
            assert response.status_code in (302, 404), (url, response.status_code)
