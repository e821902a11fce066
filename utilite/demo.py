"""Demo data for social utility: three years of reports (the last three ended years) for
most demo SIAE, so every statistic, chart and list of missing reports has something to show.

Like the other apps' demos, every draw comes from the run's ``random.Random`` (the last
step: the other apps' data stay as they were) and rows are written with ``bulk_create``,
bypassing the services and the journal (nobody acts). The figures are coherent: taken from
each structure's yearly figures (``structures.YearlyFigures``: headcount, hours, turnover,
resources, subsidies, exits, share of women) where they exist for the year, else drawn
from its kind's profile and its previous year; exits by category sum to ``exits_total``,
which never exceeds the employees in insertion; public funding and turnover stay within the
resources; training hours and trained employees are both zero or both not. About half of
the structures fill in the DTS grid each year, their scores improving over the years.
Statuses: the older years nearly all validated; the last one spread over every status (some
sent back with a comment, some drafts, some missing), and about one SIAE in nine never
reports. The demo director's ACI is sent back for its last year, its AI still a draft.
"""

import collections
import datetime

from django.utils import timezone

from iae_portal import demo as demo_steps
from structures.demo_data import BATCH_SIZE, FIGURES_PROFILES
from structures.enums import SIAE_KINDS, StructureKind
from structures.models import YearlyFigures

from .enums import ReportStatus
from .indicators import AXES, CRITERION_CODES, INDICATOR_CODES, SCORE_MAX
from .models import SocialReport

S = ReportStatus
YEARS = 3
# Share of the SIAE that never report (they stay in the missing lists).
NEVER = 0.11
# Statuses of a participating structure's report: the older years, then the last one
# (``None``: no report).
OLDER = {S.VALIDE: 93, None: 4, S.SOUMIS: 3}
LAST = {S.VALIDE: 50, S.SOUMIS: 18, S.A_CORRIGER: 8, S.BROUILLON: 10, None: 14}
GRID_SHARE = 0.5
STAFF_COMMENTS = (
    "Les sorties par catégorie ne correspondent pas au rapport d'activité : merci de "
    "vérifier les sorties en CDD de moins de six mois.",
    "Le total des produits diffère des comptes annuels transmis : merci de le corriger.",
    "Les heures de formation semblent faibles au regard des salariés formés : merci de "
    "les vérifier.",
    "Merci de préciser les financements publics (aides au poste comprises).",
)
EVIDENCE = {
    "activite": "Deux activités de proximité reprises sur le territoire.",
    "parcours": "Plan de formation annuel partagé avec les salariés en parcours.",
    "territoire": "Participation régulière au CDIAE et au comité local du PLIE.",
    "cooperation": "Achats groupés avec deux SIAE du département.",
    "co_construction": "Comité de suivi annuel avec les partenaires financeurs.",
    "transversalite": "Accompagnement social et professionnel mené avec les prescripteurs.",
    "decloisonnement": "Recrutements ouverts aux publics orientés par le Département.",
    "vision_strategique": "Diagnostic territorial réalisé avec la communauté de communes.",
    "prospective": "Expérimentation d'une nouvelle activité de réemploi.",
    "representation": "Élection des représentants du personnel organisée cette année.",
    "participation": "Réunion mensuelle des salariés sur l'organisation du travail.",
    "economie_plurielle": "Achats auprès de fournisseurs du département privilégiés.",
    "solidarite_sociale": "Index d'égalité professionnelle publié.",
    "environnement": "Tri des déchets et réemploi des matériaux sur les chantiers.",
    "gouvernance_participative": "Projet associatif révisé avec les administrateurs.",
}


def demo_years(today):
    """The last three ended years (2023 to 2025 in 2026)."""
    return tuple(range(today.year - YEARS, today.year))


