"""The one world the permission matrix runs against, built through the factories and the
services: three structures and everything hanging from them, the people of every role and
an API client of every scope.

Variants name whose an object is: ``a`` belongs to structure A (Meurthe-et-Moselle, Grand
Est), to DLA X (54) and to facilitator 1; ``b`` to structure B (Moselle, Grand Est), DLA Y
(57) and facilitator 2; ``z`` to structure Z (Paris, Île-de-France), outside the region of
the council's staff."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from aides import services as aides_services
from aides.enums import DossierState
from aides.models import (
    Batch,
    BatchItem,
    BatchKind,
    BatchState,
    FinancingPlan,
    FundingLine,
    OpinionRequest,
    PartnerOpinion,
    PartnerOpinionAttachment,
)
from clauses import services_agreements as agreement_services
from clauses import services_programme as programme_services
from clauses.models import FacilitatorMembership, Lot, LotInterest
from dla import services as dla_services
from iae_portal.api.services import api_client_create
from iae_portal.prepared.models import PreparedFile, PreparedState
from iae_portal.users.enums import Role
from structures import services as structure_services
from structures.enums import MembershipRole
from structures.models import (
    CollectiveProject,
    Department,
    Organisation,
    OrganisationKind,
    OrganisationMembership,
    ProjectMember,
    Region,
    StructureActivity,
)
from tests.aides.factories import CA_DATA, CampaignFactory, CommissionFactory, move, pdf_upload
from tests.clauses.factories import (
    FacilitatorFactory,
    HoursReportFactory,
    LotFactory,
    MarcheFactory,
)
from tests.dla.factories import accompaniment_at, chargé
from tests.structures.factories import (
    ConventionFactory,
    FiguresFactory,
    MembershipFactory,
    StructureFactory,
    UserFactory,
    make_siret,
)
from tests.utilite.factories import ReportFactory, full_grid
from utilite import services as utilite_services
from utilite.enums import ReportStatus

# The people: a column each in the tables.
ROLES = ("an", "dA", "sA", "dB", "ins", "chf", "lec", "ptn", "dX", "dY", "f1", "f2", "adm")
ROLE_NAMES = {
    "an": "anonymous",
    "dA": "director of structure A",
    "sA": "employee (salarié) of structure A",
    "dB": "director of structure B",
    "ins": "instructeur (Grand Est)",
    "chf": "chef de service (Grand Est)",
    "lec": "lecteur, read-only (Grand Est)",
    "ptn": "partner of the DREETS Grand Est, asked an opinion on A's deposited dossier",
    "dX": "DLA chargé of DLA X (54)",
    "dY": "DLA chargé of DLA Y (57)",
    "f1": "facilitator 1 (follows lot a)",
    "f2": "facilitator 2 (follows lot b)",
    "adm": "administrator",
}
# API clients (Bearer tokens): read all, write all, one département, one structure, one
# DLA, one facilitator.
CLIENTS = ("tR", "tW", "t54", "tsA", "tdX", "tf1")
CLIENT_NAMES = {
    "tR": "API client, read, everything",
    "tW": "API client, write, everything",
    "t54": "API client, write, département 54",
    "tsA": "API client, write, structure A",
    "tdX": "API client, read, DLA X (54)",
    "tf1": "API client, write, facilitator 1",
}
VARIANTS = ("a", "b", "z")
PLACES = {"a": "54", "b": "57", "z": "75"}


@dataclass
class World:
    users: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    structure: dict = field(default_factory=dict)
    director: dict = field(default_factory=dict)
    employee_membership: dict = field(default_factory=dict)
    invitation: dict = field(default_factory=dict)
    convention: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    project: dict = field(default_factory=dict)
    draft: dict = field(default_factory=dict)
    deposited: dict = field(default_factory=dict)
    notified: dict = field(default_factory=dict)
    accompaniment: dict = field(default_factory=dict)
    prestation: dict = field(default_factory=dict)
    deliverable: dict = field(default_factory=dict)
    marche: dict = field(default_factory=dict)
    lot: dict = field(default_factory=dict)
    hours: dict = field(default_factory=dict)
    campaign: object = None
    commission: object = None
    batch: dict = field(default_factory=dict)
    prepared: object = None
    organisation: object = None
    opinion_request: dict = field(default_factory=dict)
    opinion_attachment: dict = field(default_factory=dict)
    plan: dict = field(default_factory=dict)
    radar_report: dict = field(default_factory=dict)  # utilite statistics' block below
    social_draft: dict = field(default_factory=dict)  # utilite reports' block below
    social_submitted: dict = field(default_factory=dict)
    report_delegate: dict = field(default_factory=dict)
    agreement: dict = field(default_factory=dict)  # partnership agreements' block below
    minutes: dict = field(default_factory=dict)
    purchase: dict = field(default_factory=dict)  # planned purchases' block below
    activity: dict = field(default_factory=dict)  # clauses matching block below
    interest: dict = field(default_factory=dict)

    def client_for(self, role):
        """A logged-in test client (session) for a person, a Bearer one for an API client."""
        if role in CLIENTS:
            return Client(HTTP_AUTHORIZATION=f"Bearer {self.tokens[role]}")
        client = Client()
        if self.users.get(role) is not None:
            client.force_login(self.users[role])
        return client


def _people(world):
    ge = Region.objects.get(code="44")
    world.users = {
        "an": None,
        "dA": MembershipFactory(structure=world.structure["a"], user__email="dir.a@m.test").user,
        "sA": MembershipFactory(
            structure=world.structure["a"], role=MembershipRole.SALARIE, user__email="sal.a@m.test"
        ).user,
        "dB": MembershipFactory(structure=world.structure["b"], user__email="dir.b@m.test").user,
        "ins": UserFactory(email="ins@m.test", role=Role.INSTRUCTEUR, region=ge),
        "chf": UserFactory(email="chef@m.test", role=Role.CHEF_SERVICE, region=ge),
        "lec": UserFactory(email="lec@m.test", role=Role.LECTEUR, region=ge),
        "ptn": UserFactory(email="ptn@m.test", role=Role.PARTENAIRE),
        "dX": chargé("dla.x@m.test", "54"),
        "dY": chargé("dla.y@m.test", "57"),
        "f1": UserFactory(email="fac.1@m.test", role=Role.FACILITATEUR),
        "f2": UserFactory(email="fac.2@m.test", role=Role.FACILITATEUR),
        "adm": UserFactory(email="adm@m.test", role=Role.ADMIN, is_staff=True, is_superuser=True),
    }
    world.organisation = Organisation.objects.create(
        name="DREETS Grand Est", kind=OrganisationKind.ETAT, region=ge
    )
    OrganisationMembership.objects.create(organisation=world.organisation, user=world.users["ptn"])
    world.director = {"a": world.users["dA"], "b": world.users["dB"]}
    world.director["z"] = MembershipFactory(structure=world.structure["z"]).user
    world.employee_membership = {
        "a": world.users["sA"].memberships.get(),
        **{
            v: MembershipFactory(structure=world.structure[v], role=MembershipRole.SALARIE)
            for v in ("b", "z")
        },
    }
    # A pending invitation of each structure, to an address without an account.
    world.invitation = {
        v: structure_services.invitation_create(
            actor=world.director[v],
            structure=world.structure[v],
            email=f"invite.{v}@m.test",
            role=MembershipRole.SALARIE,
        )
        for v in VARIANTS
    }


def _structures(world):
    for n, (variant, name, city) in enumerate(
        (("a", "Chantier Alpha", "Nancy"), ("b", "Chantier Bravo", "Metz")), start=1
    ):
        code = PLACES[variant]
        world.structure[variant] = StructureFactory(
            siret=make_siret(770_000 + n),
            name=name,
            city=city,
            postal_code=f"{code}000",
            department=Department.objects.get(code=code),
        )
    world.structure["z"] = StructureFactory(
        siret=make_siret(770_009),
        name="Chantier Zoulou",
        city="Paris",
        postal_code="75011",
        department=Department.objects.get(code="75"),
    )
    for n, (variant, structure) in enumerate(world.structure.items()):
        world.convention[variant] = ConventionFactory(structure=structure, number=f"ACI-M-{n}")
        world.figures[variant] = FiguresFactory(structure=structure, year=2025)
        project = CollectiveProject.objects.create(
            name=f"Groupement {variant.upper()}", kind="GE", carrier=structure
        )
        ProjectMember.objects.create(
            project=project,
            structure=structure,
            role="porteur",
            joined_on=datetime.date(2024, 1, 1),
        )
        world.project[variant] = project


def _dossier(world, variant, state):
    """A dossier of the variant's structure taken by its director and an administrator
    through the workflow up to ``state``."""
    director, admin = world.director[variant], world.users["adm"]
    dossier = aides_services.dossier_create(
        actor=director,
        structure=world.structure[variant],
        campaign=world.campaign,
        title=f"Dossier {variant} {state}",
    )
    aides_services.dossier_save_data(
        actor=director, dossier=dossier, expected_version=dossier.version, data=CA_DATA
    )
    for kind in world.campaign.scheme.required_documents:
        aides_services.document_add(
            actor=director, dossier=dossier, kind=kind, upload=pdf_upload(f"{kind}.pdf")
        )
    if state != DossierState.BROUILLON:
        move(dossier, director, "submit")
    if state == DossierState.NOTIFIE:
        move(dossier, admin, "start_instruction")
        move(dossier, admin, "instruct", opinion="favorable")
        move(dossier, admin, "vote", commission=world.commission, deliberation_number="CP-M")
        move(dossier, admin, "notify")
    dossier.refresh_from_db()
    return dossier


def _aides(world):
    world.campaign = CampaignFactory(name="Appel de la matrice")
    world.commission = CommissionFactory(campaign=world.campaign, date=timezone.localdate())
    for variant in VARIANTS:
        world.draft[variant] = _dossier(world, variant, DossierState.BROUILLON)
        world.deposited[variant] = _dossier(world, variant, DossierState.DEPOSE)
        world.notified[variant] = _dossier(world, variant, DossierState.NOTIFIE)
    # The partner is asked an opinion on A's deposited dossier (with its documents), the
    # instructeur (no partner) on B's: a request of each variant.
    for variant, partner in (("a", world.users["ptn"]), ("b", world.users["ins"])):
        dossier = world.deposited[variant]
        request = OpinionRequest.objects.create(
            dossier=dossier,
            partner=partner,
            organisation=world.organisation if partner == world.users["ptn"] else None,
            question="Ce projet répond-il aux besoins du territoire ?",
            due_on=timezone.localdate() + datetime.timedelta(days=10),
            requested_by=world.users["adm"],
        )
        request.shared_documents.set(dossier.documents.all())
        world.opinion_request[variant] = request
        # An opinion with its file on each request, and each deposited dossier's financing
        # plan (a line of the State's aid).
        opinion = PartnerOpinion.objects.create(
            request=request, author=partner, position="favorable", text="Avis favorable."
        )
        world.opinion_attachment[variant] = PartnerOpinionAttachment.objects.create(
            opinion=opinion,
            uploaded_by=partner,
            file=ContentFile(b"%PDF-1.4\n", name="avis.pdf"),
            original_name="avis.pdf",
            content_type="application/pdf",
            size=9,
        )
    for variant in VARIANTS:
        plan = FinancingPlan.objects.create(
            dossier=world.deposited[variant], total_cost=Decimal("80000.00")
        )
        FundingLine.objects.create(
            plan=plan, funder="etat_aide_poste", amount=Decimal("20000.00"), status="accorde"
        )
        world.plan[variant] = plan
    # Two finished batches of the campaign: one over the region's dossiers (a, b), one over
    # every region's (a, b, z).
    world.batch = {name: _batch(world, variants) for name, variants in BATCHES.items()}


BATCHES = {"ge": ("a", "b"), "all": VARIANTS}


def _batch(world, variants):
    """A finished letters batch of the commission (its items also report changed amounts:
    the report lists them whatever the kind)."""
    batch = Batch.objects.create(
        kind=BatchKind.LETTERS,
        campaign=world.campaign,
        commission=world.commission,
        version=world.campaign.scheme.current_version,
        state=BatchState.DONE,
        total=len(variants),
        done=len(variants),
        changed=len(variants),
        started_by=world.users["adm"],
        finished_at=timezone.now(),
    )
    letter = default_storage.save("courriers/matrice.pdf", ContentFile(b"%PDF-1.4\n"))
    for variant in variants:
        dossier = world.notified[variant]
        BatchItem.objects.create(
            batch=batch,
            dossier=dossier,
            letter=letter,
            convention=letter,
            computation=dossier.computation,
            old_total=dossier.computation.total - 1,
            new_total=dossier.computation.total,
            changed=True,
        )
    return batch


def _dla(world):
    admin = world.users["adm"]
    for variant in VARIANTS:
        accompaniment = accompaniment_at(
            "ingenierie", admin, [world.structure[variant]], code=PLACES[variant]
        )
        prestation = accompaniment.prestations.get()
        dla_services.accompaniment_add_deliverables(
            actor=admin, prestation=prestation, files=[pdf_upload("livrable.pdf")]
        )
        world.accompaniment[variant] = accompaniment
        world.prestation[variant] = prestation
        world.deliverable[variant] = prestation.deliverables.get()


def _clauses(world):
    for variant, role in (("a", "f1"), ("b", "f2")):
        facilitator = FacilitatorFactory(name=f"PLIE {variant.upper()}")
        FacilitatorMembership.objects.create(user=world.users[role], facilitator=facilitator)
        world.marche[variant] = MarcheFactory(
            ref=f"M-MATRICE-{variant.upper()}",
            department=Department.objects.get(code=PLACES[variant]),
        )
        world.lot[variant] = LotFactory(
            marche=world.marche[variant], facilitator=facilitator, clause="marche_reserve"
        )
        world.hours[variant] = HoursReportFactory(
            lot=world.lot[variant], siae=world.structure[variant], modality="sous_traitance_siae"
        )


def _api_clients(world):
    restrictions = {
        "tR": ("read", {}),
        "tW": ("write", {}),
        "t54": ("write", {"department": Department.objects.get(code="54")}),
        "tsA": ("write", {"structure": world.structure["a"]}),
        "tdX": ("read", {"dla": world.accompaniment["a"].dla}),
        "tf1": ("write", {"facilitator": world.lot["a"].facilitator}),
    }
    for name, (scope, restriction) in restrictions.items():
        _client, world.tokens[name] = api_client_create(
            actor=world.users["adm"], name=f"Matrice {name}", scope=scope, **restriction
        )


def _prepared(world):
    """A file prepared for the instructeur, ready to download."""
    world.prepared = PreparedFile.objects.create(
        owner=world.users["ins"],
        kind="structures.export",
        key="matrice",
        title="Export de la matrice",
        state=PreparedState.READY,
        file=default_storage.save("prepares/matrice.csv", ContentFile(b"SIRET\r\n")),
        filename="matrice.csv",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )


# -- Social utility's radar (utilite:report_radar): a validated report with its grid ---------
# for each structure, of a year apart from the other reports of the world.
RADAR_YEAR = 2022


def _utilite_radar(world):
    for variant in VARIANTS:
        world.radar_report[variant] = ReportFactory(
            structure=world.structure[variant],
            year=RADAR_YEAR,
            grid_participants=3,
            grid_scores=full_grid(2),
        )


# -- End of social utility's radar block. ------------------------------------------------


# -- Social utility's reports (utilite:report…, delegates): for each structure, a draft of
# the last ended year, a submitted report of SUBMITTED_YEAR, and a third member (neither
# the director nor the employee sA) its director allowed to fill the reports in.
SUBMITTED_YEAR = 2023


def _utilite_reports(world):
    draft_year = datetime.date.today().year - 1
    for variant in VARIANTS:
        structure = world.structure[variant]
        world.social_draft[variant] = ReportFactory(
            structure=structure, year=draft_year, status=ReportStatus.BROUILLON
        )
        world.social_submitted[variant] = ReportFactory(
            structure=structure, year=SUBMITTED_YEAR, status=ReportStatus.SOUMIS
        )
        member = MembershipFactory(structure=structure, role=MembershipRole.SALARIE).user
        world.report_delegate[variant] = utilite_services.delegate_grant(
            actor=world.director[variant], structure=structure, user=member
        )


# -- End of social utility's reports block. ----------------------------------------------


# Clauses matching (clauses:offers…, lot_codes, lot_shortlist, structures:activities): lot a
# (54, facilitator 1) and structure A (54) do plastering, lot b (57, facilitator 2) and
# structure B (57) cleaning; both lots are offered (codes given, no attributaire). So the
# director of A sees lot a and not lot b, the director of B lot b and not lot a.
MATCHING_CODES = {"a": "43.31Z", "b": "81.21Z"}


def _clauses_matching(world):
    for variant, code in MATCHING_CODES.items():
        world.activity[variant] = StructureActivity.objects.create(
            structure=world.structure[variant], naf_code=code, is_main=True
        )
        Lot.objects.filter(pk=world.lot[variant].pk).update(
            activity_codes=[code],
            offered_at=timezone.now(),
            attributaire_name="",
            attributaire_siret="",
        )
        world.lot[variant].refresh_from_db()
        # Structure A said « intéressé » for lot a, B for lot b (the API's interests).
        world.interest[variant] = LotInterest.objects.create(
            lot=world.lot[variant],
            structure=world.structure[variant],
            user=world.director[variant],
        )


# -- End of the clauses matching block. ---------------------------------------------------


# Facilitators' partnership agreements (clauses:agreement…, review_minutes…): facilitator 1
# signs agreement a with the buyer of contract a, facilitator 2 agreement b with that of
# contract b, each over 2025 and 2026 with its review of the 2nd quarter of 2025 held and
# minutes attached (through the services, as their facilitator).
AGREEMENT_REVIEW = (2025, 2)


def _agreements(world):
    for variant, role in (("a", "f1"), ("b", "f2")):
        actor, lot = world.users[role], world.lot[variant]
        agreement = agreement_services.agreement_create(
            actor=actor,
            facilitator=lot.facilitator,
            buyers=[world.marche[variant].buyer],
            title=f"Convention de la matrice {variant.upper()}",
            partners="",
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2026, 12, 31),
            hours_objective=1000,
            objectives="",
        )
        year, quarter = AGREEMENT_REVIEW
        review = agreement_services.review_save(
            actor=actor,
            agreement=agreement,
            year=year,
            quarter=quarter,
            held_on=datetime.date(2025, 7, 10),
            attendees="",
            summary="Revue de la matrice.",
            minutes=pdf_upload("compte-rendu.pdf"),
        )
        world.agreement[variant] = agreement
        world.minutes[variant] = review.minutes.get()


# -- End of the partnership agreements' block. ----------------------------------------------


# A buyer's planned purchases (clauses:programme…, purchase_…): facilitator 1 enters purchase
# a of the buyer of contract a for 2025, facilitator 2 purchase b of that of contract b, both
# still planned (through the services, as their facilitator).
PURCHASE_YEAR = 2025


def _purchases(world):
    for variant, role in (("a", "f1"), ("b", "f2")):
        lot = world.lot[variant]
        world.purchase[variant] = programme_services.purchase_create(
            actor=world.users[role],
            data={
                "buyer": world.marche[variant].buyer,
                "year": PURCHASE_YEAR,
                "object": f"Achat de la matrice {variant.upper()}",
                "type": "travaux",
                "activity_codes": ["43.31Z"],
                "estimated_amount_ht": Decimal("150000"),
                "launch_quarter": 3,
                "clause": "condition_execution",
                "facilitator": lot.facilitator,
                "department": world.marche[variant].department,
                "notes": "",
                "labour_share": None,
                "insertion_rate": None,
                "hourly_cost": None,
            },
            hours=250,
        )


# -- End of the planned purchases' block. ---------------------------------------------------


def build_world():
    world = World()
    _structures(world)
    _people(world)
    _aides(world)
    _dla(world)
    _clauses(world)
    _clauses_matching(world)
    _api_clients(world)
    _prepared(world)
    _utilite_radar(world)
    _utilite_reports(world)
    _agreements(world)
    _purchases(world)
    return world
