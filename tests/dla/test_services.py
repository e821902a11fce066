import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from dla import services
from dla.models import Accompaniment, Deliverable, FollowUp, Prestation, Provider
from iae_portal.audit.models import AuditEntry
from tests.structures.factories import StructureFactory

from .factories import (
    DIAGNOSTIC,
    FOLLOW_UP,
    PLAN,
    ProviderFactory,
    accompaniment_at,
    chargé,
    open_accompaniment,
    prestation_values,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%fake but well-marked\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def user():
    return chargé("charge54@example.org", "54")


@pytest.fixture
def structures():
    return [StructureFactory(name="Chantier Un"), StructureFactory(name="Chantier Deux")]


def actions(accompaniment):
    return list(
        AuditEntry.objects.filter(object_id=str(accompaniment.uuid))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_open_logs_a_request_with_a_reference_per_dla_and_year(user, structures):
    first = open_accompaniment(user, structures[:1])
    second = open_accompaniment(user, structures)
    assert (first.ref, second.ref) == ("DLA54-2024-001", "DLA54-2024-002")
    assert second.state == "demande"
    assert set(second.structures.all()) == set(structures)
    entry = AuditEntry.objects.get(object_id=str(second.uuid))
    assert (entry.action, entry.actor, entry.changes["state"]) == (
        "dla.request",
        user,
        [None, "demande"],
    )


def test_open_is_for_the_chargés_of_that_dla(structures, instructeur):
    other = chargé("charge57@example.org", "57")
    for actor in (other, instructeur):
        with pytest.raises(PermissionDenied):
            open_accompaniment(actor, structures, code="54")
    assert not Accompaniment.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"structures": []}, "structures"),
        ({"request_date": datetime.date.today() + datetime.timedelta(days=2)}, "request_date"),
    ],
)
def test_open_refuses_bad_requests(user, structures, overrides, field):
    chosen = overrides.pop("structures", structures)
    with pytest.raises(services.StepRefused) as refused:
        open_accompaniment(user, chosen, **overrides)
    assert refused.value.field == field
    assert not Accompaniment.objects.exists()


def test_each_step_moves_the_state_forward_and_is_audited(user, structures):
    accompaniment = accompaniment_at("suivi", user, structures)
    assert accompaniment.state == "suivi"
    assert actions(accompaniment) == [
        "dla.request",
        "dla.diagnostic",
        "dla.plan",
        "dla.prestation",
        "dla.follow_up",
    ]
    states = [
        entry.changes.get("state")
        for entry in AuditEntry.objects.filter(object_id=str(accompaniment.uuid)).order_by("id")
    ]
    assert states == [
        [None, "demande"],
        ["demande", "diagnostic"],
        ["diagnostic", "plan"],
        ["plan", "ingenierie"],
        ["ingenierie", "suivi"],
    ]
    services.accompaniment_close(
        actor=user,
        accompaniment=accompaniment,
        closed_on=datetime.date(2025, 1, 10),
        summary="Objectifs atteints.",
    )
    accompaniment.refresh_from_db()
    assert (accompaniment.state, accompaniment.closed_on) == ("clos", datetime.date(2025, 1, 10))
    assert actions(accompaniment)[-1] == "dla.close"


def test_correcting_a_step_never_moves_the_state_back(user, structures):
    accompaniment = accompaniment_at("ingenierie", user, structures)
    services.accompaniment_diagnose(
        actor=user, accompaniment=accompaniment, **{**DIAGNOSTIC, "priorities": "Autres"}
    )
    accompaniment.refresh_from_db()
    assert accompaniment.state == "ingenierie"
    assert accompaniment.diagnostic.priorities == "Autres"
    entry = AuditEntry.objects.filter(action="dla.diagnostic").order_by("id").last()
    assert entry.changes == {"priorities": [DIAGNOSTIC["priorities"], "Autres"]}