def _weighted(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _split(rng, total, weights):
    """``total`` split over ``weights``' keys at random, in proportion."""
    counts = collections.Counter(
        rng.choices(list(weights), weights=list(weights.values()), k=total)
    )
    return {key: counts[key] for key in weights}


class _Figures:
    """One structure's yearly figures from its ``YearlyFigures`` or its kind's profile."""

    def __init__(self, rng, structure):
        self.rng, self.kind = rng, structure.kind
        self.profile = FIGURES_PROFILES.get(structure.kind, FIGURES_PROFILES[StructureKind.ACI])
        self.previous = None

    def _base(self, figures):
        rng, profile = self.rng, self.profile
        if figures is not None:
            exits = {name: getattr(figures, name) for name in YearlyFigures.EXIT_FIELDS}
            return {
                "headcount": figures.insertion_headcount,
                "hours": figures.hours_worked,
                "turnover": int(figures.turnover),
                "subsidies": int(figures.public_subsidies),
                "resources": int(figures.total_resources),
                "women": float(figures.share_women or 0) / 100,
                "permanent_etp": float(figures.permanent_etp),
                "exits": exits,
            }
        if self.previous is not None:  # a year without figures: last year's, drifted
            scale = rng.uniform(0.93, 1.09)
            base = dict(self.previous)
            for name in ("headcount", "hours", "turnover", "subsidies", "resources"):
                base[name] = max(1, round(base[name] * scale))
            base["exits"] = {k: round(v * scale) for k, v in base["exits"].items()}
            return base
        headcount = rng.randint(*profile.headcount)
        etp = headcount * rng.uniform(*profile.etp_per_head)
        turnover = round(etp * rng.uniform(*profile.turnover_per_etp))
        subsidies = round(etp * rng.uniform(*profile.subsidies_per_etp))
        exits = _split(
            rng,
            round(headcount * rng.uniform(*profile.exit_rate)),
            dict.fromkeys(YearlyFigures.EXIT_FIELDS, 1),
        )
        return {
            "headcount": headcount,
            "hours": round(etp * rng.uniform(1_480, 1_600)),
            "turnover": turnover,
            "subsidies": subsidies,
            "resources": round((turnover + subsidies) * rng.uniform(1.01, 1.08)),
            "women": rng.uniform(*profile.shares[0]) / 100,
            "permanent_etp": rng.uniform(*profile.permanents) * 0.85,
            "exits": exits,
        }

    def year(self, figures):
        """The typed indicators of a year (every rule of the contract holds)."""
        rng = self.rng
        base = self._base(figures)
        self.previous = base
        employees = max(1, base["headcount"])
        resources = max(base["resources"], base["turnover"], base["subsidies"], 1)
        trained = min(employees, round(employees * rng.uniform(0.2, 0.75)))
        exits = base["exits"]
        longer = rng.uniform(0.3, 0.55)  # of the CDD and intérim, those of 6 months or more
        short_jobs = exits.get("exits_cdd", 0) + exits.get("exits_interim", 0)
        categories = {
            "exits_cdi": exits.get("exits_cdi", 0),
            "exits_cdd_6m": round(short_jobs * longer),
            "exits_creation": 1 if rng.random() < 0.08 else 0,
            "exits_fonction_publique": 1 if rng.random() < 0.06 else 0,
            "exits_cdd_court": short_jobs - round(short_jobs * longer),
            "exits_contrat_aide": exits.get("exits_contrat_aide", 0),
            "exits_formation": exits.get("exits_formation", 0),
            "exits_autre_siae": exits.get("exits_other_siae", 0),
        }
        categories["exits_autres"] = round(sum(categories.values()) * rng.uniform(0.3, 0.7))
        while sum(categories.values()) > employees:  # no more exits than people
            largest = max(categories, key=categories.get)
            categories[largest] -= 1
        hourly = rng.uniform(11.9, 13.5)
        wages = round(base["hours"] * hourly + base["permanent_etp"] * rng.uniform(30_000, 38_000))
        return {
            "hours_worked": base["hours"],
            "turnover": base["turnover"],
            "total_resources": resources,
            "public_funding": base["subsidies"],
            "wages_paid": min(wages, round(resources * 0.92)),
            "local_purchases": round(resources * rng.uniform(0.02, 0.12)),
            "activities_created": rng.choice((0, 0, 0, 1, 1, 2)),
            "insertion_employees": employees,
            "women": min(employees, round(employees * base["women"])),
            "trained_employees": trained,
            "training_hours": round(trained * rng.uniform(18, 95)) if trained else 0,
            "qualifications": round(trained * rng.uniform(0.05, 0.3)),
            "exits_total": sum(categories.values()),
            **categories,
            "territorial_bodies": rng.choice((0, 1, 1, 2, 2, 3, 4)),
            "service_users": rng.randint(20, 600)
            if self.kind in (StructureKind.RQ, StructureKind.ACI) and rng.random() < 0.6
            else 0,
            "participation_level": rng.choice((0, 1, 1, 2, 2, 3)),
            "cooperation_level": rng.choice((0, 1, 1, 2, 3)),
            "environmental_certification": rng.random() < 0.22,
        }


class _Grid:
    """One structure's DTS grid over the years: a level per axis, improving each year."""

    def __init__(self, rng):
        self.rng = rng
        self.levels = {axis.code: rng.uniform(0.4, 2.3) for axis in AXES}
        self.progress = rng.uniform(0.05, 0.4)
        self.participants = rng.choice((2, 3, 3, 4, 5, 6, 8))

    def year(self, index):
        rng = self.rng
        scores = {}
        for axis in AXES:
            level = self.levels[axis.code] + self.progress * index
            for criterion in axis.criteria:
                value = round(level + rng.uniform(-0.7, 0.7))
                scores[criterion.code] = max(0, min(SCORE_MAX, value))
        means = {
            axis.code: sum(scores[c.code] for c in axis.criteria) / len(axis.criteria)
            for axis in AXES
        }
        weakest = sorted(means, key=means.get)[: rng.choice((1, 2, 3))]
        commented = rng.sample(list(AXES), k=rng.randint(1, 4))
        comments = {axis.criteria[0].code: EVIDENCE[axis.code] for axis in commented}
        return {
            "grid_participants": self.participants + rng.choice((0, 0, 1)),
            "priority_axes": [axis.code for axis in AXES if axis.code in weakest],
            "grid_scores": {code: scores[code] for code in CRITERION_CODES},
            "grid_comments": comments,
        }


def _moment(rng, year, months=(2, 6)):
    day = datetime.date(year + 1, rng.randint(*months), rng.randint(1, 28))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(8, 18))))


