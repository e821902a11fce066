"""Demo users: one account per role, all with the same password, to try the portal."""

from typing import NamedTuple

from django.contrib.auth.hashers import make_password

from structures.enums import MembershipRole, StructureKind
from structures.models import Membership

from .enums import REGIONAL_STAFF_ROLES, Role
from .models import User

DEMO_PASSWORD = "demo-iae-2026"


class DemoUser(NamedTuple):
    email: str
    first_name: str
    last_name: str
    role: str
    organisation: str
    sees: str  # what the account shows, for the logins table


DEMO_USERS = (
    DemoUser("admin@demo.iae.fr", "Sophie", "Marchal", Role.ADMIN,
             "Région Grand Est, direction du numérique",
             "tout le portail et l'administration Django"),
    DemoUser("instructeur@demo.iae.fr", "Julien", "Schmitt", Role.INSTRUCTEUR,
             "Région Grand Est, service de l'insertion",
             "toutes les structures du Grand Est, qu'il crée et modifie"),
    DemoUser("chef@demo.iae.fr", "Nathalie", "Humbert", Role.CHEF_SERVICE,
             "Région Grand Est, service de l'insertion",
             "toutes les structures du Grand Est, qu'elle crée et modifie"),
    DemoUser("elu@demo.iae.fr", "Bernard", "Thiriet", Role.LECTEUR,
             "Conseil régional Grand Est, commission emploi",
             "toutes les structures du Grand Est, en lecture seule"),
    DemoUser("directeur@demo.iae.fr", "Karine", "Muller", Role.SIAE, "",
             "les deux structures qu'elle dirige (un ACI et une AI), qu'elle modifie"),
    DemoUser("salarie@demo.iae.fr", "Mehdi", "Bensaïd", Role.SIAE, "",
             "la structure où il travaille (un ACI), en lecture"),
    DemoUser("dla@demo.iae.fr", "Claire", "Weber", Role.DLA,
             "DLA de Meurthe-et-Moselle",
             "les accompagnements de son DLA, le bilan et l'annuaire des structures"),
    DemoUser("facilitateur@demo.iae.fr", "Thomas", "Klein", Role.FACILITATEUR,
             "Maison de l'emploi du Grand Nancy",
             "les lots qu'il suit, la saisie des heures et l'annuaire des structures"),
)  # fmt: skip
DEMO_EMAILS = tuple(user.email for user in DEMO_USERS)


def demo_users_exist():
    return User.objects.filter(email__in=DEMO_EMAILS).exists()


def seed(*, region_code, structures):
    """Create the demo accounts; the director runs the first ACI and the first AI of
    ``structures`` (in creation order), the employee works in that ACI."""
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    users = User.objects.bulk_create(
        User(
            email=demo.email,
            first_name=demo.first_name,
            last_name=demo.last_name,
            role=demo.role,
            organisation=demo.organisation,
            region_id=region_code if demo.role in REGIONAL_STAFF_ROLES else None,
            is_staff=demo.role == Role.ADMIN,
            is_superuser=demo.role == Role.ADMIN,
            password=password,
        )
        for demo in DEMO_USERS
    )
    by_email = {user.email: user for user in users}
    first_aci = next((s for s in structures if s.kind == StructureKind.ACI), None)
    first_ai = next((s for s in structures if s.kind == StructureKind.AI), None)
    memberships = [
        Membership(user=by_email[email], structure=structure, role=role)
        for email, structure, role in (
            ("directeur@demo.iae.fr", first_aci, MembershipRole.DIRECTEUR),
            ("directeur@demo.iae.fr", first_ai, MembershipRole.DIRECTEUR),
            ("salarie@demo.iae.fr", first_aci, MembershipRole.SALARIE),
        )
        if structure is not None
    ]
    Membership.objects.bulk_create(memberships)
    return users


def reset():
    User.objects.filter(email__in=DEMO_EMAILS).delete()


def logins():
    """``[(e-mail, rôle, mot de passe, ce qu'il voit)]`` for the demo accounts, naming the
    structures of the SIAE members."""
    structures = {}
    for membership in Membership.objects.filter(
        user__email__in=DEMO_EMAILS, is_active=True
    ).select_related("user", "structure"):
        structures.setdefault(membership.user.email, []).append(membership.structure.name)
    rows = []
    for demo in DEMO_USERS:
        sees = demo.sees
        if structures.get(demo.email):
            sees += " : " + ", ".join(f"« {name} »" for name in sorted(structures[demo.email]))
        rows.append((demo.email, Role(demo.role).label, DEMO_PASSWORD, sees))
    return rows
