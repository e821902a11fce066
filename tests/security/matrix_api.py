"""The API's half of the permission matrix (``/api/v1/``, docs/api.md): people through
their browser session, and API clients through their Bearer token.

Columns: the people of ``matrix_world.ROLE_NAMES``, then the clients of
``matrix_world.CLIENT_NAMES``. Answers as in ``matrix_web``, with ``ok`` any 2xx for a
write; docs/api.md: 401 without credentials, 403 for what the token's scope or the role
forbids, 404 for an object out of scope (as for one that does not exist), 400 naming the
field when the body points outside the scope. Variants of a POST to a list name where the
new object goes (a structure in A's, B's or Z's département; a dossier of A or B; hours
on lot a or b)."""

from tests.aides.factories import CA_DATA, pdf_upload
from tests.dla.factories import prestation_body
from tests.structures.factories import make_siret
from tests.utilite.factories import valid_figures

from .matrix_table import Target
from .matrix_world import PLACES

# fmt: off
API = """
# pattern                   var  meth   an   dA   sA   dB   ins  chf  lec  ptn  dX   dY   f1   f2   adm  tR   tW   t54  tsA  tdX  tf1
api:schema                  -    GET    ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
api:docs                    -    GET    ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
api:simulate                -    POST   401  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
api:scheme-list             -    GET    401  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
api:scheme-detail           -    GET    401  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
api:campaign-list           -    GET    401  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
api:campaign-detail         -    GET    401  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
api:deletion-list           -    GET    401  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
api/v1/^(?P<path>(?s:.*))$  -    GET    404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404  404

# Structures: as the pages; a client's restriction narrows further (a DLA's or a
# facilitator's client reads the directory, as their people do).
api:structure-list          a    GET    401  in   in   out  in   in   in   out  in   in   in   in   in   in   in   in   in   in   in
api:structure-list          b    GET    401  out  out  in   in   in   in   out  in   in   in   in   in   in   in   out  out  in   in
api:structure-list          z    GET    401  out  out  out  out  out  out  out  in   in   in   in   in   in   in   out  out  in   in
api:structure-list          a    POST   401  403  403  403  ok   ok   403  403  403  403  403  403  ok   403  ok   ok   403  403  403
api:structure-list          b    POST   401  403  403  403  ok   ok   403  403  403  403  403  403  ok   403  ok   400  403  403  403
api:structure-list          z    POST   401  403  403  403  400  400  403  403  403  403  403  403  ok   403  ok   400  403  403  403
api:structure-detail        a    GET    401  ok   ok   404  ok   ok   ok   404  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
api:structure-detail        b    GET    401  404  404  ok   ok   ok   ok   404  ok   ok   ok   ok   ok   ok   ok   404  404  ok   ok
api:structure-detail        z    GET    401  404  404  404  404  404  404  404  ok   ok   ok   ok   ok   ok   ok   404  404  ok   ok
api:structure-detail        a    PATCH  401  ok   403  404  ok   ok   403  404  403  403  403  403  ok   403  ok   ok   ok   403  403
api:structure-detail        b    PATCH  401  404  404  ok   ok   ok   403  404  403  403  403  403  ok   403  ok   404  404  403  403
api:structure-detail        z    PATCH  401  404  404  404  404  404  404  404  403  403  403  403  ok   403  ok   404  404  403  403

# Dossiers: members of the structure and staff of the region read; only the director
# (or the director's client) writes a draft.
api:dossier-list            a    GET    401  in   in   out  in   in   in   out  out  out  out  out  in   in   in   in   in   out  out
api:dossier-list            b    GET    401  out  out  in   in   in   in   out  out  out  out  out  in   in   in   out  out  out  out
api:dossier-list            z    GET    401  out  out  out  out  out  out  out  out  out  out  out  in   in   in   out  out  out  out
api:dossier-list            a    POST   401  ok   403  400  403  403  403  400  403  403  403  403  403  403  403  403  ok   403  403
api:dossier-list            b    POST   401  400  400  ok   403  403  403  400  403  403  403  403  403  403  403  400  400  403  403
api:dossier-detail          a    GET    401  ok   ok   404  ok   ok   ok   404  404  404  404  404  ok   ok   ok   ok   ok   404  404
api:dossier-detail          b    GET    401  404  404  ok   ok   ok   ok   404  404  404  404  404  ok   ok   ok   404  404  404  404
api:dossier-detail          z    GET    401  404  404  404  404  404  404  404  404  404  404  404  ok   ok   ok   404  404  404  404
api:dossier-detail          a    PATCH  401  ok   403  404  403  403  403  404  404  404  404  404  403  403  403  403  ok   403  404
api:dossier-detail          b    PATCH  401  404  404  ok   403  403  403  404  404  404  404  404  403  403  403  404  404  403  404
api:dossier-detail          z    PATCH  401  404  404  404  404  404  404  404  404  404  404  404  403  403  403  404  404  403  404
api:dossier-documents       a    POST   401  ok   403  404  403  403  403  404  404  404  404  404  403  403  403  403  ok   403  404
api:dossier-documents       b    POST   401  404  404  ok   403  403  403  404  404  404  404  404  403  403  403  404  404  403  404
api:dossier-documents       z    POST   401  404  404  404  404  404  404  404  404  404  404  404  403  403  403  404  404  403  404

# Partners' data, read only: financing plans as their dossiers; opinion requests to staff
# and the clients of staff accounts (everything, one département) only, never to the
# applicant (a structure's people and client), nor to the partner through the API.
api:financing-plan-list     a    GET    401  in   in   out  in   in   in   out  out  out  out  out  in   in   in   in   in   out  out
api:financing-plan-list     b    GET    401  out  out  in   in   in   in   out  out  out  out  out  in   in   in   out  out  out  out
api:financing-plan-list     z    GET    401  out  out  out  out  out  out  out  out  out  out  out  in   in   in   out  out  out  out
api:financing-plan-detail   a    GET    401  ok   ok   404  ok   ok   ok   404  404  404  404  404  ok   ok   ok   ok   ok   404  404
api:financing-plan-detail   b    GET    401  404  404  ok   ok   ok   ok   404  404  404  404  404  ok   ok   ok   404  404  404  404
api:financing-plan-detail   z    GET    401  404  404  404  404  404  404  404  404  404  404  404  ok   ok   ok   404  404  404  404
api:opinion-request-list    a    GET    401  out  out  out  in   in   in   out  out  out  out  out  in   in   in   in   out  out  out
api:opinion-request-list    b    GET    401  out  out  out  in   in   in   out  out  out  out  out  in   in   in   out  out  out  out
api:opinion-request-detail  a    GET    401  404  404  404  ok   ok   ok   404  404  404  404  404  ok   ok   ok   ok   404  404  404
api:opinion-request-detail  b    GET    401  404  404  404  ok   ok   ok   404  404  404  404  404  ok   ok   ok   404  404  404  404

# Social clauses: the clause officer reads everything, facilitators (and their clients)
# the lots they follow, directors the hours their structure delivered; only the
# facilitator of the lot reports hours. The bilan: the clause officer's of every lot, a
# facilitator's (and its client's) of its lots and territory.
api:clauses-bilan           -    GET    401  403  403  403  ok   ok   ok   403  403  403  ok   ok   ok   ok   ok   403  403  403  ok
api:clauses-marche-list     a    GET    401  out  out  out  in   in   in   out  out  out  in   out  in   in   in   in   out  out  in
api:clauses-marche-list     b    GET    401  out  out  out  in   in   in   out  out  out  out  in   in   in   in   out  out  out  out
api:clauses-marche-detail   a    GET    401  404  404  404  ok   ok   ok   404  404  404  ok   404  ok   ok   ok   ok   404  404  ok
api:clauses-marche-detail   b    GET    401  404  404  404  ok   ok   ok   404  404  404  404  ok   ok   ok   ok   404  404  404  404
api:clauses-lot-list        a    GET    401  out  out  out  in   in   in   out  out  out  in   out  in   in   in   in   out  out  in
api:clauses-lot-list        b    GET    401  out  out  out  in   in   in   out  out  out  out  in   in   in   in   out  out  out  out
api:clauses-lot-detail      a    GET    401  404  404  404  ok   ok   ok   404  404  404  ok   404  ok   ok   ok   ok   404  404  ok
api:clauses-lot-detail      b    GET    401  404  404  404  ok   ok   ok   404  404  404  404  ok   ok   ok   ok   404  404  404  404
api:clauses-heures-list     a    GET    401  in   out  out  in   in   in   out  out  out  in   out  in   in   in   in   in   out  in
api:clauses-heures-list     b    GET    401  out  out  in   in   in   in   out  out  out  out  in   in   in   in   out  out  out  out
api:clauses-heures-detail   a    GET    401  ok   404  404  ok   ok   ok   404  404  404  ok   404  ok   ok   ok   ok   ok   404  ok
api:clauses-heures-detail   b    GET    401  404  404  ok   ok   ok   ok   404  404  404  404  ok   ok   ok   ok   404  404  404  404
# The clauses matching (issue 19): the activities structures declare follow the structures'
# API; an interest is read by the clause officer, the lot's facilitator and the structure's
# director (and the client of that structure).
api:structure-activity-list a    GET    401  in   in   out  in   in   in   out  in   in   in   in   in   in   in   in   in   in   in
api:structure-activity-list b    GET    401  out  out  in   in   in   in   out  in   in   in   in   in   in   in   out  out  in   in
api:structure-activity-detail a  GET    401  ok   ok   404  ok   ok   ok   404  ok   ok   ok   ok   ok   ok   ok   ok   ok   ok   ok
api:structure-activity-detail b  GET    401  404  404  ok   ok   ok   ok   404  ok   ok   ok   ok   ok   ok   ok   404  404  ok   ok
api:clauses-interet-list    a    GET    401  in   out  out  in   in   in   out  out  out  in   out  in   in   in   in   in   out  in
api:clauses-interet-list    b    GET    401  out  out  in   in   in   in   out  out  out  out  in   in   in   in   out  out  out  out
api:clauses-interet-detail  a    GET    401  ok   404  404  ok   ok   ok   404  404  404  ok   404  ok   ok   ok   ok   ok   404  ok
api:clauses-interet-detail  b    GET    401  404  404  ok   ok   ok   ok   404  404  404  404  ok   ok   ok   ok   404  404  404  404
# A buyer's planned purchases: the clause officer reads all, a facilitator (and its client)
# those of its facilitators, a département's client those executed there.
api:clauses-achat-list      a    GET    401  out  out  out  in   in   in   out  out  out  in   out  in   in   in   in   out  out  in
api:clauses-achat-list      b    GET    401  out  out  out  in   in   in   out  out  out  out  in   in   in   in   out  out  out  out
api:clauses-achat-detail    a    GET    401  404  404  404  ok   ok   ok   404  404  404  ok   404  ok   ok   ok   ok   404  404  ok
api:clauses-achat-detail    b    GET    401  404  404  404  ok   ok   ok   404  404  404  404  ok   ok   ok   ok   404  404  404  404
api:clauses-heures-list     a    POST   401  400  400  400  403  403  403  400  400  400  ok   400  403  403  403  403  400  403  ok
api:clauses-heures-list     b    POST   401  400  400  400  403  403  403  400  400  400  400  ok   403  403  403  400  400  403  400

# DLA: a DLA's chargés (and its client) log and correct its accompaniments; staff read
# their region's, directors their structures'.
api:dla-accompaniment-list  a    GET    401  in   out  out  in   in   in   out  in   out  out  out  in   in   in   in   in   in   out
api:dla-accompaniment-list  b    GET    401  out  out  in   in   in   in   out  out  in   out  out  in   in   in   out  out  out  out
api:dla-accompaniment-list  z    GET    401  out  out  out  out  out  out  out  out  out  out  out  in   in   in   out  out  out  out
api:dla-accompaniment-list  a    POST   401  403  403  403  403  403  403  403  ok   400  403  403  ok   403  403  403  403  403  403
api:dla-accompaniment-list  b    POST   401  403  403  403  403  403  403  403  400  ok   403  403  ok   403  403  403  403  403  403
api:dla-accompaniment-list  z    POST   401  403  403  403  403  403  403  403  400  400  403  403  ok   403  403  403  403  403  403
api:dla-accompaniment-detail a    GET    401  ok   404  404  ok   ok   ok   404  ok   404  404  404  ok   ok   ok   ok   ok   ok   404
api:dla-accompaniment-detail b    GET    401  404  404  ok   ok   ok   ok   404  404  ok   404  404  ok   ok   ok   404  404  404  404
api:dla-accompaniment-detail z    GET    401  404  404  404  404  404  404  404  404  404  404  404  ok   ok   ok   404  404  404  404
api:dla-accompaniment-detail a    PUT    401  403  404  404  403  403  403  404  ok   404  404  404  ok   403  403  403  403  403  404
api:dla-accompaniment-detail b    PUT    401  404  404  403  403  403  403  404  404  ok   404  404  ok   403  403  404  404  403  404
api:dla-accompaniment-detail z    PUT    401  404  404  404  404  404  404  404  404  404  404  404  ok   403  403  404  404  403  404
api:dla-prestation-list     a    GET    401  in   out  out  in   in   in   out  in   out  out  out  in   in   in   in   in   in   out
api:dla-prestation-list     b    GET    401  out  out  in   in   in   in   out  out  in   out  out  in   in   in   out  out  out  out
api:dla-prestation-list     z    GET    401  out  out  out  out  out  out  out  out  out  out  out  in   in   in   out  out  out  out
api:dla-prestation-list     a    POST   401  403  400  400  403  403  403  400  ok   400  400  400  ok   403  403  403  403  403  400
api:dla-prestation-list     b    POST   401  400  400  403  403  403  403  400  400  ok   400  400  ok   403  403  400  400  403  400
api:dla-prestation-list     z    POST   401  400  400  400  400  400  400  400  400  400  400  400  ok   403  403  400  400  403  400
api:dla-prestation-detail   a    GET    401  ok   404  404  ok   ok   ok   404  ok   404  404  404  ok   ok   ok   ok   ok   ok   404
api:dla-prestation-detail   b    GET    401  404  404  ok   ok   ok   ok   404  404  ok   404  404  ok   ok   ok   404  404  404  404
api:dla-prestation-detail   z    GET    401  404  404  404  404  404  404  404  404  404  404  404  ok   ok   ok   404  404  404  404
api:dla-bilan               -    GET    401  403  403  403  ok   ok   ok   403  ok   ok   403  403  ok   ok   ok   ok   403  ok   403
api:dla-bilan               a    GET    401  403  403  403  ok   ok   ok   403  ok   403  403  403  ok   ok   ok   ok   403  ok   403
api:dla-bilan               b    GET    401  403  403  403  ok   ok   ok   403  403  ok   403  403  ok   ok   ok   403  403  403  403
api:dla-bilan               z    GET    401  403  403  403  403  403  403  403  403  403  403  403  ok   ok   ok   403  403  403  403

# Social utility reports: read as the pages (staff of the region, the structure's members),
# narrowed by the client's scope; written (stored « soumis », as the import) by staff who
# write in their territory and by the structure's directors (and their clients). Written:
# the draft of the last ended year (PATCH), a new report of 2021 (POST).
api:social-report-list      a    GET    401  in   in   out  in   in   in   out  out  out  out  out  in   in   in   in   in   out  out
api:social-report-list      b    GET    401  out  out  in   in   in   in   out  out  out  out  out  in   in   in   out  out  out  out
api:social-report-list      z    GET    401  out  out  out  out  out  out  out  out  out  out  out  in   in   in   out  out  out  out
api:social-report-list      a    POST   401  ok   403  400  ok   ok   403  403  403  403  403  403  ok   403  ok   ok   ok   403  403
api:social-report-list      b    POST   401  400  403  ok   ok   ok   403  403  403  403  403  403  ok   403  ok   400  400  403  403
api:social-report-list      z    POST   401  400  403  400  400  400  403  403  403  403  403  403  ok   403  ok   400  400  403  403
api:social-report-detail    a    GET    401  ok   ok   404  ok   ok   ok   404  404  404  404  404  ok   ok   ok   ok   ok   404  404
api:social-report-detail    b    GET    401  404  404  ok   ok   ok   ok   404  404  404  404  404  ok   ok   ok   404  404  404  404
api:social-report-detail    z    GET    401  404  404  404  404  404  404  404  404  404  404  404  ok   ok   ok   404  404  404  404
api:social-report-detail    a    PATCH  401  ok   403  404  ok   ok   403  404  404  404  404  404  ok   403  ok   ok   ok   403  404
api:social-report-detail    b    PATCH  401  404  404  ok   ok   ok   403  404  404  404  404  404  ok   403  ok   404  404  403  404
api:social-report-detail    z    PATCH  401  404  404  404  404  404  404  404  404  404  404  404  ok   403  ok   404  404  403  404
"""
# fmt: on


