from rest_framework import permissions

from .scope import client_of


class ClientScopePermission(permissions.BasePermission):
    """A read token reads; writing needs a write token. Views whose POST only computes
    (the simulator) say ``read_only_post = True``. Browser sessions: perms.py decide."""

    message = "Ce jeton est en lecture seule."
    code = "read_only_token"

    def has_permission(self, request, view):
        client = client_of(request)
        if client is None or request.method in permissions.SAFE_METHODS:
            return True
        if request.method == "POST" and getattr(view, "read_only_post", False):
            return True
        return client.can_write
