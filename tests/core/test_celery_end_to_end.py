"""Beat, broker and worker together: the heartbeat goes round the real loop."""

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from core.models import Heartbeat
from core.services import BEAT_HEARTBEAT

from ..celery_processes import celery_processes, wait_for


def _broker_isolated_var(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    return var


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_beat_sends_the_heartbeat_and_the_worker_records_it(tmp_path):
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update_or_create(
        name="heartbeat (test)", defaults={"task": "core.heartbeat", "interval": every_second, "enabled": True}
    )

    def beats() -> int:
        row = Heartbeat.objects.filter(name=BEAT_HEARTBEAT).first()
        return row.count if row else 0

    with celery_processes(beat=True, var_dir=_broker_isolated_var(tmp_path), log_dir=tmp_path) as procs:
        ok = wait_for(lambda: beats() >= 2, timeout=90)
        for proc, _ in procs.values():
            assert proc.poll() is None, "a Celery process died"
    logs = "\n".join(p.read_text() for p in tmp_path.glob("*.log"))
    assert ok, f"no heartbeat recorded; logs:\n{logs[-4000:]}"
    assert "core.heartbeat" in logs


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_queued_task_runs_on_a_real_worker(tmp_path):
    from core.tasks import heartbeat

    var = _broker_isolated_var(tmp_path)
    with celery_processes(beat=False, var_dir=var, log_dir=tmp_path):
        # Publish from this process with the same broker settings the worker uses.
        from django.conf import settings

        if settings.CELERY_BROKER_URL.startswith("filesystem"):
            pytest.skip("the filesystem broker folder is per VAR_DIR; covered by the beat test")
        heartbeat.delay()
        ok = wait_for(lambda: Heartbeat.objects.filter(name=BEAT_HEARTBEAT).exists(), timeout=60)
    assert ok, (tmp_path / "worker.log").read_text()[-4000:]
