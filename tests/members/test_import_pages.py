"""The web import: upload, preview, confirm (all or nothing), discard, and the refusals."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditAction, AuditEvent
from members import crypto
from members.choices import ImportStatus
from members.models import Member, MemberImport

from .. import xlsx_damage
from .xlsx_helpers import HEADERS, roster_row, roster_xlsx


def upload(client, org, content: bytes, name: str = "花名册.xlsx"):
    return client.post(reverse("members:import"), {"organisation": org.pk, "file": SimpleUploadedFile(name, content)})


def rows():
    return [
        roster_row("陈静", date(2005, 3, 18), 1, gender="F", 入团日期="2020-05-04"),
        roster_row("黄磊", date(2006, 11, 2), 2, 所属组织="甲社区团支部"),
    ]


def test_upload_previews_then_confirm_writes_every_row(secretary_a_client, district):
    response = upload(secretary_a_client, district.sub_a, roster_xlsx(rows()))
    record = MemberImport.objects.get()
    assert response["Location"] == reverse("members:import_detail", args=[record.pk])
    assert (record.status, record.created_count, record.problem_count) == (ImportStatus.PREVIEWED, 2, 0)
    assert not Member.objects.exists()  # a preview writes nothing

    preview = secretary_a_client.get(response["Location"])
    assert [r["name"] for r in preview.context["planned"]] == ["陈静", "黄磊"]
    assert preview.context["can_confirm"]
    page = preview.content.decode()
    assert "450202********" in page and make_full(1) not in page

    # The stored roster is encrypted at rest and decrypts to what was uploaded.
    stored = record.file.open("rb").read()
    assert not stored.startswith(b"PK") and crypto.decrypt_bytes(stored).startswith(b"PK")

    secretary_a_client.post(reverse("members:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED and not record.file
    assert set(Member.objects.values_list("name", flat=True)) == {"陈静", "黄磊"}
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.row_count == 2 and event.username == "secretary_a"

    again = secretary_a_client.post(reverse("members:import_confirm", args=[record.pk]), follow=True)
    assert "不能重复确认" in again.content.decode() and Member.objects.count() == 2


def make_full(n: int) -> str:
    from ..factories import make_id_number

    return make_id_number(date(2005, 3, 18), n, gender="F")


def test_one_bad_row_among_good_ones_writes_nothing_and_lists_the_problem(secretary_a_client, district):
    bad = rows() + [roster_row("错号", date(2005, 3, 18), 3, 手机号码="110")]
    upload(secretary_a_client, district.sub_a, roster_xlsx(bad))
    record = MemberImport.objects.get()
    assert record.status == ImportStatus.FAILED and not record.file
    response = secretary_a_client.get(reverse("members:import_detail", args=[record.pk]))
    assert response.context["problems"] == [
        {"row": 4, "column": "手机号码", "letter": "F", "message": "手机号码无效（应为11位大陆手机号码）。"}
    ]
    assert not response.context["can_confirm"]
    secretary_a_client.post(reverse("members:import_confirm", args=[record.pk]))
    assert not Member.objects.exists()


def test_confirm_rechecks_the_roster_and_writes_nothing_if_it_changed(secretary_a_client, district):
    from ..factories import MemberFactory, make_id_number

    upload(secretary_a_client, district.sub_a, roster_xlsx(rows()))
    record = MemberImport.objects.get()
    # Meanwhile someone registers 黄磊's number in another subtree.
    MemberFactory(
        name="别处",
        organisation=district.branch_b,
        birth_date=date(2006, 11, 2),
        id_number=make_id_number(date(2006, 11, 2), 2),
    )
    secretary_a_client.post(reverse("members:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED and record.problem_count == 1
    assert list(Member.objects.values_list("name", flat=True)) == ["别处"]


def test_a_refused_file_reshows_the_form_with_the_reason(secretary_a_client, district):
    response = upload(secretary_a_client, district.sub_a, b"%PDF-1.4", name="roster.xlsx")
    assert response.status_code == 200 and "文件类型" in str(response.context["form"].errors["file"])
    assert not MemberImport.objects.exists()


def test_discard_deletes_the_stored_file(secretary_a_client, district, django_capture_on_commit_callbacks):
    upload(secretary_a_client, district.sub_a, roster_xlsx(rows()))
    record = MemberImport.objects.get()
    storage, name = record.file.storage, record.file.name
    with django_capture_on_commit_callbacks(execute=True):
        secretary_a_client.post(reverse("members:import_discard", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == ImportStatus.DISCARDED and not storage.exists(name)


def test_import_scoping_refusals(secretary_a_client, secretary_b_client, leader_client, client, district):
    # A secretary cannot import into another subtree.
    response = upload(secretary_b_client, district.sub_a, roster_xlsx(rows()))
    assert response.status_code == 200 and response.context["form"].errors["organisation"]
    # Nor see, confirm or discard another subtree's import.
    upload(secretary_a_client, district.sub_a, roster_xlsx(rows()))
    record = MemberImport.objects.get()
    for name in ("members:import_detail",):
        assert secretary_b_client.get(reverse(name, args=[record.pk])).status_code == 404
    for name in ("members:import_confirm", "members:import_discard"):
        assert secretary_b_client.post(reverse(name, args=[record.pk])).status_code == 404
        assert leader_client.post(reverse(name, args=[record.pk])).status_code == 403
        assert secretary_a_client.get(reverse(name, args=[record.pk])).status_code == 405
    # Leadership reads but never imports; anonymous users are sent to log in.
    assert leader_client.get(reverse("members:import")).status_code == 403
    assert upload(leader_client, district.sub_a, roster_xlsx(rows())).status_code == 403
    assert client.get(reverse("members:import")).status_code == 302
    assert not Member.objects.exists() and MemberImport.objects.count() == 1


def test_only_the_uploader_or_staff_may_confirm(client, secretary_a, district, staff_client):
    from accounts.models import Role

    from ..factories import UserFactory

    colleague = UserFactory(username="colleague", role=Role.SECRETARY, organisation=district.sub_a)
    client.force_login(secretary_a)
    upload(client, district.sub_a, roster_xlsx(rows()))
    record = MemberImport.objects.get()
    client.force_login(colleague)
    assert client.post(reverse("members:import_confirm", args=[record.pk])).status_code == 403
    staff_client.post(reverse("members:import_confirm", args=[record.pk]))
    assert Member.objects.count() == 2


def test_previews_left_unconfirmed_are_purged_with_their_files(
    secretary_a_client, district, time_machine, django_capture_on_commit_callbacks
):
    from django_celery_beat.models import PeriodicTask

    from members.tasks import purge_stale_imports

    time_machine.move_to("2026-03-01T09:00:00+08:00")
    upload(secretary_a_client, district.sub_a, roster_xlsx(rows()))
    record = MemberImport.objects.get()
    storage, name = record.file.storage, record.file.name
    time_machine.move_to("2026-03-01T20:00:00+08:00")
    purge_stale_imports()
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEWED  # still within the day
    time_machine.move_to("2026-03-02T09:30:00+08:00")
    with django_capture_on_commit_callbacks(execute=True):
        purge_stale_imports()
    record.refresh_from_db()
    assert record.status == ImportStatus.DISCARDED and not storage.exists(name)
    assert PeriodicTask.objects.filter(task="members.purge_stale_imports", enabled=True).exists()


def _many_rows(n: int = 30) -> list[dict]:
    return [roster_row(f"成员{i}", date(2005, 1, 1), i + 1) for i in range(n)]


def test_a_roster_garbled_after_its_first_rows_is_refused_with_a_reason(secretary_a_client, district):
    content = xlsx_damage.garbled_workbook(roster_xlsx(_many_rows())).getvalue()
    response = upload(secretary_a_client, district.sub_a, content)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["无法读取该 Excel 文件，请使用平台提供的模板。"]
    assert not MemberImport.objects.exists() and not Member.objects.exists()


def test_a_roster_declaring_16384_columns_is_refused_before_its_rows_are_read(
    secretary_a_client, district, monkeypatch
):
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    row = ["某", "450202200001010010", "", "", "", "", "", "团员"]
    content = xlsx_damage.hostile_workbook(HEADERS, row).getvalue()
    read = []
    monkeypatch.setattr(ReadOnlyWorksheet, "_get_row", lambda *args, **kwargs: read.append(1))
    response = upload(secretary_a_client, district.sub_a, content)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "工作表的列数过多（16384 列），超出模板的列数太多。请使用平台提供的模板，删除多余的列后重新上传。"
    ]
    assert read == [] and not MemberImport.objects.exists()


def test_a_confirmation_that_lost_the_race_writes_nothing_and_says_so(secretary_a_client, district, monkeypatch):
    """Two previews of one roster confirmed at once: the other confirmation commits 黄磊
    between this one's check and its write (the interleaving is played in that order)."""
    from members.services import imports as service

    from ..factories import MemberFactory

    upload(secretary_a_client, district.sub_a, roster_xlsx(rows()))
    record = MemberImport.objects.get()
    planned = service.member_import_plan

    def winner_commits_first(*args, **kwargs):
        result = planned(*args, **kwargs)
        MemberFactory(
            name="黄磊", organisation=district.branch_a, birth_date=date(2006, 11, 2), id_number=make_full_b()
        )
        return result

    monkeypatch.setattr(service, "member_import_plan", winner_commits_first)
    response = secretary_a_client.post(reverse("members:import_confirm", args=[record.pk]), follow=True)
    assert response.status_code == 200
    assert "名单已变化，请重新检查" in response.content.decode()
    # Nothing of this import is written. (The played winner's row was written on this import's
    # connection, so it went back with it; test_import_race.py keeps a real winner's rows.)
    assert not Member.objects.exists()
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEWED and record.file  # may be confirmed again after a look
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()


