"""The staff pages: instruction queue (filters, sorts, bulk actions, exports) and campaigns.

Dossiers are made through the real services (create, fill, attach, submit, instruct...).
"""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aides import services
from aides.enums import DossierState as S
from aides.filters import QueueFilter
from aides.models import AidScheme, Campaign, Dossier
from iae_portal.audit.models import AuditEntry
from iae_portal.users.enums import Role
from structures.models import Department, Region
from tests.aides.dossier_paths import submitted_dossier
from tests.aides.factories import CampaignFactory, CommissionFactory, move
from tests.structures.factories import MembershipFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("aides:queue")


@pytest.fixture(autouse=True)
def _files_in_memory(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.fixture
def campaign():
    return CampaignFactory(name="Équipes d'insertion 2026", budget_envelope=Decimal("300000"))


@pytest.fixture
def commission(campaign):
    return CommissionFactory(campaign=campaign, date=datetime.date(2026, 6, 15))


def submitted_dossiers(count, *, campaign, structure=None, amounts=(), **structure_fields):
    """``count`` dossiers taken to « déposé » through the services, each of a new structure
    (``structure_fields`` for the factory) or all of ``structure``; ``amounts`` gives the
    requested amounts in turn (the computed one otherwise)."""
    director = MembershipFactory(structure=structure).user if structure else None
    dossiers = []
    for index in range(count):
        target = structure or StructureFactory(**structure_fields)
        actor = director or MembershipFactory(structure=target).user
        dossier = submitted_dossier(
            director=actor,
            structure=target,
            campaign=campaign,
            requested_amount=amounts[index % len(amounts)] if amounts else None,
        )
        dossiers.append(dossier)
    return dossiers


def instruct(dossier, actor):
    move(dossier, actor, "start_instruction")
    return move(dossier, actor, "instruct", opinion="favorable")


def references(response):
    return [dossier.reference for dossier in response.context["page"].object_list]


def post(client, url, data):
    """POST, follow the redirect back to the queue; the response and its messages."""
    response = client.post(url, data, follow=True)
    return response, [str(message) for message in response.context["messages"]]


# -- The queue page ----------------------------------------------------------------------


def queue_queries(client, rows, **params):
    cache.clear()  # its option lists read as by a process's first request (iae_portal.options)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE, {"per_page": rows, **params})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == rows
    return len(queries)


def test_queue_query_count_is_the_same_at_25_and_100_rows(
    client, campaign, commission, instructeur, chef_service
):
    dossiers = submitted_dossiers(101, campaign=campaign)
    services.dossiers_assign(actor=chef_service, dossiers=dossiers[::2], instructor=instructeur)
    for dossier in dossiers[:10]:
        dossier.refresh_from_db()
        instruct(dossier, instructeur)
    client.force_login(chef_service)
    plain = queue_queries(client, 25)
    assert plain == queue_queries(client, 100)
    # Filtered on the campaign, the vote form (its commissions) is on the page too.
    filtered = queue_queries(client, 25, campaign=campaign.uuid, sort="-requested")
    assert filtered == queue_queries(client, 100, campaign=campaign.uuid, sort="-requested")
    assert plain <= 12 and filtered <= 13, (plain, filtered)


def test_queue_lists_submitted_dossiers_not_drafts(
    client, campaign, instructeur, director_a, structure_a
):
    draft = services.dossier_create(actor=director_a, structure=structure_a, campaign=campaign)
    (submitted,) = submitted_dossiers(1, campaign=campaign, name="Recyclerie du Saulnois")
    client.force_login(instructeur)
    response = client.get(QUEUE)
    assert references(response) == [submitted.reference]
    assert draft.reference not in response.content.decode()
    page = response.content.decode()
    for text in (
        "Recyclerie du Saulnois",
        "Déposé",
        "106\xa0650,00",
        "Équipes d&#x27;insertion 2026",
    ):
        assert text in page
    assert f'value="{submitted.uuid}:{submitted.version}"' in page


def test_queue_and_export_never_list_drafts_whatever_the_states_asked(
    client, campaign, instructeur, director_a, structure_a
):
    """The queue's filter restricts the states itself: the closed ones asked for, or the
    drafts' state typed in the address, still leave drafts out (page and export)."""
    draft = services.dossier_create(actor=director_a, structure=structure_a, campaign=campaign)
    (submitted,) = submitted_dossiers(1, campaign=campaign)
    client.force_login(instructeur)
    export = reverse("aides:queue_export", args=["csv"])
    for query in ({"closed": "on"}, {"closed": "on", "sort": "-updated"}):
        assert references(client.get(QUEUE, query)) == [submitted.reference]
        rows = client.get(export, query).content.decode("utf-8-sig")
        assert submitted.reference in rows and draft.reference not in rows
    # Built without a query, the filter still keeps the open dossiers only.
    unbound = QueueFilter(None, queryset=Dossier.objects.all(), user=instructeur)
    assert list(unbound.qs) == [submitted]
    # An invalid filter is left out (the others apply) and said so.
    asked = client.get(QUEUE, {"state": ["brouillon", "depose"], "closed": "on"})
    assert asked.status_code == 200
    assert references(asked) == [submitted.reference]
    assert "Certains filtres sont invalides" in asked.content.decode()
    assert draft.reference not in client.get(export, {"state": "brouillon"}).content.decode(
        "utf-8-sig"
    )


def test_queue_filters(client, campaign, instructeur, chef_service):
    other_campaign = CampaignFactory(name="Deuxième appel")
    arsie = CampaignFactory(scheme=AidScheme.objects.get(code="idf-arsie"), name="ARSIE")
    in_54 = submitted_dossiers(2, campaign=campaign)
    ei_57 = submitted_dossiers(
        1, campaign=campaign, kind="EI", department=Department.objects.get(code="57")
    )[0]
    second = submitted_dossiers(1, campaign=other_campaign)[0]
    arsie_dossier = submitted_dossiers(1, campaign=arsie)[0]
    services.dossiers_assign(actor=chef_service, dossiers=[in_54[0]], instructor=instructeur)
    in_54[0].refresh_from_db()
    instruct(in_54[1], instructeur)
    client.force_login(instructeur)

    def refs(**params):
        return set(references(client.get(QUEUE, params)))

    everything = {d.reference for d in [*in_54, ei_57, second, arsie_dossier]}
    assert refs() == everything
    assert refs(scheme="idf-arsie") == {arsie_dossier.reference}
    assert refs(scheme="ca-equipes-insertion") == everything - {arsie_dossier.reference}
    assert refs(campaign=other_campaign.uuid) == {second.reference}
    assert refs(state="instruit") == {in_54[1].reference}
    assert refs(state=["instruit", "depose"]) == everything
    assert refs(department="57") == {ei_57.reference}
    assert refs(kind="EI") == {ei_57.reference}
    assert refs(instructor=instructeur.email) == {in_54[0].reference}
    assert refs(instructor="aucun") == everything - {in_54[0].reference}
    refused = client.get(QUEUE, {"instructor": "personne@example.org"})
    assert "personne@example.org n’en fait pas partie" in str(
        refused.context["filter"].form.errors["instructor"]
    )
    assert refs(q=in_54[0].structure.name) == {in_54[0].reference}
    assert refs(q=ei_57.reference) == {ei_57.reference}


def test_queue_several_states_and_kinds_list_each_dossier_once(client, campaign, instructeur):
    aci = submitted_dossiers(2, campaign=campaign)
    (ei,) = submitted_dossiers(1, campaign=campaign, kind="EI", legal_form="sas")
    instruct(aci[0], instructeur)
    client.force_login(instructeur)
    params = {"state": ["instruit", "depose"], "kind": ["ACI", "EI"], "sort": "reference"}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE, params)
    assert references(response) == sorted(d.reference for d in [*aci, ei])
    # Both columns are the dossier's or its structure's: no DISTINCT, which costs seconds
    # over every selected column of a large queue.
    assert not any("DISTINCT" in q["sql"] and "aides_dossier" in q["sql"] for q in queries)


