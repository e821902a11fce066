"""Demo data for structures: a believable Grand Est (région 44) of SIAE and their partners.

Every function takes a ``random.Random``, so one seed rebuilds the same region. Rows are
written with ``bulk_create`` (no query per row): 5,000 structures take seconds. The demo
bypasses ``services.py`` on purpose: nobody acts, so there is nothing to audit, and a query
per row would not scale. Other apps add a ``demo.py`` of the same shape; each registers its
step of the core's ``seed_demo`` (``iae_portal.demo``) from its ``AppConfig.ready()``.
"""

import collections
import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify
from stdnum import luhn

from iae_portal import demo as demo_steps
from iae_portal.users.demo import DEMO_EMAILS
from iae_portal.users.enums import REGIONAL_STAFF_ROLES
from iae_portal.users.models import User

from .demo_data import (
    BATCH_SIZE,
    CONTRIBUTIONS,
    DEPARTMENT_CODES,
    DEPARTMENT_WEIGHTS,
    DEPARTMENTS,
    EXIT_WEIGHTS,
    EXIT_WEIGHTS_BY_KIND,
    FIGURES_PROFILES,
    FIGURES_SOURCES,
    FIGURES_YEARS,
    KIND_SHARES,
    LEGAL_FORMS,
    NETWORK_RATES,
    PHONE_AREAS,
    PROJECT_NAMES,
    QUARTERS,
    REGION_CODE,
    SHARED_FUNCTIONS,
    STREETS,
    THEMES,
    WORDS,
    K,
    L,
)
from .enums import (
    SIAE_KINDS,
    CollectiveProjectKind,
    ConventionKind,
    MembershipRole,
    ProjectMemberRole,
    StructureKind,
)
from .models import (
    CollectiveProject,
    Convention,
    Department,
    Membership,
    NetworkAffiliation,
    Organisation,
    OrganisationKind,
    OrganisationMembership,
    ProjectMember,
    SharedPost,
    SharedPostSplit,
    Structure,
    StructureActivity,
    YearlyFigures,
)


@dataclass
class StructuresDemo:
    """What ``seed`` created, in creation order (the first ACI is ``first(ACI)``)."""

    structures: list = field(default_factory=list)
    conventions: list = field(default_factory=list)
    affiliations: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    members: list = field(default_factory=list)
    posts: list = field(default_factory=list)
    splits: list = field(default_factory=list)

    def first(self, kind):
        return next((s for s in self.structures if s.kind == kind), None)

    def summary(self, today):
        kinds = collections.Counter(s.kind for s in self.structures)
        siae = [s for s in self.structures if s.kind in SIAE_KINDS]
        affiliated = {a.structure_id for a in self.affiliations}
        expired = sum(1 for c in self.conventions if not c.is_active_on(today))
        mix = ", ".join(f"{kind} {kinds[kind]}" for kind in KIND_SHARES if kinds[kind])
        rate = round(100 * len(affiliated) / len(siae)) if siae else 0
        departments = len({s.department_id for s in self.structures})
        return [
            f"Structures : {len(self.structures)} dans {departments} départements du Grand Est ({mix})",
            f"Conventionnements : {len(self.conventions)} (dont {expired} expirés)",
            f"Adhésions à des réseaux : {len(self.affiliations)} ({rate} % des SIAE dans au moins un réseau)",
            f"Chiffres annuels : {len(self.figures)} ({FIGURES_YEARS[0]} à {FIGURES_YEARS[-1]})",
            f"Projets collectifs : {len(self.projects)} ({len(self.members)} membres, "
            f"{len(self.posts)} postes mutualisés)",
        ]


def seed(rng, *, count, today=None):
    """Create ``count`` structures of the Grand Est with their conventions, networks,
    figures and collective projects."""
    today = today or timezone.localdate()
    departments = Department.objects.in_bulk(list(DEPARTMENTS))
    taken = set(Structure.objects.values_list("siret", flat=True))
    kinds = [kind for kind, quota in kind_quotas(count).items() for _ in range(quota)]
    rng.shuffle(kinds)
    sirets = unique_sirets(rng, count, taken)
    used_names = set()
    rows = [
        _structure(rng, kind, siret, departments, used_names)
        for kind, siret in zip(kinds, sirets, strict=True)
    ]
    demo = StructuresDemo(structures=_bulk(Structure, [structure for structure, _ in rows]))
    siae = [s for s in demo.structures if s.kind in SIAE_KINDS]
    networks = {structure.siret: theme.networks for structure, theme in rows}
    demo.conventions = _bulk(Convention, _conventions(rng, siae, today))
    demo.affiliations = _bulk(NetworkAffiliation, _affiliations(rng, siae, networks, today))
    demo.figures = _bulk(YearlyFigures, [f for s in siae for f in _figures(rng, s)])
    _projects(rng, demo, siae, today)
    return demo


