"""Changes to DLA accompaniments: the steps of the path of ../shared/domain/dla.md.

Each step is one function (``accompaniment_<verb>``, keyword-only): it checks the actor
(``dla.perms``) and the accompaniment's state, writes in one transaction with the
accompaniment locked, moves the state forward (never back) and leaves an audit entry.
A step the state does not allow raises ``StepRefused`` with a French message.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from iae_portal.audit.services import audit_record, diff
from iae_portal.queue import enqueue_quietly
from iae_portal.uploads import after_saving, uploaded

from . import followups, perms
from .enums import STATE_ORDER, AccompanimentState, Mode
from .models import (
    Accompaniment,
    Deliverable,
    Diagnostic,
    Dla,
    FollowUp,
    Prestation,
    Provider,
    SupportPlan,
)

State = AccompanimentState
CLOSED = "Cet accompagnement est clos : il ne peut plus être modifié."


class StepRefused(Exception):
    """The step cannot be recorded; ``field`` names the input at fault, if one is."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.message, self.field = message, field


# -- helpers ---------------------------------------------------------------------------


def _locked(actor, accompaniment):
    """The accompaniment re-read under lock, once the actor is known to be allowed."""
    if not perms.can_edit_accompaniment(actor, accompaniment):
        raise PermissionDenied
    locked = Accompaniment.objects.select_for_update().get(pk=accompaniment.pk)
    if locked.is_closed:
        raise StepRefused(CLOSED)
    return locked


def _advance(accompaniment, state):
    """Moves the state forward to ``state`` (never back); ``{"state": [from, to]}`` or {}."""
    before = accompaniment.state
    if STATE_ORDER.index(state) <= STATE_ORDER.index(before):
        return {}
    accompaniment.state = state
    accompaniment.save(update_fields=["state", "updated_at"])
    return {"state": [before, state]}


def _not_future(day, field, what):
    if day > timezone.localdate():
        raise StepRefused(f"{what} ne peut pas être dans le futur.", field=field)


def _not_before_request(accompaniment, day, field, what):
    if accompaniment.request_date and day < accompaniment.request_date:
        raise StepRefused(
            f"{what} ne peut pas précéder la demande ({accompaniment.request_date:%d/%m/%Y}).",
            field=field,
        )


def _write(obj, values):
    """Sets ``values`` on ``obj`` and saves it; returns the field-by-field ``diff``."""
    before = {name: getattr(obj, name) for name in values}
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    return diff(before, values)


def _sirets(structures):
    return sorted(s.siret for s in structures)


def _next_ref(prefix, taken):
    """``prefix`` + the first free number (the caller holds the lock that serialises)."""
    number = taken.filter(ref__startswith=prefix).count() + 1
    while taken.filter(ref=f"{prefix}{number:03d}").exists():
        number += 1
    return f"{prefix}{number:03d}"


# -- step 1: the request ----------------------------------------------------------------


def _check_request(structures, request_date):
    if not structures:
        raise StepRefused("Indiquez au moins une structure accompagnée.", field="structures")
    _not_future(request_date, "request_date", "La date de la demande")


@transaction.atomic
def accompaniment_open(
    *,
    actor,
    dla,
    structures,
    request_date,
    requester,
    needs,
    request_prescriber="",
    urgent=False,
    injunction="",
):
    """Logs a new request (step 1, « mobilisation initiale ») for ``structures`` at
    ``dla``; its reference is ``DLA<département>-<year>-<number>``."""
    if not perms.request_dlas(actor).filter(pk=dla.pk).exists():
        raise PermissionDenied
    _check_request(structures, request_date)
    Dla.objects.select_for_update().get(pk=dla.pk)  # one new reference at a time per DLA
    accompaniment = Accompaniment.objects.create(
        ref=_next_ref(f"DLA{dla.department_id}-{request_date.year}-", Accompaniment.objects),
        dla=dla,
        state=State.DEMANDE,
        request_date=request_date,
        requester=requester,
        request_prescriber=request_prescriber,
        urgent=urgent,
        injunction=injunction,
        request_needs=needs,
    )
    accompaniment.structures.set(structures)
    audit_record(
        actor=actor,
        action="dla.request",
        obj=accompaniment,
        changes={"state": [None, State.DEMANDE], "structures": [None, _sirets(structures)]},
    )
    return accompaniment


@transaction.atomic
def accompaniment_update_request(
    *,
    actor,
    accompaniment,
    structures,
    request_date,
    requester,
    needs,
    request_prescriber="",
    urgent=False,
    injunction="",
):
    """Corrects the request of an open accompaniment (its state does not move)."""
    accompaniment = _locked(actor, accompaniment)
    _check_request(structures, request_date)
    before = _sirets(accompaniment.structures.all())
    changes = _write(
        accompaniment,
        {
            "request_date": request_date,
            "requester": requester,
            "request_prescriber": request_prescriber,
            "urgent": urgent,
            "injunction": injunction,
            "request_needs": needs,
        },
    )
    if before != _sirets(structures):
        accompaniment.structures.set(structures)
        changes["structures"] = [before, _sirets(structures)]
    if changes:
        audit_record(actor=actor, action="dla.request", obj=accompaniment, changes=changes)
    return accompaniment


