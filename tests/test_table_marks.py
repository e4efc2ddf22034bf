"""What a table's cells say: figures by the page's language, focus areas by name, and the
illustrative marking once where it tells nothing row by row."""

from decimal import Decimal

import pytest
from django.utils import translation

from initiatives.models import FocusArea
from initiatives.templatetags.figures import figure, target_figure
from tests import factories
from tests.site_data import build_site

pytestmark = pytest.mark.django_db

ROW_TAG = '<span class="demo-tag">Illustrative demo</span>'
NOTE = "Every item in this table is illustrative"
BANNER = "This round is illustrative"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_figure_has_no_trailing_zeros_and_groups_its_thousands(language):
    with translation.override(language):
        assert figure(Decimal("72.0000")) == "72"
        assert figure(Decimal("1.5500")) == "1.55"
        assert figure(Decimal("600000.0000")) == "600,000"
        assert figure(Decimal("0.0250")) == "0.025"  # significant digits kept
        assert figure(Decimal("-1234.5000")) == "-1,234.5"
        assert figure(None) == ""


def test_a_percentage_target_reads_without_its_stored_decimals():
    item = factories.initiative()
    target = factories.target(item, measure="percentage", unit_en="%", target_value="72.0000")
    target.refresh_from_db()
    assert target.target_value == Decimal("72.0000")  # the stored value is untouched
    assert target_figure(target) == "72%"


def test_a_task_row_names_its_focus_area(client):
    build_site()
    html = client.get("/tasks/").content.decode()
    area = FocusArea.objects.get(number=2)
    assert f'<a href="/areas/{area.slug}/">{area.name}</a>' in html
    assert f">{area.number}</a>" not in html
    chinese = client.get("/zh-hans/tasks/").content.decode()
    assert f">{area.name_zh}</a>" in chinese


def test_a_row_is_tagged_only_beside_sourced_rows(client):
    build_site()  # T-101 from the sources, T-102 illustrative
    mixed = client.get("/tasks/").content.decode()
    assert mixed.count(ROW_TAG) == 1 and NOTE not in mixed
    only_illustrative = client.get("/tasks/?illustrative=yes").content.decode()
    assert "T-102" in only_illustrative
    assert ROW_TAG not in only_illustrative
    assert only_illustrative.count(NOTE) == 1
    sourced = client.get("/tasks/?illustrative=no").content.decode()
    assert ROW_TAG not in sourced and NOTE not in sourced


def test_an_illustrative_round_says_so_once(client):
    plan = factories.plan("yrd-2027-2029", start=2027, is_current=False, is_illustrative=True)
    build_site(plan=plan)
    for path in ("/tasks/", "/initiatives/I-02/", "/projects/P-07/", "/"):
        html = client.get(f"/plans/{plan.slug}{path}").content.decode()
        assert html.count(BANNER) == 1, path
        assert html.count('class="demo-tag"') == 1, path  # the banner's own
        assert NOTE not in html, path
