from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from .enums import SIAE_KINDS


def _active_conventions(day):
    from .models import Convention

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
        from .models import NetworkAffiliation

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
        from .models import NetworkAffiliation

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
