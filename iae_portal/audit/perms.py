"""Who reads the whole journal."""

from iae_portal.users.roles import ADMIN, JOURNAL_READ


def can_view_journal(user):
    """Administrators, and chefs de service (``journal.read``) whose account covers every
    region.

    The journal spans every region and every kind of object; a chef de service bound to one
    region reads the history of each object on its own page instead (dossiers, structures).
    """
    if not user.is_authenticated or not user.is_active:
        return False
    return user.can(ADMIN) or (user.can(JOURNAL_READ) and user.region_id is None)
