"""The ranking of SIAE for a lot (``clauses.matching``, ``clauses.ranking``): activity fit,
distance, capacity, experience, load; deterministic and explained."""

import datetime
from decimal import Decimal

import pytest

from clauses import matching
from clauses.ranking import rank_for
from structures.models import Department, Structure, StructureActivity
from tests.structures.factories import FiguresFactory, StructureFactory

from .factories import HoursReportFactory, LotFactory

PLACE = matching.Place(
    departments=frozenset({"57"}),
    regions=frozenset({"44"}),
    neighbours=frozenset({"54", "67"}),
)


def candidate(siret, department="57", region="44", codes=("43.31Z",), **kwargs):
    return matching.Candidate(
        key=siret,
        siret=siret,
        name=f"S{siret}",
        department=department,
        region=region,
        codes=codes,
        **kwargs,
    )


def order(rows):
    return [row.candidate.siret for row in rows]


def test_fit_levels():
    assert matching.fit(["43.31Z"], ["43.31Z"])[0] == 3
    assert matching.fit(["43.32A"], ["43.32B"])[0] == 2
    assert matching.fit(["43.31Z"], ["43.34Z"])[0] == 1
    assert matching.fit(["43.31Z"], ["81.21Z"])[0] == 0
    assert matching.fit([], ["43.31Z"])[0] == 0
    assert matching.fit(["43.31Z", "81.21Z"], ["43.34Z", "81.21Z"]) == (3, "81.21Z", "81.21Z")


def test_fit_weighs_most_then_distance():
    rows = matching.rank(
        ["43.31Z"],
        PLACE,
        [
            candidate("3", codes=("81.21Z",)),  # next door, another trade
            candidate("2", department="54", codes=("43.31Z",)),  # neighbour, the trade
            candidate("1", department="08", codes=("43.31Z",)),  # region, the trade
            candidate("4", department="75", region="11", codes=("43.31Z",)),  # elsewhere
            candidate("5", codes=("43.34Z",)),  # same département, same group
        ],
    )
    assert order(rows) == ["2", "1", "4", "5", "3"]
    assert [row.position for row in rows] == [1, 2, 3, 4, 5]


def test_capacity_experience_and_load_order_equals():
    rows = matching.rank(
        ["43.31Z"],
        PLACE,
        [
            candidate("1"),
            candidate("2", insertion_posts=Decimal(12), figures_year=2025),
            candidate("3", experience_hours=Decimal(1250)),
            candidate("4", insertion_posts=Decimal(12), figures_year=2025, current_lots=2),
            candidate("5", insertion_posts=Decimal(40), figures_year=2025),  # capped at 20
        ],
    )
    # 5: 20; 2: 12; 3: 12 (1 250 h → 12); 4: 12 − 10; 1: 0. Equal scores by SIRET.
    assert order(rows) == ["5", "2", "3", "4", "1"]
    assert [row.score for row in rows] == [140, 132, 132, 122, 120]


def test_ties_by_siret_whatever_the_input_order():
    people = [candidate(s) for s in ("30", "10", "20")]
    assert order(matching.rank(["43.31Z"], PLACE, people)) == ["10", "20", "30"]
    assert order(matching.rank(["43.31Z"], PLACE, people[::-1])) == ["10", "20", "30"]


def test_reasons_in_french():
    row = matching.rank(
        ["43.31Z"],
        PLACE,
        [
            candidate(
                "1",
                insertion_posts=Decimal(12),
                figures_year=2025,
                experience_hours=Decimal(1250),
                current_lots=2,
            )
        ],
    )[0]
    assert row.reasons == [
        "Activité : 43.31Z Travaux de plâtrerie (identique)",
        "Même département",
        "12 postes d'insertion (2025)",
        "1\u202f250 h sur des lots similaires",
        "2 lots en cours",
    ]
    other = matching.rank(["43.31Z"], PLACE, [candidate("2", department="54", codes=("43.34Z",))])[
        0
    ]
    assert other.reasons == [
        "Activité : 43.34Z Travaux de peinture et vitrerie (même groupe : 43.3 Travaux de "
        "finition)",
        "Département voisin",
        "Pas de chiffres annuels",
        "Aucune heure sur des lots similaires",
        "Aucun lot en cours",
    ]
    unknown = matching.rank([], matching.Place(), [candidate("3", codes=())])[0]
    assert unknown.reasons[:2] == [
        "Activité : le lot n'a pas de code NAF",
        "Territoire du lot non renseigné",
    ]


# -- From the database: structures at known distances, capacities and experience ----------


def dep(code):
    return Department.objects.get(code=code)


@pytest.mark.django_db
def test_ranking_from_the_database():
    today = datetime.date(2026, 5, 15)
    lot = LotFactory(
        clause="marche_reserve",
        marche__department=dep("57"),
        facilitator=None,
        activity_codes=["43.31Z"],
    )

    def siae(siret, code, naf_code, posts=None):
        s = StructureFactory(siret=siret, kind="ACI", department=dep(code))
        StructureActivity.objects.create(structure=s, naf_code=naf_code, is_main=True)
        if posts is not None:
            FiguresFactory(structure=s, year=2024, insertion_etp=Decimal(1))
            FiguresFactory(structure=s, year=2025, insertion_etp=Decimal(posts))
        return s

    metz = siae("11111111111111", "57", "43.31Z", posts=5)  # 30·3 + 10·3 + 5 = 125
    nancy = siae("22222222222222", "54", "43.31Z", posts=15)  # 90 + 20 + 15 = 125
    strasbourg = siae("33333333333333", "67", "43.31Z")  # 90 + 20 + experience
    reims = siae("44444444444444", "51", "43.31Z", posts=3)  # 90 + 10 + 3 = 103
    painter = siae("55555555555555", "57", "43.34Z", posts=20)  # 30 + 30 + 20 = 80
    # Strasbourg delivered 1 500 h on a similar lot, long ago (no load): +15 → 125.
    similar = LotFactory(clause="condition_execution", activity_codes=["43.32A"])
    HoursReportFactory(
        lot=similar,
        siae=strasbourg,
        modality="sous_traitance_siae",
        hours=Decimal(1500),
        period=datetime.date(2024, 1, 1),
    )
    # Metz is working on two lots these months: −10 → 115.
    for month in (4, 5):
        HoursReportFactory(
            lot=LotFactory(clause="condition_execution", activity_codes=["81.21Z"]),
            siae=metz,
            modality="sous_traitance_siae",
            hours=Decimal(10),
            period=datetime.date(2026, month, 1),
        )
    rows = rank_for(lot, Structure.objects.all(), today=today)
    assert [(r.candidate.siret, r.score) for r in rows] == [
        (nancy.siret, 125),
        (strasbourg.siret, 125),
        (metz.siret, 115),
        (reims.siret, 103),
        (painter.siret, 80),
    ]
    assert rows[1].reasons[3] == "1\u202f500 h sur des lots similaires"
    assert rows[2].reasons[4] == "2 lots en cours"
    assert rows[0].reasons[2] == "15 postes d'insertion (2025)"
    # The same twice.
    again = rank_for(lot, Structure.objects.order_by("-siret"), today=today)
    assert [r.candidate.siret for r in again] == [r.candidate.siret for r in rows]
