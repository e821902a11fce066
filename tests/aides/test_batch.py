"""Batch computation of a campaign: same results as one by one, idempotent, resumable."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q

from aides import services
from aides.enums import DossierState as S
from aides.models import AidComputation, Batch, BatchItem, BatchState, Dossier
from aides.prepared import LETTERS_ARCHIVE
from aides.services import batch as batch_module
from aides.services.batch import (
    BatchAlreadyRunning,
    BatchBusy,
    batch_changes,
    batch_run,
    batch_start,
)
from iae_portal.prepared.services import build, prepare
from tests.aides.batches import eleven_drafts
from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossiers(campaign):
    return eleven_drafts(campaign)


def run(campaign, actor=None, chunk_size=4):
    batch = batch_start(actor=actor, campaign=campaign, enqueue=False)
    return batch_run(batch.pk, chunk_size=chunk_size)


def test_batch_gives_the_same_results_as_one_by_one(campaign, dossiers, chef_service):
    batch = run(campaign, chef_service)
    assert batch.state == BatchState.DONE and batch.done == len(dossiers) and batch.errors == 0
    for dossier in Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).select_related(
        "computation"
    ):
        alone = campaign.scheme.compute_amount(dossier.case_data())
        assert dossier.computation.result == alone.to_dict()
        assert dossier.computation.version_id == batch.version_id
    assert batch.total_amount == sum(
        (Dossier.objects.get(pk=d.pk).computation.total for d in dossiers), Decimal(0)
    )


def test_rerun_is_idempotent_and_reports_no_change(campaign, dossiers):
    first = run(campaign)
    totals = dict(Dossier.objects.values_list("pk", "computation__total"))
    second = run(campaign)
    assert dict(Dossier.objects.values_list("pk", "computation__total")) == totals
    assert second.changed == 0 and list(batch_changes(second)) == []
    assert first.done == second.done == len(dossiers)


def test_new_parameters_report_the_changed_amounts(campaign, dossiers, chef_service):
    run(campaign)
    scheme = campaign.scheme
    services.scheme_parameters_change(
        actor=chef_service,
        scheme=scheme,
        values={**scheme.parameters(), "startup_per_member": Decimal("700")},
        reason="Délibération 2026-90",
    )
    batch = run(campaign, chef_service)
    changes = list(batch_changes(batch))
    assert batch.changed == len(dossiers) == len(changes)
    for item in changes:
        members = item.dossier.data["team"]["members_count"] + 1
        assert item.new_total - item.old_total == Decimal(100) * members
        assert item.computation.version.number == 2 and item.previous.version.number == 1


def test_only_computable_states_are_computed(campaign, dossiers, director_a, structure_a):
    frozen = dossiers[0]
    Dossier.objects.filter(pk=frozen.pk).update(state=S.INSTRUIT)
    before = Dossier.objects.get(pk=frozen.pk).computation_id
    batch = run(campaign)
    assert batch.done == len(dossiers) - 1
    assert Dossier.objects.get(pk=frozen.pk).computation_id == before


def test_one_batch_per_campaign_at_a_time(campaign, dossiers):
    batch_start(actor=None, campaign=campaign, enqueue=False)
    with pytest.raises(BatchAlreadyRunning):
        batch_start(actor=None, campaign=campaign, enqueue=False)


def test_a_runner_killed_midway_is_finished_by_the_next_with_nothing_doubled(
    campaign, dossiers, monkeypatch
):
    batch = batch_start(actor=None, campaign=campaign, enqueue=False)
    real_chunk, calls = batch_module._run_chunk, []

    def dying_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real_chunk(*args, **kwargs)

    monkeypatch.setattr(batch_module, "_run_chunk", dying_chunk)
    with pytest.raises(SystemExit):
        batch_run(batch.pk, chunk_size=4)
    batch.refresh_from_db()
    assert batch.state == BatchState.RUNNING and batch.done == 4
    # While its lease runs, another runner stands back; once expired, it takes over.
    monkeypatch.setattr(batch_module, "_run_chunk", real_chunk)
    with pytest.raises(BatchBusy):
        batch_run(batch.pk, chunk_size=4)
    Batch.objects.filter(pk=batch.pk).update(lease_until=None)
    batch = batch_run(batch.pk, chunk_size=4)
    assert batch.state == BatchState.DONE and batch.done == len(dossiers)
    assert BatchItem.objects.filter(batch=batch).count() == len(dossiers)
    assert BatchItem.objects.filter(batch=batch).values("dossier").distinct().count() == len(
        dossiers
    )
    assert AidComputation.objects.filter(version=batch.version, created_by=None).count() == len(
        dossiers
    )


def test_batch_never_touches_instalments(campaign, draft_voted, dossiers):
    instalments = list(draft_voted.instalments.values_list("year", "amount"))
    run(campaign)
    run(campaign)
    assert list(draft_voted.instalments.values_list("year", "amount")) == instalments


def test_queue_down_marks_the_batch_failed_in_french(
    campaign, dossiers, monkeypatch, django_capture_on_commit_callbacks
):
    from aides import tasks

    def broken_delay(*args, **kwargs):
        raise ConnectionRefusedError("redis down")

    monkeypatch.setattr(tasks.run_batch, "delay", broken_delay)
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_start(actor=None, campaign=campaign)
    batch.refresh_from_db()
    assert batch.state == BatchState.FAILED
    assert "file de calcul est indisponible" in batch.failure
    # A failed batch does not block the next one.
    batch_start(actor=None, campaign=campaign, enqueue=False)


def test_started_through_celery_in_eager_mode(
    campaign, dossiers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_start(actor=None, campaign=campaign)
    batch.refresh_from_db()
    assert batch.state == BatchState.DONE and batch.done == len(dossiers)


def test_compute_campaign_command(campaign, dossiers):
    out = StringIO()
    call_command("compute_campaign", str(campaign.uuid), stdout=out)
    assert f"{len(dossiers)} dossiers calculés avec les paramètres v1" in out.getvalue()
    call_command("compute_campaign", campaign.name, stdout=out)
    assert "0 montants modifiés" in out.getvalue()


def test_chunk_queries_do_not_grow_with_the_chunk(
    campaign, dossiers, django_assert_max_num_queries
):
    batch = batch_start(actor=None, campaign=campaign, enqueue=False)
    batch = type(batch).objects.get(pk=batch.pk)
    scheme = campaign.scheme
    with django_assert_max_num_queries(12):
        batch_module._run_chunk(batch, scheme, scheme.parameters(batch.version), Q(), 11)
    assert BatchItem.objects.filter(batch=batch).count() == 11


def test_letters_of_a_commission_one_pdf_each_and_a_zip(draft_voted, commission, chef_service):
    import io
    import zipfile

    from aides.services.batch import letters_start

    batch = letters_start(actor=chef_service, commission=commission, enqueue=False)
    assert batch.total == 1
    batch = batch_run(batch.pk)
    assert batch.state == BatchState.DONE and batch.done == 1 and batch.errors == 0
    item = BatchItem.objects.get(batch=batch)
    assert item.letter.read().startswith(b"%PDF-") and item.convention.read().startswith(b"%PDF-")
    # The archive of them all is prepared when someone asks for it (aides.prepared).
    prepared = prepare(
        owner=chef_service, kind=LETTERS_ARCHIVE, params={"batch": str(batch.uuid)}, title="ZIP"
    )
    prepared = build(prepared.pk)
    assert prepared.filename == f"courriers-{commission.date:%Y-%m-%d}.zip"
    with zipfile.ZipFile(io.BytesIO(prepared.file.read())) as archive:
        assert sorted(archive.namelist()) == sorted(
            [f"notification-{draft_voted.reference}.pdf", f"convention-{draft_voted.reference}.pdf"]
        )
    # Run again: nothing rendered twice.
    assert batch_run(batch.pk).done == 1 and BatchItem.objects.filter(batch=batch).count() == 1


def test_batch_pages(
    client, campaign, dossiers, chef_service, director_a, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    client.force_login(chef_service)
    start = reverse("aides:batch_start", args=[campaign.uuid])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start)
    batch = Batch.objects.get()
    assert response["Location"] == reverse("aides:batch_detail", args=[batch.uuid])
    progress = client.get(reverse("aides:batch_progress", args=[batch.uuid])).json()
    assert progress == {
        "state": "done",
        "state_label": "Terminé",
        "done": len(dossiers),
        "total": len(dossiers),
        "percent": 100,
        "finished": True,
    }
    page = client.get(response["Location"]).content.decode()
    assert "Bilan" in page and f"<dd>{len(dossiers)}</dd>" in page
    client.force_login(director_a)
    assert client.get(reverse("aides:batch_progress", args=[batch.uuid])).status_code == 403
    assert client.post(start).status_code == 403


def test_start_page_says_when_the_queue_is_down(
    client, campaign, dossiers, instructeur, monkeypatch, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from aides import tasks

    def broken_delay(*args, **kwargs):
        raise ConnectionRefusedError("redis down")

    monkeypatch.setattr(tasks.run_batch, "delay", broken_delay)
    client.force_login(instructeur)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("aides:batch_start", args=[campaign.uuid]))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "file de calcul est indisponible" in page.content.decode()


def test_garbage_collection_comes_back_even_when_a_chunk_fails(campaign, dossiers, monkeypatch):
    """The collector is paused while a chunk computes; a worker must not go on without it."""
    import gc

    def broken(*args):
        raise RuntimeError("chunk crashed")

    monkeypatch.setattr(batch_module, "_compute", broken)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        run(campaign)
    assert gc.isenabled()
    assert not BatchItem.objects.exists()  # the failed chunk wrote nothing


def test_one_dossier_failing_does_not_stop_the_batch(campaign, dossiers, monkeypatch):
    real = batch_module.rules.evaluate
    doomed = dossiers[5]

    def evaluate(rule_kind, case, parameters):
        if case.team.members_count == doomed.data["team"]["members_count"]:
            raise ZeroDivisionError("rule bug")
        return real(rule_kind, case, parameters)

    monkeypatch.setattr(batch_module.rules, "evaluate", evaluate)
    batch = run(campaign)
    assert batch.state == BatchState.DONE and batch.done == len(dossiers) and batch.errors == 1
    item = BatchItem.objects.get(batch=batch, dossier=doomed)
    assert "Erreur inattendue (ZeroDivisionError)" in item.error and item.computation is None
    assert BatchItem.objects.filter(batch=batch, error="").count() == len(dossiers) - 1


def test_numbers_the_fast_json_reader_would_change_are_kept_exactly(campaign, dossiers):
    """orjson reads an integer beyond 64 bits as a float, or refuses it: such data (an
    unknown key the rules ignore) must come back exactly as saved."""
    huge, long = 10**400, 2**70
    for dossier, value in ((dossiers[0], huge), (dossiers[1], long)):
        Dossier.objects.filter(pk=dossier.pk).update(data={**dossier.data, "note": value})
    batch = run(campaign)
    assert batch.done == len(dossiers) and batch.errors == 0
    for dossier, value in ((dossiers[0], huge), (dossiers[1], long)):
        stored = Dossier.objects.select_related("computation").get(pk=dossier.pk).computation
        assert stored.input["note"] == value and type(stored.input["note"]) is int


def test_a_dossier_becoming_computable_behind_the_run_is_computed(campaign, dossiers, monkeypatch):
    first = dossiers[0]
    Dossier.objects.filter(pk=first.pk).update(state=S.INSTRUIT)
    real_chunk = batch_module._run_chunk

    def chunk_then_send_back(*args, **kwargs):
        last = real_chunk(*args, **kwargs)
        # Sent back for completion while the run is past it.
        Dossier.objects.filter(pk=first.pk).update(state=S.COMPLEMENT_DEMANDE)
        return last

    monkeypatch.setattr(batch_module, "_run_chunk", chunk_then_send_back)
    batch = run(campaign)
    assert batch.done == len(dossiers)
    assert BatchItem.objects.filter(batch=batch, dossier=first, error="").exists()


def test_dossiers_behind_the_run_are_found_over_several_windows_of_keys(
    campaign, dossiers, monkeypatch
):
    """The late dossiers are looked for a window of keys at a time (not all the keys in
    memory): those of every window are computed, each once, in chunks of the batch's size."""
    behind = [dossiers[1], dossiers[6], dossiers[7], dossiers[10]]
    Dossier.objects.filter(pk__in=[d.pk for d in behind]).update(state=S.INSTRUIT)
    monkeypatch.setattr(batch_module, "LATE_WINDOW_CHUNKS", 1)  # windows of 2 keys
    real_chunk = batch_module._run_chunk
    late_chunks = []

    def chunk_then_send_back(batch, scheme, parameters, which, chunk_size):
        last = real_chunk(batch, scheme, parameters, which, chunk_size)
        if last is None:  # the keyset pass is over: sent back for completion behind it
            Dossier.objects.filter(pk__in=[d.pk for d in behind]).update(state=S.COMPLEMENT_DEMANDE)
        elif not isinstance(which.children[0][1], int):
            late_chunks.append(list(which.children[0][1]))
        return last

    monkeypatch.setattr(batch_module, "_run_chunk", chunk_then_send_back)
    batch = run(campaign, chunk_size=2)
    assert batch.done == len(dossiers)
    items = BatchItem.objects.filter(batch=batch)
    assert items.count() == len(dossiers)
    assert set(items.filter(error="").values_list("dossier_id", flat=True)) == {
        d.pk for d in dossiers
    }
    assert late_chunks == [[behind[0].pk, behind[1].pk], [behind[2].pk, behind[3].pk]]


