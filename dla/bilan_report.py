"""The yearly bilan as the web report shows it (``dla_bilan``'s figures, the form, the
charts), for a user and the query they sent: the page, its CSV and its PDF (prepared in the
background, ``dla.prepared``) read the same."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from iae_portal.charts import hbar_chart
from structures.enums import StructureKind
from structures.models import Department

from . import perms
from .bilan import dla_bilan
from .enums import Mode, Theme
from .forms import BilanForm
from .models import Prestation


def bilan_request(user, query):
    """``(form, year, departments)`` of the bilan asked in ``query``, within what ``user``
    may read (403 for those who may not open the DLA pages, 404 for a bad query)."""
    if not perms.can_use_dla_pages(user):
        raise PermissionDenied
    allowed = perms.visible_departments(user)
    prestations = Prestation.objects.filter(accompaniment__in=perms.visible_accompaniments(user))
    with_data = {day.year for day in prestations.dates("start_date", "year")}
    current = timezone.localdate().year
    years = sorted(with_data | {current}, reverse=True)
    departments = Department.objects.filter(dla__isnull=False).order_by("code")
    if allowed is not None:
        departments = departments.filter(code__in=allowed)
    choices = [(d.code, f"{d.code} — {d.name}") for d in departments]
    data = query.copy()
    data.setdefault("year", str(max(with_data, default=current)))
    form = BilanForm(data, years=years, departments=choices)
    if not form.is_valid():
        raise Http404
    chosen = form.cleaned_data["department"]
    selected = [chosen] if chosen else allowed
    return form, form.cleaned_data["year"], selected


def percent_chart(shares, labels, *, label):
    points = [(labels.get(key, key), value * 100) for key, value in shares.items()]
    return hbar_chart(points, label=label, unit=" %") if points else None


def department_shown(form, departments):
    """The code of the département the bilan is of: the one chosen, or the only one the
    user may read (a chargé of one DLA); empty for several."""
    chosen = form.cleaned_data["department"]
    if chosen:
        return chosen
    return departments[0] if departments and len(departments) == 1 else ""


def bilan_context(user, query):
    form, year, departments = bilan_request(user, query)
    report = dla_bilan(year, departments=departments)
    kinds = dict(StructureKind.choices)
    themes = dict(Theme.choices)
    query = query.copy()
    query["year"] = year
    return {
        "form": form,
        "bilan": report,
        "query": query.urlencode(),
        "department": department_shown(form, departments),
        "kind_rows": [(kinds[k], v) for k, v in report["siae_kind_shares"].items()],
        "theme_rows": [
            (label, [(themes[t], v) for t, v in report["themes"][mode].items()])
            for mode, label in Mode.choices
        ],
        # Kinds by their codes (ACI, EI…): the full names are in the table below the chart.
        "kind_chart": percent_chart(
            report["siae_kind_shares"], {}, label="SIAE bénéficiaires par type"
        ),
        "theme_charts": [
            (
                mode,
                percent_chart(
                    report["themes"][mode],
                    themes,
                    label=f"Thèmes des prestations, mode {label.lower()}",
                ),
            )
            for mode, label in Mode.choices
        ],
        "network_chart": percent_chart(
            network_shares(report),
            {},
            label="Réseaux de l'IAE : SIAE adhérentes, prestations prescrites et réalisées",
        ),
    }


def network_shares(report):
    prescribed, provided = report["prescribed_by_network_share"], report["network_provider_share"]
    return {
        "SIAE adhérentes d'au moins un réseau": report["network_affiliated_share"],
        "Prestations individuelles prescrites par un réseau": prescribed[Mode.INDIVIDUELLE],
        "Prestations collectives prescrites par un réseau": prescribed[Mode.COLLECTIVE],
        "Prestations individuelles réalisées par un réseau": provided[Mode.INDIVIDUELLE],
        "Prestations collectives réalisées par un réseau": provided[Mode.COLLECTIVE],
    }