def reset():
    """Delete every structure and collective project, with all that hangs on them, and the
    demo's partner organisations (the aid dossiers, whose opinion requests protect them, are
    reset before)."""
    CollectiveProject.objects.all().delete()  # first: members and posts protect structures
    Structure.objects.all().delete()
    Organisation.objects.filter(
        region_id=REGION_CODE, name__in=[name for name, _, _ in DEMO_ORGANISATIONS]
    ).delete()


# The partner organisations of the demo region: (name, kind, département or None for the
# whole region), and the demo partner accounts acting for them.
DEMO_ORGANISATIONS = (
    ("DREETS Grand Est", OrganisationKind.ETAT, None),
    ("Conseil départemental de la Moselle", OrganisationKind.DEPARTEMENT, "57"),
    ("Coorace Grand Est", OrganisationKind.RESEAU, None),
)
DEMO_PARTNERS = (
    ("partenaire-etat@demo.iae.fr", "DREETS Grand Est"),
    ("partenaire-departement@demo.iae.fr", "Conseil départemental de la Moselle"),
)


def seed_organisations():
    """The demo's partner organisations (those already there are kept) and the demo
    partners' memberships."""
    organisations = {
        name: Organisation.objects.get_or_create(
            region_id=REGION_CODE, name=name, defaults={"kind": kind, "department_id": department}
        )[0]
        for name, kind, department in DEMO_ORGANISATIONS
    }
    users = User.objects.in_bulk([email for email, _ in DEMO_PARTNERS], field_name="email")
    OrganisationMembership.objects.bulk_create(
        [
            OrganisationMembership(organisation=organisations[name], user=users[email])
            for email, name in DEMO_PARTNERS
            if email in users
        ],
        ignore_conflicts=True,
    )
    return list(organisations.values())


# The demo accounts' memberships: the director runs the first ACI and the first AI, the
# employee works in that ACI.
DEMO_MEMBERS = (
    ("directeur@demo.iae.fr", StructureKind.ACI, MembershipRole.DIRECTEUR),
    ("directeur@demo.iae.fr", StructureKind.AI, MembershipRole.DIRECTEUR),
    ("salarie@demo.iae.fr", StructureKind.ACI, MembershipRole.SALARIE),
)


def attach_accounts(structures):
    """Give the demo accounts (``iae_portal.users.demo``) their place among ``structures``
    (in creation order): regional staff the demo region, the members their structures."""
    User.objects.filter(email__in=DEMO_EMAILS, role__in=REGIONAL_STAFF_ROLES).update(
        region_id=REGION_CODE
    )
    users = User.objects.in_bulk([email for email, _, _ in DEMO_MEMBERS], field_name="email")
    memberships = []
    for email, kind, role in DEMO_MEMBERS:
        structure = next((s for s in structures if s.kind == kind), None)
        if structure is not None and email in users:
            memberships.append(Membership(user=users[email], structure=structure, role=role))
    return Membership.objects.bulk_create(memberships)


