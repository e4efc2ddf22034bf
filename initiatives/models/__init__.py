from .choices import (
    Delivery,
    Direction,
    ItemKind,
    Measure,
    MemberKind,
    NotificationKind,
    Obligation,
    Outcome,
    PlanState,
    Qualifier,
    ReviewState,
    Role,
    Schedule,
    Status,
    schedule_choices,
)
from .cycles import Edition, ReportingPeriod
from .items import (
    ITEM_MODELS,
    KIND_MODELS,
    CooperationProject,
    Initiative,
    PlanItem,
    Responsibility,
    Task,
)
from .notifications import Notification, NotificationOptOut
from .plans import Plan
from .reference import FocusArea, Member, Source
from .revisions import Revision, RevisionToReview
from .staff import StaffProfile
from .targets import ProgressReport, StatusChange, SubmittedReport, Target

__all__ = [
    "ITEM_MODELS",
    "KIND_MODELS",
    "CooperationProject",
    "Delivery",
    "Edition",
    "Direction",
    "FocusArea",
    "Initiative",
    "ItemKind",
    "Measure",
    "Member",
    "MemberKind",
    "Notification",
    "NotificationKind",
    "NotificationOptOut",
    "Obligation",
    "Outcome",
    "PlanState",
    "ProgressReport",
    "Plan",
    "PlanItem",
    "Qualifier",
    "ReportingPeriod",
    "Responsibility",
    "Revision",
    "RevisionToReview",
    "ReviewState",
    "Role",
    "Schedule",
    "Source",
    "StaffProfile",
    "Status",
    "schedule_choices",
    "StatusChange",
    "SubmittedReport",
    "Target",
    "Task",
]
