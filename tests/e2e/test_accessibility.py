"""axe-core over the pages the accessibility audit of issue #28 flagged, as a desktop and a phone.

axe-core is vendored in tests/vendor/axe.min.js (from the npm registry, MPL-2.0, licence header
kept): a test asset injected into the page under test, never served by the portal. A page passes
with no serious or critical violation of the WCAG 2.x A/AA rules.
"""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import User
from activities import services
from activities.models import Activity
from core.review import services as review
from core.review.models import Status
from dashboards.selectors import records_in_status

from .conftest import VIEWPORTS, login

pytestmark = pytest.mark.e2e

AXE = (Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WIDTHS = {"desktop": 1366, "phone": 390}
STAFF_PAGES = [
    "/",
    "/activities/",
    "/activities/review/",
    "/activities/calendar/",
    "/activities/new/",  # the organisation picker (threshold lowered below)
    "/members/",
]
SECRETARY_PAGES = ["/", "/activities/"]


class _Labels(HTMLParser):
    """Every label's ``for`` and every element's id, with whether it is a hidden input."""

    def __init__(self):
        super().__init__()
        self.targets: list[str] = []
        self.ids: dict[str, bool] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.targets.append(attrs["for"])
        if attrs.get("id"):
            self.ids[attrs["id"]] = tag == "input" and attrs.get("type") == "hidden"


def labels_on_hidden_controls(page, url: str) -> list[str]:
    """What the Nu HTML checker reports of the page as served: a label for no control, or for a
    hidden one."""
    parser = _Labels()
    parser.feed(page.request.get(url).text())
    return [f"label for={target}" for target in parser.targets if parser.ids.get(target, True)]


def serious_violations(page) -> list[str]:
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            resultTypes: ["violations"],
        })"""
    )
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        for node in violation["nodes"]:
            found.append(f"{violation['id']} {node['target']}: {' '.join(node['failureSummary'].split())}")
    return found


@pytest.fixture
def axe_page(browser):
    """A page at one of WIDTHS whose context lets the test inject axe (the portal's CSP allows
    no inline script, rightly; only the test's own script is let through)."""
    contexts = []

    def open_(kind: str):
        options = {
            **VIEWPORTS[kind],
            "viewport": {"width": WIDTHS[kind], "height": VIEWPORTS[kind]["viewport"]["height"]},
        }
        context = browser.new_context(locale="zh-CN", bypass_csp=True, **options)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def page_problems(page, url: str) -> list[str]:
    page.goto(url)
    found = serious_violations(page) + labels_on_hidden_controls(page, url)
    # Every scrolling table wrapper is a focusable region named after its table.
    regions = page.eval_on_selector_all(
        ".table-responsive",
        "els => els.map(el => [el.tabIndex, el.getAttribute('role'), el.getAttribute('aria-label') || ''])",
    )
    found += [f"table region {r}" for r in regions if r[0] != 0 or r[1] != "region" or not r[2].strip()]
    # A label names a control a person can reach: the picker's labels its visible box.
    found += page.eval_on_selector_all(
        "label[for]",
        """els => els.filter(l => l.checkVisibility() && !(l.control && l.control.checkVisibility()))
                    .map(l => `label for=${l.htmlFor} names a hidden or missing control`)""",
    )
    return found


@pytest.mark.parametrize("kind", WIDTHS)
def test_pages_have_no_serious_axe_violations(journey, axe_page, settings, screenshot, kind):
    # Past 3 organisations every organisation field is the type-ahead picker, as in a city.
    settings.ORGANISATION_PICKER_THRESHOLD = 3
    page = axe_page(kind)
    page.goto(f"{journey.url}/accounts/login/")
    problems = {"/accounts/login/": serious_violations(page)}
    login(page, journey, "staff")
    for path in STAFF_PAGES:
        problems[path] = page_problems(page, f"{journey.url}{path}")
        if path == "/activities/":
            assert page.locator(".table-responsive").count(), "the activity list has a scrolling table"
        if path == "/activities/new/":
            assert page.locator("input[role=combobox]").count(), "the organisation picker is on the form"
    page.goto(f"{journey.url}/")
    screenshot(page, f"a11y-staff-home-{kind}")

    # A secretary's home and list, with the menu's badge of returned records: one more returned.
    user = User.objects.get(username="secretary_a")
    before = records_in_status(user=user, status=Status.RETURNED).activities
    activity = Activity.objects.visible_to(user).filter(status=Status.SUBMITTED).order_by("pk").first()
    review.review_return(
        workflow=services.REVIEW, record=activity, reviewer=User.objects.get(username="staff"), comment="请补充照片。"
    )
    secretary = axe_page(kind)
    login(secretary, journey, "secretary_a")
    expect(secretary.locator("#nav-returned-activities")).to_contain_text(str(before + 1))
    for path in SECRETARY_PAGES:
        problems[f"secretary {path}"] = page_problems(secretary, f"{journey.url}{path}")
    secretary.goto(f"{journey.url}/")
    screenshot(secretary, f"a11y-secretary-home-{kind}")

    report = "\n".join(f"{path}: {line}" for path, found in problems.items() for line in found)
    assert not report, report
