"""A multi-step service that fails at any step leaves nothing half-written: the dossier's
state and version, its audit entry, its comment, its instalments, its notifications and the
e-mails scheduled after commit all go, or none does."""

import pytest
from django.core import mail

from aides import services
from aides.models import DossierComment, Instalment, Notification
from aides.services import dossiers as dossier_services
from iae_portal.audit.models import AuditEntry
from tests.aides.factories import CA_DATA, move, pdf_upload
from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db


class Crash(Exception):
    pass


def snapshot(dossier):
    dossier.refresh_from_db()
    return {
        "state": dossier.state,
        "version": dossier.version,
        "voted_amount": dossier.voted_amount,
        "audit": AuditEntry.objects.filter(object_id=str(dossier.uuid)).count(),
        "comments": DossierComment.objects.filter(dossier=dossier).count(),
        "instalments": Instalment.objects.filter(dossier=dossier).count(),
        "notifications": Notification.objects.filter(dossier=dossier).count(),
    }


@pytest.fixture
def instructed(draft, director_a, instructeur):
    move(draft, director_a, "submit")
    move(draft, instructeur, "start_instruction")
    move(draft, instructeur, "instruct", opinion="favorable")
    return draft


# The vote writes, in order: the dossier (compare-and-set), its audit entry, the instalments,
# the notifications; each step is made to fail in turn.
STEPS = ["audit_record", "_create_instalments", "_notify"]


@pytest.mark.parametrize("step", STEPS)
def test_a_vote_failing_at_any_step_writes_nothing(
    step, instructed, chef_service, commission, monkeypatch, django_capture_on_commit_callbacks
):
    before = snapshot(instructed)
    real, calls = getattr(dossier_services, step), []

    def crash(*args, **kwargs):
        calls.append(step)
        real(*args, **kwargs)  # the step does its writes, then the process dies
        raise Crash(step)

    monkeypatch.setattr(dossier_services, step, crash)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Crash):
        move(instructed, chef_service, "vote", commission=commission, deliberation_number="CP-1")
    assert calls, "the step was reached"
    assert snapshot(instructed) == before
    assert callbacks == [] and mail.outbox == []  # nothing sent for what did not happen

    # Once the fault is gone, the same vote goes through whole.
    monkeypatch.setattr(dossier_services, step, real)
    instructed.refresh_from_db()
    move(instructed, chef_service, "vote", commission=commission, deliberation_number="CP-1")
    after = snapshot(instructed)
    assert after["state"] != before["state"] and after["voted_amount"] is not None
    assert after["version"] == before["version"] + 1
    assert after["audit"] == before["audit"] + 1 and after["instalments"] > 0


def test_a_bulk_vote_keeps_each_dossier_whole(
    instructed, chef_service, commission, monkeypatch, django_capture_on_commit_callbacks
):
    """The commission's vote in bulk: one dossier failing midway leaves it untouched and the
    others voted (each dossier is its own transaction, aides/services/dossiers.py)."""
    structure = StructureFactory()
    director = MembershipFactory(structure=structure).user
    other = dossier_services.dossier_create(
        actor=director, structure=structure, campaign=instructed.campaign
    )
    dossier_services.dossier_save_data(
        actor=director, dossier=other, expected_version=other.version, data=CA_DATA
    )
    for kind in other.campaign.scheme.required_documents:
        services.document_add(
            actor=director, dossier=other, kind=kind, upload=pdf_upload(f"{kind}.pdf")
        )
    move(other, director, "submit")
    move(other, chef_service, "start_instruction")
    move(other, chef_service, "instruct", opinion="favorable")
    before_other = snapshot(other)
    real = dossier_services._create_instalments

    def crash_on_other(dossier):
        real(dossier)
        if dossier.pk == other.pk:
            raise Crash("instalments")

    monkeypatch.setattr(dossier_services, "_create_instalments", crash_on_other)
    items = [(instructed, instructed.version), (other, other.version)]
    with pytest.raises(Crash):
        dossier_services.dossiers_vote(
            actor=chef_service, items=items, commission=commission, deliberation_number="CP-2"
        )
    assert snapshot(other) == before_other
    instructed.refresh_from_db()
    assert instructed.commission_id == commission.pk  # the first one was voted, whole
    assert Instalment.objects.filter(dossier=instructed).exists()
