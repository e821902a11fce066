"""A decision is recorded only for a commission that has met, and a letter never cites a
deliberation dated after the letter itself (issue 14, item 2)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aides import letters, services
from aides.enums import DossierState as S
from aides.models import Dossier, LetterSettings
from tests.aides.factories import CommissionFactory, move
from tests.aides.test_views_applicant import page_text, transition_url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LATER = TODAY + datetime.timedelta(days=71)


@pytest.fixture
def instructed(draft, director_a, instructeur):
    move(draft, director_a, "submit")
    move(draft, instructeur, "start_instruction")
    return move(draft, instructeur, "instruct", opinion="favorable")


@pytest.fixture
def coming(campaign):
    return CommissionFactory(campaign=campaign, date=LATER)


def not_met_message(commission):
    return f"La commission du {commission.date:%d/%m/%Y} ne s'est pas encore tenue"


@pytest.mark.parametrize("name", ["vote", "refuse"])
def test_the_service_refuses_a_decision_of_a_commission_to_come(
    instructed, chef_service, coming, name
):
    with pytest.raises(services.TransitionRefused, match=not_met_message(coming)):
        move(
            instructed,
            chef_service,
            name,
            commission=coming,
            deliberation_number="CP-9",
            comment="Hors critères.",
        )
    instructed.refresh_from_db()
    assert instructed.state == S.INSTRUIT and instructed.commission_id is None


def test_a_commission_meeting_today_may_decide(instructed, chef_service, campaign):
    today = CommissionFactory(campaign=campaign, date=TODAY)
    move(instructed, chef_service, "vote", commission=today, deliberation_number="CP-9")
    assert instructed.state == S.VOTE


def test_the_dossier_page_offers_only_commissions_that_have_met_and_says_why(
    client, instructed, chef_service, commission, coming
):
    client.force_login(chef_service)
    page = page_text(client.get(instructed.get_absolute_url()))
    assert f"{commission.date:%d/%m/%Y}" in page
    assert f'value="{coming.pk}"' not in page
    response = client.post(
        transition_url(instructed, "vote"),
        {
            "vote-version": instructed.version,
            "vote-commission": coming.pk,
            "vote-deliberation_number": "CP-9",
        },
    )
    assert response.status_code == 400
    assert "Choisissez une commission de cet appel à candidatures qui s'est déjà tenue" in (
        page_text(response)
    )
    assert Dossier.objects.get(pk=instructed.pk).state == S.INSTRUIT


def test_the_dossier_page_says_when_no_commission_has_met_yet(
    client, instructed, chef_service, campaign
):
    campaign.commissions.all().delete()
    coming = CommissionFactory(campaign=campaign, date=LATER)
    client.force_login(chef_service)
    page = page_text(client.get(instructed.get_absolute_url()))
    assert (
        "Aucune commission de cet appel à candidatures ne s'est encore tenue "
        f"(prochaine : {coming.date:%d/%m/%Y})"
    ) in page


def test_bulk_vote_of_a_commission_to_come_is_refused_in_french(
    client, instructed, chef_service, campaign, coming
):
    client.force_login(chef_service)
    queue = f"{reverse('aides:queue')}?campaign={campaign.uuid}"
    response = client.post(
        queue,
        {
            "action": "vote",
            "commission": f"{coming.date:%Y-%m-%d}",
            "deliberation_number": "CP-9",
            "dossier": [f"{instructed.uuid}:{instructed.version}"],
        },
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "Choisissez une commission de l'appel à candidatures filtré qui s'est déjà tenue."
    ]
    assert Dossier.objects.get(pk=instructed.pk).state == S.INSTRUIT


def test_bulk_vote_service_refuses_each_dossier_for_a_commission_to_come(
    instructed, chef_service, coming
):
    voted, failures = services.dossiers_vote(
        actor=chef_service,
        items=[(instructed, instructed.version)],
        commission=coming,
        deliberation_number="CP-9",
    )
    assert voted == []
    [(dossier, message)] = failures
    assert dossier == instructed and message.startswith(not_met_message(coming))


@pytest.fixture
def voted_then_moved(draft_voted, commission):
    """A dossier voted before the guard, by a commission whose date lies ahead."""
    type(commission).objects.filter(pk=commission.pk).update(date=LATER)
    draft_voted.refresh_from_db()
    return draft_voted


def test_a_letter_never_cites_a_deliberation_after_its_own_date(voted_then_moved):
    with pytest.raises(letters.LetterNotReady, match="ne s'est pas encore tenue"):
        letters.render_letter_html("notification", voted_then_moved, LetterSettings.current())


def test_the_letter_link_says_why_instead_of_citing_a_later_date(
    client, voted_then_moved, chef_service
):
    client.force_login(chef_service)
    page = page_text(client.get(voted_then_moved.get_absolute_url()))
    assert reverse("aides:dossier_letter", args=[voted_then_moved.uuid, "notification"]) not in page
    assert "ne s'est pas encore tenue" in page
    url = reverse("aides:dossier_letter", args=[voted_then_moved.uuid, "notification"])
    response = client.get(url, follow=True)
    assert response.redirect_chain == [(voted_then_moved.get_absolute_url(), 302)]
    assert any("ne s'est pas encore tenue" in str(m) for m in response.context["messages"])


def test_the_letters_batch_reports_the_letter_it_cannot_write(voted_then_moved, chef_service):
    from aides.models import BatchItem
    from aides.services.batch import batch_run, letters_start

    batch = letters_start(actor=chef_service, commission=voted_then_moved.commission, enqueue=False)
    batch_run(batch.pk)
    item = BatchItem.objects.get(batch=batch)
    assert item.error.startswith(not_met_message(voted_then_moved.commission))
