"""Option lists kept by the process (``iae_portal.options``): read once, read again when a
model they show changes (through its signals, in this process or another one, or after
their maximum age), and rendered as the plain fields render them."""

from unittest import mock

import pytest
from django import forms
from django.core.cache import cache
from django.urls import reverse

from aides import options as aides_options
from aides.forms.staff import BulkAssignForm
from iae_portal import options
from iae_portal.filtering import OptionListChoiceFilter
from iae_portal.form_renderer import RenderedOnceSelect
from iae_portal.users.enums import Role
from structures.models import Department, Region
from structures.options import DEPARTMENTS, REGIONS
from tests.aides.factories import CampaignFactory
from tests.structures.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_list_is_read_once_then_kept(django_assert_num_queries):
    with django_assert_num_queries(1):
        first = DEPARTMENTS(region_id="44")
    with django_assert_num_queries(0):
        assert DEPARTMENTS(region_id="44") is first
    assert ("57", "57 - Moselle") in first
    assert all(
        code in {"08", "10", "51", "52", "54", "55", "57", "67", "68", "88"} for code, _ in first
    )
    # Each set of parameters has its copy.
    with django_assert_num_queries(1):
        everywhere = DEPARTMENTS()
    assert len(everywhere) > len(first)


def test_a_save_or_a_deletion_is_seen_at_once(django_assert_num_queries):
    before = REGIONS()
    region = Region.objects.get(code="44")
    region.name = "Grand Est (renommée)"
    region.save()
    after = REGIONS()
    assert after.token != before.token
    assert ("44", "Grand Est (renommée)") in after
    Department.objects.filter(code="57").delete()  # sends post_delete for each row
    assert "57" not in dict(DEPARTMENTS())


def test_a_save_of_fields_not_shown_reads_nothing_again(django_assert_num_queries, grand_est):
    person = UserFactory(role=Role.INSTRUCTEUR, region=grand_est, first_name="Ana", last_name="Roy")
    first = aides_options.INSTRUCTORS(region_id=grand_est.pk)
    assert (person.email, "Ana Roy") in first
    person.save(update_fields=["last_login"])  # a login
    with django_assert_num_queries(0):
        assert aides_options.INSTRUCTORS(region_id=grand_est.pk) is first
    person.last_name = "Roy-Martin"
    person.save(update_fields=["last_name"])
    assert (person.email, "Ana Roy-Martin") in aides_options.INSTRUCTORS(region_id=grand_est.pk)


def test_another_process_s_change_or_an_emptied_cache_is_seen(django_assert_num_queries):
    first = REGIONS()
    cache.set(options.VERSION_KEY, "another process changed a region")
    with django_assert_num_queries(1):
        second = REGIONS()
    assert second.token != first.token
    cache.clear()
    with django_assert_num_queries(1):
        assert REGIONS().token != second.token


def test_a_write_without_signals_is_seen_after_the_maximum_age(settings):
    REGIONS()
    Region.objects.filter(code="44").update(name="Grand Est (SQL)")
    assert ("44", "Grand Est (SQL)") not in REGIONS()  # kept: nothing told
    settings.OPTION_LISTS_MAX_AGE = 0
    assert ("44", "Grand Est (SQL)") in REGIONS()


def test_the_version_is_renewed_again_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    region = Region.objects.get(code="44")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        region.save()
        during = options.version()
    assert len(callbacks) == 1
    # Another process may have read the rows between the save and the commit, under the
    # version renewed at the save: the commit renews it again.
    assert options.version() != during


def test_a_request_asks_the_cache_once():
    gets = mock.patch.object(cache, "get", wraps=cache.get)
    options.version()
    with gets as get:
        options.version()
        options.version()
        assert get.call_count == 2  # outside a request: each time
        options._request_started()  # as request_started would (not sent: it closes connections)
        try:
            for _ in range(3):
                REGIONS()
                DEPARTMENTS()
            assert get.call_count == 3
            Region.objects.get(code="44").save()  # a change within the request
            assert ("44", "Grand Est") in REGIONS()
            assert get.call_count == 4
        finally:
            options._request_finished()
        options.version()
        assert get.call_count == 5


def _plain_and_listed(**kwargs):
    class Plain(forms.Form):
        department = forms.ModelChoiceField(queryset=Department.objects.all(), **kwargs)

    class Listed(forms.Form):
        department = options.OptionListModelChoiceField(
            queryset=Department.objects.all(), options=DEPARTMENTS, **kwargs
        )

    return Plain, Listed


@pytest.mark.parametrize("empty_label", ["Tous", None])
@pytest.mark.parametrize("data", [{}, {"department": "57"}, {"department": "999"}])
def test_a_field_renders_and_checks_as_the_plain_one(data, empty_label):
    plain, listed = (
        form(data or None)
        for form in _plain_and_listed(
            empty_label=empty_label, required=empty_label is None, widget=RenderedOnceSelect
        )
    )
    assert str(listed["department"]) == str(plain["department"])
    if data:
        assert listed.is_valid() == plain.is_valid()
        assert listed.errors == plain.errors
        assert listed.cleaned_data == plain.cleaned_data


def test_a_filter_s_empty_and_null_options_come_first():
    listed = OptionListChoiceFilter(
        queryset=Region.objects.all(),
        options=REGIONS,
        empty_label="Toutes",
        null_label="Aucune",
        null_value="aucune",
    ).field
    choices = list(listed.choices)
    assert choices[:2] == [("", "Toutes"), ("aucune", "Aucune")]
    assert choices[2:] == list(REGIONS())
    assert len(listed.choices) == len(choices)
    assert listed.clean("aucune") == "aucune"
    assert listed.clean("44") == Region.objects.get(code="44")


def test_a_rendering_kept_follows_its_list():
    _, listed = _plain_and_listed(widget=RenderedOnceSelect)
    assert "57 - Moselle<" in str(listed()["department"])
    moselle = Department.objects.get(code="57")
    moselle.name = "Moselle (renommée)"
    moselle.save()
    assert "57 - Moselle (renommée)<" in str(listed()["department"])


def test_an_option_shown_late_is_still_checked_by_the_database(grand_est, chef_service):
    gone = UserFactory(role=Role.INSTRUCTEUR, region=grand_est)
    assert gone.email in dict(aides_options.INSTRUCTORS(region_id=grand_est.pk))
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)  # no signal
    form = BulkAssignForm({"dossier": [], "instructor": gone.email}, user=chef_service)
    assert f'value="{gone.email}"' in str(form["instructor"])  # still offered
    assert not form.is_valid()
    assert form.errors["instructor"] == [
        "Cette personne ne peut pas instruire les dossiers de votre région."
    ]


def test_the_queue_offers_a_new_call_at_once(client, instructeur):
    campaign = CampaignFactory()
    client.force_login(instructeur)
    queue = reverse("aides:queue")
    assert campaign.name in client.get(queue).content.decode()
    added = CampaignFactory(scheme=campaign.scheme, name="Appel d'hiver 2027")
    assert f'<option value="{added.uuid}">Appel d&#x27;hiver 2027</option>' in (
        client.get(queue).content.decode()
    )


def test_a_page_asks_the_version_once(client, instructeur):
    client.force_login(instructeur)
    queue = reverse("aides:queue")
    client.get(queue)
    with mock.patch.object(cache, "get", wraps=cache.get) as get:
        assert client.get(queue).status_code == 200
    asked = [call for call in get.call_args_list if call.args[:1] == (options.VERSION_KEY,)]
    assert len(asked) == 1  # five lists on the page
