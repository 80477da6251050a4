from __future__ import annotations

import math

import pytest
from django.utils import translation

from hamlets import bounds
from tests.factories import DistrictFactory, ProvinceFactory, TermFactory

# The whole run sees the day it started in Vietnam: test modules work out "tomorrow" when they are collected,
# and a run crossing midnight in Vietnam (17:00 UTC) found that day to be today (a date "after today" saved).
# ``test_bounds`` sets ``bounds._today`` itself where it tests the day being worked out again.
bounds._today = (math.inf, bounds.today())


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.3 s a user; tests are about scope, not hash strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def commands_in_vietnamese(monkeypatch):
    """Commands speak Vietnamese unless a test asks otherwise, whatever the shell running the tests sets."""
    monkeypatch.delenv("CT_LANGUAGE", raising=False)


@pytest.fixture
def in_english():
    """The interface's other language: messages built during the test come in English
    (Vietnamese otherwise, the default language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def commands_in_english(monkeypatch):
    """Management commands speak English (``CT_LANGUAGE=en``), Vietnamese otherwise."""
    monkeypatch.setenv("CT_LANGUAGE", "en")


@pytest.fixture
def term(db):
    return TermFactory(start_year=2022, end_year=2025)


@pytest.fixture
def nghe_an(db):
    return ProvinceFactory(code=40, name="Tỉnh Nghệ An")


@pytest.fixture
def district_of(nghe_an):
    """Makes a district of Nghệ An by name: ``district_of("Huyện Thanh Chương")``."""
    codes = iter(range(400, 500))

    def make(name: str):
        return DistrictFactory(code=next(codes), name=name, province=nghe_an)

    return make


@pytest.fixture
def world(term):
    from tests.personas import build_world

    return build_world(term)
