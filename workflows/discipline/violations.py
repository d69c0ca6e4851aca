"""Records the rule books treat as violations reach discipline by rule, never by hand-copying.

Another family (an overdue application, an absence from leave) calls `record_violation` with a unique `source`
naming its record; discipline counts the how-many-th time it is (第几次), asks the duty-rule table the complaint
process runs (bpmn/duty_rule_measures.dmn, as deployed in the latest `complaint` definition) for the measure and
whom it targets, and opens the sanction case the centre office or the efficiency group then decides as any other.
限时办结制 五、2 is the example: a window's first overdue case → 诫勉教育 of the window, the second → 效能告诫.

Discipline knows nothing of the caller's records: the caller says which window or official to blame. A row that
gives no measure, or a target nobody can answer for, is recorded for the centre office to decide (`note` says
why) instead of guessed. One record and at most one case per source, also under two concurrent calls: the source
is unique, and the window or official is locked while its occurrence is counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engine.clock import CENTRE_TZ
from engine.decisions import evaluate_decision
from workflows.discipline.duty_rules import DUTY_RULES, finding_label, findings_of
from workflows.discipline.models import SanctionCase, ViolationRecord
from workflows.discipline.rules import MEASURES, OFFICIAL, WINDOW
from workflows.discipline.selectors import window_head
from workflows.discipline.services import COMPLAINT_PROCESS, DisciplineRefused, open_case
from workflows.org.models import Official, Window
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.engine_env import bundle_for, environment
from workflows.runtime.errors import Conflict, InvalidInput
from workflows.runtime.services.definitions import active_definition

DUTY_RULE_DECISION = "duty_rule_measure"  # the decision complaint.bpmn's propose_measure calls
SOURCE_MAX_LENGTH = ViolationRecord._meta.get_field("source").max_length


@dataclass(frozen=True)
class Measure:
    """What the duty-rule table says: 诫勉教育 / 效能告诫 (or "" for none), of the window or the official."""

    measure: str
    target: str
    rule_code: str


def _check(source: str, duty_rule: str, finding: str, facts: str, window: Window | None, official: Official | None,
           occurred_at: datetime | None) -> None:
    """Every refusal before anything is read or written, each with a message saying what to fix."""
    if not source.strip() or len(source) > SOURCE_MAX_LENGTH:
        raise DisciplineRefused(_("A violation record needs a source of at most %(n)d characters naming the record "
                                  "it comes from.") % {"n": SOURCE_MAX_LENGTH}, field="source")
    if duty_rule not in DUTY_RULES:
        raise DisciplineRefused(_("Unknown duty rule “%(rule)s”; known: %(known)s.")
                                % {"rule": duty_rule, "known": "、".join(DUTY_RULES)}, field="duty_rule")
    if finding not in findings_of(duty_rule):
        raise DisciplineRefused(_("“%(rule)s” has no finding “%(finding)s”; its findings: %(known)s.")
                                % {"rule": duty_rule, "finding": finding,
                                   "known": "、".join(sorted(findings_of(duty_rule)))}, field="finding")
    if not facts.strip():
        raise DisciplineRefused(_("Say what happened (the facts of the violation)."), field="facts")
    if (window is None) == (official is None):
        raise DisciplineRefused(_("Name exactly one window or one official the violation is held against."))
    if occurred_at is not None and timezone.is_naive(occurred_at):
        raise DisciplineRefused(_("The time of the violation needs its time zone."), field="occurred_at")


def _occurrence(duty_rule: str, finding: str, window: Window | None, official: Official | None,
                occurred_at: datetime) -> int:
    """1 + the earlier records of this duty rule and finding against the same window or official in the calendar
    year (in the centre's time) the violation happened in: repeats count within the year whose 考评 they decide.

    A record whose case was dismissed (不予处理) or revoked on appeal was found no violation and does not count, as
    only founded complaints count (selectors.finding_occurrence); one still waiting for a decision does."""
    year = occurred_at.astimezone(CENTRE_TZ).year
    earlier = ViolationRecord.objects.filter(
        duty_rule=duty_rule, finding=finding,
        occurred_at__gte=datetime(year, 1, 1, tzinfo=CENTRE_TZ),
        occurred_at__lt=datetime(year + 1, 1, 1, tzinfo=CENTRE_TZ),
    ).exclude(case__status=SanctionCase.DISMISSED).exclude(case__revoked=True)
    earlier = earlier.filter(window=window) if window is not None else earlier.filter(official=official)
    return earlier.count() + 1


def duty_rule_measure(duty_rule: str, finding: str, occurrence: int) -> Measure | None:
    """The measure the deployed duty-rule table gives; None while no `complaint` definition is deployed.

    A failing cell raises the engine's ExecutionError naming the business rule task.
    """
    try:
        definition = active_definition(COMPLAINT_PROCESS)
    except InvalidInput:
        return None
    outputs = evaluate_decision(bundle_for(definition), DUTY_RULE_DECISION,
                                {"duty_rule": duty_rule, "finding": finding, "occurrence": occurrence}, environment())
    return Measure(str(outputs.get("measure") or ""), str(outputs.get("measure_target") or ""),
                   str(outputs.get("measure_rule_code") or ""))


def _whom(measure: Measure, window: Window | None, official: Official | None
          ) -> tuple[Window | None, Official | None, str]:
    """(window, official) the case is against as the table's target says, or a note why nobody can answer for it.

    The table may target the window when an official was named (their window) or the official when a window was
    (its head, who answers for it, as for complaints against a window)."""
    if measure.target == WINDOW:
        window = window or official.window
        if window is None:
            return None, None, _("%(name)s works at no window; the rule targets the window.") % {"name": official.name}
        if window_head(window) is None:  # who receives a window's letter and may appeal (services._respondent)
            return None, None, _("%(window)s has no window head to answer for it.") % {"window": window}
        return window, None, ""
    if measure.target == OFFICIAL:
        official = official or window_head(window)
        if official is None:
            return None, None, _("%(window)s has no window head to answer for it.") % {"window": window}
        if official.window is None:
            return None, None, _("%(name)s works at no window; sanctions are for window staff.") % {
                "name": official.name}
        return None, official, ""
    return None, None, _("The duty-rule table names no target “%(target)s”.") % {"target": measure.target}


def _open_case(record: ViolationRecord, measure: Measure | None) -> tuple[SanctionCase | None, str]:
    """The case the table's measure calls for, or (None, why the centre office decides instead)."""
    if measure is None:
        return None, _("The duty-rule table (the complaint process) is not deployed.")
    if measure.measure not in MEASURES:
        return None, _("The duty rules give no measure for this finding.")
    window, official, note = _whom(measure, record.window, record.official)
    if note:
        return None, note
    breach = f"{record.duty_rule}：{finding_label(record.duty_rule, record.finding)}"
    case = open_case(
        target_kind=measure.target, target_window=window, target_official=official, measure=measure.measure,
        rule_code=measure.rule_code, other_text="" if measure.rule_code else breach, facts=record.facts,
        origin=SanctionCase.RECORD,
    )
    return case, ""


def _record(source: str, duty_rule: str, finding: str, facts: str, window: Window | None, official: Official | None,
            occurred_at: datetime) -> ViolationRecord:
    """Inside the caller's transaction: lock the target, count, decide, save the record, open its case, audit."""
    target = (Window.objects.filter(pk=window.pk) if window is not None else Official.objects.filter(pk=official.pk))
    target.select_for_update().get()  # two records against one target count one after the other
    existing = ViolationRecord.objects.filter(source=source).first()
    if existing is not None:  # the same source committed while this call waited for the lock
        return existing
    occurrence = _occurrence(duty_rule, finding, window, official, occurred_at)
    measure = duty_rule_measure(duty_rule, finding, occurrence)
    record = ViolationRecord.objects.create(  # the unique source settles a race the lock did not (SQLite)
        source=source, duty_rule=duty_rule, finding=finding, occurrence=occurrence, window=window,
        official=official, facts=facts, occurred_at=occurred_at, created_at=now(),
    )
    case, note = _open_case(record, measure)
    if case is not None or note:
        record.case, record.note = case, note
        record.save(update_fields=["case", "note"])
    against = official.name if official is not None else str(window)
    outcome = (_("case %(case)s opened (%(measure)s)") % {"case": case.register_number, "measure": case.measure}
               if case is not None else _("for the centre office to decide: %(note)s") % {"note": note})
    audit.record(
        "violation_recorded", instance=case.instance if case is not None else None,
        message=_("%(source)s: %(rule)s %(finding)s of %(against)s, time %(n)d in the year; %(outcome)s") % {
            "source": source, "rule": duty_rule, "finding": finding_label(duty_rule, finding), "against": against,
            "n": occurrence, "outcome": outcome},
        after={"violation_record_id": record.pk, "source": source, "duty_rule": duty_rule, "finding": finding,
               "occurrence": occurrence, "case_id": case.pk if case is not None else None, "note": note},
    )
    return record


def record_violation(
    *,
    source: str,
    duty_rule: str,
    finding: str,
    facts: str,
    window: Window | None = None,
    official: Official | None = None,
    occurred_at: datetime | None = None,
) -> ViolationRecord:
    """Hand one violation to discipline: the record, and the case the duty-rule table calls for.

    `source` is unique per violation ("application:123:overdue"): a second call with it returns the first record
    and opens nothing. `duty_rule` and `finding` are those of workflows.discipline.duty_rules; exactly one of
    `window` and `official` is the one the caller holds it against; `occurred_at` (default now) places it in its
    calendar year. Bad input raises DisciplineRefused before anything is written.
    """
    _check(source, duty_rule, finding, facts, window, official, occurred_at)
    source, facts = source.strip(), facts.strip()
    existing = ViolationRecord.objects.filter(source=source).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _record(source, duty_rule, finding, facts, window, official, occurred_at or now())
    except IntegrityError:
        existing = ViolationRecord.objects.filter(source=source).first()
        if existing is None:  # some other constraint: not a repeat of this source
            raise
        return existing


@transaction.atomic
def open_case_for_record(
    record: ViolationRecord,
    *,
    opened_by: Official,
    measure: str,
    target_kind: str,
    rule_code: str = "",
    other_text: str = "",
    facts: str = "",
) -> SanctionCase:
    """The centre office decides a record the table left to it: it opens the case itself (measure, target, the
    catalogue item or a description), and the record points at it. The record's facts stand unless given anew.

    A window record against the official means the window's head; an official's record against the window, their
    window. Once a record has a case, another is refused (Conflict), also when two offices try at once.
    """
    if not opened_by.roles.filter(code="centre_office").exists():
        raise DisciplineRefused(_("Only the centre office decides violation records."))
    locked = ViolationRecord.objects.select_for_update(of=("self",)).select_related("window", "official__window").get(
        pk=record.pk)
    if locked.case_id is not None:
        raise Conflict(_("A case was already opened for this record: %(case)s.") % {
            "case": locked.case.register_number})
    if target_kind == OFFICIAL:
        window, official = None, locked.official or window_head(locked.window)
    else:
        window, official = locked.window or locked.official.window, None
    case = open_case(
        target_kind=target_kind, target_window=window, target_official=official, measure=measure,
        rule_code=rule_code, other_text=other_text, facts=facts.strip() or locked.facts,
        origin=SanctionCase.RECORD, opened_by=opened_by,
    )
    locked.case = case
    locked.save(update_fields=["case"])
    audit.record("violation_case_opened", instance=case.instance, actor=opened_by,
                 message=_("%(source)s decided by the centre office: case %(case)s opened (%(measure)s)") % {
                     "source": locked.source, "case": case.register_number, "measure": case.measure},
                 after={"violation_record_id": locked.pk, "case_id": case.pk, "note": locked.note})
    return case
