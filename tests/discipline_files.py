"""Smallest files that are what their names say (judged by content), for the appeal-attachment tests."""

from __future__ import annotations

import zipfile
from io import BytesIO

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"


def zip_bytes(*parts: str) -> bytes:
    """A zip holding the named parts; the same bytes on every call (a fixed time stamp, not the clock's)."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for part in parts:
            archive.writestr(zipfile.ZipInfo(part, date_time=(2026, 1, 1, 0, 0, 0)), "<x/>")
    return out.getvalue()


def docx_bytes() -> bytes:
    """A .docx is a zip whose main part is word/document.xml."""
    return zip_bytes("[Content_Types].xml", "word/document.xml")
