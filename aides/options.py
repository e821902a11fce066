"""The instruction queue's option lists (``iae_portal.options``): read once per process,
again when a scheme, a call for applications or an account changes."""

from django.contrib.auth import get_user_model

from iae_portal.options import OptionList

from .models import AidScheme, Campaign
from .perms import assignable_in_region


def schemes_with_campaigns():
    """The schemes a dossier can belong to (those with a call for applications)."""
    return (
        AidScheme.objects.filter(campaigns__isnull=False)
        .only("code", "name", "origin_region")
        .distinct()
    )


# Value: what the filter's queryset is searched on (``to_field_name``); label: ``str``, as
# a ``ModelChoiceField`` writes it.
SCHEMES = OptionList(
    lambda: ((scheme.code, str(scheme)) for scheme in schemes_with_campaigns()),
    depends_on=(AidScheme, Campaign),
)
CAMPAIGNS = OptionList(
    lambda: ((campaign.uuid, str(campaign)) for campaign in Campaign.objects.only("uuid", "name")),
    depends_on=(Campaign,),
)
# Who may be assigned dossiers in a region (``region_id``; ``None``: every region).
INSTRUCTORS = OptionList(
    lambda region_id=None: (
        (person.email, str(person))
        for person in assignable_in_region(region_id).only("email", "first_name", "last_name")
    ),
    depends_on=(
        (
            get_user_model(),
            ("email", "first_name", "last_name", "role", "region", "region_id", "is_active"),
        ),
    ),
)
