from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from iae_portal.audit.services import audit_entries_for
from iae_portal.charts import bar_chart
from iae_portal.pagination import PAGE_SIZES, page_size
from iae_portal.sections import structure_page
from iae_portal.users.models import User

from . import perms, services
from .filters import StructureFilter
from .forms import (
    ConventionForm,
    InvitationAccountForm,
    InvitationForm,
    StructureForm,
    YearlyFiguresForm,
)
from .models import (
    CollectiveProject,
    Convention,
    Invitation,
    Membership,
    NetworkAffiliation,
    ProjectMember,
    SharedPost,
    Structure,
    YearlyFigures,
)


def _structure_or_404(request, siret, *, edit=False):
    """The structure if ``request.user`` may see it (404 otherwise: its existence is not
    revealed); 403 when it is visible but ``edit`` is asked and not allowed."""
    structure = get_object_or_404(
        Structure.objects.select_related("department__region"), siret=siret
    )
    if not perms.can_view_structure(request.user, structure):
        raise Http404
    if edit and not perms.can_edit_structure(request.user, structure):
        raise PermissionDenied
    return structure


@login_required
def structure_list(request):
    filterset = StructureFilter(
        request.GET, queryset=perms.visible_structures(request.user).for_list()
    )
    page = Paginator(filterset.qs, page_size(request)).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "structures/structure_list.html",
        {
            "filter": filterset,
            "page": page,
            "page_sizes": PAGE_SIZES,
            "query": query.urlencode(),
            "can_create": perms.can_create_structure(request.user),
        },
    )


@login_required
def structure_detail(request, siret):
    structure = _structure_or_404(request, siret)
    figures = list(structure.figures.order_by("year"))
    can_view_members = perms.can_view_members(request.user, structure)
    context = {
        "structure": structure,
        "conventions": structure.conventions.all(),
        "affiliations": structure.affiliations.order_by("end_date", "network"),
        "figures": figures,
        "etp_chart": bar_chart(
            [(f.year, f.insertion_etp) for f in figures], label="ETP en insertion par année"
        ),
        "memberships": (
            structure.memberships.select_related("user").order_by("-is_active", "user__email")
            if can_view_members
            else None
        ),
        "projects": ProjectMember.objects.filter(structure=structure).select_related("project"),
        "can_edit": perms.can_edit_structure(request.user, structure),
        "can_manage_members": perms.can_manage_members(request.user, structure),
        # What other apps show of the structure (aid dossiers, DLA, clauses), each to those
        # its perms.py allows: they register their sections in iae_portal.sections.
        "page_sections": structure_page.render(request, structure),
        "history": (
            audit_entries_for(structure)[:20]
            if perms.can_view_history(request.user, structure)
            else None
        ),
    }
    return render(request, "structures/structure_detail.html", context)


@login_required
def structure_create(request):
    if not perms.can_create_structure(request.user):
        raise PermissionDenied
    form = StructureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        structure = _save_or_form_errors(
            form,
            lambda: services.structure_create(
                actor=request.user,
                data=form.service_data(),
                networks=form.cleaned_data["networks"],
            ),
        )
        if structure is not None:
            messages.success(request, f"La structure « {structure} » a été créée.")
            return redirect(structure)
    return render(request, "structures/structure_form.html", {"form": form, "structure": None})


@login_required
def structure_edit(request, siret):
    structure = _structure_or_404(request, siret, edit=True)
    current = list(
        NetworkAffiliation.objects.current()
        .filter(structure=structure)
        .values_list("network", flat=True)
    )
    form = StructureForm(
        request.POST or None,
        instance=structure,
        initial={"networks": current},
        can_change_siret=perms.can_change_siret(request.user),
    )
    if request.method == "POST" and form.is_valid():
        changes = _save_or_form_errors(
            form,
            lambda: services.structure_update(
                actor=request.user,
                structure=structure,
                data=form.service_data(),
                networks=form.cleaned_data["networks"],
            ),
        )
        if changes is not None:
            messages.success(
                request,
                "Modifications enregistrées." if changes else "Aucune modification à enregistrer.",
            )
            return redirect("structures:detail", siret=form.cleaned_data["siret"])
    return render(request, "structures/structure_form.html", {"form": form, "structure": structure})


def _save_or_form_errors(form, save):
    """Run ``save``; a model validation error becomes form errors and ``None``."""
    try:
        return save()
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None


def _sub_object_form(request, siret, *, form_class, model, lookup, save, instance_arg, title):
    structure = _structure_or_404(request, siret, edit=True)
    instance = get_object_or_404(model, structure=structure, **lookup) if lookup else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = _save_or_form_errors(
            form,
            lambda: save(
                actor=request.user,
                structure=structure,
                data=form.cleaned_data,
                **{instance_arg: instance},
            ),
        )
        if saved is not None:
            messages.success(request, "Enregistré.")
            return redirect(structure)
    return render(
        request,
        "structures/sub_form.html",
        {"form": form, "structure": structure, "title": title, "instance": instance},
    )


@login_required
def convention_form(request, siret, number=None):
    return _sub_object_form(
        request,
        siret,
        form_class=ConventionForm,
        model=Convention,
        lookup={"number": number} if number else None,
        save=services.convention_save,
        instance_arg="convention",
        title="Conventionnement",
    )


