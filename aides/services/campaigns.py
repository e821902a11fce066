"""Campaigns (calls for applications) and their commissions."""

from django.db import transaction

from iae_portal.audit.services import audit_record, diff

from ..models import Campaign, Commission


@transaction.atomic
def campaign_create(*, actor, data, commission_dates):
    """A campaign and its commissions, in one transaction, with its audit entry."""
    campaign = Campaign.objects.create(**data)
    Commission.objects.bulk_create(
        Commission(campaign=campaign, date=day) for day in commission_dates
    )
    audit_record(
        actor=actor,
        action="campaign.create",
        obj=campaign,
        changes=diff(
            {},
            {
                **{name: value for name, value in data.items() if name != "scheme"},
                "scheme": campaign.scheme.code,
                "commissions": ", ".join(f"{day:%d/%m/%Y}" for day in commission_dates),
            },
        ),
    )
    return campaign
