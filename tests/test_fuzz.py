"""Generated values at every public query parameter and in the paths: never a 500.

Each test sends as many generated requests as the Hypothesis profile says (tests/conftest.py);
every parameter of a page gets a generated value in each of them (often a valid one, so the
other parameters are reached past the filter).
"""

from urllib.parse import quote, urlencode

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from initiatives.models import CooperationProject, FocusArea, Initiative, Member, Source, Task
from tests import factories

pytestmark = pytest.mark.django_db

ANSWERS = {200, 301, 302, 400, 404}


@pytest.fixture
def region(db):
    """A small plan: an item of each kind with a target and an approved report."""
    project = factories.project(lead="shanghai", co=("jiangsu",))
    task = factories.task(lead="jiangsu", project=project)
    initiative = factories.initiative(lead="zhejiang")
    for item, value in ((task, 10), (initiative, 20), (project, 30)):
        factories.report(factories.target(item, target_value=100), value=value)
    return {"task": task, "initiative": initiative, "project": project}


def values(*valid):
    """Any text, numbers, sort-like words, or one of the valid values of the parameter."""
    return st.one_of(
        st.text(max_size=30),
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.from_regex(r"-?[a-z_]{0,15}", fullmatch=True),
        *([st.sampled_from(valid)] if valid else []),
    )


def plan_item_parameters():
    return {
        "q": values("", "T-", "交通"),
        "status": values("in_progress", "planned", "done"),
        "area": values(*FocusArea.objects.values_list("slug", flat=True)),
        "member": values(*Member.objects.values_list("slug", flat=True)),
        "schedule": values("overdue", "behind", "on_schedule", "ahead", "unknown"),
        "illustrative": values("yes", "no"),
        "sort": values("code", "-code", "progress", "-due_date", "title", "supports", "-supports"),
        "page": values("1", "2", "0", "-1", "last"),
        "_export": values("csv", "json", "xlsx"),
    }


def update_parameters():
    return {
        "member": values(*Member.objects.values_list("slug", flat=True)),
        "area": values(*FocusArea.objects.values_list("slug", flat=True)),
        "source": values(*Source.objects.values_list("key", flat=True)),
        "sort": values("as_of", "-as_of", "member", "value"),
        "page": values("1", "2", "0", "last"),
        "_export": values("csv", "json"),
    }


def section_parameters(prefixes):
    return {
        f"{prefix}-{name}": values(*valid)
        for prefix in prefixes
        for name, valid in (("page", ("1", "2", "99")), ("sort", ("code", "-progress")))
    }


def get(client, path, query):
    response = client.get(f"{path}?{urlencode(query)}")
    assert response.status_code in ANSWERS, (path, query, response.status_code)
    return response


def fuzz_page(client, path, parameters, language):
    @given(query=st.fixed_dictionaries(parameters), language=language)
    def run(query, language):
        get(client, f"{language}{path}", query)

    run()


LANGUAGES = st.sampled_from(["", "/zh-hans"])


@pytest.mark.parametrize("path", ["/tasks/", "/initiatives/", "/projects/"])
def test_plan_item_lists(client, region, path):
    fuzz_page(client, path, plan_item_parameters(), LANGUAGES)


def test_update_list(client, region):
    fuzz_page(client, "/updates/", update_parameters(), LANGUAGES)


def test_member_page(client, region):
    # The area pages build their three tables with the same code.
    fuzz_page(client, "/members/jiangsu/", section_parameters("ipt"), LANGUAGES)


def test_item_pages(client, region):
    fuzz_page(
        client, region["project"].get_absolute_url(), section_parameters(["tasks"]), st.just("")
    )


@pytest.mark.parametrize(
    "path, parameters",
    [
        ("/api/tasks/", plan_item_parameters),
        ("/api/initiatives/", plan_item_parameters),
        ("/api/reports/", update_parameters),
        ("/api/targets/", lambda: {"page": values("1", "2", "0")}),
    ],
)
def test_api_lists(client, region, path, parameters):
    fuzz_page(client, path, parameters(), st.just(""))


@given(prefix=st.text(min_size=1, max_size=12))
def test_an_unknown_language_prefix_is_a_404(client, region, prefix):
    assume(prefix not in {"zh-hans", "en"} and prefix.strip("/") == prefix)
    segment = quote(prefix, safe="")
    assume(segment not in {".", "..", "initiatives", "projects", "tasks", "updates", "sources"})
    assume(segment not in {"members", "areas", "admin", "api", "i18n", "static", "sitemap.xml"})
    response = get(client, f"/{segment}/tasks/", {})
    assert response.status_code == 404


@given(
    kind=st.sampled_from(["initiatives", "projects", "tasks", "members", "areas"]),
    code=st.text(min_size=1, max_size=40),
    language=LANGUAGES,
)
def test_a_malformed_code_is_a_404(client, region, kind, code, language):
    existing = {
        *Initiative.objects.values_list("code", flat=True),
        *CooperationProject.objects.values_list("code", flat=True),
        *Task.objects.values_list("code", flat=True),
        *Member.objects.values_list("slug", flat=True),
        *FocusArea.objects.values_list("slug", flat=True),
    }
    assume(code not in existing and code not in {".", ".."})
    response = client.get(f"{language}/{kind}/{quote(code, safe='')}/")
    assert response.status_code == 404, (kind, code)


@given(
    slug=st.text(min_size=1, max_size=70),
    page=st.sampled_from(["", "tasks/", "tasks/T-001/", "members/jiangsu/", "updates/feed/"]),
    language=LANGUAGES,
)
def test_an_unknown_plan_is_a_404(client, region, slug, page, language):
    assume(slug != region["task"].plan.slug)
    response = client.get(f"{language}/plans/{quote(slug, safe='')}/{page}")
    assert response.status_code == 404, (slug, page)


@given(plan=values("yrd-2024-2026"))
def test_the_api_plan_parameter(client, region, plan):
    for path in ("/api/tasks/", "/api/targets/", "/api/reports/"):
        get(client, path, {"plan": plan})


def test_a_nul_character_is_refused_before_it_reaches_the_database(client, region):
    # Hypothesis found these as 500s on PostgreSQL, which cannot store a NUL in text.
    assert client.get("/tasks/%00/").status_code == 404
    assert client.get("/members/%00/").status_code == 404
    assert client.get("/tasks/?member=%00").status_code == 400
    assert client.get("/api/reports/?source=a%00b").status_code == 400