def test_queue_amount_range_on_the_requested_amount(client, campaign, instructeur):
    small, middle, large = submitted_dossiers(
        3, campaign=campaign, amounts=[Decimal("5000"), Decimal("20000"), Decimal("80000")]
    )
    client.force_login(instructeur)

    def refs(**params):
        return set(references(client.get(QUEUE, params)))

    assert refs(requested_min="20000") == {middle.reference, large.reference}
    assert refs(requested_max="20000") == {small.reference, middle.reference}
    assert refs(requested_min="10000", requested_max="50000") == {middle.reference}
    assert refs(requested_min="-5") == {small.reference, middle.reference, large.reference}


def test_queue_sorting_and_pagination(client, campaign, instructeur):
    amounts = [Decimal("30000"), Decimal("10000"), Decimal("20000")]
    dossiers = submitted_dossiers(3, campaign=campaign, amounts=amounts)
    first, second, third = dossiers
    Dossier.objects.filter(pk=first.pk).update(structure=StructureFactory(name="Zèbre"))
    Dossier.objects.filter(pk=third.pk).update(structure=StructureFactory(name="Abeille"))
    instruct(second, instructeur)
    client.force_login(instructeur)

    def order(sort):
        return references(client.get(QUEUE, {"sort": sort}))

    assert order("submitted") == [first.reference, second.reference, third.reference]
    assert order("-submitted") == [third.reference, second.reference, first.reference]
    assert order("reference") == sorted(d.reference for d in dossiers)
    assert order("-reference") == sorted((d.reference for d in dossiers), reverse=True)
    assert order("requested") == [second.reference, third.reference, first.reference]
    assert order("-requested") == [first.reference, third.reference, second.reference]
    assert order("structure")[0] == third.reference and order("structure")[-1] == first.reference
    assert order("state")[-1] == second.reference  # « instruit » comes after « déposé »
    assert order("-updated")[0] == second.reference
    submitted_dossiers(25, campaign=campaign)
    response = client.get(QUEUE, {"page": 2})
    assert response.context["page"].number == 2 and len(references(response)) == 3
    assert len(references(client.get(QUEUE, {"per_page": 50}))) == 28
    # The count comes with the page's rows; a page past the last, below 1 or not a number
    # is answered as Django's paginator does.
    for asked, shown in ((9, 2), (0, 2), (-1, 2), (10**30, 2), ("x", 1), ("", 1), (2, 2)):
        page = client.get(QUEUE, {"page": asked}).context["page"]
        assert (page.number, page.paginator.count, page.paginator.num_pages) == (shown, 28, 2)
    empty = client.get(QUEUE, {"q": "aucune structure de ce nom"}).context["page"]
    assert (empty.number, empty.paginator.count, list(empty.object_list)) == (1, 0, [])


