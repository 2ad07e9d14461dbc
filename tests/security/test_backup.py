"""backup / restore: every row and every media file comes back, into an empty database."""

import hashlib
import hmac
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from branches import services as branch_services
from branches.models import Kind, Organisation
from core.audit import audit_record
from core.models import AuditAction, AuditEvent
from security.backup import row_counts

from ..celery_processes import database_url_of_tests
from ..factories import OrganisationFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
SIGNING_KEY = "test-backup-signing-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def signing_key(settings):
    """The key that signs a backup's manifest; kept in the environment, never in the archive."""
    settings.BACKUP_SIGNING_KEY = SIGNING_KEY
    return SIGNING_KEY


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def media_hashes(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def make_data():
    """A little of everything a backup must carry: tree, history, m2m, audit, files."""
    root = OrganisationFactory(name="共青团测试区委员会", kind=Kind.DISTRICT)
    sub = OrganisationFactory(name="甲街道团工委", kind=Kind.SUBDISTRICT, parent=root)
    OrganisationFactory(name="甲社区团支部", kind=Kind.BRANCH, parent=sub)
    OrganisationFactory(name="乙街道团工委", kind=Kind.SUBDISTRICT, parent=Organisation.objects.get(pk=root.pk))
    branch_services.organisation_update(organisation=Organisation.objects.get(pk=sub.pk), name="甲街道团工委（新）")
    staff = UserFactory(username="staff", role=Role.STAFF, is_staff=True, email="staff@example.cn")
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="branches"))
    UserFactory(username="secretary_a", role=Role.SECRETARY, organisation=Organisation.objects.get(pk=sub.pk))
    audit_record(user=staff, action=AuditAction.EXPORT, target="组织架构", row_count=4)
    default_storage.save("exports/2026/01/report.xlsx", ContentFile(b"PK\x03\x04 not really a workbook"))
    default_storage.save("photos/活动照片.jpg", ContentFile(bytes(range(256)) * 40))


def snapshot(media_root: Path) -> tuple[dict, dict, list]:
    orgs = list(Organisation.objects.order_by("path").values_list("pk", "path", "depth", "numchild", "name"))
    return row_counts(), media_hashes(media_root), orgs


def empty_everything(media_root: Path) -> None:
    """An empty migrated database (flush re-creates content types and permissions) and no files."""
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(media_root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_with_every_row_and_file(media, tmp_path):
    make_data()
    history_rows = Organisation.history.count()
    counts, files, orgs = snapshot(media)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    empty_everything(media)
    assert User.objects.count() == 0 and media_hashes(media) == {}

    call_command("restore", str(archive), verbosity=0)
    assert row_counts() == counts
    assert media_hashes(media) == files and len(files) == 2
    assert snapshot(media)[2] == orgs  # the tree's paths come back as they were
    assert Organisation.history.count() == history_rows > 4
    staff = User.objects.get(username="staff")
    assert staff.check_password("test-pass-2024") and staff.has_perm("branches.change_organisation")
    assert AuditEvent.objects.get().row_count == 4
    # New rows continue after the restored ids (sequences reset on PostgreSQL).
    new = OrganisationFactory(name="新组织", kind=Kind.DISTRICT)
    assert new.pk > max(pk for pk, *_ in orgs)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_data_unless_forced(media, tmp_path):
    make_data()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    counts = row_counts()
    OrganisationFactory(name="备份之后新建", kind=Kind.DISTRICT)

    with pytest.raises(CommandError, match="已有数据"):
        call_command("restore", str(archive), verbosity=0)
    assert Organisation.objects.filter(name="备份之后新建").exists()

    call_command("restore", str(archive), "--force", verbosity=0)
    assert not Organisation.objects.filter(name="备份之后新建").exists()
    assert row_counts() == counts


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_changes_nothing(media, tmp_path):
    make_data()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    empty_everything(media)
    counts = row_counts()

    # A data file altered after the backup was made.
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "data/branches.organisation.jsonl":
                data = data.replace("甲社区团支部".encode(), "伪造团支部".encode())
                member.size = len(data)
            target.addfile(member, __import__("io").BytesIO(data))
    with pytest.raises(CommandError, match="已损坏"):
        call_command("restore", str(tampered), verbosity=0)

    # A member that would write outside the extraction directory.
    escaping = tmp_path / "escaping.tar.gz"
    with tarfile.open(escaping, "w:gz") as target:
        info = tarfile.TarInfo("media/../../etc/evil")
        info.size = 1
        target.addfile(info, __import__("io").BytesIO(b"x"))
    with pytest.raises(CommandError, match="不应出现"):
        call_command("restore", str(escaping), verbosity=0)

    with pytest.raises(CommandError, match="无法读取"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), verbosity=0)
    assert row_counts() == counts and media_hashes(media) == {}