# The NAF sous-classes (``structures.naf``) of each activity of ``demo_data.THEMES``, the
# likeliest first: what the clauses matching reads (``StructureActivity``). Activities not
# listed (networks, partners, EPCI) declare none.
ACTIVITY_CODES = {
    "maraîchage biologique, vente de paniers de légumes": ("01.13Z", "47.21Z"),
    "maraîchage bio, arboriculture et vente directe": ("01.13Z", "01.24Z", "47.21Z"),
    "entretien d'espaces naturels, bûcheronnage, bois de chauffage": ("81.30Z", "02.20Z", "02.10Z"),
    "espaces verts, entretien des berges et des sentiers": ("81.30Z", "02.40Z"),
    "recyclerie : collecte, tri et revente d'objets de réemploi": ("47.79Z", "38.11Z", "38.32Z"),
    "ressourcerie, réemploi de meubles et d'électroménager": ("47.79Z", "38.32Z", "95.22Z"),
    "BTP second œuvre : peinture, plâtrerie, rénovation de logements": ("43.34Z", "43.31Z", "43.39Z"),
    "restauration du petit patrimoine bâti, maçonnerie traditionnelle": ("43.99C", "43.99A"),
    "blanchisserie, repassage et couture": ("96.01B", "96.01A", "95.29Z"),
    "couture, retouches et surcyclage textile": ("95.29Z", "14.13Z"),
    "restauration collective et traiteur solidaire": ("56.29A", "56.21Z"),
    "mise à disposition de personnel auprès des particuliers, des collectivités et des entreprises": ("78.30Z",),
    "ménage et repassage chez les particuliers, entretien de locaux, manutention": ("78.30Z", "81.21Z", "97.00Z"),
    "mise à disposition de personnel : aide à domicile, espaces verts, restauration scolaire": ("78.30Z", "81.30Z", "56.29A"),
    "nettoyage de locaux professionnels et remise en état": ("81.21Z", "81.22Z"),
    "propreté urbaine et nettoyage industriel": ("81.29B", "81.22Z"),
    "BTP second œuvre : plâtrerie, peinture, isolation": ("43.31Z", "43.34Z", "43.29A"),
    "menuiserie et agencement": ("43.32A", "43.32C"),
    "collecte et rénovation d'électroménager": ("95.22Z", "47.79Z"),
    "tri et recyclage des déchets industriels": ("38.32Z", "38.21Z"),
    "logistique, préparation de commandes, conditionnement": ("52.10B", "82.92Z"),
    "restauration : cuisine centrale et portage de repas": ("56.29B", "56.29A", "56.21Z"),
    "travail temporaire d'insertion : BTP, industrie, logistique": ("78.20Z",),
    "missions d'intérim dans le bâtiment, les travaux publics et la propreté": ("78.20Z",),
    "intérim d'insertion dans l'industrie, le transport et la logistique": ("78.20Z",),
    "accompagnement de travailleurs indépendants : livraison à vélo, services à la personne": ("53.20Z", "88.10A"),
    "travail indépendant accompagné : artisanat, petits travaux, vente sur les marchés": ("43.39Z", "47.89Z"),
    "contrats de professionnalisation dans le BTP pour les entreprises adhérentes": ("78.30Z", "43.99C"),
    "parcours qualifiants en industrie et maintenance": ("78.30Z", "33.12Z"),
    "qualification de conducteurs et de préparateurs de commandes": ("78.30Z", "52.29B"),
    "entretien des espaces communs et des espaces verts des bailleurs sociaux": ("81.10Z", "81.30Z", "81.21Z"),
    "gestion urbaine de proximité, petits travaux, médiation": ("81.10Z", "43.39Z", "88.99B"),
}  # fmt: skip


def derived_rng(rng, name):
    """A generator of its own for ``name``, seeded from ``rng``'s state without drawing from
    it: draws added to the demo leave every later draw, so the rest of the region, as it was."""
    return random.Random(f"{name}:{rng.getstate()}")


def seed_activities(rng, structures):
    """One to three NAF activities for each SIAE whose activity is in ``ACTIVITY_CODES``, the
    first of its first activity the main one."""
    rows = []
    for structure in structures:
        if structure.kind not in SIAE_KINDS:
            continue
        codes = []
        for text in structure.activity.split("; "):
            for code in ACTIVITY_CODES.get(
                text[:1].lower() + text[1:], ACTIVITY_CODES.get(text, ())
            ):
                if code not in codes:
                    codes.append(code)
        if not codes:
            continue
        main, *others = codes
        chosen = [main, *rng.sample(others, k=min(len(others), rng.randint(0, 2)))]
        rows += [
            StructureActivity(structure=structure, naf_code=code, is_main=code == main)
            for code in chosen
        ]
    return _bulk(StructureActivity, rows)


