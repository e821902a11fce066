"""Demo data for aid dossiers: campaigns of six schemes and about one dossier per demo
structure, spread over every state of the workflow.

Like ``structures.demo``, every function takes a ``random.Random`` and rows are written with
``bulk_create``. The demo bypasses ``services`` and the audit on purpose: nobody acts, so
there is nothing to audit, and a query per dossier would not scale. What the services would
store is built the same way: a dossier's data is the simulate contract's input for its scheme
and its structure's kind, its result comes from the pure rules (``scheme.compute_amount``)
and is kept as an ``AidComputation``; requested, proposed and voted amounts follow the state;
voted dossiers have their instalments, paid ones when in payment or settled. Each applying
structure gets a director account (no usable password) who created its dossier, and the demo
instructeur shares the queue with three colleagues. Documents are rows pointing at one tiny
PDF per kind under ``MEDIA_ROOT/demo/pieces/``, shared by every demo dossier.
"""

import collections
import datetime
import functools
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from iae_portal import demo as demo_steps
from iae_portal.audit.models import AuditEntry
from iae_portal.users.enums import Role
from iae_portal.users.models import User
from structures.demo_data import BATCH_SIZE, REGION_CODE
from structures.enums import MembershipRole
from structures.models import Membership, OrganisationMembership

from .demo_data import (
    APPLICANT_DOMAIN,
    BASE_PATHS,
    CLOSED,
    COLLEAGUES,
    COMMENTS,
    DATA,
    DAY,
    DECIDED,
    DIRECTOR_DOSSIERS,
    FIRST_NAMES,
    FUNDER_LABELS,
    FUNDING_PROFILES,
    LAST_NAMES,
    OPEN,
    OPINION_COMMENTS,
    OPINION_PARTNERS,
    OPINION_QUESTIONS,
    OPINION_TEXTS,
    PDF_DIR,
    PUBLIC_CAP,
    PUBLIC_CAPS,
    SCHEMES,
    SECOND_SESSION,
    TOUR,
    VOTING,
    WEIGHTS,
)
from .enums import DocumentKind, FundingStatus, Opinion, PartnerPosition
from .enums import DossierState as S
from .models import (
    AidComputation,
    AidScheme,
    Campaign,
    Commission,
    Dossier,
    DossierComment,
    DossierDocument,
    FinancingPlan,
    FundingLine,
    Instalment,
    OpinionRequest,
    PartnerOpinion,
)
from .services import jsonable
from .services.dossiers import split_voted
from .workflow import APPLICANT, TRANSITIONS


@dataclass
class AidesDemo:
    """What ``seed`` created."""

    campaigns: list = field(default_factory=list)
    commissions: list = field(default_factory=list)
    dossiers: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    instalments: list = field(default_factory=list)
    applicants: list = field(default_factory=list)
    plans: list = field(default_factory=list)
    plan_kinds: collections.Counter = field(default_factory=collections.Counter)
    requests: list = field(default_factory=list)
    opinions: list = field(default_factory=list)

    def partners_summary(self, today):
        waiting = [r for r in self.requests if r.answered_at is None]
        late = sum(1 for r in waiting if r.due_on < today)
        kinds = self.plan_kinds
        return [
            f"Plans de financement : {len(self.plans)} ({kinds[BALANCED]} équilibrés, "
            f"{kinds[GAP]} incomplet, {kinds[OVER_CAP]} au-delà du plafond de "
            f"{PUBLIC_CAP:.0f} % de financement public)",
            f"Avis des partenaires : {len(self.requests)} demandes, {len(self.opinions)} avis "
            f"rendus, {len(waiting)} en attente dont {late} en retard",
        ]

    def summary(self):
        states = collections.Counter(d.state for d in self.dossiers)
        mix = ", ".join(f"{S(state).label.lower()} {states[state]}" for state in S if states[state])
        voted = sum((d.voted_amount for d in self.dossiers if d.state in DECIDED), Decimal(0))
        paid = sum(1 for i in self.instalments if i.paid_on)
        voted = f"{voted:,.0f}".replace(",", "\u202f")
        return [
            f"Appels à candidatures : {len(self.campaigns)} ({len(self.commissions)} commissions)",
            f"Dossiers d'aide : {len(self.dossiers)} ({mix}), "
            f"{len(self.applicants)} comptes de direction créés pour les déposer",
            f"Versements : {len(self.instalments)} dont {paid} payés ; {voted} € votés",
        ]


