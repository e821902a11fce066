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
        StructureActivity.objects.filter(structure=structure).delete()
        StructureActivity.objects.bulk_create(
            StructureActivity(structure=structure, naf_code=code, is_main=is_main)
            for code, is_main in after.items()
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
