"""待办: my tasks, tasks my roles may claim, tasks I have done."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from webapp.access import official_required
from webapp.forms import TABS, InboxFilterForm
from workflows.runtime.selectors import claimable_tasks, done_tasks, filter_tasks, my_tasks

TAB_TASKS = {"mine": my_tasks, "claimable": claimable_tasks, "done": done_tasks}
PAGE_SIZE = 20


@require_GET
@official_required
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET)
    filters = form.filters()
    tab = filters.pop("tab")
    tasks = filter_tasks(TAB_TASKS[tab](request.official), **filters)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [(key, label, TAB_TASKS[key](request.official).count()) for key, label in TABS]
    return render(request, "inbox.html", {"form": form, "tab": tab, "tabs": tabs, "page": page})