@dataclass
class _Plan:
    structure: object
    scheme: object
    campaign: object
    phase: str
    state: str
    commissions: list
    applicant: object = None
    instructor: object = None


@dataclass
class _Row:
    dossier: object
    computation: object
    created_at: datetime.datetime
    updated_at: datetime.datetime
    documents: list
    comments: list
    instalments: list
    history: list  # (at, actor, action, changes, reason) as the services would have written


def seed(rng, *, structures, today=None, dossiers=None):
    """Campaigns with their commissions, and dossiers of ``structures`` (the demo director's
    ACI and AI get hers) with their computations, documents, messages and instalments.
    ``dossiers`` asks for more of them than about one per structure (the load benchmark):
    structures then answer more of the calls open to them, up to that count."""
    now = timezone.now()
    today = today or timezone.localdate()
    schemes = AidScheme.objects.with_current_version().in_bulk(list(SCHEMES), field_name="code")
    demo = AidesDemo()
    if not schemes or not structures:
        return demo  # aid schemes not loaded: nothing to apply to
    staff = _staff()
    campaigns = _campaigns(rng, schemes, today)
    plans = _plans(rng, structures, schemes, campaigns, staff, dossiers)
    demo.applicants = _applicants(rng, plans)
    rows = [_dossier(rng, plan, staff, now, today) for plan in plans]
    _envelopes(campaigns, rows)
    demo.campaigns = _bulk(Campaign, [campaign for campaign, _, _ in campaigns])
    demo.commissions = _bulk(Commission, [c for _, _, held in campaigns for c in held])
    _bulk(AidComputation, [row.computation for row in rows if row.computation])
    demo.dossiers = _bulk(Dossier, [row.dossier for row in rows])
    _stamp(rows)
    _history_entries(rows)
    _write_pdfs()
    demo.documents = _bulk(DossierDocument, [d for row in rows for d in row.documents])
    demo.comments = _bulk(DossierComment, [c for row in rows for c in row.comments])
    demo.instalments = _bulk(Instalment, [i for row in rows for i in row.instalments])
    _public_caps()
    _financing_plans(rng, demo, rows)
    _opinion_requests(rng, demo, rows, staff, now, today)
    return demo


def _stamp(rows):
    """The services' reference (it needs the primary key) and the dates bulk_create stamped
    with now, in one statement (``bulk_update`` builds a CASE per row: ten times slower)."""
    table, adapt = Dossier._meta.db_table, connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET reference = %s, created_at = %s, updated_at = %s WHERE id = %s",
            [
                (f"{row.dossier.campaign.opens_on.year}-{row.dossier.pk:06d}",
                 adapt(row.created_at), adapt(row.updated_at), row.dossier.pk)
                for row in rows
            ],
        )  # fmt: skip
    for row in rows:
        row.dossier.created_at, row.dossier.updated_at = row.created_at, row.updated_at
        row.dossier.reference = f"{row.dossier.campaign.opens_on.year}-{row.dossier.pk:06d}"


def _history_entries(rows):
    """The audit entries of each dossier's path, so that its history reads as if the people
    of the demo had walked it through the services."""
    dossier_type = ContentType.objects.get_for_model(Dossier)

    def entry(row, at, actor, action, changes, reason):
        return AuditEntry(
            at=at,
            actor=actor,
            actor_label=actor.email if actor else "système",
            action=action,
            object_type=dossier_type,
            object_id=str(row.dossier.uuid),
            object_repr=str(row.dossier)[:255],
            changes=changes,
            reason=reason,
        )

    _bulk(AuditEntry, [entry(row, *event) for row in rows for event in row.history])


def reset():
    """Delete every dossier and campaign (dossiers protect the structures and accounts that
    the other resets delete), then the applicant and colleague accounts of the demo."""
    Dossier.objects.all().delete()  # with their opinion requests and financing plans
    Campaign.objects.all().delete()
    User.objects.filter(email__endswith=f"@{APPLICANT_DOMAIN}").delete()
    User.objects.filter(email__in=[email for email, _, _ in COLLEAGUES]).delete()


def path(rng, state):
    """The transitions that brought a dossier to ``state``; some went through a request for
    documents on the way."""
    steps = list(BASE_PATHS[state])
    if state == S.RETIRE:
        steps = rng.choice((["withdraw"], steps, ["submit", "start_instruction", "withdraw"]))
    if "start_instruction" in steps and state != S.COMPLEMENT_DEMANDE and rng.random() < 0.2:
        at = steps.index("start_instruction") + 1
        steps[at:at] = ["request_documents", "resubmit"]
    return steps


