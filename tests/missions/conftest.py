import pytest

from ..conftest import PASSWORD


@pytest.fixture
def as_user(client):
    """Sign the test client in as a persona: as_user(world.alice)."""

    signed_in = {}

    def sign_in(user):
        # signing in again as the same user keeps the session (and its messages)
        if signed_in.get("user") != user.pk:
            client.logout()
            assert client.login(username=user.username, password=PASSWORD)
            signed_in["user"] = user.pk
        return client

    return sign_in
