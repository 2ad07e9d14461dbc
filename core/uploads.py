"""One validator for every upload: member and honours imports, activity photos, certificates.

The type is sniffed from the content, never taken from the name or the browser's header.
Images are re-encoded (which drops EXIF, GPS and anything hidden after the image data);
.xlsx archives are checked for zip bombs before anything parses them.
"""

import io
import os
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE = "image"
PDF = "pdf"
XLSX = "xlsx"

KIND_LABELS = {IMAGE: "图片（JPG、PNG、GIF、WEBP）", PDF: "PDF 文件", XLSX: "Excel 文件（.xlsx）"}

# Zip-bomb limits for .xlsx archives.
XLSX_MAX_ENTRIES = 1000
XLSX_MAX_UNCOMPRESSED = 100 * 1024 * 1024
XLSX_MAX_RATIO = 100

# Photos from phones are large; anything past this many pixels is refused before decoding.
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 2560  # re-encoded photos are scaled to fit this


@dataclass(frozen=True)
class Sniffed:
    kind: str
    extension: str
    content_type: str


def sniff(head: bytes) -> Sniffed | None:
    """Recognise the accepted types by their magic bytes."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(IMAGE, "jpg", "image/jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed(IMAGE, "png", "image/png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed(IMAGE, "gif", "image/gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed(IMAGE, "webp", "image/webp")
    if head.startswith(b"%PDF-"):
        return Sniffed(PDF, "pdf", "application/pdf")
    if head.startswith(b"PK\x03\x04"):
        return Sniffed(XLSX, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return None


def validate_upload(upload, *, allowed: set[str], max_bytes: int) -> File:
    """Check ``upload`` and return the file to store (a re-encoded one for images).

    Raises ValidationError with a message a secretary can act on.
    """
    allowed_text = "、".join(KIND_LABELS[k] for k in sorted(allowed))
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    if size == 0:
        raise ValidationError("文件是空的。", code="empty")
    if size > max_bytes:
        raise ValidationError(
            f"文件过大（{filesizeformat(size)}），上限为 {filesizeformat(max_bytes)}。", code="too_big"
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    sniffed = sniff(head)
    if sniffed is None or sniffed.kind not in allowed:
        raise ValidationError(f"文件类型不符合要求：只接受{allowed_text}。", code="bad_type")
    base = _safe_stem(getattr(upload, "name", "") or "file")
    if sniffed.kind == IMAGE:
        return _reencode_image(upload, base)
    if sniffed.kind == XLSX:
        check_xlsx_archive(upload)
    upload.seek(0)
    return File(upload, name=f"{base}.{sniffed.extension}")


def check_xlsx_archive(upload) -> None:
    """Refuse archives that are not workbooks or that would expand out of proportion."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            if len(infos) > XLSX_MAX_ENTRIES:
                raise ValidationError(f"Excel 文件内部条目过多（{len(infos)} 个），疑似异常文件。", code="zip_entries")
            uncompressed = sum(info.file_size for info in infos)
            compressed = sum(info.compress_size for info in infos) or 1
            if uncompressed > XLSX_MAX_UNCOMPRESSED:
                raise ValidationError("Excel 文件解压后过大，疑似异常文件。", code="zip_size")
            if uncompressed / compressed > XLSX_MAX_RATIO:
                raise ValidationError("Excel 文件压缩比异常，疑似压缩炸弹，已拒绝。", code="zip_ratio")
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise ValidationError("不是有效的 Excel（.xlsx）文件。", code="bad_type")
    except zipfile.BadZipFile as exc:
        raise ValidationError("不是有效的 Excel（.xlsx）文件。", code="bad_type") from exc
    finally:
        upload.seek(0)


def _reencode_image(upload, base: str) -> File:
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError("图片像素过大，请缩小后再上传。", code="too_big")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            # Apply the camera's rotation before the EXIF that carries it is dropped.
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            keep_alpha = (
                image.mode in ("RGBA", "LA", "P")
                and "transparency" in image.info
                or image.mode
                in (
                    "RGBA",
                    "LA",
                )
            )
            out = io.BytesIO()
            clean = image.convert("RGBA" if keep_alpha else "RGB")
            # Pillow writes some of ``info`` back on save (a JPEG's or GIF's comment, DPI, EXIF);
            # keep only the colour profile, which changes how the picture looks, not who took it.
            clean.info = {key: value for key, value in clean.info.items() if key == "icc_profile"}
            if keep_alpha:
                clean.save(out, format="PNG", optimize=True)
                ext = "png"
            else:
                clean.save(out, format="JPEG", quality=85, optimize=True)
                ext = "jpg"
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError) as exc:
        raise ValidationError("图片文件已损坏或无法识别。", code="bad_image") from exc
    finally:
        upload.seek(0)
    return ContentFile(out.getvalue(), name=f"{base}.{ext}")


def _safe_stem(name: str) -> str:
    stem = os.path.splitext(os.path.basename(name))[0]
    cleaned = "".join(ch for ch in stem if ch.isalnum() or ch in "-_（）()")
    return (cleaned or "file")[:60]