@pytest.mark.parametrize(
    ("state", "step", "message"),
    [
        ("demande", "plan", "Enregistrez d'abord le diagnostic partagé"),
        ("diagnostic", "prestation", "Le plan d'accompagnement doit être enregistré"),
        ("plan", "follow_up", "Le suivi commence après l'ingénierie"),
    ],
)
def test_a_step_out_of_order_is_refused_in_french(user, structures, state, step, message):
    accompaniment = accompaniment_at(state, user, structures)
    before = actions(accompaniment)
    calls = {
        "plan": lambda: services.accompaniment_plan(
            actor=user, accompaniment=accompaniment, **PLAN
        ),
        "prestation": lambda: services.accompaniment_add_prestation(
            actor=user,
            accompaniment=accompaniment,
            beneficiaries=structures[:1],
            **prestation_values(),
        ),
        "follow_up": lambda: services.accompaniment_follow_up(
            actor=user,
            accompaniment=accompaniment,
            milestone=6,
            contact_date=datetime.date(2024, 12, 1),
            **FOLLOW_UP,
        ),
    }
    with pytest.raises(services.StepRefused, match=message):
        calls[step]()
    accompaniment.refresh_from_db()
    assert accompaniment.state == state
    assert actions(accompaniment) == before
    assert not Prestation.objects.filter(accompaniment=accompaniment, ref__endswith="P002").exists()


def test_a_closed_accompaniment_refuses_every_step(user, structures):
    accompaniment = accompaniment_at("demande", user, structures)
    services.accompaniment_close(
        actor=user,
        accompaniment=accompaniment,
        closed_on=datetime.date(2024, 2, 1),
        summary="Abandon.",
    )
    attempts = [
        lambda: services.accompaniment_diagnose(
            actor=user, accompaniment=accompaniment, **DIAGNOSTIC
        ),
        lambda: services.accompaniment_close(
            actor=user,
            accompaniment=accompaniment,
            closed_on=datetime.date(2024, 3, 1),
            summary="x",
        ),
        lambda: services.accompaniment_update_request(
            actor=user,
            accompaniment=accompaniment,
            structures=structures,
            request_date=datetime.date(2024, 1, 15),
            requester="dla",
            needs="x",
        ),
    ]
    for attempt in attempts:
        with pytest.raises(services.StepRefused, match="Cet accompagnement est clos"):
            attempt()
    assert actions(accompaniment) == ["dla.request", "dla.close"]


def test_steps_are_for_the_chargés_of_its_dla(user, structures, instructeur, admin_user):
    accompaniment = accompaniment_at("demande", user, structures)
    for actor in (chargé("charge57@example.org", "57"), instructeur):
        with pytest.raises(PermissionDenied):
            services.accompaniment_diagnose(actor=actor, accompaniment=accompaniment, **DIAGNOSTIC)
    services.accompaniment_diagnose(actor=admin_user, accompaniment=accompaniment, **DIAGNOSTIC)


@pytest.mark.parametrize(
    ("overrides", "count", "field", "message"),
    [
        ({"mode": "collective"}, 1, "beneficiaries", "plusieurs structures"),
        ({"mode": "individuelle"}, 2, "beneficiaries", "une seule structure"),
        ({"end_date": datetime.date(2024, 2, 1)}, 1, "end_date", "précéder le début"),
        ({"start_date": datetime.date(2023, 12, 1)}, 1, "start_date", "précéder la demande"),
        ({"provider_name": "Nouveau", "provider_kind": ""}, 1, "provider_kind", "Précisez"),
        (
            {"provider_name": "Réseau A", "provider_kind": "cabinet_conseil"},
            1,
            "provider_kind",
            "réseau",
        ),
    ],
)
def test_add_prestation_refuses_bad_input(user, structures, overrides, count, field, message):
    ProviderFactory(name="Réseau A", kind="reseau_iae")
    accompaniment = accompaniment_at("plan", user, structures)
    with pytest.raises(services.StepRefused, match=message) as refused:
        services.accompaniment_add_prestation(
            actor=user,
            accompaniment=accompaniment,
            beneficiaries=structures[:count],
            **prestation_values(**overrides),
        )
    assert refused.value.field == field
    assert not Prestation.objects.exists()
    assert not Provider.objects.filter(name="Nouveau").exists()


