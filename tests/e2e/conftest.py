"""Browser journeys: real headless Chromium (Debian's) driven by Playwright against the live
server. Every page a journey visits must raise no JavaScript console error (a CSP violation
is one) and pass axe-core with no serious or critical violation.

Run with ``make test-e2e`` (which installs axe-core under var/e2e/); the default ``make
test`` leaves these tests out (marker ``e2e``).

One module per app's journeys, each person a ``journey(name)`` tab calling ``check(step)``
on every page: ``test_aides_journeys.py`` (dossiers), ``test_pages.py`` (public and staff
pages); the DLA chargé's journey (accompaniment, bilan) belongs in ``test_dla_journeys.py``
and the facilitator's (hours) in ``test_clauses_journeys.py``."""

import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.aides.conftest import campaign, commission, draft  # noqa: F401 (dossier fixtures)
from tests.e2e.crawler import AXE_OPTIONS, BLOCKING_IMPACTS, CHROMIUM, CHROMIUM_FLAGS

AXE = Path(
    os.environ.get("IAE_AXE_JS", settings.BASE_DIR / "var/e2e/node_modules/axe-core/axe.min.js")
)
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
PASSWORD = "motdepasse-de-test"  # tests/structures/factories.UserFactory's


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls
    # (factories, checks) are plain synchronous code all the same.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Journey:
    """One person's browser tab, with the checks every page of a journey gets."""

    def __init__(self, browser, live_server, name):
        self.context = browser.new_context(locale="fr-FR", accept_downloads=True)
        self.page = self.context.new_page()
        self.base = live_server.url
        self.name = name
        self.errors = []
        self.shots = 0
        self.page.on(
            "console",
            lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"),
        )
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))

    def goto(self, path):
        response = self.page.goto(self.base + path)
        assert response.ok, f"{path}: HTTP {response.status}"
        return response

    def login(self, user):
        self.goto("/connexion/")
        self.page.get_by_label("Adresse e-mail").fill(user.email)
        self.page.get_by_label("Mot de passe").fill(PASSWORD)
        self.page.get_by_role("button", name="Se connecter").click()
        self.page.wait_for_url(self.base + "/")

    def check(self, step):
        """Screenshot, no console error so far, and axe-core on the page as it is."""
        self.page.wait_for_load_state("load")
        self.shots += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", f"{self.name}-{self.shots:02d}-{step}".lower())
        self.page.screenshot(path=SCREENSHOTS / f"{slug.strip('-')}.png", full_page=True)
        assert self.errors == [], f"{step}: {self.errors}"
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol: the page's CSP stays untouched.
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        results = self.page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        blocking = [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in results["violations"]
            if v["impact"] in BLOCKING_IMPACTS
        ]
        assert blocking == [], f"{step} ({self.page.url}):\n{json.dumps(blocking, indent=1)}"

    def close(self):
        self.context.close()


@pytest.fixture
def journey(browser, live_server):
    """``journey(name)``: a new browser tab (its own cookies) for one person."""
    if not AXE.exists():
        pytest.fail(f"axe-core missing at {AXE}: run `make test-e2e` (it installs it)")
    opened = []

    def open_journey(name):
        opened.append(Journey(browser, live_server, name))
        return opened[-1]

    yield open_journey
    for journey in opened:
        journey.close()
    for journey in opened:
        assert journey.errors == [], f"{journey.name}: {journey.errors}"
