"""Every page and export with data: a strict Content-Security-Policy and no caching of personal data."""

import re

import pytest
from django.test import Client

from tests.factories import ChiefElectionFactory, HamletFactory
from tests.personas import make_user

pytestmark = pytest.mark.django_db

INLINE = re.compile(r"<script(?![^>]*\bsrc=)|\sstyle=\"|\son[a-z]+=\"", re.IGNORECASE)


@pytest.fixture
def client_and_hamlet():
    hamlet = HamletFactory()
    ChiefElectionFactory(hamlet=hamlet)
    client = Client()
    client.force_login(make_user("board", district=hamlet.commune.district))
    return client, hamlet


def urls(hamlet) -> list[str]:
    return ["/", "/?term=2022-2025&as_of=2022-07-15", "/hamlets/", f"/hamlets/{hamlet.pk}/",
            f"/hamlets/{hamlet.pk}/edit/", "/hamlets/new/", "/import/", "/units/unplaced/",
            "/hamlets/?_export=csv", "/hamlets/?_export=xlsx", "/report.xlsx?term=2022-2025&as_of=2022-07-15",
            "/import/template.xlsx"]


def test_pages_and_exports_are_private_and_never_stored(client_and_hamlet):
    client, hamlet = client_and_hamlet
    for url in urls(hamlet):
        response = client.get(url)
        assert response.status_code == 200, url
        cache = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache, url


def test_strict_content_security_policy_and_no_inline_script_or_style(client_and_hamlet):
    client, hamlet = client_and_hamlet
    for url in urls(hamlet):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, url
        assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
        if response["Content-Type"].startswith("text/html"):
            assert not INLINE.findall(response.content.decode()), url


def test_the_login_page_too():
    response = Client().get("/accounts/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert not INLINE.findall(response.content.decode())
