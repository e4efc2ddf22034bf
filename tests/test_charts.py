"""How figures are written and charts are drawn on item pages."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from django.utils import translation
from django.utils.translation import gettext

from initiatives.charts import build_chart, expected_value, nice_step
from initiatives.models import Schedule, Target
from initiatives.templatetags.figures import figure, measured, percent


@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal("600000.0000"), "600,000"),
        (Decimal("1.5500"), "1.55"),
        (Decimal("24.4000"), "24.4"),
        (Decimal("0"), "0"),
        (7600, "7,600"),
        (None, ""),
    ],
)
def test_figures_are_written_as_published(value, text):
    assert figure(value) == text


def test_units_and_wording():
    assert measured(Decimal("70000"), "number", "piles", "over") == "over 70,000 piles"
    assert measured(Decimal("24.4"), "percentage", "%") == "24.4%"
    assert measured(Decimal("30"), "number", "µg/m³") == "30 µg/m³"


def test_progress_is_rounded_down():
    assert percent(99.6) == "99%" and percent(100.0) == "100%" and percent(None) == ""


@pytest.mark.parametrize("span, step", [(600000, 200000), (1.9, 0.5), (83.3, 25), (0, 1)])
def test_round_steps(span, step):
    assert nice_step(span) == step


def target(**fields):
    defaults = {
        "measure": "number",
        "direction": "higher",
        "unit": "km",
        "baseline_value": Decimal("0"),
        "target_value": Decimal("660"),
        "target_date": date(2024, 12, 31),
    }
    return SimpleNamespace(**{**defaults, **fields})


def report(day, value):
    return SimpleNamespace(as_of=day, value=Decimal(value), qualifier="")


def test_chart_puts_points_in_time_order_and_the_target_above_them():
    chart = build_chart(
        target(), [report(date(2024, 6, 30), 300), report(date(2024, 9, 30), 500)], date(2024, 1, 1)
    )
    first, second = chart.points
    assert first.x < second.x and first.y > second.y  # later and higher
    assert chart.target_y < second.y  # 660 km is above 500 km
    x0, y0, x1, y1 = chart.trajectory
    assert (x0, x1) == (chart.left, chart.right) and y0 == chart.bottom and y1 == chart.target_y
    assert [label for _, label in chart.y_ticks][-1] == "800"


def test_a_falling_target_draws_its_trajectory_downwards():
    falling = target(direction="lower", baseline_value=Decimal("42"), target_value=Decimal("30"))
    chart = build_chart(falling, [report(date(2024, 10, 31), 30)], date(2018, 1, 1))
    x0, y0, x1, y1 = chart.trajectory
    assert y1 > y0  # lower on the page is a smaller value
    assert [label for _, label, _ in chart.x_ticks] == ["2018", "2020", "2022", "2024"]


def test_no_chart_without_values_or_target():
    assert build_chart(target(target_value=None), [], date(2024, 1, 1)) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value,today,position",
    [
        (50, date(2024, 7, 2), Schedule.ON_SCHEDULE),  # half the time elapsed
        (25, date(2024, 7, 2), Schedule.BEHIND),
        (80, date(2024, 7, 2), Schedule.AHEAD),
        (99, date(2025, 2, 1), Schedule.OVERDUE),
        (100, date(2025, 2, 1), Schedule.ON_SCHEDULE),
        (None, date(2024, 3, 1), None),  # no report yet, within its first quarter
        (None, date(2024, 7, 2), Schedule.BEHIND),  # no report at half its time
        (None, date(2025, 2, 1), Schedule.OVERDUE),
    ],
)
def test_target_schedule_follows_the_item_rule(make, value, today, position):
    """A target's time runs from its item's start (no baseline date) to its target date;
    the database works the position out by the items' rule (models/progress.py)."""
    task = make.task(start_date=date(2024, 1, 1))
    goal = make.target(task, target_value=100, target_date=date(2025, 1, 1))
    if value is not None:
        make.report(goal, value=value, as_of=date(2024, 6, 30))
    found = Target.objects.filter(pk=goal.pk).with_progress().with_schedule(today).get()
    assert found.schedule == position


@pytest.mark.django_db
def test_a_target_schedule_counts_from_its_baseline_date(make):
    task = make.task(start_date=date(2024, 1, 1))
    goal = make.target(
        task, target_value=100, baseline_date=date(2024, 7, 1), target_date=date(2025, 7, 1)
    )
    make.report(goal, value=10, as_of=date(2024, 7, 2))
    found = Target.objects.filter(pk=goal.pk).with_progress().with_schedule(date(2024, 7, 2))
    assert found.get().schedule == Schedule.ON_SCHEDULE  # from the start of the item: behind


def test_no_baseline_draws_no_expected_path_and_says_why():
    """A missing baseline is not zero: the line from 0 would claim a start nobody reported."""
    piles = target(
        baseline_value=None, target_value=Decimal("600000"), target_date=date(2025, 12, 31)
    )
    chart = build_chart(piles, [report(date(2025, 3, 31), 541200)], date(2024, 1, 1))
    assert chart.trajectory is None and chart.no_baseline
    assert expected_value(piles, date(2024, 1, 1), date(2025, 6, 30)) is None
    with_baseline = build_chart(target(), [report(date(2024, 6, 30), 300)], date(2024, 1, 1))
    assert with_baseline.trajectory and not with_baseline.no_baseline


def test_a_short_span_has_year_and_quarter_ticks():
    chart = build_chart(target(target_date=date(2025, 6, 30)), [], date(2024, 1, 1))
    labels = [label for _, label, _ in chart.x_ticks]
    assert labels == ["2024", "Q2", "Q3", "Q4", "2025", "Q2"]
    late = build_chart(target(), [report(date(2024, 3, 31), 100)], date(2024, 3, 31))
    assert [label for _, label, _ in late.x_ticks] == ["2024 Q2", "Q3", "Q4"]  # no 1 January
    xs = [x for x, _, _ in chart.x_ticks]
    assert xs == sorted(xs) and xs[0] == chart.left


