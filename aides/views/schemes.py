from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from structures.models import Structure

from .. import catalogue, perms, presenters, rules, services
from ..forms.applicant import directed_structures
from ..forms.letters import LetterSettingsForm
from ..forms.schemes import ParametersForm, SchemeCreateForm, SchemeForm
from ..forms.simulation import (
    SECTION_TITLES,
    FilingForm,
    SimulationForm,
    scheme_layout,
    section_formsets,
    with_extra_row,
)
from ..messages import bad_input_text
from ..models import AidComputation, AidScheme, Campaign, LetterSettings
from ..services.letter_settings import letter_settings_change
from ..services.schemes import scheme_create as create_scheme
from .applicant import step_url


def _region_context(schemes, region):
    """The region filter of the catalogue and the simulator: its choices with their counts."""
    return {
        "region": region,
        "region_name": catalogue.region_names().get(region),
        "region_choices": catalogue.region_choices(schemes, region),
    }


def scheme_list(request):
    """The public catalogue, filtered by region (the visitor's by default); under each
    scheme, its calls not closed yet, by their own name and dates."""
    current = Campaign.objects.filter(closes_on__gte=timezone.localdate()).order_by(
        "opens_on", "name"
    )
    schemes = list(
        AidScheme.objects.active()
        .prefetch_related(Prefetch("campaigns", queryset=current, to_attr="open_campaigns"))
        .order_by("name")
    )
    region = catalogue.chosen_region(request)
    shown = catalogue.in_region(schemes, region)
    rows = [
        (scheme, [(c.label_under_scheme, c) for c in scheme.open_campaigns]) for scheme in shown
    ]
    context = {
        "schemes": shown,
        "rows": rows,
        "can_create": perms.can_create_scheme(request.user),
        **_region_context(schemes, region),
    }
    return render(request, "aides/scheme_list.html", context)


def scheme_detail(request, code):
    scheme = get_object_or_404(AidScheme, code=code)
    context = {
        "scheme": scheme,
        "version": scheme.current_version,
        "parameters": presenters.parameter_rows(scheme),
        "documents": presenters.document_labels(scheme.required_documents),
        "funded": catalogue.funded(scheme),
        "region_name": catalogue.region_names().get(catalogue.region_code(scheme)),
        "can_change": perms.can_change_scheme(request.user),
        "can_open_call": perms.can_manage_campaigns(request.user),
    }
    if perms.can_view_scheme_history(request.user):
        versions = list(scheme.versions.select_related("created_by").order_by("number"))
        spec = scheme.rule.PARAMETERS
        context["versions"] = [
            (
                v,
                presenters.version_changes(spec, versions[i - 1].values if i else None, v.values),
                presenters.person_label(v.created_by) if v.created_by_id else None,
            )
            for i, v in enumerate(versions)
        ][::-1]
    return render(request, "aides/scheme_detail.html", context)


def _scheme_for_change(request, code):
    if not perms.can_change_scheme(request.user):
        raise PermissionDenied
    return get_object_or_404(AidScheme, code=code)


@login_required
def scheme_parameters(request, code):
    scheme = _scheme_for_change(request, code)
    form = ParametersForm(
        request.POST or None, rule_kind=scheme.rule_kind, current=scheme.parameters()
    )
    if request.method == "POST" and form.is_valid():
        version = services.scheme_parameters_change(
            actor=request.user,
            scheme=scheme,
            values=form.parameters,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, f"Paramètres enregistrés : version {version.number}.")
        return redirect(scheme)
    return render(
        request,
        "aides/scheme_form.html",
        {"scheme": scheme, "form": form, "title": "Modifier les paramètres"},
    )


