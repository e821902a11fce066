"""An audit entry as a person reads it, for the pages that show an object's history
(``{% load audit_labels %}``): ``entry|audit_action``, ``entry|audit_actor`` and
``entry|audit_changes`` (rows with ``label``, ``before``, ``after``, ``created``)."""

from django import template

from .. import labels

register = template.Library()


@register.filter
def audit_action(entry):
    return labels.action_label(entry.action)


@register.filter
def audit_actor(entry):
    return labels.actor_name(entry)


@register.filter
def audit_changes(entry):
    return labels.changes(entry)
