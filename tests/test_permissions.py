"""The permission matrix: each editor and the reviewer, on every admin model and path."""

import csv
import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from initiatives import roles
from initiatives.models import ProgressReport, Status, StatusChange, Task
from initiatives.resources import ProgressReportResource, TargetResource, TaskResource
from tests.admin_forms import seen_versions
from tests.staff import Region, editor, reviewer

pytestmark = pytest.mark.django_db

USERS = ("jiangsu", "zhejiang", "office")
SCOPED = ("initiative", "cooperationproject", "task", "target", "progressreport")


@pytest.fixture
def region():
    return Region()


@pytest.fixture
def users():
    return {"jiangsu": editor("jiangsu"), "zhejiang": editor("zhejiang"), "office": reviewer()}


def owners(region):
    """Every scoped object with the members responsible for it."""
    return {
        "initiative": [(region.zhejiang_initiative, {"zhejiang"})],
        "cooperationproject": [(region.shared_project, {"shanghai", "jiangsu"})],
        "task": [(region.jiangsu_task, {"jiangsu"}), (region.zhejiang_task, {"zhejiang"})],
        "target": [
            (region.jiangsu_target, {"jiangsu"}),
            (region.zhejiang_target, {"zhejiang"}),
            (region.project_target, {"shanghai", "jiangsu"}),
            (region.initiative_target, {"zhejiang"}),
        ],
        "progressreport": [
            (region.jiangsu_draft, {"jiangsu"}),
            (region.zhejiang_draft, {"zhejiang"}),
            (region.zhejiang_submitted, {"zhejiang"}),
        ],
    }


def visible(region, model, who):
    """The pks `who` should see: the reviewer all, an editor its member's."""
    return {obj.pk for obj, members in owners(region)[model] if who == "office" or who in members}


def url(model, view, *args):
    return reverse(f"admin:initiatives_{model}_{view}", args=args)


def test_the_groups_are_those_the_app_names():
    names = set(Group.objects.values_list("name", flat=True))
    assert {roles.MEMBER_EDITORS, roles.OFFICE_REVIEWERS} <= names
    editors = Group.objects.get(name=roles.MEMBER_EDITORS)
    assert not editors.permissions.filter(codename="review_progressreport").exists()
    reviewers = Group.objects.get(name=roles.OFFICE_REVIEWERS)
    assert reviewers.permissions.filter(codename="review_progressreport").exists()


def test_anonymous_visitors_get_the_login_page(client, region):
    for model in (*SCOPED, "submittedreport"):
        response = client.get(url(model, "changelist"))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("model", SCOPED)
def test_changelist_lists_only_the_scope(client, region, users, who, model):
    client.force_login(users[who])
    response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    listed = {obj.pk for obj in response.context["cl"].result_list}
    assert listed == visible(region, model, who)


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("model", SCOPED)
def test_change_history_and_delete_views_outside_the_scope_are_404(
    client, region, users, who, model
):
    client.force_login(users[who])
    mine = visible(region, model, who)
    for obj, _members in owners(region)[model]:
        for view in ("change", "history", "delete"):
            response = client.get(url(model, view, obj.pk))
            if obj.pk not in mine:
                assert response.status_code == 404, (view, obj)
            elif view == "delete":
                # only drafts and returned reports can be deleted, by their member's editors
                may_delete = (
                    model == "progressreport"
                    and who != "office"
                    and obj.status
                    in (
                        "draft",
                        "returned",
                    )
                )
                assert response.status_code == (200 if may_delete else 403), (view, obj)
            else:
                assert response.status_code == 200, (view, obj)
                assert str(obj.pk) in response.content.decode() or obj._meta.model_name in (
                    response.content.decode()
                )


@pytest.mark.parametrize("who", ("jiangsu", "zhejiang"))
def test_a_post_to_another_members_object_changes_nothing(client, region, users, who):
    client.force_login(users[who])
    other = region.zhejiang_task if who == "jiangsu" else region.jiangsu_task
    response = client.post(
        url("task", "change", other.pk), {"title_en": "Taken over", "seen_version": other.version}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.title_en != "Taken over"
    response = client.post(url("task", "delete", other.pk), {"post": "yes"})
    assert response.status_code == 404
    assert Task.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("who", USERS)
def test_autocomplete_offers_only_the_scope(client, rf, region, users, who):
    client.force_login(users[who])
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "initiatives", "model_name": "progressreport", "field_name": "target"},
    )
    assert response.status_code == 200
    offered = {int(result["id"]) for result in response.json()["results"]}
    assert offered == visible(region, "target", who)

    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "initiatives", "model_name": "target", "field_name": "item"},
    )
    assert response.status_code == 200
    offered = {int(result["id"]) for result in response.json()["results"]}
    kinds = ("initiative", "cooperationproject", "task")
    assert offered == set().union(*(visible(region, kind, who) for kind in kinds))

    # What a task supports is a choice among the initiatives and projects in the scope.
    request = rf.get(url("task", "add"))
    request.user = users[who]
    field = admin.site.get_model_admin(Task).formfield_for_foreignkey(
        Task._meta.get_field("parent"), request
    )
    offered = set(field.queryset.values_list("pk", flat=True))
    assert offered == visible(region, "initiative", who) | visible(
        region, "cooperationproject", who
    )


