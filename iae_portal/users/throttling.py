"""Login throttling (django-axes): how an attempt is keyed, and the French lockout page."""

from django.conf import settings
from django.shortcuts import render


def login_username(request, credentials=None):
    """The e-mail address tried, as the account stores it (trimmed, lower case), so that
    ``Marie@Example.org`` and ``marie@example.org`` count as the same account."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username")
    return (value or "").strip().lower()


def lockout_response(request, original_response=None, credentials=None):
    """429 with the French page saying how long to wait."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/lockout.html", {"minutes": minutes}, status=429)
