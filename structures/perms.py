"""Who may see and change structures: the one place that decides, for views, API and templates.

- administrators: everything;
- regional staff (instructeur, chef de service, élu/partenaire): every structure of their
  region (all regions when their account has none); only instructeurs and chefs de service
  write;
- SIAE members: the structures where their membership is active; directors edit them and
  manage their members;
- DLA chargés de mission and clause facilitators: read the directory of structures (they
  must find the structures they accompany or match with contracts), without members.
"""

from iae_portal.users.enums import Role

from .enums import MembershipRole
from .models import CollectiveProject, Membership, Structure

DIRECTORY_READER_ROLES = frozenset({Role.DLA, Role.FACILITATEUR})


def _in_staff_scope(user, structure):
    return user.region_id is None or structure.department.region_id == user.region_id


def _active_membership(user, structure):
    return Membership.objects.filter(user=user, structure=structure, is_active=True)


def is_director_of(user, structure):
    return (
        user.is_authenticated
        and user.is_active
        and _active_membership(user, structure).filter(role=MembershipRole.DIRECTEUR).exists()
    )


def visible_structures(user):
    """The structures ``user`` may open, as a queryset to refine."""
    structures = Structure.objects.all()
    if not user.is_authenticated or not user.is_active:
        return structures.none()
    if user.is_admin or user.role in DIRECTORY_READER_ROLES:
        return structures
    if user.is_regional_staff:
        return structures.in_region(user.region_id) if user.region_id else structures
    return structures.filter(memberships__user=user, memberships__is_active=True)


def can_view_structure(user, structure):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin or user.role in DIRECTORY_READER_ROLES:
        return True
    if user.is_regional_staff:
        return _in_staff_scope(user, structure)
    return _active_membership(user, structure).exists()


def can_create_structure(user):
    return user.is_authenticated and (user.is_admin or user.is_regional_writer)


def can_import_structures(user):
    return can_create_structure(user)


def can_edit_structure(user, structure):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin:
        return True
    if user.is_regional_writer:
        return _in_staff_scope(user, structure)
    return user.role == Role.SIAE and is_director_of(user, structure)


def can_view_members(user, structure):
    if not user.is_authenticated or user.role in DIRECTORY_READER_ROLES:
        return False
    return can_view_structure(user, structure)


def can_manage_members(user, structure):
    return can_edit_structure(user, structure)


def visible_projects(user):
    """Collective projects with at least one member structure ``user`` may open."""
    projects = CollectiveProject.objects.all()
    if not user.is_authenticated or not user.is_active:
        return projects.none()
    if user.is_admin or user.role in DIRECTORY_READER_ROLES:
        return projects
    if user.is_regional_staff and not user.region_id:
        return projects
    return projects.filter(members__structure__in=visible_structures(user)).distinct()


def can_view_project(user, project):
    return visible_projects(user).filter(pk=project.pk).exists()


def can_edit_project(user, project):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin:
        return True
    if user.is_regional_writer:
        return can_view_project(user, project)
    return project.carrier is not None and is_director_of(user, project.carrier)
