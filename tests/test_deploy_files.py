"""Checks of the deployment and developer files (Makefile, .ci/run, compose, Dockerfile, npm, README).

Docker cannot run on the development machines, so docker-compose.yml and the Dockerfile are checked
as files. Plain file checks only: nothing here touches Django or a database.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
APP_ENV = ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS")
EXACT_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compose() -> dict:
    data = yaml.safe_load(read("docker-compose.yml"))
    assert isinstance(data, dict)
    return data


def command_words(service: dict) -> list[str]:
    command = service["command"]
    return command.split() if isinstance(command, str) else [str(word) for word in command]


# --- docker-compose.yml ---------------------------------------------------------------------------


def test_compose_has_exactly_the_five_services(compose):
    assert set(compose["services"]) == {"web", "worker", "beat", "db", "redis"}


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_services_run_the_webapp_app(compose, name):
    words = command_words(compose["services"][name])
    assert words[:4] == ["celery", "-A", "webapp", name]


def test_web_migrates_then_serves_with_gunicorn(compose):
    # Timers run in the worker/beat pair there (REDIS_URL is set), so the web process is plain WSGI.
    script = " ".join(command_words(compose["services"]["web"]))
    assert script.index("manage.py migrate") < script.index("gunicorn webapp.wsgi:application --bind 0.0.0.0:8000")
    assert "8000:8000" in [str(port) for port in compose["services"]["web"]["ports"]]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_get_configuration(compose, name):
    service = compose["services"][name]
    environment = service["environment"]
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    for variable in APP_ENV:
        assert environment.get(variable), f"{name} lacks {variable}"
    assert "@db:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"].startswith("redis://redis:6379/")
    assert "build" in service or "image" in service


def test_every_dependency_exists_and_has_a_health_check_when_waited_for(compose):
    services = compose["services"]
    for name, service in services.items():
        depends_on = service.get("depends_on", {})
        if isinstance(depends_on, list):
            depends_on = {target: {"condition": "service_started"} for target in depends_on}
        for target, rule in depends_on.items():
            assert target in services, f"{name} depends on unknown service {target}"
            assert target != name
            if rule.get("condition") == "service_healthy":
                assert "healthcheck" in services[target], f"{name} waits on {target}: no healthcheck"
    for name in APP_SERVICES:
        assert compose["services"][name].get("depends_on"), f"{name} starts without waiting for anything"


def test_backing_services_and_volumes(compose):
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    assert "healthcheck" in services["db"] and "healthcheck" in services["redis"]
    declared = set(compose.get("volumes") or {})
    for name, service in services.items():
        for mount in service.get("volumes", []):
            source = mount.split(":", 1)[0] if isinstance(mount, str) else mount.get("source", "")
            if source and not source.startswith((".", "/", "~")):
                assert source in declared, f"{name} mounts undeclared volume {source}"
    assert any(str(m).endswith(":/var/lib/postgresql/data") for m in services["db"].get("volumes", []))


# --- Dockerfile ------------------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_node_then_python():
    text = read("Dockerfile")
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, flags=re.MULTILINE | re.IGNORECASE)
    images = [image for image, _ in stages]
    assert len(stages) >= 2
    assert images[0].startswith("node:20")
    assert images[-1].startswith("python:3.11-slim")
    assert "npm ci" in text
    node_stage = stages[0][1]
    assert re.search(rf"COPY\s+--from={re.escape(node_stage)}\s+\S*node_modules", text)


def test_dockerignore_keeps_local_environments_out():
    entries = {line.strip() for line in read(".dockerignore").splitlines()}
    assert {"node_modules", ".venv", ".git"} <= entries


# --- Makefile and CI -------------------------------------------------------------------------------


def test_makefile_has_the_targets():
    targets = set(re.findall(r"^([A-Za-z][\w.-]*)\s*:(?!=)", read("Makefile"), flags=re.MULTILINE))
    assert {"install", "run", "test", "bench", "bench-scale"} <= targets


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("test", ["ruff check .", "pytest"]),
        ("run", ["manage.py migrate", "manage.py seed_demo", "manage.py serve 127.0.0.1:8000"]),
        ("bench", ["bench/bench_engine.py"]),
        ("bench-scale", ["-m bench.scale"]),
    ],
)
def test_make_dry_run(target, expected):
    # Called from `make test` itself: keep the outer make's flags and jobserver out of the dry run.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    result = subprocess.run(
        ["make", "-n", "-C", str(ROOT), target], capture_output=True, text=True, check=True, env=env
    )
    positions = [result.stdout.index(fragment) for fragment in expected]
    assert positions == sorted(positions), result.stdout


def test_makefile_installs_from_the_declarations():
    text = read("Makefile")
    assert re.search(r"^\S*:\s*pyproject\.toml", text, flags=re.MULTILINE)
    assert "pip install" in text and "-e '.[dev]'" in text
    assert re.search(r"^\S*:\s*package-lock\.json", text, flags=re.MULTILINE)
    assert "npm ci" in text


def test_ci_script_runs_make_test_on_sqlite_and_postgres():
    text = read(".ci/run")
    assert text.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in text
    assert text.count("make test") >= 2
    assert "postgres://postgres@127.0.0.1:5432/govflow" in text
    assert "redis://127.0.0.1:6379/15" in text


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_ci_script_is_valid_bash():
    subprocess.run(["bash", "-n", str(ROOT / ".ci" / "run")], check=True)


# --- npm -------------------------------------------------------------------------------------------


def test_package_json_pins_exact_versions_and_lock_matches():
    package = json.loads(read("package.json"))
    dependencies = package["dependencies"]
    assert dependencies["bpmn-js"].startswith("18.")
    assert dependencies["dmn-js"].startswith("17.")
    for name, version in {**dependencies, **package.get("devDependencies", {})}.items():
        assert EXACT_VERSION.match(version), f"{name} is not pinned exactly: {version}"
    lock = json.loads(read("package-lock.json"))
    assert lock["packages"][""]["dependencies"] == dependencies
    for name, version in dependencies.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


# --- README ----------------------------------------------------------------------------------------


def test_readme_opens_with_make_run_and_make_test():
    lines = read("README.md").splitlines()
    assert lines[0].startswith("# ")
    fence = next(i for i, line in enumerate(lines) if line.startswith("```"))
    assert not any(line.startswith("#") for line in lines[1:fence]), "commands must come before any section"
    end = next(i for i in range(fence + 1, len(lines)) if lines[i].startswith("```"))
    commands = [line.split("#", 1)[0].strip() for line in lines[fence + 1 : end]]
    assert [command for command in commands if command] == ["make run", "make test"]
