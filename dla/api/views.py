"""``/api/v1/dla/``: accompaniments and prestations (written by DLA tools through the
services of the accompaniment's path) and the yearly SIAE bilan."""

from django.db.models import Exists, OuterRef, Prefetch, Q
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from iae_portal.api.errors import Conflict, FieldError
from iae_portal.api.filters import query_year
from iae_portal.api.scope import client_of, restrict
from iae_portal.api.viewsets import ScopedMixin, UpsertMixin
from structures.models import Department, Structure

from .. import perms, services
from ..bilan import dla_bilan
from ..models import Prestation
from . import schema
from .filters import ACCOMPANIMENT_SCOPE, PRESTATION_SCOPE, AccompanimentFilter, PrestationFilter
from .serializers import (
    AccompanimentSerializer,
    AccompanimentWriteSerializer,
    PrestationSerializer,
    PrestationWriteSerializer,
)

SIRETS = Structure.objects.only("siret")


def refused(error):
    """A step the services refuse: 400 on its field, else 409 (the accompaniment's state)."""
    if error.field:
        return FieldError(error.field, error.message, code="refused")
    return Conflict(error.message, code="refused")


class _Writes(UpsertMixin, ScopedMixin, viewsets.GenericViewSet):
    def accompaniments(self):
        """The accompaniments this client sees."""
        visible = perms.visible_accompaniments(self.request.user)
        return restrict(visible, client_of(self.request), ACCOMPANIMENT_SCOPE)


@extend_schema_view(
    list=extend_schema(
        summary="Accompagnements DLA",
        description="Les accompagnements visibles : ceux de son DLA pour le client d'un DLA, "
        "ceux de la région pour les agents, ceux de sa structure pour un directeur.",
    ),
    retrieve=extend_schema(summary="Un accompagnement (par UUID)"),
    create=extend_schema(
        summary="Enregistrer une demande",
        description="Étape 1 du parcours (dla.md), par le client en écriture d'un DLA. "
        "`external_id` : un second envoi corrige la demande ; `Idempotency-Key` rejoue la "
        "première réponse. Accompagnement clos : 409.",
        request=AccompanimentWriteSerializer,
        responses={201: AccompanimentSerializer, 200: AccompanimentSerializer},
        examples=[schema.REQUEST_EXAMPLE],
    ),
    update=extend_schema(summary="Corriger la demande", request=AccompanimentWriteSerializer),
)
@extend_schema(tags=["dla"])
class AccompanimentViewSet(
    _Writes, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):  # fmt: skip
    serializer_class = AccompanimentSerializer
    write_serializer_class = AccompanimentWriteSerializer
    filterset_class = AccompanimentFilter
    scope_paths = ACCOMPANIMENT_SCOPE
    external_type = "accompaniment"
    scope_field = "dla"
    http_method_names = ["get", "post", "put", "head", "options"]

    def visible_queryset(self):
        return (
            perms.visible_accompaniments(self.request.user)
            .select_related("dla")
            .prefetch_related(Prefetch("structures", queryset=SIRETS))
        )

    def updated_since_filter(self, queryset, instant):
        # A new prestation names its beneficiaries among the accompanied structures.
        newer = Prestation.objects.filter(accompaniment=OuterRef("pk"), updated_at__gte=instant)
        return queryset.filter(Q(updated_at__gte=instant) | Exists(newer))

    def _dla(self, code):
        dlas = perms.request_dlas(self.request.user).select_related("department")
        if not dlas.exists():
            raise PermissionDenied("Ce client n'enregistre de demande pour aucun DLA.")
        if code is None:
            if dlas.count() != 1:
                raise FieldError("dla", "Indiquez le département du DLA.", code="required")
            return dlas.get()
        dla = dlas.filter(department_id=code).first()
        if dla is None:
            raise FieldError("dla", "Ce client n'a pas de DLA dans ce département.", "invalid")
        return dla

    def write(self, serializer, instance):
        user, code = self.request.user, serializer.validated_data.get("dla")
        try:
            if instance is None:
                return services.accompaniment_open(
                    actor=user, dla=self._dla(code), **serializer.service_kwargs()
                )
            if code is not None and code != instance.dla.department_id:
                raise FieldError("dla", "Un accompagnement ne change pas de DLA.", "immutable")
            return services.accompaniment_update_request(
                actor=user, accompaniment=instance, **serializer.service_kwargs()
            )
        except services.StepRefused as error:
            raise refused(error) from None


