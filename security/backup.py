"""Backups: every table as Django serialisation plus the media files, in one .tar.gz.

Engine-neutral: a backup taken on PostgreSQL restores into SQLite and back. Layout::

    data/<app_label.model>.jsonl   one serialised row per line, primary keys kept
    media/<name>                   every file of the default storage
    manifest.json                  format, migrations, row counts, sha256 of every file
    manifest.sig                   HMAC-SHA256 of manifest.json under BACKUP_SIGNING_KEY

The sums alone prove nothing against someone who can rewrite the archive (they would
recompute them), so the manifest is signed with a key kept apart from the archive, and a
restore refuses any archive whose signature does not check, before reading a row of it.
Content types and permissions are not copied: ``migrate`` creates them in the target,
possibly under other ids, so rows refer to them (and to users and groups) by Django's natural
keys (``use_natural_foreign_keys``), which the deserialiser looks up in the target; the
manifest lists the content types and permissions referred to, and the restore creates any
the target lacks. Sessions are left out (a backup must not carry logins).
"""

import datetime as dt
import gzip
import hashlib
import hmac
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

# Format 2 adds the signature; unsigned format-1 archives are refused (anyone could forge one).
# Format 3 refers to content types, permissions, users and groups by natural key.
FORMAT = 3
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MIN_KEY_LENGTH = 32
# Recreated by migrate (content types, permissions) or worthless in a backup (sessions).
EXCLUDED = frozenset({"contenttypes.contenttype", "auth.permission", "sessions.session"})
BATCH = 1000

Log = Callable[[str], None]


@dataclass
class BackupSummary:
    path: Path
    rows: dict[str, int]
    media: int

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def backup_models() -> list[type]:
    """The models whose rows a backup holds (auto-created m2m tables travel with their model),
    those with natural keys first (users, groups), as a restore must look them up."""
    models = [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in EXCLUDED
    ]
    return serializers.sort_dependencies([(None, models)], allow_cycles=True)


