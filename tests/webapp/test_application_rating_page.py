"""好差评 on the public look-up page: the applicant who found an issued case with its number and phone rates it once;
a bad rating opens the department's rectification; without a look-up in this browser nothing can be rated."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.workflows.application_steps import do, items_fixture, open_steps  # noqa: F401 (the `items` fixture)
from workflows.applications.intake import ApplicationRefused, receive_application
from workflows.applications.models import Application, Rating
from workflows.applications.ratings import rate_application
from workflows.runtime.models import HumanTask


def issued_case(items, centre) -> Application:
    item = items["CN-002"]
    application = receive_application(item.pk, "伊犁天山餐饮有限公司", "138 9991 2345", "新开餐馆",
                                       list(item.materials.values_list("pk", flat=True)), centre["lisi"])
    do(application, "handle_application", centre["chensx"],
       {"action": "decide", "decision": "approved", "opinion": "符合条件"})
    do(application, "issue_result", centre["lisi"], {"handed_over": "on"})
    assert application.status == Application.ISSUED
    return application


def looked_up(client: Client, application: Application) -> str:
    page = client.post(reverse("application_lookup"), {"number": application.number, "phone": "13899912345"})
    return page.content.decode()


def test_the_applicant_rates_an_issued_case_once_and_a_bad_rating_goes_to_the_department(items, centre, clock):
    application = issued_case(items, centre)
    client = Client()
    page = looked_up(client, application)
    assert 'action="/lookup/rate/"' in page and "13899912345" not in page  # the phone is never sent back

    rated = client.post(reverse("application_rate"), {"score": "2", "comment": "等了很久"}).content.decode()
    assert "您的评价已记录" in rated and "承办部门将于" in rated and 'action="/lookup/rate/"' not in rated
    rating = Rating.objects.get(application=application)
    assert (rating.score, rating.comment) == (2, "等了很久") and rating.rectification_due_at is not None
    assert open_steps(application) == ["rectify_bad_rating"]

    again = client.post(reverse("application_rate"), {"score": "5"})
    assert again.status_code == 200 and Rating.objects.count() == 1
    assert "每件只能评价一次" in again.content.decode()


def test_a_bad_score_is_refused_in_chinese_and_nothing_is_saved(items, centre, clock):
    application = issued_case(items, centre)
    client = Client()
    looked_up(client, application)
    page = client.post(reverse("application_rate"), {"score": "9"}).content.decode()
    assert "选择" in page and not Rating.objects.exists()
    assert not HumanTask.objects.filter(instance=application.instance, spec_name="rectify_bad_rating").exists()


def test_without_a_look_up_in_this_browser_or_after_a_miss_nothing_can_be_rated(items, centre, clock):
    application = issued_case(items, centre)
    stranger = Client()
    assert stranger.post(reverse("application_rate"), {"score": "1"})["Location"] == reverse("application_lookup")
    kiosk = Client()
    looked_up(kiosk, application)
    kiosk.post(reverse("application_lookup"), {"number": application.number, "phone": "13900000000"})
    assert kiosk.post(reverse("application_rate"), {"score": "1"}).status_code == 302
    assert not Rating.objects.exists()


def test_a_case_not_issued_yet_offers_no_rating_and_the_service_refuses_one(items, centre, clock):
    item = items["CN-002"]
    application = receive_application(item.pk, "伊犁天山餐饮有限公司", "13899912345", "新开餐馆",
                                       list(item.materials.values_list("pk", flat=True)), centre["lisi"])
    assert 'action="/lookup/rate/"' not in looked_up(Client(), application)
    with pytest.raises(ApplicationRefused, match="只有已出件且在评价期内"):
        rate_application(application.number, "13899912345", 5)
    with pytest.raises(ApplicationRefused, match="办件编号和电话不匹配"):
        rate_application(application.number, "13900000000", 5)
