"""The synthetic data generator used by the benchmarks."""

import pytest
from django.core.management import CommandError, call_command

from initiatives.management.commands.generate_scale import PLAN, PREFIX
from initiatives.models import (
    CooperationProject,
    Initiative,
    ItemFigures,
    ProgressReport,
    Target,
    Task,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(make):
    for slug in ("shanghai", "jiangsu", "zhejiang", "anhui"):
        make.member(slug)
    for number in range(1, 6):
        make.area(number)
    make.plan()


def synthetic_counts():
    return (
        Initiative.objects.filter(title_en__startswith=PREFIX).count(),
        CooperationProject.objects.filter(title_en__startswith=PREFIX).count(),
        Task.objects.filter(title_en__startswith=PREFIX).count(),
    )


def test_factor_multiplies_the_plan_and_marks_everything(plan):
    call_command("generate_scale", factor=2, verbosity=0)
    assert synthetic_counts() == (PLAN["initiatives"] * 2, PLAN["projects"] * 2, PLAN["tasks"] * 2)
    assert not Task.objects.filter(title_en__startswith=PREFIX, is_illustrative=False).exists()
    assert not Target.objects.filter(is_illustrative=False).exists()
    reports = ProgressReport.objects.all()
    assert reports.exists()
    assert not reports.exclude(source__key="synthetic-scale-data").exists()
    assert reports.filter(member__isnull=False).exists(), "members' breakdowns"
    # The derived figures work on the generated rows, and the stored ones are rebuilt.
    assert Task.objects.with_progress().filter(progress__isnull=False).exists()
    assert ItemFigures.objects.filter(progress__isnull=False).exists()
    assert ItemFigures.objects.differences() == {}


def test_running_again_replaces_rather_than_adds(plan):
    call_command("generate_scale", factor=1, verbosity=0)
    first = (synthetic_counts(), ProgressReport.objects.count())
    call_command("generate_scale", factor=1, verbosity=0)
    assert (synthetic_counts(), ProgressReport.objects.count()) == first


def test_clear_leaves_the_plan_itself(plan, make):
    own = make.task()
    make.report(make.target(own), value=5)
    call_command("generate_scale", factor=1, verbosity=0)
    call_command("generate_scale", clear=True, verbosity=0)
    assert synthetic_counts() == (0, 0, 0)
    assert list(Task.objects.all()) == [own]
    assert ProgressReport.objects.count() == 1
    assert ItemFigures.objects.get(item=own).progress == 5.0
    assert ItemFigures.objects.differences() == {}


def test_refuses_without_the_reference_lists():
    with pytest.raises(CommandError, match="loaddata demo"):
        call_command("generate_scale", factor=1)


def test_refuses_an_absurd_factor(plan):
    with pytest.raises(CommandError, match="between 1 and 1000"):
        call_command("generate_scale", factor=0)
