"""The aides app's tables of the CDIAE report (``iae_portal.cdiae``), registered by
``AidesConfig.ready()``: the region's aid by scheme, the financing plans by funder, the
structures that received nothing for three years and the opinions partners gave.

The aid of a year is that of the calls for applications (campaigns) opened in it, whose
figures are the campaign dashboard's (``figures.campaign_figures``) over the dossiers of
the scope's structures, drafts left out (as the list of campaigns counts them)."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Exists, Max, OuterRef, Q, Sum

from iae_portal.cdiae import registry
from iae_portal.cdiae.registry import AMOUNT, COUNT, TEXT, Chart, Column, Result
from structures.enums import SIAE_KINDS
from structures.models import Organisation, Structure

from .enums import DossierState, FunderKind, FundingStatus, PartnerPosition
from .figures import DROPPED, campaign_figures
from .models import (
    Campaign,
    Dossier,
    FinancingPlan,
    FundingLine,
    Instalment,
    OpinionRequest,
    PartnerOpinion,
)

ZERO = Decimal("0.00")
AMOUNTS = ("requested", "voted", "paid")


def _campaigns(year):
    return Campaign.objects.filter(opens_on__year=year).select_related("scheme")


def _dossiers(scope):
    """The dossiers of the scope's structures, drafts left out."""
    return Dossier.objects.filter(structure__department_id__in=scope.departments).exclude(
        state=DossierState.BROUILLON
    )


# -- The region's aid by scheme ------------------------------------------------------------


def aid_by_scheme(scope, year):
    """By scheme with a campaign opened in ``year``: its campaigns, the dossiers filed and
    the structures filing them, the amounts requested, voted and paid, as each campaign's
    dashboard gives them for those dossiers."""
    campaigns = list(_campaigns(year).order_by("scheme__name", "opens_on", "pk"))
    dossiers = _dossiers(scope)
    rows = {}
    for campaign in campaigns:
        figures = campaign_figures(campaign, dossiers.filter(campaign=campaign))
        row = rows.setdefault(
            campaign.scheme_id,
            {
                "scheme": campaign.scheme.code,
                "label": campaign.scheme.name,
                "campaigns": 0,
                "dossiers": 0,
                "structures": 0,
                **dict.fromkeys(AMOUNTS, ZERO),
            },
        )
        row["campaigns"] += 1
        row["dossiers"] += figures["total"]
        for name in AMOUNTS:
            row[name] += figures["amounts"][name]
    in_year = dossiers.filter(campaign__in=campaigns)
    for scheme, count in (
        in_year.order_by()
        .values_list("campaign__scheme")
        .annotate(n=Count("structure", distinct=True))
    ):
        rows[scheme]["structures"] = count
    rows = list(rows.values())
    totals = {
        name: sum((row[name] for row in rows), ZERO if name in AMOUNTS else 0)
        for name in ("campaigns", "dossiers", *AMOUNTS)
    }
    totals["structures"] = in_year.values("structure").distinct().count()
    return Result(
        rows=rows,
        totals=totals,
        notes=[
            f"Les appels à candidatures ouverts en {year} ; les dossiers déposés par les "
            "structures du territoire (brouillons exclus). Demandé : hors dossiers retirés, "
            "irrecevables ou classés sans suite ; voté : les montants votés en commission ; "
            "payé : les versements payés sur ces dossiers à la date du rapport, comme sur "
            "le tableau de bord de chaque appel.",
            "Structures : les structures distinctes ayant déposé au moins un dossier (une "
            "structure présente dans deux dispositifs ne compte qu'une fois au total).",
        ],
    )


def aid_chart(result, year):
    points = [(row["label"], row["voted"]) for row in result.rows]
    if not any(value for _, value in points):
        return None
    return Chart(label=f"Montants votés par dispositif ({year})", points=points, unit=" €")


# -- The financing plans by funder ---------------------------------------------------------


