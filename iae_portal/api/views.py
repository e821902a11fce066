"""The core's own endpoints: the deletions feed, and JSON 404s under /api/v1/."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound

from .deletions import visible_deletions
from .filters import INSTANT_HELP, parse_instant
from .models import Deletion
from .scope import client_of


class DeletionSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="object_id", help_text="UUID de l'objet supprimé.")

    class Meta:
        model = Deletion
        fields = ["type", "id", "deleted_at"]
        extra_kwargs = {
            "type": {"help_text": "Type de l'objet : structure, dossier, campaign, scheme…"},
            "deleted_at": {"help_text": "Instant de la suppression."},
        }


@extend_schema(
    tags=["synchronisation"],
    summary="Objets supprimés",
    description=(
        "Les suppressions visibles par ce client, dans l'ordre où elles ont eu lieu, "
        "paginées par curseur comme les listes. Après une synchronisation complète, "
        "lire ce flux depuis le début de la synchronisation précédente et retirer ces "
        "objets du miroir."
    ),
    parameters=[
        OpenApiParameter(
            "since", str, description="Suppressions à partir de cet instant. " + INSTANT_HELP
        )
    ],
)
class DeletionViewSet(viewsets.GenericViewSet, viewsets.mixins.ListModelMixin):
    serializer_class = DeletionSerializer
    cursor_ordering = ("deleted_at", "uuid")
    filter_backends = []

    def get_queryset(self):
        deletions = visible_deletions(self.request.user, client_of(self.request))
        since = self.request.query_params.get("since")
        if since is not None:
            deletions = deletions.filter(deleted_at__gte=parse_instant(since, "since"))
        return deletions


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
def not_found(request, path=""):
    raise NotFound("Cette adresse n'existe pas dans l'API.")
