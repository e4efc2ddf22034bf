import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from initiatives import history
from initiatives.demo.reference import ACCOUNTS, OFFICE, REVIEWER
from initiatives.models import Member, StaffProfile
from initiatives.roles import MEMBER_EDITORS, OFFICE_REVIEWERS

DEFAULT_PASSWORD = "demo"
GROUP_NAMES = (MEMBER_EDITORS, OFFICE_REVIEWERS)
# How pages in Chinese name the demo accounts (the English names are in ACCOUNTS).
CHINESE_NAMES = {
    OFFICE: "区域合作办公室",
    REVIEWER: "第二审核员",
    "shanghai": "上海市编辑",
    "jiangsu": "江苏省编辑",
    "zhejiang": "浙江省编辑",
    "anhui": "安徽省编辑",
}


class Command(BaseCommand):
    help = (
        "Create or update the demo staff accounts: office and reviewer (reviewers for the whole "
        "region: nobody approves what they wrote) and one editor per member, all with the "
        "password in DEMO_PASSWORD (default “demo”). "
        "Runs only with DEBUG on. Gives the records loaded without history (loaddata writes "
        "none) a first history row."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "create_demo_users runs only with DEBUG on: it gives staff accounts a known "
                "password. Never run it on a public site."
            )
        from_env = os.environ.get("DEMO_PASSWORD", "")
        password = from_env or DEFAULT_PASSWORD
        groups = {group.name: group for group in Group.objects.filter(name__in=GROUP_NAMES)}
        missing = [name for name in GROUP_NAMES if name not in groups]
        if missing:
            raise CommandError(
                f"The staff group(s) {', '.join(missing)} do not exist. "
                "Run `python manage.py migrate` first: a migration creates them."
            )
        members = Member.objects.in_bulk(field_name="slug")
        needed = [member for _, member, *_ in ACCOUNTS if member and member not in members]
        if needed:
            raise CommandError(
                f"Member(s) {', '.join(needed)} not found. "
                "Load the demo data first: `python manage.py loaddata demo`."
            )

        User = get_user_model()
        with transaction.atomic():
            for username, member_slug, first_name, last_name in ACCOUNTS:
                user, created = User.objects.get_or_create(username=username)
                user.first_name, user.last_name = first_name, last_name
                user.email = user.email or f"{username}@example.org"
                user.is_staff = True
                user.is_active = True
                user.is_superuser = False
                user.set_password(password)
                user.save()
                group = groups[OFFICE_REVIEWERS if member_slug is None else MEMBER_EDITORS]
                user.groups.set([group])
                StaffProfile.objects.update_or_create(
                    user=user,
                    defaults={
                        "member": members.get(member_slug),
                        "name_zh": CHINESE_NAMES.get(username, ""),
                    },
                )
                member = members[member_slug].name_en if member_slug else "whole region"
                action = "Created" if created else "Updated"
                self.stdout.write(f"{action} {username:<9} {group.name} ({member})")

        # loaddata writes no history: without a first row, a record's first change could not
        # show what it changed (initiatives/history.py).
        recorded = history.record_loaded_history()
        if recorded:
            self.stdout.write(f"Recorded the loaded values of {recorded} records in their history")

        shown = "in DEMO_PASSWORD" if from_env else f"“{password}”"
        self.stdout.write(
            self.style.SUCCESS(
                f"Log in at /admin/ with one of these names and the password {shown}."
            )
        )
