"""Staff accounts and a small region of items for the admin tests."""

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from initiatives.models import StaffProfile
from initiatives.roles import MEMBER_EDITORS, OFFICE_REVIEWERS
from tests import factories


def staff(username, member=None, group=MEMBER_EDITORS):
    user = get_user_model().objects.create_user(
        username, password=None, is_staff=True, email=f"{username}@example.org"
    )
    user.groups.add(Group.objects.get(name=group))
    StaffProfile.objects.create(user=user, member=factories.member(member) if member else None)
    return user


def editor(member):
    return staff(member, member)


def reviewer(username="office"):
    return staff(username, None, OFFICE_REVIEWERS)


class Region:
    """Two members' items, a shared project, targets and reports on each."""

    def __init__(self):
        make = factories
        self.jiangsu_task = make.task(lead="jiangsu")
        self.zhejiang_task = make.task(lead="zhejiang")
        self.shared_project = make.project(lead="shanghai", co=("jiangsu",))
        self.zhejiang_initiative = make.initiative(lead="zhejiang")
        self.jiangsu_target = make.target(self.jiangsu_task, target_value=100)
        self.zhejiang_target = make.target(self.zhejiang_task, target_value=100)
        self.project_target = make.target(self.shared_project, target_value=50)
        self.initiative_target = make.target(self.zhejiang_initiative, target_value=10)
        self.jiangsu_draft = make.report(
            self.jiangsu_target, value=10, status="draft", as_of=date(2024, 6, 30)
        )
        self.zhejiang_draft = make.report(
            self.zhejiang_target, value=20, status="draft", as_of=date(2024, 6, 30)
        )
        self.zhejiang_submitted = make.report(
            self.zhejiang_target, value=30, status="submitted", as_of=date(2024, 7, 31)
        )

    def of(self, member):
        """What `member`'s editor may see, by model name."""
        if member == "jiangsu":
            return {
                "task": self.jiangsu_task,
                "cooperationproject": self.shared_project,
                "target": self.jiangsu_target,
                "progressreport": self.jiangsu_draft,
            }
        return {
            "task": self.zhejiang_task,
            "initiative": self.zhejiang_initiative,
            "target": self.zhejiang_target,
            "progressreport": self.zhejiang_draft,
        }
