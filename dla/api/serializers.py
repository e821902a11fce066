"""Accompaniments and prestations as partners see them; what a DLA's tool writes is
checked by the forms of the accompaniment's pages (``forms_steps``), then recorded by the
services."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from iae_portal.api.errors import form_errors

from ..enums import Mode, Prescriber, ProviderKind, Requester, Theme
from ..forms_steps import PrestationForm, RequestForm
from ..models import Accompaniment, Prestation

EXTERNAL_ID_HELP = (
    "Identifiant de l'objet dans votre outil, unique pour votre client : un second POST "
    "avec le même external_id désigne le même objet au lieu d'en créer un autre."
)


@extend_schema_field({"type": "array", "items": {"type": "string", "pattern": r"^\d{14}$"}})
class SiretsField(serializers.ListField):
    """Read: the SIRETs of a prefetched many-to-many; write: a list of SIRETs."""

    child = serializers.CharField(max_length=20)

    def to_representation(self, manager):
        return sorted(structure.siret for structure in manager.all())


class AccompanimentSerializer(serializers.ModelSerializer):
    dla = serializers.CharField(
        source="dla.department_id", read_only=True, help_text="Département du DLA."
    )
    structures = SiretsField(
        read_only=True, help_text="SIRET des structures accompagnées (demande et prestations)."
    )

    class Meta:
        model = Accompaniment
        fields = ["uuid", "ref", "dla", "state", "structures", "request_date", "requester",
                  "request_prescriber", "urgent", "injunction", "request_needs", "closed_on",
                  "closing_summary", "created_at", "updated_at"]  # fmt: skip


class PrestationSerializer(serializers.ModelSerializer):
    accompaniment = serializers.UUIDField(
        source="accompaniment.uuid", read_only=True, help_text="UUID de l'accompagnement."
    )
    dla = serializers.CharField(
        source="accompaniment.dla.department_id", read_only=True, help_text="Département du DLA."
    )
    provider = serializers.CharField(source="provider.name", read_only=True)
    provider_kind = serializers.ChoiceField(
        source="provider.kind", choices=ProviderKind.choices, read_only=True
    )
    beneficiaries = SiretsField(read_only=True, help_text="SIRET des structures bénéficiaires.")

    class Meta:
        model = Prestation
        fields = ["uuid", "ref", "accompaniment", "dla", "mode", "theme", "prescriber",
                  "provider", "provider_kind", "start_date", "end_date", "days", "cost",
                  "beneficiaries", "recommendations", "created_at", "updated_at"]  # fmt: skip


class _FormChecked(serializers.Serializer):
    """A write checked by a page's ``form_class`` too: same rules, same French messages;
    ``self.form`` holds the cleaned values."""

    form_class = None
    list_fields = ()

    def form_data(self, attrs):
        data = {}
        for name, value in attrs.items():
            if name in self.list_fields:
                value = "\n".join(value)
            if value is not None:
                data[name] = str(value) if not isinstance(value, bool) else value
        return data

    def validate(self, attrs):
        self.form = self.form_class(self.form_data(attrs))
        errors = form_errors(self.form)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class AccompanimentWriteSerializer(_FormChecked):
    form_class = RequestForm
    list_fields = ("structures",)

    dla = serializers.CharField(
        max_length=3,
        required=False,
        help_text="Département du DLA (à la création ; par défaut celui du client).",
    )
    structures = serializers.ListField(
        child=serializers.CharField(max_length=20),
        min_length=1,
        max_length=200,
        help_text="SIRET des structures accompagnées (de l'annuaire).",
    )
    request_date = serializers.DateField(help_text="Date de la demande.")
    requester = serializers.ChoiceField(choices=Requester.choices, help_text="À l'initiative de.")
    request_prescriber = serializers.ChoiceField(
        choices=Prescriber.choices, required=False, allow_blank=True
    )
    urgent = serializers.BooleanField(required=False, default=False)
    injunction = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    request_needs = serializers.CharField(max_length=5000, help_text="Besoins exprimés.")
    external_id = serializers.CharField(
        required=False, max_length=255, write_only=True, help_text=EXTERNAL_ID_HELP
    )

    def service_kwargs(self):
        return self.form.service_kwargs()


class PrestationWriteSerializer(_FormChecked):
    form_class = PrestationForm
    list_fields = ("beneficiaries",)

    accompaniment = serializers.UUIDField(
        help_text="UUID de l'accompagnement (son plan doit être enregistré)."
    )
    mode = serializers.ChoiceField(choices=Mode.choices)
    theme = serializers.ChoiceField(choices=Theme.choices)
    prescriber = serializers.ChoiceField(choices=Prescriber.choices)
    provider_name = serializers.CharField(
        max_length=255, help_text="Prestataire de l'annuaire, ou un nouveau nom."
    )
    provider_kind = serializers.ChoiceField(
        choices=ProviderKind.choices,
        required=False,
        allow_blank=True,
        help_text="Obligatoire pour un nouveau prestataire.",
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    days = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0)
    cost = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    beneficiaries = serializers.ListField(
        child=serializers.CharField(max_length=20),
        min_length=1,
        max_length=1000,
        help_text="SIRET des bénéficiaires : un pour une prestation individuelle, "
        "plusieurs pour une collective.",
    )
    recommendations = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    external_id = serializers.CharField(
        required=False, max_length=255, write_only=True, help_text=EXTERNAL_ID_HELP
    )

    def service_kwargs(self):
        return self.form.service_kwargs()
