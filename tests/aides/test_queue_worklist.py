"""The instruction queue as a work list (issue 14, defect 4): by default the dossiers that
still need work, those awaiting the instruction or the decision first; closed ones on
request; states and kinds ticked, not Ctrl-clicked.

Dossiers are made through the real services."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aides import services
from aides.enums import DossierState as S
from aides.models import Dossier
from aides.workflow import TERMINAL
from tests.aides.dossier_paths import submitted_dossier
from tests.aides.factories import CampaignFactory, CommissionFactory, move
from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("aides:queue")


@pytest.fixture(autouse=True)
def _files_in_memory(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def submitted(campaign, on, **structure_fields):
    """A dossier of a new structure, deposited through the services; its deposit dated
    ``on`` (a date) so that the order does not hang on the clock's resolution."""
    structure = StructureFactory(**structure_fields)
    director = MembershipFactory(structure=structure).user
    dossier = submitted_dossier(director=director, structure=structure, campaign=campaign)
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(10)))
    Dossier.objects.filter(pk=dossier.pk).update(submitted_at=moment)
    dossier.refresh_from_db()
    dossier.director = director
    return dossier


def references(response):
    return [dossier.reference for dossier in response.context["page"].object_list]


@pytest.fixture
def world(instructeur, chef_service):
    """One dossier in each state a deposited dossier can be in; the decided and closed
    ones deposited long before those still in instruction."""
    campaign = CampaignFactory()
    commission = CommissionFactory(campaign=campaign, date=timezone.localdate())
    day = datetime.date(2025, 3, 1)
    dossiers = {}

    def decided(state_on):
        dossier = submitted(campaign, state_on)
        move(dossier, instructeur, "start_instruction")
        move(dossier, instructeur, "instruct", opinion="favorable")
        return dossier

    dossiers["notifie"] = decided(day)
    move(dossiers["notifie"], chef_service, "vote", commission=commission, deliberation_number="1")
    move(dossiers["notifie"], instructeur, "notify")
    dossiers["solde"] = decided(day + datetime.timedelta(days=1))
    move(dossiers["solde"], chef_service, "vote", commission=commission, deliberation_number="2")
    move(dossiers["solde"], instructeur, "notify")
    for instalment in dossiers["solde"].instalments.all():
        services.instalment_pay(
            actor=instructeur, instalment=instalment, paid_on=day, reference="MANDAT"
        )
    dossiers["refuse"] = decided(day + datetime.timedelta(days=2))
    move(
        dossiers["refuse"],
        chef_service,
        "refuse",
        commission=commission,
        deliberation_number="3",
        comment="Hors critères.",
    )
    dossiers["retire"] = submitted(campaign, day + datetime.timedelta(days=3))
    move(dossiers["retire"], dossiers["retire"].director, "withdraw")
    dossiers["sans_suite"] = submitted(campaign, day + datetime.timedelta(days=4))
    move(dossiers["sans_suite"], instructeur, "close", comment="Sans nouvelles.")
    dossiers["irrecevable"] = submitted(campaign, day + datetime.timedelta(days=5))
    move(dossiers["irrecevable"], instructeur, "declare_inadmissible", comment="Hors délai.")
    later = datetime.date(2026, 9, 1)
    dossiers["complement_demande"] = submitted(campaign, later, kind="EI", legal_form="sas")
    move(dossiers["complement_demande"], instructeur, "request_documents", comment="Le RIB.")
    dossiers["en_instruction"] = submitted(campaign, later + datetime.timedelta(days=1))
    move(dossiers["en_instruction"], instructeur, "start_instruction")
    dossiers["depose"] = submitted(campaign, later + datetime.timedelta(days=2))
    for state, dossier in dossiers.items():
        dossier.refresh_from_db()
        assert dossier.state == state
    return dossiers


def test_closed_states_are_those_no_transition_leaves():
    assert {S.REFUSE, S.IRRECEVABLE, S.RETIRE, S.SANS_SUITE, S.SOLDE} == TERMINAL


def test_default_queue_is_the_work_to_do_most_urgent_first(client, instructeur, world):
    """Closed dossiers are left out; those awaiting the instruction or the decision come
    first (oldest deposit first), then the decided ones whose payments follow their
    schedule, although these were deposited long before."""
    client.force_login(instructeur)
    response = client.get(QUEUE)
    refs = {state: dossier.reference for state, dossier in world.items()}
    assert references(response) == [
        refs["complement_demande"],
        refs["en_instruction"],
        refs["depose"],
        refs["notifie"],
    ]
    page = response.content.decode()
    assert "4 dossiers à traiter" in page
    # The page says closed dossiers are hidden and links to them.
    assert "Les dossiers clos" in page and "closed=on" in page
    # The export is the list the page shows.
    export = client.get(reverse("aides:queue_export", args=["csv"])).content.decode("utf-8-sig")
    assert refs["depose"] in export and refs["refuse"] not in export


def test_closed_dossiers_on_request(client, instructeur, world):
    client.force_login(instructeur)
    refs = {state: dossier.reference for state, dossier in world.items()}
    every = references(client.get(QUEUE, {"closed": "on"}))
    assert set(every) == set(refs.values())
    # Still the work first, the closed ones last.
    assert every[:4] == [
        refs["complement_demande"],
        refs["en_instruction"],
        refs["depose"],
        refs["notifie"],
    ]
    assert set(every[4:]) == {refs[state] for state in TERMINAL}
    # States ticked are shown whether closed or not.
    assert references(client.get(QUEUE, {"state": "refuse"})) == [refs["refuse"]]
    assert set(references(client.get(QUEUE, {"state": ["refuse", "depose"]}))) == {
        refs["refuse"],
        refs["depose"],
    }
    # The former order stays one choice away.
    oldest = references(client.get(QUEUE, {"closed": "on", "sort": "submitted"}))
    assert oldest[0] == refs["notifie"]


def test_states_and_kinds_are_checkboxes(client, instructeur, world):
    client.force_login(instructeur)
    page = client.get(QUEUE, {"state": "depose", "kind": "EI"}).content.decode()
    assert '<select name="state"' not in page and '<select name="kind"' not in page
    assert 'type="checkbox" name="state" value="depose"' in page
    assert 'type="checkbox" name="kind" value="EI"' in page
    # Grouped: what is still in progress, then what is closed.
    assert page.index("À traiter") < page.index('value="depose"') < page.index("Clos")
    assert page.index("Clos") < page.index('value="refuse"')
    checked = [
        chunk.split('value="')[1].split('"')[0]
        for chunk in page.split("<input")
        if 'type="checkbox" name="state"' in chunk and " checked" in chunk
    ]
    assert checked == ["depose"]
