"""The instruction queue's rows written in Python (``{% queue_rows %}``,
aides.templatetags.aides_queue) from a dossier's values are byte for byte what the
template's loop wrote from the dossier: texts to escape, missing amounts, dates and
instructors, counts of opinions, a state or a kind several rows share, ticked or not; and
the page reads the values a dossier's model holds."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from aides.enums import DossierState
from aides.models import AidScheme, Campaign, Dossier
from aides.templatetags import aides_queue
from aides.templatetags.aides_queue import ROW_TEMPLATE, queue_rows
from aides.views.staff import QUEUE_ROW_FIELDS, QueueRow, _queue_rows, opinion_counts
from iae_portal.users.models import User
from structures.enums import StructureKind
from structures.models import Department, Structure
from tests.aides.dossier_paths import dossier_at

LOOP = Template("{% for d in dossiers %}" + ROW_TEMPLATE + "{% endfor %}")
text = st.text(alphabet=st.sampled_from("aé<>&\"' z0—"), min_size=1, max_size=8)
amounts = st.one_of(st.none(), st.decimals(places=2, min_value=0, max_value=10**8, allow_nan=False))
moments = st.one_of(
    st.none(),
    st.datetimes(
        min_value=datetime.datetime(2020, 1, 1), max_value=datetime.datetime(2030, 1, 1)
    ).map(lambda moment: timezone.make_aware(moment, datetime.UTC)),
)
counts = st.integers(0, 1500)


@st.composite
def dossiers(draw):
    department = Department(code=draw(st.sampled_from(["08", "2A", "971"])), name=draw(text))
    structure = Structure(
        siret=draw(st.sampled_from(["12345678901234", "98765432109876"])),
        name=draw(text),
        kind=draw(st.sampled_from(StructureKind.values)),
        department=department,
    )
    campaign_name = draw(text)
    scheme = AidScheme(name=draw(st.one_of(text, st.just(campaign_name[:3]))))
    campaign = Campaign(name=campaign_name, scheme=scheme)
    instructor = draw(
        st.one_of(
            st.none(),
            st.builds(
                User,
                email=st.just("x@example.test"),
                first_name=st.one_of(st.just(""), text),
                last_name=st.one_of(st.just(""), text),  # no name at all: the email
            ),
        )
    )
    dossier = Dossier(
        uuid=uuid.UUID(int=draw(st.integers(0, 2**128 - 1))),
        reference=draw(text),
        version=draw(st.integers(1, 20000)),
        state=draw(st.sampled_from(DossierState.values)),
        requested_amount=draw(amounts),
        proposed_amount=draw(amounts),
        submitted_at=draw(moments),
        structure=structure,
        campaign=campaign,
        instructor=instructor,
    )
    dossier.opinions_asked = draw(counts)
    dossier.opinions_answered = draw(counts)
    dossier.opinions_late = draw(counts)
    return dossier


def row_of(dossier):
    """The ``QueueRow`` of a dossier's model: each of ``QUEUE_ROW_FIELDS`` followed
    through its relations (``None`` past a missing one), as the page's query reads it."""
    values = []
    for path in QUEUE_ROW_FIELDS:
        value = dossier
        for name in path.split("__"):
            value = None if value is None else getattr(value, name)
        values.append(value)
    counts = (dossier.opinions_asked, dossier.opinions_answered, dossier.opinions_late)
    return QueueRow(dossier.pk, *values, *counts)


LABEL = re.compile(r' data-label="[^"]*"')


def unlabelled(html):
    """``html`` without its cells' column names (``data-label``)."""
    return LABEL.sub("", html)


@settings(max_examples=200, deadline=None)
@given(st.lists(dossiers(), max_size=5), st.booleans(), st.booleans())
def test_rows_as_the_template(rows, selectable, select_all):
    context = {"dossiers": rows, "selectable": selectable, "select_all": select_all}
    expected = LOOP.render(Context(context))
    written = queue_rows(Context(context), [row_of(d) for d in rows], selectable, select_all)
    assert unlabelled(written) == expected
    assert written.count(" data-label=") == len(rows) * (10 if selectable else 9)


