"""The applications family's monitoring chart: applications by kind, on time and late."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from workflows.applications.models import Application, ServiceItem
from workflows.runtime.charts import Chart, Series


def applications_by_kind() -> list[Chart]:
    """One grouped count: an application is late once it went past its promised time (`overdue_since` set)."""
    rows = {r["kind"]: r for r in Application.objects.values("kind").annotate(
        on_time=Count("id", filter=Q(overdue_since__isnull=True)),
        late=Count("id", filter=Q(overdue_since__isnull=False)))}
    kinds = [(code, label) for code, label in ServiceItem.KINDS if code in rows]
    return [Chart("applications_by_kind", _("Applications by kind and lateness"), "bar",
                  [label for _code, label in kinds],
                  [Series(_("On time"), [rows[code]["on_time"] for code, _label in kinds], stack="applications"),
                   Series(_("Late"), [rows[code]["late"] for code, _label in kinds], stack="applications")])]
