from .choices import (
    Delivery,
    Direction,
    ItemKind,
    Measure,
    MemberKind,
    NotificationKind,
    Obligation,
    Outcome,
    Outlook,
    PlanState,
    Qualifier,
    ReviewState,
    Role,
    Schedule,
    Status,
    schedule_choices,
)
from .cycles import Edition, ReportingPeriod
from .figures import ItemFigures
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
from .staff import StaffProfile, display_name
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
    "ItemFigures",
    "ItemKind",
    "Measure",
    "Member",
    "MemberKind",
    "Notification",
    "NotificationKind",
    "NotificationOptOut",
    "Obligation",
    "Outcome",
    "Outlook",
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
    "display_name",
]
