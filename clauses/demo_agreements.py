"""Demo data of the facilitators' partnership agreements (issue 19, part 5), added by
``clauses.demo``'s step: each demo facilitator has an agreement over last year and this one
with the buyers whose lots it follows, its objective near the hours those lots require;
the quarters ended have their review held, with minutes (a small PDF), but the last one,
left to hold (the facilitator's home lists it).

Like the rest of the demo, rows are written directly (nobody acts, no journal); the minutes
are « unscanned » like every file made by no upload. Draws come from a generator of their
own: the rest of the demo is the same as without them."""

import datetime
import functools

from django.core.files.base import ContentFile
from django.db.models import Sum
from django.utils import timezone
from django.utils.html import escape

from iae_portal.pdf import html_to_pdf
from iae_portal.users.models import User

from . import partnership
from .models import Lot, PartnershipAgreement, QuarterlyReview, ReviewMinutes

DEMO_FACILITATOR_EMAIL = "facilitateur@demo.iae.fr"
DEMO_OFFICER_EMAIL = "instructeur@demo.iae.fr"
PARTNERS = ["Pôle emploi – France Travail", "Mission locale", "Fédération du BTP", "Cap emploi"]
ATTENDEES = ["Chargée de mission clauses", "Représentant de l'acheteur", "Conseillère emploi"]
MINUTES_HTML = (
    '<html lang="fr"><body><h1>Compte rendu de revue trimestrielle</h1><p>{title} — {quarter}</p>'
    "<p>Document de démonstration du portail IAE.</p></body></html>"
)


def seed(rng, demo, *, today):
    """An agreement for each of ``demo``'s facilitators (``clauses.demo.ClausesDemo``) with
    its reviews; returns the agreements."""
    users = {
        u.email: u
        for u in User.objects.filter(email__in=[DEMO_FACILITATOR_EMAIL, DEMO_OFFICER_EMAIL])
    }
    followed = _followed_buyers(demo)
    start = datetime.date(today.year - 1, 1, 1)
    end = datetime.date(today.year, 12, 31)
    agreements = []
    for index, facilitator in enumerate(demo.facilitators):
        buyers = followed.get(facilitator.pk, [])
        if not buyers:
            continue
        buyers = buyers[: rng.randint(2, 4)]
        # The demo facilitator writes its own; the clause officer the others (either one
        # when the other is missing).
        preferred = DEMO_FACILITATOR_EMAIL if index == 0 else DEMO_OFFICER_EMAIL
        writer = users.get(preferred) or next(iter(users.values()), None)
        required = (
            Lot.objects.filter(facilitator=facilitator, marche__buyer__in=[b.pk for b in buyers])
            .exclude(clause="none")
            .aggregate(hours=Sum("hours_required"))["hours"]
            or 0
        )
        agreement = PartnershipAgreement.objects.create(
            facilitator=facilitator,
            title=f"Convention {start.year}-{end.year} {buyers[0].name} et partenaires",
            partners="\n".join(rng.sample(PARTNERS, 2)),
            start_date=start,
            end_date=end,
            hours_objective=max(100, round(required * rng.choice([0.7, 0.8, 0.9]), -2)),
            objectives="Accompagner au moins 40 participants, dont un tiers de jeunes sans "
            "qualification ; 30 % de sorties en emploi durable.",
            created_by=writer,
        )
        agreement.buyers.set(buyers)
        _reviews(rng, agreement, today, writer)
        agreements.append(agreement)
    return agreements


def _followed_buyers(demo):
    """``{facilitator_id: [buyers]}``: the buyers of the lots with a clause each follows,
    the most followed first."""
    counts = {}
    for lot in demo.lots:
        if lot.has_clause and lot.facilitator_id:
            per = counts.setdefault(lot.facilitator_id, {})
            per[lot.marche.buyer] = per.get(lot.marche.buyer, 0) + 1
    return {
        f: sorted(per, key=lambda buyer: (-per[buyer], buyer.name)) for f, per in counts.items()
    }


def _reviews(rng, agreement, today, writer):
    ended = [
        (year, quarter)
        for year, quarter in partnership.agreement_quarters(
            agreement.start_date, agreement.end_date
        )
        if partnership.quarter_end(year, quarter) < today
    ]
    # The last quarter ended is left without its review.
    for year, quarter in ended[:-1]:
        end = partnership.quarter_end(year, quarter)
        review = QuarterlyReview.objects.create(
            agreement=agreement,
            year=year,
            quarter=quarter,
            held_on=end + datetime.timedelta(days=rng.randint(10, 25)),
            attendees="\n".join([agreement.facilitator.name, *ATTENDEES]),
            summary="Point sur les heures réalisées par lot ; relance des entreprises en "
            "retard ; candidats à présenter pour les lots à venir.",
            created_by=writer,
        )
        if writer is not None:
            content = _minutes_pdf(agreement.title, f"T{quarter} {year}")
            ReviewMinutes.objects.create(
                review=review,
                file=ContentFile(content, name="compte-rendu.pdf"),
                original_name=f"compte-rendu-{year}-T{quarter}.pdf",
                content_type="application/pdf",
                size=len(content),
                uploaded_by=writer,
                uploaded_at=timezone.make_aware(
                    datetime.datetime.combine(review.held_on, datetime.time(17))
                ),
            )


@functools.cache
def _minutes_pdf(title, quarter):
    return html_to_pdf(MINUTES_HTML.format(title=escape(title), quarter=quarter))


def reset():
    """Delete the agreements (they protect the facilitators the demo's reset deletes next)
    with their reviews and minutes' files."""
    for minutes in ReviewMinutes.objects.all():
        minutes.file.delete(save=False)
    PartnershipAgreement.objects.all().delete()
