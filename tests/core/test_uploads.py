"""The one upload validator: type sniffed from content, size, image re-encoding, zip bombs."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image

from core.uploads import IMAGE, PDF, XLSX, validate_upload

MB = 1024 * 1024


def jpeg_with_exif(size=(64, 32)) -> bytes:
    image = Image.new("RGB", size, (200, 20, 20))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    wb = Workbook()
    wb.active.append(["姓名", "身份证号"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_jpeg_is_reencoded_without_exif_and_rotated():
    stored = validate_upload(upload("photo.jpg", jpeg_with_exif()), allowed={IMAGE}, max_bytes=5 * MB)
    assert stored.name == "photo.jpg"
    with Image.open(io.BytesIO(stored.read())) as image:
        assert not image.getexif()
        assert image.size == (32, 64)  # the orientation was applied before EXIF was dropped


def test_png_with_transparency_stays_png():
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, format="PNG")
    stored = validate_upload(upload("logo.png", out.getvalue()), allowed={IMAGE}, max_bytes=MB)
    assert stored.name.endswith(".png")


def test_pdf_is_accepted_when_allowed():
    stored = validate_upload(upload("证书.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n"), allowed={IMAGE, PDF}, max_bytes=MB)
    assert stored.name == "证书.pdf"


@pytest.mark.parametrize(
    "name, content, allowed",
    [
        ("notes.txt", b"just some text", {IMAGE, PDF}),  # wrong type
        ("photo.jpg", b"%PDF-1.4 a pdf dressed as a photo", {IMAGE}),  # disguised type
        ("photo.png", b"MZ\x90\x00\x03\x00\x00\x00 an executable", {IMAGE}),  # disguised type
        ("page.pdf", b"<html><script>alert(1)</script></html>", {PDF}),  # disguised type
        ("roster.xlsx", b"%PDF-1.4", {XLSX}),  # disguised type
    ],
)
def test_wrong_or_disguised_type_is_refused(name, content, allowed):
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload(name, content), allowed=allowed, max_bytes=MB)
    assert exc.value.code == "bad_type"


def test_too_big_is_refused_before_parsing():
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("big.jpg", jpeg_with_exif() + b"\0" * MB), allowed={IMAGE}, max_bytes=MB)
    assert exc.value.code == "too_big"
    assert "上限" in exc.value.messages[0]


def test_empty_file_is_refused():
    with pytest.raises(ValidationError):
        validate_upload(upload("empty.jpg", b""), allowed={IMAGE}, max_bytes=MB)


def test_truncated_image_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("broken.jpg", jpeg_with_exif()[:40]), allowed={IMAGE}, max_bytes=MB)
    assert exc.value.code == "bad_image"


def test_pixel_bomb_is_refused():
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, format="PNG")  # tiny file, 64 megapixels
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("bomb.png", out.getvalue()), allowed={IMAGE}, max_bytes=MB)
    assert exc.value.code == "too_big"


def test_valid_xlsx_passes():
    stored = validate_upload(upload("名册.xlsx", xlsx_bytes()), allowed={XLSX}, max_bytes=10 * MB)
    assert stored.name == "名册.xlsx"


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_zip_bomb_ratio_is_refused():
    bomb = _zip(
        {"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b"0" * (20 * MB)}
    )
    assert len(bomb) < MB
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("bomb.xlsx", bomb), allowed={XLSX}, max_bytes=10 * MB)
    assert exc.value.code == "zip_ratio"


def test_archive_with_too_many_entries_is_refused():
    entries = {"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}
    entries.update({f"xl/media/{i}.bin": bytes([i % 256]) * 3 for i in range(1001)})
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("many.xlsx", _zip(entries)), allowed={XLSX}, max_bytes=10 * MB)
    assert exc.value.code == "zip_entries"


def test_zip_that_is_not_a_workbook_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload("fake.xlsx", _zip({"readme.txt": b"hello"})), allowed={XLSX}, max_bytes=MB)
    assert exc.value.code == "bad_type"
