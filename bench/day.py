"""Locust users for ``make bench BENCH_MIX=day``: a city's working day (issue #31).

Three kinds of people by weight, each pausing as a person does between pages: secretaries
(75%), committee staff (20%) and leaders (5%). Their steps are bench.journeys's, shared with the
test that keeps this scenario working. Run by bench.day_run, one locust run per step of users.

Environment:
  BENCH_DAY_PLAN  the JSON file bench.day_run wrote (journeys.Plan: sessions, branches, members)
  BENCH_THINK     "low-high": seconds each user pauses between pages (default 5-15)
  BENCH_WEIGHTS   "secretaries,staff,leaders" (default 75,20,5)
"""

import itertools
import json
import os
import random
from pathlib import Path

from locust import HttpUser, between

from bench.journeys import Http, Leader, Plan, Secretary, Staff

PLAN = (
    Plan(**json.loads(Path(os.environ["BENCH_DAY_PLAN"]).read_text())) if os.environ.get("BENCH_DAY_PLAN") else Plan()
)
_low, _, _high = os.environ.get("BENCH_THINK", "5-15").partition("-")
THINK = between(float(_low), float(_high or _low))
WEIGHTS = [int(w) for w in os.environ.get("BENCH_WEIGHTS", "75,20,5").split(",")]
_counters = {"secretary": itertools.count(), "staff": itertools.count(), "leader": itertools.count()}


def _pick(role: str, people: list):
    return people[next(_counters[role]) % len(people)]


def _tasks(journey) -> dict:
    """locust tasks (callables taking the user) for each step of a journey class, by its weight."""

    def step(name):
        return lambda user: getattr(user.journey, name)()

    return {step(name): weight for name, weight in journey.tasks.items()}


class _Person(HttpUser):
    abstract = True
    wait_time = THINK

    def http(self, session: str) -> Http:
        return Http(self.client, session=session, base_url=self.host, locust=True)


class SecretaryUser(_Person):
    weight = WEIGHTS[0]
    tasks = _tasks(Secretary)

    def on_start(self):
        person = _pick("secretary", PLAN.secretaries)
        self.journey = Secretary(self.http(person["session"]), person, random.Random())


class StaffUser(_Person):
    weight = WEIGHTS[1]
    tasks = _tasks(Staff)

    def on_start(self):
        self.journey = Staff(self.http(_pick("staff", PLAN.staff)), PLAN, random.Random())


class LeaderUser(_Person):
    weight = WEIGHTS[2]
    tasks = _tasks(Leader)

    def on_start(self):
        self.journey = Leader(self.http(_pick("leader", PLAN.leaders)), random.Random())