# -- Who acts -------------------------------------------------------------------------------


def _staff():
    """The demo instructeur and chef, and three colleagues who share the queue."""
    by_email = User.objects.filter(
        email__in=("instructeur@demo.iae.fr", "chef@demo.iae.fr")
    ).in_bulk(field_name="email")
    colleagues = _bulk(
        User,
        [
            User(email=email, first_name=first, last_name=last, role=Role.INSTRUCTEUR,
                 organisation="Région Grand Est, service de l'insertion",
                 region_id=REGION_CODE, password=_unusable_password())
            for email, first, last in COLLEAGUES
        ],
    )  # fmt: skip
    instructeur = by_email.get("instructeur@demo.iae.fr", colleagues[0])
    chef = by_email.get("chef@demo.iae.fr", instructeur)
    # The demo instructeur has about a quarter of the queue, the chef a few dossiers.
    return {
        "instructeur": instructeur,
        "chef": chef,
        "pool": [instructeur] * 3 + colleagues * 3 + [chef],
    }


def _applicants(rng, plans):
    """The director of each applying structure: the one it has (the demo director), else a
    new account with no usable password."""
    structures = {plan.structure.pk: plan.structure for plan in plans}
    directors = {
        m.structure_id: m.user
        for m in Membership.objects.filter(
            structure__in=list(structures), role=MembershipRole.DIRECTEUR, is_active=True
        ).select_related("user")
    }
    new = {
        pk: User(
            email=f"direction.{structure.siret}@{APPLICANT_DOMAIN}",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            role=Role.SIAE,
            password=_unusable_password(),
        )
        for pk, structure in structures.items()
        if pk not in directors
    }
    _bulk(User, list(new.values()))
    _bulk(
        Membership,
        [Membership(user=user, structure=structures[pk], role=MembershipRole.DIRECTEUR) for pk, user in new.items()],
    )  # fmt: skip
    for plan in plans:
        plan.applicant = directors.get(plan.structure.pk) or new[plan.structure.pk]
    return list(new.values())


# -- Campaigns and who applies where ----------------------------------------------------------


def _campaigns(rng, schemes, today):
    """``[(campaign, phase, commissions)]``: per scheme, last year's call (closed, both its
    commissions held), this year's (one commission held, one to come) and, for two schemes,
    a second session opened lately (commissions to come)."""
    rows, year = [], today.year
    for code, scheme in schemes.items():
        opens = datetime.date(year - 1, 2, 1) + rng.randint(0, 20) * DAY
        closes = datetime.date(year - 1, 5, 31) - rng.randint(0, 15) * DAY
        held = (closes + rng.randint(30, 45) * DAY, closes + rng.randint(95, 120) * DAY)
        rows.append(_campaign(scheme, f"appel {year - 1}", opens, closes, CLOSED, held))
        opens, closes = today - rng.randint(110, 150) * DAY, today + rng.randint(40, 90) * DAY
        held = (today - rng.randint(18, 30) * DAY, today + rng.randint(40, 70) * DAY)
        rows.append(_campaign(scheme, f"appel {year}", opens, closes, VOTING, held))
        if code in SECOND_SESSION:
            opens, closes = today - rng.randint(25, 45) * DAY, today + rng.randint(90, 130) * DAY
            held = (closes + 20 * DAY, closes + 80 * DAY)
            rows.append(_campaign(scheme, f"appel {year}, 2e session", opens, closes, OPEN, held))
    return rows


def _campaign(scheme, label, opens, closes, phase, dates):
    campaign = Campaign(
        scheme=scheme, name=f"{scheme.name} — {label}", opens_on=opens, closes_on=closes
    )
    commissions = [
        Commission(campaign=campaign, date=day, label=f"Commission permanente du {day:%d/%m/%Y}")
        for day in map(_weekday, dates)
    ]
    return campaign, phase, commissions


