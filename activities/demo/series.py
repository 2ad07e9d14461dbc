"""Records that stand for a series, figures the source gave approximately, and figures it did
not give: the shapes real summaries state (开展宣讲8期, 200余名团员, 约800人次, a count without
its participants)."""

from datetime import date

from ..models import ActivityKind, Audience
from .base import Builder


def series_and_source_figures(b: Builder) -> None:
    district = b.tree.district
    for year in (2024, 2025):
        # A lecture tour of several 期, entered once, with its reach and an approximate count.
        b.add(
            org=district,
            title="“青春心向党·建功新时代”青年宣讲团主题宣讲",
            kind=ActivityKind.LECTURE_TOUR,
            day=date(year, 3, 12),
            end=date(year, 6, 20),
            sessions=8,
            session_unit="期",
            reach="宣讲团成员深入学校、企业、村（社区）",
            participants=200,
            participants_qualifier="余",
            summary="区级、街道级宣讲员组成宣讲团，分8期深入学校、企业、村（社区）开展宣讲。",
        )
        # Visits: where they reached, in the source's words; no participants given.
        b.add(
            org=district,
            title="“我为青年办实事”走访调研",
            kind=ActivityKind.GRASSROOTS_VISIT,
            day=date(year, 4, 8),
            end=date(year, 6, 28),
            reach="团干部走访村（社区）120个、企业95家",
            summary="团干部带着问题走访村（社区）和企业，了解青年急难愁盼。",
        )
        # Twelve sessions of volunteering whose person-times the source gave as 约800.
        b.add(
            org=district,
            title="“文明交通·青春护航”志愿服务",
            kind=ActivityKind.VOLUNTEER,
            day=date(year, 9, 3),
            end=date(year, 11, 29),
            audience=Audience.MEMBERS_YOUTH,
            sessions=12,
            person_times=800,
            person_times_qualifier="约",
            summary="青年志愿者在主要路口开展文明交通劝导。",
        )
