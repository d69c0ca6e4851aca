"""The demo centre, with its superuser `admin` and the published password, is never created by a deployment
unless asked for (GOVFLOW_SEED_DEMO=1): the compose web command and the image's CMD are run here with stand-ins
for python and gunicorn that only record what they were asked to do. Plain file checks, no Django."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose_web_script() -> str:
    command = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]["web"]["command"]
    assert command[:2] == ["sh", "-c"]
    return command[2]


def _dockerfile_cmd_script() -> str:
    line = next(raw for raw in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
                if raw.startswith("CMD "))
    command = json.loads(line[len("CMD "):])
    assert command[:2] == ["sh", "-c"]
    return command[2]


def _run(script: str, tmp_path: Path, seed: str | None) -> list[str]:
    """The commands `script` runs, each as one line; python and gunicorn are stand-ins that log their arguments."""
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir(exist_ok=True)
    for name in ("python", "gunicorn"):
        stub = bin_dir / name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n')
        stub.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    if seed is not None:
        env["GOVFLOW_SEED_DEMO"] = seed
    # compose interpolates ${GOVFLOW_SEED_DEMO:-0} from the host environment; sh reads it the same way here.
    subprocess.run(["sh", "-c", script], env=env, check=True, timeout=30)
    return log.read_text().splitlines()


SCRIPTS = {"compose web": _compose_web_script, "Dockerfile CMD": _dockerfile_cmd_script}


@pytest.mark.parametrize("which", SCRIPTS)
@pytest.mark.parametrize("seed", [None, "0", "", "yes"])
def test_no_demo_superuser_unless_asked_for(which, seed, tmp_path):
    calls = _run(SCRIPTS[which](), tmp_path, seed)
    assert not any("seed_demo" in call for call in calls)
    assert calls[0] == "python manage.py migrate --noinput"
    assert re.search(r"(gunicorn webapp\.wsgi|manage\.py serve)", calls[-1])


@pytest.mark.parametrize("which", SCRIPTS)
def test_the_demo_is_seeded_when_asked_for(which, tmp_path):
    calls = _run(SCRIPTS[which](), tmp_path, "1")
    assert calls[:2] == ["python manage.py migrate --noinput", "python manage.py seed_demo"]
    assert len(calls) == 3


def test_readme_says_how_to_ask_for_the_demo():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "GOVFLOW_SEED_DEMO=1 docker compose up" in readme
    assert "GOVFLOW_SEED_DEMO=0" not in readme