def _plans(rng, structures, schemes, campaigns, staff, dossiers=None):
    """Who applies to which campaign, and how far each dossier went: the demo director's
    dossiers, one of each state, then about one dossier per structure, then (``dossiers``)
    more applications to calls not answered yet until that count, drawn by scheme weight."""
    calls = {(c.scheme.code, phase): (c, held) for c, phase, held in campaigns}
    kinds = {code: set(scheme.eligible_kinds) for code, scheme in schemes.items()}
    plans = []

    def add(structure, state, code, phase):
        campaign, held = calls[code, phase]
        plans.append(_Plan(structure, schemes[code], campaign, phase, state, held))
        return plans[-1]

    hers = set(
        Membership.objects.filter(
            user__email="directeur@demo.iae.fr", role=MembershipRole.DIRECTEUR, is_active=True
        ).values_list("structure_id", flat=True)
    )
    by_kind = {s.kind: s for s in reversed(structures) if s.pk in hers}  # her first of each
    for kind, state, code, phase in DIRECTOR_DOSSIERS:
        if kind in by_kind and code in schemes:
            plan = add(by_kind[kind], state, code, phase)
            plan.instructor = staff["instructeur"] if state != S.BROUILLON else None
    others = [s for s in structures if s.pk not in hers]
    rng.shuffle(others)
    for state, code, phase in TOUR:
        structure = next((s for s in others if s.kind in kinds.get(code, ())), None)
        if structure is not None:
            others.remove(structure)
            add(structure, state, code, phase)
    for structure in others:
        eligible = [code for code in schemes if structure.kind in kinds[code]]
        count = rng.choices((0, 1, 2), weights=(8, 84, 8))[0] if eligible else 0
        for code in _choose(rng, eligible, count):
            phases = [p for p in (CLOSED, VOTING, OPEN) if (code, p) in calls]
            phase = rng.choices(phases, weights=(35, 50, 15)[: len(phases)])[0]
            add(structure, _weighted(rng, WEIGHTS[phase]), code, phase)
    if dossiers is not None and dossiers > len(plans):
        answered = {(plan.structure.pk, plan.scheme.code, plan.phase) for plan in plans}
        unanswered = [
            (structure, code, phase)
            for structure in others
            for code in schemes
            if structure.kind in kinds[code]
            for phase in (CLOSED, VOTING, OPEN)
            if (code, phase) in calls and (structure.pk, code, phase) not in answered
        ]
        # Weighted sampling without replacement (a key of u ** (1 / weight) per item).
        unanswered.sort(key=lambda item: rng.random() ** (1 / SCHEMES[item[1]][0]), reverse=True)
        for structure, code, phase in unanswered[: dossiers - len(plans)]:
            add(structure, _weighted(rng, WEIGHTS[phase]), code, phase)
    return plans


def _envelopes(campaigns, rows):
    """Each call's envelope: about 80 % of what was asked, and more than what was voted."""
    asked, voted = collections.defaultdict(Decimal), collections.defaultdict(Decimal)
    for row in rows:
        key = id(row.dossier.campaign)
        if row.dossier.submitted_at is not None:
            asked[key] += row.dossier.requested_amount
        voted[key] += row.dossier.voted_amount or 0
    for campaign, _, _ in campaigns:
        key = id(campaign)
        need = max(asked[key] * Decimal("0.8"), voted[key] * Decimal("1.1"), Decimal(100_000))
        campaign.budget_envelope = (need / 50_000).to_integral_value(ROUND_CEILING) * 50_000


# -- One dossier ----------------------------------------------------------------------------


