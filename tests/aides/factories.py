import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aides.models import AidScheme, Campaign, Commission

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf_upload(name="statuts.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    scheme = factory.LazyFunction(lambda: AidScheme.objects.get(code="ca-equipes-insertion"))
    name = factory.Sequence(lambda n: f"Appel à candidatures {n}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    budget_envelope = 500000


class CommissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commission

    campaign = factory.SubFactory(CampaignFactory)
    # Held a week ago: a decision is recorded only once its commission has met.
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))


CA_DATA = {
    "years": 4,
    "positions": [{"role": "chef_equipe", "etp": 1, "annual_cost": 35000, "contract": "CDI"}],
    "team": {"members_count": 8, "members_etp": 4},
    "expenses": [{"category": "investissement", "amount": 60000}],
}


def move(dossier, actor, name, **payload):
    from aides import services

    return services.dossier_transition(
        actor=actor, dossier=dossier, name=name, expected_version=dossier.version, **payload
    )
