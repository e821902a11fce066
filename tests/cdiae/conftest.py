"""A small world for the CDIAE report of Moselle (57) in 2026: structures of every fate, a
campaign with dossiers at several stages, a financing plan, partners' opinions, a DLA
prestation and a contract with clause hours; the same kinds of things in Meurthe-et-Moselle
(54) and Paris (75), which the report of the 57 must leave out."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from aides.enums import DossierState as S
from aides.models import (
    AidScheme,
    Dossier,
    FinancingPlan,
    FundingLine,
    Instalment,
    OpinionRequest,
    PartnerOpinion,
)
from iae_portal.users.enums import Role
from structures.models import Department, Organisation, OrganisationMembership
from tests.aides.factories import CampaignFactory
from tests.clauses.factories import HoursReportFactory, LotFactory, MarcheFactory
from tests.dla.factories import AccompanimentFactory, PrestationFactory, dla_of
from tests.structures.factories import (
    ConventionFactory,
    FiguresFactory,
    StructureFactory,
    UserFactory,
)

YEAR = 2026
D = datetime.date


@dataclass
class World:
    structures: dict = field(default_factory=dict)
    dossiers: dict = field(default_factory=dict)
    campaign: object = None
    older_campaign: object = None
    organisation: object = None


def _in(code, **fields):
    return StructureFactory(department=Department.objects.get(code=code), **fields)


def _dossier(reference, structure, campaign, state, author, **amounts):
    return Dossier.objects.create(
        reference=reference,
        structure=structure,
        campaign=campaign,
        state=state,
        created_by=author,
        **amounts,
    )


@pytest.fixture
def world(db):
    w = World()
    author = UserFactory(email="auteur.cdiae@example.org", role=Role.INSTRUCTEUR)
    s = w.structures
    # Moselle: an ACI conventioned for years, an EI whose first convention starts in 2026,
    # an AI whose convention ended in June 2026, an ETTI without anything, a GEIQ.
    s["aci"] = _in("57", name="Chantier de Metz", kind="ACI")
    ConventionFactory(structure=s["aci"], start_date=D(2024, 1, 1), end_date=D(2027, 12, 31))
    FiguresFactory(
        structure=s["aci"],
        year=YEAR,
        insertion_headcount=40,
        insertion_etp=Decimal("25.50"),
        permanent_headcount=6,
        permanent_etp=Decimal("5.25"),
    )
    FiguresFactory(structure=s["aci"], year=YEAR - 1, insertion_headcount=99)
    s["ei"] = _in("57", name="Entreprise de Thionville", kind="EI", legal_form="sas")
    ConventionFactory(
        structure=s["ei"], kind="EI", start_date=D(YEAR, 3, 1), end_date=D(2028, 2, 28)
    )
    FiguresFactory(
        structure=s["ei"],
        year=YEAR,
        insertion_headcount=12,
        insertion_etp=Decimal("10.00"),
        permanent_headcount=3,
        permanent_etp=Decimal("2.50"),
    )
    s["ai"] = _in("57", name="Association de Forbach", kind="AI")
    ConventionFactory(
        structure=s["ai"], kind="AI", start_date=D(2023, 1, 1), end_date=D(YEAR, 6, 30)
    )
    s["etti"] = _in("57", name="Intérim de Sarreguemines", kind="ETTI")
    s["partner"] = _in("57", name="Association partenaire", kind="ASSOCIATION")  # not an SIAE
    # Elsewhere: Meurthe-et-Moselle (same region) and Paris.
    s["aci54"] = _in("54", name="Chantier de Nancy", kind="ACI")
    ConventionFactory(structure=s["aci54"], start_date=D(2024, 1, 1), end_date=None)
    s["aci75"] = _in("75", name="Chantier de Paris", kind="ACI")

    # Aid: a campaign opened in 2026, another in 2025.
    scheme = AidScheme.objects.get(code="ca-equipes-insertion")
    w.campaign = CampaignFactory(
        scheme=scheme, name="Équipes 2026", opens_on=D(YEAR, 1, 10), closes_on=D(YEAR, 3, 31)
    )
    w.older_campaign = CampaignFactory(
        scheme=scheme,
        name="Équipes 2025",
        opens_on=D(YEAR - 1, 1, 10),
        closes_on=D(YEAR - 1, 3, 31),
    )
    d = w.dossiers
    d["voted"] = _dossier(
        "CDIAE-1",
        s["aci"],
        w.campaign,
        S.EN_PAIEMENT,
        author,
        requested_amount=Decimal("50000.00"),
        proposed_amount=Decimal("45000.00"),
        voted_amount=Decimal("40000.00"),
    )
    Instalment.objects.create(
        dossier=d["voted"],
        year=YEAR,
        amount=Decimal("20000.00"),
        paid_on=D(YEAR, 9, 1),
        payment_reference="MANDAT-1",
    )
    Instalment.objects.create(dossier=d["voted"], year=YEAR + 1, amount=Decimal("20000.00"))
    d["filed"] = _dossier(
        "CDIAE-2", s["ei"], w.campaign, S.DEPOSE, author, requested_amount=Decimal("30000.00")
    )
    d["second"] = _dossier(
        "CDIAE-3", s["ei"], w.campaign, S.REFUSE, author, requested_amount=Decimal("1000.00")
    )
    d["withdrawn"] = _dossier(
        "CDIAE-4", s["ai"], w.campaign, S.RETIRE, author, requested_amount=Decimal("7000.00")
    )
    d["draft"] = _dossier(
        "CDIAE-5", s["etti"], w.campaign, S.BROUILLON, author, requested_amount=Decimal("9.00")
    )
    d["older"] = _dossier(
        "CDIAE-6",
        s["ai"],
        w.older_campaign,
        S.SOLDE,
        author,
        requested_amount=Decimal("8000.00"),
        voted_amount=Decimal("8000.00"),
    )
    d["nancy"] = _dossier(
        "CDIAE-7",
        s["aci54"],
        w.campaign,
        S.VOTE,
        author,
        requested_amount=Decimal("10000.00"),
        voted_amount=Decimal("10000.00"),
    )
    d["paris"] = _dossier(
        "CDIAE-8",
        s["aci75"],
        w.campaign,
        S.VOTE,
        author,
        requested_amount=Decimal("70000.00"),
        voted_amount=Decimal("70000.00"),
    )

    # A financing plan on the voted dossier, another on the one in Nancy.
    plan = FinancingPlan.objects.create(dossier=d["voted"], total_cost=Decimal("100000.00"))
    for funder, amount, status in [
        ("etat_aide_poste", "30000.00", "accorde"),
        ("departement", "20000.00", "demande"),
        ("fondation", "5000.00", "refuse"),
        ("fonds_propres", "5000.00", "accorde"),
    ]:
        FundingLine.objects.create(plan=plan, funder=funder, amount=Decimal(amount), status=status)
    other = FinancingPlan.objects.create(dossier=d["nancy"], total_cost=Decimal("20000.00"))
    FundingLine.objects.create(
        plan=other, funder="departement", amount=Decimal("10000.00"), status="accorde"
    )

    # Opinions: the DDETS of Moselle, asked twice, answered once (then changed its mind).
    w.organisation = Organisation.objects.create(
        name="DDETS de la Moselle", kind="etat", region_id="44", department_id="57"
    )
    partner = UserFactory(email="partenaire.cdiae@example.org", role=Role.PARTENAIRE)
    OrganisationMembership.objects.create(organisation=w.organisation, user=partner)
    asked = OpinionRequest.objects.create(
        dossier=d["voted"],
        partner=partner,
        organisation=w.organisation,
        question="Votre avis ?",
        due_on=D(YEAR, 4, 1),
        requested_by=author,
        created_at=datetime.datetime(YEAR, 3, 1, 12, tzinfo=datetime.UTC),
    )
    PartnerOpinion.objects.create(
        request=asked,
        author=partner,
        position="favorable_reserves",
        text="Sous réserve.",
        created_at=datetime.datetime(YEAR, 3, 10, 12, tzinfo=datetime.UTC),
    )
    PartnerOpinion.objects.create(
        request=asked,
        author=partner,
        position="favorable",
        text="Réserve levée.",
        created_at=datetime.datetime(YEAR, 3, 20, 12, tzinfo=datetime.UTC),
    )
    OpinionRequest.objects.create(
        dossier=d["filed"],
        partner=partner,
        organisation=w.organisation,
        question="Et celui-ci ?",
        due_on=D(YEAR, 5, 1),
        requested_by=author,
        created_at=datetime.datetime(YEAR, 4, 1, 12, tzinfo=datetime.UTC),
    )

    # DLA: a prestation of the DLA of the 57 for the ACI, one of the 54's.
    PrestationFactory(
        accompaniment=AccompanimentFactory(dla=dla_of("57")),
        start_date=D(YEAR, 2, 1),
        end_date=D(YEAR, 5, 1),
        beneficiaries=[s["aci"]],
    )
    PrestationFactory(
        accompaniment=AccompanimentFactory(dla=dla_of("54")),
        start_date=D(YEAR, 2, 1),
        end_date=D(YEAR, 5, 1),
        mode="collective",
        beneficiaries=[s["aci54"]],
    )

    # Clauses: a contract executed in the 57 with hours, one in the 54.
    lot57 = LotFactory(
        marche=MarcheFactory(notification_date=D(YEAR, 2, 1), department_id="57"),
        hours_required=300,
        facilitator=None,
    )
    HoursReportFactory(
        lot=lot57, period=D(YEAR, 4, 1), hours=120, siae=s["aci"], modality="mise_a_disposition"
    )
    HoursReportFactory(lot=lot57, period=D(YEAR, 5, 1), hours=Decimal("7.5"))
    lot54 = LotFactory(
        marche=MarcheFactory(notification_date=D(YEAR, 2, 1), department_id="54"),
        hours_required=500,
        facilitator=None,
    )
    HoursReportFactory(lot=lot54, period=D(YEAR, 4, 1), hours=200)
    return w
