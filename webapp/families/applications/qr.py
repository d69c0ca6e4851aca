"""The receipt's QR code: the public look-up's address with the case number filled in, drawn as inline SVG.

segno draws it on the server, so the printed receipt needs no script and no outside service; the phone is never
in it (the applicant types it on the look-up page).
"""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.http import HttpRequest
from django.urls import reverse


def lookup_url(request: HttpRequest, number: str) -> str:
    """The look-up's absolute address for this case, as the applicant's phone opens it."""
    return request.build_absolute_uri(f"{reverse('application_lookup')}?{urlencode({'number': number})}")


def qr_svg(text: str) -> str:
    """An inline <svg> of `text` (error correction M: a creased paper receipt still scans)."""
    return segno.make(text, error="m", micro=False).svg_inline(scale=4, title="办件查询二维码")
