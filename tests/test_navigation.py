import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "entry"),
    [
        ("home", "Accueil"),
        ("structures:list", "Structures"),
        ("structures:project_list", "Projets collectifs"),
        ("aides:queue", "Dossiers"),
        ("aides:campaign_list", "Dossiers"),
        ("aides:scheme_list", "Dispositifs d'aide"),
        ("aides:simulator", "Simulateur"),
        ("aides:notifications", "Mes notifications"),
    ],
)
def test_exactly_one_navigation_entry_is_current(client, instructeur, url_name, entry):
    client.force_login(instructeur)
    content = client.get(reverse(url_name)).content.decode()
    nav = content[content.index('<nav class="main-nav"') : content.index("</nav>")]
    assert nav.count('aria-current="page"') == 1
    current = nav.split('aria-current="page">')[1]
    assert current.replace("&#x27;", "'").startswith(entry)