def _seed_step(run):
    created = seed(run.rng, count=run.size)
    attach_accounts(created.structures)
    seed_activities(derived_rng(run.rng, "activities"), created.structures)
    organisations = seed_organisations()
    run.made["structures"] = created.structures
    names = ", ".join(f"« {organisation.name} »" for organisation in organisations)
    first, *rest = created.summary(run.today)
    return [first, f"Organismes partenaires : {len(organisations)} ({names})", *rest]


def _logins():
    """The structures of the demo accounts, for the logins table."""
    names = {}
    memberships = Membership.objects.filter(user__email__in=DEMO_EMAILS, is_active=True)
    for membership in memberships.select_related("user", "structure"):
        names.setdefault(membership.user.email, []).append(membership.structure.name)
    partners = OrganisationMembership.objects.filter(user__email__in=DEMO_EMAILS, is_active=True)
    for membership in partners.select_related("user", "organisation"):
        names.setdefault(membership.user.email, []).append(membership.organisation.name)
    return names


def register():
    """The first step of ``seed_demo`` (the others hang on the structures), reset last."""
    demo_steps.register(
        "structures", seed=_seed_step, reset=reset, order=10, reset_order=90, logins=_logins
    )


def kind_quotas(count):
    """How many structures of each kind, by largest remainder on ``KIND_SHARES``."""
    total = sum(KIND_SHARES.values())
    exact = {kind: count * share / total for kind, share in KIND_SHARES.items()}
    quotas = {kind: int(value) for kind, value in exact.items()}
    by_remainder = sorted(exact, key=lambda kind: exact[kind] - quotas[kind], reverse=True)
    for kind in by_remainder[: count - sum(quotas.values())]:
        quotas[kind] += 1
    # The demo director runs an ACI and an AI: keep both even in a tiny region.
    for kind in (K.ACI, K.AI):
        if count >= 2 and not quotas[kind]:
            donor = max((k for k in quotas if k not in (K.ACI, K.AI)), key=quotas.get)
            quotas[donor] -= 1
            quotas[kind] += 1
    return quotas


def unique_sirets(rng, count, taken):
    """``count`` Luhn-valid SIRETs (SIREN of 8 digits + key, NIC of 4 + key) not in ``taken``."""
    seen, sirets = set(taken), []
    while len(sirets) < count:
        body = str(rng.randint(30_000_000, 89_999_999))
        siren = body + luhn.calc_check_digit(body)
        nic = f"000{rng.randint(1, 4)}"  # most establishments are a company's first ones
        siret = siren + nic + luhn.calc_check_digit(siren + nic)
        if siret not in seen and not siret.startswith("356000000"):  # La Poste's own rule
            seen.add(siret)
            sirets.append(siret)
    return sirets


