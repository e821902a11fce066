"""Benchmark: the CSV imports of structures, DLA prestations and clause hours, against PostgreSQL.

Run: ``make bench`` (50,000 lines a file) or ``make bench-quick`` (2,000).
Three files of ``--lines`` lines are written (deterministic, valid): structures of
Haute-Corse (which no other benchmark uses) with Luhn-valid SIRETs, networks and, for the
conventioned kinds, a convention; DLA prestations of the Haute-Corse DLA whose beneficiaries
are those structures (one to four a prestation, their columns agreeing with the structures
file); monthly clause hours of participants on lots seeded by ``import_marches`` (not timed),
half of them through one of the structures. Each file is imported by its command, in a
process of its own (``manage.py import_structures|import_dla|import_heures FILE``), so that
the time is what a user of the command waits for and the peak memory (the child's own
``VmHWM``, reported by ``_peak.py``) is the import's own; then imported again, which must change nothing (the
benchmark fails otherwise). ``startup_s`` and ``startup_peak_rss_mb`` are the same command
on a file holding only its header: Django's start-up, included in every figure.

Keys: ``structures_import_s`` (target ≤ 10 for 50,000 lines), ``dla_import_s`` (≤ 20),
``heures_import_s`` (≤ 5), ``*_peak_rss_mb`` (≤ 200 each), ``*_reimport_s``.
"""

import argparse
import csv
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _setup import ROOT, django_setup, emit, machine

DEPARTMENT = "2B"
PREFIX = "Import bench"
REF = "IMPB"  # prefix of the DLA, clauses and convention references the benchmark writes
NETWORKS = ["coorace", "fnars", "cocagne", "chantier_ecole", "fei", "emmaus"]
KINDS = ["ACI", "ACI", "AI", "AI", "AI", "EI", "ETTI", "ASSOCIATION"]
CONVENTIONED = {"ACI", "AI", "EI", "ETTI"}
LOTS = (100, 5)  # contracts, lots each


