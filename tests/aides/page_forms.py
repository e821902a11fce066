"""Sending a page's form as a browser does, through the Django test client: the form is
found by its button's words, its fields keep what the page shows (hidden values, selected
options, ticked boxes, prefilled texts) unless the test types something else, and only a
field the page has can be filled, so a test walks the real forms, not guessed POSTs."""

import html
from html.parser import HTMLParser
from urllib.parse import urljoin

SKIPPED_INPUTS = {"submit", "button", "reset", "image"}


class Form:
    def __init__(self, attrs):
        self.action = attrs.get("action") or ""
        self.method = (attrs.get("method") or "get").lower()
        self.fields = {}  # name → list of values sent as the page stands
        self.kinds = {}  # name → input type, select or textarea
        self.choices = {}  # name → values the page offers (boxes, radios, options)
        self.buttons = []  # (words, name, value)

    def add(self, name, value, kind):
        self.fields.setdefault(name, [])
        if value is not None:
            self.fields[name].append(value)
        self.kinds[name] = kind


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.form = [], None
        self.select = self.option = self.textarea = self.button = None
        self.multiple = False
        self.links = []  # (words, href)
        self.link = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.link = [attrs["href"], ""]
        if tag == "form":
            self.form = Form(attrs)
            self.forms.append(self.form)
        if self.form is None:
            return
        name = attrs.get("name")
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in SKIPPED_INPUTS:
                if kind == "submit":
                    self.form.buttons.append((attrs.get("value", ""), name, attrs.get("value")))
                return
            if name is None or "disabled" in attrs:
                return
            if kind in ("checkbox", "radio"):
                self.form.choices.setdefault(name, []).append(attrs.get("value", "on"))
                self.form.add(name, attrs.get("value", "on") if "checked" in attrs else None, kind)
            elif kind == "file":
                self.form.add(name, None, kind)
            else:
                self.form.add(name, attrs.get("value", ""), kind)
        elif tag == "select" and name:
            self.select, self.multiple = name, "multiple" in attrs
            self.form.add(name, None, "select")
        elif tag == "option" and self.select:
            self.option = [attrs.get("value"), "", "selected" in attrs]
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "button" and (attrs.get("type") or "submit") == "submit":
            self.button = [attrs.get("name"), attrs.get("value", ""), ""]

    def handle_data(self, data):
        if self.option is not None:
            self.option[1] += data
        if self.textarea is not None:
            self.textarea[1] += data
        if self.button is not None:
            self.button[2] += data
        if self.link is not None:
            self.link[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self.link is not None:
            self.links.append((" ".join(self.link[1].split()), self.link[0]))
            self.link = None
        if tag == "option" and self.option is not None:
            value, words, selected = self.option
            value = words.strip() if value is None else value
            self.form.choices.setdefault(self.select, []).append(value)
            if selected:
                self.form.fields[self.select].append(value)
            self.option = None
        elif tag == "select" and self.select is not None:
            # Nothing selected: a single select sends its first option.
            first = self.form.choices.get(self.select) and not self.multiple
            if not self.form.fields[self.select] and first:
                self.form.fields[self.select].append(self.form.choices[self.select][0])
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.form.add(name, text.removeprefix("\n"), "textarea")
            self.textarea = None
        elif tag == "button" and self.button is not None:
            name, value, words = self.button
            self.form.buttons.append((" ".join(words.split()), name, value))
            self.button = None
        elif tag == "form":
            self.form = None


def parse(content):
    parser = _Parser()
    parser.feed(content if isinstance(content, str) else content.decode())
    return parser


def find_form(content, button):
    """The form whose submit button reads ``button`` (its words), and that button."""
    for form in parse(content).forms:
        for words, name, value in form.buttons:
            if words == button:
                return form, (name, value)
    raise AssertionError(f"No form with a button « {button} » on the page")


def link(content, words):
    """The address of the page's link reading ``words``."""
    for text, href in parse(content).links:
        if text == html.unescape(words):
            return href
    raise AssertionError(f"No link « {words} » on the page")


def submit(client, response, button, fields=None, *, follow=False):
    """Press ``button`` of the form of ``response`` (a page the client got), after typing
    ``fields`` ({name: value, or list of values for boxes and multiple selects, or a file}).
    A name the form lacks, or a value its boxes or options do not offer, fails the test."""
    form, (name, value) = find_form(response.content, button)
    data = {key: list(values) for key, values in form.fields.items()}
    for key, typed in (fields or {}).items():
        assert key in form.kinds, f"The form has no field {key!r}"
        values = typed if isinstance(typed, list | tuple) else [typed]
        offered = form.choices.get(key)
        if offered is not None and form.kinds[key] != "text":
            missing = [v for v in values if str(v) not in offered]
            assert not missing, f"{key}: {missing} not offered ({offered})"
        data[key] = list(values)
    if name:
        data[name] = [value]
    data = {key: values[0] if len(values) == 1 else values for key, values in data.items()}
    data = {key: values for key, values in data.items() if values != []}
    url = urljoin(response.wsgi_request.get_full_path(), form.action or "")
    if form.method == "post":
        return client.post(url, data, follow=follow)
    return client.get(url, data, follow=follow)