# -- steps 2 and 3: the diagnostic and the plan -------------------------------------------


@transaction.atomic
def accompaniment_diagnose(*, actor, accompaniment, date, **values):
    """Records (or corrects) the shared diagnostic (step 2): ``values`` are the fields of
    ``Diagnostic`` (situation, objectives, stakes, priorities, participants…)."""
    accompaniment = _locked(actor, accompaniment)
    _not_future(date, "date", "La date du diagnostic")
    _not_before_request(accompaniment, date, "date", "Le diagnostic")
    diagnostic = Diagnostic.objects.filter(accompaniment=accompaniment).first()
    diagnostic = diagnostic or Diagnostic(accompaniment=accompaniment)
    changes = _write(diagnostic, {"date": date, **values})
    changes |= _advance(accompaniment, State.DIAGNOSTIC)
    audit_record(actor=actor, action="dla.diagnostic", obj=accompaniment, changes=changes)
    return diagnostic


@transaction.atomic
def accompaniment_plan(*, actor, accompaniment, **values):
    """Records (or corrects) the support plan (step 3), once the diagnostic is shared:
    ``values`` are the fields of ``SupportPlan``."""
    accompaniment = _locked(actor, accompaniment)
    if not Diagnostic.objects.filter(accompaniment=accompaniment).exists():
        raise StepRefused(
            "Enregistrez d'abord le diagnostic partagé : le plan d'accompagnement en découle."
        )
    plan = SupportPlan.objects.filter(accompaniment=accompaniment).first()
    plan = plan or SupportPlan(accompaniment=accompaniment)
    changes = _write(plan, values)
    changes |= _advance(accompaniment, State.PLAN)
    audit_record(actor=actor, action="dla.plan", obj=accompaniment, changes=changes)
    return plan


# -- step 4: the engineering -------------------------------------------------------------


def _provider(name, kind):
    provider = Provider.objects.filter(name=name).first()
    if provider is None:
        if not kind:
            raise StepRefused("Précisez le type de ce nouveau prestataire.", field="provider_kind")
        return Provider.objects.create(name=name, kind=kind)
    if kind and kind != provider.kind:
        raise StepRefused(
            f"« {name} » est enregistré comme {provider.get_kind_display().lower()} : "
            "choisissez ce type ou laissez le champ vide.",
            field="provider_kind",
        )
    return provider


def _checked(actor, accompaniment, files):
    """The fields of each deliverable, every file checked by content and scanned by the
    antivirus before any is kept, outside the step's transaction (``uploaded``: an infected
    file is journalled on the accompaniment)."""
    if not perms.can_edit_accompaniment(actor, accompaniment):
        raise PermissionDenied
    checked = []
    for upload in files:
        try:
            checked.append(uploaded(upload, "livrable", actor=actor, journal=accompaniment))
        except ValidationError as error:
            raise StepRefused(f"{upload.name} : {error.messages[0]}", field="files") from None
    return checked


def _store(actor, prestation, checked):
    for fields in checked:
        deliverable = Deliverable.objects.create(prestation=prestation, uploaded_by=actor, **fields)
        after_saving(deliverable)
    return [fields["original_name"] for fields in checked]


def accompaniment_add_prestation(*, actor, accompaniment, files=(), **values):
    """Adds a prestation (step 4) once the plan is set: ``values`` are its fields (mode,
    theme, prescriber, start_date, end_date, days, cost, recommendations), its
    ``beneficiaries``, ``provider_name`` and ``provider_kind``. An individual prestation
    serves one structure, a collective one several; its beneficiaries join the accompanied
    structures. ``files``: deliverables (PDF, JPEG or PNG, checked by content, scanned)."""
    checked = _checked(actor, accompaniment, files)
    return _add_prestation(actor=actor, accompaniment=accompaniment, checked=checked, **values)