@pytest.mark.django_db(transaction=True)
def test_the_commands_move_a_portal_into_a_fresh_sqlite_database(media, tmp_path):
    """backup from the database the tests use (PostgreSQL in CI), restore into a new SQLite file."""
    make_data()
    counts, files, _ = snapshot(media)
    archive = tmp_path / "backup.tar.gz"

    def manage(*args, database_url: str, media_root: Path) -> subprocess.CompletedProcess:
        env = {
            **__import__("os").environ,
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(media_root),
            "DJANGO_SETTINGS_MODULE": "youthleague.settings",
            "BACKUP_SIGNING_KEY": SIGNING_KEY,
        }
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    manage("backup", str(archive), database_url=database_url_of_tests(), media_root=media)
    fresh_db = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    fresh_media = tmp_path / "fresh-media"
    manage("migrate", "--noinput", database_url=fresh_db, media_root=fresh_media)
    restored = manage("restore", str(archive), database_url=fresh_db, media_root=fresh_media)
    assert "Restored" in restored.stdout
    printed = manage(
        "shell",
        "-c",
        "import json; from security.backup import row_counts; print(json.dumps(row_counts()))",
        database_url=fresh_db,
        media_root=fresh_media,
    )
    assert json.loads(printed.stdout.strip().splitlines()[-1]) == counts
    assert media_hashes(fresh_media) == files


def rewrite(source: Path, target: Path, change) -> None:
    """Copy an archive member by member; ``change(name, data)`` returns the new bytes or None to drop it."""
    with tarfile.open(source) as original, tarfile.open(target, "w:gz") as copy:
        for member in original.getmembers():
            data = change(member.name, original.extractfile(member).read())
            if data is None:
                continue
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))


def forge(archive: Path, target: Path, *, key: str | None = None, drop_signature: bool = False) -> None:
    """Make the secretary a superuser and recompute the manifest's sums, as an attacker would.

    With ``key`` the manifest is re-signed with that key (an attacker guessing one); otherwise
    the genuine signature is kept beside the altered manifest.
    """
    with tarfile.open(archive) as original:
        manifest = json.loads(original.extractfile("manifest.json").read())
        users = original.extractfile("data/accounts.user.jsonl").read().decode()
    lines = []
    for line in users.splitlines():
        record = json.loads(line)
        if record["fields"]["username"] == "secretary_a":
            record["fields"].update(is_superuser=True, is_staff=True)
        lines.append(json.dumps(record, ensure_ascii=False))
    forged_users = ("\n".join(lines) + "\n").encode()
    manifest["files"]["data/accounts.user.jsonl"] = hashlib.sha256(forged_users).hexdigest()
    forged_manifest = json.dumps(manifest, ensure_ascii=False, indent=1).encode()

    def change(name, data):
        if name == "data/accounts.user.jsonl":
            return forged_users
        if name == "manifest.json":
            return forged_manifest
        if name == "manifest.sig":
            if drop_signature:
                return None
            if key is not None:
                return hmac.new(key.encode(), forged_manifest, "sha256").hexdigest().encode()
        return data

    rewrite(archive, target, change)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "how",
    [{}, {"key": "a-guessed-key-that-is-long-enough-000000"}, {"drop_signature": True}],
    ids=["genuine-signature-kept", "re-signed-with-another-key", "signature-removed"],
)
def test_a_forged_backup_with_recomputed_sums_is_refused(how, media, tmp_path):
    make_data()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    empty_everything(media)
    counts = row_counts()
    forged = tmp_path / "forged.tar.gz"
    forge(archive, forged, **how)

    with pytest.raises(CommandError, match="签名"):
        call_command("restore", str(forged), verbosity=0)
    assert row_counts() == counts and not User.objects.exists()

    # The genuine archive still restores, and the secretary is what she was.
    call_command("restore", str(archive), verbosity=0)
    secretary = User.objects.get(username="secretary_a")
    assert not secretary.is_superuser and not secretary.is_staff


