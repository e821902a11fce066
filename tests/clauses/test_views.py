import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from clauses.bilan import clauses_bilan
from clauses.models import HoursReport
from iae_portal.audit.models import AuditEntry
from iae_portal.users.enums import Role
from structures.models import Department
from tests.structures.factories import MembershipFactory

from .factories import (
    FacilitatorFactory,
    FacilitatorMembershipFactory,
    HoursReportFactory,
    LotFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plie():
    return FacilitatorFactory(name="PLIE du Grand Nancy")


@pytest.fixture
def facilitator_user(plie):
    return FacilitatorMembershipFactory(
        facilitator=plie, user__email="fac@example.org", user__role=Role.FACILITATEUR
    ).user


@pytest.fixture
def other_facilitator_user():
    return FacilitatorMembershipFactory(
        user__email="autre@example.org", user__role=Role.FACILITATEUR
    ).user


@pytest.fixture
def lot(plie):
    return LotFactory(facilitator=plie, marche__ref="M-NANCY")


@pytest.fixture
def siae(structure_a):
    return structure_a


def get(client, user, name, *args, **params):
    if user is not None:
        client.force_login(user)
    return client.get(reverse(name, args=args), params)


# -- Permissions


def test_facilitator_of_the_lot_sees_the_contract_and_participants(client, facilitator_user, lot):
    HoursReportFactory(lot=lot, participant_ref="REF-001")
    response = get(client, facilitator_user, "clauses:detail", lot.marche.uuid)
    assert response.status_code == 200
    assert "REF-001" in response.content.decode()
    assert get(client, facilitator_user, "clauses:report_hours", lot.uuid).status_code == 200
    assert get(client, facilitator_user, "clauses:list").context["page"].paginator.count == 1


def test_another_facilitator_gets_404_and_an_empty_list(client, other_facilitator_user, lot):
    assert get(client, other_facilitator_user, "clauses:detail", lot.marche.uuid).status_code == 404
    assert get(client, other_facilitator_user, "clauses:report_hours", lot.uuid).status_code == 404
    response = get(client, other_facilitator_user, "clauses:list")
    assert response.status_code == 200 and response.context["page"].paginator.count == 0
    # Their bilan (test_views_bilan.py) counts none of the other facilitator's lots.
    response = get(client, other_facilitator_user, "clauses:bilan", year=2025)
    assert response.status_code == 200 and response.context["bilan"]["participants"] == 0


def test_inactive_membership_sees_nothing(client, facilitator_user, lot):
    facilitator_user.facilitator_memberships.update(is_active=False)
    assert get(client, facilitator_user, "clauses:detail", lot.marche.uuid).status_code == 404


def test_staff_sees_every_contract_and_the_bilan_but_not_participants(client, instructeur, lot):
    HoursReportFactory(lot=lot, participant_ref="REF-002")
    response = get(client, instructeur, "clauses:detail", lot.marche.uuid)
    assert response.status_code == 200 and "REF-002" not in response.content.decode()
    assert get(client, instructeur, "clauses:report_hours", lot.uuid).status_code == 404
    for name in ("clauses:list", "clauses:bilan", "clauses:bilan_csv", "clauses:import"):
        assert get(client, instructeur, name).status_code == 200, name


def test_lecteur_sees_but_does_not_import(client, lecteur, lot):
    assert get(client, lecteur, "clauses:list").status_code == 200
    assert get(client, lecteur, "clauses:import").status_code == 403


@pytest.mark.parametrize(
    "name", ["clauses:list", "clauses:bilan", "clauses:bilan_csv", "clauses:import"]
)
def test_director_gets_403_on_pages_and_404_on_objects(client, director_a, lot, name):
    assert get(client, director_a, name).status_code == 403
    assert get(client, director_a, "clauses:detail", lot.marche.uuid).status_code == 404


def test_anonymous_is_sent_to_login(client, lot):
    response = get(client, None, "clauses:detail", lot.marche.uuid)
    assert response.status_code == 302 and "connexion" in response["Location"]
    assert get(client, None, "clauses:list").status_code == 302


def test_structure_page_shows_delivered_hours_to_director_and_staff_only(
    client, director_a, structure_a, instructeur, lot
):
    HoursReportFactory(
        lot=lot,
        modality="mise_a_disposition",
        siae=structure_a,
        hours=35,
        participant_ref="PSEUDO-X9",
    )
    url = reverse("structures:detail", args=[structure_a.siret])
    for user in (director_a, instructeur):
        client.force_login(user)
        content = client.get(url).content.decode()
        assert "M-NANCY" in content and "35" in content and "PSEUDO-X9" not in content
    employee = MembershipFactory(structure=structure_a, role="salarie").user
    client.force_login(employee)
    assert "M-NANCY" not in client.get(url).content.decode()


# -- List filters and query count


def test_list_filters(client, instructeur, plie):
    late = LotFactory(
        facilitator=plie,
        marche__ref="LATE",
        marche__notification_date=datetime.date.today() - datetime.timedelta(days=300),
        marche__type="services",
    )
    LotFactory(
        marche__ref="NONE", clause="none", marche__notification_date=datetime.date(2024, 5, 1)
    )
    LotFactory(
        marche__ref="RESERVE",
        clause="marche_reserve",
        marche__type="fournitures",
        marche__notification_date=datetime.date.today(),
    )

    def refs(**params):
        response = get(client, instructeur, "clauses:list", **params)
        return sorted(m.ref for m in response.context["rows"])

    assert refs() == ["LATE", "NONE", "RESERVE"]
    assert refs(type="services") == ["LATE"]
    assert refs(year=2024) == ["NONE"]
    assert refs(clause="marche_reserve") == ["RESERVE"]
    assert refs(facilitator=plie.pk) == ["LATE"]
    assert refs(buyer=late.marche.buyer_id) == ["LATE"]
    assert refs(behind="true") == ["LATE"]
    assert "LATE" not in refs(behind="false")


def test_list_filter_by_departement(client, instructeur, plie):
    """The contract's département when recorded, else its facilitators' territories."""
    moselle, meurthe = Department.objects.get(code="57"), Department.objects.get(code="54")
    plie.departments.set([meurthe])
    LotFactory(marche__ref="IN-57", marche__department=moselle, facilitator=plie)
    LotFactory(marche__ref="PLIE-54", facilitator=plie)
    LotFactory(marche__ref="NOWHERE", facilitator=FacilitatorFactory())

    def refs(code):
        response = get(client, instructeur, "clauses:list", department=code)
        return sorted(m.ref for m in response.context["rows"])

    assert refs("57") == ["IN-57"]
    assert refs("54") == ["PLIE-54"]
    assert refs("67") == []


def make_contracts(count):
    facilitator = FacilitatorFactory(name="PLIE")
    for _ in range(count):
        lot = LotFactory(facilitator=facilitator)
        LotFactory(marche=lot.marche, clause="none", facilitator=None)
        HoursReportFactory(lot=lot)


@pytest.mark.parametrize("count", [3, 30])
def test_list_query_count_does_not_grow(client, instructeur, django_assert_max_num_queries, count):
    make_contracts(count)
    client.force_login(instructeur)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("clauses:list"), {"per_page": 50, "behind": "true"})
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get(reverse("clauses:list"), {"per_page": 50})
    assert len(response.context["rows"]) == count


