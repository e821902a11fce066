"""The fast form renderer (iae_portal.form_renderer) writes exactly what Django's templates
write, for generated widgets, choices, values and attributes; what it does not handle goes
through the templates."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st

from iae_portal.form_renderer import FastWidgetsRenderer, RenderedOnce
from structures.models import Department

TEMPLATES, FAST = DjangoTemplates(), FastWidgetsRenderer()
text = st.text(alphabet=st.sampled_from("aé<>&\"' z0\u2028"), max_size=8)
labels = st.one_of(
    text,
    text.map(mark_safe),
    st.sampled_from([gettext_lazy("Tous"), gettext_lazy("Oui")]),
    st.integers(-2000, 2000),
    st.decimals(places=2, min_value=-(10**6), max_value=10**6, allow_nan=False),
)
values = st.one_of(text, st.integers(-5, 10**7), st.none(), st.booleans())
attr_values = st.one_of(text, st.booleans(), st.integers(0, 300), text.map(mark_safe))
attrs = st.dictionaries(st.sampled_from(["id", "class", "required", "aria-describedby", "min", "data-x"]), attr_values, max_size=4)  # fmt: skip
flat_choices = st.lists(st.tuples(values, labels), max_size=6)
choices = st.one_of(flat_choices, st.lists(st.tuples(text, flat_choices), max_size=3), flat_choices)
CHOICE_WIDGETS = [forms.Select, forms.SelectMultiple, forms.CheckboxSelectMultiple, forms.RadioSelect, forms.NullBooleanSelect]  # fmt: skip
INPUT_WIDGETS = [forms.TextInput, forms.NumberInput, forms.EmailInput, forms.HiddenInput, forms.CheckboxInput, forms.DateInput, forms.PasswordInput, forms.URLInput, forms.Textarea]  # fmt: skip


def both(widget, name, value, attributes):
    return (
        widget.render(name, value, attrs=attributes, renderer=TEMPLATES),
        widget.render(name, value, attrs=attributes, renderer=FAST),
    )


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CHOICE_WIDGETS), choices, st.one_of(values, st.lists(values, max_size=3)), attrs, text)  # fmt: skip
def test_choice_widgets_as_the_templates(widget_class, choice_list, value, attributes, name):
    if widget_class is forms.NullBooleanSelect:  # its own choices; one value (a key of them)
        widget, value = widget_class(), value if not isinstance(value, list) else None
    else:
        widget = widget_class(choices=choice_list)
    expected, fast = both(widget, name or "champ", value, attributes)
    assert fast == expected


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(INPUT_WIDGETS), values, attrs, text)
def test_inputs_as_the_templates(widget_class, value, attributes, name):
    expected, fast = both(widget_class(), name or "champ", value, attributes)
    assert fast == expected


def test_a_real_form_renders_the_same():
    class Form(forms.Form):
        kind = forms.MultipleChoiceField(
            choices=[("aci", "ACI"), ("ei", "EI & co")], widget=forms.CheckboxSelectMultiple
        )
        when = forms.DateField(required=False)
        size = forms.ChoiceField(choices=[(25, 25), (100, 100)])
        name = forms.CharField(max_length=20, help_text="Aide <b>sûre</b>")

    data = {"kind": ["ei"], "size": "100", "name": '<script>"x"</script>'}
    assert str(Form(data, renderer=FAST)) == str(Form(data, renderer=TEMPLATES))
    assert str(Form(renderer=FAST)) == str(Form(renderer=TEMPLATES))


def test_other_templates_go_through_the_templates():
    widget = forms.SplitDateTimeWidget()
    expected, fast = both(widget, "quand", None, {"id": "id_quand"})
    assert fast == expected and "<input" in fast


def test_common_widgets_need_no_template(monkeypatch):
    def no_template(*args, **kwargs):
        raise AssertionError("rendered through a template")

    monkeypatch.setattr(DjangoTemplates, "render", no_template)
    widgets = [
        forms.Select(choices=[("a", "A"), ("Groupe", [("b", "B")])]),
        forms.CheckboxSelectMultiple(choices=[("a", gettext_lazy("Oui"))]),
        forms.RadioSelect(choices=[("a", "A")]),
        forms.TextInput(),
        forms.CheckboxInput(),
        forms.Textarea(),
    ]
    for widget in widgets:
        assert 'name="champ"' in widget.render("champ", "a", renderer=FAST)


class Styled(forms.Form):
    """Every path of the form's templates: fieldsets (lists of boxes), hidden fields, help,
    a field without label, rows' classes, errors of fields and of the form."""

    required_css_class, error_css_class = "obligatoire", "erreur"
    kind = forms.MultipleChoiceField(
        choices=[("aci", "ACI"), ("ei", "EI & co")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Plusieurs <i>choix</i>",
    )
    name = forms.CharField(max_length=5, label="Nom ?", help_text="court")
    bare = forms.CharField(label="", required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Tout est <faux>")


form_data = st.fixed_dictionaries(
    {},
    optional={
        "kind": st.lists(st.sampled_from(["aci", "ei", "x"]), max_size=2),
        "name": text,
        "bare": text,
        "secret": text,
        "token": text,
    },
)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.none(), form_data), st.sampled_from([None, "", " :"]))
def test_forms_as_the_templates(data, suffix):
    def render(renderer):
        return str(Styled(data, renderer=renderer, label_suffix=suffix))

    assert render(FAST) == render(TEMPLATES)


