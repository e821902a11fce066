"""The page chrome on a phone (issue 14, defect 13): the main menu folds into a "Menu"
disclosure, the list pages' filters into a closed disclosure whose summary says what is
applied; no script either way."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from iae_portal.users.enums import Role
from tests.structures.factories import StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

CSS = (settings.BASE_DIR / "static" / "css" / "app.css").read_text(encoding="utf-8")


def main_nav(content):
    return content[content.index('<nav class="main-nav"') : content.index("</nav>")]


@pytest.mark.parametrize(
    "role", [Role.INSTRUCTEUR, Role.CHEF_SERVICE, Role.LECTEUR, Role.SIAE, Role.DLA, Role.ADMIN]
)
def test_every_role_gets_the_menu_as_a_disclosure(client, grand_est, role):
    client.force_login(UserFactory(role=role))
    nav = main_nav(client.get(reverse("home")).content.decode())
    details = re.search(r"<details[^>]*>\s*<summary>Menu</summary>\s*<ul>", nav)
    assert details and "nav-menu" in details.group(0) and " open" not in details.group(0)
    # Every entry is inside it, the current one marked.
    assert nav.index("<summary>Menu</summary>") < nav.index('href="/"')
    assert nav.count('aria-current="page"') == 1


def test_the_menu_unfolds_only_on_narrow_screens():
    """From 700 px the disclosure's content shows while closed and its button is hidden;
    where ``::details-content`` is unknown the button stays, so the menu is never lost."""
    wide = re.search(
        r"@supports selector\(::details-content\)\s*\{\s*@media \(min-width: 700px\)\s*\{"
        r"(?P<rules>[^}]*\}[^}]*\})",
        CSS,
    )
    assert wide, "no wide-screen rule for the menu"
    assert ".nav-menu > summary { display: none; }" in wide.group("rules")
    assert ".nav-menu::details-content { content-visibility: visible; }" in wide.group("rules")
    assert ".nav-menu > summary { display: none" not in CSS.replace(wide.group("rules"), "")


def filters_block(content):
    start = content.index('<details class="filters')
    return content[start : content.index("</details>", start)]


def test_list_filters_are_closed_and_summarised(client, instructeur):
    StructureFactory(name="Recyclerie du Saulnois")
    client.force_login(instructeur)
    block = filters_block(client.get(reverse("structures:list")).content.decode())
    assert block.startswith('<details class="filters card">')  # closed
    summary = block[block.index("<summary>") : block.index("</summary>")]
    assert "aucun filtre appliqué" in summary
    block = filters_block(
        client.get(reverse("structures:list"), {"q": "Saulnois", "kind": "ACI"}).content.decode()
    )
    summary = block[block.index("<summary>") : block.index("</summary>")]
    assert "(2)" in summary
    assert "« Saulnois »" in summary and "Atelier et chantier d&#x27;insertion" in summary
    # Several kinds are ticked, not Ctrl-clicked.
    assert '<select name="kind"' not in block
    assert 'type="checkbox" name="kind" value="ACI" id="id_kind_0" checked' in block


def test_queue_filters_summary_names_values_not_codes(client, instructeur, grand_est):
    client.force_login(instructeur)
    response = client.get(
        reverse("aides:queue"),
        {"state": ["depose", "instruit"], "instructor": "aucun", "sort": "urgency"},
    )
    summary = filters_block(response.content.decode()).split("</summary>")[0]
    assert "État : Déposé, Instruit" in summary and "Instructeur : Non assigné" in summary
    assert "depose" not in summary and "Trier" not in summary  # the default sort is no filter
    response = client.get(reverse("aides:queue"), {"sort": "-requested", "closed": "on"})
    summary = filters_block(response.content.decode()).split("</summary>")[0]
    assert "Inclure les dossiers clos" in summary
    assert "Trier par : Montant demandé (décroissant)" in summary


def test_filters_with_an_error_stay_open(client, instructeur):
    client.force_login(instructeur)
    response = client.get(reverse("aides:queue"), {"requested_min": "beaucoup"})
    block = filters_block(response.content.decode())
    assert block.startswith('<details class="filters card" open>')
    assert "Certains filtres sont invalides" in block


def test_the_summary_reads_a_bare_form_too():
    """A page may give the shared filter form a plain form instead of a FilterSet."""
    from django import forms

    from iae_portal.filtering import active_filters

    class Search(forms.Form):
        q = forms.CharField(label="Nom", required=False)
        year = forms.IntegerField(label="Année", required=False)

    assert active_filters({"form": Search({"q": "Saulnois", "year": ""})}) == [
        ("Nom", "« Saulnois »")
    ]
    assert active_filters({"form": Search()}) == [] and active_filters(None) == []
    assert active_filters({"form": Search({"year": "douze"})}) == []  # invalid: left out