def test_region_bound_staff_start_no_batch_over_other_regions_dossiers(
    client, campaign, dossiers, instructeur, django_capture_on_commit_callbacks
):
    """A batch goes through every dossier of the campaign: an agent of the Grand Est may
    start one while all of them are in the Grand Est, not once one lies in Paris."""
    from django.urls import reverse

    from structures.models import Department
    from tests.structures.factories import UserFactory

    page_url = reverse("aides:campaign_batches", args=[campaign.uuid])
    start = reverse("aides:batch_start", args=[campaign.uuid])
    client.force_login(instructeur)
    assert "Lancer le calcul" in client.get(page_url).content.decode()

    paris = StructureFactory(department=Department.objects.get(code="75"))
    director = MembershipFactory(structure=paris).user
    services.dossier_create(actor=director, structure=paris, campaign=campaign)

    page = client.get(page_url).content.decode()
    assert "Lancer le calcul" not in page and "hors de votre région" in page
    assert client.post(start).status_code == 403
    assert not Batch.objects.exists()

    council_wide = UserFactory(role=instructeur.role, region=None)
    client.force_login(council_wide)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start)
    assert response.status_code == 302
    assert Batch.objects.get().done == len(dossiers) + 1


def test_a_corrected_rule_keeps_stored_computations_and_the_batch_reports_the_change(
    monkeypatch,
):
    # Issue 14, item 17: the Midi-Pyrénées call once computed 50 % × expenses − post aids.
    from aides.models import AidScheme
    from aides.rules import aap_innovation
    from aides.rules.result import ZERO, Outcome
    from tests.aides.factories import CampaignFactory

    def former_evaluate(case, p):
        outcome = Outcome(case)
        amount = case.operating_expenses * p["rate"] - case.aides_au_poste_already_funded
        outcome.add("Projet", min(max(amount, ZERO), p["cap"]), ref="operating_expenses")
        return outcome.finish()

    campaign = CampaignFactory(scheme=AidScheme.objects.get(code="mp-aap-innovation"))
    structure = StructureFactory(kind="EI")
    director = MembershipFactory(structure=structure).user
    dossier = services.dossier_create(actor=director, structure=structure, campaign=campaign)
    data = {"operating_expenses": 32551, "aides_au_poste_already_funded": 5000}
    with monkeypatch.context() as patched:
        patched.setattr(aap_innovation, "evaluate", former_evaluate)
        dossier = services.dossier_save_data(
            actor=director, dossier=dossier, expected_version=dossier.version, data=data
        )
    stored = dossier.computation
    assert stored.total == Decimal("11275.50")

    out = StringIO()
    call_command("compute_campaign", str(campaign.uuid), stdout=out)

    stored.refresh_from_db()
    assert stored.total == Decimal("11275.50") and stored.result["total"] == "11275.50"
    dossier.refresh_from_db()
    assert dossier.computation_id != stored.pk and dossier.computation.total == Decimal("13775.50")
    batch = Batch.objects.get(campaign=campaign)
    [item] = batch_changes(batch)
    assert (item.previous_id, item.old_total, item.new_total) == (
        stored.pk,
        Decimal("11275.50"),
        Decimal("13775.50"),
    )
    assert "1 montants modifiés" in out.getvalue()
    assert f"{dossier.reference} {structure.name} : 11275.50 → 13775.50" in out.getvalue()
