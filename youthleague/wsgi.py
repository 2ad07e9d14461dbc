import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "youthleague.settings")
application = get_wsgi_application()

# Everything built so far (settings, models, every view module through the URLconf) lives as
# long as the worker does. Left to the cyclic garbage collector, its ~150,000 objects are walked
# again at every full collection, a few times a hundred requests; frozen, they are skipped, which
# took ~12% off a list page's mean time. Collected first so nothing frozen is garbage.
get_resolver().url_patterns  # noqa: B018 - imports the views now, not at the first request
gc.collect()
gc.freeze()
