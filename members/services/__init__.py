"""Writes to the roster. Keyword-only, typed, atomic, validated before saving."""

from .ageing import members_age_out
from .cohorts import cohort_save
from .recruitment import recruitment_advance, recruitment_start, recruitment_stop
from .roles import appointment_end, cadre_appoint, counsellor_appoint
from .roster import member_create, member_update
from .transfers import transfer_accept, transfer_cancel, transfer_reject, transfer_request

__all__ = [
    "appointment_end",
    "cadre_appoint",
    "cohort_save",
    "counsellor_appoint",
    "member_create",
    "member_update",
    "members_age_out",
    "recruitment_advance",
    "recruitment_start",
    "recruitment_stop",
    "transfer_accept",
    "transfer_cancel",
    "transfer_reject",
    "transfer_request",
]
