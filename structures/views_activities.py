"""A structure's activities (NAF codes), edited by its director or staff who write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .forms_activities import ActivitiesForm
from .services_activities import activities_set
from .views import _structure_or_404


@login_required
def structure_activities(request, siret):
    structure = _structure_or_404(request, siret, edit=True)
    current = list(structure.activities.order_by("-is_main", "naf_code"))
    main = next((a.naf_code for a in current if a.is_main), "")
    form = ActivitiesForm(
        request.POST or None,
        initial={"codes": [a.naf_code for a in current], "main": main},
    )
    if request.method == "POST" and form.is_valid():
        changed = activities_set(
            actor=request.user,
            structure=structure,
            codes=form.cleaned_data["codes"],
            main=form.cleaned_data["main"],
        )
        messages.success(
            request,
            "Activités enregistrées." if changed else "Activités inchangées.",
        )
        return redirect(structure)
    return render(
        request,
        "structures/activities_form.html",
        {"structure": structure, "form": form, "current": current},
    )