def test_year_and_quarter_ticks_follow_the_page_language():
    with translation.override("zh-hans"):
        chart = build_chart(target(target_date=date(2024, 12, 31)), [], date(2024, 1, 1))
        # "2024年", "第2季度" once the catalogue has them
        year, quarter = (
            gettext("%(year)s") % {"year": 2024},
            gettext("Q%(quarter)s") % {"quarter": 2},
        )
    assert [label for _, label, _ in chart.x_ticks][:2] == [year, quarter]


def test_the_target_date_is_marked():
    chart = build_chart(target(), [report(date(2024, 6, 30), 300)], date(2024, 1, 1))
    x, label, text_x, anchor = chart.deadline
    assert x == chart.right and "2024-12-31" in label and (text_x, anchor) == (x - 4, "end")


def test_a_revised_target_is_drawn_as_a_step_on_its_revision_day():
    revised = SimpleNamespace(
        changes={"target_value": ["500", "660"]},
        reviewed_at=datetime(2024, 7, 1, 2, tzinfo=UTC),
    )
    goal = target(target_value=Decimal("660"))
    chart = build_chart(goal, [report(date(2024, 3, 31), 100)], date(2024, 1, 1), [revised])
    (x0, y_old), (x1, y_old_end), (x2, y_new), (x3, y_new_end) = chart.target_steps
    assert x0 == chart.left and x1 == x2 and x3 == chart.right
    assert y_old == y_old_end and y_new == y_new_end == chart.target_y
    assert y_new < y_old  # 660 above 500
    mark_x, _, label, _, _ = chart.revision_marks[0]
    assert mark_x == x1 and "2024-07-01" in label
    unrevised = build_chart(goal, [report(date(2024, 3, 31), 100)], date(2024, 1, 1))
    assert len(unrevised.target_steps) == 2 and not unrevised.revision_marks


def piles_target(make, **fields):
    item = make.initiative(code="I-02", start_date=date(2024, 1, 1))
    fields = {
        "code": "I-02.1",
        "name_en": "Charging piles",
        "unit_en": "piles",
        "baseline_value": None,
        "target_value": 600000,
        "target_date": date(2025, 12, 31),
        **fields,
    }
    goal = make.target(item, **fields)
    make.report(goal, value=541200, as_of=date(2025, 3, 31), is_illustrative=True)
    return goal


SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.django_db
def test_each_chart_is_a_standalone_svg_document(make, client):
    piles_target(make)
    response = client.get("/targets/I-02.1/chart.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "set-cookie" not in response.headers
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{SVG}svg" and root.get("font-family") == "sans-serif"
    assert "Charging piles" in root.find(f"{SVG}title").text
    assert "No baseline" in root.find(f"{SVG}desc").text
    assert root.find(f".//{SVG}line[@class='chart-trajectory']") is None
    zh = client.get("/zh-hans/targets/I-02.1/chart.svg")
    assert zh.status_code == 200 and b'xml:lang="zh-Hans"' in zh.content
    past = client.get("/targets/I-02.1/chart.svg?as_of=2025-01-31")
    assert past.status_code == 200 and b"541,200" not in past.content
    assert b"541,200" in response.content
    assert client.get("/targets/I-02.1/chart.svg?as_of=nonsense").status_code == 400
    assert client.get("/targets/I-99.1/chart.svg").status_code == 404
    assert client.get("/plans/yrd-2024-2026/targets/I-02.1/chart.svg").status_code == 200


@pytest.mark.django_db
def test_only_the_embed_page_may_be_framed(make, client, django_assert_num_queries):
    goal = piles_target(make)
    embed = client.get("/targets/I-02.1/embed/")
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed.headers
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "script-src 'self'" in embed["Content-Security-Policy"]
    page = embed.content.decode()
    assert "Charging piles" in page and "541,200" in page and "2025-03-31" in page
    assert f'href="{goal.get_absolute_url()}" target="_top"' in page
    with django_assert_num_queries(0):
        again = client.get("/targets/I-02.1/embed/")  # served from the cache, headers kept
    assert "frame-ancestors *" in again["Content-Security-Policy"]
    assert "X-Frame-Options" not in again.headers
    item = client.get("/initiatives/I-02/")
    assert item["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in item["Content-Security-Policy"]
    assert 'href="/targets/I-02.1/chart.svg"' in item.content.decode()
    assert '&lt;iframe src="http://testserver/targets/I-02.1/embed/"' in item.content.decode()
    svg = client.get("/targets/I-02.1/chart.svg")
    assert svg["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_standalone_chart_steps_where_the_target_was_revised(make, client):
    goal = piles_target(make, baseline_value=530000, baseline_date=date(2024, 1, 1))
    make.revision(
        goal, {"target_value": ("580000", "600000")}, reviewed_at=datetime(2024, 9, 2, tzinfo=UTC)
    )
    root = ElementTree.fromstring(client.get("/targets/I-02.1/chart.svg").content)
    line = root.find(f".//{SVG}polyline[@class='chart-target']")
    assert len(line.get("points").split()) == 4  # along, up on the revision day, along
    assert "revised 2024-09-02" in "".join(root.itertext())
    assert root.find(f".//{SVG}line[@class='chart-trajectory']") is not None  # from a baseline
    before = ElementTree.fromstring(
        client.get("/targets/I-02.1/chart.svg?as_of=2024-08-31").content
    )
    assert len(before.find(f".//{SVG}polyline[@class='chart-target']").get("points").split()) == 2
