"""Who may do what with a dossier, through the views: every role against every transition
(fired from one of its source states), the dossier page and the download of a document.

The expected answers are written below, not derived from ``perms`` or ``workflow``: a change
of who may act has to change this table too."""

import itertools

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aides import services
from aides.enums import DossierState as S
from aides.models import Dossier, DossierDocument
from aides.workflow import TRANSITIONS
from iae_portal.users.enums import Role
from structures.enums import MembershipRole
from structures.models import Region
from tests.aides.factories import CA_DATA, PDF, CampaignFactory, CommissionFactory
from tests.structures.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

OK, LOGIN = "ok", "login"  # done (302 back to the dossier); redirected to the login page
ROLES = (
    "anonymous", "director", "salarie", "other_director", "instructeur", "instructeur_other_region",
    "chef", "lecteur", "dla", "facilitateur", "admin",
)  # fmt: skip
# 403: sees the dossier, may not do this; 404: does not see the dossier (nor the system's
# own transitions, which have no button).
# fmt: off
EXPECTED = {  #                anon   dir   sal  odir  inst  oreg  chef  lect   dla  faci admin
    "submit":               (LOGIN,   OK,  403,  404,  403,  404,  403,  403,  404,  404,  403),
    "start_instruction":    (LOGIN,  403,  403,  404,   OK,  404,   OK,  403,  404,  404,   OK),
    "request_documents":    (LOGIN,  403,  403,  404,   OK,  404,   OK,  403,  404,  404,   OK),
    "resubmit":             (LOGIN,   OK,  403,  404,  403,  404,  403,  403,  404,  404,  403),
    "instruct":             (LOGIN,  403,  403,  404,   OK,  404,   OK,  403,  404,  404,   OK),
    "reopen":               (LOGIN,  403,  403,  404,   OK,  404,   OK,  403,  404,  404,   OK),
    "vote":                 (LOGIN,  403,  403,  404,  403,  404,   OK,  403,  404,  404,   OK),
    "refuse":               (LOGIN,  403,  403,  404,  403,  404,   OK,  403,  404,  404,   OK),
    "notify":               (LOGIN,  403,  403,  404,   OK,  404,   OK,  403,  404,  404,   OK),
    "start_payment":        (LOGIN,  404,  404,  404,  404,  404,  404,  404,  404,  404,  404),
    "settle":               (LOGIN,  404,  404,  404,  404,  404,  404,  404,  404,  404,  404),
    "declare_inadmissible": (LOGIN,  403,  403,  404,   OK,  404,   OK,  403,  404,  404,   OK),
    "withdraw":             (LOGIN,   OK,  403,  404,  403,  404,  403,  403,  404,  404,  403),
    "close":                (LOGIN,  403,  403,  404,   OK,  404,   OK,  403,  404,  404,   OK),
}
PAGE =                      (LOGIN,  200,  200,  404,  200,  404,  200,  200,  404,  404,  200)
DOWNLOAD =                  (LOGIN,  200,  200,  404,  200,  404,  200,  200,  404,  404,  200)
# fmt: on
INSTRUCTED = (S.INSTRUIT, S.VOTE, S.NOTIFIE, S.EN_PAIEMENT, S.SOLDE, S.REFUSE)
VOTED = (S.VOTE, S.NOTIFIE, S.EN_PAIEMENT, S.SOLDE)


@pytest.fixture
def users(
    grand_est, structure_a, director_a, director_b, instructeur, chef_service, lecteur, admin_user
):
    other_region = Region.objects.exclude(code=grand_est.code).first()
    return {
        "anonymous": None,
        "director": director_a,
        "salarie": MembershipFactory(
            structure=structure_a, role=MembershipRole.SALARIE, user__email="salarie@example.org"
        ).user,
        "other_director": director_b,
        "instructeur": instructeur,
        "instructeur_other_region": UserFactory(
            email="instructeur.idf@example.org", role=Role.INSTRUCTEUR, region=other_region
        ),
        "chef": chef_service,
        "lecteur": lecteur,
        "dla": UserFactory(email="dla@example.org", role=Role.DLA),
        "facilitateur": UserFactory(email="facilitateur@example.org", role=Role.FACILITATEUR),
        "admin": admin_user,
    }


@pytest.fixture
def clients(users):
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        if user is not None:
            clients[role].force_login(user)
    return clients