@pytest.mark.parametrize("who", USERS)
def test_report_form_refuses_a_target_outside_the_scope(client, region, users, who, make):
    client.force_login(users[who])
    before = ProgressReport.objects.count()
    for target in (region.jiangsu_target, region.zhejiang_target):
        response = client.post(
            url("progressreport", "add"),
            {
                "target": target.pk,
                "as_of": "2024-08-31",
                "value": "40",
                "source": make.source().pk,
            },
        )
        if target.pk in visible(region, "target", who):
            assert response.status_code == 302
        else:
            assert response.status_code == 200
            assert "target" in response.context["adminform"].form.errors
    mine = sum(
        t.pk in visible(region, "target", who)
        for t in (region.jiangsu_target, region.zhejiang_target)
    )
    assert ProgressReport.objects.count() == before + mine


@pytest.mark.parametrize("who", USERS)
def test_bulk_status_action_reaches_only_the_scope(client, region, users, who):
    client.force_login(users[who])
    tasks = [region.jiangsu_task, region.zhejiang_task]
    response = client.post(
        url("task", "changelist"),
        {
            "action": "change_status",
            "_selected_action": [t.pk for t in tasks],
            "_seen_version": seen_versions(tasks),
            "new_status": Status.AT_RISK,
            "reason": "Funding is late.",
            "apply": "yes",
        },
    )
    assert response.status_code == 302
    for task in tasks:
        task.refresh_from_db()
        expected = Status.AT_RISK if task.pk in visible(region, "task", who) else Status.NOT_STARTED
        assert task.status == expected
    assert StatusChange.objects.count() == len(visible(region, "task", who))


@pytest.mark.parametrize("who", ("jiangsu", "zhejiang"))
def test_editors_never_approve(client, region, users, who):
    client.force_login(users[who])
    report = region.zhejiang_submitted
    for model in ("progressreport", "submittedreport"):
        client.post(
            url(model, "changelist"),
            {
                "action": "approve_reports",
                "_selected_action": [report.pk],
                "_seen_version": seen_versions([report]),
                "index": 0,
            },
        )
    report.refresh_from_db()
    assert report.status == "submitted"
    assert client.get(url("submittedreport", "changelist")).status_code == 403


