"""The admin's history says what each change changed, from what to what; so does the message
refusing a save made from an old version, including for the records the demo loaded."""

import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import formats

from initiatives import history, locking
from initiatives.demo.reference import PLAN_SLUG
from initiatives.models import PlanItem, Status, Task
from tests.admin_forms import change_form_data
from tests.shared import load_demo, shared_data
from tests.staff import reviewer

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"admin:initiatives_{model}_{view}", args=args)


def changes_shown(client, model, obj):
    """The history page's list of changes, row by row (newest first), as text."""
    response = client.get(url(model, "history", obj.pk))
    assert response.status_code == 200
    return [
        getattr(record, "history_delta_changes", None) for record in response.context["page_obj"]
    ], response.content.decode()


def day(value):
    return formats.date_format(value)


class TestHistoryPage:
    def test_a_due_date_change_shows_the_dates_from_and_to(self, client, make):
        task = make.task(lead="jiangsu")
        task.due_date = date(2027, 12, 31)
        task._change_reason = "The tunnel needs another year."
        task.save()
        client.force_login(reviewer())
        rows, page = changes_shown(client, "task", task)
        [change] = rows[0]
        assert (change.field, change.old, change.new) == (
            "Due date",
            day(date(2026, 12, 31)),
            day(date(2027, 12, 31)),
        )
        assert f"{day(date(2026, 12, 31))}&nbsp;&rarr;&nbsp;{day(date(2027, 12, 31))}" in page
        assert "The tunnel needs another year." in page
        assert "None" not in page  # no reason given on creation: a dash, not "None"

    def test_choices_by_label_and_figures_as_published(self, client, make):
        task = make.task(lead="jiangsu")
        target = make.target(task, target_value=100)
        task.status = Status.ON_TRACK
        task.save()
        target.target_value = 1250
        target.save()
        client.force_login(reviewer())
        rows, _page = changes_shown(client, "task", task)
        assert [(c.field, c.old, c.new) for c in rows[0]] == [("Status", "Not started", "On track")]
        rows, _page = changes_shown(client, "target", target)
        assert [(c.field, c.old, c.new) for c in rows[0]] == [("Target value", "100", "1,250")]

    def test_the_oldest_change_on_a_page_is_compared_too(self, client, make, monkeypatch):
        task = make.task(lead="jiangsu")
        for title in ("First", "Second"):
            task.title_en = title
            task.save()
        from initiatives.admin.items import TaskAdmin

        monkeypatch.setattr(TaskAdmin, "history_list_per_page", 1)
        client.force_login(reviewer())
        response = client.get(url("task", "history", task.pk), {"p": 2})
        [record] = response.context["page_obj"]
        assert [(c.old, c.new) for c in record.history_delta_changes] == [
            (f"Task {task.code}", "First")
        ]

    def test_a_change_with_no_earlier_row_says_so(self, client, make):
        task = make.task(lead="jiangsu")
        task.history.all().delete()  # as loaddata leaves it
        task.title_en = "Renamed"
        task.save()
        client.force_login(reviewer())
        _rows, page = changes_shown(client, "task", task)
        assert "The values before this change were not recorded." in page


def test_without_the_versions_history_the_message_says_so(make):
    task = make.task(lead="jiangsu")
    PlanItem.history.filter(id=task.pk).delete()
    seen = task.version
    task.title_en = "Renamed"
    task.save()
    message = locking.conflict_message(task, seen)
    assert "fields the history does not show" in message
    assert "no visible field" not in message


def test_one_save_of_an_item_writes_one_history_row(make):
    task = make.task(lead="jiangsu")
    rows = task.history.count()
    task.title_en = "Renamed"
    task.save()
    assert task.history.count() == rows + 1
    task_id = task.pk
    task.delete()
    assert PlanItem.history.filter(id=task_id, history_type="-").count() == 1


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo as `make demo` loads it, once for this module's tests (about 4 s)."""
    with shared_data(django_db_blocker):
        load_demo()
        with override_settings(DEBUG=True):
            call_command("create_demo_users", stdout=io.StringIO())
        yield


@pytest.mark.xdist_group("history-demo")
class TestAfterTheDemoLoad:
    def test_every_loaded_record_has_a_first_history_row(self, demo):
        for model, records in history.historical_models():
            loaded = set(model._default_manager.values_list("pk", flat=True))
            recorded = set(records.values_list(model._meta.pk.attname, flat=True))
            assert loaded <= recorded, model
        assert history.record_loaded_history() == 0  # a second load writes no more

    def test_the_first_change_of_a_loaded_item_shows_from_and_to(self, client, demo):
        task = Task.objects.get(plan__slug=PLAN_SLUG, code="T-031")
        old_due = task.due_date
        jiangsu = get_user_model().objects.get(username="jiangsu")
        client.force_login(jiangsu)
        data = change_form_data(client.get(url("task", "change", task.pk)))
        data["title_en"] = "Shanghai–Suzhou–Huzhou railway"
        assert client.post(url("task", "change", task.pk), data).status_code == 302
        task.refresh_from_db()
        task.due_date = date(2027, 12, 31)
        task.save()

        rows, _page = changes_shown(client, "task", task)
        assert [(c.field, c.old, c.new) for c in rows[0]] == [
            ("Due date", day(old_due), day(date(2027, 12, 31)))
        ]
        assert ("Title (English)", "Shanghai–Suzhou–Huzhou railway") in [
            (c.field, c.new) for c in rows[1]
        ]

    def test_the_conflict_message_names_the_fields_changed(self, client, demo):
        task = Task.objects.get(plan__slug=PLAN_SLUG, code="T-031")
        client.force_login(get_user_model().objects.get(username="jiangsu"))
        mine = change_form_data(client.get(url("task", "change", task.pk)))
        client.force_login(get_user_model().objects.get(username="office"))
        theirs = change_form_data(client.get(url("task", "change", task.pk)))
        theirs["title_en"] = "Renamed by the office"
        assert client.post(url("task", "change", task.pk), theirs).status_code == 302

        client.force_login(get_user_model().objects.get(username="jiangsu"))
        mine["summary_en"] = "A summary written meanwhile."
        response = client.post(url("task", "change", task.pk), mine)
        assert response.status_code == 200
        errors = " ".join(response.context["adminform"].form.non_field_errors())
        assert "(changed: Title (English))" in errors
        assert "no visible field" not in errors
