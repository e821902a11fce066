"""Each person's home page shows what they have to act on, and every count it shows is the
number of rows of the page its link leads to (issue 14, item 10)."""

import datetime
import html
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone

from aides.enums import DossierState as S
from aides.models import Dossier
from clauses.models import Lot
from dla.models import Accompaniment
from iae_portal.users.demo import DEMO_EMAILS
from iae_portal.users.enums import Role
from iae_portal.users.models import User
from tests.aides.dossier_paths import dossier_at
from tests.aides.factories import CampaignFactory, CommissionFactory
from tests.clauses.factories import (
    FacilitatorMembershipFactory,
    HoursReportFactory,
    LotFactory,
    MarcheFactory,
)
from tests.dla.factories import chargé, open_accompaniment
from tests.structures.factories import MembershipFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

# A count is a number in bold at the start of a link: <a href="…"><strong>12</strong> …</a>.
COUNT_LINK = re.compile(
    r'<a href="(?P<href>[^"]+)"[^>]*>\s*<strong>(?P<n>[\d\s\u202f\u00a0]+)</strong>'
)
PLACEHOLDERS = ("apparaîtront ici", "à venir", "bientôt", "todo", "lorem")
PLACEHOLDER_TEXT = re.compile(r"apparaîtr|à venir|bientôt|\bTODO\b|lorem", re.IGNORECASE)


def count_links(content):
    """``[(url, count)]`` of the count links of a page."""
    return [
        (html.unescape(m["href"]), int(re.sub(r"\D", "", m["n"])))
        for m in COUNT_LINK.finditer(content)
    ]


