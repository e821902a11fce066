"""Who may see and change social utility reports: the one place that decides.

- administrators: every report;
- regional staff (``region.read``): the reports of their territory's structures (their
  region's départements, all when their account has no region); those who write
  (``region.write``) validate them, send them back and import networks' files;
- members (``structures.member``): the reports of the structures of their active
  memberships; directors, and the employees a director allows (``ReportDelegate``), fill
  them in and submit them (a submitted or validated report is no longer theirs to change);
- everyone else: nothing. The group statistics (medians, quartiles: never a structure's
  figures, and nothing but counts under three reports) are read by staff and members.

Each rule is one ``structures.perms.Reach``, giving the queryset filter and the predicate.
"""

from dataclasses import dataclass

from django.db.models import F, Q

from iae_portal.users.roles import ADMIN, REGION_READ, REGION_WRITE, STRUCTURES_MEMBER
from structures.enums import MembershipRole
from structures.models import Membership, Structure
from structures.perms import EVERYTHING, NOTHING, is_director_of, member_reach, staff_reach
from structures.reference import department_codes

from .computations import SIAE_KIND_CODES
from .enums import ReportStatus
from .models import ReportDelegate, SocialReport

EDITABLE = frozenset({ReportStatus.BROUILLON, ReportStatus.A_CORRIGER})


def _active(user):
    return user.is_authenticated and user.is_active


def report_reach(user):
    """The structures whose reports ``user`` reads."""
    if not _active(user):
        return NOTHING
    if user.can(ADMIN):
        return EVERYTHING
    if user.can(REGION_READ):
        return staff_reach(user)
    if user.can(STRUCTURES_MEMBER):
        return member_reach(user)
    return NOTHING


def review_reach(user):
    """The structures whose submitted reports ``user`` validates or sends back."""
    if not _active(user):
        return NOTHING
    if user.can(ADMIN):
        return EVERYTHING
    if user.can(REGION_WRITE):
        return staff_reach(user)
    return NOTHING


def visible_reports(user, queryset=None):
    """The reports of ``queryset`` (all by default) ``user`` may read."""
    queryset = SocialReport.objects.all() if queryset is None else queryset
    return report_reach(user).filter(queryset, "structure")


def can_view_report(user, report):
    return report_reach(user).contains(report.structure)


def can_fill_report(user, structure):
    """Whether ``user`` fills in (creates, saves, submits) ``structure``'s reports: its
    directors, and the members a director allowed (``ReportDelegate``) while their
    membership is active."""
    if not (_active(user) and user.can(STRUCTURES_MEMBER)):
        return False
    return is_director_of(user, structure) or _is_delegate(user, structure)


def _is_delegate(user, structure):
    return ReportDelegate.objects.filter(
        structure=structure,
        user=user,
        user__memberships__structure=structure,
        user__memberships__is_active=True,
    ).exists()


def fillable_structures(user):
    """The SIAE whose reports ``user`` fills in (as ``can_fill_report``), as a queryset."""
    if not (_active(user) and user.can(STRUCTURES_MEMBER)):
        return Structure.objects.none()
    directed = Membership.objects.filter(
        user=user, is_active=True, role=MembershipRole.DIRECTEUR
    ).values("structure_id")
    delegated = ReportDelegate.objects.filter(
        user=user,
        user__memberships__structure=F("structure"),
        user__memberships__is_active=True,
    ).values("structure_id")
    return Structure.objects.filter(
        Q(pk__in=directed) | Q(pk__in=delegated), kind__in=SIAE_KIND_CODES
    )


def can_manage_delegates(user, structure):
    """Who allows employees to fill in the reports: the structure's directors."""
    return _active(user) and user.can(STRUCTURES_MEMBER) and is_director_of(user, structure)


def can_review_reports(user):
    """Whether ``user`` reviews reports somewhere (the home page's « to review »)."""
    return not review_reach(user).nothing


def can_list_own_reports(user):
    """« Mes bilans d'utilité sociale »: the members of structures."""
    return _active(user) and user.can(STRUCTURES_MEMBER)


def can_edit_report(user, report):
    """A draft or a report sent back, by its structure's director."""
    return report.status in EDITABLE and can_fill_report(user, report.structure)


def can_review_report(user, report):
    """Validate or send back a submitted report: staff who write, in their territory."""
    return report.status == ReportStatus.SOUMIS and review_reach(user).contains(report.structure)


