"""Following a file prepared in the background (``iae_portal.prepared``) in tests: the
request records it, the task runs eagerly once the transaction commits, its page then
offers the download."""

from django.test import TestCase
from django.urls import reverse


def prepared_file(client, url, params=None):
    """GET ``url``, which answers with a prepared file's page (a redirect); run its task;
    return the ``PreparedFile`` as its page shows it."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.get(url, params or {})
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith("/fichiers/"), response["Location"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.context["prepared"]


def download(client, url, params=None):
    """The download of the file ``url`` prepares: ``(response, content)``."""
    prepared = prepared_file(client, url, params)
    assert prepared.state == "ready", prepared.failure
    response = client.get(reverse("prepared:download", args=[prepared.uuid]))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)