def _dossier(rng, plan, staff, now, today):
    code, kind, state = plan.scheme.code, plan.structure.kind, plan.state
    data = DATA[code](rng, kind, state == S.IRRECEVABLE and rng.random() < 0.4)
    result = plan.scheme.compute_amount({**data, "structure": {"kind": kind}})
    output = result.to_dict()
    if not result.eligible and state in (S.INSTRUIT, *DECIDED):
        state = S.IRRECEVABLE
    requested = result.total
    if requested is None:  # eligibility only: the applicant asks, the instructor decides
        requested = Decimal(2_000 * len(data["positions"]))
    proposed, justification = requested, ""
    if rng.random() < 0.2:
        proposed = _hundreds(requested * Decimal(rng.uniform(0.7, 0.9)))
        justification = "Enveloppe contrainte : montant réduit au regard des autres demandes."
    voted = proposed if rng.random() < 0.85 else _hundreds(proposed * Decimal("0.9"))
    commission = notified = None
    if state in (S.REFUSE, *DECIDED):
        held = [c for c in plan.commissions if c.date < today]
        commission = held[0] if rng.random() < 0.6 else held[-1]
    if state in DECIDED:
        notified = min(commission.date + rng.randint(3, 10) * DAY, today - 2 * DAY)
    instalments, state = _instalments(rng, state, output, voted, notified, today)
    steps = path(rng, state)
    drafted = "submit" in steps or rng.random() < 0.7  # a draft may have no data yet
    paid = [i.paid_on for i in instalments if i.paid_on]
    created_at, data_at, *times = _timeline(rng, plan, steps, commission, notified, paid, now)
    staffed = "start_instruction" in steps or (state == S.DEPOSE and rng.random() < 0.3)
    instructor = plan.instructor
    if instructor is None and staffed and rng.random() < 0.92:
        instructor = rng.choice(staff["pool"])
    instructed = "instruct" in steps
    decided = commission is not None
    computation = None
    if drafted:
        computation = AidComputation(
            scheme=plan.scheme, version=plan.scheme.current_version, structure=plan.structure,
            input=jsonable({**data, "structure": {"kind": kind}}), result=output,
            eligible=result.eligible, total=result.total, created_at=data_at,
            created_by=plan.applicant,
        )  # fmt: skip
    dossier = Dossier(
        reference=f"demo-{rng.getrandbits(64):016x}",  # the real one needs the primary key
        structure=plan.structure, campaign=plan.campaign, state=state,
        version=1 + drafted + len(steps) + (instructor is not None),
        title=f"{rng.choice(SCHEMES[code][1])} — {plan.structure.city}",
        data=jsonable(data) if drafted else {}, computation=computation,
        requested_amount=requested if drafted else None,
        proposed_amount=proposed if instructed else None,
        proposed_justification=justification if instructed else "",
        opinion=_opinion(rng, state) if instructed else "",
        opinion_comment=rng.choice(OPINION_COMMENTS) if instructed else "",
        voted_amount=voted if state in DECIDED else None,
        commission=commission if decided else None,
        deliberation_number=f"CP-{commission.date:%Y%m%d}-{plan.scheme.pk:02d}" if decided else "",
        instructor=instructor, created_by=plan.applicant,
        submitted_at=times[steps.index("submit")] if "submit" in steps else None,
        state_changed_at=times[-1] if times else created_at,
    )  # fmt: skip
    for instalment in instalments:
        instalment.dossier = dossier
        instalment.paid_by = (instructor or staff["chef"]) if instalment.paid_on else None
    until = dossier.submitted_at or max([data_at, *times])
    documents = _documents(rng, plan, dossier, drafted, created_at, until)
    comments = _comments(rng, dossier, zip(steps, times, strict=True), instructor, staff)
    return _Row(
        dossier=dossier,
        computation=computation,
        created_at=created_at,
        updated_at=max([data_at, *times]),
        documents=documents,
        comments=comments,
        instalments=instalments,
        history=_history(plan, steps, times, created_at, instructor, staff, comments),
    )


def _history(plan, steps, times, created_at, instructor, staff, comments):
    """``[(at, actor, action, changes, reason)]``: the creation, then each step by whom the
    workflow lets fire it, with the reason given to the applicant when there was one."""
    reasons = {comment.created_at: comment.body for comment in comments}
    history = [(created_at, plan.applicant, "dossier.create", {"state": [None, S.BROUILLON]}, "")]
    state = S.BROUILLON
    for step, at in zip(steps, times, strict=True):
        transition = TRANSITIONS[step]
        if APPLICANT in transition.actors:
            actor = plan.applicant
        elif step in ("vote", "refuse"):
            actor = staff["chef"]
        else:
            actor = instructor or staff["chef"]
        changes = {"state": [state, transition.target]}
        history.append((at, actor, f"dossier.{step}", changes, reasons.get(at, "")))
        state = transition.target
    return history


def _instalments(rng, state, output, voted, notified, today):
    """A voted dossier's instalments, one a year from its notification, paid as far as the
    state says and the dates allow: a dossier is settled once its last year is paid."""
    if state not in DECIDED:
        return [], state
    schedule = split_voted(output["schedule"], voted)
    due = [notified + (365 * index + rng.randint(10, 25)) * DAY for index in range(len(schedule))]
    ready = sum(1 for day in due if day < today)
    if state == S.SOLDE and ready < len(due):
        state = S.EN_PAIEMENT
    if state == S.EN_PAIEMENT and len(due) == 1:
        state = S.SOLDE
    paid = {S.EN_PAIEMENT: max(1, min(ready, len(due) - 1)), S.SOLDE: len(due)}.get(state, 0)
    instalments = []
    for index, ((year, amount), day) in enumerate(zip(schedule, due, strict=True)):
        paid_on = min(day, today - DAY) if index < paid else None
        instalments.append(
            Instalment(
                year=year,
                amount=amount,
                paid_on=paid_on,
                payment_reference=f"MDT-{paid_on:%Y}-{rng.randint(1, 99_999):05d}" if paid_on else "",
            )
        )  # fmt: skip
    return instalments, state


