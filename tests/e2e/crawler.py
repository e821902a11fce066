"""What a person sees, checked on every page one can reach: the crawler of issue 14.

Logged in as one person (or anonymous), it follows every same-site link from the home page
(GET only, bounded) and records a finding for:
- a link that answers 403, 404 or 5xx (links one may not follow must not be shown);
- a placeholder text (« apparaîtront ici », « à venir »…);
- a raw internal code in the visible text: snake_case or dotted codes, arrows between codes,
  Python reprs (``['a', 'b']``, ``None``, ``True``);
- an amount not in French format (``43 400,00 €``), a year printed with a thousands
  separator (``2 025``), a localised number in a link (``?year=2%C2%A0025``);
- a duplicate ``id``;
- a table wider than its container at 1280 px, a page that scrolls sideways at 390 px;
- an axe-core serious or critical violation (WCAG 2.1 A and AA).

Each page is loaded in the real browser (Debian's Chromium, through Playwright). Pages of
one shape (same path once identifiers are blanked, same query keys) are opened a few times
only; the layout and accessibility checks run on the first of each shape, the text checks
on every page opened. Downloads (CSV, XLSX, PDF, ZIP) are fetched for their status only.

``python -m tests.e2e.crawler BASE_URL [EMAIL…]`` crawls a running server (demo logins).
"""

import json
import re
import sys
import time
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit, urlunsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "demo-iae-2026"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
BLOCKING_IMPACTS = {"serious", "critical"}

# Not crawled: Django's admin (a technical tool in English), the API and its documentation
# (machine contracts), logout (a POST anyway), static files.
SKIPPED_PREFIXES = ("/admin/", "/api/", "/static/", "/deconnexion/")
HTML = "text/html"

# --- What a person must never read -----------------------------------------------------
PLACEHOLDERS = re.compile(
    r"apparaîtr(?:ont|a) ici|bientôt disponible|prochainement disponible|lorem ipsum|"
    r"\bTODO\b|\bFIXME\b|en construction|\bplaceholder\b|"
    r"(?:page|fonctionnalité|section|contenu|rubrique|module)s?\s+(?:(?:est|sont)\s+)?à venir",
    re.IGNORECASE,
)
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\b[\w-]+\.(?:fr|org|com|net|eu)\b")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
UPPER_SNAKE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")  # PORTEUR_PROJET
# A dotted code such as ``dossier.submit``; file names and domains are not codes.
DOTTED = re.compile(r"\b[a-z][a-z_]*\.[a-z][a-z_]+\b")
FILE_EXTENSIONS = {"pdf", "csv", "xlsx", "zip", "png", "jpg", "jpeg", "json", "txt", "svg", "xls"}
ARROW_BETWEEN_CODES = re.compile(r"(?:^|\s)(?:∅|[a-z_]+) → (?:∅|[a-z_]+)(?:\s|$)", re.MULTILINE)
PYTHON_REPR = re.compile(r"\[['\"]|['\"]\]|\{['\"]|\bNone\b|\bTrue\b|\bFalse\b|Decimal\(")
# A number followed by a euro sign, then whether it is written the French way.
# Separators within one line only: table cells are tab-separated in innerText.
AMOUNT = re.compile(r"(?<![\w,.])(\d+(?:[\u00a0\u202f .,]\d+)*)[\u00a0\u202f ]?(?:k|M|Md)?€")
FRENCH_AMOUNT = re.compile(r"^\d{1,3}(?:[\u00a0\u202f ]\d{3})*(?:,\d+)?$")
# "2 025": a year (2010-2039) with a thousands separator. Hours or counts read the same
# ("2 016" hours in a table), so only where a year is expected: after a word such as
# « bilan », « année », « en », « du » on the same line, or right after a cell « Année ».
LOCALISED_YEAR = re.compile(
    r"(?<![\d,\u00a0\u202f])2[\u00a0\u202f ]0[1-3]\d(?![\d,])"
    r"(?![\u00a0\u202f ]?(?:€|%|h\b|heures?|structures?|dossiers?|lignes?|personnes?|salariés?|ETP|jours?))"
)
YEAR_CONTEXT = re.compile(
    r"\b(?:bilan|ann[ée]es?|exercice|en|de|du|au|depuis|pour|appel|campagne|programme|"
    r"millésime)\b",
    re.IGNORECASE,
)
LOCALISED_NUMBER_IN_URL = re.compile(r"\d(?:%C2%A0|%E2%80%AF|\u00a0|\u202f|%20|\+)\d")


@dataclass
class Finding:
    who: str
    url: str
    kind: str
    detail: str
    via: str = ""

    def __str__(self):
        via = f" (lien depuis {self.via})" if self.via else ""
        return f"[{self.who}] {self.kind}: {self.url}{via}: {self.detail}"


@dataclass
class Crawl:
    who: str
    findings: list = field(default_factory=list)
    opened: int = 0
    fetched: int = 0
    shapes: Counter = field(default_factory=Counter)
    seconds: Counter = field(default_factory=Counter)

    def add(self, url, kind, detail, via=""):
        self.findings.append(Finding(self.who, url, kind, str(detail)[:400], via))