def _structure_body(w, v):
    return {
        "siret": make_siret(880_000 + "abz".index(v)),
        "name": f"Nouvelle structure {v}",
        "kind": "ACI",
        "legal_form": "association",
        "department": PLACES[v],
    }


def _hours_line(w, v):
    return {
        "lot": str(w.lot[v].uuid),
        "period": "2025-05",
        "participant_ref": "P-7001",
        "public_category": "rsa",
        "modality": "embauche_directe",
        "hours": "35",
    }


def _structures(w, v):
    if v == "-":
        return Target()
    return Target(marker=w.structure[v].siret, data=_structure_body(w, v), json=True)


def _dossiers(w, v):
    body = {
        "campaign": str(w.campaign.uuid),
        "structure": w.structure[v].siret,
        "title": "Brouillon de la matrice",
        "data": CA_DATA,
    }
    return Target(marker=str(w.deposited[v].uuid), data=body, json=True)


def _dossier_detail(w, v):
    # Read: the deposited dossier; written: the draft (the one a director may change).
    draft = w.draft[v]
    return Target(
        kwargs={"uuid": w.deposited[v].uuid},
        write_kwargs={"uuid": draft.uuid},
        data={"title": "Titre de la matrice", "version": draft.version},
        json=True,
    )


def _documents(w, v):
    kind = w.campaign.scheme.required_documents[0]
    return Target(
        kwargs={"uuid": w.draft[v].uuid},
        data={"kind": kind, "file": pdf_upload(f"{kind}.pdf")},
    )