@extend_schema_view(
    list=extend_schema(summary="Prestations d'ingénierie"),
    retrieve=extend_schema(summary="Une prestation (par UUID)"),
    create=extend_schema(
        summary="Ajouter une prestation",
        description="Étape 4 (dla.md), une fois le plan d'accompagnement enregistré (409 "
        "sinon), par le client en écriture du DLA. Une prestation enregistrée ne change "
        "plus : renvoyer le même `external_id` avec les mêmes valeurs répond 200, avec "
        "d'autres 409.",
        request=PrestationWriteSerializer,
        responses={201: PrestationSerializer, 200: PrestationSerializer},
        examples=[schema.PRESTATION_EXAMPLE],
    ),
)
@extend_schema(tags=["dla"])
class PrestationViewSet(
    _Writes, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    serializer_class = PrestationSerializer
    write_serializer_class = PrestationWriteSerializer
    filterset_class = PrestationFilter
    scope_paths = PRESTATION_SCOPE
    external_type = "prestation"
    scope_field = "accompaniment"
    http_method_names = ["get", "post", "head", "options"]

    def visible_queryset(self):
        visible = perms.visible_accompaniments(self.request.user)
        return (
            Prestation.objects.filter(accompaniment__in=visible)
            .select_related("accompaniment__dla", "provider")
            .prefetch_related(Prefetch("beneficiaries", queryset=SIRETS))
        )

    def write(self, serializer, instance):
        values = serializer.validated_data
        if instance is not None:
            if not _says_the_same(instance, values, serializer.form.cleaned_data):
                raise Conflict(
                    "Cette prestation est enregistrée : elle ne se modifie plus.",
                    code="recorded",
                )
            return instance
        accompaniment = self.accompaniments().filter(uuid=values["accompaniment"]).first()
        if accompaniment is None:
            raise FieldError("accompaniment", "Accompagnement introuvable.", "does_not_exist")
        try:
            return services.accompaniment_add_prestation(
                actor=self.request.user,
                accompaniment=accompaniment,
                **serializer.service_kwargs(),
            )
        except services.StepRefused as error:
            raise refused(error) from None


# What a prestation's POST must repeat for its external_id to answer 200 (it never changes).
COMPARED = ("mode", "theme", "prescriber", "start_date", "end_date", "days", "cost",
            "recommendations")  # fmt: skip


def _says_the_same(prestation, values, cleaned):
    kind = cleaned["provider_kind"]
    beneficiaries = {s.pk for s in cleaned["beneficiaries"]}
    return (
        all(getattr(prestation, name) == cleaned[name] for name in COMPARED)
        and values["accompaniment"] == prestation.accompaniment.uuid
        and cleaned["provider_name"].strip() == prestation.provider.name
        and kind in ("", prestation.provider.kind)
        and beneficiaries == {s.pk for s in prestation.beneficiaries.all()}
    )


@extend_schema(
    tags=["dla"],
    summary="Bilan annuel SIAE des DLA",
    description="Les chiffres de `python manage.py dla_bilan --year Y --format json`, clés "
    "comprises (dla.md) : prestations commencées dans l'année, des DLA que le client voit "
    "(son DLA, ses départements ou sa région). `department` (répétable) et `region` le "
    "restreignent comme le rapport en ligne ; hors de son périmètre : 403.",
    parameters=[
        OpenApiParameter("year", int, required=True, description="Année du bilan."),
        OpenApiParameter(
            "department", str, many=True, description="Département d'un DLA (répétable)."
        ),
        OpenApiParameter("region", str, description="Région des DLA."),
    ],
    responses={200: OpenApiResponse(schema.BILAN, examples=[schema.BILAN_EXAMPLE])},
)
class BilanView(APIView):
    def get(self, request):
        if not perms.can_use_dla_pages(request.user):
            raise PermissionDenied("Ce client ne voit pas le bilan des DLA.")
        year = query_year(request)
        return Response(dla_bilan(year, departments=self._departments(request)))

    def _departments(self, request):
        """The départements asked (``department``, ``region``) within what the client sees;
        ``None`` for all."""
        allowed = perms.visible_departments(request.user)
        client = client_of(request)
        own = client and (client.department_id or (client.dla_id and client.dla.department_id))
        if own:
            allowed = [own] if allowed is None else [d for d in allowed if d == own]
        asked = None
        codes = request.query_params.getlist("department")
        if codes:
            known = set(Department.objects.filter(code__in=codes).values_list("code", flat=True))
            if unknown := sorted(set(codes) - known, key=str):
                raise FieldError("department", f"Département inconnu : {unknown[0][:3]}.")
            asked = known
        region = request.query_params.get("region")
        if region is not None:
            in_region = set(
                Department.objects.filter(region_id=region).values_list("code", flat=True)
            )
            if not in_region:
                raise FieldError("region", f"Région inconnue : {region[:3]}.")
            asked = in_region if asked is None else asked & in_region
        if asked is None:
            return allowed
        if allowed is not None and not asked <= set(allowed):
            raise PermissionDenied("Hors du périmètre de ce client.")
        return sorted(asked)
