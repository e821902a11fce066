"""The statistics pages (``utilite:statistics``, its exports, the missing reports' reminder):
the contract's worked example gives the bilan command's figures on the page and in the
exports; privacy; who reads which groups; the reminder; bad queries."""

import csv
import datetime
import io
import json
import re

import openpyxl
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iae_portal.audit.models import AuditEntry
from iae_portal.users.enums import Role
from structures.models import Region
from tests.structures.factories import MembershipFactory, UserFactory, make_siret
from utilite.enums import ReportStatus
from utilite.presenters import REMIND_ACTION

from .contract import EXAMPLE
from .factories import ReportFactory, siae, worked_example

pytestmark = pytest.mark.django_db
URL = reverse("utilite:statistics")
NBSP = "\u00a0"


def staff(region="27", role=Role.INSTRUCTEUR, email="instr@example.org"):
    return UserFactory(
        email=email, role=role, region=Region.objects.get(code=region) if region else None
    )


def client_for(client, user):
    client.force_login(user)
    return client


def bilan_json(*args):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("utilite_sociale_bilan", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def row_of(html, code):
    """The cells' texts of the statistics table's row of ``code``."""
    found = re.search(rf'<tr id="stat-{code}">(.*?)</tr>', html, re.S)
    assert found, code
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", found.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def french_share(value):
    return f"{value * 100:.1f}".replace(".", ",") + f"{NBSP}%"


def french_score(value):
    return f"{value:g}".replace(".", ",")


@pytest.fixture
def example():
    return worked_example()


def test_the_page_gives_the_bilan_commands_figures_for_the_worked_example(client, example):
    client_for(client, staff())
    response = client.get(URL, {"year": 2012, "department": "71"})
    assert response.status_code == 200
    html = response.content.decode()
    group = next(g for g in bilan_json("--year", "2012", "--department", "71")["groups"])
    assert (group["department"], group["kind"]) == ("71", "ALL")
    expected = EXAMPLE["out"]["group_71_all"]
    for code in ("exit_rate_durable", "exit_rate_dynamic", "self_financing_rate"):
        stats = group["indicators"][code]
        assert stats["median"] == expected[code]["median"]
        cells = row_of(html, code)
        assert cells[1:5] == [
            "3",
            french_share(stats["median"]),
            french_share(stats["q1"]),
            french_share(stats["q3"]),
        ], code
        assert cells[5].startswith(french_share(stats["pooled"]))
    assert row_of(html, "prospective")[1:5] == ["3", "1,3", "0,8", "1,9"]
    assert row_of(html, "exits_total")[5].startswith("110")
    # 30,0 %, not 0.3
    assert row_of(html, "self_financing_rate")[2] == f"30,0{NBSP}%"
    # Euros in French.
    median_resources = group["indicators"]["total_resources"]["median"]
    assert median_resources == 800000
    assert row_of(html, "total_resources")[2] == f"800{NBSP}000{NBSP}€"
    # D is missing, with no report.
    assert "Structure D" in html
    assert "Aucun bilan" in html


def test_a_group_under_three_reports_shows_its_count_only(client, example):
    client_for(client, staff())
    response = client.get(URL, {"year": 2012, "department": "71", "kind": "ACI"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "seul leur nombre est diffusé" in html
    for code in ("exit_rate_dynamic", "self_financing_rate", "prospective", "exits_total"):
        assert row_of(html, code)[1:] == ["2", "—", "—", "—", "—"], code
    assert "30,0" not in html and "800" + NBSP + "000" not in html