def row_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """Rows per model and per auto-created m2m table: what a restore must reproduce."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            counts[model._meta.label_lower] = model._base_manager.using(using).count()
    return counts


# --- Signing ---------------------------------------------------------------------


def signing_keys() -> list[bytes]:
    """BACKUP_SIGNING_KEY, comma-separated: the first signs, every one verifies (for rotation)."""
    keys = [key.strip() for key in (getattr(settings, "BACKUP_SIGNING_KEY", "") or "").split(",") if key.strip()]
    if not keys:
        raise ValidationError(
            "未设置备份签名密钥 BACKUP_SIGNING_KEY：备份和恢复都需要它。请在环境变量中设置，并与备份文件分开保管。"
        )
    if any(len(key) < MIN_KEY_LENGTH for key in keys):
        raise ValidationError(f"备份签名密钥 BACKUP_SIGNING_KEY 太短：每个密钥至少 {MIN_KEY_LENGTH} 个字符。")
    return [key.encode() for key in keys]


def sign_manifest(payload: bytes, key: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).hexdigest().encode()


def _check_signature(payload: bytes, signature: bytes | None, keys: list[bytes]) -> None:
    if signature is None:
        raise ValidationError("备份文件没有签名（manifest.sig），无法确认它未被篡改，拒绝恢复。")
    given = signature.strip()
    if not any(hmac.compare_digest(sign_manifest(payload, key), given) for key in keys):
        raise ValidationError("备份文件的签名不符：它被改动过，或不是用当前的 BACKUP_SIGNING_KEY 生成的，拒绝恢复。")


# --- Backup ----------------------------------------------------------------------


def backup_create(*, path: Path, using: str = DEFAULT_DB_ALIAS, log: Log | None = None) -> BackupSummary:
    """Write a backup of the database and the media files to ``path`` (a .tar.gz).

    The rows are read in one transaction (REPEATABLE READ on PostgreSQL), so the
    backup is consistent while the portal keeps running. The file is written beside
    ``path`` and renamed into place when complete; it is readable by its owner only.
    """
    log = log or (lambda message: None)
    key = signing_keys()[0]
    path = Path(path)
    if path.is_dir():
        path = path / f"youthleague-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
    partial = path.with_name(path.name + ".partial")
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="yl-backup-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        files: dict[str, str] = {}
        rows: dict[str, int] = {}
        snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
        with transaction.atomic(using=using):
            if snapshot:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for model in backup_models():
                label = model._meta.label_lower
                target = data_dir / f"{label}.jsonl"
                rows[label] = _dump_model(model, target, using)
                files[f"data/{label}.jsonl"] = _sha256_file(target)
                log(f"{label}: {rows[label]}")
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "engine": connection.vendor,
                "migrations": sorted(
                    f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
                ),
                "content_types": [
                    list(ct.natural_key()) for ct in ContentType.objects.using(using).order_by("app_label", "model")
                ],
                "permissions": [
                    [*p.natural_key(), p.name]
                    for p in Permission.objects.using(using).select_related("content_type").order_by("pk")
                ],
                "rows": rows,
                "files": files,
                "media": {},
            }
        with tarfile.open(partial, "w:gz") as archive:
            for name in sorted(files):
                archive.add(Path(tmp) / name, arcname=name)
            for name in _storage_files():
                manifest["media"][name] = _add_media(archive, name)
            log(f"media files: {len(manifest['media'])}")
            payload = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            for name, content in ((MANIFEST, payload), (SIGNATURE, sign_manifest(payload, key))):
                info = tarfile.TarInfo(name)
                info.size = len(content)
                info.mtime = int(timezone.now().timestamp())
                archive.addfile(info, io.BytesIO(content))
    os.chmod(partial, 0o600)
    os.replace(partial, path)
    return BackupSummary(path, rows, len(manifest["media"]))


def _dump_model(model, target: Path, using: str) -> int:
    queryset = model._base_manager.using(using).order_by(model._meta.pk.name)
    m2m = [f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]
    if m2m:
        queryset = queryset.prefetch_related(*m2m)
    count = 0
    with target.open("w", encoding="utf-8") as out:
        records = serializers.serialize("python", queryset.iterator(chunk_size=2000), use_natural_foreign_keys=True)
        for record in records:
            out.write(json.dumps(record, cls=ExactJSONEncoder, ensure_ascii=False))
            out.write("\n")
            count += 1
    return count


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it rounds them to milliseconds)."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _storage_files(directory: str = "") -> Iterator[str]:
    try:
        subdirs, names = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(names):
        yield str(PurePosixPath(directory) / name) if directory else name
    for sub in sorted(subdirs):
        yield from _storage_files(str(PurePosixPath(directory) / sub) if directory else sub)


def _add_media(archive: tarfile.TarFile, name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as source, tempfile.TemporaryFile() as copy:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
            copy.write(chunk)
        info = tarfile.TarInfo(f"media/{name}")
        info.size = copy.tell()
        info.mtime = int(timezone.now().timestamp())
        copy.seek(0)
        archive.addfile(info, copy)
    return digest.hexdigest()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- Restore ---------------------------------------------------------------------


def database_is_empty(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when the database holds no portal data yet: no user account and no organisation.

    Migrations seed some tables (the standard indicators, the heartbeat schedule), so
    "empty" cannot mean every table is; but every portal in use has users and a tree.
    The restore replaces the seeded rows with the backup's own.
    """
    from accounts.models import User
    from branches.models import Organisation

    return not (User.objects.using(using).exists() or Organisation.objects.using(using).exists())


