"""The leave family's monitoring chart: working days of leave granted per window."""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext as _

from workflows.leave.models import LeaveRequest
from workflows.runtime.charts import Chart, Series

GRANTED = (LeaveRequest.APPROVED, LeaveRequest.ACTIVE, LeaveRequest.RETURNED, LeaveRequest.ABSENT)


def leave_days_per_window() -> list[Chart]:
    """Days of granted leave (approved, taken or being taken) summed per window of the applicant: one query."""
    rows = list(LeaveRequest.objects.filter(status__in=GRANTED).values("applicant__window__name")
                .annotate(days=Sum("days")).order_by("applicant__window__name"))
    return [Chart("leave_days_per_window", _("Leave days per window"), "bar",
                  [r["applicant__window__name"] or _("No window") for r in rows],
                  [Series(_("Leave days"), [float(r["days"] or 0) for r in rows])])]
