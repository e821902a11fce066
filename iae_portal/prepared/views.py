"""A prepared file's page (progress, then its download link), its progress as JSON, its
download, and the list of one's files. Each answers its owner only: anyone else gets a 404,
as for a file that does not exist."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render

from .models import PreparedFile, PreparedState

# Seconds between two reloads of the page while the file is prepared (without script).
REFRESH = 3


def _own(request, uuid):
    return get_object_or_404(PreparedFile.objects.of(request.user).alive(), uuid=uuid)


@login_required
def prepared_list(request):
    files = PreparedFile.objects.of(request.user).alive().order_by("-created_at")[:50]
    return render(request, "prepared/list.html", {"files": files})


@login_required
def prepared_detail(request, uuid):
    prepared = _own(request, uuid)
    return render(
        request,
        "prepared/detail.html",
        {"prepared": prepared, "refresh": None if prepared.finished else REFRESH},
    )


@login_required
def prepared_progress(request, uuid):
    prepared = _own(request, uuid)
    return JsonResponse(
        {
            "state": prepared.state,
            "state_label": prepared.get_state_display(),
            "done": prepared.done,
            "total": prepared.total,
            "percent": prepared.percent,
            "finished": prepared.finished,
        }
    )


@login_required
def prepared_download(request, uuid):
    prepared = _own(request, uuid)
    if prepared.state != PreparedState.READY or not prepared.file:
        raise Http404
    return FileResponse(prepared.file.open("rb"), as_attachment=True, filename=prepared.filename)
