"""Production settings: every public URL carries the security headers, and check --deploy passes."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import resolve

from tests import factories

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db

PRODUCTION = override_settings(
    DEBUG=False,
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=365 * 24 * 60 * 60,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    ALLOWED_HOSTS=["yrd.example"],
)
PUBLIC_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response):
    directives = (
        part.strip().split(None, 1) for part in response["Content-Security-Policy"].split(";")
    )
    return {name: sources for name, sources in directives}


def assert_secure_headers(response, url):
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
    assert response["X-Frame-Options"] == "DENY", url
    directives = policy(response)
    for name, sources in PUBLIC_POLICY.items():
        assert directives.get(name) == sources, (url, name)
    assert "unsafe-inline" not in response["Content-Security-Policy"], url


def get(client, url):
    return client.get(url, secure=True, headers={"host": "yrd.example"})


def public_urls(client):
    """Every page the sitemap lists, in each language, then the feed, the API and its lists."""
    sitemap = get(client, "/sitemap.xml")
    assert sitemap.status_code == 200
    found = re.findall(r'(?:<loc>|href=")(https?://[^<"]+)', sitemap.content.decode())
    paths = {urlsplit(url).path for url in found}
    api = get(client, "/api/").json()
    paths |= {urlsplit(url).path for url in api.values()}
    paths |= {"/sitemap.xml", "/api/", "/updates/feed/", "/zh-hans/updates/feed/"}
    # The list pages with a filter, a sort and a download, since those take other paths.
    paths |= {"/tasks/?status=in_progress&sort=-code", "/initiatives/?_export=csv"}
    return sorted(paths)


def view_name(path):
    return resolve(path.removeprefix("/zh-hans")).view_name


def each_kind_of_page(urls, per_kind=2):
    """The first URLs of each view in each language: the headers are set by middleware, the
    same for every page a view serves, so two pages of each view say as much as all of them
    (the demo has 165 task pages in each language)."""
    kinds = {}
    for url in urls:
        path = urlsplit(url).path
        chinese = path.startswith("/zh-hans/")
        kind = (chinese, view_name(path), "?" in url)
        kinds.setdefault(kind, []).append(url)
    return [url for found in kinds.values() for url in found[:per_kind]]


@PRODUCTION
def test_every_public_url_is_served_with_the_security_headers(client):
    call_command("loaddata", "demo", verbosity=0)
    factories.plan("other-2027-2029", start=2027)  # the pages of a second plan, under /plans/
    urls = public_urls(client)
    assert len(urls) > 50  # the demo data's items and members, in two languages
    assert "/zh-hans/initiatives/I-02/" in urls
    assert "/zh-hans/plans/other-2027-2029/members/anhui/" in urls
    pages = each_kind_of_page(urls)
    assert len({view_name(urlsplit(url).path) for url in pages}) >= 10
    for url in pages:
        response = get(client, url)
        assert response.status_code == 200, url
        assert_secure_headers(response, url)
        assert not response.cookies, url  # public pages neither read nor set a session


@PRODUCTION
def test_plain_http_is_redirected_to_https(client):
    response = client.get("/tasks/", headers={"host": "yrd.example"})
    assert response.status_code == 301
    assert response["Location"] == "https://yrd.example/tasks/"


@PRODUCTION
def test_error_pages_carry_the_headers_too(client):
    response = get(client, "/initiatives/NO-SUCH-CODE/")
    assert response.status_code == 404
    assert_secure_headers(response, "404")


@PRODUCTION
def test_the_admin_has_the_same_strict_policy(client):
    response = get(client, "/admin/login/")
    assert response.status_code == 200
    assert_secure_headers(response, "/admin/login/")
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]


@PRODUCTION
def test_the_session_cookie_is_secure_and_hidden_from_scripts(client, django_user_model):
    django_user_model.objects.create_user(
        "office", password="a long enough pass phrase", is_staff=True
    )
    login = get(client, "/admin/login/")
    response = client.post(
        "/admin/login/",
        {
            "username": "office",
            "password": "a long enough pass phrase",
            "csrfmiddlewaretoken": login.cookies["csrftoken"].value,
        },
        secure=True,
        headers={"host": "yrd.example"},
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]


def run_settings_check(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_deploy_check_passes_with_production_settings():
    result = run_settings_check(
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="yrd.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_fails_in_development_mode():
    # The check above must be able to fail: with the development defaults it does.
    result = run_settings_check("--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS


def test_the_forwarded_protocol_is_trusted_only_when_told():
    script = "import tracker.settings as s; print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    plain = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    proxied = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**environment, "DJANGO_BEHIND_TLS_PROXY": "true"},
        capture_output=True,
        text=True,
    )
    assert plain.stdout.strip() == "None"
    assert proxied.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"