def test_queue_is_for_regional_staff_and_admins(
    client, campaign, director_a, instructeur, lecteur, admin_user
):
    (dossier,) = submitted_dossiers(1, campaign=campaign)
    for url in (QUEUE, reverse("aides:queue_export", args=["csv"])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    for user in (director_a, UserFactory(role=Role.DLA), UserFactory(role=Role.FACILITATEUR)):
        client.force_login(user)
        assert client.get(QUEUE).status_code == 403
        assert client.get(reverse("aides:queue_export", args=["xlsx"])).status_code == 403
        assert client.get(reverse("aides:campaign_list")).status_code == 403
        assert client.get(campaign.get_absolute_url()).status_code == 403
    elsewhere = UserFactory(role=Role.INSTRUCTEUR, region=Region.objects.get(code="11"))
    client.force_login(elsewhere)
    response = client.get(QUEUE)
    assert response.status_code == 200 and references(response) == []
    assert dossier.reference not in response.content.decode()
    export = client.get(reverse("aides:queue_export", args=["csv"]))
    assert dossier.reference not in export.content.decode("utf-8-sig")
    assert client.get(campaign.get_absolute_url()).context["figures"]["total"] == 0
    for user in (admin_user, lecteur):
        client.force_login(user)
        assert references(client.get(QUEUE)) == [dossier.reference]
    # The read-only level sees the queue without bulk actions.
    response = client.get(QUEUE, {"campaign": campaign.uuid})
    assert response.context["assign_form"] is None and response.context["vote_form"] is None
    assert 'name="dossier"' not in response.content.decode()


def test_nav_shows_dossiers_to_staff_only(client, instructeur, director_a):
    client.force_login(instructeur)
    assert f'href="{QUEUE}"' in client.get(reverse("home")).content.decode()
    client.force_login(director_a)
    assert f'href="{QUEUE}"' not in client.get(reverse("home")).content.decode()


# -- Bulk actions ------------------------------------------------------------------------


def ticked(*dossiers):
    return [f"{d.uuid}:{d.version}" for d in dossiers]


def test_bulk_assign_writes_an_audit_entry_per_dossier(
    client, campaign, instructeur, chef_service, lecteur
):
    first, second, third = submitted_dossiers(3, campaign=campaign)
    client.force_login(instructeur)
    page = client.get(QUEUE).content.decode()
    assert 'name="action" value="assign"' in page and chef_service.email in page
    assert page.count('id="id_instructor"') == page.count('id="id_bulk_instructor"') == 1
    response, messages = post(
        client,
        f"{QUEUE}?sort=reference",
        {"action": "assign", "instructor": chef_service.email, "dossier": ticked(first, second)},
    )
    assert response.redirect_chain == [(f"{QUEUE}?sort=reference", 302)]
    assert messages == [f"2 dossiers assignés à {chef_service}."]
    assert set(Dossier.objects.filter(instructor=chef_service)) == {first, second}
    entries = AuditEntry.objects.filter(action="dossier.assign")
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(
        [str(first.uuid), str(second.uuid)]
    )
    assert {e.actor_id for e in entries} == {instructeur.pk}
    assert entries.first().changes == {"instructor": [None, str(chef_service)]}
    # Someone outside the region, or nobody ticked: refused in French, nothing changes.
    outsider = UserFactory(role=Role.INSTRUCTEUR, region=Region.objects.get(code="11"))
    _, messages = post(
        client, QUEUE, {"action": "assign", "instructor": outsider.email, "dossier": ticked(third)}
    )
    assert messages == ["Cette personne ne peut pas instruire les dossiers de votre région."]
    _, messages = post(client, QUEUE, {"action": "assign", "instructor": chef_service.email})
    assert messages == ["Cochez au moins un dossier."]
    assert Dossier.objects.get(pk=third.pk).instructor is None
    client.force_login(lecteur)
    response = client.post(
        QUEUE, {"action": "assign", "instructor": chef_service.email, "dossier": ticked(third)}
    )
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="dossier.assign").count() == 2


