"""Schemes, campaigns, dossiers, opinion requests and financing plans as partners see them."""

from rest_framework import serializers

from ..enums import DocumentKind, DossierState
from ..models import (
    AidScheme,
    Campaign,
    Dossier,
    DossierDocument,
    FinancingPlan,
    FundingLine,
    OpinionRequest,
    OpinionRequestState,
    PartnerOpinion,
)
from ..perms import api_reads_instruction, is_dossier_staff
from ..services.financing_checks import as_applicant_reads
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


# -- Partners' data: opinion requests and financing plans ---------------------------------
# No person appears (neither the partner nor who asked): the organisation speaks.


def _money(value):
    return None if value is None else f"{value:.2f}"


class PartnerOpinionSerializer(serializers.ModelSerializer):
    position_label = serializers.CharField(
        source="get_position_display", read_only=True, help_text="Libellé de la position."
    )
    attachments_count = serializers.IntegerField(
        read_only=True, help_text="Nombre de pièces jointes à l'avis."
    )

    class Meta:
        model = PartnerOpinion
        fields = ["uuid", "position", "position_label", "text", "created_at", "attachments_count"]


class OpinionRequestSerializer(serializers.ModelSerializer):
    """A request and the opinions given on it (never edited: a later one may follow)."""

    dossier = serializers.UUIDField(
        source="dossier.uuid", read_only=True, help_text="UUID du dossier."
    )
    dossier_reference = serializers.CharField(
        source="dossier.reference", read_only=True, help_text="Référence du dossier."
    )
    structure = serializers.CharField(
        source="dossier.structure.siret", read_only=True, help_text="SIRET de la structure."
    )
    organisation = serializers.CharField(
        source="organisation.name",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Organisme du partenaire consulté (null : une personne sans organisme).",
    )
    organisation_kind = serializers.CharField(
        source="organisation.kind",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Type d'organisme : etat, departement, dla, reseau, region, autre.",
    )
    state = serializers.ChoiceField(
        choices=OpinionRequestState.choices,
        read_only=True,
        help_text="pending (en attente), late (en retard), answered (avis rendu), "
        "withdrawn (retirée).",
    )
    state_label = serializers.SerializerMethodField(help_text="Libellé de l'état.")
    shared_documents = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="uuid",
        help_text="UUID des pièces du dossier communiquées au partenaire.",
    )
    opinions = PartnerOpinionSerializer(
        many=True, read_only=True, help_text="Les avis rendus, du premier au dernier."
    )
    updated_at = serializers.SerializerMethodField(
        help_text="Dernière modification de la demande ou dernier avis rendu."
    )

    class Meta:
        model = OpinionRequest
        fields = [
            "uuid",
            "dossier",
            "dossier_reference",
            "structure",
            "organisation",
            "organisation_kind",
            "question",
            "due_on",
            "state",
            "state_label",
            "shared_documents",
            "created_at",
            "reminded_before_at",
            "reminded_late_at",
            "answered_at",
            "withdrawn_at",
            "updated_at",
            "opinions",
        ]

    def get_state_label(self, request) -> str:
        return request.state.label

    def get_updated_at(self, request) -> str:
        instants = [request.updated_at, *(opinion.created_at for opinion in request.opinions.all())]
        return serializers.DateTimeField().to_representation(max(instants))


class FundingLineSerializer(serializers.ModelSerializer):
    funder_label = serializers.CharField(
        source="get_funder_display", read_only=True, help_text="Libellé du financeur."
    )
    status_label = serializers.CharField(
        source="get_status_display", read_only=True, help_text="Libellé de l'état."
    )
    public = serializers.BooleanField(
        source="is_public", read_only=True, help_text="Financement public (compté dans le taux)."
    )

    class Meta:
        model = FundingLine
        fields = [
            "uuid",
            "funder",
            "funder_label",
            "label",
            "amount",
            "status",
            "status_label",
            "public",
        ]


def plan_figures(plan, *, instruction):
    """The plan's figures as its reader may read them: the model's own, on the dossier as
    its applicant reads it for those who do not read the instruction (the region's part
    without the proposed amount, the voted one once notified: ``as_applicant_reads``, as
    on the pages and as ``DossierSerializer``)."""
    if not instruction:
        plan.dossier = as_applicant_reads(plan.dossier)
    cap = plan.dossier.campaign.scheme.public_funding_cap
    return {
        "region_amount": plan.region_amount(),
        "other_funding": plan.other_funding(),
        "total_funding": plan.total_funding(),
        "gap": plan.gap(),
        "public_funding": plan.public_funding(),
        "public_rate": plan.public_rate(),
        "public_funding_cap": cap,
        "exceeds_public_cap": plan.exceeds_public_cap(cap),
    }