def _timeline(rng, plan, steps, commission, notified, paid, now):
    """Datetimes of the creation, of the computation, then of each step: submitted while
    the call is open, instructed before the commission, paid after the notification."""
    campaign = plan.campaign
    fixed = {}
    if commission is not None:
        fixed.update(vote=_at(commission.date, 15), refuse=_at(commission.date, 15))
        end = _at(commission.date, 9) - 10 * DAY  # instructed before the commission
    elif plan.phase == CLOSED:
        end = _at(campaign.closes_on, 18) + 100 * DAY
    else:
        end = now
    if notified is not None:
        fixed["notify"] = _at(notified, 10)
    if paid:
        fixed.update(start_payment=_at(paid[0], 11), settle=_at(paid[-1], 16))
    end = min(end, now)
    last_submit = min(end, _at(campaign.closes_on, 18))
    created = _between(rng, _at(campaign.opens_on, 9), last_submit - 3 * DAY)
    computed = _between(rng, created, min(created + 2 * DAY, last_submit))
    free = [step for step in steps if step not in fixed]  # the fixed ones come last
    times = [_between(rng, computed, last_submit)] if free[:1] == ["submit"] else []
    start = times[0] if times else computed
    times += sorted(_between(rng, start, end) for _ in free[len(times) :])
    times = [created, computed, *times, *(fixed[step] for step in steps[len(free) :])]
    return [min(at, now) for at in times]


def _documents(rng, plan, dossier, drafted, created_at, until):
    """The scheme's required documents: all of them once submitted, some in a draft."""
    kinds = list(plan.scheme.required_documents)
    if dossier.submitted_at is None:
        kinds = rng.sample(kinds, k=rng.randint(0, len(kinds))) if drafted else []
    return [
        DossierDocument(
            dossier=dossier,
            kind=kind,
            file=f"{PDF_DIR}/{kind}.pdf",
            original_name=f"{DocumentKind(kind).label}.pdf",
            content_type="application/pdf",
            size=len(_pdfs()[kind]),
            uploaded_by=plan.applicant,
            uploaded_at=_between(rng, created_at, until),
        )
        for kind in kinds
    ]


def _comments(rng, dossier, steps, instructor, staff):
    """The reasons staff gave the applicant: requests for documents, refusals, closures."""
    return [
        DossierComment(
            dossier=dossier,
            author=staff["chef"] if step == "refuse" else instructor or staff["chef"],
            body=rng.choice(COMMENTS[step]),
            created_at=at,
        )
        for step, at in steps
        if step in COMMENTS
    ]


def _opinion(rng, state):
    if state == S.REFUSE:
        return Opinion.DEFAVORABLE if rng.random() < 0.8 else Opinion.FAVORABLE_RESERVES
    if state == S.INSTRUIT and rng.random() < 0.1:
        return Opinion.DEFAVORABLE
    return Opinion.FAVORABLE if rng.random() < 0.75 else Opinion.FAVORABLE_RESERVES


# -- Helpers --------------------------------------------------------------------------------


@functools.cache
def _unusable_password():
    return make_password(None)  # nobody logs in with these accounts


def _bulk(model, rows):
    return model.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _choose(rng, codes, count):
    """``count`` different schemes among ``codes``, by their weights."""
    chosen = []
    for _ in range(min(count, len(codes))):
        left = [code for code in codes if code not in chosen]
        chosen += rng.choices(left, weights=[SCHEMES[code][0] for code in left])
    return chosen


