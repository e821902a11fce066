"""Who may do what with aid schemes and computations."""

from iae_portal.users.enums import Role
from structures import perms as structure_perms


def can_change_scheme(user):
    """Parameters and texts of a scheme: the chef de service (who validates) and admins."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_admin or user.role == Role.CHEF_SERVICE)
    )


def can_view_scheme_history(user):
    return user.is_authenticated and (user.is_admin or user.is_regional_staff)


def can_view_computation(user, computation):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin or computation.created_by_id == user.pk:
        return True
    if computation.structure is None:
        return user.is_regional_staff
    return structure_perms.can_view_structure(user, computation.structure) and (
        user.role != Role.DLA and user.role != Role.FACILITATEUR
    )


def can_simulate_for(user, structure):
    """Recording a simulation on a structure: those who may open it, but directory readers."""
    return structure_perms.can_view_structure(user, structure) and user.role not in (
        Role.DLA,
        Role.FACILITATEUR,
    )
