"""``/api/v1/clauses/``: contracts, lots, reported hours (written by facilitators' tools)
and the yearly bilan."""

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

from iae_portal.api.errors import FieldError
from iae_portal.api.filters import query_year
from iae_portal.api.scope import client_of, restrict
from iae_portal.api.viewsets import ReadOnlyViewSet, ScopedMixin, UpsertMixin

from .. import perms, services
from ..bilan import clauses_bilan
from ..models import HoursReport
from . import schema
from .filters import (
    HOURS_SCOPE,
    INTEREST_SCOPE,
    LOT_SCOPE,
    MARCHE_SCOPE,
    PURCHASE_SCOPE,
    HoursFilter,
    InterestFilter,
    LotFilter,
    MarcheFilter,
    PlannedPurchaseFilter,
)
from .serializers import (
    HoursSerializer,
    HoursWriteSerializer,
    InterestSerializer,
    LotSerializer,
    MarcheSerializer,
    PlannedPurchaseSerializer,
    line_key,
)


@extend_schema_view(
    list=extend_schema(
        summary="Marchés clausés",
        description="Les marchés visibles : tous pour les agents de la région, ceux des lots "
        "suivis pour le client d'un facilitateur ; un client d'un département, ceux qui y "
        "sont exécutés (ou dont un lot y est suivi par son facilitateur).",
    ),
    retrieve=extend_schema(summary="Un marché (par UUID)"),
)
@extend_schema(tags=["clauses"])
class MarcheViewSet(ReadOnlyViewSet):
    serializer_class = MarcheSerializer
    filterset_class = MarcheFilter
    scope_paths = MARCHE_SCOPE

    def visible_queryset(self):
        return perms.visible_marches(self.request.user).select_related("buyer")


@extend_schema_view(
    list=extend_schema(
        summary="Lots",
        description="Les lots visibles, avec leur clause et les heures d'insertion exigées.",
    ),
    retrieve=extend_schema(summary="Un lot (par UUID)"),
)
@extend_schema(tags=["clauses"])
class LotViewSet(ReadOnlyViewSet):
    serializer_class = LotSerializer
    filterset_class = LotFilter
    scope_paths = LOT_SCOPE

    def visible_queryset(self):
        return perms.visible_lots(self.request.user).select_related("marche", "facilitator")


@extend_schema_view(
    list=extend_schema(
        summary="Achats prévus",
        description="Les programmes annuels d'achats des acheteurs : tous pour les agents de "
        "la région, ceux de ses facilitateurs pour le client d'un facilitateur ; un client "
        "d'un département, ceux qui y seront exécutés (ou, sans département, dont le "
        "facilitateur le couvre). Un achat notifié donne son marché.",
    ),
    retrieve=extend_schema(summary="Un achat prévu (par UUID)"),
)
@extend_schema(tags=["clauses"])
class PlannedPurchaseViewSet(ReadOnlyViewSet):
    serializer_class = PlannedPurchaseSerializer
    filterset_class = PlannedPurchaseFilter
    scope_paths = PURCHASE_SCOPE

    def visible_queryset(self):
        return perms.visible_purchases(self.request.user).select_related(
            "buyer", "facilitator", "marche"
        )


@extend_schema_view(
    list=extend_schema(
        summary="Intérêts des SIAE pour les lots proposés",
        description="Les structures qui se sont dites « intéressées » par un lot proposé : "
        "pour les agents de la région tous, pour un facilitateur ceux des lots qu'il suit, "
        "pour le directeur d'une SIAE (ou le client de sa structure) ceux de ses structures. "
        "Un intérêt retiré garde sa ligne (`withdrawn_at`).",
    ),
    retrieve=extend_schema(summary="Un intérêt (par UUID)"),
)
@extend_schema(tags=["clauses"])
class InterestViewSet(ReadOnlyViewSet):
    serializer_class = InterestSerializer
    filterset_class = InterestFilter
    scope_paths = INTEREST_SCOPE

    def visible_queryset(self):
        return perms.visible_interests(self.request.user).select_related("lot__marche", "structure")


