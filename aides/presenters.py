"""Turning parameters and results into French for the pages."""

import re
from decimal import Decimal

from django.conf import settings
from django.utils import formats

from iae_portal.users.enums import Role
from iae_portal.users.models import User
from structures.enums import StructureKind
from structures.models import Membership

from . import messages
from .enums import (
    Contract,
    Criterion,
    DocumentKind,
    DossierState,
    PositionFunction,
    PositionRole,
    TrainingType,
)
from .rules import params as P
from .rules.result import euros, pct
from .workflow import APPLICANT_LABELS, TRANSITIONS

CODE_LABELS = {}
for enum in (Contract, Criterion, PositionFunction, PositionRole, TrainingType, StructureKind):
    CODE_LABELS.update(enum.choices)


def format_value(param, value):
    if param.kind == P.RATE:
        return pct(value)
    if param.kind == P.RATES:
        return " ; ".join(f"année {i}: {pct(v)}" for i, v in enumerate(value, start=1))
    if param.kind == P.AMOUNT:
        return euros(value)
    if param.kind == P.AMOUNTS:
        return " ; ".join(euros(v) for v in value)
    if param.kind == P.YEARS:
        return f"{value} an{'s' if value > 1 else ''}"
    if param.kind in (P.KIND_LIST, P.CODES):
        return ", ".join(CODE_LABELS.get(v, v) for v in value) or "aucun"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}".replace(".", ",")
    return str(value)


def parameter_rows(scheme, version=None):
    values = scheme.parameters(version)
    return [
        (param.label, format_value(param, values[param.name])) for param in scheme.rule.PARAMETERS
    ]


def version_changes(spec, older, newer):
    """``[(label, old, new)]`` of the parameters that changed between two versions' stored
    values. A list of kinds or codes is a set (the form sends it in its own order), and a
    value is compared as it reads (``0.5`` and ``0.50`` are the same rate)."""
    old, new = P.clean(spec, older or {}), P.clean(spec, newer)
    rows = []
    for p in spec:
        before, after = old[p.name], new[p.name]
        if p.kind in (P.KIND_LIST, P.CODES):
            if set(before) == set(after):
                continue
            before, after = sorted(before), sorted(after)
        shown = (format_value(p, before), format_value(p, after))
        if shown[0] != shown[1]:
            rows.append((p.label, *shown))
    return rows


def document_labels(codes):
    labels = dict(DocumentKind.choices)
    return [labels.get(code, code) for code in codes]


def explained(result, parameters=None):
    """The contract output with French texts for reasons and exclusions; with the
    ``parameters`` used, a refused applicant kind names the kinds the scheme accepts."""
    reasons = [messages.reason_text(code) for code in result["reasons"]]
    if parameters and "applicant_kind" in result["reasons"]:
        kinds = ", ".join(CODE_LABELS.get(k, k) for k in parameters["applicant_kinds"])
        reasons[result["reasons"].index("applicant_kind")] += (
            f" Il est ouvert aux structures suivantes : {kinds}."
        )
    return {
        **result,
        "reason_texts": reasons,
        "excluded_texts": [
            (messages.ref_text(item["ref"]), messages.exclusion_text(item["reason"]))
            for item in result["excluded"]
        ],
    }


# -- A dossier's history, as its readers say it ----------------------------------------------

# Staff roles as an applicant reads them next to a name (the council's name follows).
STAFF_ROLE_WORDS = {
    "instructeur": "instruction",
    "chef_service": "chef de service",
    "lecteur": "élu ou partenaire",
}
# Events the applicant reads, besides the transitions that notify them: their own work.
APPLICANT_EVENTS = frozenset(
    {
        "dossier.create",
        "dossier.data",
        "dossier.document",
        "dossier.document_replace",
        "dossier.document_remove",
        "dossier.payment",
        "dossier.financing_plan",
    }
)
RAW_AMOUNT = re.compile(r"(?<![\d,])(\d+\.\d{2})(?= ?€)")


