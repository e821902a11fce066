"""Contracts, lots and reported hours as partners see them; a report written by a
facilitator's tool is checked by the rules of the hours entry page (``forms``)."""

import uuid

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from iae_portal.api.errors import form_errors
from structures.validators import normalize_siret

from ..enums import Modality, PublicCategory
from ..forms import HoursFormSet, PeriodForm
from ..models import HoursReport, Lot, LotInterest, Marche, PlannedPurchase

EXTERNAL_ID_HELP = (
    "Identifiant de l'objet dans votre outil, unique pour votre client : un second POST "
    "avec le même external_id met à jour au lieu de créer."
)


class MarcheSerializer(serializers.ModelSerializer):
    buyer = serializers.CharField(source="buyer.name", read_only=True, help_text="Acheteur.")
    buyer_kind = serializers.CharField(
        source="buyer.kind", read_only=True, help_text="Type d'acheteur (clauses.md)."
    )
    department = serializers.CharField(
        source="department_id",
        read_only=True,
        allow_null=True,
        help_text="Département d'exécution (code INSEE), s'il est connu.",
    )

    class Meta:
        model = Marche
        fields = ["uuid", "ref", "buyer", "buyer_kind", "notification_date", "type",
                  "amount_ht", "department", "updated_at"]  # fmt: skip


class LotSerializer(serializers.ModelSerializer):
    marche = serializers.UUIDField(
        source="marche.uuid", read_only=True, help_text="UUID du marché."
    )
    marche_ref = serializers.CharField(
        source="marche.ref", read_only=True, help_text="Référence du marché."
    )
    facilitator = serializers.CharField(
        source="facilitator.name",
        read_only=True,
        allow_null=True,
        help_text="Facilitateur qui suit le lot.",
    )

    class Meta:
        model = Lot
        fields = ["uuid", "marche", "marche_ref", "ref", "object", "procedure", "amount_ht",
                  "clause", "hours_required", "labour_share", "insertion_rate", "hourly_cost",
                  "facilitator", "attributaire_name", "attributaire_siret", "activity_codes",
                  "offered_at", "updated_at"]  # fmt: skip
        extra_kwargs = {
            "activity_codes": {
                "help_text": "Sous-classes NAF des travaux ou services du lot (ex. 43.31Z)."
            },
            "offered_at": {
                "help_text": "Quand le lot a été proposé aux SIAE dont les activités et le "
                "territoire correspondent (null s'il ne l'a pas été)."
            },
            "hours_required": {"help_text": "Heures d'insertion exigées."},
            "labour_share": {"help_text": "Part de main-d'œuvre du lot (fraction), s'il en a une."},
            "insertion_rate": {"help_text": "Taux d'insertion du lot (fraction), s'il en a un."},
            "hourly_cost": {"help_text": "Coût horaire moyen du lot (€), s'il en a un."},
        }


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2025-04"})
class PeriodField(serializers.CharField):
    # A month as ``YYYY-MM`` (the first day of the month in the database).

    def to_representation(self, value):
        return f"{value:%Y-%m}"


class HoursSerializer(serializers.ModelSerializer):
    # The participant's pseudonymous reference only for the facilitators of the lot, as
    # the pages (``perms.can_view_participants``): ``null`` for anyone else.

    lot = serializers.UUIDField(source="lot.uuid", read_only=True, help_text="UUID du lot.")
    marche = serializers.UUIDField(
        source="lot.marche.uuid", read_only=True, help_text="UUID du marché."
    )
    period = PeriodField(read_only=True, help_text="Mois déclaré (AAAA-MM).")
    participant_ref = serializers.SerializerMethodField(
        help_text="Référence pseudonyme du participant : pour les facilitateurs du lot "
        "seulement (null sinon)."
    )
    siae_siret = serializers.CharField(
        source="siae.siret", read_only=True, allow_null=True, help_text="SIRET de la SIAE."
    )

    class Meta:
        model = HoursReport
        fields = ["uuid", "lot", "marche", "period", "participant_ref", "public_category",
                  "modality", "siae_siret", "hours", "updated_at"]  # fmt: skip

    def get_participant_ref(self, report) -> str | None:
        return report.participant_ref if getattr(report, "show_participant", False) else None


