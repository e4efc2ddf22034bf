"""The sign-in lockout page tells the configured wait; behind proxies it locks per client; a
username failing from many addresses is slowed down, never locked."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough pass phrase"
PROXY = "10.0.0.5"


@pytest.fixture
def office(django_user_model):
    return django_user_model.objects.create_user("office", password=PASSWORD, is_staff=True)


def sign_in(client, password, **headers):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "office", "password": password},
        **headers,
    )


def lock(client, **headers):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "wrong", **headers)
    assert response.status_code == 429
    return response


@pytest.mark.parametrize(
    "cool_off, english, chinese",
    [
        (timedelta(minutes=15), "Wait 15 minutes", "请等待 15 分钟"),
        (timedelta(minutes=1), "Wait 1 minute ", "请等待 1 分钟"),
        (timedelta(hours=2), "Wait 120 minutes", "请等待 120 分钟"),
        (timedelta(seconds=90), "Wait 2 minutes", "请等待 2 分钟"),
    ],
)
def test_the_lockout_page_tells_the_configured_wait(client, office, cool_off, english, chinese):
    with override_settings(AXES_COOLOFF_TIME=cool_off):
        html = lock(client).content.decode()
    assert english in html
    assert chinese in html


@override_settings(PROXY_COUNT=1)
def test_behind_a_proxy_one_client_is_locked_and_another_is_not(client, office):
    first = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    second = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    lock(client, **first)
    assert sign_in(client, PASSWORD, **first).status_code == 429
    assert sign_in(client, PASSWORD, **second).status_code == 302


@override_settings(PROXY_COUNT=1)
def test_an_address_the_client_made_up_does_not_escape_the_lock(client, office):
    # The proxy appends what it saw; anything the client sent stands to its left.
    lock(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    forged = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "192.0.2.1, 203.0.113.9"}
    assert sign_in(client, PASSWORD, **forged).status_code == 429


@override_settings(PROXY_COUNT=2)
def test_with_two_proxies_the_client_is_second_from_the_right(client, office):
    lock(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.9")
    other = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.20, 10.0.0.9"}
    assert sign_in(client, PASSWORD, **other).status_code == 302


def test_without_a_proxy_the_forwarded_header_is_ignored(client, office):
    assert settings.PROXY_COUNT == 0
    lock(client, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.1")
    faked = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    assert sign_in(client, PASSWORD, **faked).status_code == 429


@override_settings(PROXY_COUNT=1)
def test_a_malformed_forwarded_address_falls_back_to_the_connection(client, office):
    lock(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="not an address")
    assert sign_in(client, PASSWORD, REMOTE_ADDR=PROXY).status_code == 429


# Sign-in throttling across addresses (docs/reliability.md, "Sign-in throttling").

ATTACK_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OWN_ADDRESS = "203.0.113.7"


@pytest.fixture
def anhui(django_user_model):
    return django_user_model.objects.create_user("anhui", password=PASSWORD, is_staff=True)


@pytest.fixture
def clock():
    with time_machine.travel(ATTACK_START, tick=False) as traveller:
        yield traveller


def sign_in_as(client, username, password, address):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


def rotate_addresses(client, count, username="anhui"):
    """Wrong passwords, each from an address never used before; their status codes."""
    return [
        sign_in_as(client, username, "wrong", f"198.51.{number // 250}.{number % 250 + 1}")
        for number in range(count)
    ]


def assert_told_to_wait(response, seconds):
    assert response.status_code == 429
    assert response["Retry-After"] == str(seconds)
    html = response.content.decode()
    assert f"Wait {seconds} seconds" in html
    assert f"请等待 {seconds} 秒" in html


@override_settings(PROXY_COUNT=1)
def test_wrong_passwords_from_ever_new_addresses_are_slowed_down(client, anhui, clock):
    responses = rotate_addresses(client, 40)
    limit = settings.SIGNIN_USERNAME_FAILURE_LIMIT
    # Up to the limit, and one attempt after it, the password is tried (the form says it
    # is wrong); every other attempt within the delay is held back, whatever its address.
    assert [r.status_code for r in responses[: limit + 1]] == [200] * (limit + 1)
    assert {r.status_code for r in responses[limit + 1 :]} == {429}
    assert_told_to_wait(responses[-1], settings.SIGNIN_USERNAME_DELAY)

    clock.shift(settings.SIGNIN_USERNAME_DELAY // 2)
    assert_told_to_wait(rotate_addresses(client, 1)[0], settings.SIGNIN_USERNAME_DELAY // 2)
    clock.shift(settings.SIGNIN_USERNAME_DELAY // 2)
    # One guess a delay, from all the addresses together.
    assert [r.status_code for r in rotate_addresses(client, 3)] == [200, 429, 429]


@override_settings(PROXY_COUNT=1)
def test_the_account_signs_in_from_its_own_address_during_the_attack(client, anhui, clock):
    assert sign_in_as(client, "anhui", PASSWORD, OWN_ADDRESS).status_code == 302
    client.logout()
    clock.shift(timedelta(days=3))
    rotate_addresses(Client(), 40)
    assert sign_in_as(client, "anhui", PASSWORD, OWN_ADDRESS).status_code == 302


@override_settings(PROXY_COUNT=1)
def test_the_right_password_from_a_new_address_works_after_the_told_wait(client, anhui, clock):
    rotate_addresses(Client(), 40)
    response = sign_in_as(client, "anhui", PASSWORD, "192.0.2.44")
    assert_told_to_wait(response, settings.SIGNIN_USERNAME_DELAY)
    clock.shift(int(response["Retry-After"]))
    assert sign_in_as(client, "anhui", PASSWORD, "192.0.2.44").status_code == 302


@override_settings(PROXY_COUNT=1)
def test_being_held_back_never_locks_the_address(client, anhui, clock):
    rotate_addresses(Client(), 40)
    for _ in range(2 * settings.AXES_FAILURE_LIMIT):
        assert_told_to_wait(
            sign_in_as(client, "anhui", PASSWORD, "192.0.2.44"), settings.SIGNIN_USERNAME_DELAY
        )
    clock.shift(settings.SIGNIN_USERNAME_DELAY)
    assert sign_in_as(client, "anhui", PASSWORD, "192.0.2.44").status_code == 302


@override_settings(PROXY_COUNT=1)
def test_its_own_address_is_still_locked_by_wrong_passwords_from_it(client, anhui, clock):
    assert sign_in_as(client, "anhui", PASSWORD, OWN_ADDRESS).status_code == 302
    client.logout()
    rotate_addresses(Client(), 40)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in_as(client, "anhui", "wrong", OWN_ADDRESS)
    assert response.status_code == 429
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    assert "Wait 15 minutes" in response.content.decode()
    assert sign_in_as(client, "anhui", PASSWORD, OWN_ADDRESS).status_code == 429


@override_settings(PROXY_COUNT=1)
def test_the_slowdown_ends_a_window_after_the_last_failure(client, anhui, clock):
    rotate_addresses(client, 40)
    window = settings.SIGNIN_USERNAME_WINDOW
    clock.shift(window - 1)
    # Still slowed; the failure let through starts the window again.
    assert [r.status_code for r in rotate_addresses(client, 2)] == [200, 429]
    clock.shift(window - 1)
    assert [r.status_code for r in rotate_addresses(client, 2)] == [200, 429]
    clock.shift(window)
    assert [r.status_code for r in rotate_addresses(client, 3)] == [200, 200, 200]


@override_settings(PROXY_COUNT=1)
def test_other_accounts_are_not_slowed_down(client, anhui, office, clock):
    rotate_addresses(Client(), 40)
    assert sign_in_as(client, "office", PASSWORD, "198.51.0.1").status_code == 302


@override_settings(PROXY_COUNT=1)
def test_without_its_cache_the_sign_in_still_works(client, anhui):
    unreachable = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
    }
    with override_settings(CACHES={**settings.CACHES, "signin": unreachable}):
        responses = rotate_addresses(client, settings.SIGNIN_USERNAME_FAILURE_LIMIT + 2)
        assert {r.status_code for r in responses} == {200}
        assert sign_in_as(client, "anhui", PASSWORD, "192.0.2.44").status_code == 302


@override_settings(PROXY_COUNT=1)
def test_a_held_back_sign_in_is_in_the_audit_log(client, anhui, clock, caplog):
    rotate_addresses(client, settings.SIGNIN_USERNAME_FAILURE_LIMIT + 1)
    with caplog.at_level(logging.WARNING, logger="tracker.audit"):
        rotate_addresses(client, 1)
    (record,) = [r for r in caplog.records if r.getMessage() == "sign_in_throttled"]
    assert record.username == "anhui"
    assert record.wait == settings.SIGNIN_USERNAME_DELAY
