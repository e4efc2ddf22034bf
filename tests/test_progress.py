"""Derived figures: target progress, roll-up into projects and initiatives, schedule position."""

import re
from datetime import date
from decimal import Decimal
from itertools import takewhile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from initiatives.models import CooperationProject, Initiative, Schedule, Target, Task, progress
from initiatives.models.choices import Disagreement
from initiatives.models.targets import FIGURES

pytestmark = pytest.mark.django_db

TODAY = date(2025, 7, 1)


def progress_of(target):
    return Target.objects.with_progress().get(pk=target.pk)


def item_with_progress(item, today=TODAY):
    return type(item).objects.with_progress(today=today, live=True).get(pk=item.pk)


class TestTargetProgress:
    def test_higher_is_better(self, make):
        target = make.target(make.task(), baseline_value=100, target_value=200)
        make.report(target, value=150)
        row = progress_of(target)
        assert row.progress == pytest.approx(50)
        assert row.latest_value == Decimal(150)
        assert row.exceeded is False

    def test_lower_is_better(self, make):
        target = make.target(make.task(), direction="lower", baseline_value=42, target_value=20)
        make.report(target, value=31)
        assert progress_of(target).progress == pytest.approx(50)

    def test_worse_than_the_baseline_is_zero(self, make):
        target = make.target(make.task(), direction="lower", baseline_value=42, target_value=20)
        make.report(target, value=45)
        assert progress_of(target).progress == 0

    def test_exceeded_higher(self, make):
        target = make.target(make.task(), baseline_value=0, target_value=660)
        make.report(target, value=700)
        row = progress_of(target)
        assert (row.progress, row.exceeded) == (100, True)

    def test_met_exactly_is_not_exceeded(self, make):
        target = make.target(make.task(), baseline_value=0, target_value=660)
        make.report(target, value=660)
        row = progress_of(target)
        assert (row.progress, row.exceeded) == (100, False)

    def test_higher_without_baseline_counts_from_zero(self, make):
        target = make.target(make.task(), baseline_value=None, target_value=600000)
        make.report(target, value=150000)
        assert progress_of(target).progress == pytest.approx(25)

    def test_lower_without_baseline_is_met_or_not(self, make):
        ratio = make.target(make.task(), direction="lower", target_value=Decimal("1.9"))
        make.report(ratio, value=Decimal("2.1"), as_of=date(2024, 1, 31))
        assert progress_of(ratio).progress == 0
        make.report(ratio, value=Decimal("1.55"), as_of=date(2024, 11, 30))
        row = progress_of(ratio)
        assert (row.progress, row.exceeded) == (100, True)

    def test_nothing_reported(self, make):
        row = progress_of(make.target(make.task()))
        assert (row.progress, row.latest_value, row.latest_as_of) == (None, None, None)

    @pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
    def test_only_approved_reports_count(self, make, status):
        target = make.target(make.task(), baseline_value=0, target_value=100)
        make.report(target, value=10, as_of=date(2024, 1, 31))
        make.report(target, value=90, as_of=date(2024, 6, 30), status=status)
        row = progress_of(target)
        assert (row.progress, row.latest_value) == (pytest.approx(10), Decimal(10))

    def test_member_breakdown_is_not_the_whole(self, make):
        target = make.target(make.task(), baseline_value=0, target_value=100)
        make.report(target, value=80, member=make.member("jiangsu"))
        assert progress_of(target).progress is None

    def test_the_latest_date_wins_not_the_latest_entry(self, make):
        target = make.target(make.task(), baseline_value=0, target_value=100)
        make.report(target, value=60, as_of=date(2024, 12, 31))
        make.report(target, value=20, as_of=date(2024, 3, 31))
        row = progress_of(target)
        assert (row.progress, row.latest_as_of) == (pytest.approx(60), date(2024, 12, 31))

    def test_milestone(self, make):
        milestone = make.target(make.task(), measure="milestone")
        assert progress_of(milestone).progress is None
        make.report(milestone, narrative_en="Works under way", as_of=date(2024, 5, 1))
        assert progress_of(milestone).progress == 0
        make.report(
            milestone, narrative_en="Opened", milestone_reached=True, as_of=date(2024, 9, 1)
        )
        row = progress_of(milestone)
        assert (row.progress, row.exceeded) == (100, False)

    def test_monitored_indicator_has_no_progress(self, make):
        indicator = make.target(
            make.task(), measure="percentage", baseline_value=Decimal("23.9"), target_value=None
        )
        make.report(indicator, value=Decimal("24.4"))
        row = progress_of(indicator)
        assert (row.progress, row.latest_value) == (None, Decimal("24.4"))


