"""The bridge from a model's queryset to the access policy its app's ``perms.py`` declares.

Each app's ``perms.py`` decides who sees what: for an object kind, both the predicate
(``can_view_dossier(user, dossier)``) and the queryset filter (``visible_dossiers(user)``).
``perms.py`` imports the models, never the reverse; so that ``Model.objects.visible_to(user)``
still reads as the perms' filter, the app registers that filter here from its
``AppConfig.ready()``, and the model's queryset (``VisibleQuerySet``) asks for it::

    access.register_visibility(Dossier, perms.visible_dossiers)  # (user, queryset) → queryset

Code of the apps calls ``perms.visible_…`` directly; ``visible_to`` is for those who only
hold a queryset.
"""

from django.db import models

_VISIBILITY = {}


def register_visibility(model, visible):
    """``visible(user, queryset)``: the rows of ``queryset`` (of ``model``) ``user`` may see."""
    _VISIBILITY[model] = visible


class VisibleQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The rows ``user`` may see, as the app's ``perms.py`` decides."""
        try:
            visible = _VISIBILITY[self.model]
        except KeyError:
            raise LookupError(f"{self.model.__name__}: no access policy registered") from None
        return visible(user, self)
