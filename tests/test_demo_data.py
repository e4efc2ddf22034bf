"""The demo fixture: the whole plan, every published figure with its source, a varied history."""

import io
import json
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from initiatives.demo import DEMO_DATE
from initiatives.models import (
    CooperationProject,
    FocusArea,
    Initiative,
    ItemFigures,
    Member,
    Plan,
    PlanItem,
    ProgressReport,
    Responsibility,
    ReviewState,
    Revision,
    Schedule,
    Source,
    StaffProfile,
    Status,
    StatusChange,
    Target,
    Task,
)
from initiatives.models.revisions import stored
from initiatives.roles import MEMBER_EDITORS, OFFICE_REVIEWERS
from tests.shared import load_demo, shared_data

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
CD, YRD = "cd-2024-forum", "yrd-2024-12-04"

# Targets as the sources set them:
# name, baseline, baseline year, target, wording, target date, direction, source.
PUBLISHED_TARGETS = [
    ("Railway lines added in the year", None, None, "660", "", "2024-12-31", "higher", CD),
    ("Public charging piles, total", None, None, "600000", "", "2024-12-31", "higher", CD),
    (
        "New public charging piles installed in the year",
        None,
        None,
        "70000",
        "over",
        "2024-12-31",
        "higher",
        CD,
    ),
    ("Vehicle-to-charging-pile ratio", None, None, "1.9", "", "2024-12-31", "lower", YRD),
    ("Virtual government service points", None, None, "200", "over", "2024-12-31", "higher", CD),
    ("Cities with virtual service points", None, None, "41", "", "2024-12-31", "higher", CD),
    ("New elderly care facilities", None, None, "300", "", "2024-12-31", "higher", CD),
    ("Travel time from Shanghai to Huzhou", "120", None, "40", "", "2024-12-31", "lower", YRD),
    ("Travel time between the two airports", None, None, "40", "", "2024-12-31", "lower", YRD),
    ("The 163 km line open to traffic", None, None, None, "", "2024-12-31", "higher", YRD),
    ("The 68.6 km line in operation", None, None, None, "", "2024-12-31", "higher", YRD),
    (
        "Initial connectivity of the Yangtze River mainstream ecological corridor at "
        "provincial level",
        None,
        None,
        None,
        "",
        "2025-12-31",
        "higher",
        YRD,
    ),
    ("High-speed railway network in the region", "4150", 2018, None, "", None, "higher", YRD),
    ("R&D expenditure intensity", "2.81", 2018, None, "", None, "higher", YRD),
    ("Share of national economic output", "23.9", 2018, None, "", None, "higher", YRD),
    ("Average PM2.5 concentration", "42", 2018, None, "", None, "lower", YRD),
    (
        "Days of good air quality, January to October",
        "75.1",
        2018,
        None,
        "",
        None,
        "higher",
        YRD,
    ),
    ("Cities with GDP over 1 trillion yuan", "6", 2018, None, "", None, "higher", YRD),
]

