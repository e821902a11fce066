"""What the aides app shows on pages of the core and of structures, through the registries
of ``iae_portal.sections``: a structure's simulations and dossiers, and on the home page
the dossiers each person has to act on. Registered by ``AidesConfig.ready()``."""

from urllib.parse import urlencode

from django.db.models import Case, Count, IntegerField, Q, Sum, When
from django.urls import reverse
from django.utils import timezone

from iae_portal.sections import counter, home_page, structure_page
from structures import perms as structure_perms

from . import perms
from .enums import DossierState as S
from .forms.applicant import directed_structures
from .models import Commission, Dossier
from .opinion_presenters import state_of
from .workflow import APPLICANT_EDITABLE

STRUCTURE_DOSSIERS_SHOWN = 25
TAKE_UP_SHOWN = 20
COMMISSIONS_SHOWN = 5
OPINIONS_SHOWN = 10

# The states of a dossier the council still works on, and those of a granted aid.
IN_PROGRESS = (S.DEPOSE, S.EN_INSTRUCTION, S.COMPLEMENT_DEMANDE, S.INSTRUIT)
GRANTED = (S.VOTE, S.NOTIFIE, S.EN_PAIEMENT, S.SOLDE)
CORRECTIONS_FIRST = Case(
    When(state=S.COMPLEMENT_DEMANDE, then=0), default=1, output_field=IntegerField()
).asc()


def queue_url(**params):
    """The instruction queue filtered on ``params`` (a list value repeats the key)."""
    return f"{reverse('aides:queue')}?{urlencode(params, doseq=True)}"


# -- The structure page ------------------------------------------------------------------


def structure_section(request, structure):
    """The structure's aid dossiers (``perms.structure_dossiers``), the simulations kept on
    it and the ways to simulate or apply; ``None`` when the reader may see none of it."""
    user = request.user
    can_simulate = perms.can_simulate_for(user, structure)
    computations = None
    if structure_perms.can_view_members(user, structure):
        computations = list(structure.aid_computations.select_related("scheme", "version")[:10])
    dossiers = more = None
    if perms.can_view_structure_dossiers(user, structure):
        rows = list(
            perms.structure_dossiers(user, structure)
            .select_related("campaign__scheme")
            .defer("data")
            .order_by("-created_at", "-pk")[: STRUCTURE_DOSSIERS_SHOWN + 1]
        )
        dossiers, more = rows[:STRUCTURE_DOSSIERS_SHOWN], len(rows) > STRUCTURE_DOSSIERS_SHOWN
    if not can_simulate and computations is None and dossiers is None:
        return None
    staff = perms.can_view_queue(user)
    return {
        "can_simulate": can_simulate,
        "can_create": perms.can_create_dossier(user, structure),
        "computations": computations,
        "dossiers": dossiers,
        "staff_labels": staff,
        "more_url": (
            (queue_url(q=structure.siret, closed="on") if staff else reverse("aides:my_dossiers"))
            if more
            else None
        ),
    }


# -- Home pages --------------------------------------------------------------------------


