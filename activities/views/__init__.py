from .activities import (
    ActivityCalendarView,
    ActivityCreateView,
    ActivityDeleteView,
    ActivityDetailView,
    ActivityListView,
    ActivityPickView,
    ActivitySubmitView,
    ActivityUpdateView,
    ActivityWithdrawView,
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
from .review import ActivityApproveView, ActivityReturnView, BulkReviewView, ReviewQueueView

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
    "ActivitySubmitView",
    "ActivityUpdateView",
    "ActivityWithdrawView",
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
