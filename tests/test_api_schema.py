"""The API proved against its own OpenAPI document, from outside: the document is valid, every
operation answers as it says (Schemathesis, against a live server), and a client that knows
only the document can page through every list."""

import json
import re
from urllib.parse import urljoin

import pytest
import requests
import schemathesis
from django.contrib.staticfiles import finders
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode, checks

from initiatives.api.conventions import Pages
from tests.shared import API_LISTS
from tests.site_data import build_site

# Schemathesis's response checks: no 500, and every status, content type, header and body as
# declared; for input the document rules out (a filter value outside its enum, a page that is
# no number), a 4xx rather than an answer.
CONFORMANCE = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
REJECTION = [*CONFORMANCE, checks.negative_data_rejection]
# A few examples per operation, the same on every run: the document is what is under test,
# not the search for rare inputs (`make fuzz` explores further).
FEW = settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def document(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def test_the_schema_is_valid_openapi(document):
    validate(document)
    assert document["openapi"].startswith("3.")


def test_the_schema_states_the_data_licence(document, settings):
    assert document["info"]["license"] == {
        "name": settings.DATA_LICENCE["title"],
        "url": settings.DATA_LICENCE["path"],
    }


def test_the_schema_in_yaml(client):
    for response in (
        client.get("/api/schema/", {"format": "yaml"}),
        client.get("/api/schema.yaml"),
    ):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.oai.openapi")
        assert b"openapi: 3." in response.content


LISTS = {name.replace("_", "-") for name in API_LISTS}  # as their addresses spell them


def test_every_list_is_described_with_its_errors(document):
    described = {path.removeprefix("/api/").strip("/") for path in document["paths"]}
    assert described == LISTS | {""}
    for path, item in document["paths"].items():
        assert set(item) == {"get"}, path  # read-only
        responses = item["get"]["responses"]
        if path != "/api/":
            assert set(responses) == {"200", "400", "404", "429"}, path
            error = responses["404"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/Error"}


def test_the_lists_filters_are_the_tables(document):
    parameters = {p["name"] for p in document["paths"]["/api/tasks/"]["get"]["parameters"]}
    assert {"q", "status", "area", "member", "schedule", "stale", "disagrees", "outcome"} <= (
        parameters
    )
    assert {"plan", "as_of", "page"} <= parameters


def test_the_choice_filters_name_their_values_and_a_wrong_one_is_a_400(document):
    for path in ("/api/tasks/", "/api/targets/"):
        operation = document["paths"][path]["get"]
        enums = {p["name"]: p["schema"].get("enum") for p in operation["parameters"]}
        assert set(enums["schedule"]) == {
            "overdue",
            "behind",
            "on_schedule",
            "ahead",
            "unknown",
            "no_report",
        }
        assert enums["stale"] == ["0", "1"]
        assert "names nothing" in operation["responses"]["400"]["description"]


@pytest.fixture
def served(live_server, transactional_db, settings):
    """The small plan, served by a live server; the page cache off, so that each example is
    answered by the view."""
    settings.PAGE_CACHE = False
    build_site()
    return live_server.url


def test_every_operation_answers_as_the_schema_says(served):
    """Schemathesis calls each operation of the document (14) with 4 generated examples, and
    each that takes parameters with 4 more the document rules out, and checks each answer
    against it: the proof that the document and the API agree, on every list, and that a
    mistaken parameter is refused. About 4 s on an idle core on SQLite (the examples the
    document rules out are answered before any figure is read), 25 s on a loaded 2-core
    machine; most of it the figures of the item and target lists."""
    schema = schemathesis.openapi.from_url(f"{served}/api/schema/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(LISTS) + 1
    for operation in operations:
        answers_as_described(operation, GenerationMode.POSITIVE, CONFORMANCE)
        if operation.query:
            answers_as_described(operation, GenerationMode.NEGATIVE, REJECTION)


def answers_as_described(operation, mode, checked):
    @FEW
    @given(case=operation.as_strategy(generation_mode=mode))
    def examples(case):
        case.call_and_validate(checks=checked)

    examples()


def test_a_script_written_from_the_schema_pages_through_every_list(served, monkeypatch):
    """Only the document's paths and the `next` links: every row of every list, once (three
    rows a page here, so that the lists run to several pages on the small plan)."""
    monkeypatch.setattr(Pages, "page_size", 3)
    document = requests.get(f"{served}/api/schema/", timeout=10).json()
    seen = {}
    for path in document["paths"]:
        if path == "/api/":
            continue
        url, rows = urljoin(served, path), []
        while url:
            page = requests.get(url, timeout=10).json()
            rows += page["results"]
            assert page["count"] >= len(rows)
            url = page["next"]
        assert len(rows) == page["count"]
        assert len({json.dumps(row, sort_keys=True) for row in rows}) == len(rows), path
        seen[path] = page["pages"]
    assert seen["/api/tasks/"] == 1 and seen["/api/reports/"] == 2


def test_the_documentation_page_loads_nothing_from_another_host(client, settings):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    addresses = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert addresses and all(address.startswith("/") for address in addresses), addresses
    assert "<style" not in html and "<script>" not in html  # nothing inline
    script = client.get([a for a in addresses if "script" in a][-1].replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"/api/schema/" in script.content
    for address in addresses:
        if address.startswith(settings.STATIC_URL):
            assert finders.find(address.removeprefix(settings.STATIC_URL)), address


@pytest.mark.browser
def test_the_documentation_page_draws_every_operation_in_a_browser(browser, served):
    """In Chromium, under the site's Content-Security-Policy: every operation drawn, nothing
    blocked, no request to another host. About 2.5 s (Swagger UI's 1.5 MB script), worth it: the
    only proof that the page works under the policy, which a library upgrade could break."""
    context = browser.new_context()
    page = context.new_page()
    errors, elsewhere = [], []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on(
        "request",
        lambda request: request.url.startswith(served) or elsewhere.append(request.url),
    )
    try:
        page.goto(f"{served}/api/docs/")
        page.locator(".opblock").nth(len(LISTS)).wait_for()
        assert page.locator(".opblock").count() == len(LISTS) + 1
        assert "Creative Commons" in page.locator(".info").inner_text()
    finally:
        context.close()
    assert errors == [] and elsewhere == []
