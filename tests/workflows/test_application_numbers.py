"""Case numbers: 年月日 + the day's sequence, unique even when two windows receive at the same moment."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection

from tests.workflows.application_steps import all_materials, items_fixture  # noqa: F401 (the `items` fixture)
from workflows.applications import intake
from workflows.applications.models import Application


def test_numbers_run_by_day_and_start_again_the_next_day(items, centre, clock):
    item = items["CN-002"]

    def receive() -> str:
        return intake.receive_application(item.pk, "伊犁天山餐饮有限公司", "13899912345", "", all_materials(item),
                                          centre["lisi"]).number

    assert [receive(), receive()] == ["20261130-0001", "20261130-0002"]
    clock.advance(days=1)
    assert receive() == "20261201-0001"


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="two concurrent write transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_windows_receiving_at_once_get_different_numbers(items, centre, clock, monkeypatch):
    """Both read the same last number before either saves; the second insert waits for the first's commit, fails on
    the unique number and takes the next one."""
    item = items["CN-002"]
    barrier = threading.Barrier(2)
    read = threading.local()
    last_number = intake._last_number

    def both_read_first(prefix: str) -> str | None:
        number = last_number(prefix)
        if not getattr(read, "once", False):
            read.once = True
            barrier.wait(10)
        return number

    monkeypatch.setattr(intake, "_last_number", both_read_first)
    numbers: list[str] = []
    failures: list[BaseException] = []

    def window(username: str) -> None:
        try:
            numbers.append(intake.receive_application(item.pk, f"申请人{username}", "13899912345", "",
                                                      all_materials(item), centre[username]).number)
        except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=window, args=(name,)) for name in ("lisi", "zhangsan")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not failures
    assert sorted(numbers) == ["20261130-0001", "20261130-0002"]
    assert Application.objects.count() == 2
