from .choices import (
    Direction,
    Measure,
    MemberKind,
    Qualifier,
    ReviewState,
    Role,
    Schedule,
    Status,
)
from .items import (
    CooperationProject,
    Initiative,
    InitiativeResponsibility,
    ProjectResponsibility,
    Task,
    TaskResponsibility,
)
from .reference import FocusArea, Member, Source
from .staff import StaffProfile
from .targets import ProgressReport, StatusChange, SubmittedReport, Target, TargetRevision

__all__ = [
    "CooperationProject",
    "Direction",
    "FocusArea",
    "Initiative",
    "InitiativeResponsibility",
    "Measure",
    "Member",
    "MemberKind",
    "ProgressReport",
    "ProjectResponsibility",
    "Qualifier",
    "ReviewState",
    "Role",
    "Schedule",
    "Source",
    "StaffProfile",
    "Status",
    "StatusChange",
    "SubmittedReport",
    "Target",
    "TargetRevision",
    "Task",
    "TaskResponsibility",
]
