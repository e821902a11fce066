"""Letter settings are versioned and journalled (issue 16, finding 7): the council's name,
signatory and payment terms printed on legal letters change through a new version (who,
when, why), never a rewrite; each change is journalled; the page shows the history;
letters use the version current when rendered, and a stored letter keeps its own."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aides import letters
from aides.models import BatchItem, LetterSettings
from aides.services.batch import batch_run, letters_start
from aides.services.letter_settings import letter_settings_change
from iae_portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

URL = reverse("aides:letter_settings")


@pytest.fixture(autouse=True)
def _files_in_memory(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def form_data(client, **changes):
    form = client.get(URL).context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(changes)
    return data


def test_a_change_is_a_new_version_with_who_when_why_and_a_journal_entry(client, chef_service):
    first = LetterSettings.current()
    client.force_login(chef_service)
    data = form_data(
        client, signatory_name="Franck Leroy", reason="Arrêté de délégation du 2 mars."
    )
    response = client.post(URL, data)
    assert response.status_code == 302
    assert list(LetterSettings.objects.values_list("number", flat=True)) == [2, 1]
    current = LetterSettings.current()
    assert (current.number, current.signatory_name, current.created_by) == (
        2,
        "Franck Leroy",
        chef_service,
    )
    assert current.reason == "Arrêté de délégation du 2 mars."
    # The former version is kept as it was.
    first_again = LetterSettings.objects.get(number=1)
    assert first_again.signatory_name == first.signatory_name == "La Présidente du Conseil régional"
    entry = AuditEntry.objects.get(action="aides.letter_settings")
    assert entry.actor == chef_service and entry.reason == "Arrêté de délégation du 2 mars."
    assert entry.changes == {
        "signatory_name": ["La Présidente du Conseil régional", "Franck Leroy"]
    }
    # The page shows the history: both versions, who, why, what changed.
    page = client.get(URL).content.decode()
    assert "Historique des versions" in page
    assert "Version 2" in page and "Version 1" in page
    assert "Arrêté de délégation du 2 mars." in page
    assert "Signataire : La Présidente du Conseil régional → Franck Leroy" in page


def test_a_change_needs_a_reason_and_no_change_makes_no_version(client, chef_service):
    client.force_login(chef_service)
    response = client.post(URL, form_data(client, city="Strasbourg", reason=" "))
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert client.post(URL, form_data(client, reason="Relu.")).status_code == 302
    # A browser sends a textarea's line breaks as CRLF: that is no change either.
    address = LetterSettings.current().address.replace("\n", "\r\n")
    assert client.post(URL, form_data(client, address=address, reason="Relu.")).status_code == 302
    assert LetterSettings.objects.count() == 1
    assert not AuditEntry.objects.filter(action="aides.letter_settings").exists()


def test_a_version_saved_meanwhile_is_not_silently_undone(client, chef_service, admin_user):
    client.force_login(chef_service)
    stale = form_data(client, city="Strasbourg", reason="Siège à Strasbourg.")
    letter_settings_change(actor=admin_user, values={"city": "Nancy"}, reason="Autre siège.")
    response = client.post(URL, stale)
    assert response.status_code == 200
    assert "viennent d'être modifiés" in " ".join(response.context["form"].non_field_errors())
    assert LetterSettings.current().city == "Nancy"


def test_a_version_is_never_rewritten():
    version = LetterSettings.current()
    version.city = "Ailleurs"
    with pytest.raises(ValueError):
        version.save()


def test_only_those_who_change_schemes_change_letter_settings(instructeur):
    with pytest.raises(Exception) as refused:
        letter_settings_change(actor=instructeur, values={"city": "X"}, reason="Essai.")
    assert not isinstance(refused.value, ValidationError)
    assert LetterSettings.objects.count() <= 1


def test_letters_use_the_current_version_and_stored_ones_keep_theirs(
    draft_voted, commission, chef_service
):
    batch = letters_start(actor=chef_service, commission=commission, enqueue=False)
    batch_run(batch.pk)
    item = BatchItem.objects.get(batch=batch)
    assert item.letter_settings == LetterSettings.objects.get(number=1)
    letter_settings_change(
        actor=chef_service, values={"council_name": "Région Grand Est"}, reason="Nouveau nom."
    )
    html = letters.render_letter_html("notification", draft_voted, LetterSettings.current())
    assert "Région Grand Est" in html
    item.refresh_from_db()
    assert item.letter_settings.number == 1  # what the stored letter was rendered with
