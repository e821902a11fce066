"""The yearly report's workflow (utilite.services) and who may do what (utilite.perms)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from iae_portal.audit.models import AuditEntry
from iae_portal.users.enums import Role
from structures.models import Region
from tests.structures.factories import MembershipFactory, StructureFactory, UserFactory
from utilite import perms, services
from utilite.enums import ReportStatus
from utilite.importer import UtiliteImport
from utilite.indicators import CRITERION_CODES
from utilite.models import SocialReport

from .factories import ReportFactory, full_grid, siae, valid_figures

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 1)


@pytest.fixture
def structure():
    return siae("71010000000011", "ACI", year=2025)


@pytest.fixture
def director(structure):
    return MembershipFactory(structure=structure, user__email="dir@example.org").user


@pytest.fixture
def staff():
    region = Region.objects.get(code="27")  # Bourgogne-Franche-Comté, with the 71
    return UserFactory(email="instr@example.org", role=Role.INSTRUCTEUR, region=region)


def draft(structure, director, **figures):
    return services.report_save_draft(
        actor=director,
        structure=structure,
        year=2025,
        figures=figures,
        grid=(None, None, None, None),
        today=TODAY,
    )


def test_the_workflow_draft_submit_send_back_correct_validate(structure, director, staff):
    report = draft(structure, director, turnover="1000", women="")
    assert report.status == ReportStatus.BROUILLON
    assert report.turnover == 1000
    assert report.women is None

    with pytest.raises(ValidationError) as refused:
        services.report_submit(actor=director, report=report, today=TODAY)
    assert "obligatoire" in refused.value.message_dict["women"][0]

    report = draft(structure, director, **valid_figures())
    report = services.report_submit(actor=director, report=report, today=TODAY)
    assert report.status == ReportStatus.SOUMIS
    assert report.submitted_by == director
    with pytest.raises(ValidationError):
        draft(structure, director, **valid_figures())  # a submitted report waits for staff

    with pytest.raises(ValidationError) as no_comment:
        services.report_send_back(actor=staff, report=report, comment="  ")
    assert "staff_comment" in no_comment.value.message_dict
    report = services.report_send_back(actor=staff, report=report, comment="Sorties à revoir.")
    assert report.status == ReportStatus.A_CORRIGER
    assert report.staff_comment == "Sorties à revoir."

    report = draft(structure, director, **valid_figures(exits_cdi=3, exits_autres=3))
    assert report.status == ReportStatus.A_CORRIGER
    report = services.report_submit(actor=director, report=report, today=TODAY)
    report = services.report_validate(actor=staff, report=report)
    assert report.status == ReportStatus.VALIDE
    assert report.validated_by == staff
    assert report.is_read_only
    with pytest.raises(ValidationError, match="ne peut plus être modifié"):
        draft(structure, director, **valid_figures())
    with pytest.raises(ValidationError, match="Seul un bilan soumis"):
        services.report_validate(actor=staff, report=report)

    actions = list(
        AuditEntry.objects.filter(object_id=str(report.uuid))
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "utilite.save_draft",
        "utilite.save_draft",
        "utilite.submit",
        "utilite.send_back",
        "utilite.save_draft",
        "utilite.submit",
        "utilite.validate",
    ]
    sent_back = AuditEntry.objects.get(object_id=str(report.uuid), action="utilite.send_back")
    assert sent_back.changes["status"] == ["soumis", "a_corriger"]
    assert sent_back.reason == "Sorties à revoir."


def test_a_draft_keeps_a_partial_grid_but_refuses_bad_values(structure, director):
    report = services.report_save_draft(
        actor=director,
        structure=structure,
        year=2025,
        figures={},
        grid=("2", ["prospective"], {"activite_1": "3"}, {"activite_2": "Un début."}),
        today=TODAY,
    )
    assert report.grid_scores == {"activite_1": 3}
    assert report.grid_comments == {"activite_2": "Un début."}
    assert report.priority_axes == ["prospective"]
    with pytest.raises(ValidationError) as refused:
        services.report_save_draft(
            actor=director,
            structure=structure,
            year=2025,
            figures={"turnover": "-1"},
            grid=(None, "radar", {"activite_1": "4"}, {"activite_2": "x" * 1001}),
            today=TODAY,
        )
    assert set(refused.value.message_dict) == {
        "turnover",
        "priority_axes",
        "activite_1",
        "activite_2",
    }


def test_submitting_a_partial_grid_is_refused(structure, director):
    report = draft(structure, director, **valid_figures())
    report.grid_scores = {"activite_1": 2}
    report.grid_participants = 3
    report.save()
    with pytest.raises(ValidationError) as refused:
        services.report_submit(actor=director, report=report, today=TODAY)
    assert "Grille incomplète" in refused.value.message_dict["activite_2"][0]
    report.grid_scores = full_grid(2)
    report.save()
    assert services.report_submit(actor=director, report=report, today=TODAY).status == "soumis"


def test_a_draft_for_a_year_not_ended_or_a_non_siae_is_refused(structure, director):
    with pytest.raises(ValidationError) as refused:
        services.report_save_draft(
            actor=director, structure=structure, year=2026, figures={}, today=TODAY
        )
    assert "year" in refused.value.message_dict
    association = StructureFactory(kind="ASSOCIATION")
    with pytest.raises(ValidationError) as refused:
        services.report_save_draft(
            actor=director, structure=association, year=2025, figures={}, today=TODAY
        )
    assert "siret" in refused.value.message_dict
    assert SocialReport.objects.count() == 0


def test_perms_directors_staff_and_others(structure, director, staff):
    report = ReportFactory(structure=structure, year=2025, status=ReportStatus.SOUMIS)
    other = ReportFactory(year=2025, status=ReportStatus.SOUMIS)  # in Meurthe-et-Moselle
    employee = MembershipFactory(structure=structure, role="salarie").user
    stranger = MembershipFactory().user
    lecteur = UserFactory(role=Role.LECTEUR, region=staff.region)
    dla = UserFactory(role=Role.DLA)
    admin = UserFactory(role=Role.ADMIN)

    assert list(perms.visible_reports(director)) == [report]
    assert list(SocialReport.objects.visible_to(employee)) == [report]
    assert list(perms.visible_reports(stranger)) == []
    assert list(perms.visible_reports(staff)) == [report]
    assert list(perms.visible_reports(lecteur)) == [report]
    assert list(perms.visible_reports(dla)) == []
    assert set(perms.visible_reports(admin)) == {report, other}
    assert perms.can_view_report(director, report)
    assert not perms.can_view_report(director, other)

    assert perms.can_fill_report(director, structure)
    assert not perms.can_fill_report(employee, structure)
    assert not perms.can_edit_report(director, report)  # submitted
    report.status = ReportStatus.A_CORRIGER
    assert perms.can_edit_report(director, report)
    report.status = ReportStatus.SOUMIS

    assert perms.can_review_report(staff, report)
    assert not perms.can_review_report(staff, other)  # another region
    assert not perms.can_review_report(lecteur, report)  # reads only
    assert not perms.can_review_report(director, report)
    assert perms.can_review_report(admin, other)

    assert perms.can_import_reports(staff)
    assert not perms.can_import_reports(lecteur)
    assert not perms.can_import_reports(director)
    assert perms.can_view_group_statistics(director)
    assert not perms.can_view_group_statistics(dla)


def test_an_upload_refuses_lines_outside_the_uploaders_territory(staff, tmp_path):
    siae("71010000000011", "ACI", year=2025)
    siae("54010000000013", "ACI", department="54", year=2025)
    header = "siret,year," + ",".join(k for k in valid_figures() if k not in ("siret", "year"))
    header += ",grid_participants,priority_axes," + ",".join(CRITERION_CODES)
    empty_grid = "," * (2 + len(CRITERION_CODES))
    lines = [
        f"{siret},2025," + ",".join(str(int(v)) for v in valid_figures().values()) + empty_grid
        for siret in ("71010000000011", "54010000000013")
    ]
    content = "\n".join([header, *lines]).encode()
    plan = UtiliteImport().plan(content, user=staff)
    assert [(e.line, e.field) for e in plan.errors] == [(3, "siret")]
    assert "n'est pas de votre territoire" in plan.errors[0].message
    assert UtiliteImport().plan(content).is_valid  # the command: every structure
