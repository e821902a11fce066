"""How a request for an opinion reads on the pages: its state's label and badge, the summary
of a dossier's requests, the requests with their opinions (the dossier page's section, the
partner's home and pages)."""

from django.db.models import Prefetch, prefetch_related_objects

from .models import OpinionRequestState, PartnerOpinion

STATE_BADGES = {
    OpinionRequestState.PENDING: "",
    OpinionRequestState.LATE: "warning",
    OpinionRequestState.ANSWERED: "ok",
    OpinionRequestState.WITHDRAWN: "",
}


def read_opinions(requests):
    """Reads the opinions of ``requests`` (a list) and their attachments onto them (each
    request's ``opinions.all()``, newest last): nothing to read, no query."""
    prefetch_related_objects(
        requests,
        Prefetch(
            "opinions",
            queryset=PartnerOpinion.objects.select_related("author").prefetch_related(
                "attachments"
            ),
        ),
    )
    return requests


def state_of(opinion_request, today):
    state = opinion_request.state_on(today)
    return {"value": state, "label": state.label, "badge": STATE_BADGES[state]}


def _count(count, singular, plural):
    return f"{count} {singular if count <= 1 else plural}"


def opinion_summary(states):
    """« 3 demandes d'avis : 1 rendu, 1 en attente, 1 en retard » (withdrawn ones apart)."""
    counts = {state: states.count(state) for state in OpinionRequestState}
    asked = len(states) - counts[OpinionRequestState.WITHDRAWN]
    parts = [
        _count(counts[OpinionRequestState.ANSWERED], "rendu", "rendus"),
        f"{counts[OpinionRequestState.PENDING]} en attente",
        f"{counts[OpinionRequestState.LATE]} en retard",
    ]
    if counts[OpinionRequestState.WITHDRAWN]:
        parts.append(_count(counts[OpinionRequestState.WITHDRAWN], "retirée", "retirées"))
    return f"{_count(asked, 'avis demandé', 'avis demandés')} : {', '.join(parts)}."
