"""The audit journal: every change that matters leaves an entry, entries cannot be rewritten,
and the journal page is read-only, filtered, paginated and shown only to those who answer
for the council's decisions."""

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from aides import services as aides_services
from aides.models import AidScheme
from iae_portal.audit.models import AuditEntry
from iae_portal.audit.services import audit_record
from iae_portal.users.enums import Role
from structures import services as structure_services
from structures.enums import MembershipRole
from structures.models import Structure
from tests.aides.dossier_paths import dossier_at
from tests.aides.factories import CampaignFactory, CommissionFactory, move
from tests.structures.factories import UserFactory

pytestmark = pytest.mark.django_db
JOURNAL = reverse("audit:journal")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def national_chef():
    return UserFactory(email="chef.national@example.org", role=Role.CHEF_SERVICE, region=None)


def entries(action, obj=None):
    found = AuditEntry.objects.filter(action=action)
    if obj is not None:
        found = found.filter(object_id=str(getattr(obj, "uuid", None) or obj.pk))
    return list(found)


# -- What is journalled -------------------------------------------------------------------


def test_a_dossiers_life_is_journalled_with_states_and_amounts(
    director_a, structure_a, instructeur, chef_service
):
    campaign = CampaignFactory()
    dossier = dossier_at(
        "instruit",
        structure=structure_a,
        director=director_a,
        campaign=campaign,
        instructeur=instructeur,
    )
    commission = CommissionFactory(campaign=campaign)
    move(dossier, chef_service, "vote", commission=commission, deliberation_number="CP-2026-7")
    (submit,) = entries("dossier.submit", dossier)
    assert submit.actor == director_a
    assert submit.changes["state"] == ["brouillon", "depose"]
    (vote,) = entries("dossier.vote", dossier)
    assert vote.actor == chef_service
    voted_fields = {key for key in vote.changes if "amount" in key}
    assert voted_fields, vote.changes  # the voted amount, from and to
    assert entries("dossier.document", dossier)


def test_parameters_and_memberships_are_journalled(chef_service, director_a, structure_a):
    scheme = AidScheme.objects.get(code="pc-emplois-tremplin-environnement")
    aides_services.scheme_parameters_change(
        actor=chef_service,
        scheme=scheme,
        values={**scheme.parameters(), "equipment_cap": Decimal("5000")},
        reason="délibération 2026-12",
    )
    (change,) = entries("aides.parameters", scheme)
    assert change.reason == "délibération 2026-12"
    assert change.changes["equipment_cap"][1] == "5000"

    newcomer = UserFactory(email="salarie@example.org")
    structure_services.membership_add(
        actor=director_a, structure=structure_a, user=newcomer, role=MembershipRole.SALARIE
    )
    (added,) = entries("structure.membership", structure_a)
    assert added.actor == director_a and "salarie@example.org.role" in added.changes


def test_entries_can_be_neither_rewritten_nor_erased(director_a, structure_a):
    entry = audit_record(actor=director_a, action="test.action", obj=structure_a)
    entry.reason = "réécrit"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    with pytest.raises(ValueError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="réécrit")
    with pytest.raises(ValueError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


# -- Who reads the journal ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("director_a", 403),
        ("instructeur", 403),
        ("lecteur", 403),
        ("chef_service", 403),  # bound to one region: the journal spans them all
        ("dla", 403),
        ("facilitateur", 403),
        ("national_chef", 200),
        ("admin_user", 200),
    ],
)
def test_who_reads_the_journal(client, request, who, status):
    if who in ("dla", "facilitateur"):
        client.force_login(UserFactory(role=who))
    elif who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(JOURNAL)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))
    menu = client.get(reverse("home")).content.decode() if who != "anonymous" else ""
    assert (f'href="{JOURNAL}"' in menu) == (status == 200)


def test_the_journal_is_read_only(client, admin_user):
    client.force_login(admin_user)
    assert client.post(JOURNAL).status_code == 405


# -- The page -------------------------------------------------------------------------------


@pytest.fixture
def journal(admin_user, director_a, structure_a, structure_b):
    old = audit_record(
        actor=director_a,
        action="structure.update",
        obj=structure_a,
        changes={"name": ["Chantier", "Chantier A"]},
        reason="nouveau nom",
    )
    # Dates are set at creation: backdate one entry through SQL (updates are refused).
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET at = %s WHERE id = %s",
            [timezone.now() - datetime.timedelta(days=40), old.pk],
        )
    audit_record(actor=admin_user, action="structure.update", obj=structure_b)
    audit_record(actor=admin_user, action="structure.membership", obj=structure_b)
    return old


def rows(response):
    return [(e.action, e.object_repr) for e in response.context["page"].object_list]


