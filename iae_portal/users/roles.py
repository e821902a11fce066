"""Roles, declared once as sets of capabilities: the one place that says what a role may do.

A person's ``role`` (the stored value, ``Role``) names one set of capabilities; the apps'
``perms.py`` test capabilities (``user.can(REGION_READ)``), never role values, and then
narrow by the person's memberships (structures, DLA, facilitators) and, for the council's
staff, by their territory (``user.region``). A new role is its ``Role`` member and its line
in ``CAPABILITIES`` below (plus its column in the permission matrix, ``tests/security``).

Capabilities:

- ``admin``: everything, in every region (the portal's administrators; superusers have it
  whatever their role);
- ``region.read``: the council's staff, who read the structures, dossiers, accompaniments
  and contracts of their region (every region when their account has none);
- ``region.write``: change what the council records there (structures, imports, the
  instruction queue's assignments, batches);
- ``dossiers.instruct``: instruct aid dossiers (the workflow's ``instructor``), be assigned
  some;
- ``dossiers.vote``: the workflow's ``chef`` (vote, notify);
- ``campaigns.manage``: open and change calls for applications and their commissions;
- ``schemes.manage``: the schemes' parameters, texts and letters, new schemes;
- ``journal.read``: the whole audit journal, when the account has no region;
- ``structures.member``: act for the structures where one has an active membership
  (directors apply for aids, read their structures' accompaniments and clause hours);
- ``structures.directory``: read the whole directory of structures, without their members;
- ``dla.member``: the DLA chargés de mission, for the DLA of their active memberships;
- ``facilitator.member``: the clause facilitators, for the lots of their facilitators;
- ``partner.member``: people of other institutions (State services, Départements, DLA,
  networks, other services of the council), for what their organisations are asked:
  the dossiers on which they were asked an opinion, the CDIAE report of their territory.
"""

from django.db import models
from django.utils.html import format_html
from django.utils.safestring import mark_safe

ADMIN = "admin"
REGION_READ = "region.read"
REGION_WRITE = "region.write"
DOSSIERS_INSTRUCT = "dossiers.instruct"
DOSSIERS_VOTE = "dossiers.vote"
CAMPAIGNS_MANAGE = "campaigns.manage"
SCHEMES_MANAGE = "schemes.manage"
JOURNAL_READ = "journal.read"
STRUCTURES_MEMBER = "structures.member"
STRUCTURES_DIRECTORY = "structures.directory"
DLA_MEMBER = "dla.member"
FACILITATOR_MEMBER = "facilitator.member"
PARTNER_MEMBER = "partner.member"


class Role(models.TextChoices):
    """What a person does in the portal (the stored value); ``CAPABILITIES`` says what it
    allows, memberships then say on which objects."""

    ADMIN = "admin", "Administrateur"
    INSTRUCTEUR = "instructeur", "Instructeur (conseil régional)"
    CHEF_SERVICE = "chef_service", "Chef de service (conseil régional)"
    LECTEUR = "lecteur", "Élu ou lecteur régional (lecture seule)"
    SIAE = "siae", "Membre d'une structure"
    DLA = "dla", "Chargé de mission DLA"
    FACILITATEUR = "facilitateur", "Facilitateur des clauses sociales"
    PARTENAIRE = "partenaire", "Partenaire (autre institution)"


CAPABILITIES = {
    Role.ADMIN: frozenset({ADMIN}),
    Role.INSTRUCTEUR: frozenset({REGION_READ, REGION_WRITE, DOSSIERS_INSTRUCT}),
    Role.CHEF_SERVICE: frozenset(
        {
            REGION_READ,
            REGION_WRITE,
            DOSSIERS_INSTRUCT,
            DOSSIERS_VOTE,
            CAMPAIGNS_MANAGE,
            SCHEMES_MANAGE,
            JOURNAL_READ,
        }
    ),
    Role.LECTEUR: frozenset({REGION_READ}),
    Role.SIAE: frozenset({STRUCTURES_MEMBER}),
    Role.DLA: frozenset({DLA_MEMBER, STRUCTURES_DIRECTORY}),
    Role.FACILITATEUR: frozenset({FACILITATOR_MEMBER, STRUCTURES_DIRECTORY}),
    Role.PARTENAIRE: frozenset({PARTNER_MEMBER}),
}


def role_choices():
    """The roles' choices, for the user model: a callable, so a new role needs no migration."""
    return Role.choices


# The known capabilities: those some role grants (``can`` refuses a misspelt one).
ALL = frozenset().union(*CAPABILITIES.values())

# What the home page says to each role, under its greeting (``{region}``: the account's
# region, for the roles whose text names it; ``…_in_region`` when the account has one).
HOME_LEADS = {
    Role.INSTRUCTEUR: (
        "Ce que vous avez à traiter.",
        "Ce que vous avez à traiter pour la région {region}.",
    ),
    Role.CHEF_SERVICE: (
        "Ce que vous avez à traiter.",
        "Ce que vous avez à traiter pour la région {region}.",
    ),
    Role.LECTEUR: (
        "Les chiffres clés, en lecture seule.",
        "Les chiffres clés de la région {region}, en lecture seule.",
    ),
    Role.ADMIN: ("Le portail dans toutes les régions : ce qui attend une action.",) * 2,
    Role.SIAE: ("Vos structures et leurs demandes d'aide.",) * 2,
    Role.DLA: ("Espace des chargés de mission DLA : les demandes et les suivis de votre DLA.",) * 2,
    Role.FACILITATEUR: (
        "Espace des facilitateurs des clauses sociales : les heures à déclarer et vos lots.",
    )
    * 2,
    Role.PARTENAIRE: ("Les avis que la Région vous demande sur des dossiers d'aide.",) * 2,
}


def capabilities(user):
    """What ``user`` may do (an empty set for anonymous visitors and inactive accounts)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    granted = CAPABILITIES.get(user.role, frozenset())
    return granted | {ADMIN} if user.is_superuser else granted


def can(user, capability):
    """Whether ``user`` (anonymous visitors included) has ``capability``."""
    if capability not in ALL:
        raise ValueError(f"unknown capability {capability!r}")
    return capability in capabilities(user)


def roles_with(capability):
    """The roles granting ``capability`` (for queries over accounts, ``role__in=``)."""
    if capability not in ALL:
        raise ValueError(f"unknown capability {capability!r}")
    return frozenset(role for role, granted in CAPABILITIES.items() if capability in granted)


def home_lead(user):
    """The home page's line for ``user``'s role (empty for a role without one), as HTML."""
    plain, in_region = HOME_LEADS.get(user.role, ("", ""))
    if user.region_id and "{region}" in in_region:
        return format_html(in_region, region=user.region)
    return mark_safe(plain)  # the texts above, no input


# Regional staff (who read their region) and those of them who write: derived, for the
# demo data and the accounts' queries.
REGIONAL_STAFF_ROLES = roles_with(REGION_READ)
REGIONAL_WRITER_ROLES = roles_with(REGION_WRITE)
