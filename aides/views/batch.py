"""Starting and following the long jobs of a campaign: computing amounts, rendering letters."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from iae_portal.params import int_param
from iae_portal.prepared.shortcuts import prepared_response

from .. import perms, prepared
from ..models import Batch, BatchKind, BatchState, Campaign, Commission
from ..models.batches import ACTIVE_BATCH_STATES
from ..services.batch import (
    BatchAlreadyRunning,
    BatchNotStalled,
    batch_changes,
    batch_is_stalled,
    batch_resume,
    batch_start,
    letters_start,
)


def _staff_writer(request):
    if not perms.can_run_batches(request.user):
        raise PermissionDenied


def _staff_reader(request):
    if not perms.can_view_batches(request.user):
        raise PermissionDenied


@login_required
def campaign_batches(request, uuid):
    _staff_reader(request)
    campaign = get_object_or_404(Campaign.objects.select_related("scheme"), uuid=uuid)
    batches = campaign.batches.select_related("version", "commission", "started_by")
    return render(
        request,
        "aides/batch/campaign_batches.html",
        {
            "campaign": campaign,
            # Each batch's counts speak of every dossier of the campaign: none for an agent
            # held back by the campaign's other regions, who is told why.
            "batches": perms.visible_batches(request.user, batches)[:20],
            "commissions": campaign.commissions.all(),
            "can_start": perms.can_start_batch(request.user, campaign),
            "out_of_scope": not perms.campaign_within_reach(request.user, campaign),
            "out_of_scope_message": perms.BATCH_OUT_OF_SCOPE,
        },
    )


@login_required
@require_POST
def batch_start_view(request, uuid):
    _staff_writer(request)
    campaign = get_object_or_404(Campaign, uuid=uuid)
    if not perms.can_start_batch(request.user, campaign):
        raise PermissionDenied(perms.BATCH_OUT_OF_SCOPE)
    commission_id = request.POST.get("commission")
    kind = BatchKind.LETTERS if commission_id else BatchKind.COMPUTE
    try:
        if commission_id:
            if int_param(commission_id) is None:  # not a commission's number
                raise Http404
            commission = get_object_or_404(Commission, pk=commission_id, campaign=campaign)
            batch = letters_start(actor=request.user, commission=commission)
        else:
            batch = batch_start(actor=request.user, campaign=campaign)
    except BatchAlreadyRunning as error:
        messages.error(request, error.message)
        # To the one running (where « Reprendre » shows if its worker died).
        running = campaign.batches.filter(kind=kind, state__in=ACTIVE_BATCH_STATES).first()
        if running is not None:
            return redirect("aides:batch_detail", uuid=running.uuid)
        return redirect("aides:campaign_batches", uuid=campaign.uuid)
    batch.refresh_from_db()
    if batch.state == BatchState.FAILED:
        messages.error(request, batch.failure)
    else:
        messages.success(request, f"{batch.get_kind_display()} lancé.")
    return redirect("aides:batch_detail", uuid=batch.uuid)


def _batch_or_404(request, uuid):
    """The batch if ``request.user`` may open its pages (403 for those who see no batch,
    404 for a batch of a campaign with dossiers beyond their reach)."""
    _staff_reader(request)
    batches = Batch.objects.select_related(
        "campaign__scheme", "version", "commission", "started_by"
    )
    return get_object_or_404(perms.visible_batches(request.user, batches), uuid=uuid)


@login_required
def batch_detail(request, uuid):
    batch = _batch_or_404(request, uuid)
    stalled = batch_is_stalled(batch)
    return render(
        request,
        "aides/batch/batch_detail.html",
        {
            "batch": batch,
            "stalled": stalled,
            "can_resume": stalled and perms.can_resume_batch(request.user, batch),
            # The letters' archive, prepared in the background when asked for.
            "can_archive": prepared.letters_batch(request.user, batch.uuid) is not None,
            "changes": (
                perms.visible_batch_changes(request.user, batch_changes(batch))[:500]
                if batch.state == BatchState.DONE
                else []
            ),
        },
    )


@login_required
def batch_progress(request, uuid):
    batch = _batch_or_404(request, uuid)
    return JsonResponse(
        {
            "state": batch.state,
            "state_label": batch.get_state_display(),
            "done": batch.done,
            "total": batch.total,
            "percent": batch.percent,
            "finished": batch.state in (BatchState.DONE, BatchState.FAILED),
        }
    )


@login_required
def batch_archive(request, uuid):
    """The archive of a letters batch's PDFs, prepared in the background for whoever asks
    (``prepared``): this answers with the file's page."""
    batch = _batch_or_404(request, uuid)
    if batch.kind != BatchKind.LETTERS or batch.state != BatchState.DONE:
        raise Http404
    if not prepared.has_letters(batch):
        raise Http404
    if not perms.can_download_batch_archive(request.user, batch):
        raise PermissionDenied
    return prepared_response(
        request,
        kind=prepared.LETTERS_ARCHIVE,
        params={"batch": str(batch.uuid)},
        title=f"Courriers de la commission du {batch.commission.date:%d/%m/%Y} (ZIP)",
        back_url=reverse("aides:batch_detail", args=[batch.uuid]),
    )


@login_required
@require_POST
def batch_resume_view(request, uuid):
    """« Reprendre »: a batch whose worker died goes on from where it stopped."""
    batch = _batch_or_404(request, uuid)
    if not perms.can_resume_batch(request.user, batch):
        raise PermissionDenied(perms.BATCH_OUT_OF_SCOPE)
    try:
        batch_resume(actor=request.user, batch=batch)
    except BatchNotStalled as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Traitement repris là où il s'était arrêté.")
    return redirect("aides:batch_detail", uuid=batch.uuid)
