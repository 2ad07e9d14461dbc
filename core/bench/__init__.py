"""``make bench``: the city-scale data set, the measurements, and the table of figures against floors.

- ``city``: builds the city-scale data set on top of the demo district (COPY, PostgreSQL only).
- ``measure``: report compile, export, import and the reminder run, each beside its floor.
- ``http``: gunicorn as production runs it, and locust against the pages.
- ``table``: the targets, the table printed and written to docs/benchmarks.md.
"""
