"""Photos and PDFs: sniffed by content, size-limited, stored through the storage API, served only in scope."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from activities import services
from activities.models import Activity, ActivityFile, FileKind
from core.models import AuditEvent
from core.review.models import Status

from .factories import ActivityFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg(name="photo.jpg", size=(64, 48)) -> SimpleUploadedFile:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "TestCamera"  # Make
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def pdf(name="通知.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def form_data(org, **extra):
    return {
        "title": "现场填报",
        "organisation": org.pk,
        "kind": "volunteer",
        "start_date": "2024-06-15",
        "audience": "members_youth",
        "participants": "20",
        "summary": "清理河道。",
        **extra,
    }


def test_photo_and_pdf_are_stored_and_listed(secretary_a_client, district, media):
    response = secretary_a_client.post(
        reverse("activities:create"), form_data(district.branch_a, photos=[jpeg()], attachments=[pdf()])
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    files = {f.kind: f for f in activity.files.all()}
    assert set(files) == {FileKind.IMAGE, FileKind.PDF}
    assert files[FileKind.PDF].original_name == "通知.pdf"
    photo = files[FileKind.IMAGE]
    assert photo.file.name.startswith("activities/") and (media / photo.file.name).exists()
    with Image.open(photo.file.path) as stored:
        assert stored.format == "JPEG"
        assert 0x010F not in stored.getexif()  # re-encoded without the camera's metadata
    detail = secretary_a_client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert reverse("activities:file", args=[photo.pk]) in detail
    assert "/media/" not in detail


@pytest.mark.parametrize(
    ("field", "upload"),
    [
        ("attachments", SimpleUploadedFile("名单.txt", "张三,李四\n".encode(), content_type="text/plain")),
        ("attachments", SimpleUploadedFile("report.docx", b"PK\x03\x04" + b"\0" * 200, content_type="application/zip")),
        (
            "photos",
            SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"),
        ),
        ("photos", SimpleUploadedFile("scan.jpg", PDF_BYTES, content_type="image/jpeg")),  # a PDF is not a photo
        ("attachments", SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\0" * 100, content_type="application/pdf")),
        ("photos", SimpleUploadedFile("broken.jpg", b"\xff\xd8\xff\xe0" + b"garbage" * 10, content_type="image/jpeg")),
    ],
    ids=["text", "docx", "html-as-jpg", "pdf-as-photo", "exe-as-pdf", "broken-jpeg"],
)
def test_wrong_or_disguised_types_are_refused_and_nothing_is_saved(secretary_a_client, district, media, field, upload):
    response = secretary_a_client.post(
        reverse("activities:create"), form_data(district.branch_a, **{field: [upload], "title": "保留标题"})
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.get(field), form.errors
    assert upload.name in str(form.errors[field])
    assert form["title"].value() == "保留标题"
    assert not Activity.objects.exists() and not ActivityFile.objects.exists()
    assert not (media / "activities").exists() or not any((media / "activities").rglob("*.*"))


def test_too_big_is_refused(secretary_a_client, district, monkeypatch):
    monkeypatch.setattr(services, "ATTACHMENT_MAX_BYTES", len(PDF_BYTES) - 1)
    response = secretary_a_client.post(reverse("activities:create"), form_data(district.branch_a, attachments=[pdf()]))
    assert response.status_code == 200
    assert "过大" in str(response.context["form"].errors["attachments"])
    assert not Activity.objects.exists()


def test_one_bad_file_among_good_ones_stores_none(secretary_a, district):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.DRAFT)
    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(Exception) as exc:
        services.activity_files_add(activity=activity, user=secretary_a, photos=[jpeg(), bad])
    assert "x.jpg" in str(exc.value)
    assert not ActivityFile.objects.exists()


def test_download_is_scoped(secretary_a, secretary_a_client, secretary_b_client, leader_client, client, district):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.DRAFT)
    photo, document = services.activity_files_add(
        activity=activity, user=secretary_a, photos=[jpeg()], attachments=[pdf()]
    )
    url = reverse("activities:file", args=[photo.pk])
    response = secretary_a_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")
    pdf_response = leader_client.get(reverse("activities:file", args=[document.pk]))
    assert pdf_response.status_code == 200 and "attachment" in pdf_response["Content-Disposition"]
    event = AuditEvent.objects.get(action="download")
    assert event.username == "leader" and "通知.pdf" in event.target
    assert secretary_b_client.get(url).status_code == 404
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_files_of_a_submitted_record_are_locked_for_the_secretary(secretary_a, secretary_a_client, staff, district):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.DRAFT)
    (photo,) = services.activity_files_add(activity=activity, user=secretary_a, photos=[jpeg()])
    Activity.objects.filter(pk=activity.pk).update(status=Status.APPROVED)
    assert secretary_a_client.post(reverse("activities:file_delete", args=[photo.pk])).status_code == 403
    assert secretary_a_client.get(reverse("activities:file_delete", args=[photo.pk])).status_code == 405
    assert ActivityFile.objects.filter(pk=photo.pk).exists()


def test_deleting_a_file_removes_it_from_storage(
    secretary_a, secretary_a_client, secretary_b_client, district, media, django_capture_on_commit_callbacks
):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.DRAFT)
    (photo,) = services.activity_files_add(activity=activity, user=secretary_a, photos=[jpeg()])
    path = media / photo.file.name
    assert secretary_b_client.post(reverse("activities:file_delete", args=[photo.pk])).status_code == 404
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_a_client.post(reverse("activities:file_delete", args=[photo.pk]))
    assert response.status_code == 302
    assert not ActivityFile.objects.filter(pk=photo.pk).exists()
    assert not path.exists()


def test_form_input_accepts_camera_capture(secretary_a_client, district):
    html = secretary_a_client.get(reverse("activities:create")).content.decode()
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert 'enctype="multipart/form-data"' in html


# --- Files picked on a form that comes back with an error are kept (issue #28) ----------------


def _kept_token(html: str) -> str:
    import re

    match = re.search(r'name="kept" value="([^"]+)"', html)
    assert match, "the form carries no kept files"
    return match.group(1)


def test_photos_are_kept_when_the_form_comes_back_with_an_error(
    secretary_a_client, district, media, django_capture_on_commit_callbacks
):
    url = reverse("activities:create")
    response = secretary_a_client.post(
        url, form_data(district.branch_a, title="", photos=[jpeg("现场1.jpg"), jpeg("现场2.jpg")], attachments=[pdf()])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "已保留 3 个已选文件，保存时一并上传，无需重新选择" in html
    assert "现场1.jpg" in html and "现场2.jpg" in html and "通知.pdf" in html
    assert not Activity.objects.exists()
    # Corrected and saved without picking the files again: all three are attached.
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_a_client.post(url, form_data(district.branch_a, kept=_kept_token(html)))
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert sorted(activity.files.values_list("original_name", flat=True)) == sorted(
        ["通知.pdf", "现场1.jpg", "现场2.jpg"]
    )
    for stored in activity.files.all():
        assert stored.file.name.startswith("activities/")
        with stored.file.open("rb") as handle:
            assert handle.read(4) in (b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1", b"\xff\xd8\xff\xdb", b"%PDF")
    # The pending copies are gone once attached.
    assert not list((media / "pending").rglob("*.*"))


def test_a_bad_file_is_refused_and_the_good_ones_kept(secretary_a_client, district, media):
    bad = SimpleUploadedFile("notes.jpg", b"not an image at all", content_type="image/jpeg")
    response = secretary_a_client.post(
        reverse("activities:create"), form_data(district.branch_a, photos=[jpeg("好.jpg"), bad])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "「notes.jpg」" in html
    assert "已保留 1 个已选文件" in html and "好.jpg" in html


def test_kept_files_of_another_user_are_ignored(secretary_a_client, secretary_b, district, media):
    token = services.kept_files_token(
        user=secretary_b,
        files=[{"name": f"pending/activities/{secretary_b.pk}/x.jpg", "original": "x.jpg", "kind": "image", "size": 1}],
    )
    response = secretary_a_client.post(reverse("activities:create"), form_data(district.branch_a, kept=token))
    assert response.status_code == 302
    assert not Activity.objects.get().files.exists()
