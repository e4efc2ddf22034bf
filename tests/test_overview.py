"""The overview answers "is the plan on course?": the headline targets first, with progress,
target, latest figure and source; then the counts, areas, members and what is behind; the
monitored indicators below. The edition page shares the headline block.

A small plan built by hand, viewed on 2025-06-30: an initiative I-01 with two headline targets
(railway 400 of 600 km, reported 2025-03-31; elderly care 310 of 300 facilities, reported on
its target date 2024-12-31), a monitored headline indicator (GDP share, no target) and a target
that is not headline.
"""

from datetime import date, datetime

import pytest
from django.utils import timezone

from initiatives.models import Edition
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 30)


@pytest.fixture(autouse=True)
def today(settings):
    settings.TRACKER_TODAY = TODAY


@pytest.fixture
def plan():
    plan = factories.plan()
    forum = factories.source("cd-2024-forum")
    first = factories.initiative(plan=plan, code="I-01", lead="shanghai")
    second = factories.initiative(plan=plan, code="I-02", lead="jiangsu")
    # Listed out of the plan's order: the block sorts by item, then position.
    care = factories.target(
        second,
        code="I-02.1",
        name_en="New elderly care facilities",
        unit_en="facilities",
        baseline_value=None,
        target_value=300,
        target_date=date(2024, 12, 31),
        source=forum,
        is_headline=True,
    )
    railway = factories.target(
        first,
        code="I-01.2",
        name_en="Railway lines added",
        unit_en="km",
        baseline_value=None,
        target_value=600,
        target_date=date(2025, 12, 31),
        source=forum,
        is_headline=True,
        position=2,
    )
    share = factories.target(
        first,
        code="I-01.1",
        name_en="Share of national output",
        measure="percentage",
        baseline_value="23.9",
        baseline_date=date(2018, 12, 31),
        target_value=None,
        is_headline=True,
        position=1,
    )
    factories.target(first, code="I-01.3", name_en="Hidden figure", position=3)
    approved = timezone.make_aware(datetime(2025, 4, 10, 12))
    factories.report(
        railway, 400, as_of=date(2025, 3, 31), is_illustrative=True, reviewed_at=approved
    )
    factories.report(care, 310, as_of=date(2024, 12, 31), reviewed_at=approved)
    factories.report(share, "24.4", as_of=date(2024, 6, 30), reviewed_at=approved)
    return plan


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.getvalue().decode()


def between(html, start, end):
    return html[html.index(start) : html.index(end)]


def test_the_headline_targets_come_first_then_counts_areas_members_behind(client, plan):
    html = html_of(client, "/")
    order = [
        'id="headline-heading"',
        'id="lists-heading"',
        'id="by-status-caption"',
        'id="by-schedule-caption"',
        'id="areas-heading"',
        'id="members-heading"',
        'id="behind-heading"',
        'id="monitored-heading"',
        'id="updates-heading"',
    ]
    positions = [html.index(anchor) for anchor in order]
    assert positions == sorted(positions)


def test_each_headline_target_shows_progress_target_latest_figure_and_source(client, plan):
    html = html_of(client, "/")
    block = between(html, 'id="headline-heading"', 'id="lists-heading"')
    assert "1 of 2 headline targets reached." in block and "no figure yet" not in block
    # In the plan's order (I-01 before I-02), and only the targets with something to reach.
    assert block.index("Railway lines added") < block.index("New elderly care facilities")
    assert "Share of national output" not in block and "Hidden figure" not in block
    railway = between(block, 'id="headline-I-01.2"', 'id="headline-I-02.1"')
    assert 'value="66.7"' in railway and "66%" in railway  # the bar and its figure
    assert "600 km" in railway and "by 2025-12-31" in railway
    assert '400 km</strong> <span class="muted">(2025-03-31)</span>' in railway
    # The figure is invented and says so; the target keeps its real source, linked.
    assert "Illustrative demo content" in railway
    assert 'href="/sources/#source-cd-2024-forum"' in railway
    care = block[block.index('id="headline-I-02.1"') :]
    assert "300 facilities" in care and "310 facilities" in care and "target exceeded" in care
    assert "Illustrative demo content" not in care


def test_a_figure_for_the_whole_term_is_final_not_stale(client, plan):
    block = between(html_of(client, "/"), 'id="headline-heading"', 'id="lists-heading"')
    care = block[block.index('id="headline-I-02.1"') :]
    assert "not updated since" not in care  # 2024-12-31 is its target date
    monitored = between(html_of(client, "/"), 'id="monitored-heading"', 'id="updates-heading"')
    assert "not updated since 2024-06-30" in monitored


def test_monitored_indicators_are_listed_below_with_their_baseline(client, plan):
    monitored = between(html_of(client, "/"), 'id="monitored-heading"', 'id="updates-heading"')
    assert "Share of national output" in monitored
    assert "23.9%" in monitored and "24.4%" in monitored
    assert "monitored, no target" not in monitored and "Railway lines added" not in monitored


def test_the_block_as_of_a_past_day(client, plan):
    html = html_of(client, "/?as_of=2025-01-15")
    railway = between(html, 'id="headline-I-01.2"', 'id="headline-I-02.1"')
    assert "No report yet" in railway and "400 km" not in railway
    assert "0 of 2 headline targets reached. 2 with no figure yet." in html
    assert 'href="/initiatives/I-01/?as_of=2025-01-15#target-I-01.2"' in railway


def test_the_edition_page_shares_the_blocks(client, plan):
    Edition.objects.create(
        plan=plan,
        slug="spring",
        title_en="Spring",
        title_zh="春",
        as_of=date(2025, 4, 30),
        published_at=timezone.make_aware(datetime(2025, 5, 6, 12)),
    )
    html = html_of(client, "/editions/spring/")
    block = between(html, 'id="headline-heading"', 'id="lists-heading"')
    assert "Approved by then" in block
    assert '400 km</strong> <span class="muted">(2025-03-31)</span>' in block
    assert "Share of national output" not in block
    assert "Share of national output" in html[html.index('id="monitored-heading"') :]
    counts = between(html, 'id="by-status-caption"', 'id="monitored-heading"')
    assert "No report yet" in counts and ">All<" in counts