def test_only_hidden_fields_as_the_templates():
    class Hidden(forms.Form):
        token = forms.CharField(widget=forms.HiddenInput)

    for data in (None, {}, {"token": "x"}):
        assert str(Hidden(data, renderer=FAST)) == str(Hidden(data, renderer=TEMPLATES))


def test_a_valid_form_needs_no_template(monkeypatch):
    class Form(forms.Form):
        kind = forms.MultipleChoiceField(
            choices=[("aci", "ACI")], widget=forms.CheckboxSelectMultiple, help_text="Aide"
        )
        name = forms.CharField(required=False)
        token = forms.CharField(widget=forms.HiddenInput, required=False)

    form = Form({"kind": ["aci"]}, renderer=FAST)
    form.is_valid()
    monkeypatch.setattr(DjangoTemplates, "render", lambda *args, **kwargs: 1 / 0)
    assert 'name="kind"' in str(form)


ONCE = {
    widget_class: type(f"Once{widget_class.__name__}", (RenderedOnce, widget_class), {})
    for widget_class in CHOICE_WIDGETS
}


def _rendered_once(widget_class):
    return ONCE[widget_class]


RENDERING = ("widget", "choices", "value", "attrs", "name", "language")
renderings = st.fixed_dictionaries(
    {
        "widget": st.sampled_from(CHOICE_WIDGETS[:4]),
        "choices": choices | st.just([(1234, 1234), ("b", "B")]),
        "value": st.one_of(values, st.lists(values, max_size=3)),
        "attrs": attrs,
        "name": st.sampled_from(["etat", "kind"]),
        "language": st.sampled_from(["fr-fr", "en"]),
    }
)


@settings(max_examples=200, deadline=None)
@given(renderings, st.lists(st.tuples(st.sampled_from(RENDERING), renderings), max_size=8))
def test_a_choice_widget_rendered_once_renders_what_the_widget_renders(first, changes):
    """A rendering, then others that each change one thing of it (an option, the value,
    an attribute, the name, the language…) or nothing: each gives what the plain widget
    gives."""
    RenderedOnce._rendered.clear()
    for rendering in [first] + [{**first, part: other[part]} for part, other in changes]:
        widget_class, choice_list = rendering["widget"], rendering["choices"]
        name, value, attributes = rendering["name"], rendering["value"], rendering["attrs"]
        with translation.override(rendering["language"]):
            expected = widget_class(choices=choice_list).render(name, value, attributes, FAST)
            once = _rendered_once(widget_class)(choices=choice_list)
            assert once.render(name, value, attributes, FAST) == expected


def test_a_choice_widget_rendered_once_is_kept():
    RenderedOnce._rendered.clear()
    widget = _rendered_once(forms.Select)(choices=[("a", gettext_lazy("Tous"))])
    first = widget.render("x", "a", {"id": "id_x"}, FAST)
    assert len(RenderedOnce._rendered) == 1
    assert widget.render("x", "a", {"id": "id_x"}, FAST) is first
    widget.render("x", "a", {"id": "id_y"}, FAST)
    assert len(RenderedOnce._rendered) == 2


def test_the_same_text_meaning_something_else_is_rendered_again():
    """A label safe or not, a number or its digits: the same text, another rendering."""
    RenderedOnce._rendered.clear()
    select = _rendered_once(forms.Select)
    for label in ("<b>1234</b>", mark_safe("<b>1234</b>"), "1234", 1234):
        with translation.override("fr-fr"):
            expected = forms.Select(choices=[("v", label)]).render("x", None, {}, FAST)
            assert select(choices=[("v", label)]).render("x", None, {}, FAST) == expected


def test_what_the_key_cannot_hold_renders_as_usual_and_is_not_kept():
    """A date (its text follows the time zone) or an object as a label renders as the
    plain widget does, every time; a list is not a tuple in an attribute."""
    select = _rendered_once(forms.Select)
    for label in (datetime.date(2026, 12, 7), object()):
        expected = forms.Select(choices=[("v", label)]).render("x", None, {}, FAST)
        assert select(choices=[("v", label)]).render("x", None, {}, FAST) == expected
    assert RenderedOnce._rendered == {}
    for value in (["a"], ("a",)):
        expected = forms.Select(choices=[("a", "A")]).render("x", None, {"data-x": value}, FAST)
        assert select(choices=[("a", "A")]).render("x", None, {"data-x": value}, FAST) == expected


@pytest.mark.django_db
def test_a_queryset_s_options_are_read_as_often_as_by_the_plain_widget(
    django_assert_num_queries, grand_est
):
    """No query more than the plain widget (one: the options; no count of them); a
    change of an option shows at once."""

    def form(widget_class):
        class Form(forms.Form):
            department = forms.ModelChoiceField(
                queryset=Department.objects.filter(region=grand_est), widget=widget_class
            )

        return Form()

    RenderedOnce._rendered.clear()
    with django_assert_num_queries(1):
        expected = str(form(forms.Select)["department"])
    for _ in range(2):
        with django_assert_num_queries(1):
            assert str(form(_rendered_once(forms.Select))["department"]) == expected
    assert '<option value="57">' in expected
    Department.objects.filter(code="57").update(name="Moselle (renommée)")
    assert "Moselle (renommée)" in str(form(_rendered_once(forms.Select))["department"])