def backup_restore(
    *, path: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS, log: Log | None = None
) -> BackupSummary:
    """Restore a backup into a migrated database; all or nothing.

    The archive is checked before anything is written: the whole gzip stream (its CRC),
    the manifest's signature under BACKUP_SIGNING_KEY, then every file's sum.
    Refuses a database that already holds data, or media files that differ from the
    backup's, unless ``force``: then the backed-up tables are replaced. The restored
    row counts and file hashes are checked against the manifest before committing.
    """
    log = log or (lambda message: None)
    keys = signing_keys()
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="yl-restore-") as tmp:
        root = Path(tmp)
        manifest = _extract(Path(path), root, keys)
        _check_migrations(manifest, connection)
        if not force and not database_is_empty(using):
            raise ValidationError("目标数据库已有数据：恢复会覆盖它们。确认要覆盖请加 --force。")
        conflicts = [
            name
            for name, digest in manifest["media"].items()
            if default_storage.exists(name) and _sha256_storage(name) != digest
        ]
        if conflicts and not force:
            raise ValidationError(
                f"媒体文件目录中已有 {len(conflicts)} 个同名但内容不同的文件。确认要覆盖请加 --force。"
            )
        models = {m._meta.label_lower: m for m in backup_models()}
        unknown = sorted(set(manifest["rows"]) - set(models))
        if unknown:
            raise ValidationError(f"备份中有当前程序不认识的数据表：{', '.join(unknown)}。")
        written: list[str] = []
        try:
            with transaction.atomic(using=using):
                with connection.constraint_checks_disabled():
                    _clear(list(models.values()), using)
                    _ensure_natural_keys(manifest, using)
                    for label, expected in manifest["rows"].items():
                        loaded = _load_model(models[label], root / "data" / f"{label}.jsonl", using)
                        if loaded != expected:
                            raise ValidationError(f"{label}：应恢复 {expected} 行，实际 {loaded} 行。")
                        log(f"{label}: {loaded}")
                connection.check_constraints()
                _reset_sequences(list(models.values()), connection)
                for label, expected in manifest["rows"].items():
                    actual = models[label]._base_manager.using(using).count()
                    if actual != expected:
                        raise ValidationError(f"{label}：恢复后有 {actual} 行，备份中为 {expected} 行。")
                for name, digest in manifest["media"].items():
                    if _restore_media(root / "media" / name, name, digest):
                        written.append(name)
                log(f"media files: {len(manifest['media'])}")
        except Exception:
            for name in written:
                default_storage.delete(name)
            raise
    return BackupSummary(Path(path), manifest["rows"], len(manifest["media"]))


def _check_gzip(path: Path) -> None:
    """Read the whole gzip stream: a truncated or corrupted archive fails on its CRC here.

    tarfile stops at the archive's end marker and never reads the gzip trailer, so a
    damaged archive could otherwise be half-restored.
    """
    try:
        with gzip.open(path, "rb") as stream:
            while stream.read(1 << 20):
                pass
    except FileNotFoundError as exc:
        raise ValidationError(f"无法读取备份文件：{path} 不存在。") from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise ValidationError(f"备份文件已损坏或不完整（gzip 校验失败：{exc}），未恢复任何数据。") from exc


def _extract(path: Path, root: Path, keys: list[bytes]) -> dict:
    """Unpack the archive after checking its gzip stream, its signature and every member's place."""
    _check_gzip(path)
    try:
        archive = tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise ValidationError(f"无法读取备份文件：{exc}") from exc
    with archive:
        members = archive.getmembers()
        for member in members:
            parts = PurePosixPath(member.name).parts
            if (
                not member.isfile()
                or member.name.startswith("/")
                or ".." in parts
                or not (member.name in {MANIFEST, SIGNATURE} or parts[0] in {"data", "media"})
            ):
                raise ValidationError(f"备份文件中有不应出现的条目：{member.name}")
        by_name = {member.name: member for member in members}
        if MANIFEST not in by_name:
            raise ValidationError("备份文件缺少清单（manifest.json）。")
        payload = archive.extractfile(by_name[MANIFEST]).read()
        signature = archive.extractfile(by_name[SIGNATURE]).read() if SIGNATURE in by_name else None
        _check_signature(payload, signature, keys)
        manifest = json.loads(payload.decode("utf-8"))
        if manifest.get("format") != FORMAT:
            raise ValidationError(
                f"不支持的备份格式：{manifest.get('format')}（当前程序恢复格式 {FORMAT}）。"
                "请用生成该备份的程序版本恢复，再用当前版本重新备份。"
            )
        listed = {MANIFEST, SIGNATURE, *manifest["files"], *(f"media/{name}" for name in manifest["media"])}
        unlisted = sorted(set(by_name) - listed)
        if unlisted:
            raise ValidationError(f"备份文件中有清单未列出的条目：{unlisted[0]}")
        archive.extractall(root, members=members, filter="data")
    for name, digest in manifest["files"].items():
        if not (root / name).exists() or _sha256_file(root / name) != digest:
            raise ValidationError(f"备份文件已损坏：{name} 校验不符。")
    for name, digest in manifest["media"].items():
        if not (root / "media" / name).exists() or _sha256_file(root / "media" / name) != digest:
            raise ValidationError(f"备份文件已损坏：媒体文件 {name} 校验不符。")
    return manifest


