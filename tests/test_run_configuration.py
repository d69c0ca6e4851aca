"""`make run` never shows Django's debug pages to a person (issue item 3).

The run target serves with DJANGO_DEBUG=0; under that configuration an unknown address gets the
friendly webapp/templates/404.html, not Django's technical 404 listing the URL patterns.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_recipe() -> list[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe, "Makefile has no run target"
    return [line.strip() for line in recipe.group(1).splitlines()]


def test_make_run_serves_and_collects_static_with_debug_off():
    recipe = run_recipe()
    serving = [line for line in recipe if "manage.py serve" in line or "manage.py collectstatic" in line]
    assert len(serving) == 2
    assert all(line.startswith("DJANGO_DEBUG=0 ") for line in serving)


PROBE = """
import django
django.setup()
from django.conf import settings
from django.test import Client
response = Client().get("/no-such-page/")
print(settings.DEBUG, response.status_code)
print(response.content.decode())
"""


def test_an_unknown_address_under_the_run_configuration_shows_the_friendly_404(tmp_path):
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SETTINGS_MODULE": "webapp.settings",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}"}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True).stdout
    first, page = out.split("\n", 1)
    assert first == "False 404"
    assert "您要访问的页面不存在。" in page  # webapp/templates/404.html, in Chinese
    assert "Using the URLconf" not in page and "DEBUG = True" not in page
