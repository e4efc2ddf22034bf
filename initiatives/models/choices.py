from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MemberKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    PROVINCE = "province", _("Province")


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    DELAYED = "delayed", _("Delayed")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


class Schedule(models.IntegerChoices):
    """Where an item stands against the time elapsed; unknown is NULL."""

    OVERDUE = -2, _("Overdue")
    BEHIND = -1, _("Behind schedule")
    ON_SCHEDULE = 0, _("On schedule")
    AHEAD = 1, _("Ahead of schedule")

    __empty__ = _("Unknown")

    @property
    def slug(self):
        """The position's name in addresses and the API: overdue, behind, on_schedule, ahead."""
        return self.name.lower()

    @classmethod
    def from_slug(cls, slug):
        """The position a slug names; None for "unknown"; KeyError for anything else."""
        if slug == UNKNOWN_SCHEDULE:
            return None
        if slug != slug.lower():
            raise KeyError(slug)
        return cls[slug.upper()]


UNKNOWN_SCHEDULE = "unknown"  # the slug of the unknown position (NULL)
# The slug of "no report yet": an item or target with no approved report behind it, whatever
# its position (progress.no_report_condition). Offered beside the positions, as the office
# asks after silent items together with the late ones.
NO_REPORT = "no_report"
NO_REPORT_LABEL = _("No report yet")


class Role(models.TextChoices):
    LEAD = "lead", _("Lead")
    CO = "co", _("Co-responsible")


class Measure(models.TextChoices):
    NUMBER = "number", _("Number")
    PERCENTAGE = "percentage", _("Percentage")
    MILESTONE = "milestone", _("Qualitative milestone")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Qualifier(models.TextChoices):
    """How a published figure was worded: "over 7,600 km", "nearly 1,000 projects"."""

    EXACT = "", _("Exactly")
    OVER = "over", _("Over")
    NEARLY = "nearly", _("Nearly")
    ABOUT = "about", _("About")


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class ItemKind(models.TextChoices):
    """The plan's three lists. A task may support one initiative or one project."""

    INITIATIVE = "initiative", _("integration initiative")
    PROJECT = "project", _("cooperation project")
    TASK = "task", _("key task")


class Disagreement(models.TextChoices):
    """Where an item's declared status contradicts its computed schedule
    (progress.status_check); NULL when they agree."""

    OVERDUE = "overdue", _("Not declared delayed, but overdue")
    BEHIND = "behind", _("Declared on track or not started, but behind schedule")
    AHEAD = "ahead", _("Declared at risk or delayed, but ahead of schedule")
    UNMET = "unmet", _("Declared completed, but a target is not met")

    def wording(self, status):
        """The contradiction in words, naming the declared status."""
        return DISAGREEMENT_WORDING[self] % {"status": Status(status).label}


DISAGREEMENT_WORDING = {
    Disagreement.OVERDUE: _("The status says “%(status)s”, but the due date has passed."),
    Disagreement.BEHIND: _(
        "The status says “%(status)s”, but the approved figures put it behind schedule."
    ),
    Disagreement.AHEAD: _(
        "The status says “%(status)s”, but the approved figures put it ahead of schedule."
    ),
    Disagreement.UNMET: _(
        "The status says “%(status)s”, but the approved figures do not meet every target."
    ),
}


def schedule_choices():
    """(slug, label) of every position, of "unknown" and of "no report yet": what a filter of
    lists offers."""
    return [(position.slug, position.label) for position in Schedule] + [
        (UNKNOWN_SCHEDULE, Schedule.__empty__),
        (NO_REPORT, NO_REPORT_LABEL),
    ]


class PlanState(models.TextChoices):
    """Where a plan round stands on a date: before its period, in it, or after it."""

    UPCOMING = "upcoming", _("Upcoming")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    """An item's result when its plan round has closed, in place of a schedule position."""

    ACHIEVED = "achieved", _("Achieved")
    ACHIEVED_LATE = "achieved_late", _("Achieved late")
    PARTLY_ACHIEVED = "partly_achieved", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


class Obligation(models.TextChoices):
    """Where one owed report of a reporting period stands."""

    DUE = "due", pgettext_lazy("owed report", "Due")  # not yet submitted, not yet late
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    LATE = "late", _("Late")


class NotificationKind(models.TextChoices):
    """What a mail is about; each person can turn each kind off on their own page."""

    RETURNED = "returned", _("A report or revision of mine came back")
    APPROVED = "approved", _("A report or revision of mine was approved")
    REVIEW_DIGEST = "review_digest", _("Daily digest of what waits for my review")
    PERIOD_DUE = "period_due", _("Reminder before a reporting period's due date")
    PERIOD_LATE = "period_late", _("Reports of my member that are late")


class Delivery(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Outlook(models.TextChoices):
    """Where a target's trend leads by its date (models/outlook.py; docs/methods.md)."""

    ON_COURSE = "on_course", _("On course")
    FAIR_PROGRESS = "fair_progress", _("Fair progress")
    LIMITED_PROGRESS = "limited_progress", _("Limited progress")
    MOVING_AWAY = "moving_away", _("Moving away")