class TestRollUp:
    def test_task_is_the_mean_of_its_targets(self, make):
        task = make.task()
        make.report(make.target(task, target_value=100), value=50)
        make.report(make.target(task, target_value=100), value=100)
        make.target(task, target_value=100)  # nothing reported: left out of the mean
        assert item_with_progress(task).progress == pytest.approx(75)

    def test_project_counts_its_targets_and_each_task_once(self, make):
        project = make.project()
        make.report(make.target(project, target_value=100), value=20)
        first = make.task(project=project)
        make.report(make.target(first, target_value=100), value=50)
        make.report(make.target(first, target_value=100), value=100)
        second = make.task(project=project)
        make.report(make.target(second, target_value=10), value=5)
        make.task(project=project)  # no targets: unknown, left out
        row = item_with_progress(project)
        assert row.progress == pytest.approx((20 + 75 + 50) / 3)

    def test_initiative_rolls_up_tasks_without_targets_of_its_own(self, make):
        initiative = make.initiative()
        task = make.task(initiative=initiative)
        make.report(make.target(task, target_value=200), value=50)
        assert item_with_progress(initiative).progress == pytest.approx(25)

    def test_other_items_tasks_do_not_count(self, make):
        project = make.project()
        other = make.task(project=make.project())
        make.report(make.target(other, target_value=100), value=90)
        assert item_with_progress(project).progress is None

    def test_last_reported_covers_tasks(self, make):
        project = make.project()
        task = make.task(project=project)
        make.report(make.target(task), value=1, as_of=date(2025, 3, 31))
        make.report(make.target(project), value=1, as_of=date(2024, 3, 31))
        assert item_with_progress(project).last_reported == date(2025, 3, 31)