def _hours(w, v):
    return Target(marker=str(w.hours[v].uuid), data=_hours_line(w, v), json=True)


def _request_body(w, v):
    return {
        "dla": PLACES[v],
        "structures": [w.structure[v].siret],
        "request_date": "2024-01-15",
        "requester": "structure",
        "request_needs": "Consolider la structure.",
    }


def _prestation_body(w, v):
    return prestation_body(w.accompaniment[v], w.structure[v])


def _social_reports(w, v):
    """Read: the submitted report; written: a new report of 2021 (no report of the world's
    has that year)."""
    body = {"structure": w.structure[v].siret, "year": 2021, "indicators": valid_figures()}
    return Target(marker=str(w.social_submitted[v].uuid), data=body, json=True)


def _social_report(w, v):
    """Read: the submitted report; written: the draft of the last ended year."""
    return Target(
        kwargs={"uuid": w.social_submitted[v].uuid},
        write_kwargs={"uuid": w.social_draft[v].uuid},
        data={"indicators": {"women": 41}},
        json=True,
    )


def _dla_bilan(w, v):
    return Target(query="year=2024" + ("" if v == "-" else f"&department={PLACES[v]}"))


SIMULATION = {"scheme": "ca-equipes-insertion", "structure": {"kind": "ACI"}, **CA_DATA}