def _check_migrations(manifest: dict, connection) -> None:
    applied = {f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()}
    missing = sorted(set(manifest["migrations"]) - applied)
    if missing:
        raise ValidationError(
            f"目标数据库的结构比备份旧，缺少迁移：{', '.join(missing[:5])}{' 等' if len(missing) > 5 else ''}。"
            "请先升级程序并运行 migrate。"
        )


def _clear(models: list, using: str) -> None:
    # Raw deletes (one DELETE a table): every table is emptied and refilled in this transaction
    # with constraint checks off. A queryset delete would load every row, follow the cascades
    # (and stop at PROTECT) and send delete signals (simple_history would write a row for each).
    for model in models:
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                through._base_manager.using(using).all()._raw_delete(using)
        model._base_manager.using(using).all()._raw_delete(using)


def _ensure_natural_keys(manifest: dict, using: str) -> None:
    """Create the content types and permissions the backup refers to that ``migrate`` did not
    (of a model since removed): the rows' natural keys must find them."""
    content_types = ContentType.objects.db_manager(using)
    for app_label, model in manifest["content_types"]:
        content_types.get_or_create(app_label=app_label, model=model)
    for codename, app_label, model, name in manifest["permissions"]:
        content_type = content_types.get_by_natural_key(app_label, model)
        Permission.objects.db_manager(using).get_or_create(
            codename=codename, content_type=content_type, defaults={"name": name[:255]}
        )


def _load_model(model, source: Path, using: str) -> int:
    loaded = 0
    batch: list = []
    inherited = bool(model._meta.parents)

    def records():
        with source.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield json.loads(line)

    def flush():
        nonlocal batch
        if not batch:
            return
        if inherited:  # bulk_create cannot write multi-table inheritance
            for item in batch:
                item.save(using=using)
        else:
            model._base_manager.using(using).bulk_create([item.object for item in batch])
            _save_m2m(model, batch, using)
        batch = []

    for item in serializers.deserialize("python", records(), using=using):
        batch.append(item)
        loaded += 1
        if len(batch) >= BATCH:
            flush()
    flush()
    return loaded


def _save_m2m(model, batch: list, using: str) -> None:
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        if not through._meta.auto_created:
            continue
        source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        links = [
            through(**{source: item.object.pk, target: related})
            for item in batch
            for related in item.m2m_data.get(field.name, [])
        ]
        through._base_manager.using(using).bulk_create(links, batch_size=BATCH)


def _reset_sequences(models: list, connection) -> None:
    all_models = list(models)
    for model in models:
        all_models.extend(
            f.remote_field.through for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created
        )
    statements = connection.ops.sequence_reset_sql(no_style(), all_models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _sha256_storage(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _restore_media(source: Path, name: str, digest: str) -> bool:
    """Put one file back under its own name; False when an identical file is already there."""
    if default_storage.exists(name):
        if _sha256_storage(name) == digest:
            return False
        default_storage.delete(name)
    with source.open("rb") as f:
        saved = default_storage.save(name, File(f, name=PurePosixPath(name).name))
    if saved != name:
        default_storage.delete(saved)
        raise ValidationError(f"媒体文件 {name} 无法以原名恢复（存储返回 {saved}）。")
    return True