def financing_by_funder(scope, year):
    """The financing plans of the live dossiers of ``year``'s campaigns (as ``aid_by_scheme``
    counts them requested): the Region's part (voted, else the latest amount known: asked)
    and each funder's lines by status."""
    live = _dossiers(scope).filter(campaign__in=_campaigns(year)).exclude(state__in=DROPPED)
    plans = list(
        FinancingPlan.objects.filter(dossier__in=live).select_related(
            "dossier", "dossier__computation"
        )
    )
    region = {"funder": "region", "label": "Région (ce portail)", "plans": len(plans)}
    region.update(dict.fromkeys(("requested", "granted", "refused"), ZERO))
    for plan in plans:
        amount = plan.region_amount()
        region["granted" if plan.dossier.voted_amount is not None else "requested"] += amount
    lines = FundingLine.objects.filter(plan__in=[plan.pk for plan in plans])
    by_funder = defaultdict(lambda: dict.fromkeys(("requested", "granted", "refused"), ZERO))
    plan_counts = dict(
        lines.order_by().values_list("funder").annotate(n=Count("plan", distinct=True))
    )
    status_names = {
        FundingStatus.DEMANDE: "requested",
        FundingStatus.ACCORDE: "granted",
        FundingStatus.REFUSE: "refused",
    }
    for funder, status, amount in (
        lines.order_by().values_list("funder", "status").annotate(total=Sum("amount"))
    ):
        by_funder[funder][status_names[status]] += amount or ZERO
    rows = [region] if plans else []
    for funder, label in FunderKind.choices:
        if funder in by_funder:
            rows.append(
                {
                    "funder": funder,
                    "label": label,
                    "plans": plan_counts[funder],
                    **by_funder[funder],
                }
            )
    for row in rows:
        row["counted"] = row["requested"] + row["granted"]
    totals = {
        name: sum((row[name] for row in rows), ZERO)
        for name in ("requested", "granted", "refused", "counted")
    }
    totals["plans"] = len(plans)
    total_cost = sum((plan.total_cost for plan in plans), ZERO)
    return Result(
        rows=rows,
        totals=totals,
        details={"plans": len(plans), "total_cost": f"{total_cost:.2f}"},
        notes=[
            f"Les plans de financement des dossiers des appels ouverts en {year} (hors "
            "brouillons, dossiers retirés, irrecevables ou classés sans suite), soit "
            f"{_plans(len(plans))}. Part de la Région : le montant "
            "voté, sinon le dernier montant connu (proposé, calculé, demandé), compté comme "
            "demandé. Financé : demandé et accordé (les refus ne financent rien).",
        ],
    )


def _plans(count):
    if not count:
        return "aucun plan"
    return f"{count} plan{'s' if count > 1 else ''}"


def financing_chart(result, year):
    points = [(row["label"], row["counted"]) for row in result.rows]
    if not any(value for _, value in points):
        return None
    return Chart(label=f"Financements par financeur ({year}, hors refus)", points=points, unit=" €")


# -- The structures that received nothing for three years ----------------------------------


def structures_without_aid(scope, year):
    """The SIAE of the territory with no amount voted on a dossier of a campaign opened in
    the three years up to ``year`` and no instalment paid in those years."""
    first = year - 2
    voted = Dossier.objects.filter(
        structure=OuterRef("pk"),
        campaign__opens_on__year__gte=first,
        campaign__opens_on__year__lte=year,
        voted_amount__gt=0,
    )
    paid = Instalment.objects.filter(
        dossier__structure=OuterRef("pk"),
        paid_on__year__gte=first,
        paid_on__year__lte=year,
    )
    filed = Q(
        dossiers__campaign__opens_on__year__gte=first,
        dossiers__campaign__opens_on__year__lte=year,
    ) & ~Q(dossiers__state=DossierState.BROUILLON)
    structures = (
        Structure.objects.filter(department_id__in=scope.departments, kind__in=SIAE_KINDS)
        .filter(~Exists(voted), ~Exists(paid))
        .annotate(
            filed=Count("dossiers", filter=filed),
            last_voted=Max(
                "dossiers__campaign__opens_on__year", filter=Q(dossiers__voted_amount__gt=0)
            ),
        )
        .order_by("department_id", "name", "siret")
    )
    rows = [
        {
            "siret": structure.siret,
            "name": structure.name,
            "kind": structure.kind_short,
            "department": structure.department_id,
            "city": structure.city,
            "dossiers": structure.filed,
            "last_aid_year": str(structure.last_voted) if structure.last_voted else None,
        }
        for structure in structures
    ]
    count = len(rows)
    return Result(
        rows=rows,
        details={"structures": count, "first_year": first, "last_year": year},
        notes=[
            f"{count} SIAE du territoire n'ont reçu aucune aide de la Région de {first} à "
            f"{year} : aucun montant voté sur un dossier d'un appel ouvert ces années-là, "
            "aucun versement payé. Dossiers : ceux qu'elles ont déposés sur ces appels ; "
            "dernière aide : l'année de l'appel de leur dernière aide votée, s'il y en a une."
        ],
    )


# -- The opinions partners gave ------------------------------------------------------------

POSITIONS = PartnerPosition.values


