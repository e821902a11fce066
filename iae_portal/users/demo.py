"""Demo users: one account per role, all with the same password, to try the portal."""

from typing import NamedTuple

from django.contrib.auth.hashers import make_password

from iae_portal.demo import login_notes

from .enums import Role
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
    DemoUser("partenaire-etat@demo.iae.fr", "Laurent", "Gérardin", Role.PARTENAIRE,
             "DREETS Grand Est",
             "les dossiers sur lesquels son avis est demandé et le rapport CDIAE de la région"),
    DemoUser("partenaire-departement@demo.iae.fr", "Stéphanie", "Mangin", Role.PARTENAIRE,
             "Conseil départemental de la Moselle",
             "les dossiers sur lesquels son avis est demandé et le rapport CDIAE de la Moselle"),
)  # fmt: skip
DEMO_EMAILS = tuple(user.email for user in DEMO_USERS)


def demo_users_exist():
    return User.objects.filter(email__in=DEMO_EMAILS).exists()


def seed():
    """Create the demo accounts. The apps' demo steps (``iae_portal.demo``) give them their
    place: regional staff their region, the director the first ACI and the first AI, the
    employee that ACI, the DLA chargé a DLA, the facilitator a facilitator."""
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    return User.objects.bulk_create(
        User(
            email=demo.email,
            first_name=demo.first_name,
            last_name=demo.last_name,
            role=demo.role,
            organisation=demo.organisation,
            is_staff=demo.role == Role.ADMIN,
            is_superuser=demo.role == Role.ADMIN,
            password=password,
        )
        for demo in DEMO_USERS
    )


def reset():
    User.objects.filter(email__in=DEMO_EMAILS).delete()


def logins():
    """``[(e-mail, rôle, mot de passe, ce qu'il voit)]`` for the demo accounts, naming what
    they belong to (the structures of the SIAE members, from the apps' demo steps)."""
    notes = login_notes()
    rows = []
    for demo in DEMO_USERS:
        sees = demo.sees
        if notes.get(demo.email):
            sees += " : " + ", ".join(f"« {name} »" for name in sorted(notes[demo.email]))
        rows.append((demo.email, Role(demo.role).label, DEMO_PASSWORD, sees))
    return rows
