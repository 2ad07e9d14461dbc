"""A real Celery worker's log masks ID numbers too (it installs handlers of its own)."""

import pytest

from core.tasks import run_export

from ..celery_processes import celery_processes, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ID_NUMBER = "110105199003071394"


def test_a_failing_task_with_an_id_in_its_error_is_logged_masked(tmp_path):
    log = tmp_path / "worker.log"
    with celery_processes(beat=False, log_dir=tmp_path):
        # Not a UUID: the task fails with the value in the exception's text.
        run_export.delay(ID_NUMBER)
        failed = wait_for(lambda: "run_export" in log.read_text() and "ValidationError" in log.read_text(), timeout=90)
    text = log.read_text()
    assert failed, text[-3000:]
    assert ID_NUMBER not in text
    assert "110105********1394" in text
