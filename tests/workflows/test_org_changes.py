"""Org chart changes made on the org pages: history row, audit, open tasks re-routed, refusals that save nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workflows.org.models import ABPair, Absence, OrgChange, Window
from workflows.org.services import REROUTED, add_ab_pair, change_official, end_ab_pair
from workflows.runtime.errors import InvalidInput
from workflows.runtime.models import AuditEvent, HumanTask
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def review(db, centre, clock):
    """An open task for the window head of 企业登记窗口 (张三)."""
    deploy_from_files("window_review", [FIXTURES / "window_review.bpmn"])
    instance = start_process("window_review", data={"note": "交接材料"}, business_key="SH-9",
                             applicant=centre["lisi"], started_by=centre["lisi"])
    return HumanTask.objects.get(instance=instance)


def _post(official, **changes):
    post = {"roles": list(official.roles.values_list("code", flat=True)), "department": official.department,
            "window": official.window, "active": official.active}
    return {**post, **changes}


def test_a_role_change_is_kept_in_the_history_audited_and_re_routes_the_open_task(review, centre):
    chensx, zhangsan, office = centre["chensx"], centre["zhangsan"], centre["zhaobgs"]
    assert list(review.candidates.all()) == [zhangsan]

    moved = change_official(chensx, **_post(chensx, roles=["chief_representative", "window_staff", "window_head"]),
                            reason="张三调岗交接", actor=office)

    review.refresh_from_db()
    assert moved == 1 and set(review.candidates.all()) == {zhangsan, chensx}
    [change] = OrgChange.objects.all()
    assert (change.official, change.actor, change.what, change.reason) == (chensx, office, "official", "张三调岗交接")
    assert change.before["roles"] == ["chief_representative", "window_staff"]
    assert change.after["roles"] == ["chief_representative", "window_head", "window_staff"]
    assert change.summary == "陈首席：增加角色窗口负责人"
    [audited] = AuditEvent.objects.filter(action="org_changed")
    assert audited.actor == office and audited.message == "陈首席：增加角色窗口负责人（原因：张三调岗交接）"
    [rerouted] = AuditEvent.objects.filter(task=review, action="task_reassigned")
    assert rerouted.message == f"{REROUTED}：陈首席" == "岗位变动，按新组织架构重新分派：陈首席"


def test_an_official_taken_off_duty_loses_the_open_task_to_the_other_holder(review, centre):
    chensx, zhangsan = centre["chensx"], centre["zhangsan"]
    change_official(chensx, **_post(chensx, roles=["window_staff", "window_head"]))

    moved = change_official(zhangsan, **_post(zhangsan, active=False), reason="调离", actor=centre["admin"])

    review.refresh_from_db()
    zhangsan.refresh_from_db()
    assert moved >= 1 and not zhangsan.active and list(review.candidates.all()) == [chensx]
    assert OrgChange.objects.filter(official=zhangsan).get().summary == "张三：离岗（停用）"
    assert AuditEvent.objects.filter(task=review, action="task_reassigned",
                                     message=f"{REROUTED}：张三").exists()


def test_nothing_changes_nothing_is_recorded(review, centre):
    lisi = centre["lisi"]
    assert change_official(lisi, **_post(lisi)) == 0
    assert not OrgChange.objects.exists() and not AuditEvent.objects.filter(action="org_changed").exists()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"roles": ["window_staff", "deputy"]}, "roles", "角色：不存在的角色 “deputy”"),
    ({"window": "户籍办理窗口"}, "window", "窗口：县公安局 户籍办理窗口不属于"),
])
def test_a_bad_post_change_names_the_field_and_saves_nothing(review, centre, changes, field, message):
    lisi = centre["lisi"]
    if "window" in changes:
        changes = {"window": Window.objects.get(name=changes["window"])}
    with pytest.raises(InvalidInput) as err:
        change_official(lisi, **_post(lisi, **changes))
    assert err.value.field == field and str(err.value).startswith(message)
    lisi.refresh_from_db()
    assert list(lisi.roles.values_list("code", flat=True)) == ["window_staff"]
    assert not OrgChange.objects.exists() and not AuditEvent.objects.filter(action="org_changed").exists()


def test_ending_and_adding_an_a_b_pair_re_routes_the_task_of_an_absent_official(review, centre, clock):
    zhangsan, lisi, chensx, office = centre["zhangsan"], centre["lisi"], centre["chensx"], centre["zhaobgs"]
    Absence.objects.create(official=zhangsan, first_day=date(2026, 11, 30), last_day=date(2026, 12, 4), reason="病假")
    standing = ABPair.objects.get(a=zhangsan, b=lisi)

    end_ab_pair(standing, last_day=date(2026, 11, 29), reason="李四借调", actor=office)
    pair = add_ab_pair(zhangsan, chensx, kind=ABPair.TEMPORARY, valid_from=date(2026, 11, 30),
                       valid_to=date(2026, 12, 4), note="病假期间", actor=office)

    review.refresh_from_db()
    standing.refresh_from_db()
    assert standing.valid_to == date(2026, 11, 29) and pair.b == chensx
    assert list(review.candidates.all()) == [chensx]
    assert list(OrgChange.objects.filter(official=zhangsan).order_by("pk").values_list("what", "summary")) == [
        ("ab_pair_ended", "结束AB岗：张三 → 李四，2026-11-29起不再代岗"),
        ("ab_pair_added", "新增AB岗：张三（A岗）→ 陈首席（B岗），2026-11-30至2026-12-04"),
    ]
    assert AuditEvent.objects.filter(action="org_changed", actor=office).count() == 2
    assert AuditEvent.objects.filter(task=review, action="task_reassigned",
                                     message=f"{REROUTED}：AB岗 张三 → 陈首席").exists()


@pytest.mark.parametrize(("a", "b", "kind", "valid_from", "valid_to", "field"), [
    ("lisi", "lisi", ABPair.STANDING, None, None, "b"),
    ("lisi", "chensx", ABPair.TEMPORARY, date(2026, 12, 4), date(2026, 12, 1), "valid_to"),
    ("lisi", "chensx", ABPair.TEMPORARY, None, date(2026, 12, 1), "valid_from"),
])
def test_a_bad_a_b_pair_is_refused_naming_the_field(centre, a, b, kind, valid_from, valid_to, field):
    pairs = ABPair.objects.count()
    with pytest.raises(InvalidInput) as err:
        add_ab_pair(centre[a], centre[b], kind=kind, valid_from=valid_from, valid_to=valid_to)
    assert err.value.field == field
    assert ABPair.objects.count() == pairs and not OrgChange.objects.exists()


def test_a_pair_cannot_end_before_it_starts_or_end_twice(centre):
    pair = add_ab_pair(centre["lisi"], centre["chensx"], kind=ABPair.TEMPORARY, valid_from=date(2026, 12, 1),
                       valid_to=date(2026, 12, 10))
    with pytest.raises(InvalidInput, match="^截止日期：不能早于起始日期$"):
        end_ab_pair(pair, last_day=date(2026, 11, 20))
    with pytest.raises(InvalidInput, match="^截止日期：该AB岗已于2026-12-10结束$"):
        end_ab_pair(pair, last_day=date(2026, 12, 20))
    assert OrgChange.objects.count() == 1


def test_the_history_is_append_only(centre):
    pair = add_ab_pair(centre["lisi"], centre["chensx"], kind=ABPair.STANDING)
    change = OrgChange.objects.get(what="ab_pair_added")
    with pytest.raises(ValueError):
        change.save()
    with pytest.raises(ValueError):
        change.delete()
    assert pair.pk
