"""The other institutions the council works with (State services, Départements, DLA,
networks, other services of the council), and the people who act for them (the
``partenaire`` role): they give opinions on dossiers and read the CDIAE report of their
territory."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from .territory import Department, Region


class OrganisationKind(models.TextChoices):
    ETAT = "etat", "Services de l'État (DREETS, DDETS)"
    DEPARTEMENT = "departement", "Conseil départemental"
    DLA = "dla", "Dispositif local d'accompagnement (DLA)"
    RESEAU = "reseau", "Réseau de l'IAE"
    REGION = "region", "Autre service de la Région"
    AUTRE = "autre", "Autre organisme"


class Organisation(models.Model):
    """An institution of a region; with a département, it works for that département only
    (a DDETS, a conseil départemental), without one for the whole region (the DREETS)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=16, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        Region, verbose_name="région", on_delete=models.PROTECT, related_name="organisations"
    )
    department = models.ForeignKey(
        Department,
        verbose_name="département",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text="Vide : l'organisme intervient dans toute la région.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "organisme partenaire"
        verbose_name_plural = "organismes partenaires"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="organisation_unique_name"),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_known"
            ),
        ]

    def __str__(self):
        return self.name

    def department_codes(self):
        """The départements it works for (its own, or all of its region's)."""
        if self.department_id:
            return [self.department_id]
        return list(self.region.departments.values_list("code", flat=True))


class OrganisationMembership(models.Model):
    """A partner's link to the organisation they act for."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="organisme",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="organisation_memberships",
    )
    is_active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "rattachement à un organisme partenaire"
        verbose_name_plural = "rattachements aux organismes partenaires"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="organisation_membership_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation}"