def _weighted(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _hundreds(amount):
    return (amount / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 100


def _weekday(day):
    return day + (7 - day.weekday()) * DAY if day.weekday() >= 5 else day  # to Monday


def _at(day, hour):
    return datetime.datetime.combine(day, datetime.time(hour), timezone.get_current_timezone())


def _between(rng, start, end):
    return start if end <= start else start + (end - start) * rng.random()


@functools.cache
def _pdfs():
    return {kind: _pdf(f"Pièce de démonstration : {kind.label}") for kind in DocumentKind}


def _write_pdfs():
    for kind, content in _pdfs().items():
        if not default_storage.exists(f"{PDF_DIR}/{kind}.pdf"):
            default_storage.save(f"{PDF_DIR}/{kind}.pdf", ContentFile(content))


def _pdf(text):
    """A one-page PDF saying ``text``: enough for a viewer to open the demo's documents."""
    stream = f"BT /F1 16 Tf 72 760 Td ({text}) Tj ET".encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    pdf, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


# -- Partners' opinions and financing plans (issue 17) --------------------------------------

BALANCED, GAP, OVER_CAP = "balanced", "gap", "over_cap"
# Where partners are asked: deposited and in instruction (as ``perms.OPINION_STATES``).
ASKED_STATES = (S.DEPOSE, S.EN_INSTRUCTION, S.COMPLEMENT_DEMANDE, S.INSTRUIT)
# What became of each partner's requests, in turn: answered, waiting, late…
OUTCOMES = ("answered", "waiting", "late", "answered", "answered", "waiting")


def _public_caps():
    """The investment schemes cap public funding at 80 % of the project's cost (the first
    one blocks a favourable opinion beyond it)."""
    for code, blocking in PUBLIC_CAPS:
        AidScheme.objects.filter(code=code).update(
            public_funding_cap=PUBLIC_CAP, public_cap_blocking=blocking
        )


def _region_part(dossier):
    """As ``FinancingPlan.region_amount``, on the unsaved dossier."""
    for amount in (dossier.voted_amount, dossier.proposed_amount):
        if amount is not None:
            return amount
    computation = dossier.computation
    if computation is not None and computation.total is not None:
        return computation.total
    return dossier.requested_amount or Decimal("0.00")


def _financing_plans(rng, demo, rows):
    """A plan on most dossiers past the draft: balanced, but one missing part of its funding
    and one over its scheme's public cap (both in instruction)."""
    rows = [row for row in rows if row.dossier.state != S.BROUILLON and rng.random() < 0.9]
    waiting = [row for row in rows if row.dossier.state in ASKED_STATES]
    capped = PUBLIC_CAPS[0][0]
    over = next((row for row in waiting if row.dossier.campaign.scheme.code == capped), None)
    gap = next((row for row in waiting if row is not over), None)
    plans, lines = [], []
    for row in rows:
        kind = OVER_CAP if row is over else GAP if row is gap else BALANCED
        plan, plan_lines = _financing_plan(rng, row.dossier, kind)
        plans.append(plan)
        lines += plan_lines
        demo.plan_kinds[kind] += 1
    demo.plans = _bulk(FinancingPlan, plans)
    _bulk(FundingLine, lines)


def _financing_plan(rng, dossier, kind):
    region = _region_part(dossier)
    (low, high), funders = FUNDING_PROFILES.get(dossier.campaign.scheme.code, ((0.3, 0.5), ()))
    share = Decimal("0.45") if kind == OVER_CAP else Decimal(f"{rng.uniform(low, high):.3f}")
    if region > 0:
        cost = (region / share / 100).to_integral_value(ROUND_CEILING) * 100
    else:
        cost = Decimal(rng.randrange(20_000, 80_001, 1_000))
    decided = dossier.state in DECIDED

    def status():
        return FundingStatus.ACCORDE if decided or rng.random() < 0.4 else FundingStatus.DEMANDE

    if kind == OVER_CAP:  # 45 % + 25 % + 15 %: 85 % of public funding
        shares = (("etat_fdi", 0.25, 0.25), ("departement", 0.15, 0.15))
    else:
        shares = funders
    amounts = [
        [funder, _tens(cost * Decimal(rng.uniform(a, b))), status()] for funder, a, b in shares
    ]
    own = cost - region - sum(amount for _, amount, _ in amounts)
    if own < 0 and amounts:  # the draws went over the cost: the biggest funder gives less
        biggest = max(amounts, key=lambda line: line[1])
        biggest[1] += own
        own = Decimal(0)
    if own > 0:
        amounts.append(["fonds_propres", own, FundingStatus.ACCORDE])
    if kind == GAP and amounts:  # 8 % of the cost not found yet
        biggest = max(amounts, key=lambda line: line[1])
        biggest[1] -= min(_tens(cost * Decimal("0.08")), biggest[1] / 2).quantize(Decimal(1))
    if not decided and rng.random() < 0.12:  # a funder said no: it does not count
        amounts.append(["fondation", _tens(cost * Decimal("0.05")), FundingStatus.REFUSE])
    plan = FinancingPlan(dossier=dossier, total_cost=cost, updated_by=dossier.created_by)
    return plan, [
        FundingLine(
            plan=plan,
            funder=funder,
            label=FUNDER_LABELS.get(funder, ""),
            amount=amount,
            status=line_status,
            position=position,
        )
        for position, (funder, amount, line_status) in enumerate(amounts)
    ]


def _tens(amount):
    return (amount / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 10


def _opinion_requests(rng, demo, rows, staff, now, today):
    """The demo partners asked about deposited and instructed dossiers (the Département's
    partner about its own département's): some answered (every position in turn), some
    waiting, some late and reminded; some share the dossier's documents."""
    partners = User.objects.in_bulk([email for email, _, _ in OPINION_PARTNERS], field_name="email")
    organisations = {
        m.user_id: m.organisation
        for m in OrganisationMembership.objects.filter(
            user__in=list(partners.values()), is_active=True
        ).select_related("organisation")
    }
    asked = [row for row in rows if row.dossier.state in ASKED_STATES and row.dossier.submitted_at]
    positions = list(PartnerPosition)
    requests, opinions, shared = [], [], []
    for email, department, count in OPINION_PARTNERS:
        partner = partners.get(email)
        if partner is None:
            continue
        pool = [r for r in asked if department in (None, r.dossier.structure.department_id)]
        chosen = sorted(
            rng.sample(pool, k=min(count, len(pool))), key=lambda r: r.dossier.submitted_at
        )
        answered = 0
        for index, row in enumerate(chosen):
            outcome = OUTCOMES[index % len(OUTCOMES)]
            dossier = row.dossier
            if outcome == "late" and dossier.submitted_at > now - 25 * DAY:
                outcome = "waiting"  # too recent to be late
            if outcome == "late":
                asked_at = _between(rng, max(dossier.submitted_at, now - 40 * DAY), now - 24 * DAY)
            elif outcome == "waiting":
                asked_at = _between(rng, max(dossier.submitted_at, now - 12 * DAY), now - DAY / 2)
            else:
                asked_at = _between(rng, dossier.submitted_at, now - 2 * DAY)
            due_on = timezone.localtime(asked_at).date() + 21 * DAY
            request = OpinionRequest(
                dossier=dossier, partner=partner, organisation=organisations.get(partner.pk),
                question=rng.choice(OPINION_QUESTIONS), due_on=due_on,
                shares_opinions=rng.random() < 0.3,
                requested_by=dossier.instructor or staff["instructeur"], created_at=asked_at,
            )  # fmt: skip
            if outcome == "late":
                request.reminded_before_at = _at(due_on - 3 * DAY, 7)
                request.reminded_late_at = min(_at(due_on + DAY, 7), now)
            elif due_on - 3 * DAY <= today:
                request.reminded_before_at = _at(max(due_on - 3 * DAY, asked_at.date()), 7)
            if outcome == "answered":
                position = positions[answered % len(positions)]
                answered += 1
                given = _between(rng, asked_at + DAY, min(asked_at + 18 * DAY, now))
                request.answered_at = given
                texts = [t for t in OPINION_TEXTS[position] if _fits(t, department)]
                opinions.append(
                    PartnerOpinion(request=request, author=partner, position=position,
                                   text=rng.choice(texts), created_at=given)
                )  # fmt: skip
            requests.append(request)
            if row.documents and rng.random() < 0.6:
                shared += [(request, document) for document in row.documents]
    demo.requests = _bulk(OpinionRequest, requests)
    demo.opinions = _bulk(PartnerOpinion, opinions)
    through = OpinionRequest.shared_documents.through
    _bulk(
        through,
        [through(opinionrequest=request, dossierdocument=document) for request, document in shared],
    )


def _fits(text, department):
    """The État's partner does not speak for the Département, nor the Département's for
    the State's aides au poste."""
    return "Département" not in text if department is None else "aides au poste" not in text


def _seed_step(run):
    demo = seed(run.rng, structures=run.made["structures"])
    return [*demo.summary(), *demo.partners_summary(run.today)]


def register():
    """A step of ``seed_demo`` after the structures; reset first (dossiers hang on them)."""
    demo_steps.register("aides", seed=_seed_step, reset=reset, order=20, reset_order=10)