# Reported figures as the sources give them: target name, value, wording, source, words of the
# narrative that carry the rest of the published sentence.
PUBLISHED_REPORTS = [
    ("Regional GDP", "30000000000000", "over", CD, "24.2%"),
    ("Share of national economic output", "24.4", "", YRD, "23.9%"),
    ("Growth rate, first three quarters of the year", "5.4", "", YRD, "0.6 percentage points"),
    ("Cities with GDP over 1 trillion yuan", "9", "", YRD, "over one-third"),
    ("R&D expenditure intensity", "3.34", "", YRD, "2.81%"),
    ("Share of national R&D spending", "33.3", "about", CD, "a third"),
    ("Global Innovation Index 2024 rank, Shanghai-Suzhou cluster", "5", "", YRD, "fifth"),
    ("Global Innovation Index 2024 rank, Nanjing cluster", "9", "", YRD, "top 10"),
    ("Joint research task lists released", "41", "", YRD, "third batch"),
    ("Innovation consortia established", "12", "", YRD, "first 12"),
    ("Large scientific instruments on the sharing platform", "46441", "", YRD, "46,441"),
    ("Innovation voucher uses", "7000", "over", YRD, "7,000"),
    ("Cumulative innovation voucher funding", "170000000", "over", YRD, "170 million"),
    ("Share of national new energy vehicle output", "40", "", YRD, "four out of every 10"),
    (
        "High-frequency government services accessible across provinces",
        "170",
        "over",
        YRD,
        "170",
    ),
    (
        "People benefiting from direct settlement of cross-provincial outpatient costs",
        "46000000",
        "over",
        YRD,
        "46 million",
    ),
    ("Patients' advance payments eliminated", "7000000000", "over", YRD, "7 billion"),
    ("High-speed railway network in the region", "7600", "over", YRD, "80%"),
    ("New public charging piles a year", "120000", "over", YRD, "120,000"),
    ("Vehicle-to-charging-pile ratio", "1.55", "", YRD, "1.9"),
    ("Institutional innovations launched in the Demonstration Zone", "18", "", YRD, "18"),
    (
        "Intended transactions at the China International Import Expo",
        "80000000000",
        "",
        YRD,
        "up 2%",
    ),
    (
        "Initiatives for logistics quality, efficiency and lower costs",
        "30",
        "over",
        YRD,
        "30",
    ),
    ("Regional standards jointly issued", "27", "", YRD, "27 sets"),
    (
        "Days of good air quality, January to October",
        "83.3",
        "",
        YRD,
        "8.2 percentage points",
    ),
    ("Average PM2.5 concentration", "30", "", YRD, "42"),
    ("National carbon market cumulative trading volume", "494000000", "over", YRD, "494"),
    ("National carbon market cumulative turnover", "29700000000", "over", YRD, "29.7"),
    ("Sub-funds of the Collaborative Advantage Industry Fund", "47", "", YRD, "47"),
    ("Direct projects of the Collaborative Advantage Industry Fund", "52", "", YRD, "52"),
    ("Underlying projects supported by the fund", "1000", "nearly", YRD, "nearly 1,000"),
    ("National “little giant” enterprises fostered", "312", "", YRD, "312"),
    ("Inter-provincial natural gas capacity added", "3000000000", "over", YRD, "3 billion"),
]

PUBLISHED_MILESTONES = [
    "Demonstration Zone High-Quality Development Regulations in effect",
    "Huawei R&D Center completed and launched",
    "Construction started",
    "2024-2026 action plan issued",
    "Belt and Road promotion association inaugurated",
    "Regional food safety information traceability standards issued",
    "Regional Greenway Connection Standard issued",
    "Construction of the regional power market started",
]

HEADLINES = {
    # The promises of the forum in Wenzhou and the briefing's ratio, each with its target...
    "Railway lines added in the year",
    "Public charging piles, total",
    "Vehicle-to-charging-pile ratio",
    "Virtual government service points",
    "New elderly care facilities",
    # ...and the region-wide figures the plan monitors without one.
    "Share of national economic output",
    "R&D expenditure intensity",
    "High-speed railway network in the region",
    "Average PM2.5 concentration",
    "Days of good air quality, January to October",
}

MODELS = [
    Member,
    FocusArea,
    Source,
    get_user_model(),
    StaffProfile,
    Plan,
    Initiative,
    CooperationProject,
    Task,
    Responsibility,
    Target,
    Revision,
    ProgressReport,
    StatusChange,
]


@pytest.fixture(scope="class")
def demo_data(django_db_setup, django_db_blocker):
    """The demo fixture, loaded once into the empty test database for the tests of a class."""
    with shared_data(django_db_blocker):
        load_demo()
        yield


def region_reports(target, **filters):
    return target.reports.filter(member__isnull=True, **filters)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