@login_required
def figures_form(request, siret, year=None):
    return _sub_object_form(
        request,
        siret,
        form_class=YearlyFiguresForm,
        model=YearlyFigures,
        lookup={"year": year} if year else None,
        save=services.figures_save,
        instance_arg="figures",
        title="Chiffres annuels",
    )


def _members_manager_or_404(request, siret):
    """The structure if ``request.user`` manages its members (404 when they may not see
    it, 403 when they see it without managing its members)."""
    structure = _structure_or_404(request, siret)
    if not perms.can_manage_members(request.user, structure):
        raise PermissionDenied
    return structure


@login_required
def members(request, siret):
    """The people attached to a structure and the invitations sent (pending, accepted,
    expired, withdrawn, refused), for those who manage its members."""
    structure = _members_manager_or_404(request, siret)
    return render(
        request,
        "structures/members.html",
        {
            "structure": structure,
            "memberships": structure.memberships.select_related("user").order_by(
                "-is_active", "user__email"
            ),
            "invitations": structure.invitations.select_related("invited_by", "accepted_by")[:200],
        },
    )


@login_required
def invitation_create(request, siret):
    """Invite someone by e-mail. The answer is the same whether an account uses the
    address or not, and whatever that account is: nothing here looks it up."""
    structure = _members_manager_or_404(request, siret)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user,
                structure=structure,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except services.TooManyInvitations as refused:
            form.add_error(None, refused.message)
            return render(
                request,
                "structures/invitation_form.html",
                {"form": form, "structure": structure},
                status=429,
            )
        messages.success(
            request,
            f"Une invitation a été envoyée à {invitation.email} : la personne rejoindra la "
            "structure en l'acceptant.",
        )
        return redirect("structures:members", siret=structure.siret)
    return render(
        request, "structures/invitation_form.html", {"form": form, "structure": structure}
    )


@login_required
@require_POST
def invitation_withdraw(request, siret, uuid):
    structure = _members_manager_or_404(request, siret)
    invitation = get_object_or_404(Invitation, uuid=uuid, structure=structure)
    if invitation.is_open:
        services.invitation_withdraw(actor=request.user, invitation=invitation)
        messages.success(request, f"L'invitation de {invitation.email} est retirée.")
    else:
        messages.info(request, f"L'invitation de {invitation.email} n'était plus en attente.")
    return redirect("structures:members", siret=structure.siret)


def invitation_accept(request, token):
    """The link of an invitation's e-mail, open to anyone holding it (it was sent to the
    invited mailbox): logged in with the invited address, a button accepts; without an
    account, a form creates it (the password chosen here) and accepts; with an account
    and not logged in, the login page leads back here."""
    invitation = Invitation.from_token(token)
    if invitation is None:
        raise Http404
    user = request.user if request.user.is_authenticated else None
    problem = services.invitation_problem(invitation, user)
    context = {
        "invitation": invitation,
        "problem": problem,
        "wrong_address": problem == services.WRONG_ADDRESS,
    }
    if problem is not None:
        return render(request, "structures/invitation_accept.html", context)
    if user is not None:
        if request.method == "POST":
            try:
                services.invitation_accept(invitation=invitation, user=user)
            except services.InvitationRefused as refused:
                context["problem"] = refused.message
                return render(request, "structures/invitation_accept.html", context)
            messages.success(
                request, f"Vous avez rejoint la structure «\u00a0{invitation.structure}\u00a0»."
            )
            return redirect(invitation.structure)
        return render(request, "structures/invitation_accept.html", context)
    accounts = User.objects.with_email(invitation.email)
    if accounts:
        context["has_account"] = True
        context["account_inactive"] = not any(account.is_active for account in accounts)
        return render(request, "structures/invitation_accept.html", context)
    form = InvitationAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept_with_new_account(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationRefused as refused:
            context["problem"] = refused.message
            return render(request, "structures/invitation_accept.html", context)
        login(request, user, backend="iae_portal.users.backends.UserBackend")
        messages.success(
            request,
            f"Votre compte est créé et vous avez rejoint la structure «\u00a0{invitation.structure}\u00a0».",
        )
        return redirect(invitation.structure)
    context["form"] = form
    return render(request, "structures/invitation_accept.html", context)


@login_required
@require_POST
def membership_deactivate(request, siret, uuid):
    structure = _structure_or_404(request, siret)
    if not perms.can_manage_members(request.user, structure):
        raise PermissionDenied
    membership = get_object_or_404(Membership, uuid=uuid, structure=structure)
    services.membership_deactivate(actor=request.user, membership=membership)
    messages.success(request, f"Le rattachement de {membership.user} est désactivé.")
    return redirect("structures:members", siret=structure.siret)


@login_required
def project_list(request):
    projects = (
        perms.visible_projects(request.user)
        .select_related("carrier", "department")
        .prefetch_related(
            Prefetch("members", queryset=ProjectMember.objects.select_related("structure"))
        )
        .order_by("name")
    )
    page = Paginator(projects, 25).get_page(request.GET.get("page"))
    return render(request, "structures/project_list.html", {"page": page})


@login_required
def project_detail(request, uuid):
    project = get_object_or_404(
        CollectiveProject.objects.select_related("carrier", "department"), uuid=uuid
    )
    if not perms.can_view_project(request.user, project):
        raise Http404
    return render(
        request,
        "structures/project_detail.html",
        {
            "project": project,
            "members": project.members.select_related("structure"),
            "posts": SharedPost.objects.filter(project=project)
            .select_related("host")
            .prefetch_related("splits__structure"),
        },
    )
