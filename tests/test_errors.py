"""Friendly error pages, and a lost database answered with 503 until it comes back."""

import http.client
import logging
import os
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import psycopg
import pytest
from django.contrib import admin
from django.db import OperationalError
from django.template import loader
from django.test import override_settings
from django.urls import path

from tests.shared import free_port

ROOT = Path(__file__).resolve().parent.parent
LEAKS = ("Traceback", "SECRET_KEY", "DATABASES", "settings.py", 'File "')


def boom(request):
    raise RuntimeError("a bug")


def lost_database(request):
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("boom/", boom),
    path("lost-database/", lost_database),
]
handler500 = "initiatives.security.server_error"
failing_views = override_settings(ROOT_URLCONF=__name__)


def assert_friendly(response, english, chinese):
    html = response.content.decode()
    assert english in html and chinese in html
    for leak in LEAKS:
        assert leak not in html


@pytest.mark.django_db
def test_a_missing_page_is_a_friendly_404_in_both_languages(client):
    response = client.get("/initiatives/NO-SUCH-CODE/")
    assert response.status_code == 404
    assert_friendly(response, "Page not found", "找不到页面")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/", "/zh-hans/", "/tasks/", "/tasks/T-101/", "/members/shanghai/", "/updates/feed/"],
)
def test_without_a_plan_the_pages_are_a_friendly_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert_friendly(response, "Page not found", "找不到页面")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/tasks/", "/api/targets/", "/api/reports/"])
def test_without_a_plan_the_api_lists_are_a_404_in_json(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "error" in response.json()
    assert client.get("/api/plans/").json()["results"] == []


@pytest.mark.django_db
def test_an_unknown_host_is_a_friendly_400(client):
    response = client.get("/", headers={"host": "attacker.example"})
    assert response.status_code == 400
    assert_friendly(response, "Bad request", "请求无效")


@pytest.mark.django_db
def test_a_refusal_is_a_friendly_403(client, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    client.force_login(clerk)
    response = client.get("/admin/auth/user/")
    assert response.status_code == 403
    assert_friendly(response, "Access refused", "无权访问")


def test_the_500_page_renders_without_a_database_or_a_request():
    # No django_db mark: any query here would fail the test.
    html = loader.render_to_string("500.html")
    assert "Something went wrong" in html and "出现错误" in html


@failing_views
def test_a_bug_is_a_friendly_500(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert_friendly(response, "Something went wrong", "出现错误")


@failing_views
def test_a_lost_database_is_a_503_with_retry_after(client, caplog):
    caplog.set_level(logging.INFO, logger="tracker.audit")
    response = client.get("/lost-database/")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert_friendly(response, "Temporarily unavailable", "暂时无法访问")
    audit = [r for r in caplog.records if r.name == "tracker.audit"]
    assert [r.getMessage() for r in audit] == ["database_unavailable"]


# A real outage: a server whose only way to PostgreSQL is a proxy the test cuts and restores.


class CuttableLink:
    """A TCP proxy on loopback. cut() drops every connection and refuses new ones."""

    def __init__(self, port, upstream):
        """Listens on `port` (0: one the system chooses)."""
        self.upstream = upstream
        self.up = True
        self.open = set()
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", port))
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.open |= {client, server}
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self.pump, args=(source, target), daemon=True).start()

    def pump(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                self.drop(end)

    def drop(self, end):
        with self.lock:
            self.open.discard(end)
        try:
            end.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        end.close()

    def cut(self):
        self.up = False
        with self.lock:
            ends = list(self.open)
        for end in ends:
            self.drop(end)

    def restore(self):
        self.up = True

    def close(self):
        self.cut()
        self.listener.close()


def postgres_address():
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        parsed = psycopg.conninfo.conninfo_to_dict(url)
        return parsed.get("host", "127.0.0.1"), int(parsed.get("port", 5432)), parsed.get("user")
    return "127.0.0.1", 5432, "postgres"


@pytest.fixture
def scratch_database(in_ci):
    """A database of the test's own, created and dropped here."""
    host, port, user = postgres_address()
    try:
        admin = psycopg.connect(
            host=host, port=port, user=user, dbname="postgres", autocommit=True, connect_timeout=5
        )
    except psycopg.OperationalError as error:
        if in_ci:
            pytest.fail(f"PostgreSQL is unreachable at {host}:{port}: {error}")
        pytest.skip(f"PostgreSQL is unreachable at {host}:{port}")
    name = f"tracker_outage_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield host, port, user, name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def environment(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(overrides)
    return env


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def wait_for_server(process, port):
    while process.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        try:
            process.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            pass
    raise AssertionError(process.stderr.read())


# A new database has no plan, and without one every public page is a 404.
OPEN_A_PLAN = (
    "from datetime import date; from initiatives.models import Plan; "
    "Plan.objects.create(slug='yrd-2024-2026', name_en='Plan', region_en='Region', "
    "start_date=date(2024, 1, 1), end_date=date(2026, 12, 31), is_current=True)"
)


def test_the_site_answers_503_while_the_database_is_lost_and_recovers_by_itself(
    scratch_database,
):
    host, port, user, name = scratch_database
    direct = f"postgres://{user}@{host}:{port}/{name}"
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=environment(DATABASE_URL=direct),
        capture_output=True,
        text=True,
    )
    assert migrate.returncode == 0, migrate.stderr
    opened = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", OPEN_A_PLAN],
        cwd=ROOT,
        env=environment(DATABASE_URL=direct),
        capture_output=True,
        text=True,
    )
    assert opened.returncode == 0, opened.stderr

    link = CuttableLink(0, (host, port))
    server_port = free_port()
    through_link = f"postgres://{user}@127.0.0.1:{link.listener.getsockname()[1]}/{name}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{server_port}", "--noreload"],
        cwd=ROOT,
        env=environment(DATABASE_URL=through_link, DATABASE_CONN_MAX_AGE="600"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_server(server, server_port)
        # Each request asks for a new address, so no cached page can answer for the database.
        status, _, _ = get(server_port, "/tasks/?q=before")
        assert status == 200  # a persistent connection is now open through the link

        link.cut()
        for query in ("during", "still-down"):
            status, headers, html = get(server_port, f"/tasks/?q={query}")
            assert status == 503
            assert int(headers["Retry-After"]) > 0
            assert "Temporarily unavailable" in html and "暂时无法访问" in html
            assert not any(leak in html for leak in LEAKS)
        status, _, _ = get(server_port, "/zh-hans/tasks/?q=during")
        assert status == 503

        link.restore()
        status, _, html = get(server_port, "/tasks/?q=after")
        assert status == 200, html
        status, _, _ = get(server_port, "/api/tasks/?q=after")
        assert status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
        link.close()
