"""Dates, months, years and ids typed into a URL: out of range or malformed, never a 500.

Every view that reads a date, a month, a year or a period from its query string is listed here
with the parameters it reads. Values outside 1949..2100 are refused: with a 400 and a Chinese
page for a parameter read on its own, as an error beside the field for a filter form. Text that
is no date at all keeps the page's default (or the form's "invalid date").
"""

import pytest
from django.test import Client
from django.urls import reverse

from ..obligations.factories import ObligationFactory

VALUES = {
    "dates": ["0001-01-01", "9999-12-31", "1948-12-31", "2101-01-01", "0000-00-00", "10000-01-01", "2024-02-30", "-1"],
    "months": ["9999-12", "0001-01", "0000-01", "99999-01", "2101-01", "1948-12", "2024-13", "2024-00", "-5-01", "x"],
    "years": ["0", "1", "1948", "2101", "9999", "10000", "99999999999999999999", "-1", "x"],
    "periods": ["9999-H1", "0001-H2", "0", "99999999999999999999", "2024-H3"],
    "ids": ["99999999999999999999999", "-1", "abc", "1e9"],
}

# Refused by a filter form: real dates (months) before 1949 or after 2100 ...
FORM_REFUSED = {
    "dates": {"0001-01-01", "9999-12-31", "1948-12-31", "2101-01-01"},
    "months": {"9999-12", "0001-01", "2101-01", "1948-12"},
}
# ... and, read on its own, any year outside 1949..2100, of a date, a month or a year alone.
BARE_REFUSED = {
    "dates": FORM_REFUSED["dates"] | {"0000-00-00", "10000-01-01"},
    "months": {"9999-12", "0001-01", "0000-01", "99999-01", "2101-01", "1948-12"},
    "years": {"0", "1", "1948", "2101", "9999", "10000", "99999999999999999999", "-1"},
}
FORM_ERROR = "日期应在1949年1月1日至2100年12月31日之间"

BARE, FORM, ANY = "bare", "form", "any"


def cases():
    """(url name, parameter, kind of values, extra query, how it answers) for every dated URL parameter.

    BARE: a parameter read on its own answers 400 out of range. FORM: a filter form's field
    shows the range error on the page. ANY: must only not fail (choices, ids).
    """
    return [
        ("activities:calendar", "month", "months", {}, BARE),
        ("activities:calendar", "date_from", "dates", {}, FORM),
        ("activities:list", "date_from", "dates", {}, FORM),
        ("activities:list", "date_to", "dates", {}, FORM),
        ("activities:review", "date_from", "dates", {}, FORM),
        ("activities:review", "date_to", "dates", {}, FORM),
        ("activities:indicator_entry", "month", "months", {"organisation": "__org__"}, FORM),
        ("activities:indicator_summary", "year", "years", {"part": "h1"}, ANY),
        ("core:audit_list", "since", "dates", {}, FORM),
        ("core:audit_list", "until", "dates", {}, FORM),
        ("honours:list", "start", "dates", {}, FORM),
        ("honours:list", "end", "dates", {}, FORM),
        ("honours:list", "period", "periods", {}, ANY),
        ("honours:summary", "start", "dates", {}, FORM),
        ("honours:summary", "end", "dates", {}, FORM),
        ("honours:summary", "period", "periods", {}, ANY),
        ("members:list", "joined_from", "dates", {}, FORM),
        ("members:list", "joined_to", "dates", {}, FORM),
        ("members:list", "after", "ids", {}, ANY),
        ("members:list", "before", "ids", {}, ANY),
        ("members:cohorts", "year", "years", {}, BARE),
        ("obligations:compliance", "on", "dates", {"period": "date"}, FORM),
        ("obligations:compliance", "ends_by", "dates", {}, FORM),
        ("obligations:cell", "on", "dates", {}, BARE),
        ("obligations:reminders", "created_from", "dates", {}, FORM),
        ("obligations:reminders", "created_to", "dates", {}, FORM),
        ("security:history", "since", "dates", {}, FORM),
        ("security:history", "until", "dates", {}, FORM),
    ]


def expand():
    for name, param, kind, extra, how in cases():
        for value in VALUES[kind]:
            yield pytest.param(name, param, kind, value, extra, how, id=f"{name}-{param}={value}")


@pytest.fixture
def urls(district):
    obligation = ObligationFactory(name="支委会")
    return {"obligations:cell": reverse("obligations:cell", args=[district.branch_a.pk, obligation.pk])}


@pytest.mark.parametrize("name, param, kind, value, extra, how", list(expand()))
def test_no_dated_parameter_is_a_server_error(name, param, kind, value, extra, how, urls, staff, district):
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    url = urls.get(name) or reverse(name)
    query = {k: (district.branch_a.pk if v == "__org__" else v) for k, v in extra.items()}
    response = client.get(url, {**query, param: value})
    body = response.content.decode()
    assert response.status_code != 500, body[-2000:]
    if how == BARE:
        refused = value in BARE_REFUSED[kind]
        assert response.status_code == (400 if refused else 200)
        if refused:
            assert "超出范围" in body and "1949年1月1日至2100年12月31日" in body
    elif how == FORM:
        assert response.status_code == 200
        assert (FORM_ERROR in body) == (value in FORM_REFUSED[kind])


def test_the_calendar_and_the_cell_stop_their_links_at_the_range(staff_client, district):
    last = staff_client.get(reverse("activities:calendar"), {"month": "2100-12"})
    assert last.status_code == 200 and last.context["next_month"] is None and "下月" not in last.content.decode()
    assert last.context["prev_month"].isoformat() == "2100-11-01"
    first = staff_client.get(reverse("activities:calendar"), {"month": "1949-01"})
    assert first.context["prev_month"] is None and first.context["next_month"].isoformat() == "1949-02-01"
    obligation = ObligationFactory(name="支委会")
    cell = reverse("obligations:cell", args=[district.branch_a.pk, obligation.pk])
    end = staff_client.get(cell, {"on": "2100-12-31"})
    assert end.status_code == 200 and end.context["next_on"] is None and "下一周期" not in end.content.decode()


@pytest.mark.parametrize(
    "exporter, query",
    [
        ("compliance", "period=date&on=9999-12-31"),
        ("compliance", "ends_by=0001-01-01"),
        ("reminders", "created_to=9999-12-31"),
        ("activities", "date_from=0001-01-01"),
        ("members", "joined_to=9999-12-31"),
        ("honours", "end=9999-12-31"),
    ],
)
def test_an_export_of_a_list_filtered_out_of_range_is_no_server_error(exporter, query, staff, district):
    """An export reads the list's query through the same filter form as the page."""
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    ObligationFactory(name="支委会")
    response = client.post(reverse("core:export_start"), {"exporter": exporter, "query": query})
    assert response.status_code != 500, response.content.decode()[-2000:]