@pytest.mark.xdist_group("demo-data")  # its fixture is loaded once: keep its tests on one worker
class TestDemoFixture:
    """Read the demo fixture as loaded into an empty database."""

    def test_the_fixture_holds_the_whole_plan(self):
        third = {"plan__slug": "yrd-2024-2026"}  # the illustrative fourth round aside
        assert Initiative.objects.filter(**third).count() == 10
        assert CooperationProject.objects.filter(**third).count() == 18
        assert Task.objects.filter(**third).count() == 165
        assert list(Member.objects.values_list("slug", "name_en", "name_zh")) == [
            ("shanghai", "Shanghai", "上海市"),
            ("jiangsu", "Jiangsu", "江苏省"),
            ("zhejiang", "Zhejiang", "浙江省"),
            ("anhui", "Anhui", "安徽省"),
        ]
        assert list(FocusArea.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
        real = Source.objects.filter(is_illustrative=False)
        assert set(real.values_list("key", flat=True)) == {CD, YRD}
        assert Source.objects.get(key=YRD).published_on.isoformat() == "2024-12-04"
        assert Source.objects.get(key=CD).date_note
        assert Source.objects.filter(is_illustrative=True).exists()
        # Loaded as they are, then the stored figures rebuilt from them.
        assert ItemFigures.objects.filter(progress__isnull=False).count() > 100
        assert ItemFigures.objects.differences() == {}

    @pytest.mark.skipif(
        "postgresql" in settings.DATABASES["default"]["ENGINE"],
        reason="SQLite's: PostgreSQL's autovacuum keeps its own statistics",
    )
    def test_loading_it_leaves_sqlites_planner_statistics(self):
        # Without them SQLite reads every approved report for each target's latest
        # (initiatives.db.refresh_statistics). The statistics count the rows loaded.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [ProgressReport._meta.db_table]
            )
            counted = {int(stat.split()[0]) for (stat,) in cursor.fetchall()}
        assert counted == {ProgressReport.objects.count()}

    def test_the_plan_round_is_a_record_that_holds_every_item(self):
        plan = Plan.objects.get(slug="yrd-2024-2026")
        assert Plan.objects.current() == plan
        assert (plan.slug, plan.start_date.isoformat(), plan.end_date.isoformat()) == (
            "yrd-2024-2026",
            "2024-01-01",
            "2026-12-31",
        )
        assert plan.name_en == (
            "Yangtze River Delta integration: third three-year action plan (2024-2026)"
        )
        assert plan.name_zh == "长三角地区一体化发展三年行动计划（2024—2026年）"
        assert (plan.short_name_en, plan.short_name_zh) == ("YRD 2024-2026", "长三角 2024—2026")
        assert (plan.region_en, plan.region_zh) == ("Yangtze River Delta", "长三角")
        assert set(plan.members.values_list("slug", flat=True)) == {
            "shanghai",
            "jiangsu",
            "zhejiang",
            "anhui",
        }
        assert set(plan.sources.values_list("key", flat=True)) == {CD, YRD}
        # Besides it, only the illustrative fourth round (tests/test_rounds.py).
        assert not PlanItem.objects.exclude(plan=plan).exclude(plan__is_illustrative=True)
        assert PlanItem.objects.filter(plan=plan).count() == 193
        plan.full_clean()

    def test_the_agreed_initiatives_and_their_targets(self):
        titles = dict(Initiative.objects.values_list("code", "title_en"))
        assert "660 km" in titles["I-01"]
        assert "70,000" in titles["I-02"] and "600,000" in titles["I-02"]
        assert "200" in titles["I-03"] and "41" in titles["I-03"]
        assert "300" in titles["I-04"]
        assert "all-in-one card" in titles["I-05"]
        assert Target.objects.get(name_en="Railway lines added in the year").item.code == "I-01"
        for name in (
            "Public charging piles, total",
            "New public charging piles installed in the year",
            "Vehicle-to-charging-pile ratio",
            "New public charging piles a year",
        ):
            assert Target.objects.get(name_en=name).item.code == "I-02"
        assert Target.objects.get(name_en="Virtual government service points").item.code == "I-03"
        assert Target.objects.get(name_en="New elderly care facilities").item.code == "I-04"

    @pytest.mark.parametrize(
        ("name", "baseline", "year", "value", "wording", "due", "direction", "source"),
        PUBLISHED_TARGETS,
    )
    def test_published_targets_are_quoted_exactly(
        self, name, baseline, year, value, wording, due, direction, source
    ):
        target = Target.objects.select_related("source").get(name_en=name)
        assert target.baseline_value == (Decimal(baseline) if baseline else None)
        assert (target.baseline_date.year if target.baseline_date else None) == year
        assert target.target_value == (Decimal(value) if value else None)
        assert target.target_qualifier == wording
        assert (target.target_date.isoformat() if target.target_date else None) == due
        assert target.direction == direction
        assert target.source.key == source
        assert not target.is_illustrative

    def test_every_published_figure_is_an_approved_report_with_its_source(self):
        for name, value, wording, source, words in PUBLISHED_REPORTS:
            target = Target.objects.get(name_en=name)
            published = region_reports(
                target, status=ReviewState.APPROVED, source__key=source, is_illustrative=False
            )
            assert [r.value for r in published] == [Decimal(value)], name
            report = published.get()
            assert report.qualifier == wording, name
            assert words in report.narrative_en, name
            assert report.narrative_zh, name
            assert not target.is_illustrative, name
            assert target.source.key == source, name
        for name in PUBLISHED_MILESTONES:
            report = region_reports(Target.objects.get(name_en=name)).get()
            assert report.milestone_reached and report.status == ReviewState.APPROVED, name
            assert report.source.key == YRD and not report.is_illustrative, name

    def test_the_vehicle_to_pile_ratio_beats_its_target(self):
        target = Target.objects.with_progress().get(name_en="Vehicle-to-charging-pile ratio")
        assert target.latest_value == Decimal("1.55")
        assert target.progress == 100
        assert target.exceeded

    def test_headline_indicators(self):
        headlines = Target.objects.filter(is_headline=True)
        assert set(headlines.values_list("name_en", flat=True)) == HEADLINES

    def test_no_invented_figure_cites_a_real_source(self):
        approved = ProgressReport.objects.filter(status=ReviewState.APPROVED)
        assert not approved.filter(source__isnull=True, evidence_url="").exists()
        real = Source.objects.filter(is_illustrative=False)
        assert not ProgressReport.objects.filter(is_illustrative=True, source__in=real).exists()
        assert not Target.objects.filter(is_illustrative=True, source__in=real).exists()
        assert not ProgressReport.objects.filter(
            is_illustrative=False, source__isnull=True
        ).exists()
        assert not ProgressReport.objects.filter(
            is_illustrative=False, source__is_illustrative=True
        ).exists()
        assert all(change.is_illustrative for change in StatusChange.objects.all())
        assert all(revision.is_illustrative for revision in Revision.objects.all())

    def test_items_the_documents_name_are_not_illustrative(self):
        named = Initiative.objects.filter(code__in=[f"I-0{n}" for n in range(1, 9)])
        assert not named.filter(is_illustrative=True).exists()
        for initiative in named:
            assert CD in {source.key for source in initiative.sources.all()}
        assert Initiative.objects.filter(is_illustrative=True).count() == 2
        # The documents do not list the projects or the tasks: which ones they are is assumed.
        assert not CooperationProject.objects.filter(is_illustrative=False).exists()
        assert not Task.objects.filter(is_illustrative=False).exists()

    def test_every_item_has_one_lead_and_chinese_titles(self):
        for model in (Initiative, CooperationProject, Task):
            for item in model.objects.prefetch_related("responsibilities"):
                roles = [r.role for r in item.responsibilities.all()]
                assert roles.count("lead") == 1, item.code
                assert item.title_zh, item.code
        assert not Target.objects.filter(name_zh="").exists()
        co_led = Task.objects.filter(responsibilities__role="co").distinct().count()
        assert 0 < co_led < 165

    def test_every_row_passes_model_validation(self):
        for model in (Initiative, CooperationProject, Task, Target, ProgressReport):
            for obj in model.objects.all():
                obj.full_clean()

    def test_the_history_is_varied_on_the_demo_date(self):
        tasks = Task.objects.with_progress(today=DEMO_DATE)
        schedules = Counter(tasks.values_list("schedule", flat=True))
        assert set(schedules) == {*Schedule.values, None}
        assert set(tasks.values_list("status", flat=True)) == set(Status.values)
        overdue = tasks.filter(schedule=Schedule.OVERDUE)
        assert all(task.due_date < DEMO_DATE for task in overdue)

        reports = ProgressReport.objects.all()
        assert set(reports.values_list("status", flat=True)) == set(ReviewState.values)
        assert not reports.filter(status=ReviewState.RETURNED, review_reason="").exists()
        assert reports.filter(member__isnull=False, status=ReviewState.APPROVED).exists()
        assert not reports.filter(as_of__gt=DEMO_DATE).exists()
        assert StatusChange.objects.count() >= 5
        assert Revision.objects.approved().count() >= 2
        for revision in Revision.objects.select_related("target"):
            target = revision.target
            assert revision.item == target.item
            assert revision.proposed_by != revision.reviewed_by
            for field, (_old, new) in revision.changes.items():
                assert stored(getattr(target, field)) == new

        railway = Target.objects.get(name_en="Railway lines added in the year")
        assert region_reports(railway, status=ReviewState.APPROVED).count() >= 3
        numeric = Target.objects.filter(
            item__kind="task", measure="percentage", reports__isnull=False
        )
        lines = [
            region_reports(target, status=ReviewState.APPROVED).count() >= 2
            for target in numeric.distinct()
        ]
        assert sum(lines) >= len(lines) * 0.8

    def test_the_demo_date_is_not_in_the_future(self):
        assert DEMO_DATE <= timezone.localdate()

    def test_loading_twice_leaves_the_same_rows(self):
        def snapshot():
            counts = {model.__name__: model.objects.count() for model in MODELS}
            reports = list(
                ProgressReport.objects.order_by("uuid").values_list("uuid", "value", "status")
            )
            links = list(
                Task.objects.order_by("code", "sources__key").values_list("code", "sources__key")
            )
            return counts, reports, links

        before = snapshot()
        call_command("loaddata", "demo", verbosity=0)
        assert snapshot() == before

    def test_create_demo_users_works_on_the_loaded_fixture(self, settings, staff_groups):
        settings.DEBUG = True
        User = get_user_model()
        assert not User.objects.get(username="office").has_usable_password()
        run_create_demo_users()
        assert User.objects.get(username="office").check_password("demo")
        assert User.objects.count() == 6


