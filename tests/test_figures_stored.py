"""The stored figures (initiatives/models/figures.py) against the figures computed from the
targets and reports: on random plans, after each kind of write that moves a figure, after a
load of rows as they are, and with the command that rebuilds them."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import Phase, given, settings

from initiatives import clock
from initiatives.models import ItemFigures, PlanItem, ReviewState
from initiatives.views import figure_rows
from tests.test_figures_set import build, plan_shape

pytestmark = pytest.mark.django_db


def stored(item):
    row = ItemFigures.objects.filter(item=item).first()
    return None if row is None else (row.progress, row.last_reported, row.unmet)


def assert_up_to_date():
    assert ItemFigures.objects.differences() == {}


@settings(max_examples=5, phases=[Phase.explicit, Phase.generate])  # no shrinking: slow here
@given(shape=plan_shape)
def test_the_stored_figures_are_the_computed_ones_on_random_plans(make, shape):
    with transaction.atomic():
        build(make, shape)  # every row saved one by one, as staff and imports write them
        assert PlanItem.objects.exists()
        assert_up_to_date()
        reported = ItemFigures.objects.filter(progress__isnull=False)
        before = dict(reported.values_list("item_id", "progress"))
        ItemFigures.objects.rebuild()  # a row for every item, the same figures
        assert ItemFigures.objects.count() == PlanItem.objects.count()
        assert dict(reported.values_list("item_id", "progress")) == before
        assert_up_to_date()
        transaction.set_rollback(True)


@pytest.fixture
def plan(make):
    """An initiative and a project, a task supporting each, one target on each task."""
    initiative, project = make.initiative(), make.project()
    first, second = make.task(initiative=initiative), make.task(project=project)
    return {
        "initiative": initiative,
        "project": project,
        "first": first,
        "second": second,
        "first_target": make.target(first, target_value=100),
        "second_target": make.target(second, target_value=100),
    }


def test_an_approval_refreshes_the_item_and_the_item_it_supports(make, plan):
    report = make.report(
        plan["first_target"], value=40, status=ReviewState.SUBMITTED, source=make.source()
    )
    unreported = (None, None, True)  # its target has no approved report: short of its goal
    assert stored(plan["first"]) == unreported  # submitted: no public figure moves
    report.approve(make.user("reviewer"))
    assert stored(plan["first"]) == (40.0, report.as_of, True)
    assert stored(plan["initiative"])[0] == 40.0
    assert stored(plan["project"]) == (None, None, False)
    assert_up_to_date()


def test_a_member_level_report_moves_no_figure(make, plan):
    make.report(plan["first_target"], value=40, member=make.member("anhui"))
    assert stored(plan["first"]) == (None, None, True)
    assert_up_to_date()


def test_an_approved_correction_replaces_the_figure(make, plan):
    wrong = make.report(plan["first_target"], value=90)
    assert stored(plan["first"])[0] == 90.0
    make.report(
        plan["first_target"], value=30, supersedes=wrong, correction_reason="A typing error."
    )
    assert stored(plan["first"])[0] == 30.0
    assert stored(plan["initiative"])[0] == 30.0
    assert_up_to_date()


def test_an_approved_revision_of_a_target_refreshes_its_figures(make, plan):
    make.report(plan["first_target"], value=50)
    assert stored(plan["first"])[0] == 50.0
    target = plan["first_target"]
    target.target_value = 200
    revision = target.propose_revision("The members agreed a higher goal.", make.user("jiangsu"))
    assert stored(plan["first"])[0] == 50.0  # proposed only
    revision.approve(make.user("reviewer"))
    assert stored(plan["first"])[0] == 25.0
    assert stored(plan["initiative"])[0] == 25.0
    assert_up_to_date()


def test_a_task_that_moves_refreshes_both_items(make, plan):
    make.report(plan["first_target"], value=60)
    make.report(plan["second_target"], value=20)
    assert (stored(plan["initiative"])[0], stored(plan["project"])[0]) == (60.0, 20.0)
    task = plan["first"]
    task.parent = plan["project"]
    task.save()
    assert stored(plan["initiative"])[0] is None
    assert stored(plan["project"])[0] == 40.0
    assert_up_to_date()


def test_a_new_or_deleted_target_refreshes_its_item(make, plan):
    make.report(plan["first_target"], value=100)
    assert stored(plan["first"])[2] is False  # its only target reached
    extra = make.target(plan["first"], target_value=10)
    assert stored(plan["first"])[2] is True  # a target with no report is short of its goal
    extra.delete()
    assert stored(plan["first"])[2] is False
    assert_up_to_date()


def test_a_write_that_sends_no_signal_is_caught_up_by_the_command(make, plan):
    make.report(plan["first_target"], value=40)
    ItemFigures.objects.filter(item=plan["first"]).update(progress=99)  # as a bulk write leaves it
    out = StringIO()
    with pytest.raises(CommandError, match="1 items' stored figures differ"):
        call_command("rebuild_figures", "--check", stdout=out)
    assert f"item {plan['first'].pk}: stored (99.0" in out.getvalue()
    call_command("rebuild_figures", stdout=StringIO())
    assert stored(plan["first"])[0] == 40.0
    call_command("rebuild_figures", "--check", stdout=out)
    assert "up to date" in out.getvalue()


def test_rows_loaded_as_they_are_are_rebuilt_once_loaded(make, plan, tmp_path):
    make.report(plan["first_target"], value=70, as_of=date(2025, 3, 31))
    fixture = tmp_path / "plan.json"
    call_command("dumpdata", "initiatives", "auth.user", "--natural-foreign", "-o", str(fixture))
    expected = stored(plan["initiative"])
    assert expected[0] == 70.0
    ItemFigures.objects.all().delete()
    call_command("loaddata", str(fixture), verbosity=0)  # raw saves: no receiver runs
    assert stored(plan["initiative"]) == expected
    assert_up_to_date()


def test_the_summaries_read_the_stored_figures(make, plan):
    make.report(plan["first_target"], value=40)
    ItemFigures.objects.filter(item=plan["first"]).update(progress=12.5)  # made visible
    items = PlanItem.objects.in_plan(plan["first"].plan)
    today = dict(figure_rows(items, plan["first"].plan).values_list("code", "progress"))
    assert today[plan["first"].code] == 12.5
    # A past day's figures are computed, not read: the stored ones are today's.
    past = figure_rows(items, plan["first"].plan, clock.today())
    assert dict(past.values_list("code", "progress"))[plan["first"].code] == 40.0
