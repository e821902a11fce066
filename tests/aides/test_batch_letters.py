"""A commission's letters rendered in chunks over the worker's processes (issue 20, part 3):
exactly the letters of the commission, each once, the archive holding them all, and a chunk
that fails reported and taken over as before. Tasks are eager here: the chunks run one after
the other in the test; the real worker with 1 and 2 processes: ``bench/letters.py``."""

import datetime
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from aides import letters as letters_module
from aides import tasks
from aides.models import Batch, BatchItem, BatchState, LetterSettings
from aides.prepared import LETTERS_ARCHIVE
from aides.services import batch_letters
from aides.services.batch import batch_is_stalled, batch_resume, batch_run, letters_start
from iae_portal.prepared.services import build, prepare
from tests.aides.dossier_paths import submitted_dossier
from tests.aides.factories import CommissionFactory, move
from tests.structures.factories import MembershipFactory, StructureFactory

pytestmark = pytest.mark.django_db

VOTED = 5
PER_TASK = 2  # 5 dossiers: chunks of 2, 2 and 1


def voted(campaign, commission, instructeur, chef_service, count):
    """``count`` dossiers voted by ``commission``, one structure each, through the services."""
    made = []
    for n in range(count):
        structure = StructureFactory(name=f"Atelier {n}")
        director = MembershipFactory(structure=structure).user
        dossier = submitted_dossier(
            director=director, structure=structure, campaign=campaign, title=f"Chantier {n}"
        )
        move(dossier, instructeur, "start_instruction")
        move(dossier, instructeur, "instruct", opinion="favorable")
        made.append(
            move(dossier, chef_service, "vote", commission=commission, deliberation_number="CP-1")
        )
    return made


@pytest.fixture
def commission_dossiers(campaign, commission, instructeur, chef_service):
    dossiers = voted(campaign, commission, instructeur, chef_service, VOTED)
    # Neither a dossier voted by another commission nor one still in instruction has letters.
    other = CommissionFactory(
        campaign=campaign, date=timezone.localdate() - datetime.timedelta(days=30)
    )
    voted(campaign, other, instructeur, chef_service, 1)
    return dossiers


@pytest.fixture
def chunks_seen(monkeypatch):
    """The chunks the letters' task was given, in order."""
    seen, real = [], tasks.letters_render

    def spy(batch_id, dossier_ids):
        seen.append(list(dossier_ids))
        return real(batch_id, dossier_ids)

    monkeypatch.setattr(tasks, "letters_render", spy)
    return seen


@pytest.fixture
def quick_pdfs(monkeypatch):
    """A small PDF naming its kind and dossier instead of WeasyPrint's (tests of the flow)."""

    def fake(kind, dossier, letter_settings):
        letters_module.letter_context(dossier, letter_settings)  # refuses as the real one
        return f"%PDF-1.7 {kind} {dossier.reference}".encode()

    monkeypatch.setattr(letters_module, "render_letter_pdf", fake)


