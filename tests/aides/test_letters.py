"""Award letters: French formatting, the amount in words, escaping, and a fetcher that
fetches nothing outside static/."""

import io
import socket
import threading
from decimal import Decimal

import pytest
from pypdf import PdfReader

from aides import letters
from aides.enums import DossierState as S
from aides.models import LetterSettings
from iae_portal import pdf


def pdf_text(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def normalise(text):
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.mark.parametrize(
    ("amount", "figures", "words"),
    [
        ("106650.00", "106 650,00 €", "cent six mille six cent cinquante euros"),
        ("1234.56", "1 234,56 €", "mille deux cent trente-quatre euros et cinquante-six centimes"),
        ("1.01", "1,01 €", "un euro et un centime"),
        ("2000000", "2 000 000,00 €", "deux millions d'euros"),
    ],
)
def test_amounts_in_figures_and_words(amount, figures, words):
    assert normalise(letters.euros(Decimal(amount))) == figures
    assert letters.euros_in_words(Decimal(amount)) == words


def test_long_dates_in_french():
    import datetime

    assert letters.long_date(datetime.date(2026, 11, 24)) == "24 novembre 2026"
    assert letters.long_date(datetime.date(2026, 12, 1)) == "1er décembre 2026"


class _Listener:
    """A TCP server on a free local port that counts the connections it receives."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.close()


def test_the_fetcher_fetches_nothing_outside_static():
    listener = _Listener()
    try:
        html = f"""<html><head><link rel="stylesheet" href="letters/letter.css">
        <style>@import url("file:///etc/passwd");</style></head><body>
        <p>Objet</p>
        <img src="http://127.0.0.1:9/x"><img src="http://127.0.0.1:{listener.port}/x">
        <img src="file:///etc/passwd"><img src="../../../../etc/passwd">
        <img src="letters/letterhead.svg"></body></html>"""
        fetcher = pdf.StaticOnlyFetcher()
        document = pdf.html_to_pdf(html, fetcher)
    finally:
        listener.close()
    assert document.startswith(b"%PDF-")
    assert listener.connections == 0
    assert "http://127.0.0.1:9/x" in fetcher.refused
    assert f"http://127.0.0.1:{listener.port}/x" in fetcher.refused
    assert "file:///etc/passwd" in fetcher.refused
    assert any(url.endswith("/etc/passwd") and "static" not in url for url in fetcher.refused)
    assert not any("letter.css" in url or "letterhead.svg" in url for url in fetcher.refused)
    assert b"root:" not in document


@pytest.mark.django_db
def test_letters_of_a_voted_dossier(draft_voted):
    text, pages = pdf_text(
        letters.render_letter_pdf("notification", draft_voted, LetterSettings.current())
    )
    text = normalise(text)
    assert "106 650,00 €" in text
    assert "cent six mille six cent cinquante euros" in text
    assert "CP-2026-118" in text and draft_voted.structure.name in text
    convention, pages = pdf_text(
        letters.render_letter_pdf("convention", draft_voted, LetterSettings.current())
    )
    convention = normalise(convention)
    assert pages >= 2 and "Annexe financière" in convention
    assert "55 900,00 €" in convention and "Page 1 sur" in convention


@pytest.mark.django_db
def test_user_text_is_escaped_and_fetches_nothing(draft_voted, django_capture_on_commit_callbacks):
    draft_voted.title = '<img src="http://127.0.0.1:9/x"> <b>gras</b>'
    html = letters.render_letter_html("notification", draft_voted, LetterSettings.current())
    assert '<img src="http://127.0.0.1:9/x">' not in html
    assert "&lt;img src=" in html
    fetcher = pdf.StaticOnlyFetcher()
    pdf.html_to_pdf(html, fetcher)
    assert fetcher.refused == []  # escaped, so never even asked for


@pytest.mark.django_db
def test_letter_download_permissions(client, draft_voted, director_a, director_b, instructeur):
    from django.urls import reverse

    url = reverse("aides:dossier_letter", args=[draft_voted.uuid, "notification"])
    client.force_login(instructeur)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(director_a)
    assert client.get(url).status_code == 403  # voted, not yet notified
    draft_voted.state = S.NOTIFIE
    draft_voted.save(update_fields=["state"])
    assert client.get(url).status_code == 200
    client.force_login(director_b)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_staff_configure_the_letterhead_and_signatory(
    client, chef_service, instructeur, draft_voted
):
    from django.urls import reverse

    url = reverse("aides:letter_settings")
    client.force_login(instructeur)
    assert client.get(url).status_code == 403
    client.force_login(chef_service)
    form = client.get(url).context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(council_name="Région Grand Est", signatory_name="Franck Leroy", city="Strasbourg")
    data["reason"] = "Nouveau président."
    assert client.post(url, data).status_code == 302
    text, _ = pdf_text(
        letters.render_letter_pdf("notification", draft_voted, LetterSettings.current())
    )
    text = normalise(text)
    assert "Région Grand Est" in text and "Franck Leroy" in text and "Strasbourg, le" in text


@pytest.mark.parametrize(
    ("title", "in_text"),
    [
        ("La Présidente du Conseil régional", "la Présidente du Conseil régional"),
        ("L'élu délégué", "l'élu délégué"),
        ("Marie Dupont", "Marie Dupont"),
        ("Laure Martin", "Laure Martin"),
    ],
)
def test_the_signatory_inside_a_sentence_loses_only_a_leading_articles_capital(title, in_text):
    assert letters.in_sentence(title) == in_text


@pytest.mark.django_db
def test_the_convention_names_the_signatory_as_a_sentence_does(draft_voted):
    settings = LetterSettings.current()
    settings.signatory_name = "La Présidente du Conseil régional"
    html = letters.render_letter_html("convention", draft_voted, settings)
    assert "représentée par la Présidente du Conseil régional" in html
