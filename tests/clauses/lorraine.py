"""A region-sized year of contracts shaped like Lorraine 2011 (clauses.md), written as the
import files (structures, marchés, heures), with the bilan its plan gives by clauses.md's
definitions, computed here from the plan and not from the database.

The plan carries what makes a bilan go wrong on unseen data: contracts of the years before
and after (with hours reported during the year), hours of the year's contracts reported the
next year, lots without a clause (some with hours typed anyway) beside lots with one,
contracts whose lots differ in procedure and clause, participants on several lots and years,
training without an SIAE, quarter hours.
"""

import csv
import datetime
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from clauses.enums import Clause, MarcheType, Modality, Procedure, PublicCategory
from clauses.import_heures import COLUMNS as HEURES_COLUMNS
from clauses.import_marches import COLUMNS as MARCHES_COLUMNS
from tests.structures.factories import make_siret

STRUCTURE_COLUMNS = (
    "siret",
    "name",
    "kind",
    "legal_form",
    "department",
    "postal_code",
    "city",
    "networks",
)
DEPARTMENTS = {"54": "Nancy", "55": "Bar-le-Duc", "57": "Metz", "88": "Épinal"}
BUYERS = [
    ("Région Lorraine", "region"),
    ("Département de la Moselle", "departement"),
    ("Ville de Metz", "commune"),
    ("Communauté urbaine du Grand Nancy", "epci"),
    ("OPH de Meurthe-et-Moselle", "bailleur_social"),
    ("CHR Metz-Thionville", "hopital"),
]
CLAUSES = [Clause.CONDITION_EXECUTION] * 6 + [Clause.MARCHE_RESERVE, Clause.MARCHE_INSERTION]
FACILITATORS = [f"Relais territorial {n}" for n in range(1, 14)]  # 13 relays


@dataclass(frozen=True)
class Shape:
    """Per type: (contracts notified in the year, of which with a clause, insertion hours)."""

    name: str
    types: dict
    year: int = 2011


# « 39 % of its works contracts (224 contracts, 152,000 hours), 8 % of its service contracts
# (13 contracts, 8,200 hours) »: read either as the contracts with a clause…
WITH_CLAUSE = Shape(
    "224 marchés clausés",
    {"travaux": (574, 224, 152_000), "services": (162, 13, 8_200), "fournitures": (80, 2, 640)},
)
# …or as all the contracts of the type.
ALL_CONTRACTS = Shape(
    "224 marchés de travaux",
    {"travaux": (224, 87, 152_000), "services": (13, 1, 8_200), "fournitures": (30, 0, 0)},
)


@dataclass
class PlannedLot:
    ref: str
    clause: str
    hours_required: int
    lines: list = field(default_factory=list)  # (period, participant, public, modality, siret, h)


@dataclass
class PlannedMarche:
    ref: str
    buyer: tuple
    date: datetime.date
    type: str
    lots: list


@dataclass
class Files:
    structures: object
    marches: object
    heures: object


