"""The discipline API's routes under /api/."""

from webapp.families.discipline import api

routes = [
    ("complaints", api.ComplaintViewSet, "complaint"),
    ("cases", api.SanctionCaseViewSet, "case"),
    ("appeals", api.AppealViewSet, "appeal"),
    ("ledger", api.LedgerViewSet, "ledger"),
    ("violation-records", api.ViolationRecordViewSet, "violation-record"),
]
