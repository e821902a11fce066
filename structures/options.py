"""Option lists of the territory (``iae_portal.options``): read once per process."""

import functools

from iae_portal.options import OptionList

from .models import Department, Region


def departments_of(region_id=None):
    """The départements of a region (``None``: all): a copy of the queryset the process
    built for it (the queue's filter checks what is posted with it, at each request)."""
    return _departments_of(region_id).all()


@functools.lru_cache(maxsize=64)
def _departments_of(region_id):
    # Never evaluated: each caller gets a copy (``all()``), whose rows are its own.
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
