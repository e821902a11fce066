"""Long jobs on a campaign (issue 5): computing every amount, rendering a commission's letters.

Dossiers are read a chunk at a time with what they need, computed in Python with the pure
rule modules and written back in bulk: a handful of queries per chunk, never one per
dossier. Each computed dossier leaves a ``BatchItem`` (previous and new results), which
makes a run idempotent: a worker killed in the middle and started again skips the dossiers
already done, so nothing is lost and nothing doubled. Results are kept with the parameters
version the batch started with.

One runner works on a batch at a time: it holds a lease (``lease_until``), renewed by each
chunk it commits, and a chunk commits only while the lease is still the runner's own (a
runner that stalled past its lease and was taken over stops, its chunk rolled back). A batch
whose lease expired (its worker died) is stalled: the sweep (``batches_sweep``: Celery beat,
and each worker when it starts), a staff member (« Reprendre », ``batch_resume``) or
``compute_campaign --resume`` hands it to a new runner, which goes on from its items.
"""

import gc
import logging
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from iae_portal import fastjson
from iae_portal.audit.services import audit_record
from iae_portal.bulk import QueryDuringCopy, bulk_insert, bulk_inserter
from iae_portal.queue import enqueue

from .. import rules
from ..models import (
    AidComputation,
    Batch,
    BatchItem,
    BatchKind,
    BatchState,
    Dossier,
)
from ..models.batches import ACTIVE_BATCH_STATES
from ..workflow import COMPUTABLE
from .batch_lease import lease_length, voted_dossiers
from .batch_letters import LETTERS_PER_TASK, letters_spread

logger = logging.getLogger(__name__)


class BatchBusy(Exception):
    """Another runner holds the batch; try again once its lease has expired."""

    def __init__(self, retry_in):
        super().__init__(f"batch busy, retry in {retry_in:.0f} s")
        self.retry_in = retry_in


class LeaseLost(Exception):
    """Another runner took the batch over (this one stalled past its lease): stop."""


class BatchAlreadyRunning(Exception):
    message = (
        "Un calcul est déjà en cours pour cet appel à candidatures : attendez qu'il se termine."
    )


class BatchNotStalled(Exception):
    """Only a batch whose runner's lease expired may be resumed."""

    message = (
        "Ce traitement n'est pas interrompu : il est terminé, ou un worker y travaille encore."
    )


def batch_start(*, actor, campaign, enqueue=True):
    """Create the batch (at most one active per campaign) and, unless the caller runs it
    itself, queue it after commit."""
    version = campaign.scheme.current_version
    return _start(
        actor=actor,
        enqueue=enqueue,
        action="aides.batch",
        change=("version", version.number),
        kind=BatchKind.COMPUTE,
        campaign=campaign,
        version=version,
        total=Dossier.objects.filter(campaign=campaign, state__in=COMPUTABLE).count(),
    )


def _start(*, actor, enqueue, action, change, **fields):
    """Create a batch of ``fields`` (at most one active per campaign: the database refuses
    a second), journal it on its campaign with ``change`` (a name, a value), queue it after
    commit."""
    try:
        with transaction.atomic():
            batch = Batch.objects.create(started_by=actor, **fields)
            name, value = change
            audit_record(
                actor=actor,
                action=action,
                obj=batch.campaign,
                changes={"batch": [None, str(batch.uuid)], name: [None, value]},
            )
            if enqueue:
                transaction.on_commit(lambda: _enqueue(batch.pk))
    except IntegrityError:
        raise BatchAlreadyRunning from None
    batch.refresh_from_db()
    return batch


def _enqueue(batch_id, reserved=None):
    """Queue the batch's run; ``reserved``, the lease a sweep or a resumption set for it
    (this run may claim the batch before it expires)."""
    try:
        if reserved is None:
            enqueue("aides.tasks.run_batch", batch_id)
        else:
            enqueue("aides.tasks.run_batch", batch_id, reserved.isoformat())
    except Exception as error:  # the broker is down: say so, do not leave a pending batch
        logger.exception("Cannot queue computation batch %s", batch_id)
        Batch.objects.filter(pk=batch_id, state=BatchState.PENDING).update(
            state=BatchState.FAILED,
            failure=f"La file de calcul est indisponible ({type(error).__name__}) : réessayez plus tard.",
            finished_at=timezone.now(),
        )