def test_bulk_vote_reports_each_failure_in_french(
    client, campaign, commission, instructeur, chef_service
):
    ready, also_ready, stale, early = submitted_dossiers(4, campaign=campaign)
    for dossier in (ready, also_ready, stale):
        instruct(dossier, instructeur)
    seen = ticked(stale)  # the chef loaded the page, then the instructor reopened it
    move(stale, instructeur, "reopen", comment="Pièce à revoir.")
    client.force_login(chef_service)
    page = client.get(QUEUE, {"campaign": campaign.uuid})
    assert page.context["vote_form"] is not None
    assert 'value="2026-06-15"' in page.content.decode()
    response, messages = post(
        client,
        f"{QUEUE}?campaign={campaign.uuid}",
        {
            "action": "vote",
            "commission": "2026-06-15",
            "deliberation_number": "CP-2026-118",
            "dossier": [*ticked(ready, also_ready, early), *seen],
        },
    )
    assert response.redirect_chain == [(f"{QUEUE}?campaign={campaign.uuid}", 302)]
    assert messages[0] == (
        "Vote enregistré pour 2 dossiers (Commission du 15/06/2026, délibération CP-2026-118)."
    )
    assert (
        f"Dossier {early.reference} non voté : « Enregistrer le vote de la commission » "
        "n'est pas possible quand le dossier est « Déposé »."
    ) in messages
    assert any(
        m.startswith(f"Dossier {stale.reference} non voté : Ce dossier a été modifié")
        for m in messages
    )
    states = dict(Dossier.objects.values_list("reference", "state"))
    assert states[ready.reference] == states[also_ready.reference] == S.VOTE
    assert states[early.reference] == S.DEPOSE and states[stale.reference] == S.EN_INSTRUCTION
    voted = Dossier.objects.get(pk=ready.pk)
    assert voted.commission == commission and voted.deliberation_number == "CP-2026-118"
    assert voted.voted_amount == voted.proposed_amount == Decimal("106650.00")


