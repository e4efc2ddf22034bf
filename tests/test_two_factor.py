"""Two-factor sign-in for staff: the code at sign-in, setting it up, and the office requiring it."""

import logging
import re
from base64 import b32decode

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from initiatives import two_factor
from initiatives.models import StaffProfile
from tests.staff import editor, reviewer

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough pass phrase"
ADDRESS = "198.51.100.20"
LOGIN = "/admin/login/?next=/admin/"
PAGE = "/admin/two-factor/"
CHANGE = "/admin/two-factor/change/"
STAFF_PAGE = "/admin/two-factor/staff/"


@pytest.fixture
def audit(caplog):
    """The names of the audit events logged during the test."""
    caplog.set_level(logging.INFO, logger="tracker.audit")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "tracker.audit"]


@pytest.fixture
def jiangsu():
    return with_password(editor("jiangsu"))


@pytest.fixture
def office():
    return with_password(reviewer())


def with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def set_up(user):
    """Two-factor sign-in as the set-up page leaves it: a confirmed app and backup codes."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device, two_factor.new_backup_codes(user)


def code(key, later=0):
    """The code an authenticator app shows for `key`, now or `later` steps of 30 s on.

    A code is accepted once: a second sign-in in the same test uses the next step's."""
    return f"{totp(key, drift=later):06d}"


def sign_in(client, user, otp_token="", password=PASSWORD):
    return client.post(
        LOGIN,
        {"username": user.get_username(), "password": password, "otp_token": otp_token},
        REMOTE_ADDR=ADDRESS,
    )


def signed_in(client):
    return "_auth_user_id" in client.session


def failures():
    return sum(AccessAttempt.objects.values_list("failures_since_start", flat=True))


def test_the_sign_in_page_asks_for_the_code(client):
    html = client.get("/admin/login/").content.decode()
    assert 'name="otp_token"' in html
    assert "Authentication code" in html
    assert "<script>" not in html


def test_without_a_device_the_password_is_enough(client, jiangsu):
    response = sign_in(client, jiangsu)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_with_a_device_the_password_alone_is_refused_and_counted(client, jiangsu, audit):
    set_up(jiangsu)
    response = sign_in(client, jiangsu)
    assert response.status_code == 200
    assert "Enter the authentication code from your app" in response.content.decode()
    assert not signed_in(client)
    assert failures() == 1
    assert "two_factor_failed" in audit() and "login_failed" in audit()


def test_with_a_device_the_right_code_signs_in(client, jiangsu):
    device, _ = set_up(jiangsu)
    response = sign_in(client, jiangsu, code(device.bin_key))
    assert response.status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/admin/").status_code == 200


def test_a_code_typed_with_a_space_is_accepted(client, jiangsu):
    device, _ = set_up(jiangsu)
    typed = code(device.bin_key)
    assert sign_in(client, jiangsu, f"{typed[:3]} {typed[3:]}").status_code == 302


def test_a_wrong_password_with_a_device_counts_once(client, jiangsu):
    device, _ = set_up(jiangsu)
    response = sign_in(client, jiangsu, code(device.bin_key), password="wrong")
    assert response.status_code == 200
    assert failures() == 1


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, jiangsu, audit):
    device, _ = set_up(jiangsu)
    right = code(device.bin_key)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, jiangsu, wrong)
        assert response.status_code == 200
        assert "That authentication code is not valid" in response.content.decode()
    assert sign_in(client, jiangsu, wrong).status_code == 429
    assert failures() == django_settings.AXES_FAILURE_LIMIT
    # Locked: not even the right password and code get in.
    assert sign_in(client, jiangsu, right).status_code == 429
    assert not signed_in(client)
    assert audit().count("two_factor_failed") == django_settings.AXES_FAILURE_LIMIT