def write_fixture(path, rows):
    path.write_text(json.dumps(rows), encoding="utf-8")
    return str(path)


PLAN = ["yrd-2024-2026"]


def good_rows():
    """Rows that load on their own, ahead of the bad row in each bad fixture."""
    return [
        {
            "model": "initiatives.member",
            "fields": {
                "slug": "shanghai",
                "name_en": "Shanghai",
                "name_zh": "上海市",
                "kind": "municipality",
            },
        },
        {
            "model": "initiatives.focusarea",
            "fields": {
                "slug": "innovation",
                "number": 1,
                "name_en": "Innovation",
                "name_zh": "创新",
            },
        },
        {
            "model": "initiatives.plan",
            "fields": {
                "slug": PLAN[0],
                "name_en": "Yangtze River Delta integration: third three-year action plan",
                "region_en": "Yangtze River Delta",
                "start_date": "2024-01-01",
                "end_date": "2026-12-31",
                "is_current": True,
            },
        },
        {
            "model": "initiatives.planitem",
            "fields": {
                "plan": PLAN,
                "kind": "initiative",
                "code": "I-01",
                "title_en": "Add 660 km of railway lines",
                "focus_area": ["innovation"],
                "status": "on_track",
                "start_date": "2024-01-01",
                "due_date": "2024-12-31",
                "created_at": "2024-01-15T09:00:00+08:00",
                "updated_at": "2024-01-15T09:00:00+08:00",
            },
        },
    ]


