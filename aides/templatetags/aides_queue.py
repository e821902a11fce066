"""``{% queue_rows %}``: the instruction queue's rows (``aides/staff/queue.html``), written in
Python, from plain values (``aides.views.staff.QueueRow``: reading six models a row cost four
times as much as reading its values). Each row was a dozen template lookups and filters,
twenty-five to a hundred rows a page: rendering them cost more than the rest of the page.
The HTML is byte for byte what the template wrote from the dossiers
(``tests/aides/test_queue_rows.py`` renders both): each value goes through the filter the
template named and ``render_value_in_context`` as a ``{{ }}`` does, but amounts
(``iae_portal.amounts``) and dates, written directly."""

from datetime import datetime
from html import escape

from django import template
from django.template.base import render_value_in_context
from django.template.defaultfilters import date, pluralize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language

from iae_portal import links
from iae_portal.amounts import AmountFormat
from iae_portal.users.models import User
from structures.models import Structure

from ..models import AidScheme, Campaign, Dossier

register = template.Library()

# The row of ``queue.html`` before it moved here, for the test that compares both.
ROW_TEMPLATE = """{% load l10n %}
        <tr>
          {% if selectable %}<td><input type="checkbox" name="dossier" value="{{ d.uuid }}:{{ d.version|unlocalize }}" id="sel-{{ d.uuid }}" {% if select_all %}checked{% endif %}><label for="sel-{{ d.uuid }}" class="sr-only">Sélectionner le dossier {{ d.reference }}</label></td>{% endif %}
          <td class="nowrap"><a href="{{ d.get_absolute_url }}">{{ d.reference }}</a></td>
          <td><a href="{{ d.structure.get_absolute_url }}">{{ d.structure.name }}</a><br><span class="muted"><abbr title="{{ d.structure.get_kind_display }}">{{ d.structure.kind_short }}</abbr> · <abbr title="{{ d.structure.department.name }}">{{ d.structure.department.code }}</abbr></span></td>
          <td>{{ d.campaign.scheme.name }}<br><span class="muted">{{ d.campaign.label_under_scheme }}</span></td>
          <td><span class="badge">{{ d.get_state_display }}</span></td>
          <td>{{ d.instructor|default:"—" }}</td>
          <td class="num nowrap">{% if d.requested_amount is not None %}{{ d.requested_amount|floatformat:"2g" }}&nbsp;€{% else %}—{% endif %}</td>
          <td class="num nowrap">{% if d.proposed_amount is not None %}{{ d.proposed_amount|floatformat:"2g" }}&nbsp;€{% else %}—{% endif %}</td>
          <td class="nowrap">{{ d.submitted_at|date:"d/m/Y"|default:"—" }}</td>
          <td class="nowrap">{% if d.opinions_asked %}{{ d.opinions_answered }}/{{ d.opinions_asked }} rendu{{ d.opinions_asked|pluralize }}{% if d.opinions_late %}<br><strong>{{ d.opinions_late }} en retard</strong>{% endif %}{% else %}—{% endif %}</td>
        </tr>
      """


# The texts rows share (a state's label, a kind's, a call's, an instructor's name), per
# language and escaping: asked of the models' own methods once per process and value (0.5
# ms a page of 25 rows when asked at each request, docs/performance.md). Forgotten all at
# once beyond so many (calls and names renamed leave their old texts behind).
_LABELS = {}
MAX_LABELS = 4096


# The columns' names as the queue's header (``queue.html``) writes them, which a phone shows
# before each cell when the rows stack as cards: the rows carry them (``data-label``, what
# ``scroll_table``'s ``label_cells`` would write from the header, 0.3 ms a page of 25 rows
# when found again in the HTML; tests/aides/test_queue_rows.py compares both).
SELECTION = "Sélection"
COLUMNS = (
    "Référence",
    "Structure (type, département)",
    "Dispositif et appel",
    "État",
    "Instructeur",
    "Demandé",
    "Proposé",
    "Dépôt",
    "Avis",
)