def test_a_row_with_everything():
    structure = Structure(
        siret="12345678901234",
        name="L'<Atelier>",
        kind=StructureKind.ACI,
        department=Department(code="08", name="Ardennes"),
    )
    dossier = Dossier(
        uuid=uuid.uuid4(),
        reference="CA-2026-0001",
        version=3,
        state=DossierState.values[1],
        requested_amount=Decimal("12345.50"),
        proposed_amount=None,
        submitted_at=timezone.now(),
        structure=structure,
        campaign=Campaign(name="Appel 2026", scheme=AidScheme(name="Aide au poste")),
        instructor=User(email="i@example.test", first_name="Inès", last_name="Martin"),
    )
    dossier.opinions_asked, dossier.opinions_answered, dossier.opinions_late = 2, 1, 1
    context = {"dossiers": [dossier], "selectable": True, "select_all": True}
    html = queue_rows(Context(context), [row_of(dossier)], True, True)
    assert unlabelled(html) == LOOP.render(Context(context))
    assert "L&#x27;&lt;Atelier&gt;" in html and "1/2 rendus" in html and "checked" in html


@pytest.mark.django_db
def test_the_page_reads_what_the_models_hold(campaign, instructeur, director_a, structure_a):
    """``_queue_rows``: the values of each dossier as its models hold them (an instructor
    or none, the deposit's instant), its opinion counts, in the page's order."""
    assigned = dossier_at(
        "en_instruction",
        structure=structure_a,
        director=director_a,
        campaign=campaign,
        instructeur=instructeur,
    )
    Dossier.objects.filter(pk=assigned.pk).update(instructor=instructeur)
    waiting = dossier_at(
        "depose", structure=structure_a, director=director_a, campaign=campaign, title="Autre"
    )
    keys = [waiting.pk, assigned.pk]
    counts = opinion_counts(keys)
    expected = []
    for key in keys:
        dossier = Dossier.objects.for_queue().get(pk=key)
        dossier.opinions_asked, dossier.opinions_answered, dossier.opinions_late = counts.get(
            key, (0, 0, 0)
        )
        expected.append(row_of(dossier))
    assert expected[1].instructor_email == instructeur.email
    assert expected[0].instructor_email is None and expected[0].submitted_at is not None
    assert _queue_rows(keys) == expected


def _row(**values):
    fields = dict.fromkeys(QueueRow._fields)
    fields.update(
        pk=1,
        uuid=uuid.UUID(int=1),
        reference="CA-2026-0001",
        version=1,
        state=DossierState.DEPOSE,
        structure_siret="12345678901234",
        structure_name="Atelier",
        structure_kind=StructureKind.ACI,
        structure_department_code="08",
        structure_department_name="Ardennes",
        campaign_name="Appel 2026",
        campaign_scheme_name="Aide au poste",
        opinions_asked=0,
        opinions_answered=0,
        opinions_late=0,
    )
    fields.update(values)
    return QueueRow(**fields)


def test_texts_kept_by_the_process_follow_a_rename():
    """The process keeps a call's and an instructor's texts by their values: renamed,
    they are written anew, not as the first request read them."""
    person = {"instructor_email": "i@example.test", "instructor_last_name": "Martin"}
    before = queue_rows(Context({}), [_row(instructor_first_name="Inès", **person)], False, False)
    after = queue_rows(
        Context({}),
        [_row(instructor_first_name="Agnès", campaign_name="Aide au poste — appel 2027", **person)],
        False,
        False,
    )
    assert "Inès Martin" in before and "Appel 2026" in before
    assert "Agnès Martin" in after and "Inès" not in after
    assert "Appel 2027" in after and "Appel 2026" not in after


def test_texts_kept_by_the_process_are_bounded(monkeypatch):
    monkeypatch.setattr(aides_queue, "MAX_LABELS", 3)
    aides_queue._LABELS.clear()
    rows = [
        _row(
            instructor_email=f"i{n}@example.test",
            instructor_first_name="",
            instructor_last_name=f"Nom{n}",
        )
        for n in range(5)
    ]
    queue_rows(Context({}), rows, False, False)
    (kept,) = aides_queue._LABELS.values()
    assert len(kept) > 3  # a page's texts, all kept while it is written
    html = queue_rows(Context({}), rows[:1], False, False)
    assert len(kept) == 4  # forgotten before the next page: its own state, kind, call, name
    assert '<td data-label="Instructeur">Nom0</td>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["instructeur", "lecteur"])
def test_each_cell_carries_its_column_name_from_the_header(
    client, role, request, campaign, director_a, structure_a
):
    """The rows name their cells as ``label_cells`` names them from the page's header
    (for a phone, where rows stack as cards), with or without the selection column."""
    from iae_portal.templatetags.tables import label_cells

    user = request.getfixturevalue(role)
    dossier_at("depose", structure=structure_a, director=director_a, campaign=campaign)
    client.force_login(user)
    page = client.get("/aides/instruction/").content.decode()
    table = page[page.index("<thead>") : page.index("</tbody>")]
    assert table.count(" data-label=") == (10 if role == "instructeur" else 9)
    assert label_cells(unlabelled(table)) == table
