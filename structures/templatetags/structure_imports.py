"""The structures import's report (``structures/structure_import.html``)."""

from django import template

from iae_portal.audit.labels import labelled_changes
from structures.models import Structure

register = template.Library()


@register.filter
def import_changes(changes):
    """A planned update's ``{key: [before, after]}`` in French, as the journal writes the
    structure's changes (« Raison sociale », « Conventionnement N : début », 01/01/2026)."""
    return labelled_changes(Structure, changes)
