"""The outlook from the trend (models/outlook.py, docs/methods.md): the arithmetic against
figures worked by hand, the model method on factories, the sentence on the item page, the API's
fields and the cost of a page of targets.

The series run from 2020-01-01: 2024-01-01 is 1,461 days on, exactly 4.0 years of 365.25
days, and 2028-01-01 exactly 8.0, so that the rates below come out round.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from initiatives.api import outlook_data
from initiatives.models import Outlook, ReviewState, Target
from initiatives.models import outlook as trend
from initiatives.templatetags.outlook import pace
from tests import factories
from tests.shared import settle_page_cache

Y2020, Y2022, Y2023, Y2024, Y2028 = (date(year, 1, 1) for year in (2020, 2022, 2023, 2024, 2028))


def assess(points, target, direction="higher", by=Y2028):
    return trend.assess(points, target, by, direction)


# The arithmetic, by hand -------------------------------------------------------------------


def test_growth_rate_is_compound_and_annual():
    # 100 to 146.41 in four years is 1.1 ** 4: ten per cent a year.
    assert trend.annual_growth((Y2020, 100), (Y2024, 146.41)) == pytest.approx(0.10)
    # Undefined from or to zero, for negative values, and without time between the values.
    assert trend.annual_growth((Y2020, 0), (Y2024, 40)) is None
    assert trend.annual_growth((Y2020, -10), (Y2024, -4)) is None
    assert trend.annual_growth((Y2020, 100), (Y2020, 120)) is None


def test_linear_pace_is_the_change_a_year():
    assert trend.annual_change((Y2020, 0), (Y2024, 40)) == pytest.approx(10.0)
    assert trend.annual_change((Y2020, 40), (Y2024, 0)) == pytest.approx(-10.0)
    assert trend.annual_change((Y2020, 1), (Y2020, 2)) is None


@pytest.mark.parametrize(
    ("ratio", "outlook"),
    [
        (1.5, Outlook.ON_COURSE),
        (0.95, Outlook.ON_COURSE),
        (0.9499, Outlook.FAIR_PROGRESS),
        (0.6, Outlook.FAIR_PROGRESS),
        (0.5999, Outlook.LIMITED_PROGRESS),
        (0.0, Outlook.LIMITED_PROGRESS),
        (-0.0001, Outlook.MOVING_AWAY),
    ],
)
def test_thresholds_of_the_ratio(ratio, outlook):
    assert trend.classify(ratio) == outlook


def test_rising_target_on_course_with_its_projected_date():
    # Observed 10 % a year; needed 2 ** (1/8) - 1 = 9.0508 % a year to double in eight years:
    # ratio 1.1049. At 10 % a year 100 doubles in ln 2 / ln 1.1 = 7.2725 years = 2,656 days.
    result = assess([(Y2020, 100), (Y2024, 146.41)], 200)
    assert result.outlook == Outlook.ON_COURSE
    assert result.method == trend.GROWTH
    assert result.observed_rate == pytest.approx(0.10)
    assert result.required_rate == pytest.approx(0.090508, abs=1e-6)
    assert result.ratio == pytest.approx(1.1049, abs=1e-4)
    assert result.projected_date == date(2027, 4, 10)  # 2020-01-01 + 2,656 days
    assert (result.since, result.latest, result.reached) == (Y2020, Y2024, False)


def test_rising_target_fair_progress():
    # Needed 3 ** (1/8) - 1 = 14.720 % a year: ratio 0.10 / 0.14720 = 0.6793. Reached after
    # ln 3 / ln 1.1 = 11.527 years = 4,210 days.
    result = assess([(Y2020, 100), (Y2024, 146.41)], 300)
    assert result.outlook == Outlook.FAIR_PROGRESS
    assert result.ratio == pytest.approx(0.6793, abs=1e-4)
    assert result.projected_date == date(2031, 7, 12)


def test_rising_target_limited_progress():
    # Needed 10 ** (1/8) - 1 = 33.352 % a year: ratio 0.2998; ln 10 / ln 1.1 = 24.159 years
    # = 8,824 days.
    result = assess([(Y2020, 100), (Y2024, 146.41)], 1000)
    assert result.outlook == Outlook.LIMITED_PROGRESS
    assert result.ratio == pytest.approx(0.2998, abs=1e-4)
    assert result.projected_date == date(2044, 2, 28)


def test_rising_target_moving_away_is_not_at_this_pace():
    # 100 to 90: 0.9 ** (1/4) - 1 = -2.600 % a year against +9.05 % needed.
    result = assess([(Y2020, 100), (Y2024, 90)], 200)
    assert result.outlook == Outlook.MOVING_AWAY
    assert result.observed_rate == pytest.approx(-0.025996, abs=1e-6)
    assert result.ratio == pytest.approx(-0.2872, abs=1e-4)
    assert result.projected_date is None


def test_falling_target_counts_falling_as_progress():
    # A target that should fall (PM2.5): 50 to 40.5 is 0.81 = 0.9 ** 2 in four years, so
    # sqrt(0.9) - 1 = -5.132 % a year. To 35 in eight years: 0.7 ** (1/8) - 1 = -4.360 % a
    # year: ratio 1.1769. Reached after ln 0.7 / ln 0.94868 = 6.7706 years = 2,473 days.
    result = assess([(Y2020, 50), (Y2024, 40.5)], 35, direction="lower")
    assert result.outlook == Outlook.ON_COURSE
    assert result.observed_rate == pytest.approx(-0.051317, abs=1e-6)
    assert result.ratio == pytest.approx(1.1769, abs=1e-4)
    assert result.projected_date == date(2026, 10, 9)
    # To 30: 0.6 ** (1/8) - 1 = -6.186 % a year: ratio 0.8296.
    assert assess([(Y2020, 50), (Y2024, 40.5)], 30, direction="lower").outlook == (
        Outlook.FAIR_PROGRESS
    )


def test_falling_target_moving_away_when_the_value_rises():
    result = assess([(Y2020, 50), (Y2024, 55)], 35, direction="lower")
    assert result.outlook == Outlook.MOVING_AWAY
    assert result.ratio < 0
    assert result.projected_date is None


def test_from_zero_the_pace_is_linear():
    # 0 to 40 in four years: 10 a year; 100 in eight years needs 12.5: ratio 0.8. At 10 a year
    # 100 is ten years on: 3,652.5 days, rounded to the even 3,652.
    result = assess([(Y2020, 0), (Y2024, 40)], 100)
    assert result.method == trend.LINEAR
    assert result.observed_rate == pytest.approx(10.0)
    assert result.required_rate == pytest.approx(12.5)
    assert result.outlook == Outlook.FAIR_PROGRESS
    assert result.ratio == pytest.approx(0.8)
    assert result.projected_date == date(2029, 12, 31)


def test_negative_values_take_the_linear_pace():
    # -10 to -4: 1.5 a year; to 5 in eight years needs 15 / 8 = 1.875 a year: ratio 0.8.
    result = assess([(Y2020, -10), (Y2024, -4)], 5)
    assert result.method == trend.LINEAR
    assert result.ratio == pytest.approx(0.8)
    assert result.projected_date == date(2029, 12, 31)  # ten years: 3,652.5 days, to 3,652


def test_a_target_of_zero_takes_the_linear_pace():
    # A falling target of zero: 40 to 20 in four years, 5 a year down; 40 to 0 in eight
    # needs 5 a year: ratio 1.0, reached after eight years.
    result = assess([(Y2020, 40), (Y2024, 20)], 0, direction="lower")
    assert result.method == trend.LINEAR
    assert result.outlook == Outlook.ON_COURSE
    assert result.ratio == pytest.approx(1.0)
    assert result.projected_date == Y2028


def test_no_change_is_limited_progress_and_not_at_this_pace():
    result = assess([(Y2020, 100), (Y2024, 100)], 200)
    assert result.outlook == Outlook.LIMITED_PROGRESS
    assert result.ratio == 0
    assert result.projected_date is None


def test_a_projection_beyond_the_horizon_is_not_at_this_pace():
    # 0.01 in four years is a pace that doubles 100 in some 27,700 years.
    result = assess([(Y2020, 100), (Y2024, 100.01)], 200)
    assert result.outlook == Outlook.LIMITED_PROGRESS
    assert result.projected_date is None


@pytest.mark.parametrize(
    "points",
    [[], [(Y2020, 100)], [(Y2020, 100), (Y2020, 120)], [(Y2020, 100), (Y2024, None)]],
)
def test_too_few_values_give_no_outlook(points):
    assert assess(points, 200) is None


def test_no_target_value_or_date_gives_no_outlook():
    points = [(Y2020, 100), (Y2024, 146.41)]
    assert assess(points, None) is None
    assert assess(points, 200, by=None) is None


def test_a_series_that_begins_after_the_target_date_gives_no_outlook():
    assert assess([(Y2024, 100), (date(2025, 1, 1), 110)], 200, by=Y2022) is None


def test_already_reached_is_on_course_since_the_value_that_reached_it():
    result = assess([(Y2020, 100), (Y2022, 145), (Y2024, 150)], 140)
    assert result.reached
    assert result.outlook == Outlook.ON_COURSE
    assert result.projected_date == Y2022
    assert result.ratio is None and result.required_rate is None
    # A value that fell back below the target starts the run again.
    dipped = assess([(Y2020, 100), (Y2022, 145), (Y2023, 130), (Y2024, 150)], 140)
    assert dipped.projected_date == Y2024
    # Reached even once the target date has passed.
    assert assess([(Y2020, 100), (Y2024, 150)], 140, by=Y2022).reached


def test_fallen_back_from_a_target_met_at_the_start_is_moving_away():
    # A ratio that should fall to 1.9: it was 1.5 at the first value and is 2.0 now.
    result = assess([(Y2020, 1.5), (Y2024, 2.0)], 1.9, direction="lower")
    assert result.outlook == Outlook.MOVING_AWAY
    assert result.projected_date is None


def test_one_value_a_date_the_last_given():
    result = assess([(Y2020, 100), (Y2024, 500), (Y2024, 146.41)], 200)
    assert result.observed_rate == pytest.approx(0.10)


def test_decimal_values_as_the_database_gives_them():
    result = assess([(Y2020, Decimal("100")), (Y2024, Decimal("146.41"))], Decimal("200"))
    assert result.ratio == pytest.approx(1.1049, abs=1e-4)


# The model method, on factories -----------------------------------------------------------

TODAY = date(2024, 6, 30)


def rising_target(**fields):
    """From 0 at its baseline on 2020-01-01 to 100 by 2028-01-01, reported at 40 on
    2024-01-01: the linear case above (ratio 0.8, fair progress, reached 2029-12-31)."""
    fields.setdefault("baseline_value", 0)
    fields.setdefault("baseline_date", Y2020)
    target = factories.target(
        factories.task(start_date=Y2020),
        target_value=100,
        target_date=Y2028,
        unit_en="piles",
        **fields,
    )
    factories.report(target, 40, as_of=Y2024)
    return target


@pytest.fixture
def today():
    with override_settings(TRACKER_TODAY=TODAY):
        yield TODAY


@pytest.mark.django_db
def test_outlook_of_a_target_from_its_baseline_and_approved_reports(today):
    target = rising_target()
    result = target.outlook()
    assert (result.outlook, result.method) == (Outlook.FAIR_PROGRESS, trend.LINEAR)
    assert result.ratio == pytest.approx(0.8)
    assert result.projected_date == date(2029, 12, 31)


@pytest.mark.django_db
def test_only_approved_region_wide_values_dated_by_today_count(today):
    target = rising_target()
    factories.report(target, 90, as_of=date(2024, 3, 31), member=factories.member("anhui"))
    factories.report(target, 95, as_of=date(2024, 4, 30), status=ReviewState.SUBMITTED)
    factories.report(target, 99, as_of=date(2024, 5, 31), status=ReviewState.RETURNED)
    factories.report(target, 99, as_of=date(2024, 9, 30))  # after today
    assert target.outlook().ratio == pytest.approx(0.8)
    # The later report counts once today has reached its date.
    with override_settings(TRACKER_TODAY=date(2024, 9, 30)):
        assert target.outlook().outlook == Outlook.ON_COURSE


@pytest.mark.django_db
def test_an_approved_correction_takes_the_corrected_value_s_place(today):
    target = rising_target()
    wrong = factories.report(target, 80, as_of=date(2024, 3, 31))
    assert target.outlook().ratio > 1.0
    factories.report(
        target, 40, as_of=date(2024, 3, 31), supersedes=wrong, correction_reason="A typo."
    )
    # 40 on 2024-03-31: 1,551 days (4.2464 years) on, 9.420 a year against the 12.5
    # needed: ratio 0.7536.
    assert target.outlook().ratio == pytest.approx(0.7536, abs=1e-4)


@pytest.mark.django_db
def test_without_a_dated_baseline_the_first_report_is_the_first_value(today):
    target = rising_target(baseline_date=None)
    assert target.outlook() is None  # one value: too few
    factories.report(target, 20, as_of=Y2022)
    result = target.outlook()
    assert result.since == Y2022
    assert result.method == trend.GROWTH  # 20, 40 and 100 are all above zero
    # 20 to 40 in 730 days (1.9986 years): 2 ** (1/1.9986) - 1 = 41.45 % a year; 100 by
    # 2028, 2,191 days (5.9986 years) on, needs 5 ** (1/5.9986) - 1 = 30.77 %.
    assert result.observed_rate == pytest.approx(0.41455, abs=1e-5)
    assert result.required_rate == pytest.approx(0.3077, abs=1e-4)
    assert result.outlook == Outlook.ON_COURSE


@pytest.mark.django_db
def test_a_falling_target_with_the_office_s_figures(today):
    target = factories.target(
        factories.task(start_date=Y2020),
        direction="lower",
        baseline_value=50,
        baseline_date=Y2020,
        target_value=35,
        target_date=Y2028,
    )
    factories.report(target, Decimal("40.5"), as_of=Y2024)
    result = target.outlook()
    assert result.outlook == Outlook.ON_COURSE
    assert result.projected_date == date(2026, 10, 9)


@pytest.mark.django_db
def test_no_outlook_for_milestones_monitored_indicators_or_one_value(today):
    item = factories.task()
    milestone = factories.target(item, measure="milestone", target_date=Y2028)
    factories.report(milestone, milestone_reached=True, as_of=Y2022)
    factories.report(milestone, milestone_reached=True, as_of=Y2024)
    monitored = factories.target(item, target_value=None, baseline_date=Y2020)
    factories.report(monitored, 40, as_of=Y2024)
    single = factories.target(item, baseline_value=None, target_date=Y2028)
    factories.report(single, 40, as_of=Y2024)
    assert [milestone.outlook(), monitored.outlook(), single.outlook()] == [None, None, None]


@pytest.mark.django_db
def test_with_outlook_prefetches_the_same_figures_in_one_query(today, django_assert_num_queries):
    targets = [rising_target() for _ in range(2)]
    factories.report(targets[1], 10, as_of=date(2024, 3, 31))
    expected = [target.outlook() for target in targets]
    queryset = Target.objects.filter(pk__in=[t.pk for t in targets]).order_by("pk")
    with django_assert_num_queries(2):  # the targets, then their reports
        assert [target.outlook() for target in queryset.with_outlook()] == expected


# The page and the API ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_item_page_says_the_outlook_in_a_sentence(client, today):
    target = rising_target()
    html = client.get(target.item.get_absolute_url()).content.decode()
    assert (
        "At the pace since January 2020 (+10 piles a year) the target of 100 piles is reached "
        "in December 2029: fair progress." in html
    )
    assert 'href="/methods/#outlook"' in html
    assert client.get("/methods/").status_code == 200


@pytest.mark.django_db
def test_the_page_says_when_the_pace_does_not_reach_the_target(client, today):
    target = factories.target(
        factories.task(start_date=Y2020),
        measure="percentage",
        baseline_value=50,
        baseline_date=Y2020,
        target_value=80,
        target_date=Y2028,
    )
    factories.report(target, 45, as_of=Y2024)
    html = client.get(target.item.get_absolute_url()).content.decode()
    # 50 % to 45 % in four years: 0.9 ** (1/4) - 1 = -2.6 % a year.
    assert (
        "At the pace since January 2020 (-2.6 % a year) the target of 80% is not reached: "
        "moving away." in html
    )


@pytest.mark.django_db
def test_the_page_says_when_the_target_is_met(client, today):
    target = rising_target()
    factories.report(target, 100, as_of=date(2024, 6, 1))
    html = client.get(target.item.get_absolute_url()).content.decode()
    assert "The target of 100 piles has been met since 2024-06-01: on course." in html


@pytest.mark.django_db
def test_the_page_shows_no_outlook_without_two_values(client, today):
    target = rising_target(baseline_date=None)
    html = client.get(target.item.get_absolute_url()).content.decode()
    assert "At the pace since" not in html and "#outlook" not in html


@pytest.mark.django_db
def test_the_api_gives_outlook_and_projected_date_null_when_not_worked_out(client, today):
    rising_target()
    rising_target(baseline_date=None)
    rows = {row["code"]: row for row in client.get("/api/targets/").json()["results"]}
    worked, none = sorted(rows.values(), key=lambda row: row["code"])
    assert (worked["outlook"], worked["projected_date"]) == ("fair_progress", "2029-12-31")
    assert (none["outlook"], none["projected_date"]) == (None, None)


@pytest.mark.django_db
def test_pages_of_targets_cost_the_same_queries_whatever_their_number(client, today):
    def counted(url):
        settle_page_cache(client)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    first = rising_target()
    item = first.item
    few = (counted("/api/targets/"), counted(item.get_absolute_url()))
    for _ in range(4):
        target = factories.target(item, target_value=100, target_date=Y2028, baseline_date=Y2020)
        factories.report(target, 30, as_of=Y2022)
        factories.report(target, 60, as_of=Y2024)
        rising_target()
    assert (counted("/api/targets/"), counted(item.get_absolute_url())) == few


@pytest.mark.parametrize(
    ("points", "measure", "expected"),
    [
        # 0 to 41.1 % in four years: 10.275 points a year, in tenths.
        ([(Y2020, 0), (Y2024, Decimal("41.1"))], "percentage", "+10.3 percentage points"),
        # 0 to 406 piles: 101.5 a year, in whole piles from a hundred.
        ([(Y2020, 0), (Y2024, 406)], "number", "+102 piles"),
        ([(Y2020, 100), (Y2024, 146.41)], "number", "+10.0 %"),
    ],
)
def test_the_pace_reads_as_a_rate_a_year(points, measure, expected):
    target = Target(measure=measure, unit_en="piles", target_value=1000, target_date=Y2028)
    assert pace(assess(points, 1000), target) == expected


@pytest.mark.django_db
def test_once_the_round_has_closed_the_api_gives_no_outlook(client):
    rising_target()
    for today, expected in [(date(2026, 12, 31), "fair_progress"), (date(2027, 1, 1), None)]:
        with override_settings(TRACKER_TODAY=today):
            (row,) = client.get("/api/targets/").json()["results"]
            assert row["outlook"] == expected


@pytest.mark.django_db
def test_an_outlook_from_illustrative_figures_says_so(client, today):
    target = rising_target()
    factories.report(target, 41, as_of=date(2024, 3, 31), is_illustrative=True)
    html = client.get(target.item.get_absolute_url()).content.decode()
    outlook = html[html.index('class="outlook ') :]
    outlook = outlook[: outlook.index("</dd>")]
    assert "Illustrative demo content" in outlook


@pytest.mark.django_db
def test_the_method_page_is_public_in_both_languages_and_in_the_sitemap(client):
    factories.plan()
    html = client.get("/methods/").content.decode()
    assert 'id="outlook"' in html and "at least 95% of the pace needed" in html
    assert client.get("/zh-hans/methods/").status_code == 200
    xml = client.get("/sitemap.xml").content.decode()
    assert "http://testserver/methods/" in xml and "http://testserver/zh-hans/methods/" in xml


@pytest.mark.django_db
def test_once_the_round_has_closed_the_page_gives_no_outlook(client):
    target = rising_target()
    for today, shown in [(date(2026, 12, 31), True), (date(2027, 1, 1), False)]:
        with override_settings(TRACKER_TODAY=today):
            html = client.get(target.item.get_absolute_url()).content.decode()
            assert ("is reached in December 2029: fair progress." in html) is shown, today


@pytest.mark.django_db
def test_as_of_a_past_day_only_reports_approved_by_then_count(today):
    def approved_on(day):
        return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)

    target = rising_target()
    target.reports.update(reviewed_at=approved_on(date(2024, 2, 1)))
    factories.report(target, 80, as_of=date(2024, 3, 31), reviewed_at=approved_on(date(2024, 5, 1)))

    def ratio_as_of(day):
        rows = Target.objects.filter(pk=target.pk).with_outlook(day, approved_by=day)
        return rows.get().outlook(day).ratio

    assert ratio_as_of(date(2024, 4, 15)) == pytest.approx(0.8)  # 80 not approved yet
    assert ratio_as_of(date(2024, 5, 1)) > 1  # approved that day


@pytest.mark.django_db
def test_the_api_s_outlook_as_of_a_past_day_is_the_outlook_then(rf):
    target = rising_target()
    factories.report(target, 100, as_of=date(2025, 6, 30))  # met, after the day asked for
    request = rf.get("/api/targets/", {"as_of": "2024-06-30"})
    request.as_of = date(2024, 6, 30)  # as the API's list reads ?as_of=
    with override_settings(TRACKER_TODAY=date(2027, 1, 15)):  # the round has closed since
        row = outlook_data(request, Target.objects.select_related("item__plan").get())
    assert row == {"outlook": "fair_progress", "projected_date": date(2029, 12, 31)}
