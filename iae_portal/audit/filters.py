import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry


def _object_type_choices():
    used = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
    types = ContentType.objects.filter(pk__in=used)
    return sorted(((ct.pk, ct.name.capitalize()) for ct in types), key=lambda choice: choice[1])


def _action_choices():
    actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    return [(action, action) for action in actions]


class AuditEntryFilter(django_filters.FilterSet):
    object_type = django_filters.ChoiceFilter(
        label="Type d'objet", choices=_object_type_choices, empty_label="Tous"
    )
    action = django_filters.ChoiceFilter(
        label="Action", choices=_action_choices, empty_label="Toutes"
    )
    actor = django_filters.CharFilter(
        label="Auteur (adresse e-mail)", field_name="actor_label", lookup_expr="icontains"
    )
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

    def filter_obj(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(object_repr__icontains=value) | queryset.filter(object_id=value)