def test_bulk_vote_needs_the_filtered_campaigns_commission(
    client, campaign, commission, instructeur, chef_service
):
    (ready,) = submitted_dossiers(1, campaign=campaign)
    instruct(ready, instructeur)
    other = CommissionFactory(date=datetime.date(2026, 7, 1))  # of another campaign
    client.force_login(chef_service)
    assert client.get(QUEUE).context["vote_form"] is None  # no campaign filtered
    data = {"action": "vote", "deliberation_number": "CP-1", "dossier": ticked(ready)}
    _, messages = post(client, QUEUE, {**data, "commission": "2026-06-15"})
    assert messages == [
        "Choisissez une commission de l'appel à candidatures filtré qui s'est déjà tenue."
    ]
    url = f"{QUEUE}?campaign={campaign.uuid}"
    _, messages = post(client, url, {**data, "commission": f"{other.date}"})
    assert messages == [
        "Choisissez une commission de l'appel à candidatures filtré qui s'est déjà tenue."
    ]
    _, messages = post(client, url, {**data, "commission": "2026-06-15", "dossier": "x"})
    assert messages == ["La sélection de dossiers est invalide : rechargez la page."]
    assert Dossier.objects.get(pk=ready.pk).state == S.INSTRUIT


def test_an_instructor_cannot_vote(client, campaign, commission, instructeur):
    (ready,) = submitted_dossiers(1, campaign=campaign)
    instruct(ready, instructeur)
    client.force_login(instructeur)
    response = client.get(QUEUE, {"campaign": campaign.uuid})
    assert response.context["vote_form"] is None
    assert 'name="action" value="vote"' not in response.content.decode()
    response = client.post(
        f"{QUEUE}?campaign={campaign.uuid}",
        {
            "action": "vote",
            "commission": "2026-06-15",
            "deliberation_number": "CP-1",
            "dossier": ticked(ready),
        },
    )
    assert response.status_code == 403
    assert Dossier.objects.get(pk=ready.pk).state == S.INSTRUIT
    assert client.post(QUEUE, {"action": "supprimer"}).status_code == 400


# -- Exports -----------------------------------------------------------------------------


HEADERS = [
    "Référence",
    "Intitulé du projet",
    "Structure",
    "SIRET",
    "Type de structure",
    "Département",
    "Dispositif",
    "Appel à candidatures",
    "État",
    "Instructeur",
    "Montant demandé (€)",
    "Montant proposé (€)",
    "Montant voté (€)",
    "Déposé le",
    "Modifié le",
]


@pytest.fixture
def exported(campaign, instructeur, chef_service):
    """Four dossiers, one instructed and assigned, one whose structure name looks like a
    spreadsheet formula; three match ``FILTER``."""
    dossiers = submitted_dossiers(
        3, campaign=campaign, amounts=[Decimal("12000.50"), Decimal("40000"), Decimal("90000")]
    )
    dossiers += submitted_dossiers(1, campaign=campaign, name='=HYPERLINK("x")', kind="EI")
    services.dossiers_assign(actor=chef_service, dossiers=[dossiers[1]], instructor=instructeur)
    dossiers[1].refresh_from_db()
    instruct(dossiers[1], instructeur)
    return dossiers


FILTER = {"requested_min": "10000", "sort": "-requested"}


