"""The discipline family's monitoring chart: sanction cases opened and appeals received, month by month."""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from engine.clock import CENTRE_TZ
from workflows.discipline.models import Appeal, SanctionCase
from workflows.runtime.charts import Chart, last_months, month_series
from workflows.runtime.selectors import day_start


def sanctions_and_appeals() -> list[Chart]:
    """The last twelve months (the centre's months), one grouped count per table."""
    months = last_months()
    sanctions = (SanctionCase.objects.filter(opened_at__gte=day_start(months[0]))
                 .annotate(month=TruncMonth("opened_at", tzinfo=CENTRE_TZ)).values("month")
                 .annotate(n=Count("id")).values_list("month", "n"))
    appeals = (Appeal.objects.filter(received_on__gte=months[0]).annotate(month=TruncMonth("received_on"))
               .values("month").annotate(n=Count("id")).values_list("month", "n"))
    return [Chart("sanctions_and_appeals", _("Sanctions and appeals per month"), "line",
                  [f"{m:%Y-%m}" for m in months],
                  [month_series(_("Sanction cases"), months, sanctions), month_series(_("Appeals"), months, appeals)])]
