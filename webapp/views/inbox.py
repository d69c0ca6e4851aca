"""待办: my tasks, tasks my roles may claim, tasks I have done; my latest unread notifications.

The page costs the same few queries whatever its size and however many tasks the centre has closed: the tab
counts stop at COUNT_CAP, no list is counted whole, the done tab (which only grows) pages by cursor and the open
tabs by page number."""

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from webapp.access import official_required
from webapp.api.pagination import DoneTaskCursorPagination
from webapp.forms import TABS, InboxFilterForm
from workflows.runtime.list_export import tasks_xlsx
from workflows.runtime.models import HumanTask, SendBack
from workflows.runtime.selectors import claimable_tasks, done_tasks, filter_tasks, my_tasks, unread_notifications
from workflows.runtime.services.transitions import allowed_operations, take_back_verdicts

TAB_TASKS = {"mine": my_tasks, "claimable": claimable_tasks, "done": done_tasks}
PAGE_SIZE = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INBOX_NOTIFICATIONS = 5
COUNT_CAP = 100  # a tab shows "99+" beyond: nobody reads a larger number, and counting it scans the rows


def _capped_count(tasks: QuerySet[HumanTask]) -> int:
    """How many, up to COUNT_CAP: a COUNT over at most that many index entries."""
    return tasks.order_by().values("pk")[:COUNT_CAP].count()


def _count_label(count: int) -> str:
    return f"{COUNT_CAP - 1}+" if count >= COUNT_CAP else str(count)


def _without_cursor(request: HttpRequest) -> HttpRequest:
    """The request with its `cursor` dropped (the other filters stay)."""
    request.GET = request.GET.copy()
    request.GET.pop("cursor", None)
    return request


def _page(request: HttpRequest, tab: str, tasks: QuerySet[HumanTask]) -> dict:
    """One page of the tab: its rows, the links to the pages beside it, and for the open tabs its number."""
    if tab == "done":
        cursor = DoneTaskCursorPagination()
        cursor.page_size = PAGE_SIZE
        try:
            rows = cursor.paginate_queryset(tasks, Request(request))
        except NotFound:  # a cursor edited by hand or cut short: the first page, as a stale filter is dropped
            rows = cursor.paginate_queryset(tasks, Request(_without_cursor(request)))
        return {"rows": rows, "previous_url": cursor.get_previous_link(), "next_url": cursor.get_next_link(),
                "page_number": None}
    return _numbered_page(request, tasks)


def _numbered_page(request: HttpRequest, tasks: QuerySet[HumanTask]) -> dict:
    """The open tabs, sorted by due date (a column with NULLs, which a cursor cannot follow): by page number,
    reading one row past the page to know whether another follows instead of counting them all."""
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    rows = list(tasks[(number - 1) * PAGE_SIZE:number * PAGE_SIZE + 1])
    link = request.GET.copy()
    links = {}
    for name, target, shown in (("previous_url", number - 1, number > 1), ("next_url", number + 1,
                                                                          len(rows) > PAGE_SIZE)):
        link["page"] = target
        links[name] = f"?{link.urlencode()}" if shown else None
    return {"rows": rows[:PAGE_SIZE], **links, "page_number": number}


def _filtered(request: HttpRequest, tab: str, filters: dict) -> QuerySet[HumanTask]:
    """The tab's tasks under the page's filters; the date range reads the completion day on the done tab."""
    return filter_tasks(TAB_TASKS[tab](request.official), **filters,
                        date_field="completed_at" if tab == "done" else "created_at")


def _bulk_approvable(task: HumanTask, official) -> bool:
    """批量同意 checkbox: the definition allows it on this step and the one may-act rule lets the official complete it
    (a row of 我的待办 is the official's, so no candidate query is needed)."""
    return (task.bulk_approve and task.form == "approval"
            and bool(allowed_operations(task, official, candidate=task.assignee_id is None)["complete"]))


@require_GET
@official_required
def inbox_xlsx(request: HttpRequest) -> HttpResponse:
    """The tab as Excel, with the page's filters, at most EXPORT_LIMIT rows (the sheet says when cut)."""
    filters = InboxFilterForm(request.GET).filters()
    tab = filters.pop("tab")
    title = str(dict(TABS)[tab])
    response = HttpResponse(tasks_xlsx(title, _filtered(request, tab, filters)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="tasks-{tab}.xlsx"'
    return response


def _mark_send_backs_and_take_backs(tab: str, rows: list[HumanTask], official) -> None:
    """退回 rows carry the reason they were sent back with; 已办 rows whether they may be taken back (撤回), by the
    one rule (transitions.take_back_verdicts), read for the whole page at once."""
    if tab == "mine":
        sent_back = [task.pk for task in rows if task.held_by == HumanTask.BY_SEND_BACK]
        reasons = dict(SendBack.objects.filter(returned_to_id__in=sent_back).values_list("returned_to_id", "reason")
                       ) if sent_back else {}
        for task in rows:
            task.send_back_reason = reasons.get(task.pk, "")
    elif tab == "done":
        verdicts = take_back_verdicts(list(rows), official)
        for task in rows:
            task.may_take_back = verdicts[task.pk].allowed


@require_GET
@official_required
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET)
    filters = form.filters()
    tab = filters.pop("tab")
    counts = {key: _capped_count(TAB_TASKS[key](request.official)) for key, _label in TABS}
    tabs = [(key, label, _count_label(counts[key])) for key, label in TABS]
    if "tab" not in request.GET and not counts["mine"] and counts["claimable"]:
        tab = "claimable"  # nothing assigned to me yet: open on the work my roles may take
    tasks = _filtered(request, tab, filters)
    notifications = unread_notifications(request.official)[:INBOX_NOTIFICATIONS]  # the rest: /notifications/
    page = _page(request, tab, tasks)
    names = dict(form.fields["process"].choices)  # read once by the form for its choices
    for task in page["rows"]:
        task.process_name = names.get(task.process_key, task.process_key)
        task.bulk_ok = tab == "mine" and _bulk_approvable(task, request.official)
    _mark_send_backs_and_take_backs(tab, page["rows"], request.official)
    export = request.GET.copy()
    for paging in ("cursor", "page"):
        export.pop(paging, None)
    export["tab"] = tab
    return render(request, "inbox.html", {"form": form, "tab": tab, "tabs": tabs, **page,
                                          "notifications": notifications, "export_query": export.urlencode(),
                                          "bulk": any(task.bulk_ok for task in page["rows"])})

