"""The admin's "view on site" (/admin/r/<content type>/<key>/) answers only for what the user
may see in the admin; anything else is the 404 of a key that names nothing."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from initiatives.models import ProgressReport
from tests.staff import Region, editor, reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return Region()


def view_on_site(client, obj, model=None):
    content_type = ContentType.objects.get_for_model(model or obj, for_concrete_model=False)
    address = reverse(
        "admin:view_on_site", kwargs={"content_type_id": content_type.pk, "object_id": obj.pk}
    )
    return client.get(address)


def assert_sent_to(response, obj):
    assert response.status_code == 302
    assert response["Location"].endswith(obj.get_absolute_url())


def test_an_editor_is_sent_to_the_public_page_of_its_own_records(client, region):
    client.force_login(editor("jiangsu"))
    assert_sent_to(view_on_site(client, region.jiangsu_task), region.jiangsu_task)
    assert_sent_to(view_on_site(client, region.jiangsu_target), region.jiangsu_target)
    # Its own draft: it may see that in the admin.
    assert_sent_to(view_on_site(client, region.jiangsu_draft), region.jiangsu_draft)


def test_another_members_records_are_not_found(client, region):
    client.force_login(editor("jiangsu"))
    for obj in (
        region.zhejiang_draft,
        region.zhejiang_submitted,
        region.zhejiang_target,
        region.zhejiang_task,
        region.zhejiang_initiative,
    ):
        response = view_on_site(client, obj)
        assert response.status_code == 404, obj
        assert "Location" not in response


def test_the_review_queue_proxy_is_held_to_the_same_scope(client, region):
    from initiatives.models import SubmittedReport

    client.force_login(editor("jiangsu"))
    submitted = SubmittedReport.objects.get(pk=region.zhejiang_submitted.pk)
    assert view_on_site(client, submitted, SubmittedReport).status_code == 404


def test_the_office_is_sent_to_any_record(client, region):
    client.force_login(reviewer())
    assert_sent_to(view_on_site(client, region.zhejiang_draft), region.zhejiang_draft)
    assert_sent_to(view_on_site(client, region.jiangsu_task), region.jiangsu_task)


def test_a_model_the_user_may_not_view_is_not_found(client, region):
    client.force_login(editor("jiangsu"))
    group = Group.objects.first()
    assert view_on_site(client, group).status_code == 404


@pytest.mark.parametrize(
    "content_type, key",
    [("999999", "1"), ("abc", "1"), ("", "1"), (None, "abc"), (None, str(2**70)), (None, "-1")],
)
def test_nonsense_is_not_found(client, region, content_type, key):
    client.force_login(reviewer())
    if content_type is None:
        content_type = str(ContentType.objects.get_for_model(ProgressReport).pk)
    assert client.get(f"/admin/r/{content_type}/{key}/").status_code == 404


def test_it_asks_for_a_sign_in(client, region):
    response = view_on_site(client, region.jiangsu_task)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
