"""The modeler page's server side: drafts with optimistic locking, the vocabulary the panel offers, validation
marked by element, publishing; all refused to anyone but the definition managers (the centre office)."""

from __future__ import annotations

import pytest

from tests.conftest import BPMN_DIR
from workflows.runtime.errors import Conflict
from workflows.runtime.models import AuditEvent, DefinitionDraft, ProcessDefinition
from workflows.runtime.services.definitions import validate_sources
from workflows.runtime.services.drafts import save_draft

KEY = "leave_approval"


def leave_sources(**replace: str) -> dict[str, str]:
    """The shipped leave process with 莘县 rules; `replace` maps a text to its substitute in the .bpmn."""
    bpmn = (BPMN_DIR / "leave_approval.bpmn").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in bpmn
        bpmn = bpmn.replace(old, new)
    return {"leave_approval.bpmn": bpmn,
            "leave_route_shenxian.dmn": (BPMN_DIR / "leave_route_shenxian.dmn").read_text(encoding="utf-8")}


# confirm_substitute's form, renamed to one no family registered: refused at deploy, naming the element
UNKNOWN_FORM = {'name="form" value="confirm_substitute"': 'name="form" value="no_such_form"'}


def post(client, action: str, body: dict, key: str = KEY):
    return client.post(f"/definitions/{key}/{action}/", body, content_type="application/json")


def test_vocabulary_lists_roles_scopes_forms_and_services_from_the_registry(login):
    body = login("zhaobgs").get("/definitions/vocabulary.json").json()
    roles = {r["value"]: r for r in body["roles"]}
    assert roles["window_head"]["label"] == "窗口负责人" and roles["window_head"]["default_scope"] == "applicant.window"
    assert {"applicant.window", "applicant.department", "centre"} <= {s["value"] for s in body["scopes"]}
    assert {"approval", "confirm_substitute", "report_back", "generic"} <= {f["value"] for f in body["forms"]}
    assert "runtime.copy_to" in {s["value"] for s in body["services"]}
    modes = {m["value"]: m["label"] for m in body["approval_modes"]}
    assert modes == {"all": "会签", "any": "或签", "sequential": "依次"}
    assert [a["value"] for a in body["timeout_actions"]] == ["remind", "approve", "reject", "escalate"]


@pytest.mark.parametrize("url", ["/definitions/vocabulary.json", f"/definitions/{KEY}/edit/"])
def test_pages_are_refused_to_officials_who_do_not_manage_definitions(login, url):
    assert login("lisi").get(url).status_code == 403


def test_the_page_opens_the_latest_version_then_the_draft(login, leave_definition):
    client = login("zhaobgs")
    page = client.get(f"/definitions/{KEY}/edit/")
    assert page.status_code == 200
    assert page.context["config"]["origin"] == "version" and page.context["config"]["basedOn"] == 1
    assert set(page.context["config"]["sources"]) == {"leave_approval.bpmn", "leave_route_shenxian.dmn"}
    assert post(client, "draft", {"sources": leave_sources(), "checksum": "", "basedOn": 1}).status_code == 200
    again = client.get(f"/definitions/{KEY}/edit/").context["config"]
    assert again["origin"] == "draft" and again["checksum"] == DefinitionDraft.objects.get(key=KEY).checksum


def test_a_new_key_starts_from_chosen_files_of_bpmn(login):
    client = login("zhaobgs")
    empty = client.get("/definitions/my_leave/edit/")
    assert empty.context["config"]["origin"] == "" and "leave_route_nileke.dmn" in empty.context["shipped_files"]
    opened = client.get("/definitions/my_leave/edit/?file=leave_approval.bpmn&file=leave_route_nileke.dmn"
                        "&file=../settings.py").context["config"]
    assert opened["origin"] == "files" and set(opened["sources"]) == {"leave_approval.bpmn", "leave_route_nileke.dmn"}


def test_saving_a_draft_is_audited(login, official):
    response = post(login("zhaobgs"), "draft", {"sources": leave_sources(), "checksum": ""})
    assert response.status_code == 200
    draft = DefinitionDraft.objects.get(key=KEY)
    assert response.json()["checksum"] == draft.checksum and draft.saved_by == official("zhaobgs")
    event = AuditEvent.objects.get(action="definition_draft_saved")
    assert event.actor == official("zhaobgs") and event.after["files"] == sorted(leave_sources())


