"""Shared set-up of the benchmarks: Django on the bench database, and seeded data."""

import json
import os
import platform
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/iae_portal_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iae_portal.settings")


def django_setup():
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def machine():
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def emit(name, figures):
    """The figures as one JSON line (what CI and docs/performance.md read)."""
    print(json.dumps({"bench": name, **figures}, sort_keys=True))


def remove_bench_campaigns():
    """Remove what earlier runs of ``seed_campaign`` left (their campaigns, dossiers,
    structures, computations and batches), then vacuum: each run starts from the same
    database instead of one grown by every earlier run."""
    from django.db import connection

    statements = [
        # Not the letters benchmark's campaign (it has a commission): that one is reused.
        "CREATE TEMP TABLE bench_campaign AS SELECT id FROM aides_campaign WHERE name LIKE 'Bench %%'"
        " AND NOT EXISTS (SELECT 1 FROM aides_commission c WHERE c.campaign_id = aides_campaign.id)",
        "CREATE TEMP TABLE bench_dossier AS SELECT id, structure_id FROM aides_dossier"
        " WHERE campaign_id IN (SELECT id FROM bench_campaign)",
        "DELETE FROM aides_batchitem WHERE batch_id IN"
        " (SELECT id FROM aides_batch WHERE campaign_id IN (SELECT id FROM bench_campaign))",
        "DELETE FROM aides_batch WHERE campaign_id IN (SELECT id FROM bench_campaign)",
        "UPDATE aides_dossier SET computation_id = NULL WHERE id IN (SELECT id FROM bench_dossier)",
        "DELETE FROM aides_aidcomputation WHERE structure_id IN"
        " (SELECT structure_id FROM bench_dossier)",
        "DELETE FROM aides_dossier WHERE id IN (SELECT id FROM bench_dossier)",
        "DELETE FROM structures_structurerepresentation WHERE structure_id IN"
        " (SELECT structure_id FROM bench_dossier)",
        "DELETE FROM structures_structure WHERE id IN (SELECT structure_id FROM bench_dossier)",
        "DELETE FROM aides_campaign WHERE id IN (SELECT id FROM bench_campaign)",
        "DROP TABLE bench_campaign, bench_dossier",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    vacuum_analyze("VACUUM ANALYZE")


BATCH_TABLES = ("aides_batchitem", "aides_aidcomputation", "aides_dossier", "structures_structure")


def vacuum_analyze(command="ANALYZE"):
    """The statistics of the tables a batch reads and writes, as autovacuum would take
    them after a bulk load."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in BATCH_TABLES:
            cursor.execute(f"{command} {table}")


SEED_CHUNK = 10_000


def seed_campaign(dossier_count, positions_per_dossier=5, seed=2026):
    """A campaign of the Emplois Tremplin Environnement scheme with ``dossier_count``
    drafts (one structure each), written with COPY (``bulk_insert``) ``SEED_CHUNK`` rows
    at a time; returns the campaign. The same seed gives the same data as the former
    ``bulk_create`` seeding (the random draws come in the same order)."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from aides.models import AidScheme, Campaign, Dossier
    from iae_portal.bulk import bulk_insert
    from iae_portal.users.models import User
    from structures.models import Department, Structure

    rng = random.Random(seed)
    scheme = AidScheme.objects.get(code="pc-emplois-tremplin-environnement")
    now = timezone.now()
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        scheme=scheme,
        name=f"Bench {dossier_count} ({now:%H:%M:%S.%f})",
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=10),
        budget_envelope=100_000_000,
    )
    author, _ = User.objects.get_or_create(email="bench@example.org", defaults={"role": "siae"})
    department = Department.objects.get(code="54")
    taken = set(Structure.objects.values_list("siret", flat=True))
    structures = [
        {
            "siret": siret,
            "name": f"Bench {i}",
            "kind": rng.choice(["ACI", "EI", "AI"]),
            "legal_form": "association",
            "department_id": department.pk,
            "created_at": now,
            "updated_at": now,
        }
        for i, siret in enumerate(_unique_sirets(rng, dossier_count, taken))
    ]
    del taken
    with transaction.atomic():
        structure_ids = []
        for start in range(0, dossier_count, SEED_CHUNK):
            structure_ids += bulk_insert(Structure, structures[start : start + SEED_CHUNK])
        del structures
        for start in range(0, dossier_count, SEED_CHUNK):
            bulk_insert(
                Dossier,
                [
                    _seed_dossier(
                        rng, campaign, i, structure_id, author, now, positions_per_dossier
                    )
                    for i, structure_id in enumerate(
                        structure_ids[start : start + SEED_CHUNK], start
                    )
                ],
            )
    return campaign


# Each digit doubled as the Luhn key does it (a digit of two digits: their sum).
_LUHN_DOUBLED = [(2 * digit) // 10 + (2 * digit) % 10 for digit in range(10)]


def _luhn_key(number):
    """The Luhn check digit of ``number`` (digits): ``stdnum.luhn.calc_check_digit``'s,
    four times faster (half of seeding 100,000 structures went into it)."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = ord(char) - 48
        total += _LUHN_DOUBLED[digit] if position % 2 == 0 else digit
    return str(-total % 10)


def _unique_sirets(rng, count, taken):
    """``structures.demo.unique_sirets``, same draws and same SIRETs, with ``_luhn_key``."""
    seen, sirets = set(taken), []
    while len(sirets) < count:
        body = str(rng.randint(30_000_000, 89_999_999))
        siren = body + _luhn_key(body)
        nic = f"000{rng.randint(1, 4)}"
        siret = siren + nic + _luhn_key(siren + nic)
        if siret not in seen and not siret.startswith("356000000"):
            seen.add(siret)
            sirets.append(siret)
    return sirets


def _seed_dossier(rng, campaign, i, structure_id, author, now, positions_per_dossier):
    positions = [
        {
            "role": rng.choice(["encadrement", "execution", "execution", "administratif"]),
            "etp": rng.choice([1, 1, 0.5, 0.8]),
            "annual_cost": rng.randint(15000, 42000),
        }
        for _ in range(positions_per_dossier)
    ]
    data = {
        "years": rng.randint(1, 4),
        "rate_mode": rng.choice(["full", "degressive"]),
        "positions": positions,
        "expenses": [{"category": "equipement", "amount": rng.randint(0, 9000)}],
        "flags": {"environment_sector": True},
    }
    return {
        "reference": f"B{campaign.pk}-{i:06d}",
        "structure_id": structure_id,
        "campaign_id": campaign.pk,
        "data": data,
        "created_by_id": author.pk,
        "state_changed_at": now,
        "created_at": now,
        "updated_at": now,
    }
