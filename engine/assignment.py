"""Who may act on a task: an assignment rule resolved against an org snapshot on a date.

A rule is a role plus a scope relative to the case (the applicant's window, the applicant's
home department, the whole centre, or the applicant). An official on approved leave that
day is replaced by their B post (a temporary pair named for the leave first, then the
standing pair), following the chain when the B post is away too.

Nobody approves their own request: the case's subject and initiator are never candidates of a
step other than the applicant's own. When nobody else remains, the step goes to the next tier
the definition names, else to the centre office with a visible flag (`assign`); so does a step whose post
is vacant. A step may also
go to whoever did an earlier step of the case while that official still holds the post and is
at work. Pure functions over small dataclasses: testable without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
            raise AssignmentError(f"未知角色“{role}”")
        scope = scope or DEFAULT_SCOPE[role]
        if scope not in SCOPES:
            raise AssignmentError(f"未知范围“{scope}”")
        if (role == "applicant") != (scope == "applicant"):
            # post_holders would silently read it as the whole centre, or ignore the scope.
            raise AssignmentError(f"角色“{role}”不能使用范围“{scope}”")
        return cls(role, scope)


@dataclass(frozen=True)
class CaseContext:
    """Where the case sits in the org chart: the applicant and their window and department."""

    applicant_id: int | None = None
    department_id: int | None = None
    window_id: int | None = None
    excluded_ids: frozenset[int] = frozenset()  # the subject and the initiator: never their own approvers


@dataclass(frozen=True)
class Resolution:
    holders: tuple[int, ...]  # who holds the post by the org chart
    candidates: tuple[int, ...]  # who acts today, after A/B substitution
    substitutions: tuple[tuple[int, int], ...] = ()  # (A, B) pairs applied
    rule: AssignmentRule | None = field(default=None, compare=False)  # the tier that gave them (None: a performer)
    escalated: bool = False  # nobody but the subject/initiator held the named tiers: the centre office has it
    excluded: tuple[int, ...] = ()  # holders left out because the case is their own
    vacant: tuple[AssignmentRule, ...] = ()  # tiers nobody holds in the org chart (a vacant post) that were passed


class NobodyElse(AssignmentError):
    """Every holder of the post is the case's subject or initiator (or a B post standing in is)."""


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
    """Candidates of one rule; raises NobodyElse when only the case's own people hold the post."""
    holders = post_holders(rule, case, org)
    if not holders:
        raise AssignmentError(
            f"组织架构中无人担任 {rule.role}（范围：{rule.scope}）"
        )
    personal = rule.role == "applicant"  # the applicant's own steps: no B post takes them, nobody is excluded
    excluded = frozenset() if personal else case.excluded_ids
    candidates: list[int] = []
    substitutions: list[tuple[int, int]] = []
    left_out: list[int] = []
    for holder in holders:
        actor = holder if personal else acting_official(holder, org, day)
        if holder in excluded or actor in excluded:  # nor may the B post standing in be the subject
            left_out.append(holder)
            continue
        if actor != holder:
            substitutions.append((holder, actor))
        if actor not in candidates:
            candidates.append(actor)
    if not candidates:
        raise NobodyElse(f"{rule.role}（{rule.scope}）的在岗人员只有本案当事人或发起人")
    return Resolution(tuple(holders), tuple(candidates), tuple(substitutions), rule, excluded=tuple(left_out))


def assign_named(official_id: int, case: CaseContext, org: OrgSnapshot, day: date) -> Resolution:
    """A task for an official the case names (a multi-approver step's `official_variable`): that official, or the
    B post standing in while they are on leave; never the case's subject or initiator (AssignmentError: the case
    named them, nobody else can be chosen in their place)."""
    if official_id not in org.officials:
        raise AssignmentError(f"工作人员 {official_id} 不存在或已离职")
    actor = acting_official(official_id, org, day)
    if official_id in case.excluded_ids or actor in case.excluded_ids:
        raise NobodyElse(f"{org.officials[official_id].name}是本案当事人或发起人，不能审批本案")
    return Resolution((official_id,), (actor,), ((official_id, actor),) if actor != official_id else ())


ESCALATION_RULE = AssignmentRule("centre_office", "centre")


def assign(
    rule: AssignmentRule,
    case: CaseContext,
    org: OrgSnapshot,
    day: date,
    fallback: AssignmentRule | None = None,
    performer_id: int | None = None,
) -> Resolution:
    """Who acts on a task: the earlier step's performer, else the rule, else the next tier, else the centre office.

    `performer_id` is whoever did the step the definition names in `performer_of`; they keep the case
    while they still hold the rule's post and are at work, otherwise the rule decides. A rule left with
    nobody but the case's subject and initiator, or whose post nobody holds (vacant: `vacant` names it),
    passes the task to `fallback`, then to the centre office flagged `escalated`, so it is never silently
    skipped and never stops the case. Only a vacant centre office raises AssignmentError: an administrator
    must act.
    """
    if performer_id is not None and _performer_available(performer_id, rule, case, org, day):
        return Resolution((performer_id,), (performer_id,))
    tiers = [rule, *([fallback] if fallback is not None else [])]
    excluded: list[int] = []
    vacant: list[AssignmentRule] = []
    for tier in tiers:
        try:
            resolution = resolve(tier, case, org, day)
        except NobodyElse:
            excluded.extend(h for h in post_holders(tier, case, org) if h not in excluded)
            continue
        except AssignmentError:  # nobody holds the post
            vacant.append(tier)
            continue
        return replace(resolution, excluded=tuple(excluded) + resolution.excluded, vacant=tuple(vacant))
    try:
        resolution = resolve(ESCALATION_RULE, case, org, day)
    except AssignmentError as exc:
        if vacant:
            raise AssignmentError(f"{_vacant_words(vacant)}，且中心办公室无人在岗，须管理员处理") from exc
        raise
    return replace(resolution, escalated=True, excluded=tuple(excluded) + resolution.excluded, vacant=tuple(vacant))


def _vacant_words(vacant: list[AssignmentRule]) -> str:
    return "；".join(f"组织架构中无人担任 {tier.role}（范围：{tier.scope}）" for tier in vacant)


def _performer_available(performer_id: int, rule: AssignmentRule, case: CaseContext, org: OrgSnapshot,
                         day: date) -> bool:
    return (
        performer_id not in case.excluded_ids
        and performer_id in post_holders(rule, case, org)  # left the post: the rule decides again
        and not org.is_on_leave(performer_id, day)
    )