@login_required
def scheme_edit(request, code):
    scheme = _scheme_for_change(request, code)
    initial = {field: getattr(scheme, field) for field in services.SCHEME_FIELDS}
    form = SchemeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.scheme_update(actor=request.user, scheme=scheme, data=form.cleaned_data)
        messages.success(request, "Dispositif enregistré.")
        return redirect(scheme)
    return render(
        request,
        "aides/scheme_form.html",
        {"scheme": scheme, "form": form, "title": "Modifier le dispositif"},
    )


# The two steps of « Nouveau dispositif », on one address (``etape`` of the POST).
TEXTS, PARAMETERS, CREATE, BACK = "texte", "parametres", "creer", "retour"


@login_required
def scheme_create(request):
    """« Nouveau dispositif » (chef de service, admin): its code, texts and rule kind
    among the registered ones, then that kind's parameters (its defaults to start with)
    and their reason, which make version 1. Nothing is written before the last step; the
    first step's answers travel with the second (hidden), checked again on creation."""
    if not perms.can_create_scheme(request.user):
        raise PermissionDenied
    posted = request.method == "POST"
    step = request.POST.get("etape", TEXTS) if posted else TEXTS
    region = catalogue.region_names().get(request.user.region_id)
    form = SchemeCreateForm(request.POST if posted else None, initial={"origin_region": region})
    parameters = None
    if posted and step in (PARAMETERS, CREATE) and form.is_valid():
        parameters = _parameters_form(form, request.POST if step == CREATE else None)
        if step == CREATE and parameters.is_valid():
            try:
                scheme = create_scheme(
                    actor=request.user,
                    data=form.scheme_data(),
                    parameters=parameters.parameters,
                    reason=parameters.cleaned_data["reason"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    target = form if field in form.fields else parameters
                    target.add_error(field if field in target.fields else None, errors)
                if form.errors:
                    parameters = None  # back to the first step, where the error is
            except rules.ParameterError as error:
                parameters.add_error(error.name, error.message)
            else:
                messages.success(
                    request,
                    f"Le dispositif « {scheme.name} » est créé, avec la version 1 de ses "
                    "paramètres. Ouvrez-lui un appel à candidatures pour recevoir des dossiers.",
                )
                return redirect(scheme)
    context = {"form": form, "parameters": parameters}
    if parameters is not None:
        context["summary"] = _scheme_summary(form)
    return render(request, "aides/scheme_create.html", context)


def _parameters_form(form, data):
    """The parameters of the chosen kind, its defaults shown; the reason proposed from
    the deliberation when one is given."""
    chosen = form.cleaned_data
    reference, day = chosen["legal_basis_reference"], chosen["legal_basis_date"]
    reason = f"Délibération {reference}" + (f" du {day:%d/%m/%Y}" if day else "")
    return ParametersForm(
        data,
        rule_kind=chosen["rule_kind"],
        current=rules.clean_parameters(chosen["rule_kind"], {}),
        reason_label="Motif (la délibération qui fixe ces paramètres)",
        initial={"reason": reason if reference else ""},
        prefix="param",
    )


def _scheme_summary(form):
    """The first step's answers as the second step recalls them, in French."""
    data = form.cleaned_data
    envelope = data["budget_envelope"]
    opening = " ".join(
        part
        for part in (
            f"du {data['active_from']:%d/%m/%Y}" if data["active_from"] else "",
            f"au {data['active_until']:%d/%m/%Y}" if data["active_until"] else "",
        )
        if part
    )
    basis = data["legal_basis_reference"] and " ".join(
        filter(
            None,
            (
                f"Délibération {data['legal_basis_reference']}",
                f"du {data['legal_basis_date']:%d/%m/%Y}" if data["legal_basis_date"] else "",
            ),
        )
    )
    return [
        ("Code", data["code"]),
        ("Nom du dispositif", data["name"]),
        ("Région d'origine", data["origin_region"]),
        ("Règle de calcul", form.rule_kind_label()),
        ("Base juridique", basis or "Non renseignée"),
        (
            "Pièces justificatives",
            ", ".join(presenters.document_labels(data["required_documents"])) or "Aucune",
        ),
        ("Enveloppe budgétaire", presenters.money(envelope) if envelope is not None else "—"),
        ("Ouverture", opening or "Sans limite de dates"),
    ]


def _structure_for(request):
    """The structure a logged-in user simulates for (``?structure=SIRET``), if allowed."""
    siret = request.GET.get("structure")
    if not siret or not request.user.is_authenticated:
        return None
    structure = Structure.objects.select_related("department").filter(siret=siret).first()
    if structure is None or not perms.can_simulate_for(request.user, structure):
        raise Http404
    return structure


def _filing_form(request, scheme, structure, kind):
    """The form carrying an eligible simulation into a new draft dossier, when the user
    directs a structure of the simulated kind and a call of the scheme is open; else None."""
    if not request.user.is_authenticated or kind not in scheme.eligible_kinds:
        return None
    structures = [
        s
        for s in directed_structures(request.user).select_related("department")
        if s.kind == kind and (structure is None or s.pk == structure.pk)
    ]
    structures = [s for s in structures if perms.can_create_dossier(request.user, s)]
    today = timezone.localdate()
    campaigns = list(
        scheme.campaigns.filter(opens_on__lte=today, closes_on__gte=today).order_by(
            "closes_on", "name"
        )
    )
    if not structures or not campaigns:
        return None
    data = request.POST if "deposer" in request.POST else None
    return FilingForm(
        data,
        structures=structures,
        campaigns=[(c, c.label_under_scheme) for c in campaigns],
        prefix="depot",
    )


def _file(request, scheme, filing, case):
    """Create the pre-filled draft (the dossier service); its first step, or None."""
    try:
        dossier = services.dossier_create(
            actor=request.user,
            structure=filing.cleaned_data["structure"],
            campaign=filing.cleaned_data["campaign"],
            title=filing.cleaned_data["title"] or scheme.name,
            data=case,
        )
    except (services.TransitionRefused, rules.BadInput) as error:
        filing.add_error(
            None, bad_input_text(error) if isinstance(error, rules.BadInput) else str(error)
        )
        return None
    messages.success(
        request,
        f"Le dossier {dossier.reference} a été créé avec les éléments de la simulation : "
        "vérifiez-les, puis complétez le dossier.",
    )
    return redirect(step_url(dossier, "donnees"))


def simulator(request):
    """Public: pick a scheme (the visitor's region first), fill only what its rule uses,
    read the answer in French; a director carries an eligible answer into a new dossier."""
    every = list(AidScheme.objects.active().with_current_version().order_by("name"))
    by_code = {scheme.code: scheme for scheme in every}
    scheme = by_code.get(request.GET.get("dispositif", ""))
    structure = _structure_for(request)
    if scheme is not None and "region" not in request.GET:
        region = catalogue.region_code(scheme) or catalogue.ALL
    elif structure is not None and "region" not in request.GET:
        region = structure.department.region_id
    else:
        region = catalogue.chosen_region(request)
    schemes = catalogue.in_region(every, region)
    if scheme not in schemes:
        scheme = None  # another region was just chosen: pick among its schemes
    context = {
        "schemes": schemes,
        "scheme": scheme,
        "structure": structure,
        **_region_context(every, region),
    }
    if scheme is None:
        return render(request, "aides/simulator.html", context)

    layout = scheme_layout(scheme)
    data = None
    if request.method == "POST":
        adding = request.POST.get("add_row")
        data = with_extra_row(request.POST, adding) if adding in SECTION_TITLES else request.POST
    form = SimulationForm(
        data, layout=layout, initial={"kind": structure.kind if structure else None}
    )
    formsets = section_formsets(layout, data)
    context.update(
        form=form,
        sections=[(name, SECTION_TITLES[name], fs) for name, fs in formsets.items()],
        version=scheme.current_version,
    )
    computing = data is not None and not request.POST.get("add_row")
    if computing and form.is_valid() and all(fs.is_valid() for fs in formsets.values()):
        case = form.case_data()
        for name, formset in formsets.items():
            case[name] = [f.item() for f in formset if f.has_changed()]
        filing = None
        try:
            if structure is not None and "deposer" not in request.POST:
                computation = services.computation_record(
                    actor=request.user, scheme=scheme, data=case, structure=structure
                )
                result, context["computation"] = computation.result, computation
            else:  # a dossier's data is computed and kept by the dossier itself
                result = scheme.compute_amount(case).to_dict()
            context["result"] = presenters.explained(result, scheme.parameters())
        except rules.BadInput as error:
            form.add_error(None, bad_input_text(error))
        else:
            if result["eligible"]:
                filing = _filing_form(request, scheme, structure, form.cleaned_data["kind"])
        if filing is not None and filing.is_bound and filing.is_valid():
            response = _file(request, scheme, filing, case)
            if response is not None:
                return response
        if filing is not None:
            # The filing form sends again the data as it was computed, not later edits.
            context["filing"], context["carried"] = (
                filing,
                [
                    (name, value)
                    for name in request.POST
                    if name not in ("csrfmiddlewaretoken", "deposer")
                    and not name.startswith("depot-")
                    for value in request.POST.getlist(name)
                ],
            )
    return render(request, "aides/simulator.html", context)


@login_required
def computation_detail(request, uuid):
    computation = get_object_or_404(
        AidComputation.objects.select_related("scheme", "version", "structure", "created_by"),
        uuid=uuid,
    )
    if not perms.can_view_computation(request.user, computation):
        raise Http404
    current = computation.scheme.current_version
    context = {
        "computation": computation,
        "result": presenters.explained(
            computation.result, computation.scheme.parameters(computation.version)
        ),
        "parameters": presenters.parameter_rows(computation.scheme, computation.version),
    }
    if current.pk != computation.version_id:
        context["current"] = current
        context["current_result"] = computation.recompute(current).to_dict()
    return render(request, "aides/computation_detail.html", context)


def _letter_settings_history():
    """Each version, newest first, with what it changed from the one before (label, old,
    new) and who made it (``None``: the portal's defaults, or before versions were kept)."""
    versions = list(LetterSettings.objects.select_related("created_by").order_by("number"))
    label = {f: LetterSettings._meta.get_field(f).verbose_name for f in LetterSettings.TEXT_FIELDS}
    rows = []
    for previous, version in zip([None, *versions], versions, strict=False):
        changes = []
        if previous is not None:
            before, after = previous.texts(), version.texts()
            changes = [
                (label[field].capitalize(), before[field] or "—", after[field] or "—")
                for field in LetterSettings.TEXT_FIELDS
                if before[field] != after[field]
            ]
        author = presenters.person_label(version.created_by) if version.created_by_id else None
        rows.append((version, changes, author))
    return rows[::-1]


@login_required
def letter_settings(request):
    """The letterhead, signatory and payment terms of the council's letters (chef de
    service, admin): each change a new version with its reason, journalled; the history
    below the form."""
    if not perms.can_change_scheme(request.user):
        raise PermissionDenied
    current = LetterSettings.current()
    form = LetterSettingsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            version = letter_settings_change(
                actor=request.user,
                values=form.values(),
                reason=form.cleaned_data["reason"],
                based_on=form.cleaned_data["based_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)  # a reason-less change, or a version saved meanwhile
        else:
            if version.number == current.number:
                messages.info(
                    request,
                    f"Aucun changement : les paramètres restent en version {current.number}.",
                )
            else:
                messages.success(
                    request, f"Paramètres des courriers enregistrés : version {version.number}."
                )
            return redirect("aides:letter_settings")
    return render(
        request,
        "aides/letter_settings.html",
        {"form": form, "current": current, "versions": _letter_settings_history()},
    )
