"""Staff accounts: sign-in lockout per username and address, and the admin's idle timeout."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough pass phrase"
ATTACKER = "203.0.113.9"
OFFICE_NETWORK = "198.51.100.20"


@pytest.fixture
def staff(django_user_model):
    for name in ("office", "shanghai"):
        django_user_model.objects.create_user(name, password=PASSWORD, is_staff=True)


def sign_in(client, username, password=PASSWORD, address=ATTACKER):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def fail_five_times(client, username="office"):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, username, "wrong")
        assert response.status_code == 200  # the login form again, with an error
    # The fifth failure locks at once.
    assert sign_in(client, username, "wrong").status_code == 429


def test_five_failures_lock_that_username_from_that_address(client, staff):
    fail_five_times(client)
    response = sign_in(client, "office")  # even the right password
    assert response.status_code == 429
    html = response.content.decode()
    assert "Sign-in paused" in html and "登录已暂停" in html
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "office", "wrong")
    assert sign_in(client, "office").status_code == 302


def test_another_user_at_the_same_address_can_still_sign_in(client, staff):
    fail_five_times(client)
    assert sign_in(client, "shanghai").status_code == 302


def test_the_same_user_from_another_address_can_still_sign_in(client, staff):
    # An attacker cannot lock the office out of its own account.
    fail_five_times(client)
    assert sign_in(client, "office", address=OFFICE_NETWORK).status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, staff):
    fail_five_times(client)
    assert sign_in(client, "office").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )
    assert sign_in(client, "office").status_code == 302


def test_the_lock_is_never_permanent():
    assert settings.AXES_COOLOFF_TIME is not None
    assert settings.AXES_COOLOFF_TIME <= timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def age_session(client, seconds):
    session = SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)
    session["last_seen"] = int(time.time()) - seconds
    session.save()


def signed_in(client):
    assert sign_in(client, "office", address=OFFICE_NETWORK).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_an_idle_staff_session_is_signed_out_of_the_admin(client, staff):
    signed_in(client)
    age_session(client, settings.STAFF_IDLE_TIMEOUT + 60)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_active_staff_session_stays_signed_in(client, staff):
    signed_in(client)
    age_session(client, settings.STAFF_IDLE_TIMEOUT - 60)
    assert client.get("/admin/").status_code == 200
    # ...and that request counted as activity.
    assert client.get("/admin/").status_code == 200
    session = SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)
    assert int(time.time()) - session["last_seen"] < settings.STAFF_IDLE_TIMEOUT - 60


def test_public_pages_leave_the_staff_session_alone(client, staff, make):
    make.plan()  # the public pages are a plan's
    signed_in(client)
    age_session(client, settings.STAFF_IDLE_TIMEOUT - 60)
    before = SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)["last_seen"]
    response = client.get("/tasks/")
    assert response.status_code == 200
    assert not response.cookies
    after = SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)["last_seen"]
    assert after == before
