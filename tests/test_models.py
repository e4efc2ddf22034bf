"""Every invariant is refused twice: by the database, and by full_clean() with a message."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from initiatives.models import (
    CooperationProject,
    FocusArea,
    Initiative,
    Member,
    PlanItem,
    ProgressReport,
    Responsibility,
    Revision,
    Source,
    StatusChange,
    Target,
    Task,
)

pytestmark = pytest.mark.django_db


def refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def refused_by_clean(instance, field, words):
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    messages = caught.value.message_dict
    assert field in messages, messages
    assert any(words in message for message in messages[field]), messages


ITEM_MODELS = [(Initiative, "I-01"), (CooperationProject, "P-01"), (Task, "T-001")]


@pytest.mark.parametrize("model,code", ITEM_MODELS)
class TestItemConstraints:
    def fields(self, make, code, **changes):
        return {
            "plan": make.plan(),
            "code": code,
            "title_en": "Item",
            "focus_area": make.area(),
            "start_date": date(2024, 1, 1),
            "due_date": date(2026, 12, 31),
            **changes,
        }

    def test_due_date_before_start(self, make, model, code):
        fields = self.fields(make, code, due_date=date(2023, 12, 31))
        refused_by_database(lambda: model.objects.create(**fields))
        refused_by_clean(model(**fields), "__all__", "due date cannot be before the start")

    def test_unknown_status(self, make, model, code):
        fields = self.fields(make, code, status="finished")
        refused_by_database(lambda: model.objects.create(**fields))
        refused_by_clean(model(**fields), "status", "not a valid choice")

    def test_missing_title(self, make, model, code):
        fields = self.fields(make, code, title_en="")
        refused_by_database(lambda: model.objects.create(**fields))
        refused_by_clean(model(**fields), "title_en", "cannot be blank")

    def test_code_format(self, make, model, code):
        fields = {**self.fields(make, code), "code": "X-1"}
        refused_by_database(lambda: model.objects.create(**fields))
        refused_by_clean(model(**fields), "code", "A code looks like")

    def test_code_unique(self, make, model, code):
        model.objects.create(**self.fields(make, code))
        refused_by_database(lambda: model.objects.create(**self.fields(make, code)))
        refused_by_clean(
            model(**self.fields(make, code)), "__all__", "already has an item with this code"
        )

    def test_same_code_in_another_plan(self, make, model, code):
        model.objects.create(**self.fields(make, code))
        other = model(**self.fields(make, code, plan=make.plan("next-2027-2029", start=2027)))
        other.full_clean()
        other.save()
        assert model.objects.filter(code=code).count() == 2

    def test_valid_item_saves(self, make, model, code):
        item = model(**self.fields(make, code))
        item.full_clean()
        item.save()
        assert model.objects.get_by_natural_key("yrd-2024-2026", code) == item
        assert item.kind == model.KIND and PlanItem.objects.get(pk=item.pk).__class__ is model


def item_fields(make, code, **changes):
    return {
        "plan": make.plan(),
        "code": code,
        "title_en": "Item",
        "focus_area": make.area(),
        **changes,
    }


@pytest.mark.parametrize("builder", ["project", "initiative"])
def test_task_supports_a_project_or_an_initiative(make, builder):
    parent = getattr(make, builder)()
    task = Task(**item_fields(make, "T-001", parent=parent))
    task.full_clean()
    task.save()
    assert Task.objects.get(pk=task.pk).parent == parent
    assert list(parent.tasks) == [task]


def test_a_task_does_not_support_a_task(make):
    fields = item_fields(make, "T-001", parent=make.task())
    refused_by_database(lambda: Task.objects.create(**fields))
    refused_by_clean(Task(**fields), "parent", "supports an initiative or a cooperation project")


def test_only_a_task_supports_another_item(make):
    fields = item_fields(make, "P-01", parent=make.initiative())
    refused_by_database(lambda: CooperationProject.objects.create(**fields))
    refused_by_clean(CooperationProject(**fields), "parent", "Only a task")


def test_a_task_supports_an_item_of_its_own_plan(make):
    other = make.project(plan=make.plan("next-2027-2029", start=2027))
    fields = item_fields(make, "T-001", parent=other)
    refused_by_database(lambda: Task.objects.create(**fields))
    refused_by_clean(Task(**fields), "parent", "of its own plan")


def test_an_item_that_tasks_support_stays_a_project_of_its_plan(make):
    project = make.project()
    make.task(project=project)
    refused_by_database(lambda: PlanItem.objects.filter(pk=project.pk).update(kind="task"))
    other = make.plan("next-2027-2029", start=2027)
    refused_by_database(lambda: PlanItem.objects.filter(pk=project.pk).update(plan=other))


@pytest.mark.parametrize("builder", ["initiative", "project", "task"])
def test_member_has_one_role_per_item(make, builder):
    item = getattr(make, builder)(lead="jiangsu")
    fields = {"item": item, "member": make.member("jiangsu"), "role": "co"}
    refused_by_database(lambda: Responsibility.objects.create(**fields))
    refused_by_clean(Responsibility(**fields), "__all__", "one role on an item")
    found = Responsibility.objects.get_by_natural_key("yrd-2024-2026", item.code, "jiangsu")
    assert found.role == "lead"


def test_unknown_member_kind(make):
    fields = {"slug": "x", "name_en": "X", "name_zh": "X", "kind": "county"}
    refused_by_database(lambda: Member.objects.create(**fields))
    refused_by_clean(Member(**fields), "kind", "not a valid choice")


def test_source_needs_a_date_or_what_is_known_of_it():
    fields = {"key": "x", "title": "X", "publisher": "Y"}
    refused_by_database(lambda: Source.objects.create(**fields))
    refused_by_clean(Source(**fields), "__all__", "publication date")
    Source(**fields, date_note="2024, day not given").full_clean()


class TestTargetConstraints:
    def fields(self, make, **changes):
        task = changes.pop("item", None) or make.task(code="T-500")
        return {"code": "T-500.1", "item": task, "name_en": "Length", **changes}

    @pytest.mark.parametrize(
        "changes,field,words",
        [
            ({"code": "T-501.1"}, "code", "its item's code, a dot and a number"),
            ({"measure": "mass"}, "measure", "not a valid choice"),
            ({"direction": "sideways"}, "direction", "not a valid choice"),
            (
                {"measure": "milestone", "target_value": 1},
                "target_value",
                "milestone has no value",
            ),
            ({"baseline_value": 5, "target_value": 5}, "__all__", "must differ from the baseline"),
            ({"baseline_value": 10, "target_value": 5}, "__all__", "above it when higher"),
            (
                {"direction": "lower", "baseline_value": 42, "target_value": 50},
                "__all__",
                "below it when lower",
            ),
            ({"target_value": 0}, "target_value", "must be above zero"),
            ({"measure": "percentage", "target_value": 120}, "__all__", "between 0 and 100"),
            (
                {"measure": "percentage", "baseline_value": -1, "target_value": 5},
                "__all__",
                "0 and 100",
            ),
            (
                {"baseline_date": date(2024, 1, 1), "target_date": date(2023, 1, 1)},
                "__all__",
                "target date cannot be before the baseline",
            ),
            ({"name_en": ""}, "name_en", "cannot be blank"),
        ],
    )
    def test_refused(self, make, changes, field, words):
        fields = self.fields(make, **changes)
        if field != "code":  # the code's form is a rule of the form, not of the database
            refused_by_database(lambda: Target.objects.create(**fields))
        refused_by_clean(Target(**fields), field, words)

    def test_item_required(self, make):
        fields = {**self.fields(make), "item": None}
        refused_by_database(lambda: Target.objects.create(**fields))
        refused_by_clean(Target(**fields), "item", "cannot be null")

    def test_code_unique(self, make):
        first = Target.objects.create(**self.fields(make, target_value=10))
        again = self.fields(make, item=first.item, target_value=10)
        refused_by_database(lambda: Target.objects.create(**again))
        refused_by_clean(Target(**again), "__all__", "already has a target with this code")

    @pytest.mark.parametrize(
        "changes",
        [
            {"target_value": 660},
            {"direction": "lower", "target_value": Decimal("1.9")},
            {"direction": "lower", "baseline_value": 42, "target_value": 30},
            {"measure": "milestone"},
            {"baseline_value": Decimal("23.9"), "measure": "percentage"},
        ],
    )
    def test_accepted(self, make, changes):
        target = Target(**self.fields(make, **changes))
        target.full_clean()
        target.save()
        assert Target.objects.get_by_natural_key("yrd-2024-2026", "T-500.1") == target


class TestReportConstraints:
    @pytest.fixture
    def number(self, make):
        return make.target(make.task(), baseline_value=0, target_value=100)

    def fields(self, make, target, **changes):
        now = timezone.now()
        fields = {
            "target": target,
            "as_of": date(2024, 6, 30),
            "value": Decimal(10),
            "status": "approved",
            "submitted_at": now,
            "reviewed_by": make.user(),
            "reviewed_at": now,
            "source": make.source(),
        }
        fields.update(changes)
        return fields

    @pytest.mark.parametrize(
        "changes,field,words",
        [
            ({"status": "published"}, "status", "not a valid choice"),
            ({"reviewed_by": None}, "__all__", "names its reviewer"),
            ({"reviewed_at": None}, "__all__", "names its reviewer"),
            ({"status": "returned"}, "review_reason", "why the report is returned"),
            ({"source": None}, "source", "cites a source"),
            ({"status": "submitted", "submitted_at": None}, "__all__", "submission time"),
            ({"value": None}, "value", "Enter the value"),
        ],
    )
    def test_refused(self, make, number, changes, field, words):
        fields = self.fields(make, number, **changes)
        refused_by_database(lambda: ProgressReport.objects.create(**fields))
        refused_by_clean(ProgressReport(**fields), field, words)

    def test_value_on_a_milestone(self, make):
        milestone = make.target(make.task(), measure="milestone")
        fields = self.fields(make, milestone, value=Decimal(1), narrative_en="Opened")
        refused_by_database(lambda: ProgressReport.objects.create(**fields))
        refused_by_clean(ProgressReport(**fields), "value", "qualitative milestone")

    def test_reached_on_a_number(self, make, number):
        fields = self.fields(make, number, milestone_reached=True)
        refused_by_database(lambda: ProgressReport.objects.create(**fields))
        refused_by_clean(ProgressReport(**fields), "milestone_reached", "Only a qualitative")

    def test_percentage_over_100(self, make):
        share = make.target(make.task(), measure="percentage", target_value=50)
        fields = self.fields(make, share, value=Decimal("100.5"))
        refused_by_database(lambda: ProgressReport.objects.create(**fields))
        refused_by_clean(ProgressReport(**fields), "value", "between 0 and 100")

    def test_update_that_breaks_the_measure(self, make, number):
        report = ProgressReport.objects.create(**self.fields(make, number))
        refused_by_database(lambda: ProgressReport.objects.filter(pk=report.pk).update(value=None))
        refused_by_database(
            lambda: Target.objects.filter(pk=number.pk).update(
                measure="milestone", baseline_value=None, target_value=None
            )
        )

    def test_dated_in_the_future_or_before_the_baseline(self, make):
        target = make.target(make.task(), baseline_date=date(2024, 1, 1))
        future = timezone.localdate() + timedelta(days=1)
        refused_by_clean(
            ProgressReport(**self.fields(make, target, as_of=future)), "as_of", "in the future"
        )
        refused_by_clean(
            ProgressReport(**self.fields(make, target, as_of=date(2023, 12, 31))),
            "as_of",
            "before the target's baseline",
        )

    def test_milestone_narrative_accepted(self, make):
        milestone = make.target(make.task(), measure="milestone")
        report = ProgressReport(
            **self.fields(make, milestone, value=None, narrative_en="Construction started")
        )
        report.full_clean()
        report.save()
        assert ProgressReport.objects.get_by_natural_key(str(report.uuid)) == report

    def test_a_report_says_something(self, make):
        milestone = make.target(make.task(), measure="milestone")
        fields = self.fields(make, milestone, value=None)
        refused_by_database(lambda: ProgressReport.objects.create(**fields))
        refused_by_clean(ProgressReport(**fields), "__all__", "a narrative")


def test_revision_needs_a_reason(make):
    target = make.target(make.task())
    fields = {"item": target.item, "target": target, "changes": {"target_value": ["100", "90"]}}
    refused_by_database(lambda: Revision.objects.create(reason="", **fields))
    refused_by_clean(Revision(reason="", **fields), "reason", "cannot be blank")


def test_a_returned_revision_says_why_and_a_reviewed_one_has_a_time(make):
    target = make.target(make.task())
    fields = {"item": target.item, "target": target, "changes": {"target_value": ["100", "90"]}}
    refused_by_database(
        lambda: Revision.objects.create(
            reason="x", status="returned", reviewed_at=timezone.now(), **fields
        )
    )
    refused_by_database(lambda: Revision.objects.create(reason="x", status="approved", **fields))
    refused_by_database(lambda: Revision.objects.create(reason="x", status="draft", **fields))


def test_a_revision_changes_only_governed_fields_of_its_own_item(make):
    target = make.target(make.task())
    other = make.task()
    revision = Revision(item=other, target=target, changes={"name_en": ["a", "b"]}, reason="x")
    with pytest.raises(ValidationError) as error:
        revision.full_clean()
    assert "item" in error.value.message_dict
    revision.item = target.item
    with pytest.raises(ValidationError, match="not a field a revision changes"):
        revision.full_clean()


class TestStatusChange:
    def test_needs_a_reason(self, make):
        fields = {"item": make.task(), "old_status": "on_track", "new_status": "delayed"}
        refused_by_database(lambda: StatusChange.objects.create(**fields, reason=""))
        refused_by_clean(StatusChange(**fields, reason=""), "reason", "cannot be blank")

    def test_changes_something(self, make):
        fields = {"item": make.task(), "old_status": "delayed", "new_status": "delayed"}
        refused_by_database(lambda: StatusChange.objects.create(**fields, reason="x"))
        refused_by_clean(StatusChange(**fields, reason="x"), "__all__", "same as the old one")

    def test_belongs_to_one_item(self, make):
        fields = {"old_status": "on_track", "new_status": "delayed", "reason": "x"}
        refused_by_database(lambda: StatusChange.objects.create(**fields))
        refused_by_clean(StatusChange(**fields), "item", "cannot be null")


def test_natural_keys_round_trip(make):
    task = make.task(lead="anhui")
    target = make.target(task)
    report = make.report(target, value=5)
    for obj in [
        make.member("anhui"),
        make.area(),
        make.source(),
        task,
        target,
        report,
        task.responsibilities.get(),
    ]:
        manager = type(obj)._default_manager
        assert manager.get_by_natural_key(*obj.natural_key()) == obj
    assert FocusArea.objects.get_by_natural_key("area-1").number == 1


def test_a_load_remembers_the_natural_keys_it_found_and_nothing_after(
    make, django_assert_num_queries
):
    from initiatives.models import Member, natural_keys

    make.member("anhui")
    with natural_keys.remembered():
        with django_assert_num_queries(1):
            first = Member.objects.get_by_natural_key("anhui")
            assert Member.objects.get_by_natural_key("anhui") == first
        # A row not found yet may be loaded next: a miss is asked again.
        with pytest.raises(Member.DoesNotExist):
            Member.objects.get_by_natural_key("hubei")
        Member.objects.create(slug="hubei", name_en="Hubei", name_zh="湖北", kind="province")
        assert Member.objects.get_by_natural_key("hubei").slug == "hubei"
    with django_assert_num_queries(2):
        Member.objects.get_by_natural_key("anhui")
        Member.objects.get_by_natural_key("anhui")


def test_bilingual_fields_follow_the_language(make):
    from django.utils import translation

    task = make.task(title_en="Railway", title_zh="铁路")
    untranslated = make.task(title_en="Only English", title_zh="")
    with translation.override("zh-hans"):
        assert task.title == "铁路"
        assert untranslated.title == "Only English"
    with translation.override("en"):
        assert task.title == "Railway"


def test_loading_a_responsibility_of_an_unknown_member_names_the_problem(make, tmp_path):
    import json

    from django.core.management import call_command

    make.task(code="T-001")
    fixture = tmp_path / "bad.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "initiatives.responsibility",
                    "fields": {
                        "item": ["yrd-2024-2026", "T-001"],
                        "member": ["hubei"],
                        "role": "lead",
                    },
                }
            ]
        )
    )
    before = Responsibility.objects.count()
    with pytest.raises(Exception, match="responsibility row names an unknown item or member"):
        call_command("loaddata", str(fixture), verbosity=0)
    assert Responsibility.objects.count() == before