class TestSchedule:
    """A task from 2025-01-01 to 2025-12-31: on 2025-07-02 half the time has elapsed."""

    MIDYEAR = date(2025, 7, 2)

    def task_at(self, make, percent, **fields):
        fields.setdefault("start_date", date(2025, 1, 1))
        fields.setdefault("due_date", date(2025, 12, 31))
        task = make.task(**fields)
        if percent is not None:
            make.report(make.target(task, target_value=100), value=percent, as_of=date(2025, 1, 1))
        return task

    def schedule(self, task, today):
        return item_with_progress(task, today=today).schedule

    @pytest.mark.parametrize(
        "percent,expected",
        [
            (50, Schedule.ON_SCHEDULE),
            (41, Schedule.ON_SCHEDULE),
            (39, Schedule.BEHIND),
            (0, Schedule.BEHIND),
            (59, Schedule.ON_SCHEDULE),
            (61, Schedule.AHEAD),
            (100, Schedule.AHEAD),
        ],
    )
    def test_against_time_elapsed(self, make, percent, expected):
        assert self.schedule(self.task_at(make, percent), self.MIDYEAR) == expected

    def test_boundaries_of_the_tolerance(self, make):
        # 91 of the 364 days from 2025-01-01 to 2025-12-31 is exactly 25 % of the time.
        today = date(2025, 4, 2)
        assert self.schedule(self.task_at(make, 15), today) == Schedule.ON_SCHEDULE
        assert self.schedule(self.task_at(make, 35), today) == Schedule.AHEAD
        assert self.schedule(self.task_at(make, 34), today) == Schedule.ON_SCHEDULE
        assert self.schedule(self.task_at(make, 14), today) == Schedule.BEHIND

    def test_before_the_start(self, make):
        task = self.task_at(make, 0)
        assert self.schedule(task, date(2024, 12, 1)) == Schedule.ON_SCHEDULE

    def test_overdue_after_the_due_date(self, make):
        task = self.task_at(make, 95)
        assert self.schedule(task, date(2025, 12, 31)) == Schedule.ON_SCHEDULE
        assert self.schedule(task, date(2026, 1, 1)) == Schedule.OVERDUE

    def test_overdue_even_without_progress(self, make):
        assert self.schedule(self.task_at(make, None), date(2026, 1, 1)) == Schedule.OVERDUE

    def test_completed_is_never_overdue(self, make):
        task = self.task_at(make, 40, status="completed")
        assert self.schedule(task, date(2026, 6, 1)) == Schedule.ON_SCHEDULE
        assert self.schedule(task, self.MIDYEAR) == Schedule.AHEAD

    @pytest.mark.parametrize(
        "fields",
        [{"status": "cancelled"}, {"start_date": None}, {"due_date": None}],
    )
    def test_unknown(self, make, fields):
        assert self.schedule(self.task_at(make, 50, **fields), self.MIDYEAR) is None

    def test_unknown_without_a_report_in_the_first_quarter_of_its_time(self, make):
        assert self.schedule(self.task_at(make, None), date(2025, 3, 1)) is None

    def test_one_day_span(self, make):
        task = self.task_at(make, 0, start_date=date(2025, 3, 1), due_date=date(2025, 3, 1))
        assert self.schedule(task, date(2025, 2, 28)) == Schedule.ON_SCHEDULE
        assert self.schedule(task, date(2025, 3, 1)) == Schedule.BEHIND

    def test_filter_and_order_by_schedule(self, make):
        behind = self.task_at(make, 10)
        ahead = self.task_at(make, 90)
        self.task_at(make, None, start_date=date(2025, 6, 1))  # no report, its time just begun
        rows = Task.objects.with_progress(today=self.MIDYEAR)
        assert list(rows.filter(schedule=Schedule.BEHIND)) == [behind]
        assert list(rows.filter(schedule__isnull=False).order_by("-schedule")) == [ahead, behind]


