from .activities import (
    ActivityCalendarView,
    ActivityCreateView,
    ActivityDeleteView,
    ActivityDetailView,
    ActivityListView,
    ActivityPickView,
    ActivityUpdateView,
    RosterView,
)
from .campaigns import CampaignCreateView, CampaignListView, CampaignUpdateView
from .files import ActivityFileDeleteView, ActivityFileDownloadView
from .indicators import (
    IndicatorCreateView,
    IndicatorEntryView,
    IndicatorListView,
    IndicatorSummaryView,
    IndicatorUpdateView,
)
from .review import ActivityApproveView, ActivityReturnView, ActivityReviewView, BulkReviewView, ReviewQueueView

__all__ = [
    "ActivityApproveView",
    "ActivityCalendarView",
    "ActivityCreateView",
    "ActivityDeleteView",
    "ActivityDetailView",
    "ActivityFileDeleteView",
    "ActivityFileDownloadView",
    "ActivityListView",
    "ActivityPickView",
    "ActivityReturnView",
    "ActivityReviewView",
    "ActivityUpdateView",
    "BulkReviewView",
    "CampaignCreateView",
    "CampaignListView",
    "CampaignUpdateView",
    "IndicatorCreateView",
    "IndicatorEntryView",
    "IndicatorListView",
    "IndicatorSummaryView",
    "IndicatorUpdateView",
    "ReviewQueueView",
    "RosterView",
]