class _Row:
    """Writes rows (``aides.views.staff.QueueRow``: the page's plain values); what many
    rows share is asked once per value (``_LABELS``), of the models' own methods."""

    def __init__(self, context, selectable, select_all):
        self.context, self.selectable = context, selectable
        self.checked = "checked" if select_all else ""
        names = ((SELECTION,) if selectable else ()) + COLUMNS
        self.marks = [f' data-label="{conditional_escape(name)}"' for name in names]
        # What they write depends on the value, the language and the escaping only.
        self.labels = _LABELS.setdefault((get_language(), context.autoescape), {})
        if len(self.labels) > MAX_LABELS:
            self.labels.clear()
        self.dossier_url = links.with_key("aides:dossier_detail")
        self.structure_url = links.with_key("structures:detail")
        self.amount_format = AmountFormat()

    def amount(self, value):
        """``{{ value|floatformat:"2g" }}&nbsp;€``, or a dash."""
        return "—" if value is None else f"{self.amount_format(value)}&nbsp;€"

    def day(self, moment):
        """``{{ moment|date:"d/m/Y"|default:"—" }}``, in the current time zone."""
        if moment is None:
            return "—"
        moment = template_localtime(moment, self.context.use_tz)
        if type(moment) is datetime:
            return f"{moment.day:02d}/{moment.month:02d}/{moment.year:04d}"
        return escape(date(moment, "d/m/Y") or "—")

    def v(self, value):
        """``{{ value }}``: a text is only escaped (``render_value_in_context`` neither
        converts nor localizes one), anything else goes through it."""
        if type(value) is str:
            return escape(value)  # django.utils.html.escape's own, without its lazy wrapper
        return render_value_in_context(value, self.context)

    def _label(self, key, write):
        """``write()``, kept by the process under ``key``."""
        try:
            return self.labels[key]
        except KeyError:
            self.labels[key] = label = write()
            return label

    def state(self, value):
        return self._label(
            ("state", value), lambda: self.v(Dossier(state=value).get_state_display())
        )

    def kind(self, value):
        def write():
            structure = Structure(kind=value)
            return self.v(structure.get_kind_display()), self.v(structure.kind_short)

        return self._label(("kind", value), write)

    def campaign(self, name, scheme_name):
        def write():  # what label_under_scheme reads
            campaign = Campaign(name=name, scheme=AidScheme(name=scheme_name))
            return self.v(scheme_name), self.v(campaign.label_under_scheme)

        return self._label(("campaign", name, scheme_name), write)

    def instructor(self, email, first_name, last_name):
        if email is None:
            return "—"
        return self._label(
            ("instructor", email, first_name, last_name),
            lambda: self.v(str(User(email=email, first_name=first_name, last_name=last_name))),
        )

    def __call__(self, d):
        v = self.v
        marks = iter(self.marks)
        parts = ["\n        <tr>\n          "]
        if self.selectable:
            uuid = v(str(d.uuid))
            parts.append(
                f'<td{next(marks)}><input type="checkbox" name="dossier" '
                f'value="{uuid}:{v(str(d.version))}" id="sel-{uuid}" {self.checked}>'
                f'<label for="sel-{uuid}" class="sr-only">Sélectionner le dossier '
                f"{v(d.reference)}</label></td>"
            )
        reference, structure, campaign, state, person, asked, proposed, day, opinions = marks
        kind_name, kind_short = self.kind(d.structure_kind)
        scheme_name, campaign_label = self.campaign(d.campaign_name, d.campaign_scheme_name)
        instructor = self.instructor(
            d.instructor_email, d.instructor_first_name, d.instructor_last_name
        )
        parts.append(
            f'\n          <td{reference} class="nowrap"><a href="{v(self.dossier_url(d.uuid))}">'
            f"{v(d.reference)}</a></td>"
            f'\n          <td{structure}><a href="{v(self.structure_url(d.structure_siret))}">'
            f"{v(d.structure_name)}</a>"
            f'<br><span class="muted"><abbr title="{kind_name}">{kind_short}</abbr> · '
            f'<abbr title="{v(d.structure_department_name)}">'
            f"{v(d.structure_department_code)}</abbr></span></td>"
            f"\n          <td{campaign}>{scheme_name}<br>"
            f'<span class="muted">{campaign_label}</span></td>'
            f'\n          <td{state}><span class="badge">{self.state(d.state)}</span></td>'
            f"\n          <td{person}>{instructor}</td>"
            f'\n          <td{asked} class="num nowrap">{self.amount(d.requested_amount)}</td>'
            f'\n          <td{proposed} class="num nowrap">{self.amount(d.proposed_amount)}</td>'
            f'\n          <td{day} class="nowrap">{self.day(d.submitted_at)}</td>'
            f'\n          <td{opinions} class="nowrap">'
        )
        if d.opinions_asked:
            parts.append(
                f"{v(d.opinions_answered)}/{v(d.opinions_asked)} "
                f"rendu{v(pluralize(d.opinions_asked))}"
            )
            if d.opinions_late:
                parts.append(f"<br><strong>{v(d.opinions_late)} en retard</strong>")
        else:
            parts.append("—")
        parts.append("</td>\n        </tr>\n      ")
        return "".join(parts)


@register.simple_tag(takes_context=True)
def queue_rows(context, dossiers, selectable, select_all):
    """The ``<tr>`` of ``dossiers`` (``QueueRow``: a dossier's values with its opinion
    counts), as the loop of ``ROW_TEMPLATE`` over the dossiers they were read from, each
    cell with its column's name (``COLUMNS``)."""
    row = _Row(context, selectable, select_all)
    return mark_safe("".join(row(d) for d in dossiers))  # each value escaped by _Row.v