def can_import_reports(user):
    """The networks' files: staff who write (the command runs as the system)."""
    return _active(user) and (user.can(ADMIN) or user.can(REGION_WRITE))


def import_reach(user):
    """The structures whose lines ``user``'s upload may write (``None``: the command)."""
    return EVERYTHING if user is None else review_reach(user)


def can_view_group_statistics(user):
    """Medians and quartiles of the groups: staff and members (directors see their own
    reports and these statistics only)."""
    return _active(user) and (
        user.can(ADMIN) or user.can(REGION_READ) or user.can(STRUCTURES_MEMBER)
    )


# -- The API (utilite/api/) ---------------------------------------------------------------


def can_write_report_by_api(user, structure):
    """A networks' tool writes ``structure``'s report as the import does (stored
    ``soumis``): staff who write in their territory (an unrestricted or a département's
    write client acts as one) and the structure's directors (a structure's write client is
    one)."""
    return review_reach(user).contains(structure) or can_fill_report(user, structure)


def may_write_reports_by_api(user):
    """Whether ``user`` writes any report through the API (else 403): staff who write and
    the directors of a structure (the structure is then checked, 400 beyond it)."""
    return _active(user) and (
        user.can(ADMIN)
        or user.can(REGION_WRITE)
        or (
            user.can(STRUCTURES_MEMBER)
            and member_reach(user, directors=True).memberships().exists()
        )
    )


def report_audience(user):
    """Whose deleted reports ``user`` sees in the API's deletions feed: as
    ``visible_reports``, over the tombstones' columns."""
    return report_reach(user).audience()


# -- The statistics pages (utilite:statistics, its exports, the missing reports' reminders) --


@dataclass(frozen=True)
class StatisticsScope:
    """The groups ``user`` reads on the statistics pages (docs/utilite-sociale.md):

    - ``departments``: the départements they may choose (codes; ``None``: every one);
    - ``region``: the départements their « région » group pools (``None``: every structure
      of the portal, the bilan's region);
    - ``kinds``: the SIAE kinds they may choose besides « tous » (``None``: every one);
    - ``missing``: whether they see the missing reports (staff only);
    - ``remind``: whether they may send reminders (staff who write, in their territory).
    """

    departments: tuple | None
    region: tuple | None
    kinds: tuple | None
    missing: bool
    remind: bool

    def allows(self, department, kind):
        """Whether the group (``department``: a code, ``None`` for the région; ``kind``: a
        code, ``None`` for « tous ») is this reader's."""
        if (
            department is not None
            and self.departments is not None
            and department not in self.departments
        ):
            return False
        return kind is None or self.kinds is None or kind in self.kinds


def statistics_scope(user):
    """The statistics ``user`` reads, ``None`` for nobody's:

    - administrators: every group, the missing reports, the reminders;
    - regional staff (``region.read``: instructeurs, chefs de service, élus and readers):
      the groups of their territory (the région group pools its départements), the missing
      reports; those who write (``region.write``) send the reminders;
    - members of a structure (``structures.member``, its directors as its employees): the
      groups of their SIAE structures only — their kind (or all kinds) in their
      département and their région —, never a list of structures;
    - everyone else (partners, DLA, facilitators): nothing for now.
    """
    if not _active(user):
        return None
    if user.can(ADMIN):
        return StatisticsScope(None, None, None, missing=True, remind=True)
    if user.can(REGION_READ):
        reach = staff_reach(user)
        return StatisticsScope(
            reach.departments,
            reach.departments,
            None,
            missing=True,
            remind=user.can(REGION_WRITE),
        )
    if user.can(STRUCTURES_MEMBER):
        mine = set(
            member_reach(user)
            .memberships()
            .filter(structure__kind__in=SIAE_KIND_CODES)
            .values_list(
                "structure__department_id", "structure__department__region_id", "structure__kind"
            )
        )
        if not mine:
            return None
        regions = sorted({region for _, region, _ in mine})
        return StatisticsScope(
            tuple(sorted({department for department, _, _ in mine})),
            tuple(code for region in regions for code in department_codes(region)),
            tuple(sorted({kind for _, _, kind in mine})),
            missing=False,
            remind=False,
        )
    return None


def can_view_statistics(user):
    return statistics_scope(user) is not None


def can_remind(user, structure):
    """Send a missing report's reminder to ``structure``'s directors: staff who write in
    its territory, administrators (as ``review_reach``)."""
    return review_reach(user).contains(structure)