# -- The lag alert on the detail page


@pytest.mark.parametrize("realised,alert", [(20, False), ("19.5", True)])
def test_detail_alert_at_the_tolerance_boundary(client, instructeur, monkeypatch, realised, alert):
    # On 27 May 2025, January to March are due (April in its grace period: clauses.gaps):
    # 3 / 12 of 100 h = 25 h expected, 20 % tolerated: 20 h is the limit.
    start = datetime.date(2025, 1, 1)
    monkeypatch.setattr(
        "clauses.views.timezone.localdate", lambda: start + datetime.timedelta(days=146)
    )
    lot = LotFactory(marche__notification_date=start, hours_required=100)
    HoursReportFactory(lot=lot, hours=realised)
    response = get(client, instructeur, "clauses:detail", lot.marche.uuid)
    content = response.content.decode()
    assert "<progress" in content
    assert ("En retard" in content) is alert


# -- Hours entry


def formset_data(period, lines):
    data = {
        "period": period,
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
    }
    for index, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{index}-{key}"] = value
    return data


def line(ref, modality="embauche_directe", siret="", hours="7", public="deld"):
    return {
        "participant_ref": ref,
        "public_category": public,
        "modality": modality,
        "siae_siret": siret,
        "hours": hours,
    }


def test_hours_entry_writes_the_lines_and_one_audit_entry(client, facilitator_user, lot, siae):
    client.force_login(facilitator_user)
    url = reverse("clauses:report_hours", args=[lot.uuid])
    data = formset_data(
        "2025-05",
        [
            line("A1"),
            line("A2", "mise_a_disposition", siae.siret, "12.5"),
            line("", "", hours="", public=""),
        ],
    )
    response = client.post(url, data)
    assert response.status_code == 302
    reports = HoursReport.objects.filter(lot=lot).order_by("participant_ref")
    assert [(r.participant_ref, str(r.hours), r.siae) for r in reports] == [
        ("A1", "7.00", None),
        ("A2", "12.50", siae),
    ]
    assert {r.period for r in reports} == {datetime.date(2025, 5, 1)}
    entries = AuditEntry.objects.filter(object_id=str(lot.uuid))
    assert entries.count() == 1 and entries.get().actor == facilitator_user
    # The same report again changes nothing but leaves its audit entry.
    client.post(url, data)
    assert HoursReport.objects.filter(lot=lot).count() == 2