@pytest.fixture
def make_dossier(settings, tmp_path, structure_a, director_a):
    """``make_dossier(state)``: a dossier of structure A as the workflow leaves it in
    ``state``, with its computation and every required document."""
    settings.MEDIA_ROOT = tmp_path
    campaign = CampaignFactory()
    commission = CommissionFactory(campaign=campaign, date=timezone.localdate())
    computation = services.computation_record(
        actor=director_a,
        scheme=campaign.scheme,
        data={**CA_DATA, "structure": {"kind": structure_a.kind}},
        structure=structure_a,
    )
    stored = default_storage.save("dossiers/tests/piece.pdf", ContentFile(PDF))
    serial = itertools.count(1)

    def make(state):
        decisions = {}
        if state in INSTRUCTED:
            decisions.update(opinion="favorable", proposed_amount=computation.total)
        if state in VOTED:
            decisions.update(voted_amount=computation.total, commission=commission)
            decisions.update(deliberation_number="CP-2026-1")
        dossier = Dossier.objects.create(
            reference=f"T-{next(serial):05d}",
            structure=structure_a,
            campaign=campaign,
            state=state,
            data=CA_DATA,
            computation=computation,
            requested_amount=computation.total,
            created_by=director_a,
            submitted_at=None if state == S.BROUILLON else timezone.now(),
            **decisions,
        )
        DossierDocument.objects.bulk_create(
            DossierDocument(
                dossier=dossier,
                kind=kind,
                file=stored,
                original_name=f"{kind}.pdf",
                content_type="application/pdf",
                size=len(PDF),
                uploaded_by=director_a,
            )
            for kind in campaign.scheme.required_documents
        )
        return dossier

    make.commission = commission
    return make


def post_data(name, dossier, commission):
    data = {f"{name}-version": dossier.version, f"{name}-comment": "Motif du test."}
    if name == "instruct":
        data[f"{name}-opinion"] = "favorable"
    if name in ("vote", "refuse"):
        data[f"{name}-commission"] = commission.pk
        data[f"{name}-deliberation_number"] = "CP-2026-42"
    return data


def check(response, expected, dossier):
    """A mismatch's description, or None."""
    if expected == LOGIN:
        good = response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif expected == OK:
        good = response.status_code == 302 and response["Location"] == dossier.get_absolute_url()
    else:
        good = response.status_code == expected
    return None if good else f"expected {expected}, got {response.status_code}"


def test_every_role_against_every_transition_page_and_download(clients, make_dossier, capsys):
    assert set(EXPECTED) == set(TRANSITIONS), "every transition has its row"
    mismatches, checked = [], 0
    for name, row in EXPECTED.items():
        transition = TRANSITIONS[name]
        for index, (role, expected) in enumerate(zip(ROLES, row, strict=True)):
            state = transition.sources[index % len(transition.sources)]
            dossier = make_dossier(state)
            url = reverse("aides:dossier_transition", args=[dossier.uuid, name])
            response = clients[role].post(url, post_data(name, dossier, make_dossier.commission))
            before = (dossier.state, dossier.version)
            dossier.refresh_from_db()
            problems = [check(response, expected, dossier)]
            if expected == OK and dossier.state != transition.target:
                problems.append(f"state {dossier.state}, not {transition.target}")
            if expected != OK and (dossier.state, dossier.version) != before:
                problems.append(f"refused, yet the dossier changed to {dossier.state}")
            if any(problems):
                problems = "; ".join(filter(None, problems))
                mismatches.append(f"{role} × {name} (from {state}): {problems}")
            checked += 1

    dossier = make_dossier(S.DEPOSE)
    document = dossier.documents.first()
    for kind, row, url in (
        ("page", PAGE, dossier.get_absolute_url()),
        ("download", DOWNLOAD, reverse("aides:document_download", args=[document.uuid])),
    ):
        for role, expected in zip(ROLES, row, strict=True):
            problem = check(clients[role].get(url), expected, dossier)
            if problem:
                mismatches.append(f"{role} × {kind}: {problem}")
            checked += 1

    assert checked == len(ROLES) * (len(TRANSITIONS) + 2)
    with capsys.disabled():
        print(f"\n{checked} combinaisons rôle × action vérifiées ({len(mismatches)} écarts)")
    assert not mismatches, "\n".join(mismatches)
