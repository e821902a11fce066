"""The login's backend: Django's ``ModelBackend``, whose user of a session (every request
of a signed-in person) is read by a statement compiled once (``iae_portal.compiled``)
instead of a queryset built and compiled at each request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from iae_portal import compiled

USER = compiled.Statement(lambda pk: get_user_model()._default_manager.filter(pk=pk))


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        """``ModelBackend.get_user``: the active user of this key, or ``None`` (also for
        what is not a key)."""
        try:
            key = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        found = USER(pk=key)
        if not found:
            return None
        user = found[0]
        return user if self.user_can_authenticate(user) else None
