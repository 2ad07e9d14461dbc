from .cohorts import SchoolCohort
from .counts import CountSource, RecordedCount
from .imports import MemberImport
from .member import AGE_LIMIT, Member
from .recruitment import RecruitmentCase
from .roles import CadreAppointment, CounsellorAppointment
from .transfers import Transfer

__all__ = [
    "AGE_LIMIT",
    "CadreAppointment",
    "CounsellorAppointment",
    "CountSource",
    "Member",
    "MemberImport",
    "RecordedCount",
    "RecruitmentCase",
    "SchoolCohort",
    "Transfer",
]
