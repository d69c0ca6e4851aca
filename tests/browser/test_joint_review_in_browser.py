"""In a real browser: a co-department's chief representative opens the joint review from the inbox, disagrees with an
opinion, and the lead department's chief representative sees that opinion on the conclusion task."""

from __future__ import annotations

from tests.workflows.joint_steps import (
    CO_DEPARTMENTS,
    REPRESENTATIVE,
    complete,
    inform,
    joint_application,
    open_tasks,
    prepare_joint_centre,
    started,
    task_of,
)
from workflows.applications.models import CoDepartmentReview

DEPARTMENT = "县住房和城乡建设局"


def test_a_department_reviews_a_joint_application_in_the_browser(centre, log_in, live_server):
    application = joint_application(prepare_joint_centre())
    instance = started(application)
    inform(instance)
    for other in CO_DEPARTMENTS:
        if other != DEPARTMENT:
            complete(task_of(instance, other), REPRESENTATIVE[other], {"agree": True, "opinion": "同意"})
    task = task_of(instance, DEPARTMENT)

    reviewer = log_in(REPRESENTATIVE[DEPARTMENT])
    reviewer.click(f"a[href='/tasks/{task.pk}/']")
    reviewer.wait_for_url(f"**/tasks/{task.pk}/")
    assert application.number in reviewer.locator("body").inner_text()
    reviewer.check("input[name=agree][value=false]")
    reviewer.click("form.task-form button[type=submit]")  # no opinion: refused, the task stays
    reviewer.wait_for_load_state()
    assert "不同意的，须写明意见。" in reviewer.locator("body").inner_text()
    reviewer.fill("textarea[name=opinion]", "施工图审查未通过")
    reviewer.click("form.task-form button[type=submit]")
    reviewer.wait_for_url(f"{live_server.url}/")
    assert "“协办部门审查”已办理" in reviewer.locator("body").inner_text()

    review = CoDepartmentReview.objects.get(application=application, department__name=DEPARTMENT)
    assert (review.answer, review.opinion) == (CoDepartmentReview.DISAGREED, "施工图审查未通过")
    [conclude] = open_tasks(instance, "conclude_joint_review")
    lead = log_in(REPRESENTATIVE["县发展和改革委员会"])
    lead.click(f"a[href='/tasks/{conclude.pk}/']")
    lead.wait_for_url(f"**/tasks/{conclude.pk}/")
    text = lead.locator("body").inner_text()
    assert "施工图审查未通过" in text and DEPARTMENT in text
