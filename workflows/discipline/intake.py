"""Complaint intake rules the form and the service share: one target, named consistently; a real phone number.

第十一条 and 有诉必理 need an answer to reach the complainant, so a contact given must be a number that
can be dialled: a mainland mobile (11 digits from 13x–19x, optionally +86) or a landline with its area
code (0 + 2–3 digits, then 7–8 digits, optional extension), written with or without spaces and hyphens.
"""

from __future__ import annotations

import re

from workflows.discipline.rules import OFFICIAL, WINDOW
from workflows.org.models import Official, Window

_MOBILE = re.compile(r"(?:\+?86)?1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}\d{7,8}(?:(?:转|ext\.?|#)\d{1,6})?")
PHONE_HINT = "手机号为1开头的11位数字，固定电话须带区号（如0999-8123456）"


def normalized_phone(contact: str) -> str:
    """The contact without spaces, hyphens and brackets; "" when none was given."""
    return re.sub(r"[\s\-()（）]", "", contact or "")


def phone_problem(contact: str) -> str | None:
    """Why `contact` is not a phone number one can call back, or None when it is (or nothing was given)."""
    number = normalized_phone(contact)
    if not number:
        return None
    if _MOBILE.fullmatch(number) or _LANDLINE.fullmatch(number):
        return None
    return f"联系电话“{contact.strip()}”不是有效的电话号码：{PHONE_HINT}"


def target_problem(target_kind: str, official: Official | None, window: Window | None) -> tuple[str, str] | None:
    """(field, message) when the chosen targets contradict the kind, or None when they agree.

    A complaint about an official names that official and at most their own window; a complaint about
    a window names the window and no official (a complaint about someone at the window is about them).
    """
    if target_kind == OFFICIAL and official is not None and window is not None and official.window_id != window.pk:
        return ("target_window", f"所选窗口“{window}”与被投诉工作人员{official.name}所在窗口不一致，"
                                 "请只选择工作人员，或改为投诉窗口")
    if target_kind == WINDOW and official is not None:
        return ("target_official", f"投诉对象为窗口时不能同时选择工作人员{official.name}："
                                   "投诉具体工作人员请将投诉对象改为“窗口工作人员”")
    return None
