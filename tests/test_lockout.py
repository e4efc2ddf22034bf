"""The sign-in lockout page tells the configured wait; behind proxies it locks per client."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings

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
