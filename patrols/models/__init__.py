"""The patrols app's models, one module per subject; Django finds them all through this package."""

from .officers import DISPLAY_NAME_FIELDS, Officer, Position, Rank
from .patrols import (
    EDIT_WINDOW,
    MAX_PHOTOS,
    ImbauanTopic,
    Patrol,
    PatrolEdit,
    PatrolMode,
    PatrolPhoto,
    PatrolType,
    Situation,
)
from .tallies import OfficerPatrolTally, PatrolTally, TopicPatrolTally, UnitPatrolTally
from .villages import DEFAULT_VISIT_TARGET_DAYS, Assignment, RiskLevel, Village

__all__ = [
    "DEFAULT_VISIT_TARGET_DAYS",
    "DISPLAY_NAME_FIELDS",
    "EDIT_WINDOW",
    "MAX_PHOTOS",
    "Assignment",
    "ImbauanTopic",
    "Officer",
    "OfficerPatrolTally",
    "Patrol",
    "PatrolEdit",
    "PatrolMode",
    "PatrolPhoto",
    "PatrolTally",
    "PatrolType",
    "Position",
    "Rank",
    "RiskLevel",
    "Situation",
    "TopicPatrolTally",
    "UnitPatrolTally",
    "Village",
]
