"""Uploading a commendation list as a secretary does, and running its task as the worker does."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from honours.models import BatchImport
from honours.services.import_jobs import batch_import_run
from honours.services.imports import COLUMNS

HEADERS = [c.header for c in COLUMNS]


def xlsx(rows: list[dict], *, headers=HEADERS, name="名单.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def upload(client, batch, file):
    return client.post(reverse("honours:batch_upload", args=[batch.pk]), {"file": file})


def checked(client, batch, file) -> BatchImport:
    """Upload ``file`` and run the task's check, as the worker would after the request."""
    response = upload(client, batch, file)
    record = BatchImport.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("honours:import_detail", args=[record.pk])
    batch_import_run(import_id=record.pk)
    record.refresh_from_db()
    return record


def confirmed(client, record: BatchImport) -> BatchImport:
    """Confirm a checked import and run the task's write."""
    client.post(reverse("honours:import_confirm", args=[record.pk]))
    batch_import_run(import_id=record.pk)
    record.refresh_from_db()
    return record


def problems(record: BatchImport) -> list[tuple]:
    return [(p["row"], p["letter"], p["column"], p["message"]) for p in record.report["problems"]]
