from .choices import (
    Direction,
    ItemKind,
    Measure,
    MemberKind,
    Qualifier,
    ReviewState,
    Role,
    Schedule,
    Status,
    schedule_choices,
)
from .items import (
    ITEM_MODELS,
    KIND_MODELS,
    CooperationProject,
    Initiative,
    PlanItem,
    Responsibility,
    Task,
)
from .plans import Plan
from .reference import FocusArea, Member, Source
from .revisions import Revision, RevisionToReview
from .staff import StaffProfile
from .targets import ProgressReport, StatusChange, SubmittedReport, Target

__all__ = [
    "ITEM_MODELS",
    "KIND_MODELS",
    "CooperationProject",
    "Direction",
    "FocusArea",
    "Initiative",
    "ItemKind",
    "Measure",
    "Member",
    "MemberKind",
    "ProgressReport",
    "Plan",
    "PlanItem",
    "Qualifier",
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