def rows_behind(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def text(content):
    plain = html.unescape(re.sub(r"<[^>]+>", " ", content))
    return re.sub(r"[\s\u202f\u00a0]+", " ", plain)


def submitted(structure, director, campaign, instructeur=None, to=S.DEPOSE):
    return dossier_at(
        to, structure=structure, director=director, campaign=campaign, instructeur=instructeur
    )


# -- Every demo role, on the demo data -------------------------------------------------------


@pytest.fixture
def demo():
    call_command("seed_demo", structures=60, stdout=StringIO())


def test_every_count_of_every_home_is_the_row_count_of_the_page_it_links_to(client, demo):
    found, structure_links = {}, {}
    for email in DEMO_EMAILS:
        content = home(client, User.objects.get(email=email))
        links = count_links(content)
        found[email] = len(links)
        structure_links[email] = [url for url, _ in links if url.startswith("/structures/")]
        for url, count in links:
            assert rows_behind(client, url) == count, (email, url)
    # Those who act on lists have counts to act on.
    for email in ("instructeur", "chef", "elu", "admin", "dla", "facilitateur"):
        assert found[f"{email}@demo.iae.fr"] >= 1, email
    assert found["instructeur@demo.iae.fr"] >= 5
    # The facilitator's home said « 300 structures » and linked to a list of 75.
    assert len(structure_links["facilitateur@demo.iae.fr"]) == 2


def test_no_placeholder_on_homes_and_structure_pages(client, demo):
    director = User.objects.get(email="directeur@demo.iae.fr")
    structures = [m.structure for m in director.memberships.select_related("structure")]
    for email in DEMO_EMAILS:
        user = User.objects.get(email=email)
        pages = [home(client, user)]
        pages += [client.get(s.get_absolute_url()).content.decode() for s in structures]
        for content in pages:
            lowered = text(content).lower()
            for placeholder in PLACEHOLDERS:
                assert placeholder not in lowered, (email, placeholder)


def test_no_template_holds_a_placeholder_text(settings):
    """Nothing promises content « to come »: a page shows what exists, or says there is none."""
    from pathlib import Path

    found = []
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(directory).rglob("*.html"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if PLACEHOLDER_TEXT.search(line):
                    found.append(f"{path.name}:{number}")
    assert found == []


# -- Staff ---------------------------------------------------------------------------------


@pytest.fixture
def queue_world(instructeur, chef_service, director_a, structure_a):
    campaign = CampaignFactory()
    commission = CommissionFactory(
        campaign=campaign, date=timezone.localdate() + datetime.timedelta(days=20)
    )
    other = UserFactory(email="autre.instructeur@example.org", role=Role.INSTRUCTEUR)
    other.region = instructeur.region
    other.save()
    dossiers = {
        "depose": submitted(structure_a, director_a, campaign),
        "depose2": submitted(structure_a, director_a, campaign),
        "mine": submitted(structure_a, director_a, campaign, instructeur, S.EN_INSTRUCTION),
        "other": submitted(structure_a, director_a, campaign, instructeur, S.EN_INSTRUCTION),
        "complement": submitted(
            structure_a, director_a, campaign, instructeur, S.COMPLEMENT_DEMANDE
        ),
        "instruit": submitted(structure_a, director_a, campaign, instructeur, S.INSTRUIT),
        "draft": submitted(structure_a, director_a, campaign, to=S.BROUILLON),
    }
    Dossier.objects.filter(pk=dossiers["mine"].pk).update(instructor=instructeur)
    Dossier.objects.filter(pk=dossiers["other"].pk).update(instructor=other)
    return {"campaign": campaign, "commission": commission, "dossiers": dossiers}


def test_the_instructeur_sees_what_to_instruct_with_counts_of_the_queue(
    client, instructeur, queue_world
):
    content = home(client, instructeur)
    links = dict(count_links(content))
    shown = text(content)
    assert "2 dossiers déposés" in shown  # the draft is nobody's work yet
    assert "1 dossier qui vous est assigné" in shown
    assert "1 dossier instruit" in shown
    for url, count in links.items():
        assert rows_behind(client, url) == count, url
    # The commission to come, with the dossiers it will vote on.
    commission = queue_world["commission"]
    assert date_filter(commission.date, "j F Y") in shown  # « 26 décembre 2026 »
    assert queue_world["campaign"].name in shown
    assert "placeholder" not in content and "apparaîtront" not in shown


def test_the_elu_reads_summary_figures_without_actions(client, lecteur, queue_world):
    content = home(client, lecteur)
    shown = text(content)
    assert "qui vous est assigné" not in shown
    assert "Dossiers en cours" in shown or "dossiers en cours" in shown
    for url, count in count_links(content):
        assert rows_behind(client, url) == count, url
    assert reverse("structures:create") not in content


def test_staff_home_shows_dla_and_clauses_figures(client, instructeur, structure_a):
    chargé_user = chargé("dla@example.org", "54")
    open_accompaniment(chargé_user, [structure_a])
    MarcheFactory()
    content = home(client, instructeur)
    shown = text(content)
    assert "1 demande d'accompagnement reçue" in shown
    assert "1 marché" in shown
    for url, count in count_links(content):
        assert rows_behind(client, url) == count, url


# -- DLA chargé --------------------------------------------------------------------------


def test_the_chargé_sees_the_requests_to_process(client, structure_a, structure_b):
    user = chargé("charge@example.org", "54")
    request = open_accompaniment(user, [structure_a])
    open_accompaniment(chargé("autre@example.org", "57"), [structure_b], code="57")
    content = home(client, user)
    shown = text(content)
    assert "Demandes à traiter" in shown
    assert request.ref in shown and structure_a.name in shown
    assert structure_b.name not in shown
    assert request.get_absolute_url() in content
    links = count_links(content)
    assert (reverse("dla:list") + "?state=demande", 1) in links
    for url, count in links:
        assert rows_behind(client, url) == count, url


# -- Facilitator -------------------------------------------------------------------------


def last_month():
    first = timezone.localdate().replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1)


def test_the_facilitator_sees_the_lots_whose_hours_of_last_month_are_missing(client):
    membership = FacilitatorMembershipFactory()
    user, facilitator = membership.user, membership.facilitator
    month = last_month()
    running = MarcheFactory(ref="M-EN-COURS", notification_date=month - datetime.timedelta(days=90))
    missing = LotFactory(marche=running, ref="L-MANQUE", facilitator=facilitator)
    done = LotFactory(marche=running, ref="L-FAIT", facilitator=facilitator)
    HoursReportFactory(lot=done, period=month)
    LotFactory(marche=running, ref="L-SANS", facilitator=facilitator, clause="none")
    ended = MarcheFactory(ref="M-FINI", notification_date=month - datetime.timedelta(days=800))
    LotFactory(marche=ended, ref="L-FINI", facilitator=facilitator)
    LotFactory(marche=running, ref="L-AUTRE")  # another facilitator's
    content = home(client, user)
    section = content.split('id="hours-due-title"')[1].split("</section>")[0]
    assert "L-MANQUE" in section
    for absent in ("L-FAIT", "L-SANS", "L-FINI", "L-AUTRE"):
        assert absent not in section, absent
    report = reverse("clauses:report_hours", args=[missing.uuid]) + f"?mois={month:%Y-%m}"
    assert html.escape(report) in section
    assert Lot.objects.filter(ref="L-MANQUE").exists()


def test_the_facilitators_siae_count_matches_its_list(client):
    membership = FacilitatorMembershipFactory()
    StructureFactory.create_batch(3, kind="ACI")
    StructureFactory(kind="ETTI")
    StructureFactory(kind="EPCI")  # not an SIAE: cannot answer a reserved lot
    content = home(client, membership.user)
    links = [(url, n) for url, n in count_links(content) if "/structures/" in url]
    assert (links[0][1], rows_behind(client, links[0][0])) == (4, 4)


# -- Director and employee ---------------------------------------------------------------


def test_the_director_sees_the_dossiers_to_take_up(client, instructeur, director_a, structure_a):
    campaign = CampaignFactory()
    complement = submitted(structure_a, director_a, campaign, instructeur, S.COMPLEMENT_DEMANDE)
    draft = submitted(structure_a, director_a, campaign, to=S.BROUILLON)
    waiting = submitted(structure_a, director_a, campaign)
    content = home(client, director_a)
    section = content.split('id="take-up-title"')[1].split("</section>")[0]
    assert complement.reference in section and draft.reference in section
    assert waiting.reference not in section
    edit = reverse("aides:dossier_edit", args=[complement.uuid])
    assert f"{edit}?etape=pieces" in html.unescape(section)
    assert reverse("aides:dossier_edit", args=[draft.uuid]) in section
    # An employee of the structure reads, but has nothing to take up.
    employee = MembershipFactory(structure=structure_a, role="salarie").user
    content = home(client, employee)
    assert 'id="take-up-title"' not in content
    assert reverse("aides:dossier_edit", args=[draft.uuid]) not in content


# -- Bounded queries ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 8])
def test_home_queries_are_bounded(
    client, size, instructeur, lecteur, chef_service, admin_user, django_assert_max_num_queries
):
    director = MembershipFactory().user
    structure = director.memberships.get().structure
    campaign = CampaignFactory()
    CommissionFactory(campaign=campaign)
    for _ in range(size):
        submitted(structure, director, campaign, instructeur, S.COMPLEMENT_DEMANDE)
        submitted(structure, director, campaign, to=S.BROUILLON)
    dla_user = chargé(f"charge{size}@example.org", "54")
    for _ in range(size):
        open_accompaniment(dla_user, [structure])
    facilitator = FacilitatorMembershipFactory()
    for _ in range(size):
        LotFactory(
            facilitator=facilitator.facilitator,
            marche=MarcheFactory(notification_date=last_month()),
        )
    for user in (
        instructeur,
        lecteur,
        chef_service,
        admin_user,
        director,
        dla_user,
        facilitator.user,
    ):
        client.force_login(user)
        with django_assert_max_num_queries(14):
            assert client.get(reverse("home")).status_code == 200
    assert Accompaniment.objects.count() == size
