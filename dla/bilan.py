"""The yearly SIAE bilan of the DLA (../shared/domain/dla.md, "The yearly SIAE bilan").

Computed with database aggregates: four queries whatever the number of prestations, so the
command, the API and the web report can all call ``dla_bilan``.
"""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, Sum

from iae_portal.bilans import share
from structures.enums import SIAE_KINDS, StructureKind
from structures.models import NetworkAffiliation, Structure

from .enums import Mode, Prescriber, ProviderKind
from .models import Prestation

KEYS = (
    "year",
    "prestations",
    "siae_beneficiaries",
    "all_beneficiaries",
    "siae_share_of_beneficiaries",
    "mode_shares",
    "siae_kind_shares",
    "themes",
    "network_affiliated_share",
    "prescribed_by_network_share",
    "network_provider_share",
    "permanents",
    "insertion_employees",
)
Beneficiary = Prestation.beneficiaries.through


def dla_bilan(year, departments=None):
    """The bilan of ``year`` as a dict (keys in the order of ``KEYS``); ``departments``
    (codes) restricts it to the prestations of those départements' DLA."""
    prestations = Prestation.objects.filter(start_date__year=year)
    if departments is not None:
        prestations = prestations.filter(accompaniment__dla__department_id__in=departments)
    links = Beneficiary.objects.filter(prestation__in=prestations.values("pk"))
    siae_links = links.filter(structure__kind__in=SIAE_KINDS)
    with_siae = prestations.filter(Exists(siae_links.filter(prestation_id=OuterRef("pk"))))

    # Query 1: the prestations with an SIAE beneficiary, by mode and theme.
    by_mode, themes = defaultdict(int), defaultdict(dict)
    by_network = {"prescribed": defaultdict(int), "provider": defaultdict(int)}
    for group in with_siae.values("mode", "theme").annotate(
        n=Count("pk"),
        prescribed=Count("pk", filter=Q(prescriber=Prescriber.RESEAU_IAE)),
        provider=Count("pk", filter=Q(provider__kind=ProviderKind.RESEAU_IAE)),
    ):
        by_mode[group["mode"]] += group["n"]
        themes[group["mode"]][group["theme"]] = group["n"]
        by_network["prescribed"][group["mode"]] += group["prescribed"]
        by_network["provider"][group["mode"]] += group["provider"]
    total = sum(by_mode.values())

    # Query 2: the distinct SIAE beneficiaries, by kind, with current networks and staff.
    current = NetworkAffiliation.objects.current().filter(structure_id=OuterRef("pk"))
    siae = Structure.objects.filter(pk__in=siae_links.values("structure_id"))
    kinds = {
        group["kind"]: group
        for group in siae.values("kind").annotate(
            n=Count("pk"),
            affiliated=Count("pk", filter=Q(Exists(current))),
            permanents=Sum("dla_staff__permanents"),
            insertion=Sum("dla_staff__insertion_employees"),
        )
    }
    siae_count = sum(group["n"] for group in kinds.values())
    # Query 3: every distinct beneficiary.
    all_count = links.values("structure_id").distinct().count()

    return {
        "year": year,
        "prestations": total,
        "siae_beneficiaries": siae_count,
        "all_beneficiaries": all_count,
        "siae_share_of_beneficiaries": share(siae_count, all_count),
        "mode_shares": {mode: share(by_mode[mode], total) for mode in Mode.values},
        "siae_kind_shares": {
            kind: share(kinds[kind]["n"], siae_count)
            for kind in StructureKind.values
            if kind in kinds
        },
        "themes": {
            mode: {theme: share(n, by_mode[mode]) for theme, n in sorted(themes[mode].items())}
            for mode in Mode.values
        },
        "network_affiliated_share": share(
            sum(group["affiliated"] for group in kinds.values()), siae_count
        ),
        "prescribed_by_network_share": {
            mode: share(by_network["prescribed"][mode], by_mode[mode]) for mode in Mode.values
        },
        "network_provider_share": {
            mode: share(by_network["provider"][mode], by_mode[mode]) for mode in Mode.values
        },
        "permanents": sum(group["permanents"] or 0 for group in kinds.values()),
        "insertion_employees": sum(group["insertion"] or 0 for group in kinds.values()),
    }
