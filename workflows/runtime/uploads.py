"""Is an uploaded file what its name claims? Judged by its content, shared by every family that takes files.

The first bytes must be those of the kind its extension claims (`filetype` reads the signatures), and the zip-based
formats must hold the part that makes them what they claim (a .docx holds word/document.xml, an .xlsx
xl/workbook.xml, an .ofd OFD.xml). So an .exe renamed .pdf or a zip renamed .docx is refused. Each family decides
which kinds it takes (the discipline appeal: workflows/discipline/attachments.py; task attachments: settings).
"""

from __future__ import annotations

import hashlib
import zipfile
from typing import IO, Protocol

import filetype

# extension → the kind its content must be
EXTENSIONS = {".pdf": "pdf", ".jpg": "jpg", ".jpeg": "jpg", ".png": "png", ".doc": "doc", ".docx": "docx",
              ".xlsx": "xlsx", ".ofd": "ofd"}
CONTENT_TYPES = {
    "pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png", "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ofd": "application/ofd",
}
_ZIP_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "ofd": "OFD.xml"}
_HEAD_BYTES = 8192


class Upload(Protocol):
    name: str | None
    size: int | None

    def read(self, size: int = -1) -> bytes: ...

    def seek(self, offset: int, whence: int = 0) -> int: ...


def _zip_has(upload: IO[bytes], part: str) -> bool:
    """Reads the zip's directory only: nothing is unpacked."""
    try:
        with zipfile.ZipFile(upload) as archive:
            return part in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def content_matches(upload: Upload, claimed: str) -> bool:
    """Whether the content really is `claimed` (one of EXTENSIONS' kinds)."""
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    if claimed in _ZIP_PARTS:
        return head.startswith(b"PK\x03\x04") and _zip_has(upload, _ZIP_PARTS[claimed])
    guessed = filetype.guess(head)
    return guessed is not None and guessed.extension == claimed


def sha256_of(upload: Upload) -> str:
    """The SHA-256 of the whole file, read in chunks; the file is rewound for whoever stores it next."""
    upload.seek(0)
    digest = hashlib.sha256()
    while chunk := upload.read(1024 * 1024):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
