"""待办: my tasks, tasks my roles may claim, tasks I have done; my unread notifications."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from webapp.access import official_required
from webapp.forms import TABS, InboxFilterForm
from workflows.runtime.errors import InvalidInput
from workflows.runtime.selectors import claimable_tasks, done_tasks, filter_tasks, my_tasks, unread_notifications
from workflows.runtime.services.notifications import mark_read

TAB_TASKS = {"mine": my_tasks, "claimable": claimable_tasks, "done": done_tasks}
PAGE_SIZE = 20


@require_GET
@official_required
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET)
    filters = form.filters()
    tab = filters.pop("tab")
    tabs = [(key, label, TAB_TASKS[key](request.official).count()) for key, label in TABS]
    counts = {key: count for key, _label, count in tabs}
    if "tab" not in request.GET and not counts["mine"] and counts["claimable"]:
        tab = "claimable"  # nothing assigned to me yet: open on the work my roles may take
    tasks = filter_tasks(TAB_TASKS[tab](request.official), **filters)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    notifications = unread_notifications(request.official)
    return render(request, "inbox.html", {"form": form, "tab": tab, "tabs": tabs, "page": page,
                                          "notifications": notifications})


@require_POST
@official_required
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        mark_read(notification_id, request.official)
    except InvalidInput as exc:  # not mine, or gone
        raise Http404 from exc
    return redirect("inbox")