def make_full_b() -> str:
    from ..factories import make_id_number

    return make_id_number(date(2006, 11, 2), 2)


# --- Issue #28: re-upload keeps the organisation, the problems download, the template helps ---


def test_reupload_keeps_the_organisation_and_the_problems_download(
    secretary_a_client, secretary_b_client, leader_client, district
):
    import io

    from openpyxl import load_workbook

    bad = rows() + [
        roster_row("错号", date(2005, 3, 18), 3, 手机号码="110"),
        roster_row("=1+1", date(2005, 3, 18), 4, 手机号码="12"),
    ]
    upload(secretary_a_client, district.branch_a, roster_xlsx(bad))
    record = MemberImport.objects.get()
    page = secretary_a_client.get(reverse("members:import_detail", args=[record.pk])).content.decode()
    again = f"{reverse('members:import')}?organisation={district.branch_a.pk}"
    assert f'href="{again}">重新上传' in page
    form = secretary_a_client.get(again).context["form"]
    assert form["organisation"].value() == district.branch_a.pk

    url = reverse("members:import_problems", args=[record.pk])
    assert url in page
    response = secretary_a_client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0] == ["行", "列", "列名", "问题"]
    assert [4, "F", "手机号码", "手机号码无效（应为11位大陆手机号码）。"] in cells
    assert len(cells) == 1 + record.problem_count
    assert all(not str(c).startswith("=") for row in cells for c in row if c is not None)
    # Another subtree's secretary never reads them; whoever reads the page reads them.
    assert secretary_b_client.get(url).status_code == 404
    detail = reverse("members:import_detail", args=[record.pk])
    assert leader_client.get(url).status_code == leader_client.get(detail).status_code
    assert secretary_a_client.post(url).status_code == 405