def test_collective_prestation_with_deliverables(user, structures):
    accompaniment = accompaniment_at("plan", user, structures[:1])
    third = StructureFactory(name="Entreprise Trois")
    prestation = services.accompaniment_add_prestation(
        actor=user,
        accompaniment=accompaniment,
        beneficiaries=[*structures, third],
        files=[SimpleUploadedFile("rapport final.pdf", PDF)],
        **prestation_values(mode="collective", theme="mutualisation"),
    )
    assert prestation.ref == f"{accompaniment.ref}-P001"
    assert set(prestation.beneficiaries.all()) == {*structures, third}
    # The beneficiaries join the accompanied structures.
    assert set(accompaniment.structures.all()) == {*structures, third}
    assert Provider.objects.get(name="Cabinet Test").kind == "cabinet_conseil"
    deliverable = Deliverable.objects.get(prestation=prestation)
    assert deliverable.original_name == "rapport final.pdf"
    assert deliverable.content_type == "application/pdf"
    assert deliverable.file.name.endswith(".pdf") and "rapport" not in deliverable.file.name
    entry = AuditEntry.objects.filter(action="dla.prestation").get()
    assert entry.changes["deliverables"] == [None, ["rapport final.pdf"]]


def test_a_file_that_is_not_a_document_writes_nothing(user, structures):
    accompaniment = accompaniment_at("plan", user, structures)
    with pytest.raises(services.StepRefused, match="Seuls les fichiers PDF") as refused:
        services.accompaniment_add_prestation(
            actor=user,
            accompaniment=accompaniment,
            beneficiaries=structures[:1],
            files=[SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00 not a pdf")],
            **prestation_values(),
        )
    assert refused.value.field == "files"
    assert not Prestation.objects.exists() and not Deliverable.objects.exists()


def test_deliverables_added_later(user, structures):
    accompaniment = accompaniment_at("ingenierie", user, structures)
    prestation = accompaniment.prestations.get()
    names = services.accompaniment_add_deliverables(
        actor=user, prestation=prestation, files=[SimpleUploadedFile("annexe.pdf", PDF)]
    )
    assert names == ["annexe.pdf"]
    assert actions(accompaniment)[-1] == "dla.deliverable"


def test_follow_up_is_recorded_once_per_milestone(user, structures):
    accompaniment = accompaniment_at("suivi", user, structures)
    services.accompaniment_follow_up(
        actor=user,
        accompaniment=accompaniment,
        milestone=6,
        contact_date=datetime.date(2024, 12, 3),
        **{**FOLLOW_UP, "jobs_created": 3},
    )
    follow_up = FollowUp.objects.get(accompaniment=accompaniment)
    assert (follow_up.contact_date, follow_up.jobs_created) == (datetime.date(2024, 12, 3), 3)
    with pytest.raises(services.StepRefused) as refused:
        services.accompaniment_follow_up(
            actor=user,
            accompaniment=accompaniment,
            milestone=12,
            contact_date=datetime.date.today() + datetime.timedelta(days=1),
            **FOLLOW_UP,
        )
    assert refused.value.field == "contact_date"


def test_close_needs_a_summary_and_a_plausible_date(user, structures):
    accompaniment = accompaniment_at("demande", user, structures)
    with pytest.raises(services.StepRefused) as refused:
        services.accompaniment_close(
            actor=user,
            accompaniment=accompaniment,
            closed_on=datetime.date(2024, 2, 1),
            summary=" ",
        )
    assert refused.value.field == "summary"
    with pytest.raises(services.StepRefused) as refused:
        services.accompaniment_close(
            actor=user,
            accompaniment=accompaniment,
            closed_on=datetime.date(2023, 2, 1),
            summary="x",
        )
    assert refused.value.field == "closed_on"
    accompaniment.refresh_from_db()
    assert accompaniment.state == "demande"


def test_update_request_changes_the_structures(user, structures):
    accompaniment = accompaniment_at("diagnostic", user, structures[:1])
    services.accompaniment_update_request(
        actor=user,
        accompaniment=accompaniment,
        structures=structures,
        request_date=datetime.date(2024, 1, 10),
        requester="reseau_iae",
        needs="Consolider la structure.",
        urgent=True,
    )
    accompaniment.refresh_from_db()
    assert accompaniment.state == "diagnostic"
    assert (accompaniment.requester, accompaniment.urgent) == ("reseau_iae", True)
    entry = AuditEntry.objects.filter(action="dla.request").order_by("id").last()
    assert entry.changes["structures"] == [
        [structures[0].siret],
        sorted(s.siret for s in structures),
    ]
    assert entry.changes["urgent"] == [False, True]
