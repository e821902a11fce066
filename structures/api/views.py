"""``/api/v1/structures/``: the directory, addressed by SIRET, written by write clients."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from iae_portal.api.viewsets import ReadOnlyViewSet, ScopedMixin, UpsertMixin

from .. import perms, services
from ..models import StructureActivity
from . import stored
from .filters import ActivityFilter, StructureFilter
from .serializers import (
    ActivitySerializer,
    StructureSerializer,
    StructureWriteSerializer,
    represent,
)

WRITE_EXAMPLE = OpenApiExample(
    "Création (ou mise à jour par external_id)",
    value={
        "external_id": "crm-1042",
        "siret": "73282932000074",
        "name": "Chantier de la Meurthe",
        "kind": "ACI",
        "legal_form": "association",
        "address": "3 rue des Jardins",
        "postal_code": "54000",
        "city": "Nancy",
        "department": "54",
        "networks": ["coorace"],
    },
    request_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary="Liste des structures",
        description="Les structures visibles par ce client, dans un ordre stable, paginées "
        "par curseur ; `updated_since` compte aussi les conventions, réseaux et chiffres.",
    ),
    retrieve=extend_schema(
        summary="Une structure (par SIRET)",
        description="Avec `ETag` : renvoyer `If-None-Match` donne 304 si rien n'a changé.",
    ),
    create=extend_schema(
        summary="Créer une structure",
        description="Jeton en écriture. Avec `external_id`, un second envoi met à jour la "
        "structure déjà créée ; `Idempotency-Key` rejoue la première réponse.",
        request=StructureWriteSerializer,
        responses={201: StructureSerializer, 200: StructureSerializer},
        examples=[WRITE_EXAMPLE],
    ),
    update=extend_schema(summary="Remplacer une structure", request=StructureWriteSerializer),
    partial_update=extend_schema(
        summary="Modifier une structure", request=StructureWriteSerializer
    ),
)
@extend_schema(tags=["structures"])
class StructureViewSet(
    UpsertMixin,
    ScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = StructureSerializer
    write_serializer_class = StructureWriteSerializer
    filterset_class = StructureFilter
    lookup_field = "siret"
    lookup_value_regex = r"\d{14}"
    scope_paths = {"department": "department_id", "structure": "pk", "dla": None}
    external_type = "structure"
    scope_field = "department"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def visible_queryset(self):
        return perms.visible_structures(self.request.user)

    def paginate_queryset(self, queryset):
        # A page's keys and its structures' stored JSON (``stored``), not their rows.
        return super().paginate_queryset(queryset.values(*stored.PAGE_FIELDS))

    def prepare(self, rows):
        if rows and isinstance(rows[0], dict):
            return stored.page(rows)
        return represent(rows)  # a structure written (a model): represented on its own

    def get_object(self):
        # The model itself (a write changes it): the serializer represents it alone.
        return super(ScopedMixin, self).get_object()

    def write(self, serializer, instance):
        user = self.request.user
        data = serializer.service_data()
        networks = serializer.validated_data.get("networks")
        if instance is None:
            if not perms.can_create_structure(user):
                raise PermissionDenied
            return services.structure_create(actor=user, data=data, networks=networks or ())
        if not perms.can_edit_structure(user, instance):
            raise PermissionDenied
        services.structure_update(actor=user, structure=instance, data=data, networks=networks)
        return instance


@extend_schema_view(
    list=extend_schema(
        summary="Activités déclarées des structures",
        description="Une ligne par structure et sous-classe NAF déclarée, pour les "
        "structures visibles par ce client (comme `/structures/`) ; une activité retirée "
        "paraît dans `/deletions/` (type `structure_activity`).",
    ),
    retrieve=extend_schema(summary="Une activité déclarée (par UUID)"),
)
@extend_schema(tags=["structures"])
class StructureActivityViewSet(ReadOnlyViewSet):
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    scope_paths = {
        "department": "structure__department_id",
        "structure": "structure_id",
        "dla": None,
    }

    def visible_queryset(self):
        return StructureActivity.objects.filter(
            structure__in=perms.visible_structures(self.request.user)
        ).select_related("structure")
