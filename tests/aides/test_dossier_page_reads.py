"""What the dossier page reads for its reader (its queries compiled once,
``iae_portal.compiled.Statement``): the messages each side may read, in order, the
payments' schedule and the history, for one dossier and not another's."""

import pytest

from aides import services
from tests.aides.factories import CampaignFactory, move

pytestmark = pytest.mark.django_db


def page(client, user, dossier):
    client.force_login(user)
    response = client.get(dossier.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_internal_messages_are_read_by_staff_only(client, draft, director_a, instructeur):
    move(draft, director_a, "submit")
    say = {"actor": instructeur, "dossier": draft}
    services.comment_add(**say, body="Note interne : RIB à vérifier", internal=True)
    services.comment_add(**say, body="Merci de joindre le RIB.")
    services.comment_add(actor=director_a, dossier=draft, body="RIB joint ce jour.")

    applicant = page(client, director_a, draft)
    assert "Merci de joindre le RIB." in applicant and "RIB joint ce jour." in applicant
    assert "RIB à vérifier" not in applicant
    staff = page(client, instructeur, draft)
    said = [staff.index(text) for text in ("RIB à vérifier", "joindre le RIB", "joint ce jour")]
    assert said == sorted(said)  # oldest first
    assert "interne" in staff[said[0] - 200 : said[0]]  # marked as such


def test_schedule_and_history_are_the_dossiers_own(
    client, draft_voted, director_a, instructeur, structure_a
):
    move(draft_voted, instructeur, "notify")
    other = services.dossier_create(
        actor=director_a, structure=structure_a, campaign=CampaignFactory()
    )
    years = sorted({i.year for i in draft_voted.instalments.all()})
    assert years  # the vote scheduled the payments

    staff = page(client, instructeur, draft_voted)
    shown = [staff.index(f"<tr><td>{year}</td>") for year in years]
    assert shown == sorted(shown)
    history = staff[staff.index('id="history-title"') :]
    steps = [history.index(state) for state in ("Déposé", "En instruction", "Instruit", "Voté")]
    assert steps == sorted(steps)  # oldest first
    other_page = page(client, director_a, other)  # a draft: no schedule, no vote
    assert 'id="payments-title"' not in other_page
    assert "Voté" not in other_page[other_page.index('id="history-title"') :]