def batch_run(batch_id, *, chunk_size=None, reserved=None, in_process=False):
    """Compute what is left of the batch; safe to call again after a crash.

    Only one runner works on a batch at a time (a lease renewed at each chunk); another
    one gets ``BatchBusy`` and retries once the lease has expired. ``reserved``: the lease
    a sweep or a resumption set when it queued this run, which may claim the batch at once.
    A letters batch is handed to ``batch_letters``, which queues its dossiers in chunks
    for the worker's processes (``in_process``: renders them here)."""
    chunk_size = chunk_size or settings.IAE_BATCH_CHUNK
    batch = Batch.objects.select_related("campaign__scheme", "version").get(pk=batch_id)
    if batch.state not in ACTIVE_BATCH_STATES:
        return batch
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    if reserved is not None:
        free |= Q(lease_until=reserved)
    lease = now + lease_length()
    claimed = (
        Batch.objects.filter(pk=batch.pk, state__in=ACTIVE_BATCH_STATES)
        .filter(free)
        .update(state=BatchState.RUNNING, lease_until=lease)
    )
    if not claimed:
        batch.refresh_from_db()
        if batch.state not in ACTIVE_BATCH_STATES:
            return batch
        raise BatchBusy(max((batch.lease_until - now).total_seconds(), 1))
    batch.lease_until = lease
    if batch.kind == BatchKind.LETTERS:
        per_task = min(chunk_size, LETTERS_PER_TASK)
        letters_spread(batch, per_task=per_task, in_process=in_process)
        batch.refresh_from_db()
        return batch
    try:
        _compute_all(batch, chunk_size)
        finished = _held(batch).update(
            state=BatchState.DONE, total=F("done"), finished_at=timezone.now(), lease_until=None
        )
        if not finished:
            raise LeaseLost
    except LeaseLost:
        logger.warning("Batch %s was taken over by another runner: this one stops", batch.pk)
    batch.refresh_from_db()
    return batch


def _renew(batch, **changes):
    """Write ``changes`` to the batch and renew its lease, if this runner still holds it
    (``batch.lease_until`` is the lease it last set); else raise ``LeaseLost``, which rolls
    back the caller's transaction. The row lock the update takes orders this against a
    takeover: a runner claiming the batch sees either the renewed lease, or its own claim
    makes this update find nothing."""
    lease = timezone.now() + lease_length()
    if not _held(batch).update(lease_until=lease, **changes):
        raise LeaseLost
    batch.lease_until = lease


def _held(batch):
    """The batch's row, as long as this runner holds it."""
    return Batch.objects.filter(pk=batch.pk, lease_until=batch.lease_until)


# -- Stalled batches: taken over by a new runner ---------------------------------------------


def stalled_batches(now=None):
    """Active batches no runner works on: the lease of their runner expired (its worker
    died), or queued a lease ago and never claimed (their message lost, as a dead worker's
    is on the filesystem broker)."""
    now = now or timezone.now()
    return Batch.objects.filter(state__in=ACTIVE_BATCH_STATES).filter(
        Q(lease_until__lt=now) | Q(lease_until__isnull=True, created_at__lt=now - lease_length())
    )


def batch_is_stalled(batch, now=None):
    return stalled_batches(now).filter(pk=batch.pk).exists()


def batches_sweep():
    """Queue a new run of every stalled batch; returns them. Run by Celery beat every
    ``IAE_BATCH_SWEEP_INTERVAL`` seconds and by each worker when it starts.

    Each is reserved for the run queued (a new lease, which that run may claim at once), so
    a sweep queues a batch again only once that lease has expired in turn: a busy queue
    does not fill with copies."""
    now = timezone.now()
    queued = []
    for batch in stalled_batches(now).order_by("pk"):
        with transaction.atomic():
            if _reserve(batch, now):
                queued.append(batch)
    if queued:
        logger.warning("Stalled batches queued again: %s", ", ".join(str(b.pk) for b in queued))
    return queued


def _reserve(batch, now):
    """Give the batch a lease for a run queued after commit, unless someone claimed it
    since it was read; returns whether it was queued."""
    reserved = now + lease_length()
    taken = Batch.objects.filter(
        pk=batch.pk, state__in=ACTIVE_BATCH_STATES, lease_until=batch.lease_until
    ).update(lease_until=reserved)
    if taken:
        batch.lease_until = reserved
        transaction.on_commit(lambda: _enqueue(batch.pk, reserved))
    return bool(taken)


