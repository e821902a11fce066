import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone

from ..enums import (
    KINDS_KNOWN_BY_ACRONYM,
    SIAE_KINDS,
    ConventionKind,
    FiguresSource,
    LegalForm,
    MembershipRole,
    Network,
    StructureKind,
)
from ..validators import validate_postal_code, validate_siret
from .territory import Department

MONEY = {"max_digits": 12, "decimal_places": 2}
SHARE_FIELDS = ("share_women", "share_under_26", "share_over_45", "share_rsa")
PERCENT_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def _active_conventions(day):
    return Convention.objects.filter(start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )


class StructureQuerySet(models.QuerySet):
    def siae(self):
        return self.filter(kind__in=SIAE_KINDS)

    def in_region(self, region_code):
        return self.filter(department__region_id=region_code)

    def in_department(self, department_code):
        return self.filter(department_id=department_code)

    def with_active_convention_flag(self, day=None):
        day = day or timezone.localdate()
        return self.annotate(
            has_active_convention=Exists(_active_conventions(day).filter(structure=OuterRef("pk")))
        )

    def with_active_convention(self, active=True, day=None):
        condition = Exists(
            _active_conventions(day or timezone.localdate()).filter(structure=OuterRef("pk"))
        )
        return self.filter(condition if active else ~condition)

    def in_network(self, network, day=None):
        return self.filter(
            Exists(
                NetworkAffiliation.objects.current(day).filter(
                    structure=OuterRef("pk"), network=network
                )
            )
        )

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        digits = "".join(ch for ch in text if not ch.isspace())
        condition = Q(name__icontains=text) | Q(city__icontains=text)
        if digits.isdigit():
            condition |= Q(siret__startswith=digits)
        return self.filter(condition)

    def for_list(self):
        """What the structures list shows: territory, active convention, current networks."""
        return (
            self.select_related("department__region")
            .with_active_convention_flag()
            .prefetch_related(
                Prefetch(
                    "affiliations",
                    queryset=NetworkAffiliation.objects.current(),
                    to_attr="current_affiliations",
                )
            )
        )


class NetworkAffiliationQuerySet(models.QuerySet):
    def current(self, day=None):
        day = day or timezone.localdate()
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=day)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )


class Structure(models.Model):
    """An SIAE or a partner (association, EPCI, network…), identified by its SIRET."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[validate_siret])
    name = models.CharField("raison sociale", max_length=255)
    kind = models.CharField("type", max_length=32, choices=StructureKind.choices)
    legal_form = models.CharField("forme juridique", max_length=16, choices=LegalForm.choices)
    address = models.CharField("adresse", max_length=255, blank=True)
    postal_code = models.CharField(
        "code postal", max_length=5, blank=True, validators=[validate_postal_code]
    )
    city = models.CharField("commune", max_length=120, blank=True)
    department = models.ForeignKey(
        Department, verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    activity = models.TextField("activités", blank=True)
    email = models.EmailField("e-mail de contact", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True, db_index=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["name", "siret"]
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("siret"), 14), name="structure_siret_14_digits"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=StructureKind.values), name="structure_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(legal_form__in=LegalForm.values), name="structure_legal_form_known"
            ),
        ]
        indexes = [
            models.Index(fields=["kind"]),
            models.Index(fields=["name"]),
            # The API's pages of a département's structures, in their sync order.
            models.Index(fields=["department", "uuid"], name="structure_department_uuid"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("structures:detail", args=[self.siret])

    @property
    def kind_short(self):
        """The kind as a short column shows it: its acronym when people use one (ACI, EI…),
        else its name (« Association », « Régie de quartier ou de territoire »)."""
        if self.kind in KINDS_KNOWN_BY_ACRONYM:
            return self.kind
        return self.get_kind_display()

    @property
    def siren(self):
        return self.siret[:9]

    @property
    def region(self):
        return self.department.region

    @property
    def is_siae(self):
        return self.kind in SIAE_KINDS


class Convention(models.Model):
    """A State conventionnement: a number, its dates; active while today is within them."""

    structure = models.ForeignKey(
        Structure, verbose_name="structure", on_delete=models.CASCADE, related_name="conventions"
    )
    kind = models.CharField("type de convention", max_length=8, choices=ConventionKind.choices)
    number = models.CharField("numéro", max_length=64)
    start_date = models.DateField("début")
    end_date = models.DateField("fin", null=True, blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "conventionnement"
        verbose_name_plural = "conventionnements"
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "number"], name="convention_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="convention_dates_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} n° {self.number}"

    def is_active_on(self, day):
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    @property
    def is_active(self):
        return self.is_active_on(timezone.localdate())


class NetworkAffiliation(models.Model):
    """Membership of a network over a period; ending it keeps the history."""

    structure = models.ForeignKey(
        Structure, verbose_name="structure", on_delete=models.CASCADE, related_name="affiliations"
    )
    network = models.CharField("réseau", max_length=32, choices=Network.choices)
    start_date = models.DateField("depuis le", null=True, blank=True)
    end_date = models.DateField("jusqu'au", null=True, blank=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = NetworkAffiliationQuerySet.as_manager()

    class Meta:
        verbose_name = "adhésion à un réseau"
        verbose_name_plural = "adhésions à des réseaux"
        ordering = ["network", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="affiliation_dates_in_order",
            ),
            # At most one open affiliation per network and structure.
            models.UniqueConstraint(
                fields=["structure", "network"],
                condition=Q(end_date__isnull=True),
                name="affiliation_one_open_per_network",
            ),
        ]

    def __str__(self):
        return self.get_network_display()


class YearlyFigures(models.Model):
    """What a structure reports for one year; the self-financing rate is computed."""

    structure = models.ForeignKey(
        Structure, verbose_name="structure", on_delete=models.CASCADE, related_name="figures"
    )
    year = models.PositiveSmallIntegerField(
        "année", validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    source = models.CharField("source", max_length=32, choices=FiguresSource.choices)
    insertion_headcount = models.PositiveIntegerField("salariés en insertion", default=0)
    insertion_etp = models.DecimalField(
        "ETP en insertion", max_digits=8, decimal_places=2, default=0
    )
    permanent_headcount = models.PositiveIntegerField("permanents", default=0)
    permanent_etp = models.DecimalField("ETP permanents", max_digits=8, decimal_places=2, default=0)
    hours_worked = models.PositiveIntegerField(
        "heures travaillées ou mises à disposition", default=0
    )
    turnover = models.DecimalField("chiffre d'affaires (€)", default=0, **MONEY)
    public_subsidies = models.DecimalField("subventions publiques (€)", default=0, **MONEY)
    total_resources = models.DecimalField("total des ressources (€)", default=0, **MONEY)
    exits_cdi = models.PositiveIntegerField("sorties en CDI", default=0)
    exits_cdd = models.PositiveIntegerField("sorties en CDD", default=0)
    exits_contrat_aide = models.PositiveIntegerField("sorties en contrat aidé", default=0)
    exits_formation = models.PositiveIntegerField("sorties en formation qualifiante", default=0)
    exits_interim = models.PositiveIntegerField("sorties en intérim", default=0)
    exits_other_siae = models.PositiveIntegerField("sorties vers une autre SIAE", default=0)
    share_women = models.DecimalField(
        "part de femmes (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    share_under_26 = models.DecimalField(
        "part de moins de 26 ans (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    share_over_45 = models.DecimalField(
        "part de plus de 45 ans (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    share_rsa = models.DecimalField(
        "part de bénéficiaires du RSA (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    updated_at = models.DateTimeField("modifiés le", auto_now=True)

    SHARE_FIELDS = SHARE_FIELDS
    EXIT_FIELDS = (
        "exits_cdi",
        "exits_cdd",
        "exits_contrat_aide",
        "exits_formation",
        "exits_interim",
        "exits_other_siae",
    )

    class Meta:
        verbose_name = "chiffres annuels"
        verbose_name_plural = "chiffres annuels"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "year"], name="figures_one_per_year"),
            models.CheckConstraint(
                condition=Q(insertion_etp__gte=0)
                & Q(permanent_etp__gte=0)
                & Q(turnover__gte=0)
                & Q(public_subsidies__gte=0)
                & Q(total_resources__gte=0),
                name="figures_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(public_subsidies__lte=F("total_resources")),
                name="figures_subsidies_within_resources",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True})
                    | (Q(**{f"{name}__gte": 0}) & Q(**{f"{name}__lte": 100})),
                    name=f"figures_{name}_percent",
                )
                for name in SHARE_FIELDS
            ],
        ]

    def __str__(self):
        return f"{self.structure} — {self.year}"

    @property
    def own_resources(self):
        return self.total_resources - self.public_subsidies

    @property
    def self_financing_rate(self):
        return self.financing_rate(self.total_resources, self.public_subsidies)

    @staticmethod
    def financing_rate(total_resources, public_subsidies):
        """Own resources / total resources, where own resources are total minus public
        subsidies (structures.md); ``None`` when there are no resources to divide by. A
        function of the two figures, so that rows read without a model (the API's pages)
        compute it too."""
        if not total_resources:
            return None
        own = total_resources - public_subsidies
        return (own / total_resources).quantize(Decimal("0.0001"))

    @property
    def exits_total(self):
        return sum(getattr(self, name) for name in self.EXIT_FIELDS)


class Membership(models.Model):
    """A person working in a structure (director or staff); deactivating keeps history."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    structure = models.ForeignKey(
        Structure, verbose_name="structure", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=16, choices=MembershipRole.choices)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField("depuis le", auto_now_add=True)
    deactivated_at = models.DateTimeField("désactivée le", null=True, blank=True)

    class Meta:
        verbose_name = "rattachement à une structure"
        verbose_name_plural = "rattachements à des structures"
        ordering = ["structure__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "structure"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.structure} ({self.get_role_display()})"
