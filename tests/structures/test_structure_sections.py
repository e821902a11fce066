"""The structure page shows the structure's aid dossiers, DLA accompaniments and clause hours,
each to those its app's perms.py allows (issue 14, item 10)."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from aides.models import Dossier
from iae_portal.users.enums import Role
from tests.aides.dossier_paths import dossier_at
from tests.aides.factories import CampaignFactory
from tests.clauses.factories import HoursReportFactory, LotFactory, MarcheFactory
from tests.dla.factories import PrestationFactory, chargé, open_accompaniment
from tests.structures.factories import MembershipFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db
SUBCONTRACTED = "sous_traitance_siae"


def page(client, user, structure):
    client.force_login(user)
    response = client.get(reverse("structures:detail", args=[structure.siret]))
    assert response.status_code == 200
    return response.content.decode()


def section(content, title_id):
    """The HTML of the section titled by ``title_id``, or ``None``."""
    if f'id="{title_id}"' not in content:
        return None
    return content.split(f'id="{title_id}"')[1].split("</section>")[0]


def text(fragment):
    plain = html.unescape(re.sub(r"<[^>]+>", " ", fragment))
    return re.sub(r"[\s\u202f\u00a0]+", " ", plain)


@pytest.fixture
def facilitator():
    return UserFactory(email="facilitateur@example.org", role=Role.FACILITATEUR)


@pytest.fixture
def employee_a(structure_a):
    return MembershipFactory(structure=structure_a, role="salarie").user


@pytest.fixture
def dossiers(structure_a, director_a, instructeur):
    campaign = CampaignFactory(name="Appel 2026 équipes")
    found = {
        state: dossier_at(
            state,
            structure=structure_a,
            director=director_a,
            campaign=campaign,
            instructeur=instructeur,
        )
        for state in ("brouillon", "complement_demande", "instruit")
    }
    Dossier.objects.filter(pk=found["instruit"].pk).update(
        requested_amount=Decimal("43400"), voted_amount=Decimal("1234567.5")
    )
    return found


def test_the_director_reads_every_dossier_of_the_structure(
    client, director_a, structure_a, dossiers
):
    content = section(page(client, director_a, structure_a), "dossiers-title")
    assert content is not None
    shown = text(content)
    assert "Appel 2026 équipes" in shown
    assert "Équipes d'insertion" in shown or "équipes" in shown.lower()
    for dossier in dossiers.values():
        assert dossier.get_absolute_url() in content
    # What the applicant sees of each state: the opinion stays internal.
    assert "Complément demandé : à vous de répondre" in shown
    assert "Brouillon (non déposé)" in shown
    assert "Instruit" not in shown
    assert "43 400,00 €" in shown and "1 234 567,50 €" in shown
    assert "apparaîtront ici" not in shown


def test_staff_read_submitted_dossiers_with_their_state(client, instructeur, structure_a, dossiers):
    content = section(page(client, instructeur, structure_a), "dossiers-title")
    shown = text(content)
    assert dossiers["brouillon"].reference not in shown  # not submitted: the director's own
    assert dossiers["instruit"].reference in shown and "Instruit" in shown
    assert dossiers["complement_demande"].get_absolute_url() in content


def test_the_employee_reads_the_dossiers_without_acting(client, employee_a, structure_a, dossiers):
    content = section(page(client, employee_a, structure_a), "dossiers-title")
    assert dossiers["instruit"].get_absolute_url() in content
    assert reverse("aides:dossier_create") not in content
    # The correction is the director's to send, not the employee's.
    assert "à vous de répondre" not in text(content)
    assert "Complément demandé à la direction" in text(content)


def test_directory_readers_see_no_dossier(client, facilitator, structure_a, dossiers):
    dla_user = chargé("dla@example.org", "54")
    for user in (facilitator, dla_user):
        content = page(client, user, structure_a)
        assert section(content, "dossiers-title") is None
        assert dossiers["instruit"].reference not in content


def test_the_structure_predicate_and_queryset_of_dossiers_agree(
    structure_a, director_a, director_b, employee_a, instructeur, lecteur, admin_user, dossiers
):
    from django.contrib.auth.models import AnonymousUser

    from aides import perms
    from structures.models import Region

    users = [
        AnonymousUser(),
        director_a,
        director_b,
        employee_a,
        MembershipFactory(structure=structure_a, is_active=False).user,
        instructeur,
        lecteur,
        admin_user,
        UserFactory(role=Role.INSTRUCTEUR, region=Region.objects.get(code="11")),
        UserFactory(role=Role.DLA),
        UserFactory(role=Role.FACILITATEUR),
    ]
    for user in users:
        listed = set(perms.structure_dossiers(user, structure_a))
        opened = {d for d in dossiers.values() if perms.can_view_dossier(user, d)}
        if perms.can_view_structure_dossiers(user, structure_a):
            # Everything listed may be opened; only drafts are kept from staff.
            assert listed <= opened and {d.state for d in opened - listed} <= {"brouillon"}, user
            assert listed, user
        else:
            assert listed == set() and opened == set(), user


def test_dla_accompaniments_of_the_structure_for_those_allowed(
    client, director_a, employee_a, instructeur, facilitator, structure_a, structure_b
):
    dla_user = chargé("dla@example.org", "54")
    named = open_accompaniment(dla_user, [structure_a])
    served = PrestationFactory(
        beneficiaries=[structure_a],
        theme="gouvernance",
        start_date=datetime.date(2025, 3, 3),
        end_date=datetime.date(2025, 6, 30),
    ).accompaniment
    other = open_accompaniment(dla_user, [structure_b])
    for user in (director_a, instructeur, dla_user):
        content = section(page(client, user, structure_a), "dla-title")
        shown = text(content)
        assert named.get_absolute_url() in content and served.get_absolute_url() in content
        assert other.ref not in shown
        assert "Demande reçue" in shown and "Gouvernance" in shown
        assert "03/03/2025" in shown and "30/06/2025" in shown
    for user in (employee_a, facilitator):
        assert section(page(client, user, structure_a), "dla-title") is None


def test_clause_hours_per_lot_and_year(
    client, director_a, employee_a, instructeur, facilitator, structure_a
):
    lot = LotFactory(ref="L7", object="Espaces verts", marche=MarcheFactory(ref="M-METZ"))
    for period, hours in [((2025, 4, 1), 1200), ((2025, 5, 1), 34.5), ((2026, 1, 1), 10)]:
        HoursReportFactory(
            lot=lot,
            siae=structure_a,
            modality=SUBCONTRACTED,
            period=datetime.date(*period),
            hours=hours,
        )
    HoursReportFactory(lot=lot, period=datetime.date(2025, 4, 1), hours=999)  # no SIAE
    for user in (director_a, instructeur):
        content = section(page(client, user, structure_a), "clauses-title")
        shown = text(content)
        assert "M-METZ" in shown and "L7" in shown
        assert "2025" in shown and "2 025" not in shown
        assert "1 234,50 h" in shown and "10 h" in shown
        assert "1 244,50 h" in shown  # the total
        assert "999" not in shown
    marche_url = reverse("clauses:detail", args=[lot.marche.uuid])
    assert marche_url in page(client, instructeur, structure_a)
    assert marche_url not in page(client, director_a, structure_a)  # not a contract reader
    for user in (employee_a, facilitator, chargé("dla@example.org", "54")):
        assert section(page(client, user, structure_a), "clauses-title") is None


def test_the_page_names_no_other_app_in_the_structures_code():
    """The sections come through the core's registry: structures imports no domain app."""
    import inspect

    from structures import views

    source = inspect.getsource(views)
    for app in ("aides", "dla", "clauses"):
        assert f"from {app}" not in source and f"import {app}" not in source


@pytest.mark.parametrize("size", [1, 6])
def test_structure_page_queries_are_bounded(
    client, size, director_a, instructeur, structure_a, django_assert_max_num_queries
):
    campaign = CampaignFactory()
    dla_user = chargé("dla@example.org", "54")
    for n in range(size):
        dossier_at(
            "complement_demande",
            structure=structure_a,
            director=director_a,
            campaign=campaign,
            instructeur=instructeur,
        )
        open_accompaniment(dla_user, [structure_a])
        PrestationFactory(beneficiaries=[structure_a, StructureFactory()])
        lot = LotFactory()
        HoursReportFactory(
            lot=lot, siae=structure_a, modality=SUBCONTRACTED, period=datetime.date(2025, 1 + n, 1)
        )
    # As many queries whatever the number of dossiers, accompaniments and hours: each
    # section's few (the social utility reports and who may fill them, the activities).
    for user in (director_a, instructeur, dla_user):
        client.force_login(user)
        with django_assert_max_num_queries(30):
            response = client.get(reverse("structures:detail", args=[structure_a.siret]))
        assert response.status_code == 200
