"""The admin's lists as staff work with them: who answers for each item, names rather than
numbers, nothing edited in a row, one date format per language, timestamps with their zone."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from initiatives import history
from initiatives.models import Measure, StatusChange
from tests.staff import editor, reviewer

pytestmark = pytest.mark.django_db

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


class ResultRows(HTMLParser):
    """The rows of a changelist's table: each cell's text by its column (Django's
    `field-<name>` class), and the inputs each row holds."""

    def __init__(self, html):
        super().__init__()
        self.rows, self.in_body, self.cell = [], False, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append({"inputs": []})
        elif self.in_body and tag in ("td", "th") and self.rows:
            classes = (attrs.get("class") or "").split()
            names = [name[len("field-") :] for name in classes if name.startswith("field-")]
            self.cell = names[0] if names else "checkbox"
            self.rows[-1][self.cell] = ""
        elif self.in_body and tag in ("input", "select", "textarea") and self.rows:
            self.rows[-1]["inputs"].append(attrs)

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif tag in ("td", "th"):
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.rows[-1][self.cell] += data


def rows_of(response):
    assert response.status_code == 200
    return ResultRows(response.content.decode()).rows


def listing(model, **params):
    return reverse(f"admin:initiatives_{model}_changelist"), params


def column(rows, name):
    return [" ".join(row[name].split()) for row in rows]


@pytest.fixture
def shared_work(make):
    """Jiangsu leads two tasks and shares a third, which Shanghai leads; Zhejiang has its own."""
    return {
        "led": [make.task(lead="jiangsu"), make.task(lead="jiangsu")],
        "shared": make.task(lead="shanghai", co=("jiangsu",)),
        "other": make.task(lead="zhejiang"),
    }


class TestOurRole:
    def test_an_editor_sees_its_role_on_each_item_and_who_leads_the_ones_it_shares(
        self, client, shared_work
    ):
        client.force_login(editor("jiangsu"))
        rows = rows_of(client.get(*listing("task")))
        roles = dict(zip(column(rows, "code"), column(rows, "our_role"), strict=True))
        led, shared = shared_work["led"], shared_work["shared"]
        assert roles == {
            led[0].code: "Lead",
            led[1].code: "Lead",
            shared.code: "Co-responsible lead: Shanghai",
        }
        rows = rows_of(client.get(*listing("task"), **CHINESE))
        assert sorted(column(rows, "our_role")) == ["共同负责 牵头：上海市", "牵头", "牵头"]

    def test_what_we_lead_and_what_we_share_are_filters_of_their_own(self, client, shared_work):
        client.force_login(editor("jiangsu"))
        page = client.get(*listing("task"))
        assert "Led by us" in page.content.decode()
        led = column(rows_of(client.get(*listing("task", role="lead"))), "code")
        shared = column(rows_of(client.get(*listing("task", role="co"))), "code")
        assert sorted(led) == sorted(task.code for task in shared_work["led"])
        assert shared == [shared_work["shared"].code]
        # The targets and reports on those items filter alike.
        for task in (*shared_work["led"], shared_work["shared"]):
            task.targets.create(code=f"{task.code}.1", name_en="Target", target_value=10)
        targets = rows_of(client.get(*listing("target", role="co")))
        assert column(targets, "code") == [f"{shared_work['shared'].code}.1"]

    def test_an_unknown_role_in_the_address_filters_nothing(self, client, shared_work):
        client.force_login(editor("jiangsu"))
        assert len(rows_of(client.get(*listing("task", role="boss")))) == 3

    def test_the_office_asks_the_role_of_the_member_it_chooses(self, client, shared_work):
        client.force_login(reviewer("inspector"))
        page = client.get(*listing("task"))
        html = page.content.decode()
        assert "field-our_role" not in html and "Led by us" not in html
        assert len(rows_of(page)) == 4
        chosen = client.get(*listing("task", responsible="jiangsu"))
        assert "Led by Jiangsu" in chosen.content.decode()
        led = rows_of(client.get(*listing("task", responsible="jiangsu", role="lead")))
        assert sorted(column(led, "code")) == sorted(task.code for task in shared_work["led"])
        assert column(led, "lead") == ["Jiangsu", "Jiangsu"]


class TestNamesNotNumbers:
    def test_the_focus_area_and_the_lead_are_named_in_the_page_language(self, client, make):
        make.task(lead="anhui", focus_area=make.area(2))
        client.force_login(reviewer("inspector"))
        rows = rows_of(client.get(*listing("task")))
        assert (column(rows, "area"), column(rows, "lead")) == (["Area 2"], ["Anhui"])
        rows = rows_of(client.get(*listing("task"), **CHINESE))
        assert (column(rows, "area"), column(rows, "lead")) == (["领域2"], ["安徽省"])

    def test_figures_are_written_as_published_and_a_report_for_all_names_the_region(
        self, client, make
    ):
        task = make.task(lead="jiangsu")
        target = make.target(task, baseline_value=4150, target_value=7600, unit_en="km")
        make.report(target, value=1455, as_of=datetime.date(2024, 9, 30))
        client.force_login(reviewer("inspector"))
        targets = rows_of(client.get(*listing("target")))
        assert column(targets, "baseline_display") == ["4,150 km"]
        assert column(targets, "target_display") == ["7,600 km"]
        assert column(targets, "latest") == ["1,455 km as of 2024-09-30"]
        reports = rows_of(client.get(*listing("progressreport")))
        assert column(reports, "figure") == ["1,455 km"]
        assert column(reports, "member_name") == ["the whole region"]

    def test_a_milestone_reads_reached_or_not(self, client, make):
        target = make.target(make.task(lead="jiangsu"), measure=Measure.MILESTONE)
        make.report(target, milestone_reached=True)
        client.force_login(reviewer("inspector"))
        assert column(rows_of(client.get(*listing("progressreport"))), "figure") == ["Reached"]


class TestNothingEditedInARow:
    def test_no_admin_edits_in_its_list(self):
        editing = [type(ma).__name__ for ma in admin.site._registry.values() if ma.list_editable]
        assert editing == []

    LISTS = (
        "initiative",
        "cooperationproject",
        "task",
        "target",
        "progressreport",
        "statuschange",
        "revision",
        "reportingperiod",
        "plan",
    )

    @pytest.mark.parametrize("who", ["jiangsu", "office"])
    def test_a_row_holds_no_input_but_its_selection(self, client, make, who):
        task = make.task(lead="jiangsu", due_date=datetime.date(2026, 12, 31))
        make.initiative(lead="jiangsu")
        make.project(lead="shanghai", co=("jiangsu",))
        make.report(make.target(task), value=10)
        make.revision(task, {"due_date": ("2026-06-30", "2026-12-31")})
        make.period()
        StatusChange.objects.create(
            item=task, new_status="on_track", reason="Started.", changed_by=make.user()
        )
        client.force_login(editor("jiangsu") if who == "jiangsu" else reviewer("inspector"))
        for model in self.LISTS:
            rows = rows_of(client.get(*listing(model)))
            assert rows, model
            for row in rows:
                for attrs in row["inputs"]:
                    assert attrs.get("name") in ("_selected_action", "_seen_version"), model
                    assert attrs.get("type") in ("checkbox", "hidden"), model


class TestOneDateFormatPerLanguage:
    def test_a_list_writes_dates_the_same_way_in_both_languages(self, client, make):
        make.task(lead="jiangsu", due_date=datetime.date(2026, 12, 2))
        client.force_login(reviewer("inspector"))
        for language in ({}, CHINESE):
            rows = rows_of(client.get(*listing("task"), **language))
            assert column(rows, "due_date") == ["2026-12-02"]

    def test_a_form_shows_and_reads_its_dates_in_that_format(self, client, make):
        period = make.period(start=datetime.date(2026, 10, 1), end=datetime.date(2026, 12, 31))
        client.force_login(reviewer("inspector"))
        url = reverse("admin:initiatives_reportingperiod_change", args=[period.pk])
        for language in ({}, CHINESE):
            html = client.get(url, **language).content.decode()
            assert 'value="2026-10-01"' in html and 'value="2027-01-15"' in html
            assert "2026年" not in html and "Oct. 1, 2026" not in html
        # The calendar's "Today" writes the first input format.
        catalog = client.get(reverse("admin:jsi18n"), **CHINESE).content.decode()
        first = re.search(r'"DATE_INPUT_FORMATS": \[\s*"([^"]+)"', catalog)
        assert first.group(1) == "%Y-%m-%d"

    @pytest.mark.parametrize(
        "language, typed",
        [
            ("zh-hans", "2026-12-02"),
            ("zh-hans", "2026/12/02"),
            ("zh-hans", "2026年12月2日"),
            ("zh-hans", "2026年12月02日"),
            ("en", "2026-12-02"),
            ("en", "2026/12/02"),
            ("en", "2 December 2026"),
        ],
    )
    def test_a_date_input_reads_what_people_type_in_the_language(self, language, typed):
        with translation.override(language):
            assert forms.DateField().clean(typed) == datetime.date(2026, 12, 2)

    def test_a_day_and_month_in_either_order_is_refused_in_english(self):
        with translation.override("en"), pytest.raises(forms.ValidationError):
            forms.DateField().clean("02/12/2026")


class TestTimestampsNameTheirZone:
    WHEN = datetime.datetime(2026, 12, 2, 6, 5, tzinfo=datetime.UTC)

    def test_a_list_shows_the_time_in_the_plan_zone_with_its_offset(self, client, make):
        StatusChange.objects.create(
            item=make.task(lead="jiangsu"),
            new_status="on_track",
            reason="Started.",
            changed_by=make.user(),
            changed_at=self.WHEN,
        )
        client.force_login(reviewer("inspector"))
        for language in ({}, CHINESE):
            rows = rows_of(client.get(*listing("statuschange"), **language))
            assert column(rows, "changed_at") == ["2026-12-02 14:05 UTC+0800"]

    def test_a_history_line_names_the_zone_too(self):
        field = StatusChange._meta.get_field("changed_at")
        with translation.override("zh-hans"):
            assert history.shown(field, self.WHEN) == "2026-12-02 14:05 UTC+0800"
