"""Schemes, campaigns and dossiers as partners see them."""

from rest_framework import serializers

from ..enums import DocumentKind, DossierState
from ..models import AidScheme, Campaign, Dossier, DossierDocument
from ..perms import is_dossier_staff
from ..workflow import APPLICANT_LABELS, APPLICANT_LETTER_STATES


class SchemeSerializer(serializers.ModelSerializer):
    has_amount_rule = serializers.BooleanField(
        read_only=True, help_text="Faux : le montant est fixé par l'instructeur."
    )
    parameters_version = serializers.SerializerMethodField(
        help_text="Numéro de la version des paramètres en vigueur."
    )
    parameters = serializers.SerializerMethodField(
        help_text="Paramètres en vigueur (taux, plafonds, montants), tels que stockés."
    )
    updated_at = serializers.SerializerMethodField(
        help_text="Dernière modification des textes ou des paramètres."
    )

    class Meta:
        model = AidScheme
        fields = [
            "uuid",
            "code",
            "name",
            "origin_region",
            "description",
            "legal_basis_reference",
            "legal_basis_date",
            "rule_kind",
            "has_amount_rule",
            "required_documents",
            "budget_envelope",
            "active_from",
            "active_until",
            "parameters_version",
            "parameters",
            "updated_at",
        ]

    def get_parameters_version(self, scheme) -> int | None:
        version = scheme.current_version
        return version.number if version else None

    def get_parameters(self, scheme) -> dict:
        version = scheme.current_version
        return version.values if version else {}

    def get_updated_at(self, scheme) -> str:
        version = scheme.current_version
        instant = max(scheme.updated_at, version.created_at) if version else scheme.updated_at
        return serializers.DateTimeField().to_representation(instant)


class CampaignSerializer(serializers.ModelSerializer):
    scheme = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="Code du dispositif."
    )
    is_open = serializers.BooleanField(read_only=True, help_text="Ouvert aujourd'hui.")

    class Meta:
        model = Campaign
        fields = [
            "uuid",
            "scheme",
            "name",
            "opens_on",
            "closes_on",
            "is_open",
            "budget_envelope",
            "created_at",
            "updated_at",
        ]


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierDocument
        fields = [
            "uuid",
            "kind",
            "original_name",
            "content_type",
            "size",
            "uploaded_at",
            "scan_state",
        ]


class DossierSerializer(serializers.ModelSerializer):
    """Applicants see what the pages show them: an instructed dossier is still "in
    instruction", amounts proposed by the instruction stay internal."""

    structure = serializers.CharField(
        source="structure.siret", read_only=True, help_text="SIRET de la structure."
    )
    campaign = serializers.UUIDField(
        source="campaign.uuid", read_only=True, help_text="UUID de l'appel à candidatures."
    )
    scheme = serializers.CharField(
        source="campaign.scheme.code", read_only=True, help_text="Code du dispositif."
    )
    state = serializers.SerializerMethodField(help_text="État du dossier.")
    state_label = serializers.SerializerMethodField(help_text="Libellé de l'état.")
    computed_total = serializers.DecimalField(
        source="computation.total",
        max_digits=12,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="Montant calculé par la règle du dispositif (null : pas de règle).",
    )
    proposed_amount = serializers.SerializerMethodField(
        help_text="Montant proposé par l'instruction (agents seulement)."
    )
    voted_amount = serializers.SerializerMethodField(
        help_text="Montant voté (pour le demandeur : une fois la décision notifiée)."
    )
    documents = DocumentSerializer(
        many=True,
        read_only=True,
        source="current_documents",
        help_text="Pièces actuelles (une pièce remplacée ou retirée n'en fait plus partie).",
    )

    class Meta:
        model = Dossier
        fields = [
            "uuid",
            "reference",
            "structure",
            "campaign",
            "scheme",
            "state",
            "state_label",
            "version",
            "title",
            "data",
            "requested_amount",
            "computed_total",
            "proposed_amount",
            "voted_amount",
            "submitted_at",
            "created_at",
            "updated_at",
            "documents",
        ]

    def _staff(self, dossier):
        return is_dossier_staff(self.context["request"].user, dossier)

    def get_state(self, dossier) -> str:
        if not self._staff(dossier) and dossier.state == DossierState.INSTRUIT:
            return DossierState.EN_INSTRUCTION
        return dossier.state

    def get_state_label(self, dossier) -> str:
        if self._staff(dossier):
            return dossier.get_state_display()
        return APPLICANT_LABELS[dossier.state]

    def _amount(self, value):
        return None if value is None else f"{value:.2f}"

    def get_proposed_amount(self, dossier) -> str | None:
        return self._amount(dossier.proposed_amount) if self._staff(dossier) else None

    def get_voted_amount(self, dossier) -> str | None:
        if self._staff(dossier) or dossier.state in APPLICANT_LETTER_STATES:
            return self._amount(dossier.voted_amount)
        return None


class DossierWriteSerializer(serializers.Serializer):
    """A draft: its call for applications and structure, then the scheme's data."""

    campaign = serializers.SlugRelatedField(
        slug_field="uuid",
        queryset=Campaign.objects.select_related("scheme"),
        help_text="UUID de l'appel à candidatures (à la création).",
        required=False,
    )
    structure = serializers.CharField(
        max_length=14,
        required=False,
        help_text="SIRET de la structure (à la création ; par défaut celle du client).",
    )
    title = serializers.CharField(max_length=255, required=False, allow_blank=True)
    data = serializers.JSONField(
        required=False,
        help_text="Les données du dispositif (entrée du contrat de simulation, sans "
        "`scheme` ni `structure`) : enregistrées et calculées aussitôt.",
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Version du dossier lue (écriture refusée en 409 s'il a changé depuis).",
    )
    external_id = serializers.CharField(required=False, max_length=255, write_only=True)

    def validate_data(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("Un objet JSON est attendu.")
        return value


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices, help_text="Type de pièce.")
    file = serializers.FileField(
        help_text="PDF, JPEG ou PNG (reconnus par leur contenu), 10 Mo au plus."
    )