def batch_resume(*, actor, batch, enqueue=True):
    """Take over a stalled batch (« Reprendre »): journalled on its campaign, then queued
    (``enqueue``) or left for the caller to run with ``batch_run(batch.pk,
    reserved=batch.lease_until)``. ``BatchNotStalled`` when it is done, failed, or a
    runner still holds it."""
    now = timezone.now()
    with transaction.atomic():
        batch = Batch.objects.select_for_update().get(pk=batch.pk)
        if not batch_is_stalled(batch, now):
            raise BatchNotStalled
        reserved = now + lease_length()
        Batch.objects.filter(pk=batch.pk).update(lease_until=reserved)
        audit_record(
            actor=actor,
            action="aides.batch_resume",
            obj=batch.campaign,
            changes={"batch": [None, str(batch.uuid)]},
            reason=f"Traitement interrompu à {batch.done} / {batch.total} dossiers, repris.",
        )
        if enqueue:
            transaction.on_commit(lambda: _enqueue(batch.pk, reserved))
    batch.refresh_from_db()
    return batch


def _compute_all(batch, chunk_size):
    """Chunks go in the order of the dossiers' keys, each committed whole with its items:
    every dossier up to the last one with an item is done, so a restarted run goes on from
    there. Then the dossiers that became computable behind the run (sent back for
    completion, say) are done too (``_late_dossiers``).

    Not "the dossiers without an item" at each chunk: the plan of that anti-join depends on
    statistics, and with those taken while the items table was nearly empty PostgreSQL
    scanned the items again for every dossier (10,000 dossiers: 200 s instead of 2).

    What the runner holds does not grow with the campaign: a chunk at a time, and a window
    of keys for the late ones (100,000 dossiers: ``bench/batch.py --scale``)."""
    scheme = batch.campaign.scheme
    parameters = scheme.parameters(batch.version)
    after = BatchItem.objects.filter(batch=batch).aggregate(last=Max("dossier_id"))["last"] or 0
    while (last := _run_chunk(batch, scheme, parameters, Q(pk__gt=after), chunk_size)) is not None:
        after = last
    for late in _late_dossiers(batch, chunk_size):
        _run_chunk(batch, scheme, parameters, Q(pk__in=late), chunk_size)


# How many chunks' worth of keys ``_late_dossiers`` compares at a time.
LATE_WINDOW_CHUNKS = 20


def _late_dossiers(batch, chunk_size):
    """The campaign's computable dossiers without an item of the batch, in key order, in
    lists of at most ``chunk_size``: the computable keys are walked a window at a time
    (keyset: after the window's last key) and each window's keys compared with the
    batch's items in the same range of keys, two indexed queries a window. Not all the
    keys at once: at 100,000 dossiers, two sets of them were tens of MB of the worker's
    memory. A late chunk computed meanwhile adds items only before the next window."""
    computable = Dossier.objects.filter(campaign=batch.campaign_id, state__in=COMPUTABLE).order_by(
        "pk"
    )
    items = BatchItem.objects.filter(batch=batch)
    window = chunk_size * LATE_WINDOW_CHUNKS
    after, late = 0, []
    while keys := list(computable.filter(pk__gt=after).values_list("pk", flat=True)[:window]):
        after = keys[-1]
        done = set(
            items.filter(dossier_id__gte=keys[0], dossier_id__lte=after).values_list(
                "dossier_id", flat=True
            )
        )
        late += [key for key in keys if key not in done]
        while len(late) >= chunk_size:
            yield late[:chunk_size]
            late = late[chunk_size:]
    if late:
        yield late


def _run_chunk(batch, scheme, parameters, which, chunk_size):
    """Compute the first ``chunk_size`` computable dossiers of the campaign among
    ``which`` (a ``Q``), in key order; return the last one's key, or ``None`` when none
    is left."""
    with transaction.atomic():
        relax_commit_durability()
        # Plain tuples, not model instances: building three instances per dossier cost
        # as much as computing it.
        dossiers = list(
            Dossier.objects.select_for_update(of=("self",))
            .filter(which, campaign=batch.campaign_id, state__in=COMPUTABLE)
            .order_by("pk")
            # The JSON as text, parsed by orjson below (``fastjson``): several times faster
            # than the json module Django's field decodes with.
            .annotate(data_text=Cast("data", TextField()))
            .values_list(
                "pk", "data_text", "structure_id", "structure__kind", "computation_id",
                "computation__total",
            )[:chunk_size]
        )  # fmt: skip
        if not dossiers:
            return None
        now = timezone.now()
        items, written = [], []
        # Each computation goes to the database as soon as it is made (on PostgreSQL):
        # the server stores it while the next dossiers are computed.
        with gc_paused(), bulk_inserter(AidComputation, len(dossiers)) as inserter:
            for row in dossiers:
                item, computation = _compute(batch, scheme, parameters, row, now)
                items.append(item)
                if computation is not None:
                    written.append((item, inserter.add(computation)))
        for item, position in written:
            item["computation_id"] = inserter.keys[position]
        point_dossiers_to(
            [(item["dossier_id"], item["computation_id"]) for item, _ in written], now
        )
        bulk_insert(BatchItem, items)
        _renew(
            batch,
            done=F("done") + len(items),
            changed=F("changed") + sum(item.get("changed", False) for item in items),
            errors=F("errors") + sum("error" in item for item in items),
            total_amount=F("total_amount")
            + sum((item.get("new_total") or Decimal(0) for item in items), Decimal(0)),
        )
    return dossiers[-1][0]


