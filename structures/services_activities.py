"""A structure's declared activities (NAF codes): one transaction, one audit entry."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from iae_portal.audit.services import audit_record

from . import perms
from .models import StructureActivity


def activities_set(*, actor, structure, codes, main=""):
    """Replace ``structure``'s activities by ``codes`` (checked NAF sous-classes), ``main``
    (one of them, or empty) being the main one."""
    if not perms.can_edit_structure(actor, structure):
        raise PermissionDenied
    codes = sorted(set(codes) | ({main} if main else set()))
    with transaction.atomic():
        current = list(
            StructureActivity.objects.select_for_update()
            .filter(structure=structure)
            .order_by("naf_code")
        )
        before = {a.naf_code: a.is_main for a in current}
        after = {code: code == main for code in codes}
        if before == after:
            return False
        # A kept activity keeps its row (its API identifier): removed codes are deleted
        # (the API's deletions feed), a main activity no longer main is unmarked before the
        # new main one is marked (one main activity at a time), new codes are created.
        rows = {a.naf_code: a for a in current}
        StructureActivity.objects.filter(
            structure=structure, naf_code__in=set(before) - set(after)
        ).delete()
        for code in sorted(set(before) & set(after), key=lambda code: after[code]):
            if before[code] != after[code]:
                rows[code].is_main = after[code]
                rows[code].save(update_fields=["is_main", "updated_at"])
        StructureActivity.objects.bulk_create(
            StructureActivity(structure=structure, naf_code=code, is_main=after[code])
            for code in sorted(set(after) - set(before))
        )
        structure.save(update_fields=["updated_at"])
        audit_record(
            actor=actor,
            action="structure.activities",
            obj=structure,
            changes={
                "activities": [", ".join(sorted(before)), ", ".join(codes)],
                "main_activity": [
                    next((c for c, m in before.items() if m), ""),
                    main,
                ],
            },
        )
    return True
