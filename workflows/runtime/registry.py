"""The one door through which a process family (leave, discipline, applications …) plugs in.

A family calls `register_family` once, from its AppConfig.ready, with everything the generic code
needs to know about it: its process keys, the task forms behind its form keys, the steps its own
services complete, the business record behind an instance and the partial that summarises it, the
labels of its audit actions and outcomes, its navigation entries and public pages, its service-task handlers, the
dotted paths of its page and API modules, and how to deploy and seed it. Generic code (inbox, task
pages, API task views, access checks, error mapping, deploy validation, the demo seed) loops over
`families()` and imports no family, so adding a family touches no generic module.

Errors: a family's services raise subclasses of `workflows.runtime.errors.InvalidInput` / `Conflict`
(optionally naming the form `field`), which the generic error mapping already answers; no per-family
error table is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.runtime import ServiceHandler


@dataclass(frozen=True)
class NavEntry:
    """A link in the top navigation; `visible_to(user, official)` decides who sees it (everyone if None)."""

    label: Any
    url_name: str
    active_on: tuple[str, ...] = ()
    visible_to: Callable[[Any, Any], bool] | None = None

    def shown_to(self, user: Any, official: Any) -> bool:
        return self.visible_to is None or bool(self.visible_to(user, official))

    def is_active(self, url_name: str | None) -> bool:
        return url_name is not None and (url_name == self.url_name or url_name in self.active_on)


@dataclass(frozen=True)
class CaseRecord:
    """The business record behind an instance of a process: `find(instance)` and the partial that shows it.

    `for_reader(record, official)` adds what depends on who is looking (e.g. a complaint without its
    complainant for anyone but the centre office), so the generic pages never decide it themselves.
    """

    context_name: str
    find: Callable[[Any], Any]
    summary_template: str
    for_reader: Callable[[Any, Any], dict[str, Any]] | None = None
    # 撤回 by the initiator: `on_withdrawn(instance, actor, reason)` closes the record (e.g. a leave request 已撤回),
    # under the instance lock. A process whose record has no such hook cannot be withdrawn.
    on_withdrawn: Callable[[Any, Any, str], None] | None = None
    # 终止 by the centre administrator (monitoring): `on_cancelled(instance, actor, reason)` closes the record, under
    # the instance lock. Without it the case still ends; the record is left as it was.
    on_cancelled: Callable[[Any, Any, str], None] | None = None


@dataclass(frozen=True)
class ServiceCompletedStep:
    """A step no task form completes (it needs records a form cannot make): where the official goes instead.

    `link(instance)` gives the page that completes it and `api_link(instance)` the API endpoint, or None.
    """

    notice: Any
    link_label: Any
    link: Callable[[Any], str | None]
    api_link: Callable[[Any], str | None]


@dataclass(frozen=True)
class StoredDeadlines:
    """Deadlines a family's service counts and keeps as process data (and on its record), not in a timer expression.

    A calendar override entered later must move them like any deadline counted in working days
    (runtime.services.calendar). `recount(instance, data)` counts the instance's open ones again by the family's
    own rules, from `data` (what its open steps see) and its record, and returns those the current calendar
    moves as {variable: ISO time}; `store(instance, moved)` writes them onto the record, under the instance
    lock. The generic code puts them into the process data, where the timers and the task due dates
    (`due_variable`) that read them follow, and audits each moved deadline. Reading variables rather than
    repeating the count in timer expressions keeps the rule in one place and moves instances of every
    definition version.
    """

    recount: Callable[[Any, Mapping[str, Any]], Mapping[str, str]]
    store: Callable[[Any, Mapping[str, str]], None]


@dataclass(frozen=True)
class ProcessFamily:
    name: str
    label: Any
    process_keys: tuple[str, ...]
    task_forms: Mapping[str, type] = field(default_factory=dict)
    service_completed: Mapping[str, ServiceCompletedStep] = field(default_factory=dict)
    records: Mapping[str, CaseRecord] = field(default_factory=dict)
    action_labels: Mapping[str, Any] = field(default_factory=dict)
    outcome_labels: Mapping[str, Any] = field(default_factory=dict)
    navigation: tuple[NavEntry, ...] = ()
    public_links: tuple[NavEntry, ...] = ()  # pages for people without a login, linked from the login page
    services: Mapping[str, ServiceHandler] = field(default_factory=dict)
    page_urls: str | None = None  # dotted module with `urlpatterns`, included at the site root
    api_routes: str | None = None  # dotted module with `routes`: [(prefix, viewset, basename)]
    deploy: Callable[[], list[Any]] | None = None  # deploys the family's shipped definitions
    seed_demo: Callable[[], list[str]] | None = None  # demo data; returns lines to print
    # Process key → the variables its start data carries, so a decision may read them (engine.checks' DMN rule).
    start_variables: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    stored_deadlines: StoredDeadlines | None = None  # deadlines kept as data that a calendar override moves
    charts: Callable[[], list[Any]] | None = None  # monitoring charts of the family's records (runtime.charts.Chart)


_families: dict[str, ProcessFamily] = {}


class RegistryError(RuntimeError):
    """Two families claim the same process key, form key or service operator: a start-up error."""


def _names(family: ProcessFamily) -> dict[str, set[str]]:
    """What a family claims, by kind; no two families may claim the same name."""
    return {
        "process key": set(family.process_keys),
        "form key": set(family.task_forms) | set(family.service_completed),
        "service operator": set(family.services),
    }


def register_family(family: ProcessFamily) -> None:
    """Register a family; names shared with another family are refused (one rule lives in one place)."""
    if family.name in _families and _families[family.name] is not family:
        raise RegistryError(f"process family '{family.name}' registered twice")
    claimed = _names(family)
    for other in _families.values():
        if other.name == family.name:
            continue
        for kind, names in _names(other).items():
            clash = names & claimed[kind]
            if clash:
                raise RegistryError(f"{kind} {sorted(clash)} registered by '{other.name}' and '{family.name}'")
    _families[family.name] = family


def families() -> Iterator[ProcessFamily]:
    return iter(_families.values())


def family_of(process_key: str) -> ProcessFamily | None:
    return next((f for f in _families.values() if process_key in f.process_keys), None)


def service_handlers() -> dict[str, ServiceHandler]:
    """Every family's service-task operators, by name."""
    return {name: handler for family in _families.values() for name, handler in family.services.items()}


def task_form_class(form_key: str) -> type | None:
    return next((f.task_forms[form_key] for f in _families.values() if form_key in f.task_forms), None)


def service_completed_step(form_key: str) -> ServiceCompletedStep | None:
    return next((f.service_completed[form_key] for f in _families.values() if form_key in f.service_completed),
                None)


def case_record_of(process_key: str) -> CaseRecord | None:
    family = family_of(process_key)
    return family.records.get(process_key) if family else None


def registered_form_keys() -> frozenset[str]:
    keys: set[str] = set()
    for family in _families.values():
        keys |= set(family.task_forms) | set(family.service_completed)
    return frozenset(keys)


def navigation() -> list[NavEntry]:
    return [entry for family in _families.values() for entry in family.navigation]


def public_links() -> list[NavEntry]:
    """Every family's pages for the public (no login), e.g. an applicant's case look-up."""
    return [entry for family in _families.values() for entry in family.public_links]


def labels(kind: str) -> dict[str, Any]:
    """Every family's `action_labels` or `outcome_labels`, merged."""
    merged: dict[str, Any] = {}
    for family in _families.values():
        merged.update(getattr(family, f"{kind}_labels"))
    return merged
