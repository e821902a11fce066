"""What the DLA app shows on pages of the core and of structures, through the registries of
``iae_portal.sections``: a structure's accompaniments, and on the home page the requests
and follow-ups of a chargé de mission, the accompaniments of staff's scope. Registered by
``DlaConfig.ready()``."""

from urllib.parse import urlencode

from django.db.models import Count, F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from iae_portal.sections import counter, home_page, structure_page

from . import perms
from .enums import AccompanimentState
from .followups import DUE_NOTICE, follow_ups_due
from .models import Accompaniment, Prestation

REQUESTS_SHOWN = 10
FOLLOW_UPS_SHOWN = 20


def list_url(**params):
    return f"{reverse('dla:list')}?{urlencode(params)}"


# -- The structure page ------------------------------------------------------------------


def structure_section(request, structure):
    """The accompaniments where ``structure`` is named at the request or benefits from a
    prestation, among those the reader may open; ``None`` for those who may not read a
    structure's accompaniments (``perms.can_view_structure_accompaniments``)."""
    user = request.user
    if not perms.can_view_structure_accompaniments(user, structure):
        return None
    named = Accompaniment.structures.through.objects.filter(structure=structure)
    served = Prestation.objects.filter(beneficiaries=structure)
    accompaniments = (
        perms.visible_accompaniments(user)
        .filter(Q(pk__in=named.values("accompaniment_id")) | Q(pk__in=served.values("accompaniment_id")))
        .for_list()
        .prefetch_related(
            Prefetch("prestations", Prestation.objects.select_related("provider").order_by("start_date", "ref"))
        )
        .order_by(F("first_start").desc(nulls_first=True), F("request_date").desc(nulls_last=True), "ref")
    )  # fmt: skip
    return {"accompaniments": list(accompaniments)}


# -- Home pages --------------------------------------------------------------------------


def overview_section(request):
    """Staff: the accompaniments of their scope by state, and those with a follow-up due;
    each count links to the list filtered on it."""
    visible = perms.visible_accompaniments(request.user)
    by_state = dict(visible.values_list("state").annotate(n=Count("pk")).order_by())
    labels = {
        AccompanimentState.DEMANDE: ("demande d'accompagnement reçue", "demandes d'accompagnement reçues"),
        AccompanimentState.DIAGNOSTIC: ("diagnostic partagé", "diagnostics partagés"),
        AccompanimentState.PLAN: ("plan d'accompagnement établi", "plans d'accompagnement établis"),
        AccompanimentState.INGENIERIE: ("ingénierie en cours", "ingénieries en cours"),
        AccompanimentState.SUIVI: ("accompagnement en suivi", "accompagnements en suivi"),
        AccompanimentState.CLOS: ("accompagnement clos", "accompagnements clos"),
    }  # fmt: skip
    counters = [
        counter(by_state.get(state, 0), *labels[state], list_url(state=state))
        for state in AccompanimentState.values
    ]
    due = visible.follow_up_due(timezone.localdate()).count()
    counters.append(
        counter(
            due,
            "accompagnement avec un suivi à faire",
            "accompagnements avec un suivi à faire",
            list_url(follow_up_due="on"),
        )
    )
    return {"counters": counters}


def requests_section(request):
    """A chargé's new requests (step 1 done, the diagnostic to hold), oldest first."""
    user = request.user
    requests = (
        perms.visible_accompaniments(user)
        .filter(state=AccompanimentState.DEMANDE)
        .select_related("dla")
        .prefetch_related("structures")
        .order_by(F("request_date").asc(nulls_last=True), "ref")
    )
    rows = list(requests[:REQUESTS_SHOWN])
    total = len(rows) if len(rows) < REQUESTS_SHOWN else requests.count()
    return {
        "rows": rows,
        "total": counter(
            total, "demande à traiter", "demandes à traiter", list_url(state=AccompanimentState.DEMANDE)
        ),
        "can_open": perms.can_open_accompaniment(user),
        "can_import": perms.can_import(user),
    }  # fmt: skip


def follow_ups_section(request):
    """The follow-up contacts due on the accompaniments the chargé may edit."""
    user = request.user
    today = timezone.localdate()
    editable = Accompaniment.objects.filter(dla__in=perms.request_dlas(user))
    rows = follow_ups_due(editable, today, limit=FOLLOW_UPS_SHOWN)
    total = len(rows) if len(rows) < FOLLOW_UPS_SHOWN else editable.follow_up_due(today).count()
    return {
        "rows": rows,
        "total": counter(
            total,
            "accompagnement avec un suivi à faire",
            "accompagnements avec un suivi à faire",
            list_url(follow_up_due="on"),
        ),
        "notice": DUE_NOTICE.days,
    }


def register():
    structure_page.register(
        "dla.accompaniments",
        None,
        "dla/_structure_accompaniments.html",
        structure_section,
        order=20,
    )
    home_page.register(
        "dla.overview",
        perms.can_view_overview,
        "dla/_home_overview.html",
        overview_section,
        order=30,
    )
    home_page.register(
        "dla.requests", perms.is_chargé, "dla/_home_requests.html", requests_section, order=10
    )
    home_page.register(
        "dla.follow_ups", perms.is_chargé, "dla/_follow_ups_due.html", follow_ups_section, order=20
    )
