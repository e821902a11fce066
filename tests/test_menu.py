"""The main menu is assembled from the entries the apps register (``iae_portal.menu``),
each shown by a predicate of the app's perms.py: every person gets the entries they got
when ``base.html`` tested roles itself, and an app adds an entry without touching it."""

import re

import pytest
from django.urls import reverse

from aides.models import Notification
from iae_portal import menu
from iae_portal.users.enums import Role
from structures.enums import MembershipRole
from structures.models import Organisation, OrganisationMembership, Region
from tests.dla.factories import chargé
from tests.structures.factories import MembershipFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE = ["Dispositifs d'aide", "Simulateur"]
COMMON = ["Accueil", "Structures", "Projets collectifs"]
STAFF = [
    *COMMON,
    "Dossiers",
    "Marchés clausés",
    "Programmation des achats",
    "Conventions de partenariat",
    "DLA",
    "Utilité sociale",
    "Rapport CDIAE",
    *BASE,
    "Mes notifications",
]
MENUS = {
    "anonymous": [*BASE, "Se connecter"],
    "director": [
        *COMMON,
        "Mes dossiers",
        "Marchés à saisir",
        "Utilité sociale",
        *BASE,
        "Mes notifications",
    ],
    "employee": [*COMMON, "Mes dossiers", "Utilité sociale", *BASE, "Mes notifications"],
    "instructeur": STAFF,
    "chef de service": STAFF,
    "chef de service, every region": [*STAFF, "Journal"],
    "lecteur": STAFF,
    "DLA chargé": [*COMMON, "DLA", *BASE, "Mes notifications"],
    "facilitator": [
        *COMMON,
        "Marchés clausés",
        "Programmation des achats",
        "Conventions de partenariat",
        *BASE,
        "Mes notifications",
    ],
    "administrator": [*STAFF, "Journal", "Administration"],
    "superuser with a member's role": [*STAFF, "Journal", "Administration"],
    # No structure to list: no directory nor collective projects.
    "partner": ["Accueil", "Avis demandés", "Rapport CDIAE", *BASE, "Mes notifications"],
}


def person(kind):
    grand_est = Region.objects.get(code="44")
    structure = StructureFactory()
    return {
        "anonymous": lambda: None,
        "director": lambda: MembershipFactory(structure=structure).user,
        "employee": lambda: (
            MembershipFactory(structure=structure, role=MembershipRole.SALARIE).user
        ),
        "instructeur": lambda: UserFactory(role=Role.INSTRUCTEUR, region=grand_est),
        "chef de service": lambda: UserFactory(role=Role.CHEF_SERVICE, region=grand_est),
        "chef de service, every region": lambda: UserFactory(role=Role.CHEF_SERVICE),
        "lecteur": lambda: UserFactory(role=Role.LECTEUR, region=grand_est),
        "DLA chargé": lambda: chargé("menu.dla@m.test", "54"),
        "facilitator": lambda: UserFactory(role=Role.FACILITATEUR),
        "administrator": lambda: UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True),
        "superuser with a member's role": lambda: UserFactory(role=Role.SIAE, is_superuser=True),
        "partner": lambda: partner(grand_est),
    }[kind]()


def partner(region):
    user = UserFactory(role=Role.PARTENAIRE)
    organisation = Organisation.objects.create(name="DREETS", kind="etat", region=region)
    OrganisationMembership.objects.create(organisation=organisation, user=user)
    return user


def nav_of(client, url_name="aides:scheme_list"):
    content = client.get(reverse(url_name)).content.decode()
    return content[content.index('<nav class="main-nav"') : content.index("</nav>")]


def labels(nav):
    return [
        re.sub(r"<[^>]+>", "", label).replace("&#x27;", "'")
        for label in re.findall(r"<li><a [^>]*>(.*?)</a></li>", nav)
    ]


@pytest.mark.parametrize("kind", MENUS)
def test_each_person_gets_the_entries_of_their_role(client, kind):
    user = person(kind)
    if user is not None:
        client.force_login(user)
    assert labels(nav_of(client)) == MENUS[kind]


def test_an_entry_is_current_on_its_pages_only(client, instructeur):
    client.force_login(instructeur)
    nav = nav_of(client, "aides:queue")
    assert '<li><a href="/aides/instruction/" aria-current="page">Dossiers</a></li>' in nav
    assert '<li><a href="/structures/" >Structures</a></li>' in nav


def test_unread_notifications_are_counted_in_their_entry(client, director_a):
    client.force_login(director_a)
    for n in range(2):
        Notification.objects.create(user=director_a, subject=f"Objet {n}", body="Texte")
    nav = nav_of(client)
    assert 'Mes notifications (2<span class="sr-only"> non lues</span>)' in nav


def test_an_app_adds_an_entry_without_touching_the_core(client, instructeur, director_a):
    """An entry registered from outside the core (here, a test) shows where its order puts
    it, to those its predicate allows, and is current on its section's pages."""
    menu.register(
        "test.plugin",
        label="Greffon",
        url_name="structures:list",
        section="structures",
        order=15,
        show=lambda user: user.is_authenticated and user.can("region.read"),
    )
    try:
        client.force_login(instructeur)
        nav = nav_of(client, "structures:list")
        assert labels(nav)[:3] == ["Accueil", "Greffon", "Structures"]
        assert '<li><a href="/structures/" aria-current="page">Greffon</a></li>' in nav
        client.force_login(director_a)
        assert "Greffon" not in labels(nav_of(client))
    finally:
        menu.unregister("test.plugin")
    client.force_login(instructeur)
    assert "Greffon" not in labels(nav_of(client))


def test_an_entry_needs_a_predicate():
    with pytest.raises(TypeError):
        menu.register("test.bad", label="X", url_name="home", section=None, order=1, show=None)


def test_a_page_belongs_to_the_section_its_app_marks_by_full_name():
    """Sections are found by the page's full name (``app:url_name``), then its namespace:
    two apps' pages of the same short name never borrow each other's section."""
    from django.urls import resolve

    from iae_portal import menu

    assert menu.section_of(resolve("/aides/instruction/export.csv")) == "dossiers"
    assert menu.section_of(resolve("/aides/simulateur/")) == "simulator"
    assert menu.section_of(resolve("/aides/")) == "schemes"  # the namespace's section
    assert menu.section_of(resolve("/structures/projets/")) == "projects"
    assert menu.section_of(resolve("/dla/")) == "dla"
    assert menu.section_of(resolve("/admin/login/")) is None  # not the portal's « login »
    assert menu.section_of(resolve("/connexion/")) == "login"
    assert menu.section_of(None) is None
