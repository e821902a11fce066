"""The crawler's own rules: what it flags and what it lets through (no browser needed)."""

import pytest

from tests.e2e.crawler import LOCALISED_NUMBER_IN_URL, normalise, shape, text_findings

NNBSP, NBSP = "\u202f", "\u00a0"


def kinds(text):
    return [kind for kind, _ in text_findings(text)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Montant calculé : 43400.00 €", "montant mal formaté"),
        ("Montant : 43400,00 €", "montant mal formaté"),
        ("Total : 1,234.50 €", "montant mal formaté"),
        (f"Bilan des clauses sociales 2{NNBSP}025", "année avec séparateur"),
        (f"Année\t2{NBSP}026", "année avec séparateur"),
        ("dossier.submit : brouillon → depose", "code interne"),
        ("∅ → brouillon", "codes reliés par une flèche"),
        ("Champ modifié : closed_on", "code interne"),
        ("Type : PORTEUR_PROJET", "code interne"),
        ("Thèmes : ['salaries', 'conseil']", "représentation Python"),
        ("Cofinancement : True", "représentation Python"),
        ("Date : None", "représentation Python"),
        ("Les dossiers d'aide de la structure apparaîtront ici.", "texte provisoire"),
        ("Cette fonctionnalité est à venir.", "texte provisoire"),
        ("Le bilan 2\u202f025 des clauses", "année avec séparateur"),
    ],
)
def test_flags_what_a_person_must_not_read(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        f"Montant calculé : 43{NNBSP}400,00{NBSP}€",
        f"Total\t101{NNBSP}625,00{NBSP}€",
        "Année 2\t21 125,00 €",  # a table row: the year's cell, then the amount's
        "Enveloppe : 1,28 M€",
        "Plafond : 500 €",
        f"2{NNBSP}000 structures",
        f"2{NNBSP}030 heures réalisées",
        "Bilan 2025 · appel 2026",
        "Écrire à directeur@demo.iae.fr ou voir https://portail.example.org/a_b",
        "Télécharger courriers-2026-11-09.zip et lettre.pdf",
        "Réserve : non",
        f"Lot 4\t2{NNBSP}016\t1{NNBSP}980",  # hours in a table
        "Suivi à 12 mois : possible à partir du 28/12/2026 — à venir",
    ],
)
def test_lets_right_text_through(text):
    assert text_findings(text) == []


def test_shape_blanks_identifiers_and_query_values():
    assert shape("http://x/structures/71797124600037/?page=2&kind=ACI") == (
        "/structures/{n}/?kind&page"
    )
    assert shape("http://x/aides/dossiers/8d61f5ff-c644-4833-8845-7df4ebaf58ef/") == (
        "/aides/dossiers/{uuid}/"
    )
    assert shape("http://x/aides/dossiers/") == "/aides/dossiers/"


def test_normalise_keeps_same_site_pages_only():
    base, here = "http://127.0.0.1:8000", "http://127.0.0.1:8000/structures/"
    assert normalise(base, "?b=2&a=1#x", here) == "http://127.0.0.1:8000/structures/?a=1&b=2"
    assert normalise(base, "/admin/", here) is None
    assert normalise(base, "/api/v1/docs/", here) is None
    assert normalise(base, "mailto:a@b.fr", here) is None
    assert normalise(base, "https://example.org/", here) is None
    assert normalise(base, "#contenu", here) is None


def test_a_localised_number_in_a_link_is_caught():
    assert LOCALISED_NUMBER_IN_URL.search("/clauses/bilan/?year=2%C2%A0025")
    assert not LOCALISED_NUMBER_IN_URL.search("/clauses/bilan/?year=2025")