API_TARGETS = {
    "api:simulate": lambda w, v: Target(data=SIMULATION, json=True),
    "api:clauses-bilan": lambda w, v: Target(query="year=2025"),
    "api:scheme-detail": lambda w, v: Target(kwargs={"uuid": w.campaign.scheme.uuid}),
    "api:campaign-detail": lambda w, v: Target(kwargs={"uuid": w.campaign.uuid}),
    "api/v1/^(?P<path>(?s:.*))$": lambda w, v: Target(url="/api/v1/nexiste-pas/"),
    "api:structure-list": _structures,
    "api:structure-detail": lambda w, v: Target(
        kwargs={"siret": w.structure[v].siret}, data={"name": "Nom de la matrice"}, json=True
    ),
    "api:dossier-list": _dossiers,
    "api:dossier-detail": _dossier_detail,
    "api:dossier-documents": _documents,
    "api:clauses-marche-list": lambda w, v: Target(marker=str(w.marche[v].uuid)),
    "api:clauses-marche-detail": lambda w, v: Target(kwargs={"uuid": w.marche[v].uuid}),
    "api:clauses-lot-list": lambda w, v: Target(marker=str(w.lot[v].uuid)),
    "api:clauses-lot-detail": lambda w, v: Target(kwargs={"uuid": w.lot[v].uuid}),
    "api:clauses-heures-list": _hours,
    "api:clauses-heures-detail": lambda w, v: Target(kwargs={"uuid": w.hours[v].uuid}),
    "api:structure-activity-list": lambda w, v: Target(marker=str(w.activity[v].uuid)),
    "api:structure-activity-detail": lambda w, v: Target(kwargs={"uuid": w.activity[v].uuid}),
    "api:clauses-achat-list": lambda w, v: Target(marker=str(w.purchase[v].uuid)),
    "api:clauses-achat-detail": lambda w, v: Target(kwargs={"uuid": w.purchase[v].uuid}),
    "api:clauses-interet-list": lambda w, v: Target(marker=str(w.interest[v].uuid)),
    "api:clauses-interet-detail": lambda w, v: Target(kwargs={"uuid": w.interest[v].uuid}),
    "api:dla-accompaniment-list": lambda w, v: Target(
        marker=str(w.accompaniment[v].uuid), data=_request_body(w, v), json=True
    ),
    "api:dla-accompaniment-detail": lambda w, v: Target(
        kwargs={"uuid": w.accompaniment[v].uuid}, data=_request_body(w, v), json=True
    ),
    "api:dla-prestation-list": lambda w, v: Target(
        marker=str(w.prestation[v].uuid), data=_prestation_body(w, v), json=True
    ),
    "api:dla-prestation-detail": lambda w, v: Target(kwargs={"uuid": w.prestation[v].uuid}),
    "api:dla-bilan": _dla_bilan,
    "api:financing-plan-list": lambda w, v: Target(marker=str(w.plan[v].uuid)),
    "api:financing-plan-detail": lambda w, v: Target(kwargs={"uuid": w.plan[v].uuid}),
    "api:opinion-request-list": lambda w, v: Target(marker=str(w.opinion_request[v].uuid)),
    "api:opinion-request-detail": lambda w, v: Target(kwargs={"uuid": w.opinion_request[v].uuid}),
    "api:social-report-list": _social_reports,
    "api:social-report-detail": _social_report,
}