class HoursWriteSerializer(serializers.Serializer):
    # One line of a monthly report; the same line (lot, month, participant, modality, SIAE)
    # sent again takes the new public and hours, as the entry page and the import.

    lot = serializers.UUIDField(help_text="UUID du lot (avec une clause sociale).")
    period = serializers.CharField(max_length=7, help_text="Mois déclaré (AAAA-MM).")
    participant_ref = serializers.CharField(
        max_length=64,
        help_text="Référence pseudonyme du participant (au moins un chiffre, sans espace ni "
        "« @ »), jamais son nom.",
    )
    public_category = serializers.ChoiceField(choices=PublicCategory.choices)
    modality = serializers.ChoiceField(choices=Modality.choices)
    siae_siret = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="SIRET d'une structure connue du portail ; vide pour une embauche directe.",
    )
    hours = serializers.DecimalField(max_digits=8, decimal_places=2, help_text="Heures (> 0).")
    external_id = serializers.CharField(
        required=False, max_length=255, write_only=True, help_text=EXTERNAL_ID_HELP
    )

    def validate_lot(self, value):
        lot = self.context["view"].writable_lots().filter(uuid=value).first()
        if lot is None:
            raise serializers.ValidationError("Lot introuvable.", code="does_not_exist")
        if not lot.has_clause:
            raise serializers.ValidationError(
                "Ce lot n'a pas de clause sociale : il n'y a pas d'heures à déclarer.",
                code="no_clause",
            )
        return lot

    def validate(self, attrs):
        """The entry page's rules, by its forms: month, pseudonym, SIAE known and required
        except for a direct hire, hours above zero. Gives ``attrs["line"]`` (an
        ``HoursLine``) and ``attrs["period"]`` (a date)."""
        period = PeriodForm({"period": attrs["period"]})
        line = {name: attrs.get(name) for name in HoursFormSet.form.base_fields}
        data = {f"lines-0-{name}": value for name, value in line.items() if value is not None}
        formset = HoursFormSet(
            data | {"lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0"}, prefix="lines"
        )
        errors = form_errors(period) | (
            form_errors(formset.forms[0]) if not formset.is_valid() else {}
        )
        if errors:
            raise serializers.ValidationError(errors)
        attrs["period"] = period.cleaned_data["period"]
        attrs["line"] = formset.lines[0]
        return attrs


def parse_period(raw):
    """The first day of the month ``raw`` (``YYYY-MM``) names, or ``None``."""
    form = PeriodForm({"period": raw if isinstance(raw, str) else ""})
    return form.cleaned_data["period"] if form.is_valid() else None


def line_key(data):
    """``(lot uuid, period, participant_ref, modality, siret or "")`` of a request's line,
    ``None`` when it does not hold one (the serializer then says what is wrong)."""
    if not hasattr(data, "get"):
        return None
    lot, ref, modality, siret = (
        data.get(k) for k in ("lot", "participant_ref", "modality", "siae_siret")
    )
    if not all(_plain_text(value) for value in (lot, ref, modality, siret or "")):
        return None
    try:
        lot = uuid.UUID(lot)
    except ValueError:
        return None
    period = parse_period(data.get("period"))
    if period is None:
        return None
    return lot, period, ref.strip(), modality, normalize_siret(siret)


def _plain_text(value):
    """Text a database accepts in a lookup (no NUL, no lone surrogate), of a sane length."""
    if not isinstance(value, str) or len(value) > 255 or "\x00" in value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


class PlannedPurchaseSerializer(serializers.ModelSerializer):
    # A purchase of a buyer's yearly programme, and the contract it became once notified.

    buyer = serializers.CharField(source="buyer.name", read_only=True, help_text="Acheteur.")
    buyer_kind = serializers.CharField(
        source="buyer.kind", read_only=True, help_text="Type d'acheteur (clauses.md)."
    )
    facilitator = serializers.CharField(
        source="facilitator.name",
        read_only=True,
        allow_null=True,
        help_text="Facilitateur qui a saisi l'achat avec l'acheteur.",
    )
    department = serializers.CharField(
        source="department_id",
        read_only=True,
        allow_null=True,
        help_text="Département d'exécution (code INSEE), s'il est connu.",
    )
    marche = serializers.UUIDField(
        source="marche.uuid",
        read_only=True,
        allow_null=True,
        help_text="UUID du marché notifié (null tant que l'achat n'est pas notifié).",
    )

    class Meta:
        model = PlannedPurchase
        fields = ["uuid", "buyer", "buyer_kind", "year", "object", "type", "activity_codes",
                  "estimated_amount_ht", "launch_quarter", "clause", "hours_planned",
                  "labour_share", "insertion_rate", "hourly_cost", "facilitator", "department",
                  "status", "marche", "updated_at"]  # fmt: skip
        extra_kwargs = {
            "year": {"help_text": "Année du programme d'achats."},
            "activity_codes": {"help_text": "Sous-classes NAF de l'achat (ex. 43.31Z)."},
            "launch_quarter": {"help_text": "Trimestre de lancement prévu (1 à 4)."},
            "clause": {"help_text": "Clause prévue (clauses.md)."},
            "hours_planned": {"help_text": "Heures d'insertion prévues."},
            "status": {"help_text": "prevu, notifie (voir `marche`) ou abandonne."},
        }


class InterestSerializer(serializers.ModelSerializer):
    # A structure said « intéressé » for an offered lot (withdrawn: ``withdrawn_at``). Who
    # said it is not given: the structure speaks.

    lot = serializers.UUIDField(source="lot.uuid", read_only=True, help_text="UUID du lot.")
    marche = serializers.UUIDField(
        source="lot.marche.uuid", read_only=True, help_text="UUID du marché."
    )
    structure = serializers.UUIDField(
        source="structure.uuid", read_only=True, help_text="UUID de la structure."
    )
    siret = serializers.CharField(
        source="structure.siret", read_only=True, help_text="SIRET de la structure."
    )

    class Meta:
        model = LotInterest
        fields = ["uuid", "lot", "marche", "structure", "siret", "created_at", "withdrawn_at",
                  "updated_at"]  # fmt: skip
        extra_kwargs = {
            "created_at": {"help_text": "Quand la structure s'est dite intéressée."},
            "withdrawn_at": {"help_text": "Quand elle a retiré son intérêt (null sinon)."},
        }