def test_a_wrong_code_then_the_right_one_signs_in(client, jiangsu, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own pause after a failure
    device, _ = set_up(jiangsu)
    right = code(device.bin_key)
    assert sign_in(client, jiangsu, "000000" if right != "000000" else "111111").status_code == 200
    assert sign_in(client, jiangsu, right).status_code == 302
    assert failures() == 0  # a successful sign-in clears the count


def test_a_backup_code_signs_in_once(client, jiangsu):
    _, codes = set_up(jiangsu)
    assert sign_in(client, jiangsu, codes[0].upper()).status_code == 302
    client.post("/admin/logout/")
    assert sign_in(client, jiangsu, codes[0]).status_code == 200
    assert not signed_in(client)
    assert StaticToken.objects.filter(device__user=jiangsu).count() == len(codes) - 1


def test_spent_backup_codes_alone_do_not_shut_the_account_out(client, jiangsu):
    device, _ = set_up(jiangsu)
    device.delete()  # the app was removed by a superuser; the backup codes are used up
    StaticToken.objects.filter(device__user=jiangsu).delete()
    assert sign_in(client, jiangsu).status_code == 302
    page = client.get(PAGE).content.decode()
    assert "<svg" in page and "only with backup codes" not in page  # set it up afresh


def test_backup_codes_left_without_the_app_still_ask_for_a_code(client, jiangsu):
    device, codes = set_up(jiangsu)
    device.delete()
    assert sign_in(client, jiangsu).status_code == 200
    assert sign_in(client, jiangsu, codes[0]).status_code == 302
    assert "only with backup codes" in client.get(PAGE).content.decode()


def test_a_session_from_before_the_device_is_signed_out(client, jiangsu, audit):
    client.force_login(jiangsu)
    set_up(jiangsu)
    response = client.get("/admin/initiatives/task/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not signed_in(client)
    assert "two_factor_unverified_session" in audit()


ADMIN_PAGES = ["/admin/", "/admin/initiatives/task/", "/admin/password_change/", STAFF_PAGE]


def assert_held_to_the_set_up_page(client):
    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == PAGE, url
    assert client.get(PAGE).status_code == 200
    assert client.post("/admin/logout/").status_code == 200
    assert not signed_in(client)


def test_required_of_everyone_holds_staff_without_a_device(client, office, settings):
    settings.REQUIRE_TWO_FACTOR = True
    assert sign_in(client, office).status_code == 302
    assert_held_to_the_set_up_page(client)


def test_required_of_one_account_holds_only_that_account(client, jiangsu, office):
    StaffProfile.objects.filter(user=jiangsu).update(require_two_factor=True)
    assert sign_in(client, jiangsu).status_code == 302
    assert_held_to_the_set_up_page(client)
    assert sign_in(client, office).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_required_with_a_device_is_no_hold(client, jiangsu, settings):
    settings.REQUIRE_TWO_FACTOR = True
    device, _ = set_up(jiangsu)
    assert sign_in(client, jiangsu, code(device.bin_key)).status_code == 302
    assert client.get("/admin/initiatives/task/").status_code == 200


def shown_key(html):
    """The key the set-up page shows for typing into an app, as the app would read it."""
    match = re.search(r"<code>([A-Z2-7 ]{20,})</code>", html)
    assert match, "the set-up page shows the key"
    return b32decode(match.group(1).replace(" ", ""))


def test_setting_it_up_from_start_to_end(client, jiangsu, audit):
    StaffProfile.objects.filter(user=jiangsu).update(require_two_factor=True)
    sign_in(client, jiangsu)
    page = client.get(PAGE)
    html = page.content.decode()
    assert "<svg" in html and 'src="http' not in html  # drawn here, fetched from nowhere
    key = shown_key(html)
    assert shown_key(client.get(PAGE).content.decode()) == key  # the same until confirmed

    response = client.post(PAGE, {"otp_token": code(key)})
    assert response.status_code == 302 and response["Location"] == PAGE
    codes_page = client.get(PAGE).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(codes) == two_factor.BACKUP_CODE_COUNT
    # Shown once only.
    assert codes[0] not in client.get(PAGE).content.decode()
    assert "two_factor_enrolled" in audit()
    # This session was verified by the first code: the admin is open.
    assert client.get("/admin/initiatives/task/").status_code == 200

    client.post("/admin/logout/")
    assert sign_in(client, jiangsu).status_code == 200
    assert sign_in(client, jiangsu, code(key, later=1)).status_code == 302
    client.post("/admin/logout/")
    assert sign_in(client, jiangsu, codes[3]).status_code == 302


def test_a_wrong_first_code_leaves_it_off(client, jiangsu, audit):
    sign_in(client, jiangsu)
    key = shown_key(client.get(PAGE).content.decode())
    right = code(key)
    response = client.post(PAGE, {"otp_token": "000000" if right != "000000" else "111111"})
    assert response.status_code == 200
    assert "That code is not valid" in response.content.decode()
    assert not two_factor.is_set_up(jiangsu)
    assert "two_factor_failed" in audit()
    # The same key is shown again, so the app's entry stays good.
    assert shown_key(response.content.decode()) == key


def signed_in_with_a_device(client, user):
    device, codes = set_up(user)
    assert sign_in(client, user, codes[0]).status_code == 302
    return device, codes


def test_turning_it_off_needs_a_current_code(client, jiangsu, audit):
    device, codes = signed_in_with_a_device(client, jiangsu)
    client.post(CHANGE, {"do": "remove", "otp_token": "wrong"})
    assert two_factor.is_set_up(jiangsu)
    client.post(CHANGE, {"do": "remove", "otp_token": code(device.bin_key)})
    assert not two_factor.is_set_up(jiangsu)
    assert not TOTPDevice.objects.filter(user=jiangsu).exists()
    assert not StaticToken.objects.filter(device__user=jiangsu).exists()
    assert "two_factor_removed" in audit()
    # The session goes on, and the password alone signs in again.
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")
    assert sign_in(client, jiangsu).status_code == 302


def test_new_backup_codes_replace_the_old(client, jiangsu, audit):
    device, old = signed_in_with_a_device(client, jiangsu)
    response = client.post(CHANGE, {"do": "backup_codes", "otp_token": code(device.bin_key)})
    assert response.status_code == 302
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", client.get(PAGE).content.decode())
    assert len(new) == two_factor.BACKUP_CODE_COUNT and not set(new) & set(old)
    assert "two_factor_backup_codes_renewed" in audit()
    client.post("/admin/logout/")
    assert sign_in(client, jiangsu, old[1]).status_code == 200
    # A refused code pauses the device for a second or more (django-otp's throttle); let
    # that pause pass, as a person typing the next code would.
    for device in StaticDevice.objects.filter(user=jiangsu):
        device.throttle_reset()
    assert sign_in(client, jiangsu, new[0]).status_code == 302


def test_only_the_office_requires_it_of_an_account(client, jiangsu, office, audit):
    profile = StaffProfile.objects.get(user=jiangsu)
    client.force_login(jiangsu)
    assert client.get(STAFF_PAGE).status_code == 403
    assert client.post(STAFF_PAGE, {"profile": profile.pk, "required": "on"}).status_code == 403
    change_url = f"/admin/initiatives/staffprofile/{profile.pk}/change/"
    client.post(change_url, {"user": jiangsu.pk, "require_two_factor": "on"})
    profile.refresh_from_db()
    assert not profile.require_two_factor

    client.force_login(office)
    page = client.get(STAFF_PAGE)
    assert page.status_code == 200 and "jiangsu" in page.content.decode()
    response = client.post(STAFF_PAGE, {"profile": profile.pk, "required": "on"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.require_two_factor
    assert "two_factor_requirement_changed" in audit()
    client.post(STAFF_PAGE, {"profile": profile.pk})
    profile.refresh_from_db()
    assert not profile.require_two_factor


@pytest.mark.parametrize(
    "data",
    [
        {"profile": "not a number"},
        {"profile": "99999999999999999999999"},
        {"profile": "-1", "required": "on"},
        {},
    ],
)
def test_the_office_page_refuses_nonsense_without_an_error(client, office, data):
    client.force_login(office)
    response = client.post(STAFF_PAGE, data)
    assert response.status_code == 302
    assert not StaffProfile.objects.filter(require_two_factor=True).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"do": "nothing", "otp_token": "123456"},
        {"do": "remove"},
        {"do": "remove", "otp_token": "x" * 500},
        {"do": "backup_codes", "otp_token": "\u4e00\u4e8c\u4e09"},
    ],
)
def test_changes_refuse_nonsense_without_an_error(client, jiangsu, data):
    signed_in_with_a_device(client, jiangsu)
    assert client.post(CHANGE, data).status_code == 302
    assert two_factor.is_set_up(jiangsu)
    assert client.get(CHANGE).status_code == 405


@pytest.mark.parametrize("token", ["x" * 500, "\u4e00\u4e8c\u4e09", "", "1234567"])
def test_odd_codes_at_sign_in_are_refused_without_an_error(client, jiangsu, token):
    set_up(jiangsu)
    assert sign_in(client, jiangsu, token).status_code == 200
    assert not signed_in(client)


def test_a_superuser_also_sets_it_on_the_staff_profile(client, jiangsu, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password=PASSWORD))
    profile = StaffProfile.objects.get(user=jiangsu)
    url = f"/admin/initiatives/staffprofile/{profile.pk}/change/"
    data = {"user": jiangsu.pk, "member": profile.member_id, "require_two_factor": "on"}
    assert client.post(url, data).status_code == 302
    profile.refresh_from_db()
    assert profile.require_two_factor
    listing = client.get("/admin/initiatives/staffprofile/?require_two_factor__exact=1")
    assert "jiangsu" in listing.content.decode()
