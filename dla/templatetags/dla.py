from django import template
from django.utils import timezone

from dla import perms
from dla.followups import DUE_NOTICE, follow_ups_due
from dla.models import Accompaniment, Prestation

register = template.Library()
FOLLOW_UPS_SHOWN = 20


@register.simple_tag
def dla_prestations_for(user, structure):
    """The prestations of ``structure`` whose accompaniment ``user`` may open, or ``None``
    when ``user`` may not see its DLA accompaniments at all (the section is then left out)."""
    if not perms.can_view_structure_accompaniments(user, structure):
        return None
    return list(
        Prestation.objects.filter(
            beneficiaries=structure,
            accompaniment__in=Accompaniment.objects.visible_to(user),
        )
        .select_related("accompaniment__dla", "provider")
        .order_by("-start_date", "ref")
    )


@register.inclusion_tag("dla/_follow_ups_due.html")
def dla_follow_ups_due(user, limit=FOLLOW_UPS_SHOWN):
    """The follow-up contacts due on the accompaniments ``user`` may edit (chargé's home)."""
    if not perms.can_open_accompaniment(user):
        return {"rows": None}
    today = timezone.localdate()
    editable = Accompaniment.objects.filter(dla__in=perms.request_dlas(user))
    return {
        "rows": follow_ups_due(editable, today, limit=limit),
        "total": editable.follow_up_due(today).count(),
        "notice": DUE_NOTICE.days,
    }


@register.filter
def percent(share):
    """``0.667`` → ``66,7 %`` (the bilan's shares are fractions rounded to 3 decimals)."""
    return f"{share * 100:.1f}".replace(".", ",") + "\u00a0%"