def _bulk(model, rows):
    return model.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _weighted(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _day_between(rng, start, end):
    return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _de(name):
    return ("d'" if name[0] in "AEIOUYÉÈÊ" else "de ") + name


def _context(rng, department):
    _, old_region, places, towns = DEPARTMENTS[department.code]
    town, postal_code = rng.choices(towns, weights=[3, 2] + [1] * (len(towns) - 2))[0]
    return {
        "town": town,
        "postal_code": postal_code,
        "de_town": _de(town),
        "place": rng.choice(places),
        "dept": department.name,
        "word": rng.choice(WORDS),
        "quarter": rng.choice(QUARTERS),
        "old_region": old_region,
    }


def _structure(rng, kind, siret, departments, used_names):
    # A few draws to avoid homonyms; a big region still gets some, as in real life.
    for _ in range(5):
        code = rng.choices(DEPARTMENT_CODES, weights=DEPARTMENT_WEIGHTS)[0]
        context = _context(rng, departments[code])
        theme = rng.choice(THEMES[kind])
        name = rng.choice(theme.names).format(**context)
        if name not in used_names:
            break
    used_names.add(name)
    activities = rng.sample(theme.activities, k=min(len(theme.activities), rng.choice((1, 1, 2))))
    structure = Structure(
        siret=siret,
        name=name,
        kind=kind,
        legal_form=_weighted(rng, LEGAL_FORMS.get(kind, {L.ASSOCIATION: 1})),
        address=f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
        postal_code=context["postal_code"],
        city=context["town"],
        department=departments[code],
        activity=_capitalize("; ".join(activities)),
        email=f"contact@{_domain(name)}.fr",
        phone=f"03 {PHONE_AREAS[code]} " + " ".join(f"{rng.randint(10, 99)}" for _ in range(3)),
    )
    return structure, theme


def _domain(name):
    slug = slugify(name)
    return slug if len(slug) <= 40 else slug[:40].rsplit("-", 1)[0]


def _capitalize(text):
    return text[:1].upper() + text[1:]


def _conventions(rng, siae, today):
    """One convention per ACI/AI/EI/ETTI/EITI (three years), about 5 % expired; some
    associations carry an ACI and an AI."""
    serial = 0
    for structure in siae:
        kinds = [structure.kind] if structure.kind in ConventionKind.values else []
        if structure.kind in (K.ACI, K.AI) and rng.random() < 0.12:
            kinds.append(K.AI if structure.kind == K.ACI else K.ACI)
        for index, kind in enumerate(kinds):
            serial += 1
            if index == 0 and rng.random() < 0.05:
                start = today - datetime.timedelta(days=rng.randint(1_200, 2_000))
            else:
                start = today - datetime.timedelta(days=rng.randint(30, 1_000))
            yield Convention(
                structure=structure,
                kind=kind,
                number=f"{kind}{structure.department_id:0>3}{start.year % 100:02d}{serial % 10_000:04d}",
                start_date=start,
                end_date=start + datetime.timedelta(days=3 * 365 - 1),
            )


def _affiliations(rng, siae, networks_by_siret, today):
    """Networks that fit the activity (a Jardin is Cocagne, a GEIQ is CNCE-GEIQ), since a
    date in the past."""
    for structure in siae:
        networks = networks_by_siret[structure.siret]
        if not networks or rng.random() >= NETWORK_RATES[structure.kind]:
            continue
        for network in rng.sample(networks, k=min(len(networks), rng.choice((1, 1, 1, 2)))):
            yield NetworkAffiliation(
                structure=structure,
                network=network,
                start_date=_day_between(
                    rng, datetime.date(2005, 1, 1), today - datetime.timedelta(days=60)
                ),
            )


def _figures(rng, structure):
    profile = FIGURES_PROFILES[structure.kind]
    base_headcount = rng.randint(*profile.headcount)
    etp_per_head = rng.uniform(*profile.etp_per_head)
    permanents = rng.randint(*profile.permanents)
    turnover_per_etp = rng.uniform(*profile.turnover_per_etp)
    subsidies_per_etp = rng.uniform(*profile.subsidies_per_etp)
    exit_weights = EXIT_WEIGHTS_BY_KIND.get(structure.kind, EXIT_WEIGHTS)
    scale = 1.0
    for year in FIGURES_YEARS:
        scale *= rng.uniform(0.93, 1.09)
        headcount = max(1, round(base_headcount * scale))
        etp = headcount * etp_per_head
        turnover = etp * turnover_per_etp * rng.uniform(0.95, 1.05)
        subsidies = etp * subsidies_per_etp * rng.uniform(0.97, 1.03)
        other = (turnover + subsidies) * rng.uniform(0.01, 0.08)  # donations, training funds
        exits = collections.Counter(
            rng.choices(list(exit_weights), weights=list(exit_weights.values()),
                        k=round(headcount * rng.uniform(*profile.exit_rate)))
        )  # fmt: skip
        shares = [Decimal(f"{rng.uniform(low, high):.1f}") for low, high in profile.shares]
        yield YearlyFigures(
            structure=structure,
            year=year,
            source=rng.choice(FIGURES_SOURCES),
            insertion_headcount=headcount,
            insertion_etp=Decimal(f"{etp:.2f}"),
            permanent_headcount=permanents,
            permanent_etp=Decimal(f"{permanents * rng.uniform(0.75, 0.95):.2f}"),
            hours_worked=round(etp * rng.uniform(1_480, 1_600)),
            turnover=Decimal(f"{round(turnover)}.00"),
            public_subsidies=Decimal(f"{round(subsidies)}.00"),
            total_resources=Decimal(f"{round(turnover) + round(subsidies) + round(other)}.00"),
            **{name: exits[name] for name in YearlyFigures.EXIT_FIELDS},
            **dict(zip(YearlyFigures.SHARE_FIELDS, shares, strict=True)),
        )


def _projects(rng, demo, siae, today):
    """About one collective project per 25 structures, every kind in turn: 2 to 6 members,
    preferably of one département, and 1 or 2 shared posts whose splits sum to 100 %."""
    if len(siae) < 2:
        return
    by_department = collections.defaultdict(list)
    for structure in siae:
        by_department[structure.department_id].append(structure)
    kinds = list(CollectiveProjectKind)
    plans = []
    for index in range(max(1, round(len(demo.structures) / 25))):
        kind = kinds[index % len(kinds)]
        carrier = rng.choice(siae)
        size = min(rng.randint(2, 6), len(siae))
        local = [s for s in by_department[carrier.department_id] if s is not carrier]
        others = rng.sample(local, k=min(size - 1, len(local)))
        if len(others) < size - 1:  # a thin département: complete from the whole region
            chosen = {id(s) for s in [carrier, *others]}
            rest = [s for s in siae if id(s) not in chosen]
            others += rng.sample(rest, k=size - 1 - len(others))
        context = _context(rng, carrier.department)
        start = _day_between(rng, datetime.date(2012, 1, 1), today - datetime.timedelta(days=180))
        project = CollectiveProject(
            name=rng.choice(PROJECT_NAMES[kind]).format(**context),
            kind=kind,
            description=f"{CollectiveProjectKind(kind).label} réunissant {size} structures "
            f"{context['place']}.",
            carrier=carrier
            if kind not in (CollectiveProjectKind.COLLECTIF, CollectiveProjectKind.PLATEFORME)
            else None,
            department_id=carrier.department_id,
            start_date=start,
        )
        plans.append((project, carrier, others))
    demo.projects = _bulk(CollectiveProject, [project for project, _, _ in plans])
    posts_plans = []
    for project, carrier, others in plans:
        members = [
            _member(rng, project, carrier, ProjectMemberRole.PORTEUR, project.start_date, today)
        ]
        for structure in others:
            role = ProjectMemberRole.ASSOCIE if rng.random() < 0.2 else ProjectMemberRole.MEMBRE
            joined = _day_between(
                rng,
                project.start_date,
                min(project.start_date + datetime.timedelta(days=720), today),
            )
            members.append(_member(rng, project, structure, role, joined, today))
        demo.members += members
        active = [m.structure for m in members if m.left_on is None]
        for function in rng.sample(SHARED_FUNCTIONS, k=rng.randint(1, 2)):
            posts_plans.append(_shared_post(rng, project, function, active))
    demo.members = _bulk(ProjectMember, demo.members)
    demo.posts = _bulk(SharedPost, [post for post, _ in posts_plans])
    demo.splits = _bulk(SharedPostSplit, [split for _, splits in posts_plans for split in splits])


def _member(rng, project, structure, role, joined, today):
    left = None
    if role != ProjectMemberRole.PORTEUR and rng.random() < 0.1 and (today - joined).days > 365:
        left = _day_between(
            rng, joined + datetime.timedelta(days=180), today - datetime.timedelta(days=1)
        )
    low, high = CONTRIBUTIONS[role]
    return ProjectMember(
        project=project,
        structure=structure,
        role=role,
        joined_on=joined,
        left_on=left,
        contribution=Decimal(rng.randrange(low, high + 1, 500)),
    )


def _shared_post(rng, project, function, active):
    """A post hosted by one active member, its time split in steps of 5 % summing to 100."""
    host = rng.choice(active)
    sharing = [
        host,
        *rng.sample(
            [s for s in active if s is not host], k=min(len(active) - 1, rng.randint(1, 3))
        ),
    ]
    units = [1] * len(sharing)  # 20 units of 5 %, at least one each
    for _ in range(20 - len(sharing)):
        units[rng.randrange(len(units))] += 1
    units.sort(reverse=True)  # the host gives the post most of its time
    post = SharedPost(
        project=project,
        function=function,
        etp=Decimal(rng.choice(("0.50", "0.80", "1.00", "1.00", "1.50", "2.00"))),
        host=host,
    )
    splits = [
        SharedPostSplit(post=post, structure=s, share=Decimal(5 * u))
        for s, u in zip(sharing, units, strict=True)
    ]
    return post, splits
