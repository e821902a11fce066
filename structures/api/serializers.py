"""Structures as partners see them: identity, conventions, networks and yearly figures."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..enums import Network
from ..models import Convention, Department, NetworkAffiliation, Structure, YearlyFigures
from ..services import FIGURES_FIELDS


class ConventionSerializer(serializers.ModelSerializer):
    active = serializers.BooleanField(
        source="is_active", read_only=True, help_text="En cours aujourd'hui."
    )

    class Meta:
        model = Convention
        fields = ["kind", "number", "start_date", "end_date", "active", "updated_at"]


class NetworkSerializer(serializers.ModelSerializer):
    class Meta:
        model = NetworkAffiliation
        fields = ["network", "start_date", "end_date", "updated_at"]


class FiguresSerializer(serializers.ModelSerializer):
    self_financing_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        read_only=True,
        allow_null=True,
        help_text="(ressources totales − subventions publiques) / ressources totales ; "
        "calculé, jamais saisi.",
    )

    class Meta:
        model = YearlyFigures
        fields = [*FIGURES_FIELDS, "self_financing_rate", "updated_at"]


class StructureSerializer(serializers.ModelSerializer):
    department = serializers.CharField(
        source="department_id", read_only=True, help_text="Code INSEE du département."
    )
    region = serializers.CharField(
        source="department.region_id", read_only=True, help_text="Code INSEE de la région."
    )
    conventions = ConventionSerializer(many=True, read_only=True)
    networks = NetworkSerializer(
        many=True,
        read_only=True,
        source="affiliations",
        help_text="Adhésions aux réseaux, passées comprises (fin renseignée).",
    )
    figures = FiguresSerializer(many=True, read_only=True, help_text="Chiffres annuels.")
    updated_at = serializers.DateTimeField(
        read_only=True,
        help_text="Dernière modification de la structure ou de ses conventions, réseaux, chiffres.",
    )

    class Meta:
        model = Structure
        fields = [
            "uuid",
            "siret",
            "name",
            "kind",
            "legal_form",
            "address",
            "postal_code",
            "city",
            "department",
            "region",
            "activity",
            "email",
            "phone",
            "conventions",
            "networks",
            "figures",
            "created_at",
            "updated_at",
        ]


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": Network.values}})
class NetworkCodesField(serializers.ListField):
    child = serializers.ChoiceField(choices=Network.choices)


class StructureWriteSerializer(serializers.ModelSerializer):
    """What a client writes: the identity and the current networks (by code)."""

    department = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Department.objects.all(),
        help_text="Code INSEE du département (54, 2A, 971…).",
    )
    networks = NetworkCodesField(
        required=False,
        help_text="Réseaux actuels : les absents sont clos (historique gardé), les nouveaux "
        "commencent aujourd'hui. Omis : inchangés.",
    )
    external_id = serializers.CharField(
        required=False,
        max_length=255,
        write_only=True,
        help_text="Identifiant de l'objet dans votre outil, unique pour votre client : "
        "un second POST avec le même external_id met à jour au lieu de créer.",
    )

    class Meta:
        model = Structure
        fields = [
            "siret",
            "name",
            "kind",
            "legal_form",
            "address",
            "postal_code",
            "city",
            "department",
            "activity",
            "email",
            "phone",
            "networks",
            "external_id",
        ]

    def service_data(self):
        data = {
            k: v for k, v in self.validated_data.items() if k not in ("networks", "external_id")
        }
        if "department" in data:
            data["department_id"] = data.pop("department").code
        return data
