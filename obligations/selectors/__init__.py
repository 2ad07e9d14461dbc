"""Reads of the obligations app. Compliance (held vs due) is computed in :mod:`.compliance` and
nowhere else; the other modules build on it."""

from .compliance import (
    DUE,
    MET,
    OVERDUE,
    STATUS_CHOICES,
    STATUS_LABELS,
    Behind,
    Cell,
    Compliance,
    ObligationSummary,
    PartCompliance,
    Tally,
    compliance,
    compliance_in_parts,
)
from .contacts import Contacts, reminder_contacts
from .due import TERM_NOTICE_DAYS, DueList, TermExpiry, due_list
from .ledger import ReminderFilters, delivery_failures, reminders_for, unread_count
from .over import ComplianceOver, compliance_over, periods_within

__all__ = [
    "DUE",
    "MET",
    "OVERDUE",
    "STATUS_CHOICES",
    "STATUS_LABELS",
    "Behind",
    "TERM_NOTICE_DAYS",
    "Cell",
    "Compliance",
    "ComplianceOver",
    "Contacts",
    "DueList",
    "ObligationSummary",
    "PartCompliance",
    "ReminderFilters",
    "Tally",
    "TermExpiry",
    "compliance",
    "compliance_in_parts",
    "compliance_over",
    "due_list",
    "periods_within",
    "reminder_contacts",
    "reminders_for",
    "delivery_failures",
    "unread_count",
]