def money(amount):
    """``Decimal("43400")`` → ``"43 400,00 €"`` (French separators, no-break spaces)."""
    text = formats.number_format(Decimal(amount), 2, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0€"


def french_amounts(text):
    """Amounts written by Python (``"43400.00 €"``) in a stored text, in French."""
    return RAW_AMOUNT.sub(lambda m: money(m.group(1))[:-2], text)


class People:
    """Who did what on a dossier, as « First Last (role, organisation) », never an e-mail
    address: the structure's members by their role in it, staff by theirs at the council."""

    def __init__(self, dossier):
        self.structure = dossier.structure
        # Those ``perms.read_memberships`` read with the dossier, when it did.
        memberships = getattr(dossier, "structure_memberships", None)
        if memberships is None:
            memberships = Membership.objects.filter(structure=dossier.structure)
        self.roles = {m.user_id: m.get_role_display() for m in memberships}

    def __call__(self, user, recorded=""):
        member = (
            f"{self.roles[user.pk]}, {self.structure.name}"
            if user is not None and user.pk in self.roles
            else None
        )
        return person_label(user, recorded=recorded, member=member)


def person_label(user, *, recorded="", member=None):
    """« First Last (role, organisation) » of ``user``; ``member``: their role in the
    structure concerned, for members of structures; ``recorded``: the audit's label when
    the account is gone."""
    if user is None:
        return "le portail" if recorded in ("", "système") else "un compte supprimé"
    if user.role == Role.ADMIN or user.is_superuser:
        where = "administration du portail"
    elif user.role in STAFF_ROLE_WORDS:
        where = f"{STAFF_ROLE_WORDS[user.role]}, {settings.PORTAL_COUNCIL_NAME}"
    elif member:
        where = member
    else:
        where = Role(user.role).label if user.role in Role.values else ""
    name = user.get_full_name() or "compte sans nom"
    return f"{name} ({where})" if where else name


def _assigned_to(value):
    """The recorded instructor (a name, or an address in older entries) as a name."""
    if value and "@" in value:
        user = User.objects.filter(email=value).first()
        if user is None:
            return "un compte supprimé"
        return user.get_full_name() or "un compte sans nom"
    return value


def _document(recorded):
    """``"Devis : devis.pdf"`` (as the services record it) → ``"Devis (devis.pdf)"``."""
    kind, _, name = (recorded or "").partition(" : ")
    return f"{kind} ({name})" if name else kind


def _event(entry, *, staff):
    """``(sentence, details)`` of one entry, or ``None`` when its reader does not see it."""
    action, changes = entry.action, entry.changes if isinstance(entry.changes, dict) else {}
    name = action.removeprefix("dossier.")
    after = {key: value[1] for key, value in changes.items() if isinstance(value, list)}
    if name in TRANSITIONS:
        transition = TRANSITIONS[name]
        if not staff and not transition.notify_applicant:
            return None
        details = []
        if staff and after.get("proposed_amount"):
            details.append(f"Montant proposé : {money(after['proposed_amount'])}.")
        if after.get("voted_amount"):
            details.append(f"Montant voté : {money(after['voted_amount'])}.")
        if after.get("deliberation_number"):
            details.append(
                f"{after.get('commission') or 'Commission'}, délibération "
                f"n° {after['deliberation_number']}."
            )
        return transition.done, details
    if not staff and action not in APPLICANT_EVENTS:
        return None
    document = changes.get("document") or [None, None]
    if action == "dossier.create":
        return "Le dossier a été créé.", []
    if action == "dossier.data":
        details = []
        if after.get("computed_total") is not None:
            details.append(f"Montant calculé : {money(after['computed_total'])}.")
        if "requested_amount" in changes and after.get("requested_amount") is not None:
            details.append(f"Montant demandé : {money(after['requested_amount'])}.")
        if "title" in changes and after.get("title"):
            details.append(f"Intitulé : « {after['title']} ».")
        return "Les données du dossier ont été enregistrées.", details
    if action == "dossier.document":
        return f"Une pièce a été déposée : {_document(document[1])}.", []
    if action == "dossier.document_replace":
        kind, _, old = (document[0] or "").partition(" : ")
        new = (document[1] or "").partition(" : ")[2]
        return f"Une pièce a été remplacée : {kind}, {old} par {new}.", []
    if action == "dossier.document_remove":
        return f"Une pièce a été retirée : {_document(document[0])}.", []
    if action == "dossier.payment":
        sentences = []
        for key, (_, value) in changes.items():
            year = key.rsplit(" ", 1)[-1]
            text = french_amounts(value or "").replace("(", "(mandat ", 1)
            sentences.append(f"Un versement a été enregistré : année {year}, {text}.")
        return " ".join(sentences) or "Un versement a été enregistré.", []
    if action == "dossier.financing_plan":
        details = []
        if "financing_total_cost" in changes and after.get("financing_total_cost"):
            details.append(f"Coût total du projet : {money(after['financing_total_cost'])}.")
        details.extend(f"{line}." for line in after.get("financing_lines") or [])
        return "Le plan de financement a été enregistré.", details
    if action == "dossier.assign":
        instructor = _assigned_to(after.get("instructor"))
        if instructor:
            return f"Le dossier a été assigné à {instructor}.", []
        return "Le dossier n'est plus assigné à personne.", []
    return "Le dossier a été modifié.", []


def dossier_history(entries, dossier, *, staff):
    """The dossier's audit entries as its reader says them: when, who (name and role, never
    an address), what happened in a sentence, the states by their labels (the applicant's
    for the applicant), and the reason when its reader may read it. Staff read every entry;
    the applicant their own work and the steps they are notified of."""
    labels = dict(DossierState.choices) if staff else APPLICANT_LABELS
    person = People(dossier)
    events = []
    for entry in entries:
        said = _event(entry, staff=staff)
        if said is None:
            continue
        sentence, details = said
        state = entry.changes.get("state") if isinstance(entry.changes, dict) else None
        states = None
        if isinstance(state, list) and state[0] and state[1] in labels:
            states = (labels.get(state[0], state[0]), labels[state[1]])
        transition = TRANSITIONS.get(entry.action.removeprefix("dossier."))
        reason_seen = staff or (transition is not None and transition.notify_applicant)
        events.append(
            {
                "at": entry.at,
                "actor": person(entry.actor, entry.actor_label),
                "sentence": sentence,
                "states": states,
                "details": details,
                "reason": entry.reason if reason_seen else "",
            }
        )
    return events