def _report(rng, structure, year, status, figures, grid):
    report = SocialReport(structure=structure, year=year, status=status, **figures)
    if grid is not None:
        for name, value in grid.items():
            setattr(report, name, value)
    if status == S.BROUILLON:  # a draft: the last dimensions not filled in yet
        for code in INDICATOR_CODES[rng.randint(8, 20) :]:
            setattr(report, code, None)
        report.grid_participants, report.priority_axes = None, []
        report.grid_scores, report.grid_comments = {}, {}
        return report
    report.submitted_at = _moment(rng, year)
    if status == S.VALIDE:
        report.validated_at = report.submitted_at + datetime.timedelta(days=rng.randint(3, 40))
    elif status == S.A_CORRIGER:
        report.staff_comment = rng.choice(STAFF_COMMENTS)
    return report


def seed(rng, structures, today):
    """Reports for ``structures`` (the SIAE among them) over the demo's years."""
    years = demo_years(today)
    siae = [s for s in structures if s.kind in SIAE_KINDS]
    figures = {
        (f.structure_id, f.year): f
        for f in YearlyFigures.objects.filter(structure__in=siae, year__in=years)
    }
    taken = set(
        SocialReport.objects.filter(structure__in=siae, year__in=years).values_list(
            "structure_id", "year"
        )
    )
    director = {
        next((s for s in siae if s.kind == kind), None): last
        for kind, last in ((StructureKind.ACI, S.A_CORRIGER), (StructureKind.AI, S.BROUILLON))
    }
    reports = []
    for structure in siae:
        if structure not in director and rng.random() < NEVER:
            continue
        source = _Figures(rng, structure)
        grid = _Grid(rng) if structure in director or rng.random() < GRID_SHARE else None
        for index, year in enumerate(years):
            last = index == len(years) - 1
            values = source.year(figures.get((structure.pk, year)))
            grid_values = grid.year(index) if grid is not None else None
            if structure in director:
                status = director[structure] if last else S.VALIDE
            else:
                status = _weighted(rng, LAST if last else OLDER)
            if status is None or (structure.pk, year) in taken:
                continue
            reports.append(_report(rng, structure, year, status, values, grid_values))
    return SocialReport.objects.bulk_create(reports, batch_size=BATCH_SIZE)


def summary(reports, today):
    years = demo_years(today)
    statuses = collections.Counter(r.status for r in reports)
    mix = ", ".join(
        f"{S(status).label.lower()} {statuses[status]}" for status in S if statuses[status]
    )
    grids = sum(1 for r in reports if r.grid_scores)
    return [
        f"Bilans d'utilité sociale : {len(reports)} ({years[0]} à {years[-1]} ; {mix}), "
        f"dont {grids} avec la grille DTS"
    ]


def reset():
    """Delete every report (the structures' reset would take them too)."""
    SocialReport.objects.all().delete()


def _seed_step(run):
    reports = seed(run.rng, run.made.get("structures", []), run.today)
    return summary(reports, run.today)


def register():
    """The last step of ``seed_demo`` (it draws after the others: their data stay the same);
    reset before the structures."""
    demo_steps.register("utilite", seed=_seed_step, reset=reset, order=50, reset_order=40)