def partner_opinions(scope, year):
    """By organisation: the opinions asked in ``year`` on dossiers of the scope's
    structures, and the positions of the opinions given in ``year`` (the latest of each
    request: a later opinion replaces an earlier one)."""
    dossiers = Dossier.objects.filter(structure__department_id__in=scope.departments)
    later = PartnerOpinion.objects.filter(
        request=OuterRef("request"), created_at__gt=OuterRef("created_at")
    )
    given = (
        PartnerOpinion.objects.filter(request__dossier__in=dossiers, created_at__year=year)
        .filter(~Exists(later))
        .order_by()
        .values_list("request__organisation", "position")
        .annotate(n=Count("pk"))
    )
    counts = defaultdict(lambda: dict.fromkeys(POSITIONS, 0))
    for organisation, position, n in given:
        counts[organisation][position] += n
    asked = dict(
        OpinionRequest.objects.filter(dossier__in=dossiers, created_at__year=year)
        .order_by()
        .values_list("organisation")
        .annotate(n=Count("pk"))
    )
    keys = set(counts) | set(asked)
    organisations = Organisation.objects.in_bulk([key for key in keys if key is not None])
    rows = []
    for key in sorted(keys, key=lambda k: (k is None, str(organisations.get(k, "")))):
        organisation = organisations.get(key)
        row = {
            "organisation": organisation.name if organisation else "Sans organisme",
            "organisation_kind": organisation.get_kind_display() if organisation else "",
            "requests": asked.get(key, 0),
            **counts[key],
        }
        row["opinions"] = sum(counts[key].values())
        rows.append(row)
    totals = {name: sum(row[name] for row in rows) for name in ("requests", *POSITIONS, "opinions")}
    return Result(
        rows=rows,
        totals=totals,
        notes=[
            f"Demandes : les avis demandés en {year} sur les dossiers des structures du "
            f"territoire ; positions : les avis rendus en {year}, le dernier de chaque "
            "demande (un avis ultérieur remplace le précédent).",
        ],
    )


def opinions_chart(result, year):
    labels = dict(PartnerPosition.choices)
    points = [(labels[position], result.totals[position]) for position in POSITIONS]
    if not any(value for _, value in points):
        return None
    return Chart(label=f"Avis rendus par position ({year})", points=points)


def register():
    registry.register_table(
        "aid_by_scheme",
        title="Les aides de la Région par dispositif",
        sheet="Aides par dispositif",
        order=20,
        description="appels ouverts dans l'année : dossiers, structures, montants "
        "demandés, votés et payés.",
        columns=[
            Column("scheme", "Code du dispositif", TEXT, pdf=False),
            Column("label", "Dispositif", TEXT),
            Column("campaigns", "Appels", COUNT),
            Column("dossiers", "Dossiers déposés", COUNT),
            Column("structures", "Structures", COUNT),
            Column("requested", "Demandé", AMOUNT),
            Column("voted", "Voté", AMOUNT),
            Column("paid", "Payé", AMOUNT),
        ],
        compute=aid_by_scheme,
        chart=aid_chart,
    )
    registry.register_table(
        "financing_by_funder",
        title="Les plans de financement par financeur",
        sheet="Financements par financeur",
        order=30,
        description="ce que chaque financeur apporte aux projets aidés, demandé, "
        "accordé ou refusé.",
        columns=[
            Column("funder", "Code du financeur", TEXT, pdf=False),
            Column("label", "Financeur", TEXT),
            Column("plans", "Plans", COUNT),
            Column("requested", "Demandé", AMOUNT),
            Column("granted", "Accordé", AMOUNT),
            Column("refused", "Refusé", AMOUNT),
            Column("counted", "Financé (hors refus)", AMOUNT),
        ],
        compute=financing_by_funder,
        chart=financing_chart,
    )
    registry.register_table(
        "structures_without_aid",
        title="Les SIAE sans aide de la Région depuis trois ans",
        sheet="SIAE sans aide depuis 3 ans",
        order=60,
        description="aucun montant voté ni versement payé sur les trois dernières années.",
        columns=[
            Column("siret", "SIRET", TEXT),
            Column("name", "Structure", TEXT),
            Column("kind", "Type", TEXT),
            Column("department", "Département", TEXT),
            Column("city", "Commune", TEXT),
            Column("dossiers", "Dossiers déposés", COUNT),
            Column("last_aid_year", "Dernière aide", TEXT),
        ],
        compute=structures_without_aid,
    )
    registry.register_table(
        "partner_opinions",
        title="Les avis des partenaires",
        sheet="Avis des partenaires",
        order=70,
        description="avis demandés et rendus dans l'année, par organisme et par position.",
        columns=[
            Column("organisation", "Organisme", TEXT),
            Column("organisation_kind", "Type d'organisme", TEXT),
            Column("requests", "Avis demandés", COUNT),
            *[Column(value, label, COUNT) for value, label in PartnerPosition.choices],
            Column("opinions", "Avis rendus", COUNT),
        ],
        compute=partner_opinions,
        chart=opinions_chart,
    )
