from django import template

from dla import perms
from dla.models import Accompaniment, Prestation

register = template.Library()


@register.simple_tag
def dla_prestations_for(user, structure):
    """The prestations of ``structure`` whose accompaniment ``user`` may open, or ``None``
    when ``user`` may not see DLA accompaniments at all (the section is then left out)."""
    if not perms.can_use_dla_pages(user):
        return None
    return list(
        Prestation.objects.filter(
            beneficiaries=structure,
            accompaniment__in=Accompaniment.objects.visible_to(user),
        )
        .select_related("accompaniment__dla", "provider")
        .order_by("-start_date", "ref")
    )


@register.filter
def percent(share):
    """``0.667`` → ``66,7 %`` (the bilan's shares are fractions rounded to 3 decimals)."""
    return f"{share * 100:.1f}".replace(".", ",") + "\u00a0%"
