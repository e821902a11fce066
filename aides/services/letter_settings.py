"""The letterhead, signatory and payment terms of the council's letters: each change is a
new version (who, when, why) and an entry of the journal, never a rewrite."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from iae_portal.audit.services import audit_record, diff

from .. import perms
from ..models import LetterSettings

CHANGED_MEANWHILE = (
    "Les paramètres des courriers viennent d'être modifiés par quelqu'un d'autre "
    "(version {number}) : relisez-les, puis enregistrez de nouveau."
)


def letter_settings_change(*, actor, values, reason, based_on=None):
    """Store ``values`` (of ``LetterSettings.TEXT_FIELDS``; the missing ones unchanged) as
    a new version, journalled with ``reason``; returns it, or the current version when
    nothing changed.

    ``based_on``: the version number the person read; another version saved since raises
    ``ValidationError`` rather than silently undoing it. Also ``ValidationError`` (French)
    without a reason or with a value the model refuses; ``PermissionDenied`` for whom
    ``perms.can_change_scheme`` refuses."""
    if not perms.can_change_scheme(actor):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif du changement."})
    try:
        with transaction.atomic():
            return _change(actor, values, reason, based_on)
    except IntegrityError:  # the same number taken at the same moment by someone else
        raise ValidationError(
            CHANGED_MEANWHILE.format(number=LetterSettings.current().number)
        ) from None


def _lines(value):
    """Line breaks as stored (a browser's textarea sends CRLF): no change made of them."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _change(actor, values, reason, based_on):
    current = LetterSettings.current()
    if based_on is not None and based_on != current.number:
        raise ValidationError(CHANGED_MEANWHILE.format(number=current.number))
    before = current.texts()
    after = {
        field: _lines(values.get(field, before[field])) for field in LetterSettings.TEXT_FIELDS
    }
    changes = diff(before, after)
    if not changes:
        return current
    version = LetterSettings(number=current.number + 1, created_by=actor, reason=reason, **after)
    version.full_clean(validate_unique=False)
    version.save()
    audit_record(
        actor=actor, action="aides.letter_settings", obj=version, changes=changes, reason=reason
    )
    return version
