"""Two people acting on one dossier at once: the compare-and-set on its version lets exactly
one through; the other gets ``DossierChanged`` and nothing is lost.

The races run on PostgreSQL (the CI's database), in threads with their own connections,
released together by a barrier; the same rule is checked sequentially on any database."""

import contextlib
import datetime
import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse

from aides import services
from aides.enums import DossierState as S
from aides.models import AidComputation, Dossier, Instalment
from aides.workflow import TRANSITIONS
from iae_portal.audit.models import AuditEntry
from tests.aides.dossier_paths import submitted_dossier
from tests.aides.factories import CA_DATA, CampaignFactory, CommissionFactory

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a real race needs concurrent connections with row locks: PostgreSQL (as in the "
    "CI), not SQLite, which lets one writer at a time",
)
racing = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PAID_ON = datetime.date(2026, 12, 1)


@pytest.fixture
def campaign(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return CampaignFactory()


def move(dossier, actor, name, **payload):
    return services.dossier_transition(
        actor=actor, dossier=dossier, name=name, expected_version=dossier.version, **payload
    )


def notified(director, structure, campaign, instructeur, chef):
    """A voted and notified dossier (four yearly instalments, none paid)."""
    dossier = submitted_dossier(director=director, structure=structure, campaign=campaign)
    move(dossier, instructeur, "start_instruction")
    move(dossier, instructeur, "instruct", opinion="favorable")
    commission = campaign.commissions.first() or CommissionFactory(campaign=campaign)
    move(dossier, chef, "vote", commission=commission, deliberation_number="CP-2026-7")
    return move(dossier, instructeur, "notify")


def race(*actions):
    """Run each ``action(barrier)`` in its own thread (so its own connection); an action
    loads what it needs, waits at the barrier, then acts. Returns results or exceptions."""
    barrier = threading.Barrier(len(actions), timeout=10)
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            outcomes[index] = action(barrier)
        except Exception as error:  # the caller asserts on it
            outcomes[index] = error
        finally:
            connection.close()  # this thread's connection

    threads = [threading.Thread(target=run, args=item) for item in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a racer is stuck"
    return outcomes


def fire(dossier_pk, actor, name, version, **payload):
    def action(barrier):
        dossier = Dossier.objects.select_related("structure__department", "campaign").get(
            pk=dossier_pk
        )
        barrier.wait()
        services.dossier_transition(
            actor=actor, dossier=dossier, name=name, expected_version=version, **payload
        )
        return name

    return action


def pay(instalment_pk, actor, reference):
    def action(barrier):
        instalment = Instalment.objects.select_related("dossier__structure__department").get(
            pk=instalment_pk
        )
        barrier.wait()
        services.instalment_pay(
            actor=actor, instalment=instalment, paid_on=PAID_ON, reference=reference
        )
        return reference

    return action


def one_winner(outcomes):
    """The winner's outcome, once checked that the other racer got ``DossierChanged``."""
    changed = [o for o in outcomes if isinstance(o, services.DossierChanged)]
    won = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(won) == 1 and len(changed) == 1, outcomes
    return won[0]


def audit_actions(dossier):
    return list(
        AuditEntry.objects.filter(object_id=str(dossier.uuid))
        .order_by("id")
        .values_list("action", flat=True)
    )


@postgres_only
@racing
def test_two_transitions_at_once_exactly_one_wins(
    campaign, structure_a, director_a, instructeur, chef_service
):
    duels = [
        ((instructeur, "start_instruction", {}), (chef_service, "close", {"comment": "Doublon"})),
        ((instructeur, "start_instruction", {}), (chef_service, "start_instruction", {})),
        ((director_a, "withdraw", {}), (instructeur, "request_documents", {"comment": "RIB ?"})),
    ]
    winners = []
    for round_number in range(10):
        dossier = submitted_dossier(director=director_a, structure=structure_a, campaign=campaign)
        version, before = dossier.version, audit_actions(dossier)
        duel = duels[round_number % len(duels)]
        outcomes = race(*(fire(dossier.pk, actor, name, version, **p) for actor, name, p in duel))
        winner = one_winner(outcomes)
        winners.append(winner)
        dossier.refresh_from_db()
        assert dossier.state == TRANSITIONS[winner].target
        assert dossier.version == version + 1
        assert audit_actions(dossier) == [*before, f"dossier.{winner}"]
    print(f"Vainqueurs des 10 courses : {winners}")


@postgres_only
@racing
def test_two_staff_paying_the_same_instalment_at_once_record_one_payment(
    campaign, structure_a, director_a, instructeur, chef_service
):
    for _ in range(5):
        dossier = notified(director_a, structure_a, campaign, instructeur, chef_service)
        instalment = dossier.instalments.order_by("year").first()
        outcomes = race(
            pay(instalment.pk, instructeur, "MDT-A"), pay(instalment.pk, chef_service, "MDT-B")
        )
        reference = one_winner(outcomes)
        instalment.refresh_from_db()
        assert (instalment.paid_on, instalment.payment_reference) == (PAID_ON, reference)
        assert audit_actions(dossier).count("dossier.payment") == 1
        dossier.refresh_from_db()
        assert dossier.state == S.EN_PAIEMENT
        assert dossier.instalments.filter(paid_on__isnull=False).count() == 1


@postgres_only
@racing
@pytest.mark.parametrize("already_paid", [0, 2], ids=["first-two", "last-two"])
def test_paying_two_instalments_at_once_records_both(
    campaign, structure_a, director_a, instructeur, chef_service, monkeypatch, already_paid
):
    dossier = notified(director_a, structure_a, campaign, instructeur, chef_service)
    instalments = list(dossier.instalments.order_by("year"))
    for instalment in instalments[:already_paid]:
        services.instalment_pay(
            actor=instructeur, instalment=instalment, paid_on=PAID_ON, reference="MDT-0"
        )
    # Both payers write their instalment before either reads the others: the interleaving a
    # busy day gives now and then, made certain. A payer that waits on a lock before writing
    # (the fix) never reaches this point first, and the other goes on after the timeout.
    both_wrote = threading.Barrier(2, timeout=3)
    record = services.dossiers.audit_record

    def audit_record_once_both_wrote(**kwargs):
        if kwargs["action"] == "dossier.payment":
            with contextlib.suppress(threading.BrokenBarrierError):
                both_wrote.wait()
        return record(**kwargs)

    monkeypatch.setattr(services.dossiers, "audit_record", audit_record_once_both_wrote)
    left = instalments[already_paid : already_paid + 2]
    outcomes = race(pay(left[0].pk, instructeur, "MDT-1"), pay(left[1].pk, chef_service, "MDT-2"))
    assert outcomes == ["MDT-1", "MDT-2"]
    dossier.refresh_from_db()
    assert dossier.state == (S.SOLDE if already_paid == 2 else S.EN_PAIEMENT)


# -- The same rule, one actor after the other (any database) ----------------------------------


@pytest.mark.django_db
def test_the_second_actor_with_a_stale_version_is_refused_and_nothing_is_lost(
    campaign, structure_a, director_a, instructeur, chef_service
):
    dossier = submitted_dossier(director=director_a, structure=structure_a, campaign=campaign)
    seen = dossier.version
    theirs = Dossier.objects.get(pk=dossier.pk)  # the chef opened the page at the same time
    move(dossier, instructeur, "start_instruction")
    with pytest.raises(services.DossierChanged):
        services.dossier_transition(
            actor=chef_service, dossier=theirs, name="close", expected_version=seen, comment="x"
        )
    theirs.refresh_from_db()  # reloaded, but the form still carries the version seen
    with pytest.raises(services.DossierChanged):
        services.dossier_transition(
            actor=chef_service, dossier=theirs, name="close", expected_version=seen, comment="x"
        )
    dossier.refresh_from_db()
    assert (dossier.state, dossier.version) == (S.EN_INSTRUCTION, seen + 1)
    assert audit_actions(dossier)[-1] == "dossier.start_instruction"
    assert "dossier.close" not in audit_actions(dossier)


@pytest.mark.django_db
def test_data_saved_on_a_stale_version_is_refused_and_the_decision_stands(
    campaign, structure_a, director_a, instructeur
):
    dossier = submitted_dossier(director=director_a, structure=structure_a, campaign=campaign)
    move(dossier, instructeur, "request_documents", comment="Merci de joindre le devis signé.")
    on_screen = Dossier.objects.get(pk=dossier.pk)  # the director's form, complement_demande
    move(dossier, instructeur, "declare_inadmissible", comment="Hors périmètre.")
    computations = AidComputation.objects.count()
    with pytest.raises(services.DossierChanged):
        services.dossier_save_data(
            actor=director_a,
            dossier=on_screen,
            expected_version=on_screen.version,
            data={**CA_DATA, "years": 2},
        )
    dossier.refresh_from_db()
    assert dossier.state == S.IRRECEVABLE and dossier.data["years"] == CA_DATA["years"]
    assert AidComputation.objects.count() == computations  # rolled back with the rest


@pytest.mark.django_db
def test_a_stale_form_is_answered_by_a_french_message(
    client, campaign, structure_a, director_a, instructeur, chef_service
):
    dossier = submitted_dossier(director=director_a, structure=structure_a, campaign=campaign)
    stale = dossier.version
    move(dossier, chef_service, "start_instruction")
    client.force_login(instructeur)
    response = client.post(
        reverse("aides:dossier_transition", args=[dossier.uuid, "request_documents"]),
        {"request_documents-version": stale, "request_documents-comment": "Le RIB ?"},
    )
    assert response.status_code == 302 and response["Location"] == dossier.get_absolute_url()
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("modifié entre-temps" in m for m in messages), messages
    dossier.refresh_from_db()
    assert dossier.state == S.EN_INSTRUCTION and dossier.version == stale + 1