class TestSilence:
    """An item from 2025-01-01 to 2025-12-31 that never reported: a quarter of its time
    (TRACKER_NO_REPORT_BEHIND_AT) has passed on 2025-04-02."""

    def silent_task(self, make, **fields):
        fields.setdefault("start_date", date(2025, 1, 1))
        fields.setdefault("due_date", date(2025, 12, 31))
        task = make.task(**fields)
        make.target(task, target_value=100)
        return task

    def figures(self, item, today):
        row = item_with_progress(item, today=today)
        return row.schedule, row.no_report

    def test_no_report_yet_is_unknown_then_behind_then_overdue(self, make):
        task = self.silent_task(make)
        assert self.figures(task, date(2025, 4, 1)) == (None, True)
        assert self.figures(task, date(2025, 4, 2)) == (Schedule.BEHIND, True)
        assert self.figures(task, date(2026, 1, 1)) == (Schedule.OVERDUE, True)

    def test_the_share_of_time_is_a_setting(self, make, settings):
        task = self.silent_task(make)
        settings.TRACKER_NO_REPORT_BEHIND_AT = 60
        assert self.figures(task, date(2025, 7, 2)) == (None, True)
        settings.TRACKER_NO_REPORT_BEHIND_AT = 50
        assert self.figures(task, date(2025, 7, 2)) == (Schedule.BEHIND, True)

    def test_a_report_ends_the_silence(self, make):
        task = self.silent_task(make)
        make.report(task.targets.get(), value=30, as_of=date(2025, 3, 31))
        assert self.figures(task, date(2025, 4, 2)) == (Schedule.ON_SCHEDULE, False)

    def test_a_report_on_a_monitored_indicator_is_a_report(self, make):
        task = make.task(start_date=date(2025, 1, 1), due_date=date(2025, 12, 31))
        make.report(make.target(task, target_value=None), value=5, as_of=date(2025, 3, 31))
        assert self.figures(task, TestSchedule.MIDYEAR) == (None, False)

    @pytest.mark.parametrize("state", ["draft", "submitted", "returned"])
    def test_an_unapproved_report_is_silence(self, make, state):
        task = self.silent_task(make)
        make.report(task.targets.get(), value=90, as_of=date(2025, 3, 31), status=state)
        assert self.figures(task, TestSchedule.MIDYEAR) == (Schedule.BEHIND, True)

    def test_an_item_whose_time_has_not_begun_is_owed_none(self, make):
        task = self.silent_task(make, start_date=date(2025, 9, 1))
        assert self.figures(task, TestSchedule.MIDYEAR) == (None, False)
        assert self.figures(task, date(2025, 9, 1)) == (None, True)

    def test_a_cancelled_item_is_owed_no_report(self, make):
        task = self.silent_task(make, status="cancelled")
        assert self.figures(task, TestSchedule.MIDYEAR) == (None, False)

    def test_a_completed_item_without_a_report(self, make):
        task = self.silent_task(make, status="completed")
        row = item_with_progress(task, today=TestSchedule.MIDYEAR)
        assert (row.schedule, row.no_report) == (Schedule.AHEAD, True)
        assert row.disagreement == Disagreement.UNMET  # its target has no approved figure

    def test_a_project_is_reported_through_its_tasks(self, make):
        project = make.project(start_date=date(2025, 1, 1), due_date=date(2025, 12, 31))
        task = self.silent_task(make, project=project)
        assert self.figures(project, TestSchedule.MIDYEAR) == (Schedule.BEHIND, True)
        make.report(task.targets.get(), value=50, as_of=date(2025, 6, 30))
        assert self.figures(project, TestSchedule.MIDYEAR) == (Schedule.ON_SCHEDULE, False)

    def test_a_target_without_a_report(self, make):
        task = make.task(start_date=date(2025, 1, 1), due_date=date(2025, 12, 31))
        goal = make.target(task, target_value=100, target_date=date(2025, 12, 31))
        watched = make.target(task, target_value=None, target_date=date(2025, 12, 31))

        def schedule(target, today):
            rows = Target.objects.filter(pk=target.pk).with_progress().with_schedule(today)
            return rows.get().schedule

        assert schedule(goal, date(2025, 4, 1)) is None
        assert schedule(goal, date(2025, 4, 2)) == Schedule.BEHIND
        assert schedule(goal, date(2026, 1, 1)) == Schedule.OVERDUE
        assert schedule(watched, date(2026, 1, 1)) is None  # nothing to be behind on

    def test_listed_with_the_silent_ones(self, make):
        silent = self.silent_task(make)
        reported = self.silent_task(make)
        make.report(reported.targets.get(), value=10, as_of=date(2025, 3, 31))
        rows = Task.objects.with_progress(today=date(2025, 2, 1))
        assert list(rows.no_report()) == [silent]


