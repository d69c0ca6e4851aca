"""The calendar page (working days, holidays, the centre's overrides) and the org chart pages with their history.

Thin views: the grid and the chart are read by workflows.org.selectors; overrides are written by
runtime.services.calendar (which moves the open deadlines) and org changes by workflows.org.services (history,
audit, re-routing of open tasks). Everyone may look at the calendar; the centre office and administrators edit
both; the centre's leaders may read the org chart.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from engine.calendar import statutory_year_known
from webapp.access import official_required
from workflows.org.forms import CalendarOverrideForm
from workflows.org.models import ABPair, CalendarOverride, Department, Official, OrgChange, Role, Window
from workflows.org.selectors import calendar_year, may_keep_org_and_calendar, may_read_org, org_chart
from workflows.org.services import (
    add_ab_pair,
    add_department,
    add_window,
    change_official,
    change_window,
    end_ab_pair,
    rename_department,
)
from workflows.runtime.clock import today
from workflows.runtime.errors import InvalidInput
from workflows.runtime.services.calendar import delete_override, save_override

WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return today().year
    return year if 1950 <= year <= 2100 else today().year


@require_GET
@official_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    current = today()
    missing = sorted({y for y in (year, current.year + 1) if not statutory_year_known(y)})
    return render(request, "calendar.html", {
        "year": year, "years": range(current.year - 2, current.year + 3), "weekdays": WEEKDAYS,
        "months": calendar_year(year, current), "missing_years": missing,
        "overrides": CalendarOverride.objects.filter(day__year=year).order_by("day"),
        "may_edit": may_keep_org_and_calendar(request.user, request.official),
        "form": CalendarOverrideForm(initial={"day": current}),
    })


@require_POST
@official_required
def calendar_override_add(request: HttpRequest) -> HttpResponse:
    if not may_keep_org_and_calendar(request.user, request.official):
        raise PermissionDenied
    form = CalendarOverrideForm(request.POST, instance=_override_of(request.POST.get("day", "")))
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else error)
        return redirect(reverse("calendar") + f"?year={request.POST.get('year') or today().year}")
    override = form.save(commit=False)
    moved = save_override(override, actor=request.official)
    messages.success(request, _("Override saved for %(day)s; %(moved)d open deadlines moved.")
                     % {"day": override.day.isoformat(), "moved": moved})
    return redirect(reverse("calendar") + f"?year={override.day.year}")


def _override_of(day: str) -> CalendarOverride:
    """The day's override when it has one (one override per day: a new one for that day replaces it), else a new one;
    a malformed date is left to the form to refuse."""
    try:
        parsed = forms.DateField().clean(day)
    except forms.ValidationError:
        return CalendarOverride()
    return CalendarOverride.objects.filter(day=parsed).first() or CalendarOverride()


@require_POST
@official_required
def calendar_override_remove(request: HttpRequest, override_id: int) -> HttpResponse:
    if not may_keep_org_and_calendar(request.user, request.official):
        raise PermissionDenied
    override = get_object_or_404(CalendarOverride, pk=override_id)
    day = override.day
    moved = delete_override(override, actor=request.official)
    messages.success(request, _("Override removed for %(day)s; %(moved)d open deadlines moved.")
                     % {"day": day.isoformat(), "moved": moved})
    return redirect(reverse("calendar") + f"?year={day.year}")


def _check_read(request: HttpRequest) -> bool:
    """May read (else 403); returns whether they may also edit."""
    if not may_read_org(request.user, request.official):
        raise PermissionDenied
    return may_keep_org_and_calendar(request.user, request.official)


@require_GET
@official_required
def org_chart_page(request: HttpRequest) -> HttpResponse:
    may_edit = _check_read(request)
    return _chart_page(request, may_edit)


def _chart_page(request: HttpRequest, may_edit: bool, status: int = 200) -> HttpResponse:
    return render(request, "org/chart.html", {"chart": org_chart(), "may_edit": may_edit,
                                              "departments": Department.objects.order_by("name"),
                                              "changes": OrgChange.objects.select_related("actor", "official")
                                              .order_by("-at", "-pk")[:10]}, status=status)


class UnitForm(forms.Form):
    """A department's or a window's name (and a window's number); the service refuses what is wrong, in Chinese."""

    name = forms.CharField(required=False, label="名称")
    number = forms.CharField(required=False, label="窗口号")
    reason = forms.CharField(max_length=200, required=False, label="原因")


class WindowForm(UnitForm):
    department = forms.ModelChoiceField(Department.objects.all(), label="进驻部门")


def _unit_change(request: HttpRequest, form: forms.Form, write, done: str) -> HttpResponse:
    """Run one department or window change from the chart page: back to the chart, or the chart with the error
    (400) when the form or the service refuses it."""
    if not _check_read(request):
        raise PermissionDenied
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _chart_page(request, True, 400)
    try:
        write(form.cleaned_data)
    except InvalidInput as exc:
        messages.error(request, str(exc))
        return _chart_page(request, True, 400)
    messages.success(request, done)
    return redirect("org_chart")


@require_POST
@official_required
def department_add(request: HttpRequest) -> HttpResponse:
    return _unit_change(request, UnitForm(request.POST), lambda data: add_department(
        data["name"], reason=data["reason"], actor=request.official), _("Department added."))


@require_POST
@official_required
def department_rename(request: HttpRequest, department_id: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=department_id)
    return _unit_change(request, UnitForm(request.POST), lambda data: rename_department(
        department, data["name"], reason=data["reason"], actor=request.official), _("Department renamed."))


@require_POST
@official_required
def window_add(request: HttpRequest, department_id: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=department_id)
    return _unit_change(request, UnitForm(request.POST), lambda data: add_window(
        department, data["name"], number=data["number"], reason=data["reason"], actor=request.official),
        _("Window added."))


@require_POST
@official_required
def window_change(request: HttpRequest, window_id: int) -> HttpResponse:
    window = get_object_or_404(Window, pk=window_id)
    return _unit_change(request, WindowForm(request.POST), lambda data: change_window(
        window, name=data["name"], number=data["number"], department=data["department"], reason=data["reason"],
        actor=request.official), _("Window saved."))


class OfficialForm(forms.Form):
    roles = forms.ModelMultipleChoiceField(Role.objects.order_by("pk"), to_field_name="code", required=False,
                                           widget=forms.CheckboxSelectMultiple, label="角色")
    department = forms.ModelChoiceField(Department.objects.order_by("name"), required=False, label="进驻部门")
    window = forms.ModelChoiceField(Window.objects.select_related("department").order_by("department__name", "name"),
                                    required=False, label="窗口")
    active = forms.BooleanField(required=False, label="在岗")
    reason = forms.CharField(max_length=200, required=False, label="原因")


class PairForm(forms.Form):
    b = forms.ModelChoiceField(Official.objects.filter(active=True).order_by("name"), label="B岗")
    kind = forms.ChoiceField(choices=ABPair.KINDS, label="类型")
    valid_from = forms.DateField(required=False, label="起始日期", widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(required=False, label="截止日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(max_length=200, required=False, label="备注")


class EndPairForm(forms.Form):
    last_day = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(max_length=200, required=False, label="原因")


def _official_page(request: HttpRequest, official: Official, may_edit: bool, status: int = 200,
                   form: forms.Form | None = None, pair_form: forms.Form | None = None) -> HttpResponse:
    initial = {"roles": list(official.roles.all()), "department": official.department,
               "window": official.window, "active": official.active}
    return render(request, "org/official.html", {
        "official": official, "may_edit": may_edit,
        "form": form or OfficialForm(initial=initial), "pair_form": pair_form or PairForm(),
        "end_form": EndPairForm(initial={"last_day": today()}),
        "pairs": ABPair.objects.filter(a=official).select_related("b").order_by("-pk"),
        "covers": ABPair.objects.filter(b=official).select_related("a").order_by("-pk"),
        "changes": official.org_changes.select_related("actor").order_by("-at", "-pk"),
    }, status=status)


def _form_errors(form: forms.Form) -> str:
    return "；".join(f"{form.fields[f].label if f in form.fields else ''}：{e}" for f, errs in form.errors.items()
                    for e in errs)


@official_required
def official_page(request: HttpRequest, official_id: int) -> HttpResponse:
    may_edit = _check_read(request)
    official = get_object_or_404(Official.objects.select_related("department", "window"), pk=official_id)
    if request.method == "GET":
        return _official_page(request, official, may_edit)
    if request.method != "POST" or not may_edit:
        raise PermissionDenied
    form = OfficialForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _official_page(request, official, may_edit, 400, form=form)
    data = form.cleaned_data
    try:
        moved = change_official(official, roles=[r.code for r in data["roles"]], department=data["department"],
                                window=data["window"], active=data["active"], reason=data["reason"],
                                actor=request.official)
    except InvalidInput as exc:
        messages.error(request, str(exc))
        return _official_page(request, official, may_edit, 400, form=form)
    messages.success(request, _("Saved; %(moved)d open tasks re-routed.") % {"moved": moved})
    return redirect("org_official", official_id=official.pk)


@require_POST
@official_required
def pair_add(request: HttpRequest, official_id: int) -> HttpResponse:
    if not _check_read(request):
        raise PermissionDenied
    official = get_object_or_404(Official, pk=official_id)
    form = PairForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _official_page(request, official, True, 400, pair_form=form)
    try:
        add_ab_pair(official, actor=request.official, **form.cleaned_data)
    except InvalidInput as exc:
        messages.error(request, str(exc))
        return _official_page(request, official, True, 400, pair_form=form)
    messages.success(request, _("A/B pair added."))
    return redirect("org_official", official_id=official.pk)


@require_POST
@official_required
def pair_end(request: HttpRequest, pair_id: int) -> HttpResponse:
    if not _check_read(request):
        raise PermissionDenied
    pair = get_object_or_404(ABPair, pk=pair_id)
    form = EndPairForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("org_official", official_id=pair.a_id)
    try:
        end_ab_pair(pair, actor=request.official, **form.cleaned_data)
        messages.success(request, _("A/B pair ended."))
    except InvalidInput as exc:
        messages.error(request, str(exc))
    return redirect("org_official", official_id=pair.a_id)


@require_GET
@official_required
def org_history(request: HttpRequest) -> HttpResponse:
    _check_read(request)
    return render(request, "org/history.html", {
        "changes": OrgChange.objects.select_related("actor", "official").order_by("-at", "-pk")[:500]})
