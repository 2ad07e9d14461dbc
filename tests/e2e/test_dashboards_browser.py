"""The dashboards in a real browser: each role's charts draw under the site's CSP, on a desktop
and on a phone, and a figure's link opens the list that shows the same number.

One test, so that the demo district is loaded once."""

import re

import pytest

from .conftest import login

pytestmark = pytest.mark.e2e

VIEWPORTS = ({"width": 1280, "height": 900}, {"width": 390, "height": 844})
DRAWN = "() => [...document.querySelectorAll('canvas[data-chart]')].every(c => !!Chart.getChart(c))"


def _digits(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def test_dashboards_draw_and_drill_down(live_server, demo_data, browser, screenshot):
    for username in ("staff", "leader", "secretary_a"):
        for viewport in VIEWPORTS:
            context = browser.new_context(viewport=viewport, locale="zh-CN")
            page = context.new_page()
            problems = []
            page.on("console", lambda msg, problems=problems: msg.type == "error" and problems.append(msg.text))
            page.on("pageerror", lambda exc, problems=problems: problems.append(str(exc)))
            login(page, live_server, username)
            page.locator("canvas[data-chart]").first.wait_for()
            # Chart.js drew on every canvas: the vendored script ran under the CSP, without errors.
            assert page.evaluate(DRAWN), username
            assert not problems, (username, problems)
            page.locator("details summary").first.click()
            assert page.locator("#trend-table tbody tr").count() == 12
            screenshot(page, f"dashboard-{username}-{viewport['width']}")
            context.close()

    context = browser.new_context(viewport=VIEWPORTS[0], locale="zh-CN")
    page = context.new_page()
    login(page, live_server, "staff")
    figure = page.locator('[data-figure="trend_activities"]')
    value = _digits(figure.inner_text())
    figure.click()
    page.wait_for_url(re.compile(r"/activities/\?"))
    shown = page.locator("#activity-totals strong").first.inner_text()
    assert _digits(shown) == value
    screenshot(page, "dashboard-drilldown")
    context.close()