def test_the_reviewer_sees_the_review_queue(client, region, users):
    client.force_login(users["office"])
    response = client.get(url("submittedreport", "changelist"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["cl"].result_list] == [region.zhejiang_submitted.pk]


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize(
    "model", ["member", "focusarea", "source", "plan", "statuschange", "revision"]
)
def test_reference_lists_and_logs_are_readable(client, region, users, who, model):
    client.force_login(users[who])
    assert client.get(url(model, "changelist")).status_code == 200
    assert client.get(url(model, "add")).status_code == (
        200 if who == "office" and model in ("member", "focusarea", "source", "plan") else 403
    )


@pytest.mark.parametrize("who", USERS)
def test_an_item_of_any_kind_opens_in_the_admin_of_its_kind(client, region, users, who):
    client.force_login(users[who])
    for model in ("initiative", "cooperationproject", "task"):
        for obj, _members in owners(region)[model]:
            response = client.get(url("planitem", "change", obj.pk), {"_popup": "1"})
            if obj.pk in visible(region, model, who):
                assert response.status_code == 302
                assert response["Location"] == f"{url(model, 'change', obj.pk)}?_popup=1"
            else:
                assert response.status_code == 404
    index = client.get(reverse("admin:index")).content.decode()
    assert url("planitem", "changelist") not in index


@pytest.mark.parametrize("who", USERS)
def test_staff_accounts_are_for_superusers(client, region, users, who):
    client.force_login(users[who])
    assert client.get(url("staffprofile", "changelist")).status_code == 403


EXPORTS = {
    "task": (TaskResource, "code"),
    "target": (TargetResource, "code"),
    "progressreport": (ProgressReportResource, "uuid"),
}


def export(client, model, file_format=0):
    resource, _key = EXPORTS[model]
    prefix = resource.__name__.lower()
    data = {"format": file_format, "resource": 0}
    data.update({f"{prefix}_{name}": "on" for name in resource().get_export_order()})
    return client.post(url(model, "export"), data)


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("model", EXPORTS)
def test_export_holds_only_the_scope(client, region, users, who, model):
    client.force_login(users[who])
    response = export(client, model)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    resource, key = EXPORTS[model]
    exported = {row[resource().label(key)] for row in rows}
    expected = {
        str(getattr(obj, key))
        for obj, _m in owners(region)[model]
        if obj.pk in visible(region, model, who)
    }
    assert exported == expected


@pytest.mark.parametrize("who", USERS)
def test_import_pages_open_for_those_who_may_change(client, region, users, who):
    client.force_login(users[who])
    for model in EXPORTS:
        assert client.get(url(model, "import")).status_code == 200


@pytest.mark.parametrize("who", USERS)
def test_logs_and_the_queue_have_a_history_page(client, region, users, who, make):
    change = StatusChange.objects.create(
        item=region.zhejiang_task, old_status="", new_status=Status.ON_TRACK, reason="Started."
    )
    client.force_login(users[who])
    expected = 200 if who in ("zhejiang", "office") else 404
    assert client.get(url("statuschange", "history", change.pk)).status_code == expected
    if who == "office":
        response = client.get(url("submittedreport", "history", region.zhejiang_submitted.pk))
        assert response.status_code == 302
        assert response["Location"] == url(
            "progressreport", "history", region.zhejiang_submitted.pk
        )


def test_bulk_delete_spares_what_an_editor_may_not_delete(client, make, users):
    task = make.task(lead="jiangsu")
    target = make.target(task)
    draft = make.report(target, value=1, status="draft")
    approved = make.report(target, value=2)
    client.force_login(users["jiangsu"])
    action = {"action": "delete_selected", "post": "yes", "index": 0}
    both = {
        "_selected_action": [draft.pk, approved.pk],
        "_seen_version": seen_versions([draft, approved]),
    }
    response = client.post(url("progressreport", "changelist"), {**action, **both})
    assert response.status_code in (200, 403)
    assert ProgressReport.objects.filter(pk=approved.pk).exists()
    one = {"_selected_action": [draft.pk], "_seen_version": seen_versions([draft])}
    client.post(url("progressreport", "changelist"), {**action, **one})
    assert not ProgressReport.objects.filter(pk=draft.pk).exists()
    assert ProgressReport.history.filter(id=draft.pk, history_type="-").exists()


def test_editors_cannot_rename_codes_or_move_items(client, make, users):
    from tests.admin_forms import change_form_data

    task = make.task(lead="jiangsu")
    client.force_login(users["jiangsu"])
    data = change_form_data(client.get(url("task", "change", task.pk)))
    data.update({"code": "T-777", "focus_area": make.area(2).pk, "title_en": "Renamed"})
    assert client.post(url("task", "change", task.pk), data).status_code == 302
    code = task.code
    task.refresh_from_db()
    assert task.title_en == "Renamed"
    assert task.code == code
    assert task.focus_area.number == 1


@pytest.mark.parametrize("who", USERS)
def test_import_is_held_to_the_scope(client, region, users, who):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = [
        "code,name_en,version",
        f"{region.jiangsu_target.code},Renamed by import,{region.jiangsu_target.version}",
        f"{region.zhejiang_target.code},Renamed by import,{region.zhejiang_target.version}",
    ]
    client.force_login(users[who])
    upload = SimpleUploadedFile("targets.csv", "\n".join(rows).encode(), content_type="text/csv")
    response = client.post(
        url("target", "import"), {"resource": "0", "format": "0", "import_file": upload}
    )
    assert response.status_code == 200
    result = response.context["result"]
    refused = {row.number for row in result.invalid_rows}
    mine = visible(region, "target", who)
    expected = {
        number
        for number, target in enumerate((region.jiangsu_target, region.zhejiang_target), 1)
        if target.pk not in mine
    }
    assert refused == expected
    assert ("confirm_form" in response.context) == (not expected)


@pytest.mark.parametrize("who", ("jiangsu", "zhejiang"))
@pytest.mark.parametrize("model", ["member", "focusarea", "source"])
def test_editors_read_but_never_change_reference_lists(client, users, who, model, make):
    obj = {"member": make.member, "focusarea": make.area, "source": make.source}[model]()
    client.force_login(users[who])
    assert client.get(url(model, "change", obj.pk)).status_code == 200
    response = client.post(url(model, "change", obj.pk), {"name_en": "Changed", "title": "X"})
    assert response.status_code == 403


def test_member_scope_holds_across_plans(client, make, users):
    """The same code in two plans: each editor reaches the one its member leads, in
    whichever plan it is, and never the other."""
    later = make.plan("yrd-2027-2029", start=2027)
    mine = make.task(code="T-901", lead="jiangsu")
    theirs = make.task(code="T-901", lead="zhejiang", plan=later)
    mine_later = make.task(code="T-902", lead="jiangsu", plan=later)
    client.force_login(users["jiangsu"])
    response = client.get(reverse("admin:initiatives_task_changelist"), {"q": "T-90"})
    assert {task.pk for task in response.context["cl"].result_list} == {mine.pk, mine_later.pk}
    change = "admin:initiatives_task_change"
    assert client.get(reverse(change, args=[theirs.pk])).status_code == 404
    assert client.get(reverse(change, args=[mine_later.pk])).status_code == 200
    before = theirs.title_en
    client.post(reverse(change, args=[theirs.pk]), {"title_en": "Taken over"})
    theirs.refresh_from_db()
    assert theirs.title_en == before