class TestDisagreement:
    """The declared status against the schedule of a task from 2025-01-01 to 2025-12-31."""

    @pytest.mark.parametrize(
        "status, percent, today, expected",
        [
            ("on_track", 10, TestSchedule.MIDYEAR, Disagreement.BEHIND),
            ("not_started", 10, TestSchedule.MIDYEAR, Disagreement.BEHIND),
            ("on_track", 50, TestSchedule.MIDYEAR, None),
            ("on_track", 90, date(2026, 1, 1), Disagreement.OVERDUE),
            ("not_started", None, date(2026, 1, 1), Disagreement.OVERDUE),
            ("at_risk", 60, date(2026, 5, 31), Disagreement.OVERDUE),
            ("at_risk", 10, TestSchedule.MIDYEAR, None),  # behind, and says it may be
            ("delayed", 10, date(2026, 1, 1), None),
            ("delayed", 90, TestSchedule.MIDYEAR, Disagreement.AHEAD),
            ("at_risk", 90, TestSchedule.MIDYEAR, Disagreement.AHEAD),
            ("on_track", 90, TestSchedule.MIDYEAR, None),
            ("completed", 80, TestSchedule.MIDYEAR, Disagreement.UNMET),
            ("completed", 100, date(2026, 1, 1), None),
            ("suspended", 10, date(2026, 1, 1), None),
            ("cancelled", 10, date(2026, 1, 1), None),
        ],
    )
    def test_each_contradiction(self, make, status, percent, today, expected):
        task = TestSchedule().task_at(make, percent, status=status)
        if percent is None:
            make.target(task, target_value=100)
        assert item_with_progress(task, today=today).disagreement == expected

    def test_completed_with_a_target_never_reported(self, make):
        task = TestSchedule().task_at(make, 100, status="completed")
        assert item_with_progress(task).disagreement is None
        make.target(task, target_value=10)  # left out of the mean, but not met
        assert item_with_progress(task).disagreement == Disagreement.UNMET
        make.target(task, target_value=None)  # a monitored indicator has nothing to meet
        task.targets.filter(target_value=10).delete()
        assert item_with_progress(task).disagreement is None

    def test_a_project_completed_with_a_task_short_of_its_target(self, make):
        project = make.project(status="completed")
        make.report(make.target(make.task(project=project), target_value=10), value=5)
        assert item_with_progress(project).disagreement == Disagreement.UNMET

    def test_in_words(self):
        assert Disagreement.BEHIND.wording("on_track") == (
            "The status says “On track”, but the approved figures put it behind schedule."
        )

    def test_filtered(self, make):
        behind = TestSchedule().task_at(make, 10, status="on_track")
        TestSchedule().task_at(make, 10, status="delayed")
        rows = Task.objects.with_progress(today=TestSchedule.MIDYEAR)
        assert list(rows.disagreeing()) == [behind]


class TestStale:
    def test_a_figure_older_than_the_threshold_is_stale(self, make, settings):
        settings.TRACKER_STALE_AFTER_DAYS = 183
        task = make.task()
        make.report(make.target(task), value=10, as_of=date(2025, 1, 1))
        fresh, old = date(2025, 7, 3), date(2025, 7, 4)  # 183 and 184 days later
        assert not progress.is_stale(date(2025, 1, 1), fresh)
        assert progress.is_stale(date(2025, 1, 1), old)
        assert not progress.is_stale(None, old)  # no figure is "no report yet", not stale
        assert list(Task.objects.with_progress(fresh).stale(fresh)) == []
        assert list(Task.objects.with_progress(old).stale(old)) == [task]
        make.task()  # no report at all
        assert list(Task.objects.with_progress(old).stale(old)) == [task]


def add_items(model, count, make):
    builder = {Initiative: make.initiative, CooperationProject: make.project, Task: make.task}
    for _ in range(count):
        item = builder[model](lead="jiangsu", co=["anhui"])
        make.report(make.target(item), value=10)
        if model is not Task:
            make.report(make.target(make.task(parent=item)), value=20)


def queries_for_listing(model, expected_rows):
    with CaptureQueriesContext(connection) as captured:
        rows = list(model.objects.for_table().with_progress(today=TODAY))
        cells = [
            (row.progress, row.schedule, row.lead_members, row.focus_area.name) for row in rows
        ]
    assert len(cells) == expected_rows
    assert all(progress is not None for progress, *_ in cells)
    return len(captured)


@pytest.mark.parametrize("model", [Initiative, CooperationProject, Task])
def test_listing_costs_the_same_for_3_and_30_items(make, model):
    add_items(model, 3, make)
    few = queries_for_listing(model, 3)
    add_items(model, 27, make)
    many = queries_for_listing(model, 30)
    assert few == many <= 3


