"""Structures as partners see them: identity, conventions, networks and yearly figures."""

from decimal import Decimal

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..enums import Network
from ..models import (
    Convention,
    Department,
    NetworkAffiliation,
    Structure,
    StructureActivity,
    YearlyFigures,
)
from ..services import FIGURES_FIELDS, STRUCTURE_FIELDS


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

    def to_representation(self, structure):
        """Written out by hand: a sync reads 1,000 structures a page, and DRF's field by field
        walk costs more than the queries (the output is the declared fields, exactly)."""
        return {
            "uuid": str(structure.uuid),
            "siret": structure.siret,
            "name": structure.name,
            "kind": structure.kind,
            "legal_form": structure.legal_form,
            "address": structure.address,
            "postal_code": structure.postal_code,
            "city": structure.city,
            "department": structure.department_id,
            "region": structure.api_children["region"],
            "activity": structure.activity,
            "email": structure.email,
            "phone": structure.phone,
            "conventions": structure.api_children["conventions"],
            "networks": structure.api_children["networks"],
            "figures": structure.api_children["figures"],
            "created_at": _instant(structure.created_at, structure.api_children["tz"]),
            "updated_at": _instant(structure.updated_at, structure.api_children["tz"]),
        }


def _instant(value, tz):
    return None if value is None else value.astimezone(tz).isoformat()


def _day(value):
    return None if value is None else value.isoformat()


def _decimal(value):
    return None if value is None else str(value)


def attach_children(structures):
    """Conventions, networks and figures of ``structures`` in three queries, as the API
    writes them (``structure.api_children``)."""
    by_pk = {s.pk: s for s in structures}
    if not by_pk:
        return structures
    tz = timezone.get_current_timezone()
    regions = dict(Department.objects.values_list("code", "region_id"))
    for structure in structures:
        structure.api_children = {
            "conventions": [],
            "networks": [],
            "figures": [],
            "region": regions[structure.department_id],
            "tz": tz,
        }
    today = timezone.localdate()
    ids = list(by_pk)
    conventions = Convention.objects.filter(structure_id__in=ids).order_by("start_date", "pk")
    for structure_id, kind, number, start, end, updated in conventions.values_list(
        "structure_id", "kind", "number", "start_date", "end_date", "updated_at"
    ):
        by_pk[structure_id].api_children["conventions"].append(
            {
                "kind": kind,
                "number": number,
                "start_date": _day(start),
                "end_date": _day(end),
                "active": start <= today and (end is None or end >= today),
                "updated_at": _instant(updated, tz),
            }
        )
    affiliations = NetworkAffiliation.objects.filter(structure_id__in=ids)
    for structure_id, network, start, end, updated in affiliations.order_by(
        "network", "start_date", "pk"
    ).values_list("structure_id", "network", "start_date", "end_date", "updated_at"):
        by_pk[structure_id].api_children["networks"].append(
            {
                "network": network,
                "start_date": _day(start),
                "end_date": _day(end),
                "updated_at": _instant(updated, tz),
            }
        )
    for f in YearlyFigures.objects.filter(structure_id__in=ids).order_by("year"):
        row = {name: getattr(f, name) for name in FIGURES_FIELDS}
        for name, value in row.items():
            if isinstance(value, Decimal):
                row[name] = _decimal(value)
        row["self_financing_rate"] = _decimal(f.self_financing_rate)
        row["updated_at"] = _instant(f.updated_at, tz)
        by_pk[f.structure_id].api_children["figures"].append(row)
    return structures


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
        # The fields the services write (``department`` by its code), as the form does.
        fields = [
            *(name.removesuffix("_id") for name in STRUCTURE_FIELDS),
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


class ActivitySerializer(serializers.ModelSerializer):
    # One activity a structure declares (its NAF sous-classe, structures.naf): what the
    # clauses' matching reads.

    structure = serializers.UUIDField(
        source="structure.uuid", read_only=True, help_text="UUID de la structure."
    )
    siret = serializers.CharField(
        source="structure.siret", read_only=True, help_text="SIRET de la structure."
    )
    code = serializers.CharField(
        source="naf_code", read_only=True, help_text="Sous-classe NAF rév. 2 (ex. 43.31Z)."
    )
    label = serializers.CharField(read_only=True, help_text="Libellé INSEE de la sous-classe.")
    main = serializers.BooleanField(
        source="is_main", read_only=True, help_text="Activité principale (code APE)."
    )

    class Meta:
        model = StructureActivity
        fields = ["uuid", "structure", "siret", "code", "label", "main", "updated_at"]
