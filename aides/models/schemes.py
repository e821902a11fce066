import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from .. import rules

MONEY = {"max_digits": 12, "decimal_places": 2}


class AidSchemeQuerySet(models.QuerySet):
    def active(self, day=None):
        day = day or timezone.localdate()
        return self.filter(Q(active_from__isnull=True) | Q(active_from__lte=day)).filter(
            Q(active_until__isnull=True) | Q(active_until__gte=day)
        )

    def with_current_version(self):
        return self.prefetch_related(
            models.Prefetch(
                "versions",
                queryset=ParameterVersion.objects.order_by("-number"),
                to_attr="versions_newest_first",
            )
        )


class AidScheme(models.Model):
    """A regional aid scheme: its texts, its rule kind and its versioned parameters."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField("code", max_length=64, unique=True)
    name = models.CharField("nom", max_length=255)
    origin_region = models.CharField("région d'origine", max_length=100)
    description = models.TextField("description", blank=True)
    legal_basis_reference = models.CharField("délibération (référence)", max_length=120, blank=True)
    legal_basis_date = models.DateField("délibération (date)", null=True, blank=True)
    # Any kind the rule registry finds (a callable: a new rule kind needs no migration).
    rule_kind = models.CharField("règle de calcul", max_length=32, choices=rules.kind_choices)
    source_text = models.TextField("texte de la source", blank=True)
    retained_reading = models.TextField("lecture retenue", blank=True)
    required_documents = models.JSONField("pièces justificatives", default=list, blank=True)
    budget_envelope = models.DecimalField(
        "enveloppe budgétaire (€)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        **MONEY,
    )
    public_funding_cap = models.DecimalField(
        "taux maximal de financement public (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Part des financements publics (Région comprise) dans le coût du projet "
        "au-delà de laquelle le plan de financement est signalé. Vide : pas de plafond.",
    )
    public_cap_blocking = models.BooleanField(
        "plafond bloquant pour l'avis d'instruction",
        default=False,
        help_text="Un avis favorable ne peut être rendu sur un plan qui dépasse le plafond.",
    )
    active_from = models.DateField("ouvert à partir du", null=True, blank=True)
    active_until = models.DateField("ouvert jusqu'au", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AidSchemeQuerySet.as_manager()

    class Meta:
        verbose_name = "dispositif d'aide"
        verbose_name_plural = "dispositifs d'aide"
        ordering = ["origin_region", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_envelope__isnull=True) | Q(budget_envelope__gte=0),
                name="scheme_budget_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_until__gte=F("active_from")),
                name="scheme_dates_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.origin_region})"

    def get_absolute_url(self):
        return reverse("aides:scheme_detail", args=[self.code])

    @property
    def rule(self):
        return rules.RULES[self.rule_kind]

    @property
    def has_amount_rule(self):
        return rules.has_amount_rule(self.rule_kind)

    @property
    def amount_note(self):
        return rules.amount_note(self.rule_kind)

    @property
    def current_version(self):
        prefetched = getattr(self, "versions_newest_first", None)
        if prefetched is not None:
            return prefetched[0] if prefetched else None
        return self.versions.order_by("-number").first()

    def parameters(self, version=None):
        """Typed parameter values of ``version`` (the current one by default)."""
        version = version or self.current_version
        return rules.clean_parameters(self.rule_kind, version.values if version else {})

    @property
    def eligible_kinds(self):
        return self.parameters()["applicant_kinds"]

    def _case(self, data):
        if isinstance(data, rules.case.Case):
            return data
        return rules.parse_case({**data, "scheme": self.code}, schemes={self.code})

    def compute_amount(self, data, version=None):
        """The full result (eligibility, excluded lines, lines, schedule, total) with the
        parameters of ``version`` (current by default), which the result names.

        ``data`` is the simulate contract's input; raises ``rules.BadInput``."""
        version = version or self.current_version
        result = rules.evaluate(self.rule_kind, self._case(data), self.parameters(version))
        result.parameters_version = version.number if version else None
        return result

    def check_eligibility(self, data, version=None):
        """Eligibility only: ``(eligible, reasons, excluded)``."""
        result = self.compute_amount(data, version)
        return result.eligible, result.reasons, result.excluded


class ParameterVersion(models.Model):
    """One version of a scheme's parameters: never changed, a change makes a new one."""

    scheme = models.ForeignKey(AidScheme, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("version")
    values = models.JSONField("paramètres")
    created_at = models.DateTimeField("créée le", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField("motif")

    class Meta:
        verbose_name = "version des paramètres"
        verbose_name_plural = "versions des paramètres"
        ordering = ["scheme", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="parameter_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="parameter_version_positive"),
        ]

    def __str__(self):
        return f"{self.scheme.code} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Parameter versions are never changed: make a new version.")
        super().save(*args, **kwargs)


class AidComputation(models.Model):
    """A computation as it was made: its input, its result and the parameters version."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scheme = models.ForeignKey(AidScheme, on_delete=models.PROTECT, related_name="computations")
    version = models.ForeignKey(ParameterVersion, on_delete=models.PROTECT, related_name="+")
    structure = models.ForeignKey(
        "structures.Structure",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="aid_computations",
    )
    input = models.JSONField("données")
    result = models.JSONField("résultat")
    eligible = models.BooleanField("éligible")
    total = models.DecimalField("montant", null=True, blank=True, **MONEY)
    created_at = models.DateTimeField("calculé le", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "calcul d'aide"
        verbose_name_plural = "calculs d'aide"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0),
                name="computation_total_non_negative",
            )
        ]

    def __str__(self):
        return f"{self.scheme.code} {self.created_at:%d/%m/%Y %H:%M}"

    def get_absolute_url(self):
        return reverse("aides:computation_detail", args=[self.uuid])

    def recompute(self, version=None):
        """The same input with ``version`` (by default the one it used: same result)."""
        return self.scheme.compute_amount(self.input, version or self.version)
