"""Throttling of the pages anyone can post to without an account.

Logins: django-axes (how an attempt is keyed, the French lockout page). Password reset
requests: counted here in the cache, per client address and per e-mail address asked
for, so that the form can neither flood one person's mailbox nor be scripted through
many addresses.
"""

import hashlib

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.shortcuts import render

from .emails import comparable_email
from .forms import PasswordResetForm


def login_username(request, credentials=None):
    """The e-mail address tried, in the form addresses are compared
    (``emails.comparable_email``), so that every spelling the login accepts for an account
    (``Marie@Example.org``, ``marie@example.org``…) counts against that account."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username")
    return comparable_email(value)


def lockout_response(request, original_response=None, credentials=None):
    """429 with the French page saying how long to wait."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/lockout.html", {"minutes": minutes}, status=429)


def allow(scope, key, limit, window):
    """Count one request of ``key`` in ``scope``; whether it stays within ``limit`` per
    ``window`` seconds (a fixed window starting at the first request)."""
    name = f"throttle:{scope}:{hashlib.sha256(key.encode()).hexdigest()}"
    cache.add(name, 0, window)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, window)
        count = 1
    return count <= limit


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view, with at most ``IAE_PASSWORD_RESET_PER_ADDRESS`` requests an hour for
    one e-mail address and, when set, ``IAE_PASSWORD_RESET_PER_CLIENT`` from one client.
    Beyond, a 429 page says when to try again, whether the address has an account or not
    (the answer must not tell). A client over its limit counts against no address, so it
    cannot use up other people's requests. The address is counted in the form addresses
    are compared (``emails.comparable_email``), the form in which the lookup finds the
    account: every spelling that reaches one mailbox shares one count."""

    WINDOW = 3600
    form_class = PasswordResetForm

    def post(self, request, *args, **kwargs):
        per_client = settings.IAE_PASSWORD_RESET_PER_CLIENT
        email = comparable_email(request.POST.get("email"))
        allowed = not per_client or allow(
            "reset-client", get_client_ip_address(request) or "", per_client, self.WINDOW
        )
        if allowed and email:
            allowed = allow(
                "reset-address", email, settings.IAE_PASSWORD_RESET_PER_ADDRESS, self.WINDOW
            )
        if not allowed:
            response = render(
                request, "registration/password_reset_throttled.html", {"minutes": 60}, status=429
            )
            response["Retry-After"] = str(self.WINDOW)
            return response
        return super().post(request, *args, **kwargs)