def test_csv_export_has_the_filtered_queue(client, exported, instructeur):
    client.force_login(instructeur)
    expected = references(client.get(QUEUE, {**FILTER, "per_page": 100}))
    assert len(expected) == 4
    response = client.get(reverse("aides:queue_export", args=["csv"]), FILTER)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="file-instruction-')
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == HEADERS
    assert [row[0] for row in table[1:]] == expected
    rows = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in table[1:]}
    instructed = rows[exported[1].reference]
    assert instructed["Montant demandé (€)"] == "40000,00"
    assert instructed["Montant proposé (€)"] == "106650,00"
    assert instructed["Montant voté (€)"] == ""
    assert instructed["État"] == "Instruit" and instructed["Instructeur"] == str(instructeur)
    assert instructed["Département"] == "54" and instructed["Type de structure"] == "ACI"
    submitted = exported[1].submitted_at.astimezone(datetime.UTC)
    assert datetime.date.fromisoformat(instructed["Déposé le"]) - submitted.date() in (
        datetime.timedelta(0),
        datetime.timedelta(days=1),
    )
    assert rows[exported[0].reference]["Montant demandé (€)"] == "12000,50"
    assert rows[exported[0].reference]["Instructeur"] == ""
    assert rows[exported[3].reference]["Structure"] == '\'=HYPERLINK("x")'


def test_xlsx_export_has_the_filtered_queue(client, exported, instructeur):
    client.force_login(instructeur)
    expected = references(client.get(QUEUE, {**FILTER, "per_page": 100}))
    response = client.get(reverse("aides:queue_export", args=["xlsx"]), FILTER)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == HEADERS
    assert [row[0] for row in table[1:]] == expected
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    instructed = cells[exported[1].reference]
    amount, proposed, voted, submitted = (instructed[i] for i in (10, 11, 12, 13))
    assert amount.value == 40000 and amount.number_format == "#,##0.00"
    assert proposed.value == Decimal("106650") and voted.value is None
    assert (
        isinstance(submitted.value, datetime.datetime) and submitted.number_format == "yyyy-mm-dd"
    )
    formula_like = cells[exported[3].reference][2]
    # Neutralised as in the CSV (iae_portal.exports), and typed as text.
    assert formula_like.value == '\'=HYPERLINK("x")' and formula_like.data_type == "s"


def test_export_query_count_does_not_grow(client, campaign, instructeur):
    def export_queries():
        with CaptureQueriesContext(connection) as queries:
            for fmt in ("csv", "xlsx"):
                assert client.get(reverse("aides:queue_export", args=[fmt])).status_code == 200
        return len(queries)

    submitted_dossiers(3, campaign=campaign)
    client.force_login(instructeur)
    few = export_queries()
    submitted_dossiers(30, campaign=campaign)
    assert export_queries() == few


def test_unknown_export_format_is_not_found(client, instructeur):
    client.force_login(instructeur)
    assert client.get("/aides/instruction/export.pdf").status_code == 404


# -- Campaigns ---------------------------------------------------------------------------


def pay_first_instalment(dossier, instructeur, chef_service, commission):
    instruct(dossier, instructeur)
    move(dossier, chef_service, "vote", commission=commission, deliberation_number="CP-9")
    move(dossier, instructeur, "notify")
    instalment = dossier.instalments.order_by("year").first()
    services.instalment_pay(
        actor=instructeur, instalment=instalment, paid_on=datetime.date(2026, 9, 1), reference="M"
    )
    return instalment


