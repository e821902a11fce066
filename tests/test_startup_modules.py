"""WeasyPrint stays out of a process's start-up, and a Celery worker loads it before forking."""

import subprocess
import sys
from pathlib import Path

from iae_portal.celery import _load_weasyprint

ROOT = Path(__file__).resolve().parent.parent

CHECK = """
import sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every app's views and urls imported
print(sorted(name for name in ("weasyprint", "iae_portal.pdf_render") if name in sys.modules))
"""


def test_django_start_up_does_not_import_weasyprint():
    done = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "iae_portal.settings"},
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_worker_imports_weasyprint_before_forking():
    _load_weasyprint(sender=None)
    assert "weasyprint" in sys.modules
    assert "iae_portal.pdf_render" in sys.modules