@pytest.mark.django_db(transaction=True)
def test_restore_and_backup_refuse_without_the_signing_key_or_with_another(media, tmp_path, settings):
    make_data()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    empty_everything(media)

    settings.BACKUP_SIGNING_KEY = ""
    with pytest.raises(CommandError, match="BACKUP_SIGNING_KEY"):
        call_command("restore", str(archive), verbosity=0)
    with pytest.raises(CommandError, match="BACKUP_SIGNING_KEY"):
        call_command("backup", str(tmp_path / "other.tar.gz"), verbosity=0)
    assert not (tmp_path / "other.tar.gz").exists()
    settings.BACKUP_SIGNING_KEY = "short"
    with pytest.raises(CommandError, match="BACKUP_SIGNING_KEY"):
        call_command("restore", str(archive), verbosity=0)
    settings.BACKUP_SIGNING_KEY = "another-key-of-a-sufficient-length-0000000"
    with pytest.raises(CommandError, match="签名"):
        call_command("restore", str(archive), verbosity=0)
    assert not User.objects.exists()

    # After a rotation the old key is listed second: old backups still restore.
    settings.BACKUP_SIGNING_KEY = f"another-key-of-a-sufficient-length-0000000,{SIGNING_KEY}"
    call_command("restore", str(archive), verbosity=0)
    assert User.objects.filter(username="secretary_a").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("damage", ["truncated", "crc", "length", "deflate"])
def test_a_corrupted_gzip_is_refused_before_anything_is_restored(damage, media, tmp_path):
    make_data()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    empty_everything(media)
    counts = row_counts()
    data = bytearray(archive.read_bytes())
    if damage == "truncated":
        data = data[: len(data) - 1000]
    elif damage == "crc":  # the trailer's CRC-32 of the uncompressed stream
        data[-8] ^= 0xFF
    elif damage == "length":  # the trailer's uncompressed size
        data[-1] ^= 0x01
    else:  # a byte of the compressed data, near the end where the media and manifest lie
        data[len(data) - 200] ^= 0x55
    damaged = tmp_path / f"{damage}.tar.gz"
    damaged.write_bytes(bytes(data))

    with pytest.raises(CommandError, match="损坏|无法读取"):
        call_command("restore", str(damaged), verbosity=0)
    assert row_counts() == counts and media_hashes(media) == {}


@pytest.mark.django_db(transaction=True)
def test_an_unsigned_backup_of_the_old_format_is_refused(media, tmp_path):
    make_data()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    empty_everything(media)
    old = tmp_path / "old.tar.gz"

    def change(name, data):
        if name == "manifest.json":
            return json.dumps({**json.loads(data), "format": 1}).encode()
        return None if name == "manifest.sig" else data

    rewrite(archive, old, change)
    with pytest.raises(CommandError, match="签名"):
        call_command("restore", str(old), verbosity=0)
    assert not User.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_database_whose_content_type_ids_differ(media, tmp_path):
    """Rows refer to content types and permissions by natural key: they find the target's own,
    whatever ids its ``migrate`` gave them."""
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.models import ContentType

    make_data()
    staff = User.objects.get(username="staff")
    organisation = Organisation.objects.order_by("pk").first()
    old_type = ContentType.objects.get_for_model(Organisation)
    LogEntry.objects.create(
        user=staff, content_type=old_type, object_id=str(organisation.pk), object_repr="x", action_flag=ADDITION
    )
    counts = row_counts()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    with tarfile.open(archive) as backup:
        logged = json.loads(backup.extractfile("data/admin.logentry.jsonl").readline())
    assert logged["fields"]["content_type"] == ["branches", "organisation"]

    empty_everything(media)
    # The target's migrate made branches' content types (and so their permissions) anew, later.
    ContentType.objects.filter(app_label="branches").delete()
    ContentType.objects.clear_cache()
    create_permissions(apps.get_app_config("branches"), verbosity=0)
    new_type = ContentType.objects.get_for_model(Organisation)
    assert new_type.pk != old_type.pk

    call_command("restore", str(archive), verbosity=0)
    assert row_counts() == counts
    entry = LogEntry.objects.get()
    assert entry.content_type_id == new_type.pk and entry.get_edited_object().pk == organisation.pk
    staff = User.objects.get(username="staff")
    assert staff.has_perm("branches.change_organisation")
    assert set(staff.user_permissions.all()) == set(Permission.objects.filter(content_type__app_label="branches"))


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_the_previous_format_is_refused_with_what_to_do(media, tmp_path, signing_key):
    make_data()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    empty_everything(media)
    old = tmp_path / "old.tar.gz"
    manifests = {}

    def change(name, data):
        if name == "manifest.json":
            manifests["old"] = json.dumps({**json.loads(data), "format": 2}).encode()
            return manifests["old"]
        if name == "manifest.sig":
            return hmac.new(signing_key.encode(), manifests["old"], "sha256").hexdigest().encode()
        return data

    rewrite(archive, old, change)
    with pytest.raises(CommandError, match="不支持的备份格式：2"):
        call_command("restore", str(old), verbosity=0)
    assert not User.objects.exists()
