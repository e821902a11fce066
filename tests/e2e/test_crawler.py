"""The crawler (tests/e2e/crawler.py) over the demo, as every demo person and a visitor.

``make test-e2e`` crawls the default demo (300 structures); ``make test-crawl-large`` (run
once in CI) the same over ``seed_demo --structures 2000`` (``IAE_CRAWL_STRUCTURES``)."""

import io
import os

import pytest
from django.core.management import call_command

from iae_portal.users.demo import DEMO_USERS
from tests.e2e.conftest import AXE, SCREENSHOTS
from tests.e2e.crawler import crawl_as

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STRUCTURES = int(os.environ.get("IAE_CRAWL_STRUCTURES", "300"))
PEOPLE = [("anonyme", None)] + [(demo.email.split("@")[0], demo.email) for demo in DEMO_USERS]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_every_page_each_person_reaches_reads_right(browser, live_server):
    call_command("seed_demo", structures=STRUCTURES, stdout=io.StringIO())
    report, findings = [], []
    for who, email in PEOPLE:
        crawl = crawl_as(
            browser,
            live_server.url,
            who,
            email,
            axe_js=AXE.read_text(encoding="utf-8"),
            # Screenshots are for people to look at: not taken in CI, where nobody does.
            screenshots=None if os.environ.get("CI") else SCREENSHOTS / f"crawler-{STRUCTURES}",
        )
        report.append(f"{who}: {crawl.opened} pages ouvertes, {crawl.fetched} liens vérifiés")
        findings.extend(crawl.findings)
        assert crawl.opened >= (3 if email else 2), f"{who}: too few pages reached"
    print("\n".join(report))
    assert not findings, f"{len(findings)} défauts :\n" + "\n".join(map(str, findings))