def write_year(directory, *, shape, seed):
    """Write the three files of ``shape`` in ``directory``; return ``(Files, bilan)``."""
    rng = random.Random(seed)
    siae = [
        (make_siret(seed * 10_000 + n), rng.choice(["ETTI", "AI", "EI", "ACI"]), code)
        for n, code in zip(range(40), list(DEPARTMENTS) * 10, strict=True)
    ]
    people = [f"LOR-{n:05d}" for n in range(1, 1_600)]
    marches = []
    for marche_type, (count, with_clause, hours) in shape.types.items():
        marches += _contracts(rng, shape.year, marche_type, count, with_clause, hours)
        # The years around: with clauses and hours (some reported during ``shape.year``).
        for year in (shape.year - 1, shape.year + 1):
            marches += _contracts(rng, year, marche_type, count // 10, with_clause // 5 + 1, 900)
    for marche in marches:
        for lot in marche.lots:
            _lines(rng, marche, lot, people, siae)
    files = Files(
        _write(directory / "structures.csv", STRUCTURE_COLUMNS, _structure_rows(rng, siae)),
        _write(directory / "marches.csv", MARCHES_COLUMNS, _marche_rows(rng, marches, siae)),
        _write(directory / "heures.csv", HEURES_COLUMNS, _heures_rows(rng, marches)),
    )
    return files, expected_bilan(marches, shape.year)


def expected_bilan(marches, year):
    """clauses.md's « yearly bilan » of the plan, read straight from its definitions."""
    by_type = {}
    of_year = [m for m in marches if m.date.year == year]
    for marche_type in MarcheType.values:
        mine = [m for m in of_year if m.type == marche_type]
        clause_lots = [lot for m in mine for lot in m.lots if lot.clause != Clause.NONE]
        with_clause = sum(1 for m in mine if any(lot.clause != Clause.NONE for lot in m.lots))
        by_type[marche_type] = {
            "marches": len(mine),
            "marches_with_clause": with_clause,
            "share_with_clause": _share(with_clause, len(mine)),
            "hours_required": sum(lot.hours_required for lot in clause_lots),
            "hours_realised": _number(sum(line[5] for lot in clause_lots for line in lot.lines)),
        }
    lines = [line for m in of_year for lot in m.lots for line in lot.lines]
    return {
        "year": year,
        "by_type": by_type,
        "participants": len({line[1] for line in lines}),
        "hours_by_modality": _totals(lines, 3),
        "hours_by_public": _totals(lines, 2),
    }


def _contracts(rng, year, marche_type, count, with_clause, hours):
    start = datetime.date(year, 1, 1)
    days = (datetime.date(year + 1, 1, 1) - start).days
    dates = [start, datetime.date(year, 12, 31)] + [
        start + datetime.timedelta(days=rng.randrange(days)) for _ in range(count)
    ]
    marches = []
    for n in range(count):
        lots = []
        for number in range(1, rng.randint(1, 5) + 1):
            clause = Clause.NONE
            if n < with_clause and (number == 1 or rng.random() < 0.5):
                clause = rng.choice(CLAUSES)
            # A few lots without a clause have hours typed all the same: not required.
            typed = rng.randrange(10, 200) if clause == Clause.NONE and rng.random() < 0.1 else 0
            lots.append(PlannedLot(f"L{number}", clause, typed))
        marches.append(
            PlannedMarche(
                f"LOR-{year}-{marche_type[:3].upper()}-{n:04d}",
                rng.choice(BUYERS),
                dates[n],
                marche_type,
                lots,
            )
        )
    clause_lots = [lot for m in marches for lot in m.lots if lot.clause != Clause.NONE]
    for lot, required in zip(clause_lots, _split(rng, hours, len(clause_lots)), strict=True):
        lot.hours_required = required
    # What was realised: the same total, spread differently, on most of the clause lots.
    realising = [lot for lot in clause_lots if rng.random() < 0.85] or clause_lots[:1]
    for lot, realised in zip(realising, _split(rng, hours, len(realising)), strict=True):
        lot.lines = [realised]  # split into lines by _lines
    return marches


def _split(rng, total, parts):
    """``parts`` non-negative integers summing to ``total``, unevenly."""
    if not parts:
        if total:
            raise ValueError("Des heures sans lot clausé où les placer.")
        return []
    weights = [rng.random() + 0.05 for _ in range(parts)]
    shares = [int(total * w / sum(weights)) for w in weights]
    for index in rng.sample(range(parts), total - sum(shares)):
        shares[index] += 1
    return shares


def _lines(rng, marche, lot, people, siae):
    """Replace ``lot.lines == [hours]`` by report lines of quarter hours summing to it."""
    if not lot.lines or not lot.lines[0]:
        lot.lines = []
        return
    quarters = lot.lines[0] * 4
    count = min(quarters, rng.randint(1, 9))
    cuts = sorted(rng.sample(range(1, quarters), count - 1))
    amounts = [b - a for a, b in zip([0, *cuts], [*cuts, quarters], strict=True)]
    lot.lines, seen = [], set()
    for amount in amounts:
        while True:
            month = marche.date.month - 3 + rng.randrange(18)  # before, during, after the year
            period = f"{marche.date.year + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}"
            modality = rng.choice(Modality.values)
            siret = "" if modality == Modality.EMBAUCHE_DIRECTE else rng.choice(siae)[0]
            if modality == Modality.FORMATION and rng.random() < 0.5:
                siret = ""
            participant = rng.choice(people)
            if (period, participant, modality, siret) not in seen:
                break
        seen.add((period, participant, modality, siret))
        public = rng.choice(PublicCategory.values)
        lot.lines.append((period, participant, public, modality, siret, Decimal(amount) / 4))


def _structure_rows(rng, siae):
    for n, (siret, kind, code) in enumerate(siae):
        yield {
            "siret": siret,
            "name": f"{kind} lorraine {n}",
            "kind": kind,
            "legal_form": "association" if kind in ("AI", "ACI") else "sas",
            "department": code,
            "postal_code": f"{code}000",
            "city": DEPARTMENTS[code],
            "networks": rng.choice(["", "coorace", "fei;coorace", "chantier_ecole"]),
        }


def _marche_rows(rng, marches, siae):
    rows = []
    for marche in marches:
        amounts = [rng.randrange(20, 900) * 1000 for _ in marche.lots]
        for lot, amount in zip(marche.lots, amounts, strict=True):
            rows.append(
                {
                    "marche_ref": marche.ref,
                    "buyer_name": marche.buyer[0],
                    "buyer_kind": marche.buyer[1],
                    "notification_date": marche.date.isoformat(),
                    "type": marche.type,
                    "procedure": rng.choice(Procedure.values),
                    "marche_amount_ht": str(sum(amounts)),
                    "lot_ref": lot.ref,
                    "lot_object": f"Lot {lot.ref[1:]}",
                    "lot_amount_ht": str(amount),
                    "clause": lot.clause,
                    "hours_required": str(lot.hours_required),
                    "facilitator": rng.choice(FACILITATORS) if lot.clause != Clause.NONE else "",
                    "attributaire_name": f"Entreprise {rng.randrange(400)}",
                    "attributaire_siret": rng.choice(siae)[0] if rng.random() < 0.1 else "",
                }
            )
    rng.shuffle(rows)
    return rows


def _heures_rows(rng, marches):
    rows = [
        {
            "marche_ref": marche.ref,
            "lot_ref": lot.ref,
            "period": period,
            "participant_ref": participant,
            "public_category": public,
            "modality": modality,
            "siae_siret": siret,
            "hours": _plain(hours),
        }
        for marche in marches
        for lot in marche.lots
        for period, participant, public, modality, siret, hours in lot.lines
    ]
    rng.shuffle(rows)
    return rows


def _plain(hours):
    """``12``, ``120``, ``7.5``, ``0.25``: as a person types it."""
    return str(int(hours)) if hours == int(hours) else f"{hours:f}".rstrip("0")


def _write(path, columns, rows):
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _share(part, whole):
    if not whole:
        return 0.0
    return float((Decimal(part) / Decimal(whole)).quantize(Decimal("0.001"), ROUND_HALF_UP))


def _number(value):
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _totals(lines, position):
    totals = {}
    for line in lines:
        totals[line[position]] = totals.get(line[position], Decimal(0)) + line[5]
    return {key: _number(totals[key]) for key in sorted(totals)}
