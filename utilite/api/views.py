"""``/api/v1/social-reports/``: the structures' yearly social utility reports, read as the
pages decide (``perms.visible_reports``), written by networks' tools through
``services.report_write`` (stored ``soumis``, as the import does; a validated report is
frozen: 409)."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ErrorDetail, PermissionDenied

from iae_portal.api.errors import Conflict, FieldError
from iae_portal.api.viewsets import ScopedMixin, UpsertMixin
from structures.models import Structure
from structures.validators import normalize_siret

from .. import perms, services
from ..indicators import BY_CODE
from ..models import SocialReport
from .filters import SCOPE, SocialReportFilter
from .serializers import SocialReportSerializer, SocialReportWriteSerializer

# Where a field of ``utilite.computations`` is in the API's body.
PATHS = {
    "grid_participants": "grid.participants",
    "priority_axes": "grid.priority_axes",
    "year": "year",
    "siret": "structure",
}


def api_path(field):
    """The body's path of a problem's field (an indicator, a criterion, the grid's columns,
    the year, the SIRET; ``None`` for the whole report)."""
    if field is None or field == NON_FIELD_ERRORS:
        return None
    if field in PATHS:
        return PATHS[field]
    if field in BY_CODE:
        return f"indicators.{field}"
    return f"grid.scores.{field}"


def refused(error):
    """The service's French refusals, each under its field's path."""
    detail = {}
    for field, messages in error.message_dict.items():
        path = api_path(field) or "non_field_errors"
        detail.setdefault(path, []).extend(ErrorDetail(m, code="invalid") for m in messages)
    return serializers.ValidationError(detail)


WRITE_EXAMPLE = OpenApiExample(
    "Un bilan sans grille",
    value={
        "external_id": "crm-bilan-2025-1042",
        "structure": "73282932000074",
        "year": 2025,
        "indicators": {
            "hours_worked": 21500,
            "turnover": 180000,
            "total_resources": 820000,
            "public_funding": 560000,
            "wages_paid": 470000,
            "local_purchases": 35000,
            "activities_created": 1,
            "insertion_employees": 36,
            "women": 14,
            "trained_employees": 20,
            "training_hours": 640,
            "qualifications": 4,
            "exits_total": 20,
            "exits_cdi": 2,
            "exits_cdd_6m": 3,
            "exits_creation": 0,
            "exits_fonction_publique": 0,
            "exits_cdd_court": 4,
            "exits_contrat_aide": 1,
            "exits_formation": 3,
            "exits_autre_siae": 1,
            "exits_autres": 6,
            "territorial_bodies": 2,
            "service_users": 120,
            "participation_level": 1,
            "cooperation_level": 2,
            "environmental_certification": False,
        },
        "grid": None,
    },
    request_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary="Bilans d'utilité sociale",
        description="Les bilans annuels que voit ce client (personnel de la région, "
        "département, structure), dans un ordre stable, paginés par curseur.",
    ),
    retrieve=extend_schema(
        summary="Un bilan (par uuid)",
        description="Avec `ETag` : renvoyer `If-None-Match` donne 304 si rien n'a changé.",
    ),
    create=extend_schema(
        summary="Déposer un bilan",
        description="Jeton en écriture d'une structure, d'un département ou sans "
        "restriction. Enregistré « soumis » comme par l'import ; le même (structure, "
        "année) ou `external_id` met à jour le bilan existant (200). Bilan validé : 409 "
        "s'il diffère.",
        request=SocialReportWriteSerializer,
        responses={201: SocialReportSerializer, 200: SocialReportSerializer},
        examples=[WRITE_EXAMPLE],
    ),
    update=extend_schema(summary="Remplacer un bilan", request=SocialReportWriteSerializer),
    partial_update=extend_schema(
        summary="Modifier un bilan",
        description="Les indicateurs donnés changent, les autres restent ; la grille donnée "
        "remplace la précédente.",
        request=SocialReportWriteSerializer,
    ),
)
@extend_schema(tags=["utilite-sociale"])
class SocialReportViewSet(
    UpsertMixin,
    ScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SocialReportSerializer
    write_serializer_class = SocialReportWriteSerializer
    filterset_class = SocialReportFilter
    scope_paths = SCOPE
    external_type = "social_report"
    scope_field = "structure"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def visible_queryset(self):
        return perms.visible_reports(
            self.request.user, SocialReport.objects.select_related("structure")
        )

    def natural_instance(self, data):
        """The visible report of the body's (structure, year), updated by a POST."""
        if not isinstance(data, dict):
            return None  # the serializer refuses it
        siret, year = data.get("structure"), data.get("year")
        if not isinstance(siret, str) or isinstance(year, bool) or not isinstance(year, int):
            return None
        siret = normalize_siret(siret)
        if not siret or "\x00" in siret:
            return None
        return self.get_queryset().filter(structure__siret=siret, year=year).first()

    def _structure(self, siret):
        structure = Structure.objects.filter(siret=normalize_siret(siret)).first()
        if structure is None:
            raise FieldError(
                "structure", f"Aucune structure n'a le SIRET « {siret} ».", "does_not_exist"
            )
        return structure

    def write(self, serializer, instance):
        user = self.request.user
        if not perms.may_write_reports_by_api(user):
            raise PermissionDenied("Ce client ne dépose pas de bilan d'utilité sociale.")
        if instance is None:
            structure = self._structure(serializer.validated_data["structure"])
            year = serializer.validated_data["year"]
        else:
            structure, year = instance.structure, instance.year
        if not perms.can_write_report_by_api(user, structure):
            if instance is not None:
                raise PermissionDenied("Ce client ne modifie pas le bilan de cette structure.")
            raise FieldError("structure", "Hors du périmètre de ce client.", "out_of_scope")
        figures, grid = serializer.service_values()
        try:
            report, _ = services.report_write(
                actor=user, structure=structure, year=year, figures=figures, grid=grid
            )
        except services.ReportFrozen as error:
            raise Conflict(error.messages[0], code="validated") from None
        except DjangoValidationError as error:
            raise refused(error) from None
        return report
