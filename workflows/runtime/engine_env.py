"""Wires the pure engine to Django: cached bundles per definition version, clock, calendar, services."""

from __future__ import annotations

from functools import lru_cache

from engine.runtime import EngineEnvironment, ProcessRunner
from engine.specs import SpecBundle, load_bundle
from workflows.org.selectors import working_calendar
from workflows.runtime.clock import get_clock
from workflows.runtime.models import ProcessDefinition
from workflows.runtime.registry import service_handlers


@lru_cache(maxsize=128)
def _bundle(definition_id: int, checksum: str) -> SpecBundle:
    definition = ProcessDefinition.objects.get(pk=definition_id)
    return load_bundle(definition.sources, definition.key)


def bundle_for(definition: ProcessDefinition) -> SpecBundle:
    """The parsed spec of a definition version, parsed once per process (versions are immutable)."""
    return _bundle(definition.pk, definition.checksum)


def environment() -> EngineEnvironment:
    return EngineEnvironment(clock=get_clock(), calendar=working_calendar(), services=service_handlers())


def runner_for(definition: ProcessDefinition) -> ProcessRunner:
    return ProcessRunner(bundle_for(definition), environment())