class FinancingPlanSerializer(serializers.ModelSerializer):
    """The project's total cost, the region's part and the other funders; the checks'
    figures (sum against the cost, public rate against the scheme's cap)."""

    dossier = serializers.UUIDField(
        source="dossier.uuid", read_only=True, help_text="UUID du dossier."
    )
    dossier_reference = serializers.CharField(
        source="dossier.reference", read_only=True, help_text="Référence du dossier."
    )
    structure = serializers.CharField(
        source="dossier.structure.siret", read_only=True, help_text="SIRET de la structure."
    )
    scheme = serializers.CharField(
        source="dossier.campaign.scheme.code", read_only=True, help_text="Code du dispositif."
    )
    region_amount = serializers.SerializerMethodField(
        help_text="Part de la Région : montant voté, sinon proposé (agents seulement), "
        "calculé ou demandé."
    )
    lines = FundingLineSerializer(
        many=True, read_only=True, help_text="Les autres financeurs (refusés compris)."
    )
    other_funding = serializers.SerializerMethodField(
        help_text="Autres financements demandés ou accordés (hors refusés)."
    )
    total_funding = serializers.SerializerMethodField(
        help_text="Part de la Région et autres financements."
    )
    gap = serializers.SerializerMethodField(
        help_text="Coût total moins les financements : positif s'il en manque, négatif s'ils "
        "dépassent le coût."
    )
    balanced = serializers.SerializerMethodField(help_text="Financements égaux au coût total.")
    public_funding = serializers.SerializerMethodField(
        help_text="Financements publics, part de la Région comprise."
    )
    public_rate = serializers.SerializerMethodField(
        help_text="Taux de financement public en % du coût total (null : coût nul)."
    )
    public_funding_cap = serializers.SerializerMethodField(
        help_text="Taux maximal de financement public du dispositif en % (null : pas de plafond)."
    )
    exceeds_public_cap = serializers.SerializerMethodField(
        help_text="Le financement public dépasse le plafond du dispositif."
    )
    updated_at = serializers.SerializerMethodField(
        help_text="Dernière modification du plan ou du dossier (dont la part de la Région)."
    )

    class Meta:
        model = FinancingPlan
        fields = [
            "uuid",
            "dossier",
            "dossier_reference",
            "structure",
            "scheme",
            "total_cost",
            "region_amount",
            "lines",
            "other_funding",
            "total_funding",
            "gap",
            "balanced",
            "public_funding",
            "public_rate",
            "public_funding_cap",
            "exceeds_public_cap",
            "created_at",
            "updated_at",
        ]

    def _figures(self, plan):
        figures = getattr(plan, "_api_figures", None)
        if figures is None:
            instruction = api_reads_instruction(self.context["request"].user)
            figures = plan._api_figures = plan_figures(plan, instruction=instruction)
        return figures

    def get_region_amount(self, plan) -> str:
        return _money(self._figures(plan)["region_amount"])

    def get_other_funding(self, plan) -> str:
        return _money(self._figures(plan)["other_funding"])

    def get_total_funding(self, plan) -> str:
        return _money(self._figures(plan)["total_funding"])

    def get_gap(self, plan) -> str:
        return _money(self._figures(plan)["gap"])

    def get_balanced(self, plan) -> bool:
        return self._figures(plan)["gap"] == 0

    def get_public_funding(self, plan) -> str:
        return _money(self._figures(plan)["public_funding"])

    def get_public_rate(self, plan) -> str | None:
        return _money(self._figures(plan)["public_rate"])

    def get_public_funding_cap(self, plan) -> str | None:
        return _money(self._figures(plan)["public_funding_cap"])

    def get_exceeds_public_cap(self, plan) -> bool:
        return self._figures(plan)["exceeds_public_cap"]

    def get_updated_at(self, plan) -> str:
        instant = max(plan.updated_at, plan.dossier.updated_at)
        return serializers.DateTimeField().to_representation(instant)
