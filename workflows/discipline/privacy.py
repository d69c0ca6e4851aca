"""The complainant's identity and contact are for the centre office and the efficiency group only.

Whoever else reads about a complaint (the accused official, who is the complaint's applicant and may open
its pages, or an official given a step) sees neither the name nor the contact, and free text typed by
the office (the complaint, the findings, the reply) has them replaced by 〔投诉人〕 / 〔联系方式〕.
Case facts drawn from a complaint are masked the same way when the case is opened, so letters, the
ledger and its CSV never carry them (有诉必理 must not expose who complained).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workflows.discipline.models import Complaint
from workflows.discipline.selectors import SEE_ALL_ROLES
from workflows.org.models import Official

NAME_MASK = "〔投诉人〕"
CONTACT_MASK = "〔联系方式〕"
_NAME_MIN_LENGTH = 2  # a one-character "name" (e.g. a bare surname) would blank out ordinary words


def may_see_complainant(official: Official | None) -> bool:
    return official is not None and official.roles.filter(code__in=SEE_ALL_ROLES).exists()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def mask_complainant(text: str, name: str, contact: str) -> str:
    """`text` with the complainant's name and contact (also written with spaces or hyphens) masked."""
    if name and len(name.strip()) >= _NAME_MIN_LENGTH:
        text = text.replace(name.strip(), NAME_MASK)
    digits = _digits(contact)
    if len(digits) >= 5:
        spaced = r"[\s-]*".join(re.escape(d) for d in digits)
        text = re.sub(spaced, CONTACT_MASK, text)
    elif contact.strip():
        text = text.replace(contact.strip(), CONTACT_MASK)
    return text


def masked(complaint: Complaint, text: str) -> str:
    return mask_complainant(text, complaint.complainant_name, complaint.complainant_contact)


@dataclass(frozen=True)
class ComplaintView:
    """A complaint as one reader may see it."""

    complaint: Complaint
    shows_complainant: bool
    complainant_name: str
    complainant_contact: str
    summary: str
    findings: str
    reply: str


def complaint_as_seen_by(complaint: Complaint, official: Official | None) -> ComplaintView:
    if may_see_complainant(official):
        return ComplaintView(complaint, True, complaint.complainant_name, complaint.complainant_contact,
                             complaint.summary, complaint.findings, complaint.reply)
    return ComplaintView(complaint, False, "", "", masked(complaint, complaint.summary),
                         masked(complaint, complaint.findings), masked(complaint, complaint.reply))