def test_template_offers_drop_downs_and_a_sample_row_the_import_skips(secretary_a_client, district):
    import io

    from openpyxl import load_workbook

    from members.services.import_columns import SAMPLE_ROW

    content = secretary_a_client.get(reverse("members:import_template")).content
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.cell(row=2, column=1).value is None  # the data sheet starts empty
    example = book["填写示例"]
    assert [c.value for c in example[1]] == HEADERS
    assert example.cell(row=2, column=1).value == "王小明（示例）"
    by_header = {sheet.cell(row=1, column=i).value: sheet.cell(row=1, column=i).column_letter for i in range(1, 14)}
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    for header in ("性别", "民族", "人员类别", "学历", "职业类别"):
        validation = validations[f"{by_header[header]}2"]
        assert validation.type == "list", header
        sheet_name, cells = validation.formula1.split("!")
        options = book[sheet_name.strip("'")]
        first, last = cells.replace("$", "").split(":")
        values = [c.value for row in options[first:last] for c in row]
        assert values and (header != "人员类别" or values == ["团员", "少先队员", "青年"])
        assert header != "民族" or ("汉族" in values and "壮族" in values and len(values) == 56)
    assert book["选项"].sheet_state == "hidden"

    # The sample copied into the data sheet as written is skipped; the real row is read.
    row = roster_row("陈静", date(2005, 3, 18), 1, gender="F")
    for i, header in enumerate(HEADERS, start=1):
        sheet.cell(row=2, column=i, value=SAMPLE_ROW.get(header) or None)
        sheet.cell(row=3, column=i, value=row.get(header) or None)
    out = io.BytesIO()
    book.save(out)
    upload(secretary_a_client, district.sub_a, out.getvalue())
    record = MemberImport.objects.get()
    assert (record.created_count, record.problem_count) == (1, 0), record.report
    assert "王小明" not in str(record.report.get("planned"))
