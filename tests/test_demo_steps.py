"""``seed_demo`` lives in the core and runs the demo steps the apps register
(``iae_portal.demo``): a step registered from here is seeded in its order, its lines are
printed, its notes reach the logins table and ``--reset`` resets it in its reset order."""

from io import StringIO

import pytest
from django.core.management import call_command

from iae_portal import demo
from iae_portal.users.demo import DEMO_EMAILS
from iae_portal.users.models import User
from structures.models import Structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls():
    """A step of a test app, between the structures and the aid dossiers, reset after the
    structures."""
    calls = []

    def seed(run):
        calls.append(("seed", sorted(run.made), run.size, Structure.objects.count()))
        return ["Étape de test : une ligne"]

    def reset():
        demo_accounts = User.objects.filter(email__in=DEMO_EMAILS).exists()
        calls.append(("reset", Structure.objects.exists(), demo_accounts))

    demo.register(
        "test-step",
        seed=seed,
        reset=reset,
        order=15,
        reset_order=95,
        logins=lambda: {"elu@demo.iae.fr": ["Commission de test"]},
    )
    yield calls
    demo.unregister("test-step")


def seed_demo(**options):
    out = StringIO()
    call_command("seed_demo", structures=8, stdout=out, **options)
    return out.getvalue().splitlines()


def test_the_apps_register_their_steps_in_order():
    assert [step.name for step in demo.steps()] == [
        "structures",
        "aides",
        "clauses",
        "dla",
        "utilite",
    ]
    assert [step.name for step in demo.reset_steps()] == [
        "aides",
        "clauses",
        "dla",
        "utilite",
        "structures",
    ]


def test_a_registered_step_is_seeded_printed_and_reset(calls, settings):
    lines = seed_demo()
    # After the structures' step (which left its structures to the next ones).
    assert calls == [("seed", ["structures"], 8, 8)]
    mine = lines.index("- Étape de test : une ligne")
    assert lines[mine - 1].startswith("- Projets collectifs")
    assert lines[mine + 1].startswith("- Appels à candidatures")
    (elu,) = [line for line in lines if "elu@demo.iae.fr" in line]
    assert elu.endswith("en lecture seule : « Commission de test »")

    settings.DEBUG = True
    seed_demo(reset=True)
    # Reset after the structures (its reset_order), before the demo accounts.
    assert calls[1] == ("reset", False, True)
    assert calls[2][0] == "seed"

    demo.unregister("test-step")
    lines = seed_demo(reset=True)
    assert len(calls) == 3 and "- Étape de test : une ligne" not in lines
