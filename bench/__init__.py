"""``make bench``: the city-scale data set, the measurements, and the table of figures.

A tool beside the product: production settings neither install nor route it. ``BENCH=1`` (set
by ``make bench``) adds it to INSTALLED_APPS for its commands, ``bench`` and ``bench_reminders``.

- ``city``: grows the demo district to city scale (COPY, PostgreSQL only).
- ``measure``: report compile, export, import and the reminder run (``reminders``).
- ``http``: gunicorn as production runs it, and locust against the pages.
- ``table``: the targets, the table printed and written to docs/benchmarks.md.
- ``journeys``, ``day``, ``day_run``: the working day (``--mix day``): the people's steps, their
  locust users, and the harness that steps the user count to the capacity.
"""