def test_a_save_over_someone_elses_newer_draft_is_a_409(login, official):
    first = post(login("zhaobgs"), "draft", {"sources": leave_sources(), "checksum": ""}).json()["checksum"]
    # an administrator saves over it, having opened that draft
    admin = login("admin")
    changed = leave_sources(**{"请销假审批": "请销假审批（修订）"})
    assert post(admin, "draft", {"sources": changed, "checksum": first}).status_code == 200
    # 赵文静 still edits the first draft: refused, nothing overwritten
    stale = post(login("zhaobgs"), "draft", {"sources": leave_sources(), "checksum": first})
    assert stale.status_code == 409
    assert "保存了新的草稿" in stale.json()["error"] and "系统管理员" in stale.json()["error"]
    assert "请销假审批（修订）" in DefinitionDraft.objects.get(key=KEY).sources["leave_approval.bpmn"]
    # a second "first" draft of a key that has one is refused likewise
    assert post(login("zhaobgs"), "draft", {"sources": leave_sources(), "checksum": ""}).status_code == 409


def test_the_service_refuses_a_stale_save(centre):
    draft = save_draft(KEY, leave_sources(), centre["zhaobgs"])
    with pytest.raises(Conflict):
        save_draft(KEY, leave_sources(), centre["zhaobgs"], expected_checksum="0" * 64)
    assert DefinitionDraft.objects.get(key=KEY).checksum == draft.checksum


@pytest.mark.parametrize("action", ["draft", "validate", "publish"])
def test_non_managers_are_refused_with_403_and_nothing_is_stored(login, action):
    response = post(login("lisi"), action, {"sources": leave_sources(), "checksum": ""})
    assert response.status_code == 403 and "中心办公室" in response.json()["error"]
    assert not DefinitionDraft.objects.exists()
    assert ProcessDefinition.objects.filter(key=KEY).count() == 1


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        ({"leave_route_shenxian.dmn": "<x/>"}, "至少需要一个 .bpmn"),
        ({"../evil.bpmn": "<x/>"}, "文件名"),
        ("not a mapping", "文件内容缺失"),
    ],
)
def test_bad_sources_are_a_400_naming_the_field(login, sources, message):
    response = post(login("zhaobgs"), "draft", {"sources": sources, "checksum": ""})
    assert response.status_code == 400
    assert response.json()["field"] == "sources" and message in response.json()["error"]
    assert not DefinitionDraft.objects.exists()


def test_validation_lists_problems_by_file_and_element(login):
    client = login("zhaobgs")
    assert post(client, "validate", {"sources": leave_sources()}).json() == {"problems": []}
    problems = post(client, "validate", {"sources": leave_sources(**UNKNOWN_FORM)}).json()["problems"]
    assert [(p["file"], p["element_id"]) for p in problems] == [("leave_approval.bpmn", "confirm_substitute")]
    assert "no_such_form" in problems[0]["message"]


def test_validate_sources_contract(centre):
    assert validate_sources(KEY, leave_sources()) == []
    broken = dict(leave_sources(), **{"leave_route_shenxian.dmn": "<definitions"})
    problems = validate_sources(KEY, broken)
    assert problems and problems[0].file == "leave_route_shenxian.dmn" and problems[0].element_id == ""


def test_publish_is_refused_with_the_problems_and_stores_nothing(login):
    client = login("zhaobgs")
    checksum = post(client, "draft", {"sources": leave_sources(**UNKNOWN_FORM), "checksum": ""}).json()["checksum"]
    refused = post(client, "publish", {"sources": leave_sources(**UNKNOWN_FORM), "checksum": checksum})
    assert refused.status_code == 400
    assert [p["element_id"] for p in refused.json()["problems"]] == ["confirm_substitute"]
    assert ProcessDefinition.objects.filter(key=KEY).count() == 1 and DefinitionDraft.objects.filter(key=KEY).exists()


def test_publish_makes_the_next_version_and_drops_the_draft(login, official):
    client = login("zhaobgs")
    changed = leave_sources(**{"请销假审批": "请销假审批（修订）"})
    checksum = post(client, "draft", {"sources": changed, "checksum": ""}).json()["checksum"]
    published = post(client, "publish", {"sources": changed, "checksum": checksum})
    assert published.status_code == 200 and published.json()["version"] == 2
    latest = ProcessDefinition.objects.get(key=KEY, version=2)
    assert latest.deployed_by == official("zhaobgs") and "请销假审批（修订）" in latest.sources["leave_approval.bpmn"]
    assert not DefinitionDraft.objects.filter(key=KEY).exists()
    assert AuditEvent.objects.filter(action="definition_deployed", message=f"{KEY} v2").exists()


def test_the_definitions_page_opens_any_key_in_the_modeler(login, leave_definition):
    client = login("zhaobgs")
    assert client.get("/definitions/edit/?key=my_leave").url == "/definitions/my_leave/edit/"
    refused = client.get("/definitions/edit/?key=../x", follow=True)
    assert refused.redirect_chain[-1][0] == "/definitions/" and "流程标识" in refused.content.decode()
    assert client.get("/definitions/a%20b/edit/").status_code == 404
    detail = client.get(f"/definitions/{leave_definition.pk}/").content.decode()
    assert f'href="/definitions/{KEY}/edit/"' in detail
