"""Changes of the facilitators' partnership agreements and their quarterly reviews (issue 19,
part 5): each write runs in a transaction and leaves an audit entry on the agreement."""

import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from iae_portal.audit.services import audit_record, diff
from iae_portal.uploads import after_saving, uploaded

from . import partnership, perms
from .models import PartnershipAgreement, QuarterlyReview, ReviewMinutes

FIELDS = ("title", "partners", "start_date", "end_date", "hours_objective", "objectives")
REVIEW_FIELDS = ("held_on", "attendees", "summary")


class AgreementRefused(Exception):
    """A change the rules refuse, with its French reason (and the form field it concerns)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message, self.field = message, field


def _values(agreement):
    return {
        **{name: getattr(agreement, name) for name in FIELDS},
        "facilitator": str(agreement.facilitator),
        "buyers": sorted(b.name for b in agreement.buyers.all()),
    }


def _check_facilitator(actor, facilitator):
    if not perms.agreement_facilitators(actor).filter(pk=facilitator.pk).exists():
        raise PermissionDenied


def agreement_create(*, actor, facilitator, buyers, **values):
    """A partnership agreement of ``facilitator`` with ``buyers``; ``values``: title,
    partners, start_date, end_date, hours_objective, objectives."""
    if not perms.can_add_agreement(actor):
        raise PermissionDenied
    _check_facilitator(actor, facilitator)
    with transaction.atomic():
        agreement = PartnershipAgreement.objects.create(
            facilitator=facilitator, created_by=actor, **values
        )
        agreement.buyers.set(buyers)
        audit_record(
            actor=actor,
            action="clauses.agreement_create",
            obj=agreement,
            changes=diff({}, _values(agreement)),
        )
    return agreement


def agreement_update(*, actor, agreement, facilitator, buyers, **values):
    """Change ``agreement``; its dates must still cover the quarters already reviewed."""
    if not perms.can_change_agreement(actor, agreement):
        raise PermissionDenied
    _check_facilitator(actor, facilitator)
    with transaction.atomic():
        agreement = PartnershipAgreement.objects.select_for_update().get(pk=agreement.pk)
        before = _values(agreement)
        quarters = set(partnership.agreement_quarters(values["start_date"], values["end_date"]))
        outside = sorted(
            (r.year, r.quarter)
            for r in agreement.reviews.all()
            if (r.year, r.quarter) not in quarters
        )
        if outside:
            named = ", ".join(f"T{q} {y}" for y, q in outside)
            raise AgreementRefused(
                f"Des revues trimestrielles sont saisies hors de ces dates ({named}) : "
                "la convention doit couvrir leurs trimestres.",
                field="start_date" if outside[0] < min(quarters) else "end_date",
            )
        agreement.facilitator = facilitator
        for name, value in values.items():
            setattr(agreement, name, value)
        agreement.save()
        agreement.buyers.set(buyers)
        changes = diff(before, _values(agreement))
        if changes:
            audit_record(
                actor=actor, action="clauses.agreement_update", obj=agreement, changes=changes
            )
    return agreement


def _checked_minutes(actor, agreement, upload):
    """The fields of the minutes for ``upload``, checked by content and scanned before the
    transaction (``uploaded``: an infected file is journalled on the agreement)."""
    if upload is None:
        return None
    try:
        return uploaded(upload, "compte-rendu", actor=actor, journal=agreement)
    except ValidationError as error:
        raise AgreementRefused(error.messages[0], field="minutes") from None


def _store_minutes(actor, review, fields):
    minutes = ReviewMinutes.objects.create(review=review, uploaded_by=actor, **fields)
    after_saving(minutes)
    return minutes


def review_save(*, actor, agreement, year, quarter, minutes=None, **values):
    """Record (or correct) the review meeting of ``agreement`` for a quarter: ``values``
    are held_on, attendees and summary; ``minutes``, an uploaded file (PDF, JPEG or PNG,
    checked by content and scanned) attached to it."""
    if not perms.can_change_agreement(actor, agreement):
        raise PermissionDenied
    if (year, quarter) not in partnership.agreement_quarters(
        agreement.start_date, agreement.end_date
    ):
        raise AgreementRefused("Ce trimestre n'appartient pas à la convention.")
    checked = _checked_minutes(actor, agreement, minutes)
    with transaction.atomic():
        review = (
            QuarterlyReview.objects.select_for_update()
            .filter(agreement=agreement, year=year, quarter=quarter)
            .first()
        )
        before = {} if review is None else {n: getattr(review, n) for n in REVIEW_FIELDS}
        if review is None:
            review = QuarterlyReview(
                agreement=agreement, year=year, quarter=quarter, created_by=actor
            )
        for name, value in values.items():
            setattr(review, name, value)
        review.save()
        changes = diff(before, {n: getattr(review, n) for n in REVIEW_FIELDS})
        if checked is not None:
            _store_minutes(actor, review, checked)
            changes["minutes"] = [None, checked["original_name"]]
        if changes:
            audit_record(
                actor=actor,
                action="clauses.review_save",
                obj=agreement,
                changes={"quarter": f"T{quarter} {year}", **changes},
            )
    return review


def minutes_remove(*, actor, minutes):
    """Remove minutes attached by mistake: the row now, its file once committed."""
    agreement = minutes.review.agreement
    if not perms.can_change_agreement(actor, agreement):
        raise PermissionDenied
    with transaction.atomic():
        deleted, _ = ReviewMinutes.objects.filter(pk=minutes.pk).delete()
        if deleted:
            review = minutes.review
            audit_record(
                actor=actor,
                action="clauses.minutes_remove",
                obj=agreement,
                changes={
                    "quarter": f"T{review.quarter} {review.year}",
                    "minutes": [minutes.original_name, None],
                },
            )
            if minutes.file:
                storage, name = minutes.file.storage, minutes.file.name
                transaction.on_commit(functools.partial(storage.delete, name))
    return bool(deleted)