def assert_nothing_loaded():
    assert not Member.objects.exists()
    assert not FocusArea.objects.exists()
    assert not Plan.objects.exists()
    assert not PlanItem.objects.exists()
    assert not Responsibility.objects.exists()


UNKNOWN_MEMBER_ROWS = [
    # A responsibility's natural key needs its member, so loading stops at the row.
    (
        {
            "model": "initiatives.responsibility",
            "fields": {"item": [*PLAN, "I-01"], "member": ["atlantis"], "role": "lead"},
        },
        "responsibility row names an unknown item or member",
    ),
    # A staff profile's member is optional, so it is looked up again at the end and named.
    (
        {
            "model": "initiatives.staffprofile",
            "fields": {"user": ["office"], "member": ["atlantis"]},
        },
        "Member matching query does not exist.*atlantis",
    ),
]


@pytest.mark.parametrize(("bad", "message"), UNKNOWN_MEMBER_ROWS)
def test_a_fixture_naming_an_unknown_member_loads_nothing(db, tmp_path, bad, message):
    user = {"model": "auth.user", "fields": {"username": "office", "password": "!"}}
    path = write_fixture(tmp_path / "bad.json", [*good_rows(), user, bad])
    with pytest.raises(Exception, match=message):
        call_command("loaddata", path, verbosity=0)
    assert_nothing_loaded()
    assert not get_user_model().objects.exists()


