"""The dossier page reads its reader's memberships and its financing plan once: its queries
do not grow with its messages, its documents, its history or its structure's members, and
whoever reads it (director, instructeur) sends as many whatever the dossier holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aides import services
from tests.aides.factories import move, pdf_upload
from tests.structures.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def queries(client, dossier):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(dossier.get_absolute_url())
    assert response.status_code == 200
    return len(captured)


def grow(dossier, director, instructeur, structure, *, documents):
    """More of everything the page lists: messages, members, history (the documents'
    additions) and, while the director may add them, documents."""
    for n in range(3):
        MembershipFactory(structure=structure, role="salarie")
        services.comment_add(actor=director, dossier=dossier, body=f"Message {n}")
        if documents:
            services.document_add(
                actor=director, dossier=dossier, kind="devis", upload=pdf_upload(f"devis-{n}.pdf")
            )
        else:
            services.comment_add(actor=instructeur, dossier=dossier, body=f"Réponse {n}")


def test_the_director_page_queries_do_not_grow_with_its_content(
    client, draft, director_a, instructeur, structure_a
):
    client.force_login(director_a)
    client.get(draft.get_absolute_url())  # a first request may fill caches
    before = queries(client, draft)
    grow(draft, director_a, instructeur, structure_a, documents=True)
    assert queries(client, draft) == before


def test_the_instructeur_page_queries_do_not_grow_with_its_content(
    client, draft, director_a, instructeur, structure_a
):
    move(draft, director_a, "submit")
    move(draft, instructeur, "start_instruction")
    client.force_login(instructeur)
    client.get(draft.get_absolute_url())
    before = queries(client, draft)
    grow(draft, director_a, instructeur, structure_a, documents=False)
    assert queries(client, draft) == before


def test_the_director_page_asks_the_memberships_once(client, draft, director_a):
    """Its predicates (can it be seen, edited, commented, paid…) and the names of its
    people read one query of the structure's memberships."""
    client.force_login(director_a)
    client.get(draft.get_absolute_url())
    with CaptureQueriesContext(connection) as captured:
        client.get(draft.get_absolute_url())
    memberships = [
        q["sql"] for q in captured if 'FROM "structures_membership"' in q["sql"].split(" WHERE")[0]
    ]
    # The page's own, and the menu's (not this page's to spare).
    assert len([sql for sql in memberships if '"structure_id" =' in sql]) == 1