def test_dashboard_figures(
    client, campaign, commission, instructeur, chef_service, director_a, structure_a
):
    services.dossier_create(actor=director_a, structure=structure_a, campaign=campaign)
    paid, voted, instructed, _submitted, withdrawn = submitted_dossiers(
        5, campaign=campaign, amounts=[Decimal("50000")]
    )
    instalment = pay_first_instalment(paid, instructeur, chef_service, commission)
    instruct(voted, instructeur)
    move(voted, chef_service, "vote", commission=commission, deliberation_number="CP-9")
    instruct(instructed, instructeur)
    director = withdrawn.structure.memberships.get().user
    move(withdrawn, director, "withdraw")
    CampaignFactory()  # another campaign's dossiers do not count
    client.force_login(instructeur)
    response = client.get(campaign.get_absolute_url())
    figures = response.context["figures"]
    counts = {code: count for code, _, count in figures["states"]}
    assert list(counts) == list(S.values)
    assert counts == {
        **dict.fromkeys(S.values, 0),
        "brouillon": 1,
        "depose": 1,
        "instruit": 1,
        "vote": 1,
        "en_paiement": 1,
        "retire": 1,
    }
    assert figures["total"] == 6
    amounts = figures["amounts"]
    assert amounts["requested"] == Decimal("200000.00")  # neither the draft nor the withdrawn
    assert amounts["proposed"] == 3 * Decimal("106650.00")
    assert amounts["voted"] == 2 * Decimal("106650.00")
    assert amounts["paid"] == instalment.amount == Decimal("55900.00")
    assert figures["envelope"] == Decimal("300000")
    assert figures["remaining"] == Decimal("300000") - 2 * Decimal("106650.00")
    assert figures["to_pay"] == 2 * Decimal("106650.00") - Decimal("55900.00")
    assert figures["used_percent"] == Decimal("71.1")
    page = response.content.decode()
    assert "86\xa0700,00" in page and "55\xa0900,00" in page  # remaining envelope, paid
    assert "Commission du 15/06/2026" in page
    assert f"{QUEUE}?campaign={campaign.uuid}" in page
    assert page.count('class="bar"') == len(S.values) + 4 and 'fill="#6b7785"' in page
    assert 'width="' in page and "," not in page.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_dashboard_query_count_does_not_grow(
    client, campaign, commission, instructeur, chef_service
):
    def dashboard_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(campaign.get_absolute_url()).status_code == 200
        return len(queries)

    first = submitted_dossiers(2, campaign=campaign)
    pay_first_instalment(first[0], instructeur, chef_service, commission)
    client.force_login(instructeur)
    few = dashboard_queries()
    more = submitted_dossiers(20, campaign=campaign)
    for dossier in more[:3]:
        pay_first_instalment(dossier, instructeur, chef_service, commission)
    assert dashboard_queries() == few <= 10


def test_campaign_list(client, campaign, instructeur, chef_service, draft):
    """Deposited dossiers are counted, not drafts (``draft`` is one of the campaign's)."""
    submitted_dossiers(2, campaign=campaign)
    CampaignFactory(
        name="Appel fermé", opens_on=datetime.date(2024, 1, 1), closes_on=datetime.date(2024, 3, 1)
    )
    client.force_login(instructeur)
    response = client.get(reverse("aides:campaign_list"))
    rows = {c.name: c for c in response.context["page"].object_list}
    assert rows["Équipes d'insertion 2026"].dossier_count == 2
    assert rows["Appel fermé"].dossier_count == 0
    page = response.content.decode()
    assert "clos</span>" in page and "ouvert</span>" in page
    assert reverse("aides:campaign_create") not in response.content.decode()
    client.force_login(chef_service)
    assert (
        reverse("aides:campaign_create")
        in client.get(reverse("aides:campaign_list")).content.decode()
    )


CAMPAIGN_DATA = {
    "scheme": "",
    "name": "Équipes d'insertion 2027",
    "opens_on": "2027-01-15",
    "closes_on": "2027-03-31",
    "budget_envelope": "450000",
    "commission_1": "2027-05-20",
    "commission_2": "2027-07-08",
    "commission_3": "",
}


def campaign_data(**overrides):
    return {**CAMPAIGN_DATA, "scheme": "ca-equipes-insertion", **overrides}


