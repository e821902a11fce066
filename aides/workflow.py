"""The dossier's life, declared as data: states, transitions, who may fire each, what the
applicant sees. ``services.dossier_transition`` is the only way to move a dossier.

Actors: ``applicant`` (an active director of the dossier's structure), ``instructor``
(regional staff who write, in scope), ``chef`` (the chef de service or an administrator,
who records commission decisions).
"""

from dataclasses import dataclass

from .enums import DossierState as S

APPLICANT, INSTRUCTOR, CHEF = "applicant", "instructor", "chef"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the button: what the actor does
    done: str  # the sentence once done: success message, history, notifications
    sources: tuple
    target: str
    actors: frozenset
    comment_required: bool = False
    notify_applicant: bool = True
    notify_instructor: bool = False


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("submit", "Déposer le dossier", "Le dossier a été déposé.", (S.BROUILLON,), S.DEPOSE, frozenset({APPLICANT}), notify_applicant=True, notify_instructor=True),
        Transition("start_instruction", "Commencer l'instruction", "L'instruction du dossier a commencé.", (S.DEPOSE,), S.EN_INSTRUCTION, frozenset({INSTRUCTOR, CHEF}), notify_applicant=True),
        Transition("request_documents", "Demander un complément", "Un complément a été demandé.", (S.DEPOSE, S.EN_INSTRUCTION), S.COMPLEMENT_DEMANDE, frozenset({INSTRUCTOR, CHEF}), comment_required=True),
        Transition("resubmit", "Renvoyer le dossier complété", "Le dossier complété a été renvoyé.", (S.COMPLEMENT_DEMANDE,), S.EN_INSTRUCTION, frozenset({APPLICANT}), notify_instructor=True),
        Transition("instruct", "Rendre l'avis d'instruction", "L'avis d'instruction a été rendu.", (S.EN_INSTRUCTION,), S.INSTRUIT, frozenset({INSTRUCTOR, CHEF}), notify_applicant=False),
        Transition("reopen", "Reprendre l'instruction", "L'instruction a été reprise.", (S.INSTRUIT,), S.EN_INSTRUCTION, frozenset({INSTRUCTOR, CHEF}), comment_required=True, notify_applicant=False),
        Transition("vote", "Enregistrer le vote de la commission", "Le vote de la commission a été enregistré.", (S.INSTRUIT,), S.VOTE, frozenset({CHEF})),
        Transition("refuse", "Enregistrer le refus de la commission", "Le refus de la commission a été enregistré.", (S.INSTRUIT,), S.REFUSE, frozenset({CHEF}), comment_required=True),
        Transition("notify", "Notifier la décision", "La décision a été notifiée.", (S.VOTE,), S.NOTIFIE, frozenset({INSTRUCTOR, CHEF})),
        Transition("start_payment", "Premier versement", "Le dossier est passé en paiement.", (S.NOTIFIE,), S.EN_PAIEMENT, frozenset({INSTRUCTOR, CHEF})),
        Transition("settle", "Solder le dossier", "Le dossier a été soldé.", (S.EN_PAIEMENT,), S.SOLDE, frozenset({INSTRUCTOR, CHEF})),
        Transition("declare_inadmissible", "Déclarer irrecevable", "Le dossier a été déclaré irrecevable.", (S.DEPOSE, S.EN_INSTRUCTION, S.COMPLEMENT_DEMANDE), S.IRRECEVABLE, frozenset({INSTRUCTOR, CHEF}), comment_required=True),
        Transition("withdraw", "Retirer le dossier", "Le dossier a été retiré.", (S.BROUILLON, S.DEPOSE, S.EN_INSTRUCTION, S.COMPLEMENT_DEMANDE, S.INSTRUIT), S.RETIRE, frozenset({APPLICANT}), notify_instructor=True),
        Transition("close", "Classer sans suite", "Le dossier a été classé sans suite.", (S.DEPOSE, S.EN_INSTRUCTION, S.COMPLEMENT_DEMANDE, S.INSTRUIT), S.SANS_SUITE, frozenset({INSTRUCTOR, CHEF}), comment_required=True),
    )
}  # fmt: skip

# What the applicant sees of each state: the instruction's opinion stays internal until the
# commission has voted.
APPLICANT_LABELS = {
    S.BROUILLON: "Brouillon (non déposé)",
    S.DEPOSE: "Déposé, en attente d'instruction",
    S.EN_INSTRUCTION: "En cours d'instruction",
    S.COMPLEMENT_DEMANDE: "Complément demandé : à vous de répondre",
    S.INSTRUIT: "En cours d'instruction",
    S.VOTE: "Aide votée par la commission",
    S.NOTIFIE: "Décision notifiée",
    S.EN_PAIEMENT: "En paiement",
    S.SOLDE: "Soldé",
    S.REFUSE: "Refusé par la commission",
    S.IRRECEVABLE: "Irrecevable",
    S.RETIRE: "Retiré",
    S.SANS_SUITE: "Classé sans suite",
}
# States where the applicant may change the dossier's data and documents.
APPLICANT_EDITABLE = frozenset({S.BROUILLON, S.COMPLEMENT_DEMANDE})
# States whose result the batch may compute again (issue 5).
COMPUTABLE = frozenset({S.BROUILLON, S.DEPOSE, S.EN_INSTRUCTION, S.COMPLEMENT_DEMANDE})
# States with an award letter: staff have it once voted, the applicant once notified.
LETTER_STATES = frozenset({S.VOTE, S.NOTIFIE, S.EN_PAIEMENT, S.SOLDE})
APPLICANT_LETTER_STATES = LETTER_STATES - {S.VOTE}
# Closed: states no transition leaves (refused, inadmissible, withdrawn, closed, settled).
TERMINAL = frozenset(S) - {source for t in TRANSITIONS.values() for source in t.sources}


def available(state, actors):
    """Transitions that ``actors`` may fire from ``state``."""
    return [t for t in TRANSITIONS.values() if state in t.sources and t.actors & actors]
