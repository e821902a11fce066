from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .sections import home_page
from .users.roles import home_lead


@login_required
def home(request):
    """What the person has to act on: the sections each app registers for their role
    (``iae_portal.sections.home_page``)."""
    return render(
        request,
        "home/index.html",
        {"page_sections": home_page.render(request), "lead": home_lead(request.user)},
    )
