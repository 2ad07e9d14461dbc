"""More hostile uploads for the one validator (core/uploads.py; the basics are in tests/core)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core import uploads
from core.uploads import IMAGE, PDF, XLSX, validate_upload

MB = 1024 * 1024
SECRET = b"GPS 22.8170N 108.3669E secret payload"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def image_bytes(fmt: str, **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, format=fmt, **save)
    return out.getvalue()


def workbook_zip(extra: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        for name, data in extra.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_data_hidden_after_an_image_is_dropped():
    # A JPEG with a zip archive (or anything) appended: a polyglot the re-encoding removes.
    polyglot = image_bytes("JPEG") + workbook_zip({"xl/secret.txt": SECRET})
    stored = validate_upload(upload("photo.jpg", polyglot), allowed={IMAGE}, max_bytes=MB)
    content = stored.read()
    assert SECRET not in content and b"PK\x03\x04" not in content
    assert Image.open(io.BytesIO(content)).format == "JPEG"


def exif_with(text: bytes) -> bytes:
    exif = Image.Exif()
    exif[0x010E] = text.decode()  # ImageDescription
    return exif.tobytes()


def test_comments_and_text_chunks_are_stripped_from_every_image_type():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", SECRET.decode())
    sources = {
        "a.png": image_bytes("PNG", pnginfo=info),
        "b.gif": image_bytes("GIF", comment=SECRET),
        "c.jpg": image_bytes("JPEG", comment=SECRET),
        "d.webp": image_bytes("WEBP", exif=exif_with(SECRET)),
    }
    for name, content in sources.items():
        assert SECRET in content, name  # the test file really carries the metadata
        stored = validate_upload(upload(name, content), allowed={IMAGE}, max_bytes=MB)
        data = stored.read()
        assert SECRET not in data, name
        assert Image.open(io.BytesIO(data)).size == (40, 30)


@pytest.mark.parametrize(
    "name, content",
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("photo.jpg", b"<!DOCTYPE html><html><body onload=alert(1)>"),
        ("photo.jpg", b"\xff\xd8"),  # two bytes of a JPEG signature, nothing else
        ("archive.jpg", b"PK\x03\x04" + b"\0" * 40),  # a zip where an image was asked for
    ],
)
def test_scripts_and_fragments_posing_as_images_are_refused(name, content):
    with pytest.raises(ValidationError):
        validate_upload(upload(name, content), allowed={IMAGE}, max_bytes=MB)


def test_a_workbook_too_large_once_unpacked_is_refused(monkeypatch):
    # Incompressible (stored) entries: the ratio is 1, only the total size gives it away.
    monkeypatch.setattr(uploads, "XLSX_MAX_UNCOMPRESSED", 2 * MB)
    archive = workbook_zip({"xl/media/blob.bin": bytes(range(256)) * (12 * 1024)}, compression=zipfile.ZIP_STORED)
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("big.xlsx", archive), allowed={XLSX}, max_bytes=10 * MB)
    assert exc.value.code == "zip_size"


def test_a_truncated_workbook_is_refused():
    archive = workbook_zip({"xl/worksheets/sheet1.xml": b"<sheetData/>" * 100})
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("cut.xlsx", archive[: len(archive) // 2]), allowed={XLSX}, max_bytes=MB)
    assert exc.value.code == "bad_type"


def test_a_pdf_is_refused_where_only_images_are_taken():
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("certificate.jpg", b"%PDF-1.7\n1 0 obj\n"), allowed={IMAGE}, max_bytes=MB)
    assert exc.value.code == "bad_type" and "图片" in exc.value.messages[0]


def test_the_stored_name_never_keeps_a_path_or_the_claimed_extension():
    stored = validate_upload(upload("../../etc/passwd.pdf", image_bytes("PNG")), allowed={IMAGE, PDF}, max_bytes=MB)
    assert "/" not in stored.name and ".." not in stored.name
    assert stored.name.endswith((".jpg", ".png"))