def shape(url):
    """The page's shape: identifiers blanked in the path, query keys without values."""
    parts = urlsplit(url)
    path = re.sub(
        r"/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "/{uuid}", parts.path
    )
    path = re.sub(r"/[A-Z0-9-]*\d[A-Z0-9-]*(?=/|$)", "/{n}", path)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def normalise(base, href, current):
    """The absolute same-site URL of a link, or None for what is not crawled."""
    if not href or href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    url, _ = urldefrag(urljoin(current, href))
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != base:
        return None
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def text_findings(text):
    """(kind, detail) for what a person must not read in ``text`` (the page's innerText)."""
    found = []
    for match in PLACEHOLDERS.finditer(text):
        found.append(("texte provisoire", context(text, match)))
    readable = EMAIL_OR_URL.sub(" ", text)
    for match in [*SNAKE.finditer(readable), *UPPER_SNAKE.finditer(readable)]:
        found.append(("code interne", context(readable, match)))
    for match in DOTTED.finditer(readable):
        if match.group().rsplit(".", 1)[1] not in FILE_EXTENSIONS:
            found.append(("code interne", context(readable, match)))
    for match in ARROW_BETWEEN_CODES.finditer(readable):
        found.append(("codes reliés par une flèche", context(readable, match)))
    for match in PYTHON_REPR.finditer(readable):
        found.append(("représentation Python", context(readable, match)))
    for match in AMOUNT.finditer(text):
        if not FRENCH_AMOUNT.match(match.group(1).strip()):
            found.append(("montant mal formaté", context(text, match)))
    for match in LOCALISED_YEAR.finditer(text):
        if expects_a_year(text, match.start()):
            found.append(("année avec séparateur", context(text, match)))
    return found


def expects_a_year(text, position):
    """Whether the words before ``position`` (same line or cell, else the cell before) call
    for a year."""
    segments = re.split(r"[\t\n]", text[max(position - 200, 0) : position])
    if YEAR_CONTEXT.search(segments[-1]):
        return True
    return (
        len(segments) > 1
        and segments[-1] == ""
        and bool(YEAR_CONTEXT.fullmatch(segments[-2].strip()))
    )


def context(text, match, width=40):
    start, end = max(match.start() - width, 0), min(match.end() + width, len(text))
    return "…" + " ".join(text[start:end].split()) + "…"


# Evaluated in the page: visible text, links, ids, and the layout at the current width.
PAGE_FACTS = """() => {
  const ids = Array.from(document.querySelectorAll('[id]')).map(e => e.id);
  const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'));
  const tables = Array.from(document.querySelectorAll('table')).map(t => {
    const box = t.parentElement;
    return {caption: (t.caption ? t.caption.innerText : t.innerText).slice(0, 60),
            width: t.scrollWidth, box: box.clientWidth};
  });
  // Text shown as code on purpose (a file's column names, a command) is not an internal code.
  const code = Array.from(document.querySelectorAll('code, kbd, samp')).map(e => e.innerText);
  return {text: document.body.innerText, code, ids, links, tables,
          scroll: document.documentElement.scrollWidth, viewport: window.innerWidth};
}"""


