"""Appeal attachments: documents and images by their content, within the size and count limits."""

from __future__ import annotations

import pytest
from discipline_files import EXE_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES, docx_bytes, zip_bytes
from django.core.files.uploadedfile import SimpleUploadedFile

from workflows.discipline import attachments
from workflows.discipline.attachments import AttachmentRefused, check_attachments


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_documents_and_images_pass_and_carry_their_kind():
    checked = check_attachments([upload("说明.pdf", PDF_BYTES), upload("截图.PNG", PNG_BYTES),
                                 upload("照片.jpeg", JPEG_BYTES), upload("申辩书.docx", docx_bytes()),
                                 upload("电子公文.ofd", zip_bytes("OFD.xml", "Doc_0/Document.xml"))])
    assert [(c.name, c.kind) for c in checked] == [("说明.pdf", "pdf"), ("截图.PNG", "png"), ("照片.jpeg", "jpg"),
                                                   ("申辩书.docx", "docx"), ("电子公文.ofd", "ofd")]


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("说明.pdf", EXE_BYTES, "“说明.pdf”的内容不是.pdf文件（文件内容与扩展名不符），不予接收"),
    ("申辩书.docx", zip_bytes("readme.txt"), "“申辩书.docx”的内容不是.docx文件"),  # a zip, but no Word document
    ("截图.png", JPEG_BYTES, "“截图.png”的内容不是.png文件"),
    ("安装.exe", EXE_BYTES, "“安装.exe”的文件类型不在允许范围内：申辩材料只接受PDF、JPG、PNG、Word（.doc、.docx）"),
    ("说明.txt", "说明".encode(), "“说明.txt”的文件类型不在允许范围内"),
    ("空.pdf", b"", "“空.pdf”是空文件"),
])
def test_anything_else_is_refused_with_the_reason(name, content, reason):
    with pytest.raises(AttachmentRefused) as refused:
        check_attachments([upload("好的.pdf", PDF_BYTES), upload(name, content)])
    assert str(refused.value).startswith(reason)


def test_size_and_count_limits(monkeypatch):
    monkeypatch.setattr(attachments, "MAX_FILE_BYTES", len(PDF_BYTES) - 1)
    with pytest.raises(AttachmentRefused, match="“大.pdf”超过"):
        check_attachments([upload("大.pdf", PDF_BYTES)])
    monkeypatch.undo()
    with pytest.raises(AttachmentRefused, match="申辩材料最多5个文件，本次选择了6个"):
        check_attachments([upload(f"{n}.pdf", PDF_BYTES) for n in range(6)])
    monkeypatch.setattr(attachments, "MAX_TOTAL_BYTES", 2 * len(PDF_BYTES) - 1)
    with pytest.raises(AttachmentRefused, match="申辩材料合计不能超过"):
        check_attachments([upload("1.pdf", PDF_BYTES), upload("2.pdf", PDF_BYTES)])