@pytest.mark.parametrize(
    "lines,message",
    [
        ([line("A1", hours="0")], "strictement positif"),
        ([line("A1", "mise_a_disposition")], "SIAE obligatoire pour cette modalité"),
        ([line("A1", siret="12345678901234")], "Pas de SIAE pour une embauche directe"),
        ([line("A1", "formation", "12345678901234")], "Structure inconnue"),
        ([line("A1"), line("A1", hours="3")], "Ligne en double"),
        ([], "Saisissez au moins une ligne"),
        ([line("Jean Dupont")], "référence pseudonyme"),
        ([line("Dupont")], "référence pseudonyme"),
        ([line("jean.dupont1@example.org")], "référence pseudonyme"),
    ],
)
def test_hours_entry_refuses_bad_lines_in_french(client, facilitator_user, lot, lines, message):
    client.force_login(facilitator_user)
    response = client.post(
        reverse("clauses:report_hours", args=[lot.uuid]), formset_data("2025-05", lines)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not HoursReport.objects.exists() and not AuditEntry.objects.exists()


def test_hours_entry_refuses_a_bad_month(client, facilitator_user, lot):
    client.force_login(facilitator_user)
    response = client.post(
        reverse("clauses:report_hours", args=[lot.uuid]), formset_data("2025-13", [line("A1")])
    )
    assert "Mois invalide" in response.content.decode()
    assert not HoursReport.objects.exists()


# -- Bilan


def test_bilan_page_shows_the_figures_of_clauses_bilan(client, instructeur, siae):
    lot = LotFactory(marche__notification_date=datetime.date(2025, 2, 1), hours_required=120)
    LotFactory(
        marche__type="services", marche__notification_date=datetime.date(2025, 6, 1), clause="none"
    )
    HoursReportFactory(lot=lot, hours=30)
    HoursReportFactory(lot=lot, hours="4.5", modality="formation", siae=siae)
    response = get(client, instructeur, "clauses:bilan", year=2025)
    assert response.context["bilan"] == clauses_bilan(2025)
    content = response.content.decode()
    assert "<svg" in content and "Heures réalisées par modalité" in content
    assert 'id="bilan-participants">2<' in content


def test_bilan_csv_has_the_figures_and_no_participant(client, instructeur):
    lot = LotFactory(marche__notification_date=datetime.date(2025, 2, 1))
    HoursReportFactory(lot=lot, participant_ref="SECRET-REF", hours=8)
    response = get(client, instructeur, "clauses:bilan_csv", year=2025)
    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Indicateur", "Valeur"]
    assert dict(rows[1:])["Travaux — heures réalisées"] == "8"
    assert "SECRET-REF" not in text and "participant_ref" not in text


def test_bilan_page_and_csv_tables_per_buyer_facilitator_and_siae_kind(
    client, instructeur, plie, siae
):
    lot = LotFactory(
        facilitator=plie,
        marche__buyer__name="Métropole du Grand Nancy",
        marche__notification_date=datetime.date(2025, 2, 1),
    )
    HoursReportFactory(
        lot=lot, participant_ref="HIDDEN-7", modality="mise_a_disposition", siae=siae, hours=16
    )
    content = get(client, instructeur, "clauses:bilan", year=2025).content.decode()
    for table in ("bilan-buyers", "bilan-facilitators", "bilan-siae"):
        assert f'id="{table}"' in content
    assert "Métropole du Grand Nancy" in content and "PLIE du Grand Nancy" in content
    tables = {}
    for name in ("acheteurs", "facilitateurs", "siae"):
        response = get(client, instructeur, "clauses:bilan_csv", year=2025, tableau=name)
        text = response.content.decode()
        assert "HIDDEN-7" not in text
        tables[name] = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert tables["acheteurs"][1] == ["Métropole du Grand Nancy", "Région", "1", "1", "100", "16"]
    assert tables["facilitateurs"][1] == ["PLIE du Grand Nancy", "", "1", "100", "16", "1"]
    assert tables["siae"][1:] == [["Atelier et chantier d'insertion", "1", "16"]]


# -- Import


def test_import_reports_before_writing(client, instructeur):
    from clauses.models import Marche

    content = (
        "marche_ref,buyer_name,buyer_kind,notification_date,type,procedure,marche_amount_ht,"
        "lot_ref,lot_object,lot_amount_ht,clause,hours_required,facilitator,attributaire_name,"
        "attributaire_siret\n"
        "M1,Région Grand Est,region,2025-03-01,travaux,appel_offres,1000,L1,Voirie,1000,"
        "condition_execution,50,PLIE,,\n"
    ).encode()
    client.force_login(instructeur)
    url = reverse("clauses:import")
    upload = io.BytesIO(content)
    upload.name = "marches.csv"
    response = client.post(url, {"kind": "marches", "file": upload})
    assert response.status_code == 200 and response.context["plan"].created == 1
    assert not Marche.objects.exists()
    response = client.post(url, {"token": response.context["token"]})
    assert response.status_code == 302
    assert Marche.objects.filter(ref="M1").exists()


def test_facilitator_home_lists_territory_and_followed_lots_and_nav_marks_the_section(
    client, facilitator_user, lot, plie
):
    plie.departments.set(Department.objects.filter(code__in=["54", "88"]))
    client.force_login(facilitator_user)
    content = client.get(reverse("home")).content.decode()
    assert "M-NANCY" in content and reverse("clauses:report_hours", args=[lot.uuid]) in content
    assert "54 Meurthe-et-Moselle, 88 Vosges" in content
    content = client.get(reverse("clauses:list")).content.decode()
    assert f'href="{reverse("clauses:list")}" aria-current="page"' in content


# -- The contract's amount (issue 14, item 10)


def test_a_contract_without_its_own_amount_shows_the_sum_of_its_lots(client, instructeur):
    lot = LotFactory(marche__amount_ht=0, amount_ht=1_000_000)
    LotFactory(marche=lot.marche, amount_ht=280_000, clause="none")
    content = get(client, instructeur, "clauses:detail", lot.marche.uuid).content.decode()
    assert not re.search(r"(?<![\d\u00a0\u202f ])0,00", content)  # no « 0,00 € »
    assert "1\u00a0280\u00a0000,00&nbsp;€ HT (somme des lots)" in content


def test_a_contract_with_its_own_amount_shows_it(client, instructeur):
    lot = LotFactory(marche__amount_ht=1_500_000, amount_ht=1_000_000)
    content = get(client, instructeur, "clauses:detail", lot.marche.uuid).content.decode()
    assert "1\u00a0500\u00a0000,00&nbsp;€ HT</dd>" in content and "somme des lots" not in content


def test_the_year_filter_of_the_list_is_shown_as_a_year(client, instructeur, lot):
    content = get(client, instructeur, "clauses:list", year=2025).content.decode()
    assert not re.search(r"\b2[\s\u00a0\u202f]025\b", content)
    assert "2025" in content
    assert get(client, instructeur, "clauses:list", year=2025).context["page"].paginator.count == 1
    LotFactory(marche__notification_date=datetime.date(2024, 5, 1))
    assert get(client, instructeur, "clauses:list", year=2024).context["page"].paginator.count == 1
    assert get(client, instructeur, "clauses:list").context["page"].paginator.count == 2