@transaction.atomic
def _add_prestation(
    *,
    actor,
    accompaniment,
    beneficiaries,
    provider_name,
    provider_kind="",
    checked,
    **values,
):
    accompaniment = _locked(actor, accompaniment)
    if STATE_ORDER.index(accompaniment.state) < STATE_ORDER.index(State.PLAN):
        raise StepRefused(
            "Le plan d'accompagnement doit être enregistré avant les prestations d'ingénierie."
        )
    if values["mode"] == Mode.INDIVIDUELLE and len(beneficiaries) != 1:
        raise StepRefused(
            "Une prestation individuelle bénéficie à une seule structure.", field="beneficiaries"
        )
    if values["mode"] == Mode.COLLECTIVE and len(beneficiaries) < 2:
        raise StepRefused(
            "Une prestation collective bénéficie à plusieurs structures.", field="beneficiaries"
        )
    if values["end_date"] < values["start_date"]:
        raise StepRefused("La fin ne peut pas précéder le début.", field="end_date")
    _not_before_request(accompaniment, values["start_date"], "start_date", "La prestation")
    provider = _provider(provider_name.strip(), provider_kind)
    ref = _next_ref(f"{accompaniment.ref}-P", Prestation.objects)
    prestation = Prestation.objects.create(
        ref=ref, accompaniment=accompaniment, provider=provider, **values
    )
    prestation.beneficiaries.set(beneficiaries)
    accompaniment.structures.add(*beneficiaries)
    changes = {
        "prestation": [None, ref],
        "beneficiaries": [None, _sirets(beneficiaries)],
        **diff({}, {**values, "provider": provider.name}),
    }
    if names := _store(actor, prestation, checked):
        changes["deliverables"] = [None, names]
    changes |= _advance(accompaniment, State.INGENIERIE)
    audit_record(actor=actor, action="dla.prestation", obj=accompaniment, changes=changes)
    return prestation


def accompaniment_add_deliverables(*, actor, prestation, files):
    """Attaches deliverables to a prestation of an open accompaniment."""
    checked = _checked(actor, prestation.accompaniment, files)
    if not checked:
        raise StepRefused("Choisissez au moins un fichier.", field="files")
    return _add_deliverables(actor=actor, prestation=prestation, checked=checked)


@transaction.atomic
def _add_deliverables(*, actor, prestation, checked):
    accompaniment = _locked(actor, prestation.accompaniment)
    names = _store(actor, prestation, checked)
    audit_record(
        actor=actor,
        action="dla.deliverable",
        obj=accompaniment,
        changes={"deliverables": [None, names]},
        reason=f"Prestation {prestation.ref}",
    )
    return names


# -- step 5: follow-up and closing -----------------------------------------------------


@transaction.atomic
def accompaniment_follow_up(*, actor, accompaniment, milestone, contact_date, **values):
    """Records (or corrects) the contact at ``milestone`` months (step 5), once a prestation
    is recorded: ``values`` are the fields of ``FollowUp`` (what was implemented, outcomes).
    The contact is due ``milestone`` months after the end of the last prestation, and takes
    place from ``followups.DUE_NOTICE`` before (``followups.opens_on``), never earlier."""
    accompaniment = _locked(actor, accompaniment)
    last_end = accompaniment.prestations.aggregate(last=Max("end_date"))["last"]
    if last_end is None:
        raise StepRefused(
            "Le suivi commence après l'ingénierie : enregistrez d'abord une prestation."
        )
    _not_future(contact_date, "contact_date", "La date du contact")
    _not_before_request(accompaniment, contact_date, "contact_date", "Le contact")
    if contact_date < (opens := followups.opens_on(last_end, milestone)):
        raise StepRefused(
            f"Le suivi à {milestone} mois est possible à partir du {opens:%d/%m/%Y} : "
            f"il est dû le {followups.due_on(last_end, milestone):%d/%m/%Y}, {milestone} mois "
            f"après la fin de la dernière prestation ({last_end:%d/%m/%Y}), et se fait au plus "
            f"tôt {followups.DUE_NOTICE.days} jours avant.",
            field="contact_date",
        )
    follow_up = FollowUp.objects.filter(accompaniment=accompaniment, milestone=milestone).first()
    follow_up = follow_up or FollowUp(accompaniment=accompaniment, milestone=milestone)
    changes = _write(follow_up, {"contact_date": contact_date, **values})
    changes |= _advance(accompaniment, State.SUIVI)
    audit_record(
        actor=actor,
        action="dla.follow_up",
        obj=accompaniment,
        changes=changes,
        reason=f"Suivi à {milestone} mois",
    )
    return follow_up


@transaction.atomic
def accompaniment_close(*, actor, accompaniment, closed_on, summary):
    """Closes the accompaniment, at whatever step (an abandoned request is closed too)."""
    accompaniment = _locked(actor, accompaniment)
    if not summary.strip():
        raise StepRefused("Indiquez le bilan de la clôture.", field="summary")
    _not_future(closed_on, "closed_on", "La date de clôture")
    _not_before_request(accompaniment, closed_on, "closed_on", "La clôture")
    before = accompaniment.state
    changes = _write(
        accompaniment,
        {"closed_on": closed_on, "closing_summary": summary, "state": State.CLOS},
    )
    changes["state"] = [before, State.CLOS]
    audit_record(actor=actor, action="dla.close", obj=accompaniment, changes=changes)
    return accompaniment


def deliverable_found_infected(sender, document, **kwargs):
    """A deliverable kept while the antivirus was away was infected
    (``uploads.document_infected``, after the commit): the DLA's chargés de mission and its
    uploader hear by e-mail that it was removed and must be sent again."""
    enqueue_quietly("dla.tasks.send_deliverable_infected_email", document.pk)
