"""Rows enough to fill every list at its largest page size, on top of the permission
matrix's world (``tests.security.matrix_world``): ``LIST_ROWS`` more of each thing, made
with ``bulk_create`` as copies of the world's own objects (so they hang from the same
structures, campaigns, lots and people, and the same people see them).

``ListRows(world).<name>`` builds one set the first time it is asked (a set may ask for
another: the interests hang from the structures)."""

import datetime
import itertools
import uuid
from functools import cached_property

from django.utils import timezone

from aides.models import (
    Notification,
)
from clauses.models import (
    PartnershipAgreement,
    PlannedPurchase,
)
from dla.models import Accompaniment, Prestation
from iae_portal.api.models import Deletion
from iae_portal.audit.models import AuditEntry
from tests.structures.factories import make_siret
from utilite.enums import ReportStatus

# More than the largest page (100): a page of 100 is full whatever the world holds, and a
# list of pages of 25 ends with a short one (LIST_ROWS is no multiple of 25).
LIST_ROWS = 103


def clone(sources, count=LIST_ROWS, **vary):
    """``count`` copies of ``sources`` (one object or several, taken in turn), saved with
    one ``bulk_create``; ``vary``: field → value, or function of the copy's number. Unique
    UUIDs are drawn anew."""
    sources = sources if isinstance(sources, list | tuple) else [sources]
    model = type(sources[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    copies = []
    for n, source in zip(range(count), itertools.cycle(sources), strict=False):
        values = {f.attname: getattr(source, f.attname) for f in fields}
        values.update(
            {
                f.attname: uuid.uuid4()
                for f in fields
                if f.unique and f.get_internal_type() == "UUIDField"
            }
        )
        values.update(
            {name: value(n) if callable(value) else value for name, value in vary.items()}
        )
        copies.append(model(**values))
    return model.objects.bulk_create(copies)


class ListRows:
    def __init__(self, world):
        self.world = world

    # -- Structures -----------------------------------------------------------------------

    @cached_property
    def structures(self):
        """Copies of structure A (Meurthe-et-Moselle): the region's staff, the directory's
        readers and every API client but the other département's see them."""
        return clone(
            self.world.structure["a"],
            siret=lambda n: make_siret(880_000 + n),
            name=lambda n: f"Structure en liste {n:03d}",
        )

    @cached_property
    def activities(self):
        """Each copied structure plasters, as lot a asks (clauses' matching)."""
        code = self.world.activity["a"]
        return clone(code, structure_id=lambda n: self.structures[n].pk)

    @cached_property
    def projects(self):
        projects = clone(
            self.world.project["a"],
            name=lambda n: f"Groupement en liste {n:03d}",
            department_id=self.world.structure["a"].department_id,
        )
        member = self.world.project["a"].members.first()
        clone(member, project_id=lambda n: projects[n].pk)
        return projects

    # -- Aid dossiers ---------------------------------------------------------------------

    @cached_property
    def dossiers(self):
        """Copies of A's deposited and notified dossiers (its director's; in the instruction
        queue, its own or closed), as many of each as a list holds."""
        sources = [self.world.deposited["a"], self.world.notified["a"]]
        return clone(
            sources,
            2 * LIST_ROWS,
            reference=lambda n: f"LISTE-{n:04d}",
            instructor_id=self.world.users["ins"].pk,
        )

    @cached_property
    def financing_plans(self):
        plans = clone(
            self.world.plan["a"],
            dossier_id=lambda n: self.dossiers[n].pk,
            updated_by_id=self.world.users["adm"].pk,
        )
        line = self.world.plan["a"].lines.first()
        clone(line, plan_id=lambda n: plans[n].pk)
        return plans

    @cached_property
    def opinion_requests(self):
        """Copies of the partner's request on A's dossier, each on a copied dossier; one
        in three withdrawn."""
        now, staff = timezone.now(), self.world.users["adm"].pk
        return clone(
            self.world.opinion_request["a"],
            dossier_id=lambda n: self.dossiers[n].pk,
            withdrawn_at=lambda n: now if n % 3 == 0 else None,
            withdrawn_by_id=lambda n: staff if n % 3 == 0 else None,
        )

    @cached_property
    def notifications(self):
        """Unread notifications of A's director, each about a copied dossier."""
        now = timezone.now()
        return Notification.objects.bulk_create(
            Notification(
                user=self.world.director["a"],
                dossier=self.dossiers[n],
                subject=f"Dossier {self.dossiers[n].reference}",
                body="Votre dossier a changé d'état.",
                created_at=now - datetime.timedelta(minutes=n),
            )
            for n in range(LIST_ROWS)
        )

    @cached_property
    def campaigns(self):
        return clone(self.world.campaign, name=lambda n: f"Appel en liste {n:03d}")

    @cached_property
    def schemes(self):
        scheme = self.world.campaign.scheme
        return clone(scheme, code=lambda n: f"{scheme.code[:40]}-l{n:03d}")

    # -- DLA ------------------------------------------------------------------------------

    @cached_property
    def accompaniments(self):
        source = self.world.accompaniment["a"]
        accompaniments = clone(source, ref=lambda n: f"{source.ref[:40]}-L{n:03d}")
        through = Accompaniment.structures.through
        links = through.objects.filter(accompaniment=source)
        for link in links:
            clone(link, accompaniment_id=lambda n: accompaniments[n].pk)
        return accompaniments

    @cached_property
    def prestations(self):
        source = self.world.prestation["a"]
        prestations = clone(source, ref=lambda n: f"{source.ref[:40]}-L{n:03d}")
        for field in Prestation._meta.many_to_many:
            through = getattr(Prestation, field.name).through
            column = f"{Prestation._meta.model_name}_id"
            for link in through.objects.filter(**{column: source.pk}):
                clone(link, **{column: lambda n: prestations[n].pk})
        return prestations

    # -- Social clauses -------------------------------------------------------------------

    @cached_property
    def marches(self):
        source = self.world.marche["a"]
        return clone(source, ref=lambda n: f"{source.ref}-L{n:03d}")

    @cached_property
    def lots(self):
        """Lots like lot a (plastering, offered, facilitator 1), one per copied contract."""
        return clone(self.world.lot["a"], marche_id=lambda n: self.marches[n].pk)

    @cached_property
    def hours(self):
        return clone(self.world.hours["a"], participant_ref=lambda n: f"P-LISTE-{n:03d}")

    @cached_property
    def interests(self):
        """Structures like A say « intéressé » for lot a."""
        return clone(self.world.interest["a"], structure_id=lambda n: self.structures[n].pk)

    @cached_property
    def purchases(self):
        """Planned purchases of facilitator 1 this year (the list's default), each become
        one of the copied contracts."""
        lot = self.world.lot["a"]
        buyer = self.world.marche["a"].buyer
        return PlannedPurchase.objects.bulk_create(
            PlannedPurchase(
                buyer=buyer,
                year=timezone.localdate().year,
                object=f"Achat prévu en liste {n:03d}",
                type="travaux",
                estimated_amount_ht=200_000,
                launch_quarter=1 + n % 4,
                clause="condition_execution",
                hours_planned=300,
                facilitator_id=lot.facilitator_id,
                marche=self.marches[n],
            )
            for n in range(LIST_ROWS)
        )

    @cached_property
    def agreements(self):
        lot = self.world.lot["a"]
        buyer = self.world.marche["a"].buyer
        agreements = PartnershipAgreement.objects.bulk_create(
            PartnershipAgreement(
                facilitator_id=lot.facilitator_id,
                title=f"Convention en liste {n:03d}",
                start_date=datetime.date(2025, 1, 1),
                end_date=datetime.date(2026, 12, 31),
                hours_objective=1000,
                created_by=self.world.users["adm"],
            )
            for n in range(LIST_ROWS)
        )
        through = PartnershipAgreement.buyers.through
        through.objects.bulk_create(
            through(partnershipagreement_id=a.pk, buyer_id=buyer.pk) for a in agreements
        )
        return agreements

    # -- Social utility, the journal, the deletions feed ----------------------------------

    @cached_property
    def social_reports(self):
        """Submitted reports of the copied structures, by A's director, one in two
        validated by the administrator."""
        world = self.world
        return clone(
            world.social_submitted["a"],
            structure_id=lambda n: self.structures[n].pk,
            submitted_by_id=world.director["a"].pk,
            status=lambda n: ReportStatus.VALIDE if n % 2 else ReportStatus.SOUMIS,
            validated_at=lambda n: timezone.now() if n % 2 else None,
            validated_by_id=lambda n: world.users["adm"].pk if n % 2 else None,
        )

    @cached_property
    def audit_entries(self):
        return clone(list(AuditEntry.objects.order_by("pk")[:LIST_ROWS]))

    @cached_property
    def deletions(self):
        return Deletion.objects.bulk_create(
            Deletion(
                type="structure",
                object_id=str(uuid.uuid4()),
                department="54",
                region="44",
                structure=str(self.world.structure["a"].uuid),
            )
            for _ in range(LIST_ROWS)
        )
