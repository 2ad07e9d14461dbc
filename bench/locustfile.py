"""Locust user for ``make bench``: requests one page, signed in, as fast as it answers or with a
person's pause between pages.

Run by bench.http, one page at a time. Environment:
  BENCH_PATH      the page (path and query)
  BENCH_SESSIONS  comma-separated session keys, one per simulated user
  BENCH_THINK     "low-high": seconds each user pauses between pages (absent or 0: none,
                  every user asks again as soon as it has its answer)

The session cookie is sent as a header: with DEBUG off the portal marks it Secure, and the
client would not send a Secure cookie over the bench's plain HTTP. X-Forwarded-Proto says
https as the TLS proxy in front of production does.
"""

import itertools
import os

from locust import HttpUser, between, constant, task

PATH = os.environ.get("BENCH_PATH", "/")
SESSIONS = [s for s in os.environ.get("BENCH_SESSIONS", "").split(",") if s]
_next = itertools.count()


def _think():
    low, _, high = os.environ.get("BENCH_THINK", "0").partition("-")
    return between(float(low), float(high or low)) if float(high or low) > 0 else constant(0)


class PageUser(HttpUser):
    wait_time = _think()

    def on_start(self):
        key = SESSIONS[next(_next) % len(SESSIONS)] if SESSIONS else ""
        self.headers = {"X-Forwarded-Proto": "https"}
        if key:
            self.headers["Cookie"] = f"sessionid={key}"

    @task
    def page(self):
        with self.client.get(PATH, headers=self.headers, allow_redirects=False, catch_response=True) as response:
            # A redirect here is the login page: the session was not accepted.
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