def pdf_text(field):
    with field.open("rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def archive_names(batch, owner):
    prepared = prepare(
        owner=owner, kind=LETTERS_ARCHIVE, params={"batch": str(batch.uuid)}, title="ZIP"
    )
    prepared = build(prepared.pk)
    with zipfile.ZipFile(io.BytesIO(prepared.file.read())) as archive:
        assert archive.testzip() is None
        return sorted(archive.namelist())


def expected_names(dossiers):
    return sorted(
        f"{kind}-{dossier.reference}.pdf"
        for dossier in dossiers
        for kind in ("notification", "convention")
    )


def assert_each_once(batch, dossiers):
    batch.refresh_from_db()
    assert batch.state == BatchState.DONE and batch.errors == 0
    assert batch.done == batch.total == len(dossiers)
    items = BatchItem.objects.filter(batch=batch)
    assert sorted(items.values_list("dossier_id", flat=True)) == sorted(d.pk for d in dossiers)


def test_the_chunks_render_each_letter_of_the_commission_once(
    commission, commission_dossiers, chef_service, chunks_seen
):
    batch = letters_start(actor=chef_service, commission=commission, enqueue=False)
    batch = batch_run(batch.pk, chunk_size=PER_TASK)
    # One task per chunk, the chunks apart and together the commission's voted dossiers.
    assert [len(chunk) for chunk in chunks_seen] == [2, 2, 1]
    assert sorted(pk for chunk in chunks_seen for pk in chunk) == sorted(
        d.pk for d in commission_dossiers
    )
    assert_each_once(batch, commission_dossiers)
    for item in BatchItem.objects.filter(batch=batch).select_related("dossier__structure"):
        # Each stored PDF is its own dossier's letter.
        notification, convention = pdf_text(item.letter), pdf_text(item.convention)
        assert item.dossier.structure.name in notification
        assert item.dossier.reference in convention
        assert item.letter.name.endswith(f"notification-{item.dossier.reference}.pdf")
    assert archive_names(batch, chef_service) == expected_names(commission_dossiers)
    # Run again, and a chunk delivered twice: nothing rendered twice.
    batch_run(batch.pk)
    tasks.render_letters(batch.pk, chunks_seen[0])
    assert_each_once(batch, commission_dossiers)


def test_in_process_and_over_the_tasks_the_same_letters(
    campaign, commission, commission_dossiers, chef_service, chunks_seen, quick_pdfs
):
    """``compute_campaign`` renders here, without a worker: the same letters and archive."""
    spread = batch_run(letters_start(actor=None, commission=commission, enqueue=False).pk)
    spread_names = archive_names(spread, chef_service)
    Batch.objects.filter(pk=spread.pk).update(state=BatchState.FAILED)  # let a second start
    chunks_seen.clear()
    here = letters_start(actor=None, commission=commission, enqueue=False)
    here = batch_run(here.pk, in_process=True)
    assert chunks_seen == []
    assert_each_once(here, commission_dossiers)
    assert archive_names(here, chef_service) == spread_names == expected_names(commission_dossiers)
    for item in BatchItem.objects.filter(batch=here).select_related("dossier"):
        assert item.convention.read() == f"%PDF-1.7 convention {item.dossier.reference}".encode()


def test_a_failing_chunk_is_reported_and_the_batch_taken_over(
    client, commission, commission_dossiers, chef_service, chunks_seen, quick_pdfs, monkeypatch
):
    real_current, calls = LetterSettings.current, []

    def failing_second_chunk():
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("database gone")
        return real_current()

    batch = letters_start(actor=chef_service, commission=commission, enqueue=False)
    with monkeypatch.context() as patch:
        patch.setattr(batch_letters.LetterSettings, "current", failing_second_chunk)
        with pytest.raises(RuntimeError):  # eager: the task's error reaches the caller
            batch_run(batch.pk, chunk_size=PER_TASK)
    batch.refresh_from_db()
    assert batch.state == BatchState.RUNNING and batch.done == PER_TASK
    done_first = set(BatchItem.objects.filter(batch=batch).values_list("dossier_id", flat=True))
    assert done_first == set(chunks_seen[0])
    # Once the lease the chunks renewed expires, the page says so and offers to resume.
    Batch.objects.filter(pk=batch.pk).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert batch_is_stalled(batch)
    client.force_login(chef_service)
    page = client.get(reverse("aides:batch_detail", args=[batch.uuid])).content.decode()
    assert "Traitement interrompu" in page and "Reprendre" in page
    chunks_seen.clear()
    batch = batch_resume(actor=chef_service, batch=batch, enqueue=False)
    batch_run(batch.pk, reserved=batch.lease_until, chunk_size=PER_TASK)
    # Only the dossiers left were queued again.
    queued_again = [pk for chunk in chunks_seen for pk in chunk]
    assert sorted(queued_again) == sorted({d.pk for d in commission_dossiers} - done_first)
    assert_each_once(batch, commission_dossiers)
    assert archive_names(batch, chef_service) == expected_names(commission_dossiers)


def test_a_letter_that_fails_is_the_dossiers_error_not_the_chunks(
    commission, commission_dossiers, chef_service, quick_pdfs, monkeypatch
):
    broken = commission_dossiers[1]
    fake = letters_module.render_letter_pdf

    def failing_one(kind, dossier, letter_settings):
        if dossier.pk == broken.pk:
            raise ValueError("police introuvable")
        return fake(kind, dossier, letter_settings)

    monkeypatch.setattr(letters_module, "render_letter_pdf", failing_one)
    batch = batch_run(
        letters_start(actor=None, commission=commission, enqueue=False).pk, chunk_size=PER_TASK
    )
    assert batch.state == BatchState.DONE and batch.done == VOTED and batch.errors == 1
    item = BatchItem.objects.get(batch=batch, dossier=broken)
    assert item.error == "ValueError: police introuvable" and not item.letter
    assert len(archive_names(batch, chef_service)) == 2 * (VOTED - 1)


def test_two_chunks_racing_for_a_dossier_store_it_once(commission, commission_dossiers, quick_pdfs):
    """A chunk queued again (by a sweep) while the first still runs: the second to save the
    dossier's item loses, its files go, and the progress counts the dossier once."""
    batch = letters_start(actor=None, commission=commission, enqueue=False)
    Batch.objects.filter(pk=batch.pk).update(state=BatchState.RUNNING)
    dossier = commission_dossiers[0]
    settings_now = LetterSettings.current()
    assert batch_letters._render_one(batch, dossier, settings_now)
    before = set(default_storage.listdir(f"courriers/{batch.uuid}")[1])
    assert batch_letters._render_one(batch, dossier, settings_now)  # the batch still runs
    assert set(default_storage.listdir(f"courriers/{batch.uuid}")[1]) == before
    batch.refresh_from_db()
    assert batch.done == 1 and BatchItem.objects.filter(batch=batch).count() == 1


def test_a_chunk_of_a_batch_no_longer_running_renders_nothing(
    commission, commission_dossiers, quick_pdfs
):
    batch = letters_start(actor=None, commission=commission, enqueue=False)
    Batch.objects.filter(pk=batch.pk).update(state=BatchState.FAILED)
    tasks.render_letters(batch.pk, [d.pk for d in commission_dossiers])
    assert not BatchItem.objects.filter(batch=batch).exists()


def test_a_commission_without_voted_dossiers_is_done_at_once(campaign, chef_service):
    commission = CommissionFactory(campaign=campaign)
    batch = batch_run(letters_start(actor=chef_service, commission=commission, enqueue=False).pk)
    assert batch.state == BatchState.DONE and batch.done == batch.total == 0
