import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from iae_portal.uploads import UploadedDocument, random_name

from ..enums import DocumentKind, DossierState, Opinion
from ..querysets import URGENCY_RANK, DossierQuerySet
from ..workflow import APPLICANT_LABELS
from .schemes import MONEY, AidComputation, AidScheme


def _folded(name):
    return name.casefold().replace("’", "'")


class Campaign(models.Model):
    """A call for applications of one scheme: its dates, envelope and commissions."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scheme = models.ForeignKey(
        AidScheme, verbose_name="dispositif", on_delete=models.PROTECT, related_name="campaigns"
    )
    name = models.CharField("nom", max_length=255)
    opens_on = models.DateField("ouverture")
    closes_on = models.DateField("clôture")
    budget_envelope = models.DecimalField("enveloppe (€)", default=0, **MONEY)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "appel à candidatures"
        verbose_name_plural = "appels à candidatures"
        ordering = ["-opens_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="campaign_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(budget_envelope__gte=0), name="campaign_envelope_non_negative"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("aides:campaign_dashboard", args=[self.uuid])

    @property
    def label_under_scheme(self):
        """The call's own name where its scheme's name is shown beside it: calls often start
        with it (« Équipes d'insertion — appel 2026 » under its scheme reads « Appel 2026 »)."""
        name, scheme_name = self.name.strip(), self.scheme.name.strip()
        if _folded(name).startswith(_folded(scheme_name)):
            rest = name[len(scheme_name) :].lstrip(" —–-:,·").strip()
            if rest:
                return rest[0].upper() + rest[1:]
        return name

    def is_open_on(self, day):
        return self.opens_on <= day <= self.closes_on

    @property
    def is_open(self):
        return self.is_open_on(timezone.localdate())


class Commission(models.Model):
    """A commission meeting of a campaign, where dossiers are voted."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="commissions")
    date = models.DateField("date")
    label = models.CharField("intitulé", max_length=120, blank=True)

    class Meta:
        verbose_name = "commission"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "date"], name="commission_unique_date")
        ]

    def __str__(self):
        return self.label or f"Commission du {self.date:%d/%m/%Y}"

    @property
    def has_met(self):
        """Its day has come: only then may its decisions be recorded and cited."""
        return self.date <= timezone.localdate()

    @property
    def not_met_message(self):
        return (
            f"La commission du {self.date:%d/%m/%Y} ne s'est pas encore tenue : sa décision "
            "ne peut être enregistrée, ni citée dans un courrier, qu'à partir de cette date."
        )


class Dossier(models.Model):
    """An application of one structure to one campaign, moved by ``workflow`` transitions.

    ``version`` grows with every change: a change is written only if the version is the one
    the actor saw (compare-and-set), so two people acting at once never lose an update.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField("référence", max_length=32, unique=True)
    structure = models.ForeignKey(
        "structures.Structure", on_delete=models.PROTECT, related_name="dossiers"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="dossiers")
    state = models.CharField(
        "état", max_length=24, choices=DossierState.choices, default=DossierState.BROUILLON
    )
    version = models.PositiveIntegerField(default=1)
    title = models.CharField("intitulé du projet", max_length=255, blank=True)
    data = models.JSONField("données", default=dict, blank=True)
    computation = models.ForeignKey(
        AidComputation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_amount = models.DecimalField("montant demandé (€)", null=True, blank=True, **MONEY)
    proposed_amount = models.DecimalField("montant proposé (€)", null=True, blank=True, **MONEY)
    proposed_justification = models.TextField("justification du montant proposé", blank=True)
    opinion = models.CharField("avis", max_length=24, choices=Opinion.choices, blank=True)
    opinion_comment = models.TextField("motivation de l'avis", blank=True)
    voted_amount = models.DecimalField("montant voté (€)", null=True, blank=True, **MONEY)
    commission = models.ForeignKey(
        Commission, on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers"
    )
    deliberation_number = models.CharField("numéro de délibération", max_length=64, blank=True)
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="instructeur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instructed_dossiers",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("déposé le", null=True, blank=True)
    state_changed_at = models.DateTimeField("changement d'état", default=timezone.now)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True, db_index=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier"
        verbose_name_plural = "dossiers"
        ordering = ["-created_at"]
        constraints = [
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}),
                    name=f"dossier_{name}_non_negative",
                )
                for name in ("requested_amount", "proposed_amount", "voted_amount")
            ],
            models.CheckConstraint(
                condition=Q(state__in=DossierState.values), name="dossier_state_known"
            ),
        ]
        indexes = [
            # Covers the instruction queue's page (its filters on the dossier's columns, its
            # sorts but the structure's name, its count): PostgreSQL reads this index and
            # not the dossiers' wide rows (half the queue's query time, docs/performance.md).
            # SQLite has no INCLUDE: there it is the index on (state, campaign).
            models.Index(
                fields=["state", "campaign"],
                include=[
                    "id",
                    "structure",
                    "instructor",
                    "submitted_at",
                    "reference",
                    "requested_amount",
                    "updated_at",
                ],
                name="dossier_queue_idx",
            ),
            # The queue's default order (urgency, deposit, reference): PostgreSQL reads its
            # first page from this index, where it sorted every open dossier of the
            # region (0.1 ms against 5, docs/performance.md). Its count is a query of its
            # own (``aides.views.staff._queue_page``).
            models.Index(
                URGENCY_RANK, F("submitted_at"), F("reference"), name="dossier_urgency_idx"
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.structure}"

    def get_absolute_url(self):
        return reverse("aides:dossier_detail", args=[self.uuid])

    @property
    def scheme(self):
        return self.campaign.scheme

    @property
    def applicant_state_label(self):
        return APPLICANT_LABELS[self.state]

    def case_data(self):
        """The simulate contract's input for this dossier (the structure gives the kind)."""
        return {
            **self.data,
            "scheme": self.campaign.scheme.code,
            "structure": {"kind": self.structure.kind},
        }

    @property
    def current_documents(self):
        """Its documents neither replaced nor removed, read from the prefetched
        ``documents`` when they are."""
        return [document for document in self.documents.all() if document.is_current]


def document_path(instance, filename):
    return random_name(f"dossiers/{instance.dossier.uuid}", filename)


class DossierDocumentQuerySet(models.QuerySet):
    def current(self):
        """The documents the dossier is made of: neither replaced nor removed."""
        return self.filter(removed_at__isnull=True)


class DossierDocument(UploadedDocument):
    """A supporting document. A wrong one is replaced or removed, never deleted: it stays,
    marked (``removed_at``, and for a replacement the new document), in the history staff
    see; the applicant sees the current ones (``services.documents``)."""

    journal_via = "dossier"

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("pièce", max_length=32, choices=DocumentKind.choices)
    file = models.FileField(upload_to=document_path, max_length=255)
    removed_at = models.DateTimeField("retirée ou remplacée le", null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replaced_by = models.OneToOneField(
        "self",
        verbose_name="remplacée par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
    )

    objects = DossierDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "pièce justificative"
        verbose_name_plural = "pièces justificatives"
        ordering = ["kind", "-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(replaced_by__isnull=True) | Q(removed_at__isnull=False),
                name="document_replaced_is_removed",
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | Q(removed_by__isnull=False),
                name="document_removed_by_someone",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.original_name}"

    def get_absolute_url(self):
        return reverse("aides:document_download", args=[self.uuid])

    @property
    def is_current(self):
        return self.removed_at is None


class DossierComment(models.Model):
    """A message to the applicant, or an internal comment staff alone see."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField("message")
    internal = models.BooleanField("commentaire interne", default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.author} le {self.created_at:%d/%m/%Y %H:%M}"


class Instalment(models.Model):
    """A payment of a voted dossier, one per year of its schedule."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="instalments")
    year = models.PositiveSmallIntegerField("année")
    amount = models.DecimalField("montant (€)", **MONEY)
    paid_on = models.DateField("payé le", null=True, blank=True)
    payment_reference = models.CharField("référence du mandat", max_length=64, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "versement"
        ordering = ["dossier", "year"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "year"], name="instalment_one_per_year"),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="instalment_amount_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | ~Q(payment_reference=""),
                name="instalment_paid_has_reference",
            ),
        ]

    def __str__(self):
        return f"{self.dossier.reference} année {self.year}"


class Notification(models.Model):
    """What a user was told (also sent by e-mail)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(max_length=255)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject
