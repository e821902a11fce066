"""The API's routes as the URL resolver knows them: what the sweeps walk, so that a route an
app registers is swept without the tests naming it."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

API_PREFIX = "api/v1/"
_GROUP = re.compile(r"\(\?P<(\w+)>")


@dataclass(frozen=True)
class ApiRoute:
    template: str  # "/api/v1/structures/{siret}/"
    name: str  # "structure-detail"
    callback: object
    params: tuple  # ("siret",)

    def url(self, **values):
        """The route's address with ``values`` (already percent-encoded) in its parameters."""
        url = self.template
        for param in self.params:
            url = url.replace("{" + param + "}", values[param])
        return url

    @property
    def methods(self):
        """The HTTP methods the route's view answers (lower case, without ``trace``)."""
        actions = getattr(self.callback, "actions", None)
        view_class = getattr(self.callback, "cls", None) or getattr(
            self.callback, "view_class", None
        )
        allowed = set(getattr(view_class, "http_method_names", ()))
        if actions is not None:  # a viewset's route: its actions, within the view's methods
            methods = set(actions) & allowed
            if "get" in methods:
                methods.add("head")
            return sorted((methods | {"options"}) & allowed)
        return sorted(m for m in allowed - {"trace"} if hasattr(view_class, m) or m == "head")


def _template(regex):
    """``^structures/(?P<siret>\\d{14})/$`` → ``structures/{siret}/`` (and its parameters)."""
    text = regex.removeprefix("^").removesuffix("\\Z").removesuffix("$")
    params, out, index = [], [], 0
    while index < len(text):
        match = _GROUP.match(text, index)
        if match is None:
            out.append(text[index])
            index += 1
            continue
        params.append(match.group(1))
        out.append("{" + match.group(1) + "}")
        depth, index = 1, match.end()
        while depth:  # skip the group's own expression
            depth += {"(": 1, ")": -1}.get(text[index], 0) if text[index - 1] != "\\" else 0
            index += 1
    return "".join(out).replace("\\", ""), tuple(params)


def _walk(patterns, prefix=""):
    for pattern in patterns:
        regex = pattern.pattern.regex.pattern
        text = regex.removeprefix("^").removesuffix("\\Z").removesuffix("$")
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + text)
        elif isinstance(pattern, URLPattern):
            yield prefix + text, pattern


def api_routes():
    """Every named route under ``/api/v1/`` (the catch-all 404 has no name)."""
    routes = []
    for regex, pattern in _walk(get_resolver().url_patterns):
        if not regex.startswith(API_PREFIX) or pattern.name is None:
            continue
        template, params = _template(regex)
        routes.append(ApiRoute("/" + template, pattern.name, pattern.callback, params))
    return routes