class TestCompiledFigures:
    """with_progress() reuses SQL compiled once per model, database and day; it must give
    what the expressions it was compiled from give, wherever the query is used."""

    @pytest.fixture
    def plan(self, make):
        from tests.site_data import build_site

        build_site()
        project = CooperationProject.objects.get(code="P-07")
        late = make.task(project=project, due_date=date(2025, 3, 31), status="delayed")
        make.report(make.target(late, target_value=10), value=2)
        make.task(initiative=Initiative.objects.get(code="I-02"), status="cancelled")

    @pytest.mark.parametrize("model", [Initiative, CooperationProject, Task])
    def test_the_same_figures_as_the_expressions(self, plan, model):
        fields = ("code", "progress", "schedule", "last_reported")
        compiled = list(model.objects.with_progress(TODAY, live=True).values_list(*fields))
        built = list(model.objects.built_progress(TODAY).values_list(*fields))
        assert compiled == built
        assert any(row[1] is not None for row in compiled)

    def test_inside_a_subquery_the_figures_follow_the_renamed_table(self, plan):
        behind = Task.objects.with_progress(TODAY, live=True).filter(schedule__lt=0).values("pk")
        outer = Task.objects.with_progress(TODAY, live=True).filter(pk__in=behind).order_by("code")
        expected = [
            task.code for task in Task.objects.built_progress(TODAY) if (task.schedule or 0) < 0
        ]
        assert expected and [task.code for task in outer] == sorted(expected)
        projects = CooperationProject.objects.filter(
            children__in=Task.objects.with_progress(TODAY, live=True).filter(progress__gte=50)
        ).distinct()
        built = CooperationProject.objects.filter(
            children__in=Task.objects.built_progress(TODAY).filter(progress__gte=50)
        ).distinct()
        assert set(projects) == set(built)

    def test_the_stored_figures_compiled_once_follow_the_joined_table(self, plan):
        """Today's figures read from the stored ones (the default) are compiled once too, with
        the stored columns read through the join of the query they are put into: in a
        subquery, that join is renamed, and the outer query joins the same table."""
        fields = ("code", "progress", "schedule", "no_report", "disagreement")
        built = {row[0]: row for row in Task.objects.built_progress(TODAY).values_list(*fields)}
        stored = {row[0]: row for row in Task.objects.with_progress(TODAY).values_list(*fields)}
        assert stored.keys() == built.keys()
        for code, row in built.items():
            assert stored[code][2:] == row[2:], code
            assert stored[code][1] == pytest.approx(row[1]), code
        behind = Task.objects.with_progress(TODAY).filter(schedule__lt=0).values("pk")
        outer = Task.objects.with_progress(TODAY).filter(pk__in=behind).filter(no_report=False)
        expected = [code for code, row in built.items() if (row[2] or 0) < 0 and not row[3]]
        assert expected and sorted(task.code for task in outer) == sorted(expected)
        in_subquery = Task.objects.filter(
            pk__in=Task.objects.with_progress(TODAY).filter(disagreement__isnull=False)
        )
        assert {task.code for task in in_subquery} == {
            code for code, row in built.items() if row[4] is not None
        }

    def test_no_alias_of_djangos_inside_the_compiled_sql(self, plan):
        """Each template's subqueries have aliases of their own: kept as Django gave them,
        nested into a query whose alias for the outer row is one of them, the figure read
        the subquery's own table instead (a project's targets as its tasks' targets)."""
        from initiatives.models.progress import DJANGO_ALIAS, _compiled

        list(Target.objects.with_progress(TODAY).with_schedule(TODAY))
        list(CooperationProject.objects.with_progress(TODAY, live=True))
        templates = [template for found in _compiled.values() for template, _, _ in found.values()]
        assert templates and not any(DJANGO_ALIAS.search(template) for template in templates)
        # At every depth, the figures of the expressions.
        for model in (Task, CooperationProject):
            inner = (
                model.objects.with_progress(TODAY, live=True).filter(progress__gte=50).values("pk")
            )
            within = model.objects.filter(pk__in=model.objects.filter(pk__in=inner).values("pk"))
            expected = [
                item.code
                for item in model.objects.built_progress(TODAY)
                if (item.progress or 0) >= 50
            ]
            assert expected and sorted(within.values_list("code", flat=True)) == sorted(expected)

    def test_built_once_per_day(self, plan, monkeypatch):
        from initiatives.models import progress

        monkeypatch.setattr(progress, "_compiled", {})
        built = []
        original = Task.objects.none().__class__.built_progress

        def counted(queryset, today, **options):
            built.append(today)
            return original(queryset, today, **options)

        monkeypatch.setattr(Task.objects.none().__class__, "built_progress", counted)
        for _ in range(3):
            list(Task.objects.with_progress(TODAY, live=True))
        list(Task.objects.with_progress(date(2025, 7, 2), live=True))
        assert built == [TODAY, date(2025, 7, 2)]

    @pytest.mark.parametrize("dated", [False, True])
    def test_targets_the_same_figures_as_the_expressions(self, plan, dated):
        fields = ("code", *FIGURES, "schedule")
        day = date(2025, 6, 30) if dated else TODAY
        compiled = Target.objects.with_progress(day, dated=dated)
        built = Target.objects.built_progress(day, dated=dated)
        if not dated:  # a closed round's targets show no schedule
            compiled, built = compiled.with_schedule(day), built.with_schedule(day)
        else:
            fields = fields[:-1]
        rows = list(compiled.order_by("pk").values_list(*fields))
        assert rows == list(built.order_by("pk").values_list(*fields))
        assert any(row[5] is not None for row in rows)

    def test_targets_schedule_compiled_only_over_the_compiled_progress(self, plan):
        from initiatives.models.progress import CompiledSQL

        compiled = Target.objects.with_progress(TODAY).with_schedule(TODAY)
        assert isinstance(compiled.query.annotations["schedule"], CompiledSQL)
        # Over another day's progress, the schedule is built from that progress, not reused.
        other = Target.objects.with_progress(date(2025, 7, 2), dated=True).with_schedule(TODAY)
        assert not isinstance(other.query.annotations["schedule"], CompiledSQL)
        rows = dict(other.values_list("pk", "schedule"))
        built = Target.objects.built_progress(date(2025, 7, 2), dated=True).with_schedule(TODAY)
        assert rows == dict(built.values_list("pk", "schedule"))


