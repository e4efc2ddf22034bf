"""Every bulk write is version-checked as it writes: an action (the tracker's, or Django's bulk
delete) changes only rows that were shown with their version, and only while that version is
still current (initiatives/admin/base.py version_checked, initiatives/locking.py)."""

import re
from datetime import date

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse

from initiatives.models import ProgressReport, ReviewState, Status, Task
from tests.admin_forms import seen_versions
from tests.staff import editor, reviewer

pytestmark = pytest.mark.django_db

NOT_SHOWN = "not shown to you with"


def url(model, view="changelist"):
    return reverse(f"admin:initiatives_{model}_{view}")


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def listed_versions(html):
    """The versions a list page carries for its rows, as it would post them."""
    return re.findall(r'name="_seen_version" value="([^"]+)"', html)


def change_status(client, tasks, versions, **extra):
    return client.post(
        url("task"),
        {
            "action": "change_status",
            "_selected_action": [task.pk for task in tasks],
            "_seen_version": versions,
            "new_status": Status.DELAYED,
            "reason": "The land survey is late.",
            "apply": "yes",
            **extra,
        },
        follow=True,
    )


def statuses(tasks):
    return [Task.objects.get(pk=task.pk).status for task in tasks]


@pytest.fixture
def office(client):
    user = reviewer()
    client.force_login(user)
    return user


@pytest.fixture
def tasks(make):
    return [make.task(lead="jiangsu") for _ in range(3)]


def test_the_list_carries_the_version_of_every_row_it_shows(client, office, tasks):
    tasks[0].summary_en = "Edited once"
    tasks[0].save()
    html = client.get(url("task")).content.decode()
    assert sorted(listed_versions(html)) == sorted(seen_versions(tasks))


def test_an_action_from_the_list_as_shown_is_applied(client, office, tasks):
    versions = listed_versions(client.get(url("task")).content.decode())
    response = change_status(client, tasks, versions)
    assert statuses(tasks) == [Status.DELAYED] * 3
    assert any("3 items" in m for m in messages_of(response))


def test_a_crafted_action_without_versions_changes_nothing(client, office, tasks):
    response = change_status(client, tasks, [])
    assert statuses(tasks) == [Status.NOT_STARTED] * 3
    (message,) = messages_of(response)
    assert "Nothing was changed" in message
    assert NOT_SHOWN in message
    assert all(str(task) in message for task in tasks)


def test_one_row_without_its_version_refuses_the_whole_action(client, office, tasks):
    response = change_status(client, tasks, seen_versions(tasks[:2]))
    assert statuses(tasks) == [Status.NOT_STARTED] * 3
    (message,) = messages_of(response)
    assert str(tasks[2]) in message and str(tasks[0]) not in message


def test_a_row_changed_since_the_list_refuses_the_whole_action(client, office, tasks):
    versions = listed_versions(client.get(url("task")).content.decode())
    tasks[1].title_en = "Renamed meanwhile"
    tasks[1].save()
    response = change_status(client, tasks, versions)
    assert statuses(tasks) == [Status.NOT_STARTED] * 3
    (message,) = messages_of(response)
    assert str(tasks[1]) in message and "Title (English)" in message


def test_select_all_across_pages_does_not_reach_rows_never_shown(
    client, office, tasks, monkeypatch
):
    monkeypatch.setattr(admin.site.get_model_admin(Task), "list_per_page", 2)
    page = client.get(url("task")).content.decode()
    versions = listed_versions(page)
    assert len(versions) == 2
    response = change_status(client, tasks[:2], versions, select_across="1")
    assert statuses(tasks) == [Status.NOT_STARTED] * 3
    (message,) = messages_of(response)
    assert NOT_SHOWN in message
    assert "“Select all”" in message

    # Asking for the reason first, the action is refused at once, before any reason is typed.
    first = client.post(
        url("task"),
        {
            "action": "change_status",
            "_selected_action": [tasks[0].pk],
            "_seen_version": versions,
            "select_across": "1",
            "index": "0",
        },
        follow=True,
    )
    assert "admin/initiatives/action_confirmation.html" not in [t.name for t in first.templates]
    assert any(NOT_SHOWN in m for m in messages_of(first))


def test_select_all_on_a_list_that_showed_every_row_is_applied(client, office, tasks):
    versions = listed_versions(client.get(url("task")).content.decode())
    change_status(client, tasks[:1], versions, select_across="1")
    assert statuses(tasks) == [Status.DELAYED] * 3


def test_the_reason_page_carries_the_versions_the_list_showed(client, office, tasks):
    versions = listed_versions(client.get(url("task")).content.decode())
    ask = {"action": "change_status", "_selected_action": [t.pk for t in tasks], "index": "0"}
    page = client.post(url("task"), {**ask, "_seen_version": versions})
    assert sorted(listed_versions(page.content.decode())) == sorted(versions)
    tasks[0].summary_en = "Edited while the reason was typed"
    tasks[0].save()
    change_status(client, tasks, listed_versions(page.content.decode()))
    assert statuses(tasks) == [Status.NOT_STARTED] * 3


def test_approving_from_the_queue_needs_the_versions(client, office, make):
    report = make.report(make.target(make.task(lead="jiangsu")), value=5, status="submitted")
    approve = {"action": "approve_reports", "_selected_action": [report.pk], "index": 0}
    response = client.post(url("submittedreport"), approve, follow=True)
    assert ProgressReport.objects.get(pk=report.pk).status == ReviewState.SUBMITTED
    assert any(NOT_SHOWN in m for m in messages_of(response))


class TestBulkDelete:
    @pytest.fixture
    def drafts(self, client, make):
        target = make.target(make.task(lead="jiangsu"))
        client.force_login(editor("jiangsu"))
        return [
            make.report(target, value=n, status="draft", as_of=date(2024, n, 1)) for n in (1, 2)
        ]

    def ask(self, client, drafts):
        versions = listed_versions(client.get(url("progressreport")).content.decode())
        return client.post(
            url("progressreport"),
            {
                "action": "delete_selected",
                "_selected_action": [d.pk for d in drafts],
                "_seen_version": versions,
                "index": 0,
            },
        )

    def confirm(self, client, page):
        html = page.content.decode()
        data = {
            "action": "delete_selected",
            "post": "yes",
            "_selected_action": re.findall(r'name="_selected_action" value="([^"]+)"', html),
            "_seen_version": listed_versions(html),
        }
        return client.post(url("progressreport"), data, follow=True)

    def test_the_confirmation_page_carries_the_versions_and_deletes(self, client, drafts):
        page = self.ask(client, drafts)
        assert sorted(listed_versions(page.content.decode())) == sorted(seen_versions(drafts))
        self.confirm(client, page)
        assert not ProgressReport.objects.filter(pk__in=[d.pk for d in drafts]).exists()

    def test_a_draft_changed_before_the_confirmation_is_not_deleted(self, client, drafts):
        page = self.ask(client, drafts)
        drafts[0].value = 7
        drafts[0].save()
        response = self.confirm(client, page)
        assert ProgressReport.objects.filter(pk__in=[d.pk for d in drafts]).count() == 2
        assert any("was changed" in m for m in messages_of(response))

    def test_a_crafted_delete_without_versions_deletes_nothing(self, client, drafts):
        data = {"action": "delete_selected", "post": "yes", "_selected_action": [drafts[0].pk]}
        response = client.post(url("progressreport"), data, follow=True)
        assert ProgressReport.objects.filter(pk=drafts[0].pk).exists()
        assert any(NOT_SHOWN in m for m in messages_of(response))