def test_campaign_create_with_its_commissions(client, chef_service):
    client.force_login(chef_service)
    form_page = client.get(reverse("aides:campaign_create")).content.decode()
    assert '<label for="id_scheme">Dispositif' in form_page
    assert '<option value="ca-equipes-insertion">' in form_page
    response = client.post(reverse("aides:campaign_create"), campaign_data())
    campaign = Campaign.objects.get(name="Équipes d'insertion 2027")
    assert response.status_code == 302 and response.url == campaign.get_absolute_url()
    assert campaign.budget_envelope == Decimal("450000")
    assert [c.date for c in campaign.commissions.all()] == [
        datetime.date(2027, 5, 20),
        datetime.date(2027, 7, 8),
    ]
    entry = AuditEntry.objects.get(action="campaign.create")
    assert entry.actor == chef_service and entry.object_id == str(campaign.uuid)
    assert entry.changes["commissions"] == [None, "20/05/2027, 08/07/2027"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"closes_on": "2027-01-10"},
            "closes_on",
            "La date de clôture doit être égale ou postérieure à la date d'ouverture.",
        ),
        ({"budget_envelope": "-1"}, "budget_envelope", "L'enveloppe ne peut pas être négative."),
        (
            {"commission_2": "2027-05-20"},
            "commission_2",
            "Deux commissions ne peuvent pas se tenir le même jour.",
        ),
        (
            {"commission_1": "2026-12-01"},
            "commission_1",
            "Une commission ne peut pas se tenir avant l'ouverture de l'appel.",
        ),
    ],
)
def test_campaign_create_refusals_in_french(client, chef_service, overrides, field, message):
    client.force_login(chef_service)
    response = client.post(reverse("aides:campaign_create"), campaign_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not Campaign.objects.filter(name="Équipes d'insertion 2027").exists()


def test_only_chefs_and_admins_create_campaigns(client, instructeur, lecteur, admin_user):
    for user in (instructeur, lecteur):
        client.force_login(user)
        assert client.get(reverse("aides:campaign_create")).status_code == 403
        assert client.post(reverse("aides:campaign_create"), campaign_data()).status_code == 403
    client.force_login(admin_user)
    assert client.post(reverse("aides:campaign_create"), campaign_data()).status_code == 302


def test_bulk_actions_ignore_dossiers_out_of_scope(client, campaign):
    (dossier,) = submitted_dossiers(1, campaign=campaign)
    elsewhere = UserFactory(role=Role.CHEF_SERVICE, region=Region.objects.get(code="11"))
    client.force_login(elsewhere)
    _, messages = post(
        client,
        QUEUE,
        {"action": "assign", "instructor": elsewhere.email, "dossier": ticked(dossier)},
    )
    assert messages == ["Dossiers cochés introuvables ou hors de votre périmètre : 1."]
    assert Dossier.objects.get(pk=dossier.pk).instructor is None


def test_a_schemes_page_opens_a_call_with_that_scheme_chosen(client, chef_service):
    """« Ouvrir un appel à candidatures » on a scheme's page preselects it; a malformed or
    unknown code preselects nothing and never fails."""
    scheme = AidScheme.objects.get(code="fc-investissement-siae")
    client.force_login(chef_service)
    page = client.get(scheme.get_absolute_url()).content.decode()
    link = f"{reverse('aides:campaign_create')}?dispositif={scheme.code}"
    assert link in page
    form = client.get(link).content.decode()
    assert f'<option value="{scheme.code}" selected>' in form
    for code in ("inconnu", "%00", "x" * 300, "'; drop"):
        answer = client.get(reverse("aides:campaign_create"), {"dispositif": code})
        assert answer.status_code == 200
        assert '<option value="" selected>' in answer.content.decode()


def test_queue_offers_the_departements_of_its_readers_region(client, campaign, instructeur):
    """The filter's options: the reader's région's départements (all of them for an account
    without one), the schemes that have campaigns, the campaigns; each once."""
    submitted_dossiers(1, campaign=campaign)
    elsewhere = UserFactory(role=Role.INSTRUCTEUR, region=Region.objects.get(code="11"))
    national = UserFactory(role=Role.INSTRUCTEUR, region=None)
    for user, shown, hidden in (
        (instructeur, "Meurthe-et-Moselle", "Paris"),
        (elsewhere, "Paris", "Meurthe-et-Moselle"),
        (national, "Paris", None),
    ):
        client.force_login(user)
        field = client.get(QUEUE).context["filter"].form["department"]
        options = [label for value, label in field.field.choices if value != ""]
        regions = {
            Department.objects.get(pk=str(value)).region_id
            for value, _ in field.field.choices
            if value != ""
        }
        assert shown in " ".join(options) and (hidden is None or hidden not in " ".join(options))
        assert len(options) == len(set(options))
        if user.region_id:
            assert regions == {user.region_id}
        else:
            assert len(options) == Department.objects.count()
        scheme = client.get(QUEUE).context["filter"].form["scheme"]
        assert [str(label) for _, label in scheme.field.choices][1:] == [str(campaign.scheme)]