def staff_work_section(request):
    """What staff have to act on (instructeurs, chefs de service, administrators) or, for
    the read-only level, where the dossiers stand: counts of the queue, each linking to the
    queue filtered so that it lists exactly those dossiers."""
    user = request.user
    writer = perms.can_assign(user)
    states = Count("pk", filter=Q(state__in=IN_PROGRESS))
    figures = (
        perms.visible_dossiers(user)
        .exclude(state=S.BROUILLON)
        .aggregate(
            in_progress=states,
            granted=Count("pk", filter=Q(state__in=GRANTED)),
            granted_amount=Sum("voted_amount", filter=Q(state__in=GRANTED)),
            assigned=Count("pk", filter=Q(state__in=IN_PROGRESS, instructor=user)),
            **{state: Count("pk", filter=Q(state=state)) for state in S.values},
        )
    )
    if writer:
        counters = [
            counter(figures[S.DEPOSE], "dossier déposé, à prendre en charge",
                    "dossiers déposés, à prendre en charge", queue_url(state=S.DEPOSE)),
            counter(figures[S.EN_INSTRUCTION], "dossier en cours d'instruction",
                    "dossiers en cours d'instruction", queue_url(state=S.EN_INSTRUCTION)),
            counter(figures[S.COMPLEMENT_DEMANDE], "complément demandé, en attente de la structure",
                    "compléments demandés, en attente des structures",
                    queue_url(state=S.COMPLEMENT_DEMANDE)),
            counter(figures[S.INSTRUIT], "dossier instruit, en attente du vote de la commission",
                    "dossiers instruits, en attente du vote de la commission",
                    queue_url(state=S.INSTRUIT)),
            counter(figures[S.VOTE], "aide votée, décision à notifier",
                    "aides votées, décisions à notifier", queue_url(state=S.VOTE)),
            counter(figures[S.NOTIFIE], "décision notifiée, premier versement à faire",
                    "décisions notifiées, premier versement à faire", queue_url(state=S.NOTIFIE)),
        ]  # fmt: skip
        if perms.can_view_assigned_work(user):
            counters.insert(
                0,
                counter(
                    figures["assigned"],
                    "dossier qui vous est assigné, en cours",
                    "dossiers qui vous sont assignés, en cours",
                    queue_url(instructor=user.email, state=IN_PROGRESS),
                ),
            )
    else:
        counters = [
            counter(figures["in_progress"], "dossier en cours d'instruction",
                    "dossiers en cours d'instruction", queue_url(state=IN_PROGRESS)),
            counter(figures["granted"], "aide accordée", "aides accordées",
                    queue_url(state=GRANTED)),
            counter(figures[S.REFUSE], "dossier refusé par la commission",
                    "dossiers refusés par la commission", queue_url(state=S.REFUSE)),
        ]  # fmt: skip
    return {
        "writer": writer,
        "counters": counters,
        "granted_amount": figures["granted_amount"] if not writer else None,
        "can_manage_campaigns": perms.can_manage_campaigns(user),
    }


def commissions_section(request):
    """The next commissions, with the instructed dossiers of their call that await a vote."""
    user = request.user
    commissions = list(
        Commission.objects.filter(date__gte=timezone.localdate())
        .select_related("campaign__scheme")
        .order_by("date", "campaign__name")[:COMMISSIONS_SHOWN]
    )
    waiting = dict(
        perms.visible_dossiers(user)
        .filter(state=S.INSTRUIT, campaign__in=[c.campaign_id for c in commissions])
        .values_list("campaign_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [
        {
            "commission": commission,
            "waiting": counter(
                waiting.get(commission.campaign_id, 0),
                "dossier instruit à voter",
                "dossiers instruits à voter",
                queue_url(campaign=commission.campaign.uuid, state=S.INSTRUIT),
            ),
        }
        for commission in commissions
    ]
    return {"rows": rows}


def applicant_section(request):
    """The dossiers a director has to take up (a correction asked, a draft to finish) and
    the way to their structures' dossiers."""
    user = request.user
    directed = directed_structures(user)
    take_up = list(
        Dossier.objects.filter(structure__in=directed, state__in=APPLICANT_EDITABLE)
        .select_related("structure", "campaign__scheme")
        .defer("data")
        # The corrections asked first: the instruction waits for them.
        .order_by(CORRECTIONS_FIRST, "-state_changed_at", "-pk")[: TAKE_UP_SHOWN + 1]
    )
    return {
        "take_up": take_up[:TAKE_UP_SHOWN],
        "more": len(take_up) > TAKE_UP_SHOWN,
        "directs": directed.exists(),
    }


def partner_section(request):
    """The opinions a partner is asked and has not given yet, the nearest due date first."""
    today = timezone.localdate()
    waiting = list(
        perms.visible_opinion_requests(request.user)
        .waiting()
        .select_related("dossier__structure", "dossier__campaign__scheme")
        .order_by("due_on", "created_at", "pk")[: OPINIONS_SHOWN + 1]
    )
    return {
        "waiting": [(r, state_of(r, today)) for r in waiting[:OPINIONS_SHOWN]],
        "more": len(waiting) > OPINIONS_SHOWN,
    }


def register():
    structure_page.register(
        "aides.dossiers", None, "aides/_structure_dossiers.html", structure_section, order=10
    )
    home_page.register(
        "aides.work", perms.can_view_queue, "aides/_home_work.html", staff_work_section, order=10
    )
    home_page.register(
        "aides.commissions",
        perms.can_view_queue,
        "aides/_home_commissions.html",
        commissions_section,
        order=20,
    )
    home_page.register(
        "aides.applicant",
        perms.can_create_dossiers,
        "aides/_home_applicant.html",
        applicant_section,
        order=20,
    )
    home_page.register(
        "aides.opinions",
        perms.can_list_own_opinion_requests,
        "aides/opinions/_home_partner.html",
        partner_section,
        order=10,
    )
