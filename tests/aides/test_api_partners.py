"""Opinion requests and financing plans through the API (issue 17, part 4): the same scopes
as the dossiers (an applicant never reads opinions), ``updated_since`` counting what
changes them, the deletions feed, a page's cost whatever its size, bad input answered 400."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from aides.enums import FunderKind, FundingStatus, PartnerPosition
from aides.models import (
    AidScheme,
    Dossier,
    FinancingPlan,
    FundingLine,
    OpinionRequest,
    PartnerOpinion,
)
from iae_portal.users.enums import Role
from structures.models import Department, Organisation, OrganisationKind, Region
from tests.api.fixtures import bearer, dossier_for, follow, queries_per_page_size
from tests.structures.factories import StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

REQUESTS, PLANS = "/api/v1/opinion-requests/", "/api/v1/financing-plans/"


def since(instant):
    return instant.isoformat().replace("+", "%2B")


@pytest.fixture
def organisation():
    return Organisation.objects.create(
        name="DREETS Grand Est", kind=OrganisationKind.ETAT, region=Region.objects.get(code="44")
    )


@pytest.fixture
def asker():
    return UserFactory(email="instruction@region.test", role=Role.INSTRUCTEUR)


@pytest.fixture
def partner():
    return UserFactory(email="avis@dreets.test", first_name="Paule", role=Role.PARTENAIRE)


def ask(dossier, partner, asker, organisation=None, due_in=10):
    return OpinionRequest.objects.create(
        dossier=dossier,
        partner=partner,
        organisation=organisation,
        question="Le projet répond-il aux besoins du bassin d'emploi ?",
        due_on=timezone.localdate() + datetime.timedelta(days=due_in),
        requested_by=asker,
    )


def plan_for(dossier, total_cost="100000.00", lines=()):
    plan = FinancingPlan.objects.create(dossier=dossier, total_cost=Decimal(total_cost))
    for position, (funder, amount, status) in enumerate(lines):
        FundingLine.objects.create(
            plan=plan, funder=funder, amount=Decimal(amount), status=status, position=position
        )
    return plan


@pytest.fixture
def two_departments(organisation, partner, asker):
    """A dossier in Meurthe-et-Moselle (54) and one in Moselle (57), each with a plan and an
    opinion request."""
    nancy = StructureFactory(name="Nancy")
    metz = StructureFactory(name="Metz", department=Department.objects.get(code="57"))
    rows = {}
    for code, structure in (("54", nancy), ("57", metz)):
        dossier = dossier_for(structure)
        rows[code] = (dossier, plan_for(dossier), ask(dossier, partner, asker, organisation))
    return rows


def uuids(results):
    return sorted(row["uuid"] for row in results)


def test_a_departement_client_sees_only_its_dossiers_plans_and_opinions(
    make_token, read_api, two_departments
):
    api_54 = bearer(make_token("read", department="54")[1])
    (_, plan_54, request_54), (_, plan_57, request_57) = two_departments.values()
    assert uuids(follow(api_54, PLANS)[0]) == [str(plan_54.uuid)]
    assert uuids(follow(api_54, REQUESTS)[0]) == [str(request_54.uuid)]
    for url in (f"{PLANS}{plan_57.uuid}/", f"{REQUESTS}{request_57.uuid}/"):
        assert api_54.get(url).status_code == 404
    assert follow(api_54, f"{PLANS}?department=57")[0] == []
    everything = uuids(follow(read_api, PLANS)[0])
    assert everything == sorted([str(plan_54.uuid), str(plan_57.uuid)])
    assert len(follow(read_api, REQUESTS)[0]) == 2


def test_the_applicant_reads_its_plan_but_never_an_opinion(make_token, two_departments):
    dossier, plan, request = two_departments["54"]
    PartnerOpinion.objects.create(
        request=request, author=request.partner, position=PartnerPosition.DEFAVORABLE, text="Non."
    )
    applicant = bearer(make_token("read", structure=dossier.structure)[1])
    assert uuids(follow(applicant, PLANS)[0]) == [str(plan.uuid)]
    assert follow(applicant, REQUESTS)[0] == []
    assert applicant.get(f"{REQUESTS}{request.uuid}/").status_code == 404
    # Nor through the deletions feed.
    request_uuid = str(request.uuid)
    request.delete()
    assert request_uuid not in {d["id"] for d in follow(applicant, "/api/v1/deletions/")[0]}


def test_an_opinion_request_shows_the_organisation_and_no_person(read_api, two_departments):
    dossier, _, request = two_departments["54"]
    request.shared_documents.set([])
    opinion = PartnerOpinion.objects.create(
        request=request,
        author=request.partner,
        position=PartnerPosition.FAVORABLE_RESERVES,
        text="Favorable sous réserve de l'accord du Département.",
    )
    body = read_api.get(f"{REQUESTS}{request.uuid}/").json()
    assert body["dossier"] == str(dossier.uuid)
    assert body["dossier_reference"] == dossier.reference
    assert body["structure"] == dossier.structure.siret
    assert (body["organisation"], body["organisation_kind"]) == ("DREETS Grand Est", "etat")
    assert body["state"] == "pending" and body["state_label"] == "En attente"
    assert body["opinions"] == [
        {
            "uuid": str(opinion.uuid),
            "position": "favorable_reserves",
            "position_label": "Favorable avec réserves",
            "text": "Favorable sous réserve de l'accord du Département.",
            "created_at": body["opinions"][0]["created_at"],
            "attachments_count": 0,
        }
    ]
    text = read_api.get(f"{REQUESTS}{request.uuid}/").content.decode()
    for personal in ("avis@dreets.test", "Paule", request.partner.last_name, "instruction@"):
        assert personal not in text


def test_state_filter_follows_the_derived_state(read_api, two_departments, partner, asker):
    dossier, _, waiting = two_departments["54"]
    late = ask(dossier, partner, asker, due_in=-1)
    answered = ask(dossier, partner, asker, due_in=-5)
    OpinionRequest.objects.filter(pk=answered.pk).update(answered_at=timezone.now())
    withdrawn = ask(dossier, partner, asker)
    OpinionRequest.objects.filter(pk=withdrawn.pk).update(
        withdrawn_at=timezone.now(), withdrawn_by=asker
    )
    url = f"{REQUESTS}?dossier={dossier.uuid}&state="
    for state, request in (
        ("pending", waiting),
        ("late", late),
        ("answered", answered),
        ("withdrawn", withdrawn),
    ):
        results = follow(read_api, url + state)[0]
        assert [(r["uuid"], r["state"]) for r in results] == [(str(request.uuid), state)]
    both = follow(read_api, f"{url}late&state=pending")[0]
    assert uuids(both) == sorted([str(waiting.uuid), str(late.uuid)])
    bad = read_api.get(url + "oublie")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "state"


def test_plan_figures_count_granted_and_requested_lines_against_the_cost_and_the_cap(
    read_api, two_departments
):
    dossier, plan, _ = two_departments["54"]
    AidScheme.objects.filter(pk=dossier.campaign.scheme_id).update(public_funding_cap=80)
    Dossier.objects.filter(pk=dossier.pk).update(voted_amount=Decimal("30000.00"))
    for position, (funder, amount, status) in enumerate(
        [
            (FunderKind.ETAT_AIDE_POSTE, "40000.00", FundingStatus.ACCORDE),
            (FunderKind.DEPARTEMENT, "10000.01", FundingStatus.DEMANDE),
            (FunderKind.FSE, "15000.00", FundingStatus.REFUSE),
            (FunderKind.FONDS_PROPRES, "19999.99", FundingStatus.ACCORDE),
        ]
    ):
        FundingLine.objects.create(
            plan=plan, funder=funder, amount=Decimal(amount), status=status, position=position
        )
    body = read_api.get(f"{PLANS}{plan.uuid}/").json()
    assert [(line["funder"], line["public"]) for line in body["lines"]] == [
        ("etat_aide_poste", True),
        ("departement", True),
        ("fse", True),
        ("fonds_propres", False),
    ]
    assert body["lines"][2]["status_label"] == "Refusé"
    assert body["total_cost"] == "100000.00" and body["region_amount"] == "30000.00"
    assert body["other_funding"] == "70000.00" and body["total_funding"] == "100000.00"
    assert body["gap"] == "0.00" and body["balanced"] is True
    # 30,000 + 40,000 + 10,000.01 public: a cent over 80 %.
    assert body["public_funding"] == "80000.01" and body["public_rate"] == "80.00"
    assert body["public_funding_cap"] == "80.00" and body["exceeds_public_cap"] is True
    FundingLine.objects.filter(plan=plan, funder=FunderKind.DEPARTEMENT).update(
        amount=Decimal("10000.00")
    )
    exact = read_api.get(f"{PLANS}{plan.uuid}/").json()
    assert exact["exceeds_public_cap"] is False and exact["gap"] == "0.01"


def test_the_applicant_does_not_read_the_proposed_amount_in_the_plan(
    make_token, read_api, two_departments
):
    dossier, plan, _ = two_departments["54"]
    Dossier.objects.filter(pk=dossier.pk).update(
        requested_amount=Decimal("25000.00"), proposed_amount=Decimal("18000.00")
    )
    staff = read_api.get(f"{PLANS}{plan.uuid}/").json()
    assert staff["region_amount"] == "18000.00" and staff["gap"] == "82000.00"
    applicant = bearer(make_token("read", structure=dossier.structure)[1])
    seen = applicant.get(f"{PLANS}{plan.uuid}/").json()
    computed = Dossier.objects.select_related("computation").get(pk=dossier.pk).computation
    expected = computed.total if computed and computed.total is not None else Decimal("25000")
    assert seen["region_amount"] == f"{expected:.2f}"
    assert "18000" not in applicant.get(f"{PLANS}{plan.uuid}/").content.decode()


def test_updated_since_counts_opinions_given_and_the_plans_lines_and_dossier(
    read_api, two_departments
):
    _, plan, request = two_departments["54"]
    other_dossier, other_plan, other_request = two_departments["57"]
    past = timezone.now() - datetime.timedelta(hours=2)
    OpinionRequest.objects.update(updated_at=past)
    FinancingPlan.objects.update(updated_at=past)
    Dossier.objects.update(updated_at=past)
    mark = since(timezone.now() - datetime.timedelta(hours=1))
    assert follow(read_api, f"{REQUESTS}?updated_since={mark}")[0] == []
    assert follow(read_api, f"{PLANS}?updated_since={mark}")[0] == []
    # An opinion given (even by a service that would not save the request).
    PartnerOpinion.objects.create(
        request=request, author=request.partner, position=PartnerPosition.FAVORABLE, text="Oui."
    )
    changed = follow(read_api, f"{REQUESTS}?updated_since={mark}")[0]
    assert uuids(changed) == [str(request.uuid)]
    assert changed[0]["updated_at"] > past.isoformat()
    # A line added: the services save the plan.
    FundingLine.objects.create(plan=plan, funder=FunderKind.FSE, amount=Decimal("1000.00"))
    plan.save()
    # The dossier's amounts change the region's part.
    Dossier.objects.filter(pk=other_dossier.pk).update(updated_at=timezone.now())
    changed = uuids(follow(read_api, f"{PLANS}?updated_since={mark}")[0])
    assert changed == sorted([str(plan.uuid), str(other_plan.uuid)])
    assert other_request.uuid  # untouched: not listed above


def test_deletions_feed_reports_plans_and_requests_to_their_audience(
    make_token, read_api, two_departments
):
    api_54 = bearer(make_token("read", department="54")[1])
    (dossier_54, plan_54, request_54), (_, plan_57, request_57) = two_departments.values()
    applicant = bearer(make_token("read", structure=dossier_54.structure)[1])
    gone = {
        "financing_plan": {str(plan_54.uuid), str(plan_57.uuid)},
        "opinion_request": {str(request_54.uuid), str(request_57.uuid)},
    }
    for obj in (plan_54, plan_57, request_54, request_57):
        obj.delete()

    def feed(api):
        return {(d["type"], d["id"]) for d in follow(api, "/api/v1/deletions/")[0]}

    assert feed(read_api) == {(kind, uuid) for kind, ids in gone.items() for uuid in ids}
    assert feed(api_54) == {
        ("financing_plan", str(plan_54.uuid)),
        ("opinion_request", str(request_54.uuid)),
    }
    assert feed(applicant) == {("financing_plan", str(plan_54.uuid))}


def test_a_dossier_deleted_takes_its_plan_and_requests_into_the_feed(read_api, two_departments):
    dossier, plan, request = two_departments["54"]
    Dossier.objects.filter(pk=dossier.pk).delete()
    feed = {(d["type"], d["id"]) for d in follow(read_api, "/api/v1/deletions/")[0]}
    assert {("financing_plan", str(plan.uuid)), ("opinion_request", str(request.uuid))} <= feed


@pytest.mark.parametrize("url", [REQUESTS, PLANS])
def test_a_page_costs_the_same_queries_at_5_and_20_rows(
    read_api, url, organisation, partner, asker
):
    for index in range(20):
        dossier = dossier_for(StructureFactory())
        plan_for(
            dossier,
            lines=[
                (FunderKind.ETAT_AIDE_POSTE, "20000.00", FundingStatus.ACCORDE),
                (FunderKind.FONDS_PROPRES, "5000.00", FundingStatus.ACCORDE),
            ],
        )
        request = ask(dossier, partner, asker, organisation if index % 2 else None)
        request.shared_documents.set(dossier.documents.all())
        PartnerOpinion.objects.create(
            request=request, author=partner, position=PartnerPosition.FAVORABLE, text="Oui."
        )
    read_api.get(url)  # the client's first use is recorded once
    small, large = queries_per_page_size(read_api, url, sizes=(5, 20))
    assert small == large
    assert len(read_api.get(f"{url}?page_size=20").json()["results"]) == 20


@pytest.mark.parametrize("url", [REQUESTS, PLANS])
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("updated_since=hier", "updated_since"),
        ("updated_since=%00", "updated_since"),
        ("updated_since=2026-01-01T00:00:00%2B23:59", None),
        ("cursor=" + "A" * 5000, "cursor"),
        ("cursor=WyJuIixbIjEiXV0", "cursor"),
        ("page_size=99999999999999999999", "page_size"),
        ("dossier=pas-un-uuid", "dossier"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(read_api, two_departments, url, query, field):
    response = read_api.get(f"{url}?{query}")
    if field is None:  # a far offset is valid ISO 8601: read in UTC, not a 500
        assert response.status_code == 200
        return
    assert response.status_code == 400, response.content
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_detail_has_an_etag(read_api, two_departments):
    _, plan, request = two_departments["54"]
    for url in (f"{PLANS}{plan.uuid}/", f"{REQUESTS}{request.uuid}/"):
        first = read_api.get(url)
        again = read_api.get(url, HTTP_IF_NONE_MATCH=first.headers["ETag"])
        assert again.status_code == 304
