"""The core's registries of page sections (iae_portal.sections): who sees a section, in
which order, and that a section whose context is ``None`` is left out."""

import pytest
from django.test import RequestFactory

from iae_portal.sections import Registry, counter
from iae_portal.users.enums import Role
from tests.structures.factories import UserFactory

pytestmark = pytest.mark.django_db


def request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_sections_apply_by_role_or_predicate_in_order_and_may_leave_themselves_out():
    registry = Registry("test page", objects=("thing",))
    seen = []

    def context(request, thing):
        seen.append(thing)
        return {"word": thing}

    registry.register("b", None, "includes/counters.html", lambda r, t: {"counters": []}, 20)
    registry.register("a", Role.DLA, "includes/counters.html", context, order=20)
    registry.register("staff", lambda u: u.can("region.read"), "includes/counters.html", context)
    registry.register("hidden", (Role.DLA, Role.SIAE), "includes/counters.html", lambda r, t: None)
    chargé = UserFactory(role=Role.DLA)
    rendered = registry.render(request_for(chargé), "x")
    assert [s.name for s in rendered] == ["a", "b"]  # same order: by name
    assert seen == ["x"]
    staff = UserFactory(role=Role.INSTRUCTEUR)
    # "staff" has the default order (100): after "b" (20).
    assert [s.name for s in registry.render(request_for(staff), "y")] == ["b", "staff"]
    with pytest.raises(TypeError):
        registry.render(request_for(staff))  # the page passes its object


def test_a_section_renders_its_template_as_html():
    registry = Registry("test page")
    registry.register(
        "counts",
        None,
        "includes/counters.html",
        lambda r: {"counters": [counter(2, "lot", "lots", "/l/")]},
    )
    (section,) = registry.render(request_for(UserFactory()))
    assert '<a href="/l/"><strong>2</strong> lots</a>' in str(section)
    assert section.__html__() == str(section)


def test_counter_is_singular_for_zero_and_one():
    assert [counter(n, "lot", "lots", "/")["label"] for n in (0, 1, 2)] == ["lot", "lot", "lots"]


def test_an_app_adds_a_section_to_the_structure_page_without_touching_structures(
    client, settings, instructeur, director_a, structure_a
):
    """A section registered from outside ``structures/`` (here, a test's own template and
    context) shows on the structure page to those it applies to, and to no one else."""
    from pathlib import Path

    from iae_portal.sections import structure_page

    templates = Path(__file__).parent / "fixtures" / "templates"
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], templates]}
    ]
    structure_page.register(
        "plugin",
        who=lambda user: user.role == Role.INSTRUCTEUR,
        template="plugin/structure_section.html",
        context=lambda request, structure: {"note": f"{structure.siret[:3]} vue par le greffon"},
        order=1,
    )
    try:
        client.force_login(instructeur)
        page = client.get(f"/structures/{structure_a.siret}/").content.decode()
        assert "Section d'une application de test" in page
        assert f"{structure_a.siret[:3]} vue par le greffon" in page
        # Sections come in their order: this one (order 1) before the aid dossiers (10).
        assert page.index('id="plugin-title"') < page.index('id="dossiers-title"')
        client.force_login(director_a)
        assert (
            "Section d'une application de test"
            not in client.get(f"/structures/{structure_a.siret}/").content.decode()
        )
    finally:
        structure_page.unregister("plugin")
    client.force_login(instructeur)
    assert (
        "Section d'une application de test"
        not in client.get(f"/structures/{structure_a.siret}/").content.decode()
    )