def test_a_page_of_items_checks_only_its_own_rows_targets(make):
    """The status check of a page of rows (is a completed item's target short of its goal?)
    is read per row: PostgreSQL never builds it as a hashed subplan from every target of
    every plan with its progress, which at 100x cost more than the rest of the task table."""
    done = make.task(status="completed")
    make.report(make.target(done, target_value=10), value=10)
    # Many items and few targets, as the planner sees them: where hashing pays most.
    Task.objects.bulk_create(
        Task(plan=done.plan, focus_area=done.focus_area, code=f"T-{n}", title_en="Task")
        for n in range(500, 800)
    )
    tasks = Task.objects.with_progress(TODAY, live=True).for_table().order_by("code")[:25]
    assert tasks[0] == done and tasks[0].disagreement is None
    if connection.vendor != "postgresql":
        return
    sql, params = tasks.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE initiatives_planitem")
        cursor.execute("ANALYZE initiatives_target")
        cursor.execute("EXPLAIN (VERBOSE) " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    plan = "\n".join(lines)
    hashed = set(re.findall(r"hashed (SubPlan \d+)\)", plan))
    assert hashed, plan  # the approved revisions are: a few rows, no figures
    for name in hashed:
        assert "initiatives_target" not in subplan(lines, name), plan


def subplan(lines, name):
    """The lines of an EXPLAIN under its `name` ("SubPlan 3"): those indented deeper."""
    start = next(i for i, line in enumerate(lines) if line.strip() == name)

    def depth(line):
        return len(line) - len(line.lstrip())

    inside = takewhile(lambda line: depth(line) > depth(lines[start]), lines[start + 1 :])
    return "\n".join(inside)


def test_the_latest_region_wide_report_is_read_from_its_own_index(make):
    """On PostgreSQL a target's latest approved region-wide report comes from a partial index
    (migration 0007), without sorting the target's reports; SQLite has no such index."""
    target = make.target(make.task(), target_value=10)
    for month in range(1, 13):
        make.report(target, value=month, as_of=date(2024, month, 28))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE initiatives_progressreport")
            cursor.execute("SET LOCAL enable_seqscan = off")  # a small table: ask for the plan
            query = Target.objects.filter(pk=target.pk).with_progress().query
            sql, params = query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "initiatives_report_region_latest" in plan, plan
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name = 'initiatives_report_region_latest'"
            )
            assert cursor.fetchall() == []
    assert progress_of(target).latest_value == 12
