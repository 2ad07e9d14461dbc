"""Certificates and list documents (checked, stored, served only through scoped views),
the .xlsx export of the filtered list, and the honours panels on other apps' pages."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from core.models import AuditAction, AuditEvent
from core.review.models import Status
from honours.models import Honour, Level, RecipientKind

from ..factories import MemberFactory
from .factories import BatchFactory, HonourFactory, body
from .test_honour_pages import form_data


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(name="证书.png", colour=(200, 20, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), colour).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf(name="表彰决定.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


@pytest.fixture
def with_certificate(secretary_a_client, district):
    secretary_a_client.post(
        reverse("honours:create"),
        {**form_data(recipient_name="王五", organisation=district.branch_a.pk), "certificate": png()},
    )
    return Honour.objects.get()


def test_certificate_is_stored_under_a_new_name_and_served_in_scope(secretary_a_client, with_certificate):
    honour = with_certificate
    assert honour.certificate_name == "证书.png"
    assert honour.certificate.name.startswith("honours/certificates/") and "证书" not in honour.certificate.name
    assert default_storage.exists(honour.certificate.name)
    page = secretary_a_client.get(reverse("honours:detail", args=[honour.pk])).content.decode()
    assert reverse("honours:certificate", args=[honour.pk]) in page and "/media/" not in page
    response = secretary_a_client.get(reverse("honours:certificate", args=[honour.pk]))
    assert response.status_code == 200 and response["Content-Type"] in ("image/png", "image/jpeg")
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (60, 40)
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, username="secretary_a").count() == 1


def test_certificate_is_404_outside_scope_and_readable_by_leadership(
    secretary_b_client, leader_client, with_certificate
):
    assert secretary_b_client.get(reverse("honours:certificate", args=[with_certificate.pk])).status_code == 404
    assert leader_client.get(reverse("honours:certificate", args=[with_certificate.pk])).status_code == 200


def test_a_record_without_a_certificate_has_nothing_to_download(staff_client, district):
    honour = HonourFactory(organisation=district.branch_a)
    assert staff_client.get(reverse("honours:certificate", args=[honour.pk])).status_code == 404


def test_a_file_that_is_not_an_image_or_pdf_is_refused_and_nothing_saved(secretary_a_client, district):
    fake = SimpleUploadedFile("证书.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = secretary_a_client.post(
        reverse("honours:create"),
        {**form_data(recipient_name="王五", organisation=district.branch_a.pk), "certificate": fake},
    )
    assert response.status_code == 200 and "文件类型不符合要求" in str(response.context["form"].errors["certificate"])
    assert not Honour.objects.exists()


def test_replacing_a_certificate_removes_the_old_file_after_commit(
    secretary_a_client, with_certificate, django_capture_on_commit_callbacks
):
    old = with_certificate.certificate.name
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_a_client.post(
            reverse("honours:certificate_upload", args=[with_certificate.pk]), {"certificate": png("新.png")}
        )
    assert response.status_code == 302
    with_certificate.refresh_from_db()
    assert with_certificate.certificate.name != old and with_certificate.certificate_name == "新.png"
    assert not default_storage.exists(old) and default_storage.exists(with_certificate.certificate.name)


def test_certificate_upload_is_refused_once_submitted(secretary_a_client, with_certificate):
    secretary_a_client.post(reverse("honours:submit", args=[with_certificate.pk]))
    response = secretary_a_client.post(
        reverse("honours:certificate_upload", args=[with_certificate.pk]), {"certificate": png()}
    )
    assert response.status_code == 403


def test_secretary_cannot_return_their_own_record(secretary_a_client, with_certificate):
    secretary_a_client.post(reverse("honours:submit", args=[with_certificate.pk]))
    response = secretary_a_client.post(reverse("honours:return", args=[with_certificate.pk]), {"comment": "x"})
    assert response.status_code == 403


def test_list_document_is_served_through_the_list_scope(staff_client, secretary_a_client, secretary_b_client, district):
    response = staff_client.post(
        reverse("honours:batch_create"),
        {"name": "市级表彰", "level": Level.CITY, "conferring_body": body("柳州市", Level.CITY).pk,
         "awarded_on": "2024-05-30", "direction": "received", "organisation": district.root.pk, "document": pdf()},
    )  # fmt: skip
    assert response.status_code == 302
    batch = BatchFactory._meta.model.objects.get()
    HonourFactory(batch=batch, organisation=district.branch_a)
    assert batch.document_name == "表彰决定.pdf"
    download = secretary_a_client.get(reverse("honours:batch_document", args=[batch.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert secretary_b_client.get(reverse("honours:batch_document", args=[batch.pk])).status_code == 404


# --- Export -----------------------------------------------------------------------------------------


def rows_of(response) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_export_follows_the_filters_and_the_scope(secretary_a_client, staff_client, district):
    HonourFactory(title="甲市级", level=Level.CITY, organisation=district.branch_a, certificate_number="=1+1")
    HonourFactory(title="甲全国", level=Level.NATIONAL, organisation=district.sub_a)
    HonourFactory(title="乙市级", level=Level.CITY, organisation=district.branch_b)
    batch = BatchFactory(organisation=district.root, status=Status.APPROVED)
    HonourFactory(batch=batch, title="优秀少先队员", recipient_kind=RecipientKind.YOUNG_PIONEER, recipient_name="",
                  recipient_count=135, organisation=district.root)  # fmt: skip
    response = secretary_a_client.post(reverse("core:export_start"), {"exporter": "honours", "query": "level=city"})
    rows = rows_of(response)
    assert rows[0][0] == "荣誉称号" and [r[0] for r in rows[1:]] == ["甲市级"]
    assert rows[1][14] == "'=1+1"  # formula-like text is neutralised
    staff = rows_of(staff_client.post(reverse("core:export_start"), {"exporter": "honours", "query": ""}))
    count_row = next(r for r in staff[1:] if r[0] == "优秀少先队员")
    assert count_row[9] == "（仅知人数）" and count_row[10] == 135
    assert len(staff) == 5
    # Asking for another subtree through the query gives nothing, not more.
    outside = secretary_a_client.post(
        reverse("core:export_start"), {"exporter": "honours", "query": f"organisation={district.sub_b.pk}"}
    )
    assert rows_of(outside)[1:] == []
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 3


# --- Panels on the organisation and member pages ------------------------------------------------------


def test_organisation_page_shows_its_titles_and_subtree_counts(staff_client, district, django_assert_max_num_queries):
    HonourFactory(title="五四红旗团委", recipient_kind=RecipientKind.LEAGUE_COLLECTIVE,
                  recipient_organisation=district.sub_a, recipient_name=district.sub_a.name,
                  organisation=district.sub_a, level=Level.CITY)  # fmt: skip
    url = reverse("branches:detail", args=[district.sub_a.pk])
    with django_assert_max_num_queries(30) as few:
        staff_client.get(url)
    for i in range(20):
        HonourFactory(title=f"称号{i}", organisation=district.branch_a, level=Level.DISTRICT)
    HonourFactory(title="草稿", organisation=district.branch_a, status=Status.DRAFT)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff_client.get(url)
    html = response.content.decode()
    assert "五四红旗团委" in html and "累计获表彰（已审核）21" in html
    assert "市级 1，区级 20" in html


def test_member_panel_lists_the_members_honours_in_scope(district, secretary_a, secretary_b):
    member = MemberFactory(name="蓝天", organisation=district.branch_a)
    HonourFactory(title="优秀共青团员", member=member, recipient_name="蓝天", organisation=district.branch_a,
                  awarded_on=date(2024, 5, 4))  # fmt: skip
    template = Template("{% load honours_tags %}{% member_honours member %}")

    def render(user):
        request = RequestFactory().get("/")
        request.user = user
        return template.render(Context({"request": request, "member": member}))

    assert "优秀共青团员" in render(secretary_a) and "表彰荣誉（1）" in render(secretary_a)
    assert "表彰荣誉（0）" in render(secretary_b)


def test_member_page_shows_the_honours_panel_in_constant_queries(
    secretary_a_client, district, django_assert_max_num_queries
):
    member = MemberFactory(name="蓝天", organisation=district.branch_a)
    HonourFactory(title="优秀共青团员", member=member, recipient_name="蓝天", organisation=district.branch_a)
    url = reverse("members:detail", args=[member.pk])
    with django_assert_max_num_queries(30) as few:
        secretary_a_client.get(url)
    for i in range(15):
        HonourFactory(title=f"称号{i}", member=member, recipient_name="蓝天", organisation=district.branch_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = secretary_a_client.get(url)
    html = response.content.decode()
    assert "表彰荣誉（16）" in html and reverse("honours:create") + f"?member={member.pk}" in html
