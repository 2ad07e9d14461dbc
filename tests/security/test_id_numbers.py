"""No log line, audit row or error page carries an 18-digit ID number."""

import io
import logging
from datetime import date, timedelta

import pytest
from django.test import Client

from core.audit import audit_record, mask_id_numbers
from core.models import AuditAction, AuditEvent
from members import idcard
from security.logging import MaskIdNumbersFilter

from .error_urls import ID_NUMBER

OTHER_ID = "110105199003071394"
MASKED = "450202********138X"


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
    assert output.count(MASKED) == 3 and "110105********1394" in output
    assert "ValueError: bad ID 110105********1394" in output  # the traceback is kept, masked


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
    assert "Not Found" in log and OTHER_ID not in log and "110105********1394" in log


def test_an_audit_row_never_holds_an_id(staff):
    event = audit_record(
        user=staff,
        action=AuditAction.REVEAL_ID,
        target=f"团员 张三 {ID_NUMBER}",
        description=f"查看 {OTHER_ID}；导出条件 q={ID_NUMBER}",
    )
    stored = AuditEvent.objects.filter(pk=event.pk).values_list("target", "description").get()
    assert ID_NUMBER not in "".join(stored) and OTHER_ID not in "".join(stored)
    assert stored == (f"团员 张三 {MASKED}", f"查看 110105********1394；导出条件 q={MASKED}")


def test_the_audit_page_shows_no_id(staff_client, staff):
    audit_record(user=staff, action=AuditAction.EXPORT, target="名册", description=f"q={OTHER_ID}", row_count=1)
    body = staff_client.get("/audit/").content.decode()
    assert OTHER_ID not in body and "110105********1394" in body


def test_masking_is_the_audit_modules(staff):
    assert mask_id_numbers(f"a{ID_NUMBER}b") == f"a{MASKED}b"
    # Part of a longer run of digits: not an ID.
    assert mask_id_numbers(f"9{ID_NUMBER}") == f"9{ID_NUMBER}"
    assert mask_id_numbers(f"{OTHER_ID}5") == f"{OTHER_ID}5"
    assert mask_id_numbers("1234567890123456789X") == "1234567890123456789X"


# Only what is shaped like a resident ID is masked: a region code, a real birth date from 1900
# to today, a sequence and the MOD 11-2 check character, standing alone (not inside a longer
# run of digits or a decimal).
VALID_IDS = [
    idcard.make("450202", date(2000, 1, 1), 138),  # check character X
    idcard.make("110105", date(1990, 3, 7), 139),
    idcard.make("650102", date(1900, 1, 1), 2),
    idcard.make("330106", date.today() - timedelta(days=1), 5),
]


@pytest.mark.parametrize("number", VALID_IDS)
def test_a_real_id_is_masked_in_the_message_args_and_exception(number):
    masked = idcard.mask(number)
    try:
        raise ValueError(f"bad ID {number}")
    except ValueError:
        import sys

        exc_info = sys.exc_info()
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "row %s: %s", (number, {"id": number}), exc_info)
    MaskIdNumbersFilter().filter(record)
    assert record.getMessage() == f"row {masked}: {{'id': '{masked}'}}"
    assert number not in record.exc_text and f"ValueError: bad ID {masked}" in record.exc_text
    lower = number.lower()
    assert mask_id_numbers(f"身份证号{lower}，请核对。") == f"身份证号{idcard.mask(lower)}，请核对。"
    assert mask_id_numbers(f"id={number}.") == f"id={masked}."
    if number.endswith("X"):  # no decimal ends in X: "1.<id>" in a numbered list is masked
        assert mask_id_numbers(f"1.{number}") == f"1.{masked}"


def _with_check(first17: str, *, valid: bool) -> str:
    check = idcard.check_character(first17)
    if valid:
        return first17 + check
    return first17 + ("0" if check != "0" else "1")


@pytest.mark.parametrize(
    "text",
    [
        # A task's timing whose 18 decimals happen to read as a valid ID.
        f"Task core.tasks.run_export succeeded in 0.{VALID_IDS[1]}s: None",
        f"took 12.{VALID_IDS[3]} s",
        f"ratio {VALID_IDS[1]}.5",
        # 18-digit order and transaction numbers: wrong check character, impossible date, no region.
        "order " + _with_check("45020220000101123", valid=False),
        "order " + _with_check("45020220001301123", valid=True),  # month 13
        "order " + _with_check("45020218991231123", valid=True),  # born before 1900
        "order " + _with_check(f"450202{date.today().year + 1}0101123", valid=True),  # born next year
        "order " + _with_check("99020220000101123", valid=True),  # no province 99
        "serial 1234567890123456789",
        # Longer runs of digits that contain a valid ID.
        f"9{VALID_IDS[1]}",
        f"{VALID_IDS[1]}5",
        f"trace {VALID_IDS[1]}{VALID_IDS[1]}",
    ],
)
def test_numbers_not_shaped_like_an_id_are_left_alone(text):
    assert mask_id_numbers(text) == text
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s", (text,), None)
    MaskIdNumbersFilter().filter(record)
    assert record.getMessage() == text
