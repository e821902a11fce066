"""The acceptance path of partners' opinions (issue 17, part 1), through the pages: an
instructeur asks two partners, one answers, the other is reminded and late; the opinion
shows to staff (dossier page, queue) and never to the applicant."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from aides.models import Notification, OpinionRequest, PartnerOpinion
from aides.services.opinions import send_opinion_reminders
from iae_portal.audit.models import AuditEntry
from tests.aides.opinion_helpers import in_days

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.aides.opinion_fixtures"]

QUESTION = "Le projet d'équipe répond-il aux besoins du bassin de Nancy ?"
OPINION = "Avis favorable : le bassin manque de postes d'insertion dans les espaces verts."


def text(response):
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_instructeur_asks_two_partners_one_answers_the_other_is_reminded_and_late(
    client,
    instructeur,
    director_a,
    deposited,
    partner_etat,
    partner_dep,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.IAE_OPINION_REMINDER_DAYS_BEFORE = 3
    dossier = deposited
    document = dossier.documents.current().first()
    due_on = in_days(7)

    # The instructeur asks both partners from the dossier page's button.
    client.force_login(instructeur)
    page = client.get(dossier.get_absolute_url())
    ask_url = reverse("aides:opinion_request_create", args=[dossier.uuid])
    assert ask_url in page.content.decode()
    form = client.get(ask_url)
    assert form.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            ask_url,
            {
                "partners": [str(partner_etat.pk), str(partner_dep.pk)],
                "question": QUESTION,
                "due_on": due_on.isoformat(),
                "documents": [str(document.uuid)],
            },
        )
    assert answer.status_code == 302, text(answer)
    etat, dep = (OpinionRequest.objects.get(partner=p) for p in (partner_etat, partner_dep))
    assert list(etat.shared_documents.all()) == [document]
    # Both are told, in the portal and by e-mail, with the request's address.
    for partner, request in ((partner_etat, etat), (partner_dep, dep)):
        notification = Notification.objects.get(user=partner)
        assert notification.dossier is None  # partners never open the dossier page
        assert request.get_absolute_url() in notification.body
    assert sorted(m.to[0] for m in mail.outbox) == sorted([partner_etat.email, partner_dep.email])

    # The State's partner reads the request and answers.
    client.force_login(partner_etat)
    listing = client.get(reverse("aides:opinion_request_list"))
    assert dossier.reference in text(listing)
    page = client.get(etat.get_absolute_url())
    assert page.status_code == 200
    assert QUESTION in text(page)
    assert document.original_name in text(page)
    given = client.post(
        reverse("aides:opinion_give", args=[etat.uuid]),
        {"position": "favorable", "text": OPINION},
    )
    assert given.status_code == 302, text(given)
    etat.refresh_from_db()
    assert etat.answered_at is not None
    # The requester (the instructeur) hears of it.
    assert Notification.objects.filter(user=instructeur, dossier=dossier).exists()

    # Reminders: none four days before, one to the partner who did not answer three days
    # before, none again, one the day after the due date: late.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminders = [
            send_opinion_reminders(due_on + datetime.timedelta(days=days))
            for days in (-4, -3, -2, 0, 1, 2)
        ]
    assert reminders == [
        {"before": 0, "late": 0},
        {"before": 1, "late": 0},
        {"before": 0, "late": 0},
        {"before": 0, "late": 0},
        {"before": 0, "late": 1},
        {"before": 0, "late": 0},
    ]
    assert [m.to for m in mail.outbox] == [[partner_dep.email], [partner_dep.email]]
    assert "en retard" in mail.outbox[1].subject
    dep.refresh_from_db()
    assert dep.reminded_before_at and dep.reminded_late_at
    assert dep.state_on(due_on + datetime.timedelta(days=1)) == "late"

    # Staff: the dossier page shows who answered, who is late, and the opinion.
    client.force_login(instructeur)
    page = text(client.get(dossier.get_absolute_url()))
    assert "Avis des partenaires" in page
    assert OPINION in page
    assert "Favorable" in page
    assert str(partner_dep) in page
    # The queue's column and filter.
    queue = client.get(reverse("aides:queue"), {"opinions_waiting": "on"})
    assert [d.pk for d in queue.context["page"].object_list] == [dossier.pk]
    assert "1/2 rendus" in text(queue)

    # The applicant never sees any of it: not on the dossier page, not the request pages.
    client.force_login(director_a)
    page = client.get(dossier.get_absolute_url())
    assert page.status_code == 200
    seen = text(page)
    assert "Avis des partenaires" not in seen
    assert OPINION not in seen
    assert QUESTION not in seen
    assert str(partner_etat) not in seen
    for request in (etat, dep):
        assert client.get(request.get_absolute_url()).status_code in (403, 404)
    opinion = PartnerOpinion.objects.get()
    assert not Notification.objects.filter(user=director_a, body__contains=OPINION).exists()
    assert client.get(reverse("aides:opinion_request_list")).status_code == 403

    # Everything is journalled on the requests.
    actions = list(
        AuditEntry.objects.filter(object_id__in=[str(etat.uuid), str(dep.uuid)])
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions.count("opinion.request") == 2
    assert actions.count("opinion.give") == 1
    assert actions.count("opinion.remind") == 2
    assert opinion.request == etat