def test_a_fixture_with_a_due_date_before_the_start_loads_nothing(db, tmp_path):
    bad = {
        "model": "initiatives.planitem",
        "fields": {
            "plan": PLAN,
            "kind": "task",
            "code": "T-001",
            "parent": [*PLAN, "I-01"],
            "title_en": "Lay track",
            "focus_area": ["innovation"],
            "start_date": "2024-06-01",
            "due_date": "2024-03-31",
            "created_at": "2024-01-15T09:00:00+08:00",
            "updated_at": "2024-01-15T09:00:00+08:00",
        },
    }
    path = write_fixture(tmp_path / "bad.json", [*good_rows(), bad])
    with pytest.raises(Exception, match="(?s)PlanItem.*due_not_before_start"):
        call_command("loaddata", path, verbosity=0)
    assert_nothing_loaded()


def test_the_generator_rebuilds_the_committed_fixture_byte_for_byte(tmp_path):
    output = tmp_path / "demo.json"
    call_command("build_demo_fixture", output=str(output), stdout=io.StringIO())
    assert output.read_bytes() == FIXTURE.read_bytes()


# create_demo_users


@pytest.fixture
def staff_groups(db):
    for name in (MEMBER_EDITORS, OFFICE_REVIEWERS):
        Group.objects.get_or_create(name=name)


@pytest.fixture
def members(make):
    return [make.member(slug) for slug in ("shanghai", "jiangsu", "zhejiang", "anhui")]


def run_create_demo_users():
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    return out.getvalue()


def test_create_demo_users_sets_groups_profiles_and_password(
    settings, monkeypatch, staff_groups, members
):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "harbour-bridge")
    run_create_demo_users()
    printed = run_create_demo_users()  # a second run changes nothing
    for username in ("office", "shanghai", "jiangsu", "zhejiang", "anhui", "reviewer"):
        assert username in printed

    User = get_user_model()
    assert User.objects.count() == 6
    office = User.objects.get(username="office")
    assert office.is_staff and not office.is_superuser
    assert office.check_password("harbour-bridge")
    assert [g.name for g in office.groups.all()] == [OFFICE_REVIEWERS]
    assert office.staff_profile.member is None
    for slug in ("shanghai", "jiangsu", "zhejiang", "anhui"):
        user = User.objects.get(username=slug)
        assert user.is_staff and user.check_password("harbour-bridge")
        assert [g.name for g in user.groups.all()] == [MEMBER_EDITORS]
        assert user.staff_profile.member.slug == slug
    assert StaffProfile.objects.count() == 6


def test_create_demo_users_defaults_to_demo(settings, monkeypatch, staff_groups, members):
    settings.DEBUG = True
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    run_create_demo_users()
    assert get_user_model().objects.get(username="anhui").check_password("demo")


def test_create_demo_users_refuses_with_debug_off(settings, staff_groups, members):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run_create_demo_users()
    assert not get_user_model().objects.exists()


def test_create_demo_users_asks_for_migrate_when_groups_are_missing(settings, db, members):
    settings.DEBUG = True
    Group.objects.filter(name__in=[MEMBER_EDITORS, OFFICE_REVIEWERS]).delete()
    with pytest.raises(CommandError, match="migrate"):
        run_create_demo_users()
    assert not get_user_model().objects.exists()


def test_refresh_statistics_counts_the_rows_entered_since(db, make):
    """A site grown by daily entry gets its planner statistics from `refresh_statistics`
    (run by cron, docs/deployment.md): they count the reports entered since the last run."""
    target = make.target(make.task())
    for day in range(1, 8):
        make.report(target, value=day, as_of=date(2024, 1, day))
    table = ProgressReport._meta.db_table
    out = io.StringIO()
    call_command("refresh_statistics", stdout=out)
    assert connection.vendor in out.getvalue()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
            counted = {int(stat.split()[0]) for (stat,) in cursor.fetchall()}
        else:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            counted = {int(reltuples) for (reltuples,) in cursor.fetchall()}
    assert counted == {ProgressReport.objects.count()} == {7}