def _compute(batch, scheme, parameters, row, now):
    """One dossier of a chunk: its batch item, and its computation unless its data is bad.

    Whatever goes wrong with one dossier is its item's error: one dossier must not stop
    a campaign's batch (a chunk failing again at each retry would)."""
    pk, data_text, structure_id, kind, previous_id, old_total = row
    item = {
        "batch_id": batch.pk,
        "dossier_id": pk,
        "previous_id": previous_id,
        "old_total": old_total,
    }
    try:
        # Read from a JSON column: no Decimal in it, ready to store as is.
        case = {**fastjson.loads(data_text), "scheme": scheme.code, "structure": {"kind": kind}}
        result = rules.evaluate(scheme.rule_kind, rules.parse_case(case), parameters)
        outcome = result.to_dict()
    except rules.BadInput as error:
        item["error"] = str(error)
        return item, None
    except QueryDuringCopy:
        raise  # a bug of this module, not of the dossier
    except Exception as error:
        logger.exception("Computing dossier %s failed", pk)
        item["error"] = (
            f"Erreur inattendue ({type(error).__name__}) : signalez-la à l'administrateur."
        )
        return item, None
    item["new_total"] = result.total
    item["changed"] = old_total != result.total
    return item, {
        "scheme_id": scheme.pk,
        "version_id": batch.version_id,
        "structure_id": structure_id,
        "input": case,
        "result": outcome,
        "eligible": result.eligible,
        "total": result.total,
        "created_at": now,
        "created_by_id": batch.started_by_id,
    }


@contextmanager
def gc_paused():
    """No cyclic garbage collection while a chunk is computed: the chunk makes hundreds of
    thousands of small objects, none in a cycle (reference counting frees them), and the
    collector's passes over the worker's whole heap took a third of the computing time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def relax_commit_durability():
    """PostgreSQL: let this transaction's COMMIT return before its WAL reaches the disk.
    A server crash may lose the last chunks committed, never half of one, and the batch
    being resumable computes them again."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def point_dossiers_to(pairs, now):
    """Set each dossier's current computation, ``[(dossier id, computation id)]``, in one
    UPDATE … FROM statement: Django's ``bulk_update`` writes a CASE per row and field, far
    slower on thousands of rows. On PostgreSQL the pairs travel as two arrays (two
    parameters, not two per row); elsewhere as a VALUES list (SQLite ≥ 3.33).
    The version grows, as with any change of a dossier."""
    if not pairs:
        return
    table = Dossier._meta.db_table
    if connection.vendor == "postgresql":
        source = "SELECT * FROM unnest(%s::bigint[], %s::bigint[]) AS vals (id, cid)"
        params = [[dossier for dossier, _ in pairs], [computation for _, computation in pairs]]
    else:
        rows = ", ".join(["(%s, %s)"] * len(pairs))
        source = f"SELECT column1 AS id, column2 AS cid FROM (VALUES {rows}) AS vals"
        params = [value for pair in pairs for value in pair]
    sql = (
        f'UPDATE "{table}" SET computation_id = v.cid, version = "{table}".version + 1, '
        f'updated_at = %s FROM ({source}) AS v WHERE "{table}".id = v.id'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, *params])


def batch_changes(batch):
    """The dossiers whose amount changed, and those in error."""
    return (
        BatchItem.objects.filter(batch=batch)
        .exclude(changed=False, error="")
        .select_related("dossier__structure")
        .order_by("dossier__reference")
    )


# -- The letters of a commission ------------------------------------------------------------


def letters_start(*, actor, commission, enqueue=True):
    """Render the notification letter and the convention of every dossier voted by
    ``commission`` (one PDF each, stored, over the worker's processes: ``batch_letters``;
    the ZIP of them all is prepared when someone asks for it: ``aides.prepared``)."""
    return _start(
        actor=actor,
        enqueue=enqueue,
        action="aides.letters",
        change=("commission", str(commission)),
        kind=BatchKind.LETTERS,
        campaign=commission.campaign,
        commission=commission,
        total=voted_dossiers(commission).count(),
    )
