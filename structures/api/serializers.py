"""Structures as partners see them: identity, conventions, networks and yearly figures."""

import orjson
from django.db import models
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from iae_portal.compiled import compiled_sql, fetch_rows

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
        """What the view prepared: a page's stored JSON (``stored.page``) or the dict
        ``represent`` made; a structure given as a model is represented on its own."""
        if isinstance(structure, dict | orjson.Fragment):
            return structure
        return represent([structure])[0]


# What a structure's row holds before its children join it: read with ``values()`` on a
# page of the API (a sync reads 1,000 structures a page: building models, sending their
# init signals and walking DRF's fields cost more than the queries), or from a model.
ROW_FIELDS = ("pk", "uuid", *STRUCTURE_FIELDS, "created_at", "updated_at")


# The figures written as text (two decimals…), as DRF's DecimalField would.
DECIMAL_FIGURES = tuple(
    name
    for name in FIGURES_FIELDS
    if isinstance(YearlyFigures._meta.get_field(name), models.DecimalField)
)


def _instant(value, tz):
    return None if value is None else value.astimezone(tz).isoformat()


def _day(value):
    return None if value is None else value.isoformat()


class CompiledRows:
    """The ``values_list`` rows of ``query(*args)``, its SQL compiled once.

    On PostgreSQL a page's structure ids are one parameter (an array: ``structure_id__any``),
    so the SQL of a page's children is the same for every page: it is compiled once (with
    ``sample`` as arguments) and sent as is with each page's arguments (compiling it cost
    more than running it). Elsewhere, or when a column needs a conversion the driver does
    not do, the queryset runs as usual."""

    def __init__(self, query, sample=()):
        self.query = query
        self.sample = tuple(sample)
        self.compiled = None  # (database alias, SQL or None), on first use

    def _compile(self):
        sample = self.query(*self.sample)
        found = compiled_sql(sample)
        if found is None or found[2] != self.sample:
            return sample.db, None
        return found[0], found[1]

    def rows(self, *args):
        if self.compiled is None:
            self.compiled = self._compile()
        alias, sql = self.compiled
        if sql is None:
            return list(self.query(*args))
        return fetch_rows(alias, sql, args)


REGIONS = CompiledRows(lambda: Department.objects.values_list("code", "region_id"))


CONVENTIONS = CompiledRows(
    lambda ids: (
        Convention.objects.filter(structure_id__any=ids)
        .order_by("start_date", "pk")
        .values_list("structure_id", "kind", "number", "start_date", "end_date", "updated_at")
    ),
    sample=[[0]],
)
NETWORKS = CompiledRows(
    lambda ids: (
        NetworkAffiliation.objects.filter(structure_id__any=ids)
        .order_by("network", "start_date", "pk")
        .values_list("structure_id", "network", "start_date", "end_date", "updated_at")
    ),
    sample=[[0]],
)
FIGURES = CompiledRows(
    lambda ids: (
        YearlyFigures.objects.filter(structure_id__any=ids)
        .order_by("year", "pk")
        .values_list("structure_id", *FIGURES_FIELDS, "updated_at")
    ),
    sample=[[0]],
)
# Where the figures' decimals are in a row of ``FIGURES`` (after the structure's id).
DECIMAL_COLUMNS = tuple(1 + FIGURES_FIELDS.index(name) for name in DECIMAL_FIGURES)
TOTAL_RESOURCES = 1 + FIGURES_FIELDS.index("total_resources")
PUBLIC_SUBSIDIES = 1 + FIGURES_FIELDS.index("public_subsidies")


def represent(structures):
    """``structures`` (``values(*ROW_FIELDS)`` rows or models) as the API writes them, with
    their conventions, networks and figures: four queries whatever their number. A sync's
    pages serve this output stored (``stored``): raise ``stored.FORMAT`` with any change
    to it, so that every stored structure is written again."""
    rows = [
        s if isinstance(s, dict) else {name: getattr(s, name) for name in ROW_FIELDS}
        for s in structures
    ]
    if not rows:
        return []
    tz = timezone.get_current_timezone()
    regions = dict(REGIONS.rows())
    today = timezone.localdate()
    children = {row["pk"]: ([], [], []) for row in rows}
    ids = list(children)
    for structure_id, kind, number, start, end, updated in CONVENTIONS.rows(ids):
        children[structure_id][0].append(
            {
                "kind": kind,
                "number": number,
                "start_date": start.isoformat(),
                "end_date": None if end is None else end.isoformat(),
                "active": start <= today and (end is None or end >= today),
                "updated_at": updated.astimezone(tz).isoformat(),
            }
        )
    for structure_id, network, start, end, updated in NETWORKS.rows(ids):
        children[structure_id][1].append(
            {
                "network": network,
                "start_date": _day(start),
                "end_date": None if end is None else end.isoformat(),
                "updated_at": updated.astimezone(tz).isoformat(),
            }
        )
    names = ("structure_id", *FIGURES_FIELDS)
    rate_of = YearlyFigures.financing_rate
    for values in FIGURES.rows(ids):
        values = list(values)
        rate = rate_of(values[TOTAL_RESOURCES], values[PUBLIC_SUBSIDIES])
        for index in DECIMAL_COLUMNS:
            value = values[index]
            if value is not None:
                values[index] = str(value)
        row = dict(zip(names, values[:-1], strict=True))
        structure_id = row.pop("structure_id")
        row["self_financing_rate"] = None if rate is None else str(rate)
        row["updated_at"] = values[-1].astimezone(tz).isoformat()
        children[structure_id][2].append(row)
    return [
        {
            "uuid": str(row["uuid"]),
            "siret": row["siret"],
            "name": row["name"],
            "kind": row["kind"],
            "legal_form": row["legal_form"],
            "address": row["address"],
            "postal_code": row["postal_code"],
            "city": row["city"],
            "department": row["department_id"],
            "region": regions[row["department_id"]],
            "activity": row["activity"],
            "email": row["email"],
            "phone": row["phone"],
            "conventions": children[row["pk"]][0],
            "networks": children[row["pk"]][1],
            "figures": children[row["pk"]][2],
            "created_at": _instant(row["created_at"], tz),
            "updated_at": _instant(row["updated_at"], tz),
        }
        for row in rows
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