def clean():
    """Remove what earlier runs wrote (raw deletes: a benchmark's leftovers, in its own
    database, are not deletions anyone must hear of), then analyze."""
    from django.db import connection

    bench_structures = (
        f"SELECT id FROM structures_structure WHERE department_id = '{DEPARTMENT}'"
        f" AND name LIKE '{PREFIX}%%'"
    )
    statements = [
        "DELETE FROM clauses_hoursreport WHERE lot_id IN (SELECT l.id FROM clauses_lot l"
        f" JOIN clauses_marche m ON m.id = l.marche_id WHERE m.ref LIKE '{REF}-%%')",
        "DELETE FROM clauses_lot WHERE marche_id IN"
        f" (SELECT id FROM clauses_marche WHERE ref LIKE '{REF}-%%')",
        f"DELETE FROM clauses_marche WHERE ref LIKE '{REF}-%%'",
        "DELETE FROM dla_prestation_beneficiaries WHERE prestation_id IN"
        f" (SELECT id FROM dla_prestation WHERE ref LIKE '{REF}-%%')",
        f"DELETE FROM dla_prestation WHERE ref LIKE '{REF}-%%'",
        f"DELETE FROM dla_accompaniment WHERE ref LIKE '{REF}-%%'",
        f"DELETE FROM dla_provider WHERE name LIKE '{PREFIX}%%'",
        f"DELETE FROM dla_structurestaffcount WHERE structure_id IN ({bench_structures})",
        f"DELETE FROM structures_networkaffiliation WHERE structure_id IN ({bench_structures})",
        f"DELETE FROM structures_convention WHERE structure_id IN ({bench_structures})",
        f"DELETE FROM structures_structurerepresentation WHERE structure_id IN ({bench_structures})",
        f"DELETE FROM structures_structure WHERE id IN ({bench_structures})",
        # Append-only for the application; here, the benchmark's own entries in its database.
        f"DELETE FROM audit_auditentry WHERE reason LIKE '%%{PREFIX.replace(' ', '-').lower()}%%'",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        for table in (
            "structures_structure",
            "structures_networkaffiliation",
            "structures_convention",
            "dla_prestation",
            "dla_prestation_beneficiaries",
            "dla_structurestaffcount",
            "clauses_hoursreport",
            "audit_auditentry",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


class Structures:
    """The structures of the files: one line each in the structures file."""

    def __init__(self, count, seed):
        from structures.demo import unique_sirets
        from structures.models import Structure

        rng = random.Random(seed)
        taken = set(Structure.objects.values_list("siret", flat=True))
        self.sirets = unique_sirets(rng, count, taken)
        self.kinds = [rng.choice(KINDS) for _ in range(count)]
        self.networks = [
            ";".join(sorted(rng.sample(NETWORKS, rng.choice([0, 1, 1, 1, 2]))))
            for _ in range(count)
        ]
        self.rng = rng

    def name(self, i):
        return f"{PREFIX} {i:06d}"

    def lines(self):
        rng = self.rng
        for i, siret in enumerate(self.sirets):
            kind = self.kinds[i]
            convention = ["", "", ""]
            if kind in CONVENTIONED:
                year = 2020 + i % 6
                convention = [f"{REF}-{kind}-{i:06d}", f"{year}-01-01", f"{year + 3}-12-31"]
            yield [
                siret,
                self.name(i),
                kind,
                "association" if kind in ("ACI", "AI", "ASSOCIATION") else "sas",
                DEPARTMENT,
                f"20{rng.randint(200, 290)}",
                rng.choice(["Bastia", "Corte", "Calvi", "L'Île-Rousse", "Ghisonaccia"]),
                self.networks[i],
                *convention,
            ]


STRUCTURE_HEADER = [
    "siret", "name", "kind", "legal_form", "department", "postal_code", "city", "networks",
    "convention_number", "convention_start", "convention_end",
]  # fmt: skip
DLA_HEADER = [
    "prestation_ref", "accompaniment_ref", "dla_department", "start_date", "end_date", "mode",
    "theme", "prescriber", "provider_name", "provider_kind", "days", "cost", "structure_siret",
    "structure_name", "structure_kind", "structure_department", "structure_networks",
    "structure_permanents", "structure_insertion_employees",
]  # fmt: skip
MARCHES_HEADER = [
    "marche_ref", "buyer_name", "buyer_kind", "notification_date", "type", "procedure",
    "marche_amount_ht", "lot_ref", "lot_object", "lot_amount_ht", "clause", "hours_required",
    "facilitator", "attributaire_name", "attributaire_siret",
]  # fmt: skip
HOURS_HEADER = [
    "marche_ref", "lot_ref", "period", "participant_ref", "public_category", "modality",
    "siae_siret", "hours",
]  # fmt: skip


def dla_lines(structures, count, seed):
    """``count`` lines: prestations of one to four beneficiaries, about four prestations an
    accompaniment, forty providers; each structure's columns as in the structures file."""
    from dla.enums import Mode, Prescriber, ProviderKind, Theme

    rng = random.Random(seed)
    modes, themes = list(Mode.values), list(Theme.values)
    prescribers, provider_kinds = list(Prescriber.values), list(ProviderKind.values)
    staff = {}
    written, prestation = 0, 0
    n = len(structures.sirets)
    while written < count:
        size = min(rng.randint(1, 4), count - written)
        year, month = 2022 + prestation % 4, 1 + prestation % 12
        provider = prestation % 40
        values = [
            f"{REF}-P{prestation:06d}",
            f"{REF}-A{prestation // 4:06d}",
            DEPARTMENT,
            f"{year}-{month:02d}-01",
            f"{year}-{month:02d}-28",
            rng.choice(modes),
            rng.choice(themes),
            rng.choice(prescribers),
            f"{PREFIX} prestataire {provider:02d}",
            provider_kinds[provider % len(provider_kinds)],
            f"{rng.randint(1, 20)}.50",
            f"{rng.randint(1_000, 25_000)}.00",
        ]
        for i in rng.sample(range(n), size):
            permanents, insertion = staff.setdefault(i, (rng.randint(1, 12), rng.randint(5, 80)))
            yield [
                *values,
                structures.sirets[i],
                structures.name(i),
                structures.kinds[i],
                DEPARTMENT,
                structures.networks[i],
                permanents,
                insertion,
            ]
        written += size
        prestation += 1


def marches_lines():
    contracts, lots = LOTS
    for m in range(contracts):
        for lot in range(lots):
            yield [
                f"{REF}-M{m:04d}",
                f"{PREFIX} acheteur {m % 10}",
                "commune",
                f"2025-{1 + m % 12:02d}-15",
                ["travaux", "services"][m % 2],
                "appel_offres",
                "5000000.00",
                f"L{lot + 1}",
                f"Lot {lot + 1} du marché {m}",
                "1000000.00",
                "condition_execution",
                20000,
                "",
                "",
                "",
            ]


def hours_lines(structures, count, seed):
    """``count`` monthly lines: each participant a year on one lot, either hired directly or
    through one of the structures of an SIAE kind."""
    from clauses.enums import PublicCategory

    rng = random.Random(seed)
    publics = list(PublicCategory.values)
    siae = [
        s
        for s, kind in zip(structures.sirets, structures.kinds, strict=True)
        if kind != "ASSOCIATION"
    ]
    contracts, lots = LOTS
    participant = None
    for i in range(count):
        p, month = divmod(i, 12)
        if month == 0:
            m, lot = divmod(p % (contracts * lots), lots)
            through = rng.choice([None, *rng.sample(siae, 1)])
            participant = (
                f"{REF}-M{m:04d}",
                f"L{lot + 1}",
                f"{REF}-{p:06d}",
                rng.choice(publics),
                "embauche_directe" if through is None else "mise_a_disposition",
                through or "",
            )
        marche, lot, ref, public, modality, siret = participant
        yield [
            marche,
            lot,
            f"2025-{month + 1:02d}",
            ref,
            public,
            modality,
            siret,
            f"{rng.randint(10, 151)}.00",
        ]


def run_command(command, path, *args):
    """``(seconds, peak RSS in MB, stdout)`` of ``manage.py command path`` in a process of
    its own, on the benchmark's database; the peak is that process's own ``VmHWM``, which
    ``_peak.py`` writes as it exits (``ru_maxrss`` would carry this benchmark's own peak
    across ``exec``). Fails when the command does."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        process = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "_peak.py"), command, str(path), *args],
            cwd=ROOT,
            stdout=out,
            stderr=err,
            check=False,
        )
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().strip(), err.read()
    if process.returncode != 0:
        raise SystemExit(
            f"{command} {path} failed ({process.returncode}):\n{stdout}\n{stderr[-3000:]}"
        )
    peaks = [line.split()[1] for line in stderr.splitlines() if line.startswith("VMHWM ")]
    return elapsed, int(peaks[-1]) / 1024, stdout


def check_unchanged(command, output):
    """A second import of the same file must change nothing: its summary says so."""
    unchanged = {
        "import_structures": " 0 structure créée, 0 mise à jour,",
        "import_dla": "Aucun changement.",
        "import_heures": "0 créé(s), 0 mis à jour,",
    }[command]
    if unchanged not in f" {output}":
        raise SystemExit(f"{command} again changed something: {output}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=50_000, help="lines of each file")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", metavar="DIR", help="write the files there and keep them")
    args = parser.parse_args()
    django_setup()
    clean()
    lines = args.lines
    structures = Structures(lines, args.seed)
    figures = {"lines": lines, "database": "postgresql", "machine": machine()}
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(args.keep or directory)
        folder.mkdir(parents=True, exist_ok=True)
        files = {
            "empty": (folder / "import-bench-empty.csv", STRUCTURE_HEADER, []),
            "structures": (folder / "import-bench-structures.csv", STRUCTURE_HEADER, structures.lines()),
            "dla": (folder / "import-bench-dla.csv", DLA_HEADER, dla_lines(structures, lines, args.seed)),
            "marches": (folder / "import-bench-marches.csv", MARCHES_HEADER, marches_lines()),
            "heures": (folder / "import-bench-heures.csv", HOURS_HEADER, hours_lines(structures, lines, args.seed)),
        }  # fmt: skip
        for path, header, rows in files.values():
            write_csv(path, header, rows)
        seconds, peak, _ = run_command("import_structures", files["empty"][0])
        figures |= {"startup_s": round(seconds, 2), "startup_peak_rss_mb": round(peak, 1)}
        for key, command in (
            ("structures", "import_structures"),
            ("dla", "import_dla"),
            ("marches", "import_marches"),
            ("heures", "import_heures"),
        ):
            path = files[key][0]
            seconds, peak, output = run_command(command, path)
            if key == "marches":  # the lots the hours are reported on: not timed
                continue
            again, again_peak, again_output = run_command(command, path)
            check_unchanged(command, again_output)
            print(f"{command}: {seconds:.2f} s, {peak:.0f} MB: {output}", file=sys.stderr)
            figures |= {
                f"{key}_import_s": round(seconds, 2),
                f"{key}_peak_rss_mb": round(peak, 1),
                f"{key}_reimport_s": round(again, 2),
                f"{key}_reimport_peak_rss_mb": round(again_peak, 1),
                f"{key}_file_mb": round(path.stat().st_size / 1e6, 1),
            }
    emit("imports", figures)


if __name__ == "__main__":
    main()
