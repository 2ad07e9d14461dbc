"""The WSGI entry point production runs (gunicorn youthleague.wsgi) and gunicorn's own settings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> list[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "youthleague.settings"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_importing_the_wsgi_module_builds_the_application_and_freezes_nothing():
    app, frozen = _run("import gc, youthleague.wsgi as w; print(callable(w.application), gc.get_freeze_count())")
    assert app == "True" and int(frozen) == 0


def test_a_gunicorn_worker_freezes_its_start_up_objects_after_loading_the_views():
    """gunicorn.conf.py's post_worker_init: what the worker built before its first request
    (settings, models, the views through the URLconf) is frozen, so full collections skip it."""
    code = (
        "import gc, runpy, sys, youthleague.wsgi; "
        "hooks = runpy.run_path('gunicorn.conf.py'); "
        "before = 'activities.views' in sys.modules; "
        "hooks['post_worker_init'](None); "
        "print(before, 'activities.views' in sys.modules, gc.get_freeze_count())"
    )
    before, after, frozen = _run(code)
    assert before == "False" and after == "True"
    assert int(frozen) > 50_000
