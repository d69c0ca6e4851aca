"""Who may act on a task: an assignment rule resolved against an org snapshot on a date.

A rule is a role plus a scope relative to the case (the applicant's window, the applicant's
home department, the whole centre, or the applicant). An official on approved leave that
day is replaced by their B post (a temporary pair named for the leave first, then the
standing pair), following the chain when the B post is away too.
Pure functions over small dataclasses: testable without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

ROLES = (
    "window_staff",
    "window_head",
    "chief_representative",
    "dept_deputy_leader",
    "centre_deputy_director",
    "centre_director",
    "centre_office",
    "efficiency_group",
)

DEFAULT_SCOPE = {
    "window_staff": "applicant.window",
    "window_head": "applicant.window",
    "chief_representative": "applicant.department",
    "dept_deputy_leader": "applicant.department",
    "centre_deputy_director": "centre",
    "centre_director": "centre",
    "centre_office": "centre",
    "efficiency_group": "centre",
    "applicant": "applicant",
}
SCOPES = frozenset(DEFAULT_SCOPE.values())


class AssignmentError(ValueError):
    pass


@dataclass(frozen=True)
class OfficialInfo:
    id: int
    name: str
    roles: frozenset[str]
    department_id: int | None = None
    window_id: int | None = None


@dataclass(frozen=True)
class ABPost:
    a_id: int
    b_id: int
    valid_from: date | None = None  # None on both ends: a standing pair
    valid_to: date | None = None

    @property
    def standing(self) -> bool:
        return self.valid_from is None and self.valid_to is None

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class LeavePeriod:
    official_id: int
    first_day: date
    last_day: date

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass
class OrgSnapshot:
    officials: dict[int, OfficialInfo]
    ab_posts: list[ABPost] = field(default_factory=list)
    leaves: list[LeavePeriod] = field(default_factory=list)

    def is_on_leave(self, official_id: int, day: date) -> bool:
        return any(lv.official_id == official_id and lv.covers(day) for lv in self.leaves)

    def b_post_of(self, official_id: int, day: date) -> int | None:
        pairs = [p for p in self.ab_posts if p.a_id == official_id and p.covers(day)]
        pairs.sort(key=lambda p: p.standing)  # a temporary pair for this leave wins
        return pairs[0].b_id if pairs else None


@dataclass(frozen=True)
class AssignmentRule:
    role: str
    scope: str

    @classmethod
    def of(cls, role: str, scope: str | None = None) -> AssignmentRule:
        if role not in DEFAULT_SCOPE:
            raise AssignmentError(f"未知角色 / unknown role '{role}'")
        scope = scope or DEFAULT_SCOPE[role]
        if scope not in SCOPES:
            raise AssignmentError(f"未知范围 / unknown scope '{scope}'")
        if (role == "applicant") != (scope == "applicant"):
            # post_holders would silently read it as the whole centre, or ignore the scope.
            raise AssignmentError(f"角色 {role} 不能用范围 {scope} / role '{role}' cannot take scope '{scope}'")
        return cls(role, scope)


@dataclass(frozen=True)
class CaseContext:
    """Where the case sits in the org chart: the applicant and their window and department."""

    applicant_id: int | None = None
    department_id: int | None = None
    window_id: int | None = None


@dataclass(frozen=True)
class Resolution:
    holders: tuple[int, ...]  # who holds the post by the org chart
    candidates: tuple[int, ...]  # who acts today, after A/B substitution
    substitutions: tuple[tuple[int, int], ...] = ()  # (A, B) pairs applied


def post_holders(rule: AssignmentRule, case: CaseContext, org: OrgSnapshot) -> list[int]:
    if rule.role == "applicant":
        return [case.applicant_id] if case.applicant_id is not None else []

    def in_scope(o: OfficialInfo) -> bool:
        if rule.scope == "applicant.window":
            return case.window_id is not None and o.window_id == case.window_id
        if rule.scope == "applicant.department":
            return case.department_id is not None and o.department_id == case.department_id
        return True

    return sorted(o.id for o in org.officials.values() if rule.role in o.roles and in_scope(o))


def acting_official(official_id: int, org: OrgSnapshot, day: date) -> int:
    """The official who acts for `official_id` on `day` (themselves unless on leave)."""
    seen = {official_id}
    current = official_id
    while org.is_on_leave(current, day):
        b = org.b_post_of(current, day)
        if b is None or b in seen:
            break  # nobody further down the chain: the last one reached keeps it
        seen.add(b)
        current = b
    return current


def resolve(rule: AssignmentRule, case: CaseContext, org: OrgSnapshot, day: date) -> Resolution:
    holders = post_holders(rule, case, org)
    if not holders:
        raise AssignmentError(
            f"组织架构中无人担任 {rule.role}（{rule.scope}）/ nobody holds {rule.role} for scope {rule.scope}"
        )
    candidates: list[int] = []
    substitutions: list[tuple[int, int]] = []
    for holder in holders:
        # The applicant's own steps (e.g. reporting back from leave) are personal: no B post takes them.
        actor = holder if rule.role == "applicant" else acting_official(holder, org, day)
        if actor != holder:
            substitutions.append((holder, actor))
        if actor not in candidates:
            candidates.append(actor)
    return Resolution(tuple(holders), tuple(candidates), tuple(substitutions))

