from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from structures.models import Structure

from . import perms, presenters, rules, services
from .forms import (
    SECTION_TITLES,
    ParametersForm,
    SchemeForm,
    SimulationForm,
    section_formsets,
    with_extra_row,
)
from .messages import bad_input_text
from .models import AidComputation, AidScheme, LetterSettings


def scheme_list(request):
    schemes = AidScheme.objects.active().order_by("origin_region", "name")
    return render(request, "aides/scheme_list.html", {"schemes": schemes})


def scheme_detail(request, code):
    scheme = get_object_or_404(AidScheme, code=code)
    context = {
        "scheme": scheme,
        "version": scheme.current_version,
        "parameters": presenters.parameter_rows(scheme),
        "documents": presenters.document_labels(scheme.required_documents),
        "can_change": perms.can_change_scheme(request.user),
    }
    if perms.can_view_scheme_history(request.user):
        versions = list(scheme.versions.select_related("created_by").order_by("number"))
        spec = scheme.rule.PARAMETERS
        context["versions"] = [
            (v, presenters.version_changes(spec, versions[i - 1].values if i else None, v.values))
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


def _structure_for(request):
    """The structure a logged-in user simulates for (``?structure=SIRET``), if allowed."""
    siret = request.GET.get("structure")
    if not siret or not request.user.is_authenticated:
        return None
    structure = Structure.objects.select_related("department").filter(siret=siret).first()
    if structure is None or not perms.can_simulate_for(request.user, structure):
        raise Http404
    return structure


def simulator(request):
    """Public: pick a scheme, fill only what its rule uses, read the answer in French."""
    schemes = list(AidScheme.objects.active().with_current_version().order_by("name"))
    by_code = {scheme.code: scheme for scheme in schemes}
    scheme = by_code.get(request.GET.get("dispositif", ""))
    structure = _structure_for(request)
    context = {"schemes": schemes, "scheme": scheme, "structure": structure}
    if scheme is None:
        return render(request, "aides/simulator.html", context)

    layout = scheme.rule.FORM
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
        try:
            if structure is not None:
                computation = services.computation_record(
                    actor=request.user, scheme=scheme, data=case, structure=structure
                )
                result, context["computation"] = computation.result, computation
            else:
                result = scheme.compute_amount(case).to_dict()
            context["result"] = presenters.explained(result, scheme.parameters())
        except rules.BadInput as error:
            form.add_error(None, bad_input_text(error))
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


class LetterSettingsForm(forms.ModelForm):
    class Meta:
        model = LetterSettings
        fields = [
            "council_name",
            "service_name",
            "address",
            "city",
            "signatory_name",
            "signatory_title",
            "payment_terms",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "payment_terms": forms.Textarea(attrs={"rows": 3}),
        }


@login_required
def letter_settings(request):
    """The letterhead and signatory of the council's letters (chef de service, admin)."""
    if not perms.can_change_scheme(request.user):
        raise PermissionDenied
    form = LetterSettingsForm(request.POST or None, instance=LetterSettings.current())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Paramètres des courriers enregistrés.")
        return redirect("aides:letter_settings")
    return render(request, "aides/letter_settings.html", {"form": form})