def test_the_journal_lists_newest_first_with_what_changed(client, admin_user, journal):
    client.force_login(admin_user)
    response = client.get(JOURNAL)
    page = response.content.decode()
    assert [action for action, _ in rows(response)] == [
        "structure.membership",
        "structure.update",
        "structure.update",
    ]
    assert "Chantier → Chantier A" in page and "nouveau nom" in page
    assert "directeur.a@example.org" in page


def test_the_journal_filters(client, admin_user, director_a, journal, structure_a, structure_b):
    client.force_login(admin_user)
    structure_type = ContentType.objects.get_for_model(Structure).pk
    assert len(rows(client.get(JOURNAL, {"object_type": structure_type}))) == 3
    assert rows(client.get(JOURNAL, {"actor": "directeur.a"})) == [
        ("structure.update", structure_a.name)
    ]
    assert rows(client.get(JOURNAL, {"action": "structure.membership"})) == [
        ("structure.membership", structure_b.name)
    ]
    assert rows(client.get(JOURNAL, {"obj": "chantier a"})) == [
        ("structure.update", structure_a.name)
    ]
    today = timezone.localdate()
    recent = rows(client.get(JOURNAL, {"since": (today - datetime.timedelta(days=7)).isoformat()}))
    assert len(recent) == 2
    older = rows(client.get(JOURNAL, {"until": (today - datetime.timedelta(days=30)).isoformat()}))
    assert older == [("structure.update", structure_a.name)]
    bad = client.get(JOURNAL, {"since": "pas une date"})
    assert bad.status_code == 200
    assert "Saisissez une date valide" in bad.content.decode()


def test_the_journal_is_paginated_with_constant_queries(
    client, admin_user, structure_a, django_assert_max_num_queries
):
    client.force_login(admin_user)
    for size in (60, 160):
        for _ in range(size - AuditEntry.objects.count()):
            audit_record(actor=admin_user, action="structure.update", obj=structure_a)
        with django_assert_max_num_queries(9):
            response = client.get(JOURNAL, {"per_page": 25, "page": 2})
        assert len(response.context["page"].object_list) == 25
        assert response.context["page"].paginator.count == size


# -- What a person reads: French words, never the recorded codes --------------------------

CODE = re.compile(
    r"^(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+"  # snake_case
    r"|[a-z_]+\.[a-z_]+"  # dotted event names
    r"|None|True|False)$"
)


