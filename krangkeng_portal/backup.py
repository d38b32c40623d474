"""Backups of the database and the uploaded files, and their restore.

A backup is one folder:

    backup.json       format version, database engine, time, Django version
    database.dump     PostgreSQL: `pg_dump --format=custom`
    database.sqlite3  SQLite: a consistent copy made with SQLite's online backup API
    media/...         a copy of every file in the media storage (MEDIA_ROOT, or the S3 bucket)
    MANIFEST.sha256   "<sha256>  <path>" for every other file (`sha256sum -c MANIFEST.sha256`)
    MANIFEST.sha256.hmac  HMAC-SHA256 of the manifest under KRK_BACKUP_KEY, in hex

The folder and its files are readable by their owner only: they hold residents'
personal data. Encrypt them before they leave the server (README, "Running in
production").

The checksums show a file was damaged; only the signature shows the backup is the
one the portal wrote: whoever changes a photo can rewrite its manifest line, but
not sign the manifest without the key, which is kept outside the backups. A
restore first checks the signature, then every checksum, and refuses a backup
without a signature, with a wrong one, or with a missing, changed or unlisted
file; it restores only into a database without rows and an empty media storage,
unless forced.

Media are read and written through the storage API, so the same commands back up
and restore the local folder or the shared bucket (KRK_S3_BUCKET): every object is
downloaded into the backup folder, which needs the room for it.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import os
import posixpath
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import django
from django.core.files import File
from django.core.files.storage import Storage
from django.db import connections
from django.db.utils import ConnectionHandler
from django.utils import timezone

FORMAT = 1
MANIFEST = "MANIFEST.sha256"
SIGNATURE = "MANIFEST.sha256.hmac"
NOT_LISTED = {MANIFEST, SIGNATURE}
METADATA = "backup.json"
MEDIA_DIR = "media"
DUMP_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ENGINES = {
    "django.db.backends.postgresql": "postgresql",
    "django.db.backends.sqlite3": "sqlite",
}


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    files: int
    bytes: int


@dataclass(frozen=True)
class RestoreResult:
    tables: int
    rows: int
    media_files: int


def engine_of(database: dict) -> str:
    try:
        return ENGINES[database["ENGINE"]]
    except KeyError:
        raise BackupError(f"Unsupported database engine {database['ENGINE']!r}.") from None


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file() or path.is_symlink())


def _key_bytes(key: str) -> bytes:
    if not key:
        raise BackupError(
            "KRK_BACKUP_KEY is not set: backups are signed with it, and restores check the signature. "
            "Set it to a long random secret kept outside the backups."
        )
    return key.encode()


def manifest_signature(manifest: bytes, key: str) -> str:
    """HMAC-SHA256 of the manifest in hex, the digest `openssl dgst -sha256 -hmac KEY MANIFEST.sha256` shows."""
    return hmac.new(_key_bytes(key), manifest, hashlib.sha256).hexdigest()


def _check_signature(source: Path, key: str) -> None:
    signature = source / SIGNATURE
    if not signature.is_file():
        raise BackupError(f"{SIGNATURE} is missing: the backup is unsigned, so it cannot be trusted.")
    expected = manifest_signature((source / MANIFEST).read_bytes(), key)
    if not hmac.compare_digest(signature.read_text(encoding="ascii", errors="replace").strip(), expected):
        raise BackupError(
            f"The signature in {SIGNATURE} does not match: the backup was changed after it was made, "
            "or KRK_BACKUP_KEY is not the key it was made with."
        )


# --- media through the storage API ----------------------------------------------------


def storage_files(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in `storage` under `folder`, lazily (one listing per folder)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a media folder not made yet
        return
    for name in sorted(files):
        yield _checked_name(posixpath.join(folder, name))
    for name in sorted(folders):
        yield from storage_files(storage, posixpath.join(folder, name))


def _checked_name(name: str) -> str:
    # A bucket may hold any key; none may write outside the backup folder.
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\n" in name:
        raise BackupError(f"Cannot back up a media file named {name!r}.")
    return name


def _describe(storage: Storage) -> str:
    bucket = getattr(storage, "bucket_name", None)
    return f"bucket {bucket}" if bucket else str(getattr(storage, "location", storage))


def _copy_media_out(storage: Storage, target: Path) -> None:
    for name in storage_files(storage):
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, path.open("wb") as copy:
            shutil.copyfileobj(source, copy)


def _copy_media_in(source: Path, storage: Storage) -> int:
    copied = 0
    for path in _files_under(source):
        name = path.relative_to(source).as_posix()
        storage.delete(name)  # --force: replace, never store beside it under another name
        with path.open("rb") as handle:
            stored = storage.save(name, File(handle, name=name))
        if stored != name:
            raise BackupError(f"The media file {name} was stored as {stored}.")
        copied += 1
    return copied


# --- database access outside Django's own connections -------------------------------


class _Connection:
    """A Django connection to an arbitrary settings dict (e.g. a database to restore into)."""

    def __init__(self, database: dict) -> None:
        self.handler = ConnectionHandler({"default": copy.deepcopy(database)})

    def __enter__(self):
        return self.handler["default"]

    def __exit__(self, *exc) -> None:
        self.handler.close_all()


def table_row_counts(database: dict) -> dict[str, int]:
    """Rows in every table of the database described by a DATABASES entry."""
    with _Connection(database) as connection, connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_command(program: str, database: dict) -> tuple[list[str], dict[str, str]]:
    args = [program, "--no-password"]
    if database.get("HOST"):
        args += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", str(database["USER"])]
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    sslmode = (database.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return args, env


def _run(args: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(f"{args[0]} is not installed (apt-get install postgresql-client).") from None
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()}")


# --- backup --------------------------------------------------------------------------


def backup_create(*, destination: Path, media: Storage, key: str, using: str = "default") -> BackupResult:
    """Write a backup of database `using` and of every file in `media` into the new folder `destination`,
    its manifest signed with `key` (KRK_BACKUP_KEY).

    PostgreSQL is dumped by pg_dump (one consistent snapshot); SQLite is copied page by
    page with its online backup API through Django's own connection, so writers can
    go on and the copy is still consistent. Committed data only: pg_dump is another
    process.
    """
    connection = connections[using]
    database = connection.settings_dict
    engine = engine_of(database)
    _key_bytes(key)  # without a key, refuse before writing anything
    if destination.exists():
        raise BackupError(f"{destination} already exists; choose a new folder.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.mkdir(mode=0o700)
    try:
        dump = destination / DUMP_FILES[engine]
        if engine == "postgresql":
            args, env = _pg_command("pg_dump", database)
            options = ["--format=custom", "--no-owner", "--no-privileges", "--file", str(dump)]
            _run([*args, *options, database["NAME"]], env)
        else:
            import sqlite3

            connection.ensure_connection()
            target = sqlite3.connect(dump)
            try:
                connection.connection.backup(target)
                # A copy in WAL mode would grow -wal/-shm files next to it when read.
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
        _copy_media_out(media, destination / MEDIA_DIR)
        metadata = {
            "format": FORMAT,
            "engine": engine,
            "created_at": timezone.now().isoformat(),
            "django": django.get_version(),
            "database_file": dump.name,
        }
        (destination / METADATA).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
        files = _files_under(destination)
        lines = []
        for path in files:
            relative = path.relative_to(destination).as_posix()
            if "\n" in relative:
                raise BackupError(f"Cannot list a file name with a line break: {relative!r}")
            lines.append(f"{sha256_of(path)}  {relative}\n")
        manifest = "".join(lines).encode()
        (destination / MANIFEST).write_bytes(manifest)
        (destination / SIGNATURE).write_text(manifest_signature(manifest, key) + "\n", encoding="ascii")
        for path in destination.rglob("*"):
            path.chmod(0o700 if path.is_dir() else 0o600)
    except BaseException:
        shutil.rmtree(destination, ignore_errors=True)
        raise
    return BackupResult(path=destination, files=len(files), bytes=sum(path.stat().st_size for path in files))


# --- restore -------------------------------------------------------------------------


def backup_verify(source: Path, *, key: str) -> dict:
    """Check the manifest's signature with `key`, then the files against the manifest;
    return the backup's metadata.

    Refuses an unsigned or wrongly signed manifest and a missing, changed or
    unlisted file: a backup that was tampered with or cut short must not be restored.
    """
    manifest = source / MANIFEST
    if not manifest.is_file():
        raise BackupError(f"{source} is not a backup: {MANIFEST} is missing.")
    _check_signature(source, key)
    listed: dict[str, str] = {}
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        digest, separator, relative = line.partition("  ")
        if not separator or len(digest) != 64:
            raise BackupError(f"{MANIFEST} line {number} is malformed.")
        listed[relative] = digest
    present = {path.relative_to(source).as_posix() for path in _files_under(source)} - NOT_LISTED
    missing = sorted(listed.keys() - present)
    unlisted = sorted(present - listed.keys())
    if missing:
        raise BackupError(f"Files listed in the manifest are missing: {', '.join(missing[:5])}")
    if unlisted:
        raise BackupError(f"Files not in the manifest: {', '.join(unlisted[:5])}")
    changed = sorted(relative for relative, digest in listed.items() if sha256_of(source / relative) != digest)
    if changed:
        raise BackupError(f"Checksums do not match: {', '.join(changed[:5])}")
    if METADATA not in listed:
        raise BackupError(f"{METADATA} is missing from the backup.")
    metadata = json.loads((source / METADATA).read_text(encoding="utf-8"))
    if metadata.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {metadata.get('format')!r}.")
    return metadata


def backup_restore(*, source: Path, database: dict, media: Storage, key: str, force: bool = False) -> RestoreResult:
    """Restore the backup folder `source` into `database` (a DATABASES entry) and the storage `media`.

    Verifies the signature (with `key`, KRK_BACKUP_KEY) and the manifest first.
    Refuses a database with rows in any table, or a media storage with files, unless
    `force`: then PostgreSQL tables are dropped and recreated, the SQLite file is
    overwritten and media files are overwritten.
    """
    metadata = backup_verify(source, key=key)
    engine = engine_of(database)
    if metadata["engine"] != engine:
        raise BackupError(f"This backup is of a {metadata['engine']} database; the target is {engine}.")
    counts = table_row_counts(database)
    if not force:
        occupied = sorted(table for table, rows in counts.items() if rows)
        if occupied:
            raise BackupError(
                f"The target database is not empty ({len(occupied)} tables have rows, e.g. {occupied[0]}). "
                "Restore into a new, empty database, or use --force to replace its contents."
            )
        if next(storage_files(media), None) is not None:
            raise BackupError(
                f"The media storage ({_describe(media)}) is not empty; use --force to overwrite files in it."
            )

    # The dump's name is fixed per engine: never a path taken from the backup itself.
    if metadata.get("database_file") != DUMP_FILES[engine]:
        raise BackupError(f"Unexpected database file {metadata.get('database_file')!r} in {METADATA}.")
    dump = source / DUMP_FILES[engine]
    if engine == "postgresql":
        args, env = _pg_command("pg_restore", database)
        if counts:  # existing tables, empty or forced: replace them
            args += ["--clean", "--if-exists"]
        options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        _run([*args, *options, "--dbname", database["NAME"], str(dump)], env)
    else:
        import sqlite3

        # immutable: read without locks and without creating -wal/-shm files in the backup.
        backup_copy = sqlite3.connect(f"{dump.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            with _Connection(database) as connection:
                connection.ensure_connection()
                backup_copy.backup(connection.connection)
        finally:
            backup_copy.close()

    backup_media = source / MEDIA_DIR
    media_files = _copy_media_in(backup_media, media) if backup_media.is_dir() else 0

    restored = table_row_counts(database)
    return RestoreResult(tables=len(restored), rows=sum(restored.values()), media_files=media_files)
