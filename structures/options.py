"""Option lists of the territory (``iae_portal.options``): read once per process."""

from iae_portal.compiled import built_once
from iae_portal.options import OptionList

from .models import Department, Region


@built_once  # the queue's filter checks what is posted with it, at each request
def departments_of(region_id=None):
    """The départements of a region (``None``: all)."""
    found = Department.objects.all()
    return found if region_id is None else found.filter(region_id=region_id)


# The départements of a region (``region_id``; ``None``: all), as a ``ModelChoiceField``
# on them offers them: their code, ``str``.
DEPARTMENTS = OptionList(
    lambda region_id=None: (
        (department.code, str(department)) for department in departments_of(region_id)
    ),
    depends_on=(Department,),
)
REGIONS = OptionList(
    lambda: ((region.code, str(region)) for region in Region.objects.all()),
    depends_on=(Region,),
)
