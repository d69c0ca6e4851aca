"""Monitoring charts (JSON for ECharts), the instance list with its diagram page, bulk actions and the 迁移 page."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from application_rows import items, make_case
from django.urls import reverse

from engine.clock import CENTRE_TZ
from workflows.discipline.models import Appeal, SanctionCase
from workflows.leave.models import LeaveRequest
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.instances import start_process

REVIEW = (Path(__file__).resolve().parent.parent / "workflows" / "fixtures" / "window_review.bpmn").read_text(
    encoding="utf-8")


def charts_of(client) -> dict[str, dict]:
    response = client.get(reverse("monitoring_charts"))
    assert response.status_code == 200
    return {chart["id"]: chart for chart in response.json()["charts"]}


def as_dict(chart: dict) -> dict[str, list]:
    return {name: [s["data"][i] for s in chart["series"]] for i, name in enumerate(chart["categories"])}


def test_the_charts_count_a_seeded_centre(login, file_leave, official, clock):
    first, second = file_leave("lisi"), file_leave("sunqi", first=date(2026, 12, 2), last=date(2026, 12, 3))
    file_leave("zhouba", first=date(2026, 12, 7), last=date(2026, 12, 7))  # still pending: no days granted
    LeaveRequest.objects.filter(pk__in=[first.pk, second.pk]).update(status=LeaveRequest.APPROVED)
    catalogue = list(items().values())
    promised = next(i for i in catalogue if i.kind == "promised")
    at = datetime(2026, 11, 2, 10, 0, tzinfo=CENTRE_TZ)
    make_case("A-1", promised, official("lisi"), at)
    make_case("A-2", promised, official("lisi"), at, overdue_since=datetime(2026, 11, 20, 0, 0, tzinfo=CENTRE_TZ))
    make_case("A-3", promised, official("lisi"), at)
    kinds = {field.name: field for field in SanctionCase._meta.get_fields()}
    case = SanctionCase.objects.create(
        year=2026, target_kind=kinds["target_kind"].choices[0][0], respondent=official("lisi"), facts="迟到",
        measure=kinds["measure"].choices[0][0], deciding_role="centre_director", origin=kinds["origin"].choices[0][0],
        opened_at=datetime(2026, 10, 15, 9, 0, tzinfo=CENTRE_TZ))
    Appeal.objects.create(case=case, appellant=official("lisi"), text="申辩", received_on=date(2026, 11, 3),
                          due_on=date(2026, 11, 17))
    clock.set(datetime(2026, 12, 8, 9, 0, tzinfo=CENTRE_TZ))  # every leave's first task is past its due time

    charts = charts_of(login("wangzr"))

    assert list(charts)[0] == "tasks_by_department"  # the runtime's own, then the families'
    assert set(charts) == {"tasks_by_department", "applications_by_kind", "sanctions_and_appeals",
                           "leave_days_per_window"}
    open_rows = HumanTask.objects.filter(state=HumanTask.OPEN)
    expected: dict[str, list] = {}
    for row in open_rows.select_related("department"):
        counts = expected.setdefault(row.department.name, [0, 0])
        counts[0] += 1
        counts[1] += 1  # all overdue on 12-08
    assert as_dict(charts["tasks_by_department"]) == expected and sum(v[0] for v in expected.values()) == 3
    assert as_dict(charts["applications_by_kind"]) == {"承诺件": [2, 1]}
    assert [s["stack"] for s in charts["applications_by_kind"]["series"]] == ["applications", "applications"]
    months = as_dict(charts["sanctions_and_appeals"])
    assert len(months) == 12 and list(months)[-1] == "2026-12"
    assert (months["2026-10"], months["2026-11"], months["2026-12"]) == ([1, 0], [0, 1], [0, 0])
    assert charts["sanctions_and_appeals"]["kind"] == "line"
    windows = {o.window.name: 0.0 for o in (official("lisi"), official("sunqi"))}
    windows[official("lisi").window.name] += 1.0
    windows[official("sunqi").window.name] += 2.0
    assert as_dict(charts["leave_days_per_window"]) == {k: [v] for k, v in windows.items()}


def test_charts_and_the_instance_pages_are_for_monitors_and_bulk_and_moves_for_the_office(login, file_leave):
    leave = file_leave()
    lisi = login("lisi")
    for name, args in [("monitoring_charts", []), ("monitoring_instances", []),
                       ("monitoring_instance", [leave.instance.pk]), ("monitoring_moves", [])]:
        assert lisi.get(reverse(name, args=args)).status_code == 403
    assert lisi.post(reverse("monitoring_bulk"), {"action": "cancel", "instances": [leave.instance.pk],
                                                  "reason": "x"}).status_code == 403
    director = login("wangzr")
    assert director.get(reverse("monitoring_instances")).status_code == 200
    assert director.get(reverse("monitoring_moves")).status_code == 403  # watching is not administering
    assert director.post(reverse("monitoring_bulk"), {"action": "cancel"}).status_code == 403
    assert login("zhaobgs").get(reverse("monitoring_moves")).status_code == 200


def test_the_instance_list_filters_and_each_row_shows_its_diagram(login, file_leave, clock):
    leave = file_leave()
    office = login("zhaobgs")
    page = office.get(reverse("monitoring_instances"), {"process": "leave", "status": "running"})
    assert [i.pk for i in page.context["page"]] == [leave.instance.pk]
    assert office.get(reverse("monitoring_instances"), {"status": "errored"}).context["page"].paginator.count == 0
    assert office.get(reverse("monitoring_instances"), {"older_than": 3}).context["page"].paginator.count == 0
    clock.set(datetime(2026, 12, 5, 9, 0, tzinfo=CENTRE_TZ))
    assert office.get(reverse("monitoring_instances"), {"older_than": 3}).context["page"].paginator.count == 1
    assert office.get(reverse("monitoring_instances"), {"older_than": "很久"}).status_code == 200  # ignored, shown
    detail = office.get(reverse("monitoring_instance", args=[leave.instance.pk]))
    open_spec = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN).spec_name
    assert detail.context["diagram"]["current"] == [open_spec.split(" [")[0]]
    assert 'class="diagram"' in detail.content.decode()


def test_bulk_cancel_from_the_page_reports_each_case(login, file_leave):
    leave = file_leave()
    office = login("zhaobgs")
    response = office.post(reverse("monitoring_bulk"), {"action": "cancel", "instances": [leave.instance.pk],
                                                        "reason": "重复申请"}, follow=True)
    assert response.status_code == 200
    assert ProcessInstance.objects.get(pk=leave.instance.pk).status == ProcessInstance.CANCELLED
    assert f"案件 {leave.instance.pk}：已终止。" in [str(m) for m in response.context["messages"]]
    empty = office.post(reverse("monitoring_bulk"), {"action": "cancel", "instances": [leave.instance.pk],
                                                     "reason": ""}, follow=True)
    assert [str(m) for m in empty.context["messages"]] == ["请填写理由或意见。"]


def test_the_move_page_dry_runs_then_moves_the_confirmed_ones(login, centre, clock):
    v1 = deploy_definition("window_review", {"window_review.bpmn": REVIEW})
    case = start_process("window_review", data={}, business_key="M-1", applicant=centre["lisi"])
    v2 = deploy_definition("window_review", {"window_review.bpmn": REVIEW.replace("审核完成", "审核结束")})
    office = login("zhaobgs")
    url = reverse("monitoring_moves") + f"?process=window_review&source={v1.pk}&target={v2.pk}"
    dry = office.get(url)
    assert [(row.instance.pk, row.movable) for row in dry.context["plan"]] == [(case.pk, True)]
    unconfirmed = office.post(url, {"instances": [case.pk], "reason": "改名"}, follow=True)
    assert ProcessInstance.objects.get(pk=case.pk).definition_id == v1.pk
    assert unconfirmed.status_code == 200
    office.post(url, {"instances": [case.pk], "reason": "改名", "confirm": "yes"})
    assert ProcessInstance.objects.get(pk=case.pk).definition_id == v2.pk
    assert AuditEvent.objects.filter(instance=case, action="instance_migrated").count() == 1
