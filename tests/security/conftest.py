from dataclasses import dataclass, field

import pytest
from django.test import Client

from .url_rules import OBJECTS


@dataclass
class World:
    """The district, the personas, and the objects rules point at (built on first use)."""

    district: object
    staff: object
    leader: object
    secretary_a: object
    secretary_b: object
    _built: dict = field(default_factory=dict)

    def obj(self, name: str):
        if name not in OBJECTS:
            raise KeyError(f"url_rules.OBJECTS has no builder named {name!r}")
        if name not in self._built:
            self._built[name] = OBJECTS[name](self)
        return self._built[name]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The personas' passwords are hashed per test; the real hasher's cost buys nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(district, staff, leader, secretary_a, secretary_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return World(district, staff, leader, secretary_a, secretary_b)


@pytest.fixture
def client_for(world):
    """A freshly signed-in client per call, so a sign-out by one request cannot affect the next."""

    def make(persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(getattr(world, persona))
        return client

    return make
