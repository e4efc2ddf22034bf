"""The report form: the target chosen first, its context above the fields and the progress
the value would give beside it, only the fields the target's measure takes, the breakdown by
the members sharing the item, and two buttons, "Save as draft" and "Submit for review"."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import formats
from tablib import Dataset

from initiatives.admin.items import format_progress
from initiatives.models import ProgressReport, ReviewState, Target
from initiatives.resources import ProgressReportResource
from tests.admin_forms import change_form_data
from tests.staff import editor, reviewer

pytestmark = pytest.mark.django_db


def add_url():
    return reverse("admin:initiatives_progressreport_add")


def change_url(report):
    return reverse("admin:initiatives_progressreport_change", args=[report.pk])


def preview_url():
    return reverse("admin:initiatives_progressreport_progress")


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def day(value):
    return formats.date_format(value)


@pytest.fixture
def jiangsu(client):
    user = editor("jiangsu")
    client.force_login(user)
    return user


@pytest.fixture
def railway(make):
    """A Jiangsu target in km, shared with Zhejiang, with an approved figure for the whole
    region and one for Zhejiang; Anhui, a member of the region, has no part in it."""
    task = make.task(lead="jiangsu", co=("zhejiang",), title_zh="南通铁路")
    target = make.target(
        task,
        name_en="Track opened",
        unit_en="km",
        unit_zh="公里",
        baseline_value=40,
        baseline_date=date(2024, 1, 1),
        target_value=240,
        target_qualifier="over",
        target_date=date(2026, 12, 31),
    )
    make.report(target, value=90, as_of=date(2024, 9, 30))
    make.report(target, value=30, as_of=date(2024, 10, 31), member=make.member("zhejiang"))
    make.member("anhui")
    return target


def filled(client, target, **values):
    """The form of `target` as rendered, with `values` typed in."""
    data = change_form_data(client.get(add_url(), {"target": target.pk}))
    data.update({"as_of": "2024-12-31", **values})
    return data


class TestChoosingTheTarget:
    def test_the_add_page_lists_the_targets_in_scope_by_item(self, client, make, jiangsu, railway):
        elsewhere = make.target(make.task(lead="zhejiang"), name_en="Ferries a week")
        page = client.get(add_url())
        assert page.status_code == 200
        assert "adminform" not in page.context
        text = page.content.decode()
        assert f'{add_url()}?target={railway.pk}"' in text
        assert railway.item.code in text and "Track opened" in text
        assert "Ferries a week" not in text and f"?target={elsewhere.pk}" not in text

    def test_a_search_finds_targets_by_the_items_chinese_title(self, client, jiangsu, railway):
        assert "Track opened" in client.get(add_url(), {"q": "南通"}).content.decode()
        found = client.get(add_url(), {"q": "no such words"}).content.decode()
        assert "Track opened" not in found
        assert "No target you report on matches" in found

    def test_an_address_naming_a_target_out_of_scope_asks_again(self, client, make, jiangsu):
        elsewhere = make.target(make.task(lead="zhejiang"))
        for key in (elsewhere.pk, "x", "9" * 30):
            page = client.get(add_url(), {"target": key})
            assert page.status_code == 200
            assert "adminform" not in page.context
            assert any("names no target you report on" in m for m in messages_of(page))

    def test_a_correction_opens_on_the_target_of_the_figure_it_corrects(
        self, client, jiangsu, railway
    ):
        approved = railway.reports.get(member=None)
        page = client.get(add_url(), {"supersedes": approved.pk})
        assert page.context["report_target"] == railway
        assert page.context["choose_target_url"] is None  # a correction keeps its target


class TestTheContextShown:
    def test_unit_baseline_target_and_latest_approved_values(self, client, jiangsu, railway):
        page = client.get(add_url(), {"target": railway.pk})
        facts = {str(label): str(value) for label, value in page.context["target_facts"]}
        assert facts["Unit"] == "km"
        assert facts["Baseline"] == f"40 km ({day(date(2024, 1, 1))})"
        assert facts["Target"] == f"over 240 km ({day(date(2026, 12, 31))})"
        assert facts["Latest approved, whole region"] == f"90 km as of {day(date(2024, 9, 30))}"
        assert facts["Latest approved, Zhejiang"] == f"30 km as of {day(date(2024, 10, 31))}"
        assert facts["Latest approved, Jiangsu"] == "none yet"
        assert "Latest approved, Anhui" not in facts
        assert facts["Progress published now"] == f"25% as of {day(date(2024, 9, 30))}"
        text = page.content.decode()
        for shown in facts.values():
            assert shown in text

    def test_in_chinese_the_value_is_labelled_with_its_unit(self, client, jiangsu, railway):
        page = client.get(add_url(), {"target": railway.pk}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        text = page.content.decode()
        assert "单位" in text and "公里" in text
        assert str(page.context["adminform"].form.fields["value"].label).endswith("公里）")

    def test_beside_the_value_the_progress_it_would_give(self, client, make, jiangsu, railway):
        page = client.get(add_url(), {"target": railway.pk})
        assert 'id="report-progress"' in page.content.decode()
        # After a refused save, the figure for the value typed.
        data = filled(client, railway, value="140")
        data.pop("as_of")
        page = client.post(add_url(), data)
        assert page.status_code == 200
        assert "Progress with this report: 50%" in page.content.decode()

    def test_the_progress_beside_the_value_is_the_published_rule(self, client, make, jiangsu):
        """For each kind of target, the figure said beside a value is the progress the same
        value gives once approved."""
        task = make.task(lead="jiangsu")
        cases = [
            ({"baseline_value": 40, "target_value": 240}, "140"),
            ({"baseline_value": 40, "target_value": 240}, "10"),
            ({"direction": "lower", "baseline_value": 42, "target_value": 30}, "36"),
            ({"direction": "lower", "baseline_value": None, "target_value": "1.9"}, "1.55"),
            ({"baseline_value": None, "target_value": 200}, "250"),
            ({"measure": "percentage", "baseline_value": 20, "target_value": 80}, "35.5"),
        ]
        for terms, value in cases:
            target = make.target(task, **terms)
            said = client.get(preview_url(), {"target": target.pk, "value": value}).json()
            make.report(target, value=value, as_of=date(2024, 9, 30))
            published = Target.objects.with_progress().get(pk=target.pk)
            expected = format_progress(published.progress)
            if published.exceeded:
                expected += ", target exceeded"
            assert said["text"] == f"Progress with this report: {expected}", terms

    def test_the_progress_of_a_milestone_and_of_an_indicator(self, client, make, jiangsu):
        task = make.task(lead="jiangsu")
        milestone = make.target(task, measure="milestone")
        indicator = make.target(task, target_value=None)

        def said(target, **query):
            return client.get(preview_url(), {"target": target.pk, **query}).json()["text"]

        assert said(milestone, reached="1") == "Progress with this report: 100%"
        assert said(milestone) == "Progress with this report: 0%"
        assert "no target value" in said(indicator, value="12")

    def test_what_cannot_be_worked_out_is_said(self, client, make, jiangsu, railway):
        elsewhere = make.target(make.task(lead="zhejiang"))

        def ask(**query):
            return client.get(preview_url(), query)

        assert "Enter a number" in ask(target=railway.pk, value="twelve").json()["text"]
        assert "Enter the value reached" in ask(target=railway.pk, value="").json()["text"]
        percent = make.target(railway.item, measure="percentage", target_value=90)
        assert "between 0 and 100" in ask(target=percent.pk, value="120").json()["text"]
        assert ask(target=elsewhere.pk, value="3").status_code == 404
        assert ask(target="x").status_code == 404
        client.logout()
        assert ask(target=railway.pk, value="3").status_code == 302  # to the sign-in page


class TestFieldsThatFit:
    def test_a_number_takes_a_value_and_a_milestone_only_reached(self, client, make, jiangsu):
        task = make.task(lead="jiangsu")
        number = make.target(task)
        milestone = make.target(task, measure="milestone")

        def fields(target):
            page = client.get(add_url(), {"target": target.pk})
            return set(page.context["adminform"].form.fields)

        assert {"value", "qualifier"} <= fields(number)
        assert "milestone_reached" not in fields(number)
        assert "milestone_reached" in fields(milestone)
        assert not {"value", "qualifier"} & fields(milestone)
        assert not any(name.startswith("breakdown_") for name in fields(milestone))

    def test_a_milestone_is_filed_reached(self, client, make, jiangsu):
        milestone = make.target(make.task(lead="jiangsu"), measure="milestone")
        data = filled(
            client, milestone, milestone_reached="on", evidence_url="https://example.org/a"
        )
        assert client.post(add_url(), {**data, "submit_for_review": "on"}).status_code == 302
        report = ProgressReport.objects.get(target=milestone)
        assert (report.milestone_reached, report.value, report.status) == (
            True,
            None,
            ReviewState.SUBMITTED,
        )

    def test_another_door_is_refused_a_figure_that_does_not_fit(self, make, jiangsu):
        task = make.task(lead="jiangsu")
        milestone = make.target(task, measure="milestone")
        number = make.target(task)
        dataset = Dataset(headers=["uuid", "target", "as_of", "value", "milestone_reached"])
        dataset.append(["", milestone.code, "2024-09-30", "3", ""])
        dataset.append(["", number.code, "2024-09-30", "", "1"])
        result = ProgressReportResource(user=jiangsu).import_data(dataset, dry_run=True)
        errors = [
            " ".join(message for messages in row.error_dict.values() for message in messages)
            for row in result.invalid_rows
        ]
        assert "qualitative milestone" in errors[0]
        assert "Enter the value reached" in errors[1]
        assert not ProgressReport.objects.exists()

    def test_the_texts_say_which_is_published(self, client, jiangsu, railway):
        text = client.get(add_url(), {"target": railway.pk}).content.decode()
        assert "Published once the report is approved: on the item" in text
        assert "Published on the Chinese pages once the report is approved." in text
        assert "Internal: seen only here" in text and "Never published." in text


class TestTheBreakdown:
    def test_it_lists_only_the_members_sharing_the_item(self, client, jiangsu, railway):
        page = client.get(add_url(), {"target": railway.pk})
        form = page.context["adminform"].form
        assert set(form.breakdown_fields) == {"breakdown_jiangsu", "breakdown_zhejiang"}
        members = form.fields["member"].queryset
        assert set(members.values_list("slug", flat=True)) == {"jiangsu", "zhejiang"}
        text = page.content.decode()
        assert f"Listed: the members who share {railway.item.code}" in text
        assert "Jiangsu (Lead), Zhejiang (Co-responsible)" in text

    def test_a_part_for_a_member_outside_the_item_is_not_saved(self, client, jiangsu, railway):
        data = filled(
            client,
            railway,
            value="140",
            evidence_url="https://example.org/bulletin",
            breakdown_zhejiang="50",
            breakdown_anhui="5",
        )
        assert client.post(add_url(), data).status_code == 302
        saved = railway.reports.filter(status=ReviewState.DRAFT)
        assert {r.member.slug if r.member else None for r in saved} == {None, "zhejiang"}


class TestTheTwoButtons:
    def test_a_new_report_is_saved_as_a_draft_or_submitted(self, client, make, jiangsu, railway):
        page = client.get(add_url(), {"target": railway.pk})
        text = page.content.decode()
        assert 'name="submit_for_review" value="on">Submit for review</button>' in text
        assert ">Save as draft</button>" in text
        assert 'type="checkbox" name="submit_for_review"' not in text
        assert "Save and add another" not in text

        data = filled(client, railway, value="140", source=make.source().pk)
        response = client.post(add_url(), {**data, "_save": ""})
        draft = railway.reports.get(status=ReviewState.DRAFT)
        assert any("saved as a draft" in m for m in messages_of(response))

        data = change_form_data(client.get(change_url(draft)))
        response = client.post(change_url(draft), {**data, "submit_for_review": "on"})
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.status == ReviewState.SUBMITTED and draft.submitted_at is not None
        assert draft.history.first().history_change_reason == "Submitted for review"
        assert any("submitted for review" in m for m in messages_of(response))

    def test_submitting_without_a_source_is_refused(self, client, jiangsu, railway):
        data = filled(client, railway, value="140")
        response = client.post(add_url(), {**data, "submit_for_review": "on"})
        assert response.status_code == 200
        assert "source" in response.context["adminform"].form.errors
        assert not railway.reports.filter(reported_by=jiangsu).exists()

    def test_the_buttons_follow_the_reports_state(self, client, make, jiangsu, railway):
        returned = make.report(railway, value=100, status="returned", as_of=date(2024, 11, 30))
        submitted = make.report(railway, value=110, status="submitted", as_of=date(2024, 12, 1))
        approved = railway.reports.get(member=None, status=ReviewState.APPROVED)

        def buttons(report):
            return client.get(change_url(report)).context["report_buttons"]

        assert buttons(returned) == {"draft": "Save without submitting", "submit": True}
        assert buttons(approved) is None  # read only: Django's "Close"
        client.force_login(reviewer("reviewer"))
        assert buttons(submitted) == {"draft": "Save changes", "submit": False}
        # The office may edit a submitted report, never submit it again.
        data = change_form_data(client.get(change_url(submitted)))
        response = client.post(change_url(submitted), {**data, "submit_for_review": "on"})
        assert response.status_code == 200
        assert "Only a draft or a returned report" in str(response.context["adminform"].form.errors)


def test_the_pages_cost_a_few_queries_whatever_the_targets(
    client, make, jiangsu, railway, django_assert_max_num_queries
):
    for _ in range(10):
        make.report(make.target(railway.item), value=5, as_of=date(2024, 6, 30))
    client.get(add_url(), {"target": railway.pk})  # warm the session and permissions
    with django_assert_max_num_queries(25):
        assert client.get(add_url(), {"target": railway.pk}).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(add_url()).status_code == 200
