"""Reference territories: the 18 regions of 2016 and the 101 départements.

Names and codes come from django-localflavor (INSEE's Code officiel géographique). Its
département table still carries the regions before the 2016 reform, so each former region
is mapped to the region it merged into (loi n° 2015-29 du 16 janvier 2015).
"""

import csv
import functools
from pathlib import Path

from localflavor.fr.fr_department import DEPARTMENT_CHOICES_PER_REGION
from localflavor.fr.fr_region import REGION_2016_CHOICES

FORMER_TO_2016_REGION = {
    "01": "01", "02": "02", "03": "03", "04": "04", "05": "06",
    "11": "11", "21": "44", "22": "32", "23": "28", "24": "24", "25": "28",
    "26": "27", "31": "32", "41": "44", "42": "44", "43": "27", "52": "52",
    "53": "53", "54": "75", "72": "75", "73": "76", "74": "75", "82": "84",
    "83": "84", "91": "76", "93": "93", "94": "94",
}  # fmt: skip


def regions():
    """``[(code, name)]`` for the 18 regions."""
    return list(REGION_2016_CHOICES)


def departments():
    """``[(code, name, region_code)]`` for the 101 départements (collectivités d'outre-mer
    without a region, such as Saint-Pierre-et-Miquelon, are not départements)."""
    return [
        (code, name, FORMER_TO_2016_REGION[former])
        for code, name, former in DEPARTMENT_CHOICES_PER_REGION
        if former is not None
    ]


@functools.cache
def department_codes(region_code):
    """The codes of the départements of a region (those ``load_territories`` writes)."""
    return tuple(code for code, _, region in departments() if region == region_code)


def load_territories(region_model, department_model):
    """Create or update the regions and départements; safe to run again."""
    for code, name in regions():
        region_model.objects.update_or_create(code=code, defaults={"name": name})
    for code, name, region_code in departments():
        department_model.objects.update_or_create(
            code=code, defaults={"name": name, "region_id": region_code}
        )


NEIGHBOURS_DATA = Path(__file__).parent / "data" / "department_neighbours.csv"


@functools.cache
def department_neighbours():
    """``{code: frozenset(codes)}``: the départements sharing a land border with each
    metropolitan département (``data/department_neighbours.csv``, written from the map of
    the départements and checked symmetric; Corsica's two are each other's neighbours, the
    overseas départements have none). A département missing from the file has none."""
    with NEIGHBOURS_DATA.open(encoding="utf-8", newline="") as stream:
        return {
            row["department"]: frozenset(row["neighbours"].split())
            for row in csv.DictReader(stream)
        }


def neighbours_of(code):
    """The codes of the départements bordering ``code`` (empty when none)."""
    return department_neighbours().get(code, frozenset())
