"""The yearly report's pages: the director's steps (French errors at their fields, the draft
kept, the figures taken from the yearly figures), the submission, the staff review (with
its e-mails), the delegates, who may open what, and bad input (never a 500)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iae_portal.users.enums import Role
from structures.enums import MembershipRole
from structures.models import Region
from tests.structures.factories import FiguresFactory, MembershipFactory, UserFactory
from utilite import services
from utilite.enums import ReportStatus
from utilite.indicators import CRITERION_CODES
from utilite.models import ReportDelegate, SocialReport
from utilite.sections import due_date

from .factories import ReportFactory, full_grid, siae, valid_figures

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year - 1  # the last ended year
SIRET = "71010000000011"


@pytest.fixture
def structure():
    return siae(SIRET, "ACI", year=YEAR)


@pytest.fixture
def director(structure):
    return MembershipFactory(structure=structure, user__email="dir@example.org").user


@pytest.fixture
def staff():
    region = Region.objects.get(code="27")  # Bourgogne-Franche-Comté, with the 71
    return UserFactory(email="instr@example.org", role=Role.INSTRUCTEUR, region=region)


def login(client, user):
    client.force_login(user)
    return client


def step(step_code, siret=SIRET, year=YEAR):
    return reverse("utilite:report_step", args=[siret, year, step_code])


def page(siret=SIRET, year=YEAR):
    return reverse("utilite:report", args=[siret, year])


def report_of(structure, year=YEAR):
    return SocialReport.objects.filter(structure=structure, year=year).first()


def fill(structure, director, **changes):
    """A complete draft through the service (the steps' result)."""
    return services.report_save_draft(
        actor=director, structure=structure, year=YEAR, figures=valid_figures(**changes)
    )


# -- The steps --------------------------------------------------------------------------------


def test_a_step_shows_its_fields_and_saves_a_draft_then_leads_to_the_next(
    client, structure, director
):
    login(client, director)
    response = client.get(step("activite"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields) == [
        "hours_worked",
        "turnover",
        "total_resources",
        "public_funding",
        "wages_paid",
        "local_purchases",
        "activities_created",
    ]
    response = client.post(
        step("activite"),
        {"turnover": "100 000", "total_resources": "400\u202f000", "public_funding": "100000"},
    )
    assert response.status_code == 302
    assert response.url == step("parcours")
    report = report_of(structure)
    assert report.status == ReportStatus.BROUILLON
    assert (report.turnover, report.total_resources, report.public_funding) == (
        100000,
        400000,
        100000,
    )
    assert report.wages_paid is None  # left for later
    # The shares, recomputed from what was saved, in French.
    response = client.get(step("activite"))
    shares = {s["code"]: s["text"] for s in response.context["shares"]}
    assert shares == {"self_financing_rate": "75,0\u00a0%", "commercial_rate": "25,0\u00a0%"}
    assert "75,0" in response.content.decode()


def test_a_step_keeps_the_other_steps_figures_and_the_grid(client, structure, director):
    report = fill(structure, director)
    report.grid_participants = 3
    report.grid_scores = full_grid(2)
    report.save()
    login(client, director)
    response = client.post(step("territoire"), {"territorial_bodies": "5", "service_users": "7"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.territorial_bodies == 5
    assert report.women == valid_figures()["women"]
    assert report.grid_scores == full_grid(2)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abc", "nombre attendu"),
        ("-3", "positif ou nul"),
        ("2,5", "nombre entier attendu"),
        ("9" * 15, "nombre trop grand"),
        ("9" * 40, "Nombre trop grand"),
        ("1e400", "nombre trop grand"),
        ("12\x00", "caractère nul"),
    ],
)
def test_a_refused_figure_is_a_french_error_at_its_field_and_nothing_is_saved(
    client, structure, director, value, expected
):
    login(client, director)
    response = client.post(step("activite"), {"wages_paid": value, "turnover": "5"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["wages_paid"]
    assert expected in errors["wages_paid"][0]
    assert report_of(structure) is None


def test_the_rules_between_figures_show_at_their_fields_and_the_draft_is_kept(
    client, structure, director
):
    login(client, director)
    response = client.post(
        step("parcours"),
        {
            "insertion_employees": "10",
            "women": "12",
            "exits_total": "3",
            "exits_cdi": "1",
            **dict.fromkeys(
                (
                    "exits_cdd_6m",
                    "exits_creation",
                    "exits_fonction_publique",
                    "exits_cdd_court",
                    "exits_contrat_aide",
                    "exits_formation",
                    "exits_autre_siae",
                    "exits_autres",
                ),
                "0",
            ),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "ne peut dépasser « Salariés en parcours » (10)" in errors["women"][0]
    assert "doivent égaler « Sorties » (3)" in errors["exits_total"][0]
    report = report_of(structure)
    assert report.women == 12  # saved as a draft all the same


def test_the_summary_lists_what_the_submission_refuses_with_a_link_to_its_field(
    client, structure, director
):
    fill(structure, director, women=None)
    login(client, director)
    response = client.get(page())
    problems = response.context["problems"]
    assert [p["message"] for p in problems] == [
        "« dont femmes » : valeur obligatoire (0 si aucune)."
    ]
    assert problems[0]["url"] == step("parcours") + "?verifier=1#id_women"
    assert b"Soumettre le bilan" in response.content
    assert reverse("utilite:report_submit", args=[SIRET, YEAR]).encode() not in response.content
    # The step, checked, shows the error at its field.
    response = client.get(step("parcours") + "?verifier=1")
    assert "valeur obligatoire" in response.context["form"].errors["women"][0]


def test_submitting_a_complete_report(client, structure, director):
    fill(structure, director)
    login(client, director)
    response = client.post(reverse("utilite:report_submit", args=[SIRET, YEAR]))
    assert response.status_code == 302
    report = report_of(structure)
    assert report.status == ReportStatus.SOUMIS
    assert report.submitted_by == director
    # Submitted: the steps lead back to the report, unchanged.
    response = client.post(step("activite"), {"wages_paid": "1"})
    assert response.status_code == 302 and response.url == page()
    report.refresh_from_db()
    assert report.wages_paid == valid_figures()["wages_paid"]


def test_submitting_an_incomplete_report_shows_why(client, structure, director):
    fill(structure, director, exits_autres=1)  # the exits no longer add up
    login(client, director)
    response = client.post(reverse("utilite:report_submit", args=[SIRET, YEAR]))
    assert response.status_code == 200
    assert "Les sorties par catégorie totalisent 3" in response.context["problems"][0]["message"]
    assert report_of(structure).status == ReportStatus.BROUILLON


# -- The yearly figures -------------------------------------------------------------------------


def test_the_yearly_figures_prefill_the_report_and_are_not_typed_twice(client, structure, director):
    FiguresFactory(
        structure=structure,
        year=YEAR,
        hours_worked=12000,
        turnover=Decimal("350000.50"),
        total_resources=Decimal("1000000.00"),
        public_subsidies=Decimal("600000.00"),
        insertion_headcount=40,
    )
    login(client, director)
    response = client.get(step("activite"))
    form = response.context["form"]
    assert "turnover" not in form.fields and "public_funding" not in form.fields
    text = response.content.decode()
    assert "repris des chiffres annuels" in text
    assert reverse("structures:figures_edit", args=[SIRET, YEAR]) in text
    assert "350\u202f001\u00a0€" in text  # half-up to the euro
    # A posted value for a taken figure is ignored: the yearly figures win.
    client.post(step("activite"), {"wages_paid": "10", "turnover": "1"})
    report = report_of(structure)
    assert (report.turnover, report.total_resources, report.public_funding) == (
        350001,
        1000000,
        600000,
    )
    assert (report.hours_worked, report.insertion_employees) == (12000, 40)
    assert report.computed_shares()["self_financing_rate"] == Decimal("0.400")
    response = client.get(step("parcours"))
    assert "insertion_employees" not in response.context["form"].fields


def test_without_yearly_figures_the_director_types_them_in(client, structure, director):
    login(client, director)
    response = client.get(step("activite"))
    assert "turnover" in response.context["form"].fields
    assert reverse("structures:figures_add", args=[SIRET]) in response.content.decode()


# -- The grid -----------------------------------------------------------------------------------


def test_the_grid_saves_partially_as_a_draft_and_refuses_bad_scores(client, structure, director):
    login(client, director)
    response = client.post(
        step("grille"),
        {
            "activite_1": "2",
            "comment_activite_1": "Ateliers locaux.",
            "priority_axes": ["parcours"],
        },
    )
    assert response.status_code == 302 and response.url == page()
    report = report_of(structure)
    assert report.grid_scores == {"activite_1": 2}
    assert report.grid_comments == {"activite_1": "Ateliers locaux."}
    assert report.priority_axes == ["parcours"]

    response = client.post(
        step("grille"), {"activite_1": "7", "comment_activite_2": "x" * 1001, "priority_axes": "zz"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Sélectionnez un choix valide" in errors["activite_1"][0]
    assert "1000 caractères" in errors["comment_activite_2"][0]
    assert "priority_axes" in errors


def test_a_grid_filled_by_two_people_warns_and_a_partial_grid_stops_the_submission(
    client, structure, director
):
    report = fill(structure, director)
    login(client, director)
    data = dict.fromkeys(CRITERION_CODES[:-1], "1")
    client.post(step("grille"), {**data, "grid_participants": "2"})
    report.refresh_from_db()
    assert report.grid_participants == 2
    response = client.get(page())
    assert "recommande 3 personnes ou plus" in response.content.decode()
    assert "Grille incomplète" in response.context["problems"][0]["message"]
    client.post(step("grille"), {**data, CRITERION_CODES[-1]: "3", "grid_participants": "2"})
    response = client.get(page())
    assert response.context["problems"] == []
    assert len(response.context["grid"]) == 15


# -- The review ----------------------------------------------------------------------------------


def submitted(structure, director):
    report = fill(structure, director)
    return services.report_submit(actor=director, report=report)


def test_staff_send_back_with_a_comment_the_director_reads_it_and_is_mailed(
    client, structure, director, staff, django_capture_on_commit_callbacks
):
    submitted(structure, director)
    login(client, staff)
    response = client.get(page())
    assert response.context["reviewable"]
    url = reverse("utilite:report_send_back", args=[SIRET, YEAR])
    response = client.post(url, {"staff_comment": "  "})
    assert response.status_code == 200
    assert response.context["send_back_form"].errors["staff_comment"] == [
        "Indiquez ce que la structure doit corriger."
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"staff_comment": "Les sorties en CDI semblent fausses."})
    assert response.status_code == 302
    assert report_of(structure).status == ReportStatus.A_CORRIGER
    assert [m.to for m in mail.outbox] == [["dir@example.org"]]
    assert "Les sorties en CDI semblent fausses." in mail.outbox[0].body
    assert "à corriger" in mail.outbox[0].subject

    login(client, director)
    response = client.get(step("activite"))
    assert response.status_code == 200  # the steps reopen
    assert "Les sorties en CDI semblent fausses." in response.content.decode()


def test_staff_validate_then_the_report_is_read_only(
    client, structure, director, staff, django_capture_on_commit_callbacks
):
    submitted(structure, director)
    login(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("utilite:report_validate", args=[SIRET, YEAR]))
    assert response.status_code == 302
    assert report_of(structure).status == ReportStatus.VALIDE
    assert "validé" in mail.outbox[0].subject
    login(client, director)
    response = client.get(page())
    assert not response.context["editable"]
    assert b"lecture seule" in response.content
    assert client.get(step("parcours")).status_code == 302


def test_a_reader_may_not_review(client, structure, director):
    submitted(structure, director)
    reader = UserFactory(role=Role.LECTEUR, region=Region.objects.get(code="27"))
    login(client, reader)
    assert client.get(page()).status_code == 200
    assert client.post(reverse("utilite:report_validate", args=[SIRET, YEAR])).status_code == 403
    assert report_of(structure).status == ReportStatus.SOUMIS


# -- Who may -------------------------------------------------------------------------------------


def test_a_director_allows_an_employee_who_then_fills_the_report(client, structure, director):
    employee = MembershipFactory(structure=structure, role=MembershipRole.SALARIE).user
    other = MembershipFactory(structure=structure, role=MembershipRole.SALARIE).user
    login(client, employee)
    assert client.get(step("activite")).status_code == 403
    login(client, director)
    url = reverse("utilite:delegates", args=[SIRET])
    response = client.post(url, {"user": str(employee.pk)})
    assert response.status_code == 302
    delegate = ReportDelegate.objects.get()
    assert (delegate.user, delegate.granted_by) == (employee, director)
    login(client, employee)
    assert client.get(step("activite")).status_code == 200
    assert client.post(step("activite"), {"wages_paid": "12"}).status_code == 302
    assert report_of(structure).wages_paid == 12
    login(client, other)
    assert client.get(step("activite")).status_code == 403
    assert client.get(url).status_code == 403  # only directors allow
    # Withdrawn: the employee may no longer.
    login(client, director)
    client.post(reverse("utilite:delegate_remove", args=[SIRET, delegate.pk]))
    login(client, employee)
    assert client.get(step("activite")).status_code == 403


def test_a_delegate_who_left_the_structure_may_no_longer_fill(client, structure, director):
    membership = MembershipFactory(structure=structure, role=MembershipRole.SALARIE)
    services.delegate_grant(actor=director, structure=structure, user=membership.user)
    membership.is_active = False
    membership.save()
    login(client, membership.user)
    assert client.get(step("activite")).status_code == 404  # no longer a member at all


def test_another_structure_and_another_region_get_404(client, structure, director):
    fill(structure, director)
    other = siae("71020000000010", "AI", year=YEAR)
    other_director = MembershipFactory(structure=other).user
    far_staff = UserFactory(role=Role.INSTRUCTEUR, region=Region.objects.get(code="44"))
    for user in (other_director, far_staff):
        login(client, user)
        assert client.get(page()).status_code == 404
        assert client.get(step("activite")).status_code == 404
        assert client.post(reverse("utilite:report_submit", args=[SIRET, YEAR])).status_code == 404
    assert client.post(reverse("utilite:report_validate", args=[SIRET, YEAR])).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        f"/utilite-sociale/bilans/{SIRET}/99999/",
        f"/utilite-sociale/bilans/{SIRET}/99999/etapes/activite/",
        f"/utilite-sociale/bilans/{SIRET}/{YEAR + 1}/etapes/activite/",  # not ended
        f"/utilite-sociale/bilans/{SIRET}/1989/etapes/activite/",
        f"/utilite-sociale/bilans/{SIRET}/{YEAR}/etapes/inconnue/",
        f"/utilite-sociale/bilans/7101%0000000011/{YEAR}/",
        f"/utilite-sociale/bilans/{SIRET}/{'9' * 40}/",
        "/utilite-sociale/structures/7101%000/autorisations/",
    ],
)
def test_bad_addresses_are_404(client, structure, director, path):
    login(client, director)
    assert client.get(path).status_code == 404


def test_a_year_not_ended_is_a_404_even_by_post(client, structure, director):
    login(client, director)
    response = client.post(step("activite", year=YEAR + 1), {"wages_paid": "1"})
    assert response.status_code == 404
    assert not SocialReport.objects.exists()


def test_a_non_siae_structure_has_no_report(client, director, structure):
    structure.kind = "GEIQ"
    structure.save()
    login(client, director)
    assert client.get(step("activite")).status_code == 200  # a GEIQ is an SIAE kind
    structure.kind = "EA"
    structure.save()
    assert client.get(step("activite")).status_code == 404
    assert client.get(page()).status_code == 404


# -- Lists and sections ----------------------------------------------------------------------


def test_my_reports_lists_the_years_with_their_actions(client, structure, director):
    ReportFactory(structure=structure, year=YEAR - 1)
    login(client, director)
    response = client.get(reverse("utilite:my_reports"))
    assert response.status_code == 200
    (row,) = response.context["rows"]
    years = {y["year"]: y for y in row["years"]}
    assert years[YEAR]["action"][0] == f"Remplir le bilan {YEAR}"
    assert years[YEAR - 1]["status"] == "Validé" and years[YEAR - 1]["action"] is None


def test_my_reports_makes_as_many_queries_for_one_structure_as_for_three(client):
    def director_of(n):
        user = UserFactory()
        for i in range(n):
            s = siae(f"7109000000{n}{i:03d}", "ACI", year=YEAR)
            MembershipFactory(structure=s, user=user)
            ReportFactory(structure=s, year=YEAR - 1)
            ReportFactory(structure=s, year=YEAR - 2, status=ReportStatus.BROUILLON)
        return user

    counts = []
    for user in (director_of(1), director_of(3)):
        login(client, user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("utilite:my_reports")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_structure_page_shows_the_reports_and_the_fill_button(
    client, structure, director, staff
):
    ReportFactory(structure=structure, year=YEAR - 1)
    submitted_report = ReportFactory(structure=structure, year=YEAR - 2, status=ReportStatus.SOUMIS)
    login(client, director)
    text = client.get(structure.get_absolute_url()).content.decode()
    assert "Bilans d'utilité sociale" in text
    assert f"Remplir le bilan {YEAR}" in text
    assert reverse("utilite:delegates", args=[SIRET]) in text
    login(client, staff)
    text = client.get(structure.get_absolute_url()).content.decode()
    assert f"Remplir le bilan {YEAR}" not in text
    assert "Examiner le bilan" in text
    assert page(year=submitted_report.year) in text


def test_the_home_page_tells_directors_and_staff_what_awaits_them(
    client, structure, director, staff
):
    login(client, director)
    text = client.get("/").content.decode()
    assert f"Bilan d'utilité sociale {YEAR} à remplir" in text
    assert f"30/06/{YEAR + 1}" in text
    submitted(structure, director)
    assert f"Bilan d'utilité sociale {YEAR} à remplir" not in client.get("/").content.decode()
    login(client, staff)
    text = client.get("/").content.decode()
    assert "Bilans d'utilité sociale à examiner" in text
    assert page() in text


def test_the_menu_leads_members_to_their_reports_and_staff_to_the_statistics(
    client, director, staff
):
    login(client, director)
    text = client.get("/").content.decode()
    assert re.search(r'href="/utilite-sociale/mes-bilans/"[^>]*>Utilité sociale<', text)
    login(client, staff)
    text = client.get("/").content.decode()
    assert re.search(r'href="/utilite-sociale/statistiques/"[^>]*>Utilité sociale<', text)


# -- The import page -------------------------------------------------------------------------------


def test_the_import_page_is_for_staff_who_write(client, director, staff):
    login(client, director)
    assert client.get(reverse("utilite:import")).status_code == 403
    login(client, staff)
    response = client.get(reverse("utilite:import"))
    assert response.status_code == 200
    assert "grid_participants" in response.content.decode()


def test_the_due_date_is_30_june_of_the_next_year():
    assert due_date(2025) == datetime.date(2026, 6, 30)


def test_a_step_reopened_shows_the_saved_figures_and_the_grid_its_scores(
    client, structure, director
):
    report = fill(structure, director)
    report.grid_scores = {"activite_1": 2}
    report.grid_comments = {"activite_1": "Ateliers."}
    report.save()
    login(client, director)
    form = client.get(step("parcours")).context["form"]
    assert form["women"].value() == str(valid_figures()["women"])
    assert form["exits_cdi"].value() == "2"
    form = client.get(step("environnement")).context["form"]
    assert form["environmental_certification"].value() == "1"
    form = client.get(step("grille")).context["form"]
    assert form["activite_1"].value() == "2"
    assert form["comment_activite_1"].value() == "Ateliers."
