"""The six duty rules (六项工作制度), the attendance rules (考勤管理办法), and the finding codes
bpmn/duty_rule_measures.dmn matches on.

The investigation form offers these, and violations.record_violation accepts only these; a test checks
them against the table's rows, so a row added to the DMN without its finding here (or the other way round)
fails the suite.
"""

from __future__ import annotations

NOT_IMPLEMENTED = ("not_implemented", "未实行本制度")

FINDINGS: dict[str, list[tuple[str, str]]] = {
    "首问负责制": [
        NOT_IMPLEMENTED,
        ("no_self_introduction", "未告知姓名、职务和联系电话"),
        ("no_record", "未认真听取意见并登记记录"),
        ("not_handled_promptly", "职责范围内的事项未及时处理"),
        ("no_one_time_explanation", "不能当场办理，未一次性解释清楚"),
        ("no_referral", "非本人职责，未指明承办窗口和联系人"),
        ("uncivil_reply", "敷衍塞责、语言简单生硬"),
    ],
    "服务承诺制": [
        NOT_IMPLEMENTED,
        ("over_time_limit", "超过承诺时限（窗口造成）"),
        ("over_time_limit_by_staff", "超过承诺时限（工作人员造成）"),
        ("dress_badge_language", "未按规定着装、挂牌，语言不文明"),
        ("rude_service", "态度蛮横、语言粗俗，发生争吵"),
        ("not_disclosed", "“八公开”内容未公开"),
        ("unlawful_charge", "乱收费（窗口）"),
        ("unlawful_charge_by_staff", "乱收费（工作人员个人行为）"),
        ("petty_corruption", "吃拿卡要报、以权谋私（对工作人员）"),
        ("petty_corruption_window", "吃拿卡要报、以权谋私（对所在窗口）"),
        ("serious_corruption", "情节严重，移交处分"),
    ],
    "AB岗工作制": [
        NOT_IMPLEMENTED,
        ("substitute_neglect", "顶岗人员未认真履行代岗职责"),
        ("substitute_neglect_serious", "顶岗人员失职，造成严重后果"),
    ],
    "限时办结制": [
        NOT_IMPLEMENTED,
        ("over_time_limit", "超出规定时限（窗口造成）"),
        ("no_receipt_slip", "未出具收件回执单"),
        ("assigned_work_overdue", "领导交办工作逾期（情节较轻）"),
        ("assigned_work_overdue_serious", "领导交办工作逾期（情节较重）"),
        ("emergency_delayed", "紧急、突发事件未及时处理"),
    ],
    "否定报备制": [
        NOT_IMPLEMENTED,
        ("denial_not_registered", "否定事项未登记备案"),
        ("denial_beyond_authority", "越权否定"),
        ("denial_form_missing", "未填写《否定报备登记表》"),
        ("denial_overdue", "否定报备未按时限办结"),
        ("denial_not_in_writing", "未以书面形式告知服务对象"),
        ("materials_not_returned", "未退还被否定的诉求材料"),
    ],
    "一次性告知制": [
        NOT_IMPLEMENTED,
        ("no_acceptance_slip", "未开具《受理单》或《不予受理告知书》"),
        ("not_in_writing", "未以书面形式告知"),
        ("no_guidance", "涉及多部门等情形未及时告知、解答"),
    ],
    # 考勤管理办法 三 (旷工); 实施细则 第六条(十八) 旷工一次(半天) → 效能告诫. Not one of the six duty rules,
    # but the same table decides it, so an absence the leave process records and one a complaint finds agree.
    "考勤管理办法": [
        ("absence", "旷工（未请假、请假未获批准、超假不归等）"),
    ],
}

DUTY_RULES = tuple(FINDINGS)


def findings_of(duty_rule: str) -> set[str]:
    return {code for code, _ in FINDINGS.get(duty_rule, [])}


def finding_label(duty_rule: str, finding: str) -> str:
    """The finding as people read it (超出规定时限（窗口造成）), or its code when the rule has no such finding."""
    return dict(FINDINGS.get(duty_rule, [])).get(finding, finding)
