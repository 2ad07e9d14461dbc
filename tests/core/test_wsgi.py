"""The WSGI entry point production runs (gunicorn youthleague.wsgi)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_start_up_objects_are_frozen_out_of_the_garbage_collector():
    """What the worker builds before its first request (settings, models, the views through the
    URLconf) is frozen, so full collections skip it."""
    code = (
        "import gc, sys, youthleague.wsgi as w; "
        "print(callable(w.application), 'activities.views' in sys.modules, gc.get_freeze_count())"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "youthleague.settings"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    app, views_imported, frozen = result.stdout.split()
    assert app == "True" and views_imported == "True"
    assert int(frozen) > 50_000
