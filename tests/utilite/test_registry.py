"""The registry (utilite.indicators) and the model say what the contract says."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from structures.enums import SIAE_KINDS
from tests.structures.factories import StructureFactory
from utilite import computations
from utilite.enums import ReportStatus
from utilite.indicators import (
    AXES,
    COMPUTED_CODES,
    CRITERION_CODES,
    IMPORT_COLUMNS,
    INDICATOR_CODES,
    INDICATORS,
    SCORE_LABELS,
)
from utilite.models import SocialReport

from .contract import CONTRACT


def test_indicators_codes_kinds_and_dimensions_in_part_one_order():
    assert [[i.code, i.kind, i.dimension] for i in INDICATORS] == CONTRACT["indicators"]
    assert all(i.label and i.label[0] != " " for i in INDICATORS)


def test_computed_shares_in_order():
    assert list(COMPUTED_CODES) == CONTRACT["computed"]


def test_axes_and_criteria_in_radar_order():
    assert [[a.code, a.label, a.fiche, len(a.criteria)] for a in AXES] == CONTRACT["axes"]
    assert CRITERION_CODES[:4] == ("activite_1", "activite_2", "activite_3", "parcours_1")
    assert [c.code for c in AXES[8].criteria] == [f"prospective_{n}" for n in (1, 2, 3, 4)]
    assert list(SCORE_LABELS) == CONTRACT["score_labels"]


def test_import_columns():
    assert IMPORT_COLUMNS[:2] == ("siret", "year")
    assert IMPORT_COLUMNS[2 : 2 + len(INDICATOR_CODES)] == INDICATOR_CODES
    assert IMPORT_COLUMNS[2 + len(INDICATOR_CODES) :] == (
        "grid_participants",
        "priority_axes",
        *CRITERION_CODES,
    )


def test_statuses_and_siae_kinds():
    assert list(ReportStatus.values) == CONTRACT["statuses"]
    assert set(computations.SIAE_KIND_CODES) == set(SIAE_KINDS)
    assert list(computations.SIAE_KIND_CODES) == CONTRACT["kinds_order"][1:]


@pytest.mark.django_db
def test_the_model_has_a_column_per_typed_indicator():
    names = {field.name for field in SocialReport._meta.get_fields()}
    assert set(INDICATOR_CODES) <= names
    report = SocialReport.objects.create(structure=StructureFactory(), year=2024)
    assert report.status == ReportStatus.BROUILLON
    assert report.figures() == dict.fromkeys(INDICATOR_CODES)
    assert report.axis_scores() == {}


@pytest.mark.django_db
def test_one_report_per_structure_and_year():
    structure = StructureFactory()
    SocialReport.objects.create(structure=structure, year=2024)
    with pytest.raises(IntegrityError):
        SocialReport.objects.create(structure=structure, year=2024)


@pytest.mark.django_db
def test_scale_above_three_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        SocialReport.objects.create(structure=StructureFactory(), year=2024, participation_level=4)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("grid_scores", {"activite_1": 4}),
        ("grid_scores", {"inconnu_1": 1}),
        ("grid_scores", {"activite_1": True}),
        ("grid_comments", {"activite_1": "x" * 1001}),
        ("grid_comments", {"inconnu_1": "x"}),
        ("priority_axes", ["inconnu"]),
        ("priority_axes", "activite"),
    ],
)
def test_clean_refuses_what_the_registry_does_not_declare(field, value):
    report = SocialReport(structure=StructureFactory(), year=2024, **{field: value})
    with pytest.raises(ValidationError) as refused:
        report.clean_fields()
        report.clean()
    assert field in refused.value.message_dict


@pytest.mark.django_db
def test_clean_accepts_a_grid_of_the_registry():
    report = SocialReport(
        structure=StructureFactory(),
        year=2024,
        grid_scores=dict.fromkeys(CRITERION_CODES, 3),
        grid_comments={"activite_1": "x" * 1000},
        priority_axes=["prospective"],
        grid_participants=3,
    )
    report.clean()
    assert report.axis_scores()["prospective"] == 3