class Crawler:
    """Crawls one person's reachable pages in a browser ``context`` (already logged in)."""

    def __init__(
        self,
        context,
        base,
        who,
        *,
        axe_js=None,
        max_pages=150,
        per_shape=2,
        checked_per_shape=25,
        screenshots=None,
    ):
        self.context = context
        self.page = context.new_page()
        self.base = base.rstrip("/")
        self.axe_js = axe_js
        self.max_pages = max_pages
        self.per_shape = per_shape
        # Links beyond the pages opened are fetched for their status, up to this many of a
        # shape: a link to an object its reader may not open differs by object, not shape.
        self.checked_per_shape = checked_per_shape
        self.checked = Counter()
        self.screenshots = screenshots
        self.crawl = Crawl(who)
        self.console = []
        self.page.on("console", lambda m: m.type == "error" and self.console.append(m.text))
        self.page.on("pageerror", lambda error: self.console.append(str(error)))

    def run(self, start="/"):
        seen = {normalise(self.base, start, self.base + "/")}
        queue = deque([(self.base + start, "")])
        while queue:
            url, via = queue.popleft()
            for link in self.visit(url, via):
                if link not in seen:
                    seen.add(link)
                    queue.append((link, url))
        return self.crawl

    def visit(self, url, via):
        crawl = self.crawl
        page_shape = shape(url)
        open_it = crawl.shapes[page_shape] < self.per_shape and crawl.opened < self.max_pages
        if LOCALISED_NUMBER_IN_URL.search(url):
            crawl.add(url, "nombre localisé dans un lien", url, via)
        if not open_it:
            self.checked[page_shape] += 1
            if self.checked[page_shape] <= self.checked_per_shape:
                with self.timed("fetch"):
                    response = self.context.request.get(url, max_redirects=5)
                crawl.fetched += 1
                self.check_status(url, response.status, via)
            return []
        crawl.shapes[page_shape] += 1
        first_of_shape = crawl.shapes[page_shape] == 1
        self.console.clear()
        with self.timed("open"):
            response = self.fetch_in_page(url)
        if response is None:  # a download
            return []
        status, content_type = response
        if not self.check_status(url, status, via) or HTML not in content_type:
            return []
        crawl.opened += 1
        facts = self.page.evaluate(PAGE_FACTS)
        text = facts["text"]
        for shown_as_code in sorted(facts["code"], key=len, reverse=True):
            text = text.replace(shown_as_code, " ") if shown_as_code.strip() else text
        for kind, detail in text_findings(text):
            crawl.add(url, kind, detail, via)
        duplicates = [i for i, n in Counter(facts["ids"]).items() if n > 1]
        if duplicates:
            crawl.add(url, "id en double", ", ".join(duplicates), via)
        for message in self.console:
            crawl.add(url, "erreur dans la console", message, via)
        if first_of_shape:
            with self.timed("layout"):
                self.check_layout(url, facts, via)
            with self.timed("axe"):
                self.check_axe(url, via)
        links = []
        for href in facts["links"]:
            link = normalise(self.base, href, url)
            if link:
                links.append(link)
        return links

    @contextmanager
    def timed(self, what):
        start = time.monotonic()
        try:
            yield
        finally:
            self.crawl.seconds[what] += time.monotonic() - start

    def fetch_in_page(self, url):
        try:
            response = self.page.goto(url, wait_until="load")
        except Exception as error:
            if "Download is starting" in str(error) or "net::ERR_ABORTED" in str(error):
                response = self.context.request.get(url)
                self.crawl.fetched += 1
                self.check_status(url, response.status, "")
                return None
            raise
        return response.status, response.headers.get("content-type", "")

    def check_status(self, url, status, via):
        if status >= 500:
            self.crawl.add(url, "erreur serveur", status, via)
        elif status in (403, 404):
            self.crawl.add(url, "lien refusé ou introuvable", status, via)
        elif status >= 400:
            self.crawl.add(url, "erreur", status, via)
        else:
            return True
        return False

    def check_layout(self, url, facts, via):
        for table in facts["tables"]:
            if table["width"] > table["box"] + 1:
                self.crawl.add(
                    url,
                    "tableau plus large que son cadre à 1280 px",
                    f"{table['width']} > {table['box']} px : {table['caption']!r}",
                    via,
                )
        self.shoot(url, 1280)
        self.page.set_viewport_size({"width": 390, "height": 844})
        try:
            narrow = self.page.evaluate(PAGE_FACTS)
            if narrow["scroll"] > narrow["viewport"] + 1:
                self.crawl.add(
                    url,
                    "défilement horizontal à 390 px",
                    f"{narrow['scroll']} > {narrow['viewport']} px",
                    via,
                )
            self.shoot(url, 390)
        finally:
            self.page.set_viewport_size({"width": 1280, "height": 900})

    def shoot(self, url, width):
        if self.screenshots is None:
            return
        self.screenshots.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", shape(url).lower()).strip("-") or "accueil"
        self.page.screenshot(
            path=self.screenshots / f"{self.crawl.who}-{slug}-{width}.png", full_page=True
        )

    def check_axe(self, url, via):
        if self.axe_js is None:
            return
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol: the page's CSP stays untouched.
            self.page.evaluate(self.axe_js)
        results = self.page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        for violation in results["violations"]:
            if violation["impact"] in BLOCKING_IMPACTS:
                targets = [node["target"] for node in violation["nodes"]][:3]
                self.crawl.add(
                    url,
                    "accessibilité (axe)",
                    f"{violation['id']}: {violation['help']} {targets}",
                    via,
                )


def login(context, base, email, password=DEMO_PASSWORD):
    page = context.new_page()
    page.goto(base + "/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("load")
    ok = not page.url.rstrip("/").endswith("/connexion")
    page.close()
    return ok


def crawl_as(browser, base, who, email=None, **options):
    """Crawl ``base`` as the demo account ``email`` (anonymous when None): a ``Crawl``."""
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}, accept_downloads=False
    )
    try:
        if email and not login(context, base, email):
            crawl = Crawl(who)
            crawl.add(base + "/connexion/", "connexion impossible", email)
            return crawl
        return Crawler(context, base, who, **options).run()
    finally:
        context.close()


def main(argv):
    from playwright.sync_api import sync_playwright

    base, *emails = argv
    axe = Path("var/e2e/node_modules/axe-core/axe.min.js")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        total = 0
        for email in emails or ["anonyme"]:
            who = email.split("@")[0]
            crawl = crawl_as(
                browser,
                base,
                who,
                None if email == "anonyme" else email,
                axe_js=axe.read_text() if axe.exists() else None,
                screenshots=Path("var/screenshots/crawler"),
            )
            for finding in crawl.findings:
                print(finding)
            print(
                json.dumps(
                    {
                        "who": who,
                        "opened": crawl.opened,
                        "fetched": crawl.fetched,
                        "findings": len(crawl.findings),
                        "seconds": {k: round(v, 1) for k, v in crawl.seconds.items()},
                    }
                )
            )
            total += len(crawl.findings)
        browser.close()
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
