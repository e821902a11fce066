import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.text import capfirst

from ..filtering import FilterSet
from .labels import action_label
from .models import AuditEntry


def _object_type_choices():
    used = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
    types = ContentType.objects.filter(pk__in=used)
    return sorted(((ct.pk, capfirst(ct.name)) for ct in types), key=lambda choice: choice[1])


def _action_choices():
    actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    # Actions an app left unnamed share a label: the code tells them apart.
    return sorted(((action, action_label(action)) for action in actions), key=lambda c: c[1])


class AuditEntryFilter(FilterSet):
    object_type = django_filters.ChoiceFilter(
        label="Type d'objet", choices=_object_type_choices, empty_label="Tous"
    )
    action = django_filters.ChoiceFilter(
        label="Action", choices=_action_choices, empty_label="Toutes"
    )
    actor = django_filters.CharFilter(label="Auteur (nom ou adresse e-mail)", method="filter_actor")
    obj = django_filters.CharFilter(label="Objet (nom ou identifiant)", method="filter_obj")
    since = django_filters.DateFilter(
        label="Du",
        field_name="at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = django_filters.DateFilter(
        label="Au",
        field_name="at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = AuditEntry
        fields = ["object_type", "action", "actor", "obj", "since", "until"]

    def filter_actor(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(actor_label__icontains=value)
            | Q(actor__first_name__icontains=value)
            | Q(actor__last_name__icontains=value)
        )

    def filter_obj(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(object_repr__icontains=value) | queryset.filter(object_id=value)