@extend_schema_view(
    list=extend_schema(
        summary="Heures réalisées",
        description="Une ligne par mois, participant, modalité et SIAE. La référence du "
        "participant n'est donnée qu'aux facilitateurs du lot.",
    ),
    retrieve=extend_schema(summary="Une ligne d'heures (par UUID)"),
    create=extend_schema(
        summary="Déclarer des heures",
        description="Par le client en écriture d'un facilitateur, sur un lot qu'il suit et "
        "qui porte une clause. La même ligne (lot, mois, participant, modalité, SIAE) "
        "envoyée à nouveau prend le nouveau public et les nouvelles heures (réponse 200) ; "
        "`external_id` désigne une ligne déjà envoyée, `Idempotency-Key` rejoue la première "
        "réponse. Lot sans clause, SIAE inconnue, référence qui ressemble à un nom : 400.",
        request=HoursWriteSerializer,
        responses={201: HoursSerializer, 200: HoursSerializer},
        examples=[schema.HOURS_EXAMPLE],
    ),
)
@extend_schema(tags=["clauses"])
class HoursViewSet(
    UpsertMixin,
    ScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = HoursSerializer
    write_serializer_class = HoursWriteSerializer
    filterset_class = HoursFilter
    scope_paths = HOURS_SCOPE
    external_type = "heures"
    scope_field = "lot"
    http_method_names = ["get", "post", "head", "options"]

    def visible_queryset(self):
        return perms.visible_hours(self.request.user).select_related("lot__marche", "siae")

    def prepare(self, rows):
        """Each report knows whether its participant may be shown (one query a page)."""
        followed = set(
            perms.followed_lots(self.request.user)
            .filter(pk__in={row.lot_id for row in rows})
            .values_list("pk", flat=True)
        )
        for row in rows:
            row.show_participant = row.lot_id in followed
        return rows

    def writable_lots(self):
        """The lots this client sees (a lot it may not report on is then refused, 403)."""
        lots = perms.visible_lots(self.request.user).select_related("marche", "facilitator")
        return restrict(lots, client_of(self.request), LOT_SCOPE)

    def natural_instance(self, data):
        """The line the request designates by its own key, when already reported."""
        key = line_key(data)
        if key is None:
            return None
        lot, period, ref, modality, siret = key
        found = self.get_queryset().filter(
            lot__uuid=lot, period=period, participant_ref=ref, modality=modality
        )
        found = found.filter(siae__siret=siret) if siret else found.filter(siae__isnull=True)
        return found.first()

    def write(self, serializer, instance):
        values = serializer.validated_data
        lot, line = values["lot"], values["line"]
        if instance is not None:
            _check_same_line(instance, lot, values["period"], line)
        if not perms.can_report_hours(self.request.user, lot):
            raise PermissionDenied("Ce client ne suit pas ce lot : il n'y déclare pas d'heures.")
        services.hours_report(
            actor=self.request.user, lot=lot, period=values["period"], lines=[line]
        )
        return HoursReport.objects.get(
            lot=lot,
            period=values["period"],
            participant_ref=line.participant_ref,
            modality=line.modality,
            siae=line.siae,
        )


def _check_same_line(report, lot, period, line):
    """A line already sent keeps its identity: what changes is its public and hours."""
    identity = {
        "lot": (report.lot_id, lot.pk),
        "period": (report.period, period),
        "participant_ref": (report.participant_ref, line.participant_ref),
        "modality": (report.modality, line.modality),
        "siae_siret": (report.siae_id, line.siae.pk if line.siae else None),
    }
    for field, (before, after) in identity.items():
        if before != after:
            raise FieldError(
                field,
                "Une ligne déjà déclarée garde son lot, son mois, son participant, sa modalité "
                "et sa SIAE : seuls le public et les heures changent.",
                code="immutable",
            )


@extend_schema(
    tags=["clauses"],
    summary="Bilan annuel des clauses sociales",
    description="Les chiffres de `python manage.py clauses_bilan --year Y --format json`, "
    "clés comprises (clauses.md) : marchés notifiés dans l'année. Les agents de la région "
    "et leurs clients sans restriction ont le bilan de tous les lots ; un facilitateur (ou "
    "le client `--facilitator`), celui des lots qu'il suit et des lots exécutés dans les "
    "départements qu'il couvre ; 403 pour les autres.",
    parameters=[
        OpenApiParameter(
            "year", int, required=True, description="Année de notification des marchés."
        )
    ],
    responses={200: OpenApiResponse(schema.BILAN, examples=[schema.BILAN_EXAMPLE])},
)
class BilanView(APIView):
    def get(self, request):
        client = client_of(request)
        if not perms.can_view_bilan(request.user) or (client and client.restriction):
            raise PermissionDenied(
                "Le bilan est réservé aux agents de la région et aux facilitateurs."
            )
        user = request.user
        figures = clauses_bilan(
            query_year(request), lots=perms.bilan_lots(user), purchases=perms.bilan_purchases(user)
        )
        return Response(figures)