class _Text(HTMLParser):
    """The text a person reads on the page (no markup, no script)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(content):
    parser = _Text()
    parser.feed(content)
    return " ".join(" ".join(parser.parts).split())


def codes_in(text):
    """Internal codes a person would read: snake_case, dotted names, Python reprs."""
    found = set()
    if re.search(r"\[\s*'", text):
        found.add("python list")
    for token in text.split():
        if "@" in token or "://" in token or re.search(r"\.(pdf|csv|png|jpe?g)$", token):
            continue  # e-mail addresses, links, file names
        token = token.strip(".,;:()«»[]'\"")
        if CODE.match(token):
            found.add(token)
    return found


@pytest.fixture
def walked_accompaniment(admin_user):
    """A DLA accompaniment walked through every step by a named chargée de mission."""
    from dla import services as dla_services
    from tests.dla.factories import (
        DIAGNOSTIC,
        FOLLOW_UP,
        PLAN,
        chargé,
        open_accompaniment,
        prestation_values,
    )

    user = chargé("camille.martin@example.org", "54")
    user.first_name, user.last_name = "Camille", "Martin"
    user.save()
    structures = [Structure.objects.create(**s) for s in _structures(2)]
    accompaniment = open_accompaniment(user, structures, urgent=True)
    dla_services.accompaniment_diagnose(actor=user, accompaniment=accompaniment, **DIAGNOSTIC)
    dla_services.accompaniment_plan(actor=user, accompaniment=accompaniment, **PLAN)
    dla_services.accompaniment_add_prestation(
        actor=user,
        accompaniment=accompaniment,
        beneficiaries=structures,
        **prestation_values(mode="collective", theme="strategie_consolidation"),
    )
    dla_services.accompaniment_follow_up(
        actor=user,
        accompaniment=accompaniment,
        milestone=6,
        contact_date=datetime.date(2024, 12, 2),
        **FOLLOW_UP,
    )
    dla_services.accompaniment_close(
        actor=user,
        accompaniment=accompaniment,
        closed_on=datetime.date(2025, 1, 6),
        summary="Plan d'action engagé.",
    )
    return accompaniment


def _structures(count):
    from tests.structures.factories import StructureFactory

    return [
        {
            field: getattr(s, field)
            for field in ("siret", "name", "kind", "legal_form", "department_id")
        }
        for s in StructureFactory.build_batch(count)
    ]


def test_the_journal_shows_a_dla_accompaniment_in_french(client, admin_user, walked_accompaniment):
    client.force_login(admin_user)
    response = client.get(JOURNAL, {"per_page": 50})
    text = visible_text(response.content.decode())
    for code in ("closed_on", "ingenierie_individuelle", "strategie_consolidation", "dla.close"):
        assert code not in text
    assert "['salaries', 'conseil']" not in text
    for words in (
        "Clôture",  # the action dla.close
        "Clos le : 06/01/2025",  # closed_on, a date in French
        "Modalité : Ingénierie individuelle",  # a choice's label (a new value alone)
        "Participants : Salariés et Conseil d'administration",  # a list, joined in French
        "Nouvelle activité : Non → Oui",  # a boolean
        "État : Suivi → Clos",
        "Thème : Stratégie de consolidation",
        "Coût (€) : 3 000,00",  # a decimal in French
        "Date du contact : 02/12/2024",
        "Camille Martin",  # the actor's full name
    ):
        assert words in text.replace("\u202f", " ").replace("\xa0", " "), words
    assert codes_in(text) == set()


def test_no_code_in_the_journal_of_every_app(
    client, admin_user, walked_accompaniment, director_a, structure_a, chef_service, instructeur
):
    """Entries as the services of every app write them, read as a person reads them."""
    from clauses import services as clauses_services
    from iae_portal.api import services as api_services
    from tests.aides.factories import CampaignFactory, CommissionFactory
    from tests.clauses.factories import LotFactory

    scheme = AidScheme.objects.get(code="pc-emplois-tremplin-environnement")
    aides_services.scheme_parameters_change(
        actor=chef_service,
        scheme=scheme,
        values={**scheme.parameters(), "equipment_cap": Decimal("5000")},
        reason="délibération 2026-12",
    )
    structure_services.structure_update(
        actor=instructeur,
        structure=structure_a,
        data={"name": "Chantier A bis", "legal_form": "scop"},
        networks=["chantier_ecole"],
    )
    structure_services.membership_add(
        actor=director_a,
        structure=structure_a,
        user=UserFactory(email="salarie@example.org"),
        role=MembershipRole.SALARIE,
    )
    campaign = CampaignFactory()
    dossier_at(
        "instruit",
        structure=structure_a,
        director=director_a,
        campaign=campaign,
        instructeur=instructeur,
    )
    CommissionFactory(campaign=campaign)
    clauses_services.lot_set_hours(actor=admin_user, lot=LotFactory(), hours=Decimal("1200"))
    api_services.api_client_create(actor=admin_user, name="Outil du réseau", scope="read")
    client.force_login(admin_user)
    response = client.get(JOURNAL, {"per_page": 100})
    text = visible_text(response.content.decode())
    assert codes_in(text) == set()
    assert response.context["page"].paginator.count > 15


def test_values_read_in_french_whatever_their_age():
    from dla.models import Accompaniment
    from iae_portal.audit.labels import action_label, field_label, value_label
    from structures.models import YearlyFigures

    # A list recorded as its Python repr (entries written before lists were kept as lists).
    assert value_label(Accompaniment, "participants", "['salaries', 'conseil']") == (
        "Salariés et Conseil d'administration"
    )
    assert value_label(Accompaniment, "participants", ["reseaux"]) == "Réseaux"
    assert value_label(Accompaniment, "method", "ingenierie_collective") == "Ingénierie collective"
    assert value_label(YearlyFigures, "year", 2025) == "2025"  # a year is never grouped
    assert value_label(Accompaniment, "urgent", False) == "Non"
    assert value_label(Accompaniment, "closed_on", None) == "—"
    assert field_label(Structure, "department_id") == "Département"
    assert field_label(Structure, "convention.ACI-54-1.end_date").endswith(" ACI-54-1 : fin")
    assert action_label("dla.follow_up") == "Contact de suivi"
    assert action_label("an_app.unknown") == "Modification"  # never the code


def test_an_objects_history_reads_the_same_through_the_template_filters(director_a, structure_a):
    from django.template import Context, Template

    entry = audit_record(
        actor=director_a,
        action="structure.update",
        obj=structure_a,
        changes={"legal_form": ["association", "scop"], "department_id": ["54", "57"]},
    )
    html = Template(
        "{% load audit_labels %}{{ entry|audit_actor }} — {{ entry|audit_action }} : "
        "{% for c in entry|audit_changes %}{{ c.label }} : {{ c.before }} → {{ c.after }}; "
        "{% endfor %}"
    ).render(Context({"entry": entry}))
    assert html == (
        f"{director_a.get_full_name()} — Modification de la structure : "
        "Forme juridique : Association → SCOP; Département : 54 → 57; "
    ).replace("'", "&#x27;")
