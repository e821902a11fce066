"""``/api/v1/``: schemes, the simulator, campaigns and dossiers."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from iae_portal.api.errors import Conflict, FieldError, error_body, register_conversion
from iae_portal.api.idempotency import idempotent
from iae_portal.api.parsers import MultiPartParser
from iae_portal.api.scope import client_of, restrict
from iae_portal.api.viewsets import ReadOnlyViewSet, ScopedMixin, UpsertMixin
from structures import perms as structure_perms
from structures.api.views import StructureViewSet

from .. import perms
from ..models import (
    AidScheme,
    Campaign,
    FinancingPlan,
    OpinionRequest,
    ParameterVersion,
    PartnerOpinion,
)
from ..rules import BadInput
from ..services import (
    DossierChanged,
    TransitionRefused,
    document_add,
    dossier_create,
    dossier_save_data,
)
from ..simulation import SchemeBook
from ..workflow import APPLICANT, APPLICANT_EDITABLE
from . import schema
from .filters import CampaignFilter, DossierFilter, FinancingPlanFilter, OpinionRequestFilter
from .serializers import (
    CampaignSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    DossierSerializer,
    DossierWriteSerializer,
    FinancingPlanSerializer,
    OpinionRequestSerializer,
    SchemeSerializer,
)

MAX_CASES = 1000

register_conversion(BadInput, lambda error: FieldError(error.field, error.message))
register_conversion(DossierChanged, lambda error: Conflict(error.message, code="changed"))
register_conversion(TransitionRefused, lambda error: Conflict(str(error), code="refused"))


@extend_schema_view(
    list=extend_schema(summary="Dispositifs d'aide", description="Le catalogue, à tous."),
    retrieve=extend_schema(summary="Un dispositif (par UUID)"),
)
@extend_schema(tags=["aides"])
class SchemeViewSet(ReadOnlyViewSet):
    serializer_class = SchemeSerializer
    scope_paths = None  # the public catalogue

    def visible_queryset(self):
        return AidScheme.objects.with_current_version()

    def updated_since_filter(self, queryset, instant):
        # A new version of the parameters changes the scheme as the API shows it.
        newer = ParameterVersion.objects.filter(scheme=OuterRef("pk"), created_at__gte=instant)
        return queryset.filter(Q(updated_at__gte=instant) | Exists(newer))


@extend_schema(
    tags=["aides"],
    summary="Simuler une aide",
    description=(
        "Le contrat de simulation (aid-rules.md) : un cas, ou un tableau de cas (1 000 au "
        "plus) qui donne un tableau de résultats dans le même ordre, comme la commande "
        "`simulate_aid`. Une entrée hors contrat répond 400 en nommant le champ "
        "(`[1].positions[0].etp`). Permis aux jetons en lecture (rien n'est enregistré)."
    ),
    request={"application/json": schema.REQUEST},
    responses={200: schema.RESPONSE, 400: OpenApiResponse(description="Entrée hors contrat.")},
    examples=schema.EXAMPLES,
)
class SimulateView(APIView):
    read_only_post = True

    def post(self, request):
        data = request.data
        if isinstance(data, list) and len(data) > MAX_CASES:
            raise FieldError(None, f"{MAX_CASES} cas au plus par requête.", code="too_many")
        return Response(SchemeBook().simulate_many(data))


@extend_schema_view(
    list=extend_schema(summary="Appels à candidatures"),
    retrieve=extend_schema(summary="Un appel à candidatures (par UUID)"),
)
@extend_schema(tags=["aides"])
class CampaignViewSet(ReadOnlyViewSet):
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    scope_paths = None  # calls for applications are public

    def visible_queryset(self):
        return Campaign.objects.select_related("scheme")


@extend_schema_view(
    list=extend_schema(
        summary="Dossiers",
        description="Les dossiers visibles : agents de la région, membres de la structure.",
    ),
    retrieve=extend_schema(summary="Un dossier (par UUID)"),
    create=extend_schema(
        summary="Créer un brouillon",
        description="Par le client d'une structure dont il est directeur (jeton en écriture "
        "restreint à la structure). Avec `data`, les données sont enregistrées et calculées. "
        "`external_id` : un second envoi met à jour le brouillon ; `Idempotency-Key` rejoue.",
        request=DossierWriteSerializer,
        responses={201: DossierSerializer, 200: DossierSerializer},
    ),
    partial_update=extend_schema(
        summary="Compléter un brouillon",
        description="Tant que le dossier est modifiable par le demandeur (sinon 409).",
        request=DossierWriteSerializer,
    ),
)
@extend_schema(tags=["aides"])
class DossierViewSet(
    UpsertMixin,
    ScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DossierSerializer
    write_serializer_class = DossierWriteSerializer
    filterset_class = DossierFilter
    scope_paths = {"department": "structure__department_id", "structure": "structure_id"}
    external_type = "dossier"
    scope_field = "structure"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def visible_queryset(self):
        return (
            perms.visible_dossiers(self.request.user)
            .select_related("structure__department", "campaign__scheme", "computation")
            .prefetch_related("documents")
        )

    def _structure(self, siret):
        client = client_of(self.request)
        if not siret:
            if client is not None and client.structure_id:
                return client.structure
            raise FieldError("structure", "Indiquez le SIRET de la structure.", code="required")
        structures = restrict(
            structure_perms.visible_structures(self.request.user),
            client,
            StructureViewSet.scope_paths,
        )
        structure = structures.filter(siret=siret).first()
        if structure is None:
            raise FieldError("structure", "Structure introuvable.", code="does_not_exist")
        return structure

    def _check_editable(self, dossier):
        user = self.request.user
        if APPLICANT not in perms.dossier_actors(user, dossier):
            raise PermissionDenied
        if dossier.state not in APPLICANT_EDITABLE:
            raise Conflict(
                f"Le dossier est « {dossier.get_state_display()} » : il n'est plus modifiable.",
                code="not_editable",
            )

    def write(self, serializer, instance):
        user, values = self.request.user, serializer.validated_data
        if instance is None:
            campaign = values.get("campaign")
            if campaign is None:
                raise FieldError("campaign", "Indiquez l'appel à candidatures.", code="required")
            dossier = dossier_create(
                actor=user,
                structure=self._structure(values.get("structure")),
                campaign=campaign,
                title=values.get("title", ""),
            )
            version = dossier.version
        else:
            dossier = instance
            self._check_editable(dossier)
            version = values.get("version", dossier.version)
            if "data" not in values and "title" not in values:
                return dossier
        if "data" in values or instance is not None:
            try:
                dossier_save_data(
                    actor=user,
                    dossier=dossier,
                    expected_version=version,
                    data=values.get("data", dossier.data),
                    title=values.get("title"),
                )
            except BadInput as error:
                raise FieldError(f"data.{error.field}", error.message) from None
        return dossier

    @extend_schema(
        summary="Déposer une pièce justificative",
        description="`multipart/form-data` : `kind` et `file` (PDF, JPEG ou PNG reconnus par "
        "leur contenu, 10 Mo au plus, nom sans chemin), analysé par l'antivirus : un fichier "
        "infecté est refusé (400, code `infected`) ; si l'antivirus ne répond pas, la pièce "
        "attend son analyse (`scan_state` : `pending`) ou, selon la configuration, est "
        "refusée (503, code `scan_unavailable`). Tant que le dossier est modifiable.",
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser], url_path="documents")
    @idempotent
    def documents(self, request, uuid=None):
        dossier = self.get_object()
        upload = DocumentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        self._check_editable(dossier)
        try:
            document = document_add(
                actor=request.user,
                dossier=dossier,
                kind=upload.validated_data["kind"],
                upload=upload.validated_data["file"],
            )
        except DjangoValidationError as error:
            # clamd unreachable and CLAMD_UNREACHABLE "refuse": try again later.
            unavailable = error.code == "scan_unavailable"
            return Response(
                error_body([("file", error.code or "invalid", error.messages[0])]),
                status=status.HTTP_503_SERVICE_UNAVAILABLE
                if unavailable
                else status.HTTP_400_BAD_REQUEST,
            )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


# -- Partners' data: opinion requests and financing plans (read only) ----------------------


@extend_schema_view(
    list=extend_schema(
        summary="Demandes d'avis",
        description="Les avis demandés aux partenaires (État, Département, DLA, réseaux…) sur "
        "les dossiers visibles, avec les avis rendus : agents de la région et clients sans "
        "restriction ou d'un département ; jamais le demandeur. Ni le nom ni l'adresse du "
        "partenaire : son organisme. `updated_since` compte aussi les avis rendus depuis.",
    ),
    retrieve=extend_schema(summary="Une demande d'avis (par UUID)"),
)
@extend_schema(tags=["aides"])
class OpinionRequestViewSet(ReadOnlyViewSet):
    serializer_class = OpinionRequestSerializer
    filterset_class = OpinionRequestFilter
    # No "structure": a structure's client acts for the applicant, who never reads opinions.
    scope_paths = {"department": "dossier__structure__department_id"}

    def visible_queryset(self):
        opinions = PartnerOpinion.objects.annotate(attachments_count=Count("attachments"))
        requests = OpinionRequest.objects.select_related(
            "dossier__structure", "organisation"
        ).prefetch_related("shared_documents", Prefetch("opinions", queryset=opinions))
        return perms.api_opinion_requests(self.request.user, requests)

    def updated_since_filter(self, queryset, instant):
        # An opinion given changes the request as the API shows it.
        newer = PartnerOpinion.objects.filter(request=OuterRef("pk"), created_at__gte=instant)
        return queryset.filter(Q(updated_at__gte=instant) | Exists(newer))


@extend_schema_view(
    list=extend_schema(
        summary="Plans de financement",
        description="Le coût total du projet, la part de la Région et les autres financeurs "
        "des dossiers visibles (agents de la région, membres de la structure), avec les "
        "contrôles : somme égale au coût, taux de financement public et plafond du "
        "dispositif. `updated_since` compte aussi les changements du dossier (la part de la "
        "Région en vient).",
    ),
    retrieve=extend_schema(summary="Un plan de financement (par UUID)"),
)
@extend_schema(tags=["aides"])
class FinancingPlanViewSet(ReadOnlyViewSet):
    serializer_class = FinancingPlanSerializer
    filterset_class = FinancingPlanFilter
    scope_paths = {
        "department": "dossier__structure__department_id",
        "structure": "dossier__structure_id",
    }

    def visible_queryset(self):
        plans = FinancingPlan.objects.select_related(
            "dossier__structure", "dossier__computation", "dossier__campaign__scheme"
        ).prefetch_related("lines")
        return perms.api_financing_plans(self.request.user, plans)

    def updated_since_filter(self, queryset, instant):
        return queryset.filter(Q(updated_at__gte=instant) | Q(dossier__updated_at__gte=instant))
