"""No log line, audit row or error page carries an 18-digit ID number."""

import io
import logging

import pytest
from django.test import Client

from core.audit import audit_record, mask_id_numbers
from core.models import AuditAction, AuditEvent
from security.logging import MaskIdNumbersFilter

from .error_urls import ID_NUMBER

OTHER_ID = "110105199003071234"
MASKED = "450202********123X"


@pytest.fixture
def console():
    """The configured root handlers, writing into a buffer for the test."""
    buffer = io.StringIO()
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    configured = [h for h in handlers if any(isinstance(f, MaskIdNumbersFilter) for f in h.filters)]
    assert configured, "the root logger has no handler with the ID-masking filter"
    previous = [h.setStream(buffer) for h in configured]
    yield buffer
    for handler, stream in zip(configured, previous, strict=True):
        handler.setStream(stream)


def test_every_root_handler_masks_id_numbers():
    handlers = logging.getLogger().handlers
    ours = [h for h in handlers if not type(h).__module__.startswith("_pytest")]
    assert ours and all(any(isinstance(f, MaskIdNumbersFilter) for f in h.filters) for h in ours)


def test_a_log_line_with_an_id_number_is_masked(console):
    logger = logging.getLogger("members.import")
    logger.warning("Row 3: duplicate ID %s and %s", ID_NUMBER, OTHER_ID)
    logger.warning(f"inline {ID_NUMBER}")
    try:
        raise ValueError(f"bad ID {OTHER_ID}")
    except ValueError:
        logger.exception("import failed for %s", ID_NUMBER)
    output = console.getvalue()
    assert ID_NUMBER not in output and OTHER_ID not in output
    assert output.count(MASKED) == 3 and "110105********1234" in output
    assert "ValueError: bad ID 110105********1234" in output  # the traceback is kept, masked


def test_the_filter_leaves_other_numbers_alone():
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "order %s phone %s", ("1234567890123456789", "13800138000"), None
    )
    MaskIdNumbersFilter().filter(record)
    assert record.getMessage() == "order 1234567890123456789 phone 13800138000"


@pytest.mark.urls("tests.security.error_urls")
@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_server_error_page_and_its_log_hide_the_id(debug, settings, secretary_a, console):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    client.force_login(secretary_a)
    response = client.get("/boom/", {"q": OTHER_ID})
    assert response.status_code == 500
    body = response.content.decode()
    assert ID_NUMBER not in body and OTHER_ID not in body
    if debug:  # Django's technical page shows the exception: masked, not dropped
        assert MASKED in body
    log = console.getvalue()
    assert "Internal Server Error: /boom/" in log and "RuntimeError" in log
    assert ID_NUMBER not in log and OTHER_ID not in log and MASKED in log


@pytest.mark.urls("tests.security.error_urls")
@pytest.mark.parametrize("path, status", [("/boom/404/", 404), ("/boom/403/", 403), ("/boom/400/", 400)])
@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_refusal_pages_hide_the_id(path, status, debug, settings, secretary_a, console):
    settings.DEBUG = debug
    client = Client()
    client.force_login(secretary_a)
    response = client.get(path, {"q": OTHER_ID})
    assert response.status_code == status
    body = response.content.decode()
    assert ID_NUMBER not in body and OTHER_ID not in body
    assert ID_NUMBER not in console.getvalue() and OTHER_ID not in console.getvalue()


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_a_not_found_url_made_of_an_id_is_masked(debug, settings, secretary_a_client, console):
    settings.DEBUG = debug
    response = secretary_a_client.get(f"/members/{OTHER_ID}/")
    assert response.status_code == 404
    assert OTHER_ID not in response.content.decode()
    log = console.getvalue()
    assert "Not Found" in log and OTHER_ID not in log and "110105********1234" in log


def test_an_audit_row_never_holds_an_id(staff):
    event = audit_record(
        user=staff,
        action=AuditAction.REVEAL_ID,
        target=f"团员 张三 {ID_NUMBER}",
        description=f"查看 {OTHER_ID}；导出条件 q={ID_NUMBER}",
    )
    stored = AuditEvent.objects.filter(pk=event.pk).values_list("target", "description").get()
    assert ID_NUMBER not in "".join(stored) and OTHER_ID not in "".join(stored)
    assert stored == (f"团员 张三 {MASKED}", f"查看 110105********1234；导出条件 q={MASKED}")


def test_the_audit_page_shows_no_id(staff_client, staff):
    audit_record(user=staff, action=AuditAction.EXPORT, target="名册", description=f"q={OTHER_ID}", row_count=1)
    body = staff_client.get("/audit/").content.decode()
    assert OTHER_ID not in body and "110105********1234" in body


def test_masking_is_the_audit_modules(staff):
    assert mask_id_numbers(f"a{ID_NUMBER}b") == f"a{MASKED}b"
    # Part of a longer run of digits: not an ID.
    assert mask_id_numbers(f"9{ID_NUMBER}") == f"9{ID_NUMBER}"
    assert mask_id_numbers(f"{OTHER_ID}5") == f"{OTHER_ID}5"
    assert mask_id_numbers("1234567890123456789X") == "1234567890123456789X"
