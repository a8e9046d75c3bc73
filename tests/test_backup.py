"""Backup and restore: a backup restored into a new database holds every article, revision and comment.

Backups hold readers' optional email addresses (security review 2026-12), so they are encrypted at
rest with the key in BACKUP_ENCRYPTION_KEY, and rotated: the newest BACKUP_KEEP are kept.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from metsinfo.articles.models import Article, GlossaryTerm, Section
from metsinfo.comments.models import Comment, Reply
from metsinfo.contentsync.plan import load_content

MODELS = [Article, Section, Section.history.model, Article.history.model, GlossaryTerm, Comment, Reply]
READERS_EMAIL = "a.reader.who.asked.for.a.reply@example.org"


@pytest.fixture(autouse=True)
def backup_key(settings):
    """A key of this test's own, as production gives one in BACKUP_ENCRYPTION_KEY."""
    settings.BACKUP_ENCRYPTION_KEY = Fernet.generate_key().decode()
    settings.BACKUP_KEY_FILE = None
    return settings.BACKUP_ENCRYPTION_KEY


@pytest.fixture
def content(transactional_db):
    """Committed data (pg_dump runs in another process): content, an edit, comments and a reply."""
    load_content(settings.CONTENT_DIR)
    section = Section.objects.get(kind="research")
    section.body += "\n\nAn edit made after loading, kept as a revision."
    section.save()
    article = Article.objects.get()
    Comment.objects.create(article=article, body="A comment waiting for review.", email=READERS_EMAIL)
    approved = Comment.objects.create(article=article, body="An approved comment.", status="approved")
    Reply.objects.create(comment=approved, body="A reply from the team.", published=True)
    return {model._meta.db_table: model.objects.count() for model in MODELS}


class NewDatabase:
    """An empty database beside the test one, of the same kind."""

    def __init__(self, tmp_path: Path) -> None:
        self.postgres = connection.vendor == "postgresql"
        if self.postgres:
            self.name = f"metsinfo_restore_{os.getpid()}"
            base = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
            self.url = urllib.parse.urlunsplit(base._replace(path=f"/{self.name}"))
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', f'CREATE DATABASE "{self.name}"')
        else:
            self.path = tmp_path / "restored.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def _admin(self, *statements: str) -> None:
        import psycopg

        base = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
        with psycopg.connect(urllib.parse.urlunsplit(base._replace(path="/postgres")), autocommit=True) as admin:
            for statement in statements:
                admin.execute(statement)

    def execute(self, sql: str) -> list[tuple]:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url) as db:
                cursor = db.execute(sql)
                return cursor.fetchall() if cursor.description else []
        db = sqlite3.connect(self.path)
        try:
            with db:
                return db.execute(sql).fetchall()
        finally:
            db.close()

    def count(self, table: str) -> int:
        return self.execute(f'SELECT count(*) FROM "{table}"')[0][0]  # noqa: S608 (model table names)

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def new_database(tmp_path):
    database = NewDatabase(tmp_path)
    yield database
    database.drop()


def test_a_backup_restored_into_a_new_database_has_everything(content, new_database, tmp_path):
    backup = tmp_path / "metsinfo.backup"
    out = StringIO()
    call_command("backup_db", "--output", str(backup), stdout=out)
    assert f"to {backup}" in out.getvalue()
    assert not backup.with_name(backup.name + ".partial").exists()

    call_command("restore_db", str(backup), "--database-url", new_database.url, "--noinput", stdout=StringIO())
    restored = {table: new_database.count(table) for table in content}
    assert restored == content
    assert content[Section.history.model._meta.db_table] > content[Section._meta.db_table], "revisions too"
    assert content[Comment._meta.db_table] == 9 + 2


def test_the_default_backup_file_is_dated_under_var(content, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("backup_db", stdout=StringIO())
    (made,) = (tmp_path / "backups").iterdir()
    assert made.name.startswith("metsinfo-20")
    assert made.name.endswith(".fernet")
    assert made.stat().st_mode & 0o077 == 0, "readable by its owner only"


@pytest.mark.parametrize(
    ("contents", "message"),
    [(None, "no such backup file"), (b"hello, not a backup", "not a metsinfo backup")],
)
def test_a_bad_backup_file_is_refused_with_a_reason(content, new_database, tmp_path, contents, message):
    path = tmp_path / "bad.backup"
    if contents is not None:
        path.write_bytes(contents)
    with pytest.raises(CommandError, match=message):
        call_command("restore_db", str(path), "--database-url", new_database.url, "--noinput")


def test_a_restore_asks_first_and_a_no_changes_nothing(content, tmp_path, monkeypatch):
    backup = tmp_path / "metsinfo.backup"
    call_command("backup_db", "--output", str(backup), stdout=StringIO())
    Comment.objects.create(article=Article.objects.get(), body="Written after the backup.")
    monkeypatch.setattr("builtins.input", lambda question: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore_db", str(backup))
    assert Comment.objects.filter(body="Written after the backup.").exists()


def _restore(path: Path, database: NewDatabase) -> None:
    call_command("restore_db", str(path), "--database-url", database.url, "--noinput", stdout=StringIO())


def _comments_table() -> str:
    return Comment._meta.db_table


def _change(database: NewDatabase) -> None:
    """Data changed after the backup: every reply deleted, every email address replaced."""
    database.execute(f'DELETE FROM "{Reply._meta.db_table}"')  # noqa: S608 (model table names)
    database.execute(f"UPDATE \"{_comments_table()}\" SET email = 'changed@example.org'")  # noqa: S608


def test_a_backup_on_disk_is_encrypted_and_holds_no_email_address(content, tmp_path):
    backup = tmp_path / "metsinfo.backup"
    call_command("backup_db", "--output", str(backup), stdout=StringIO())
    on_disk = backup.read_bytes()
    assert READERS_EMAIL.encode() not in on_disk
    assert b"A comment waiting for review." not in on_disk
    assert on_disk.startswith(b"gAAAAA"), "a Fernet token, not a SQLite file or a pg_dump archive"
    assert Fernet(settings.BACKUP_ENCRYPTION_KEY).decrypt(on_disk).startswith((b"SQLite format 3", b"PGDMP"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metsinfo.backup"], "no plaintext copy left beside it"


def test_an_encrypted_backup_puts_changed_data_back(content, new_database, tmp_path):
    backup = tmp_path / "metsinfo.backup"
    call_command("backup_db", "--output", str(backup), stdout=StringIO())
    _restore(backup, new_database)
    table = _comments_table()
    _change(new_database)
    assert new_database.count(Reply._meta.db_table) == 0

    _restore(backup, new_database)
    assert {t: new_database.count(t) for t in content} == content
    emails = {row[0] for row in new_database.execute(f'SELECT email FROM "{table}"')}  # noqa: S608
    assert READERS_EMAIL in emails
    assert "changed@example.org" not in emails


def test_a_wrong_key_is_refused_clearly_and_changes_nothing(content, new_database, tmp_path, settings):
    backup = tmp_path / "metsinfo.backup"
    call_command("backup_db", "--output", str(backup), stdout=StringIO())
    _restore(backup, new_database)
    _change(new_database)

    settings.BACKUP_ENCRYPTION_KEY = Fernet.generate_key().decode()
    with pytest.raises(CommandError, match=r"cannot be decrypted with BACKUP_ENCRYPTION_KEY.*Nothing was changed"):
        _restore(backup, new_database)
    assert new_database.count(Reply._meta.db_table) == 0
    assert {row[0] for row in new_database.execute(f'SELECT email FROM "{_comments_table()}"')} == {  # noqa: S608
        "changed@example.org"
    }


def test_an_older_key_listed_after_the_new_one_still_restores(content, new_database, tmp_path, settings):
    old_key = settings.BACKUP_ENCRYPTION_KEY
    backup = tmp_path / "metsinfo.backup"
    call_command("backup_db", "--output", str(backup), stdout=StringIO())
    settings.BACKUP_ENCRYPTION_KEY = f"{Fernet.generate_key().decode()},{old_key}"
    _restore(backup, new_database)
    assert new_database.count(_comments_table()) == content[_comments_table()]


def test_without_a_key_production_refuses_to_back_up(content, tmp_path, settings):
    settings.BACKUP_ENCRYPTION_KEY = ""
    settings.BACKUP_KEY_FILE = None
    with pytest.raises(CommandError, match="BACKUP_ENCRYPTION_KEY is required"):
        call_command("backup_db", "--output", str(tmp_path / "metsinfo.backup"), stdout=StringIO())
    assert not list(tmp_path.iterdir()), "nothing written"


def test_development_makes_a_key_once_outside_git_and_reuses_it(content, new_database, tmp_path, settings):
    settings.BACKUP_ENCRYPTION_KEY = ""
    settings.BACKUP_KEY_FILE = tmp_path / "var" / "backup_key"
    first, second = tmp_path / "first.backup", tmp_path / "second.backup"
    call_command("backup_db", "--output", str(first), stdout=StringIO())
    key = settings.BACKUP_KEY_FILE.read_text()
    assert settings.BACKUP_KEY_FILE.stat().st_mode & 0o077 == 0
    call_command("backup_db", "--output", str(second), stdout=StringIO())
    assert settings.BACKUP_KEY_FILE.read_text() == key
    _restore(first, new_database)
    assert new_database.count(_comments_table()) == content[_comments_table()]


def test_a_failed_backup_leaves_no_file(content, tmp_path, monkeypatch):
    def fail(data: bytes) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr("metsinfo.ops.encryption.encrypt", fail)
    with pytest.raises(OSError, match="disk full"):
        call_command("backup_db", "--output", str(tmp_path / "metsinfo.backup"), stdout=StringIO())
    assert not list(tmp_path.iterdir())


def test_only_the_newest_backups_are_kept(content, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    settings.BACKUP_KEEP = 3
    folder = tmp_path / "backups"
    folder.mkdir()
    older_plain = folder / "metsinfo-20250101T000000Z.sqlite3"  # from before encryption
    older_plain.write_bytes(b"SQLite format 3\x00 an old unencrypted copy")
    unrelated = folder / "notes.txt"
    unrelated.write_text("not a backup: never deleted")
    for _ in range(5):
        call_command("backup_db", stdout=StringIO())
    kept = sorted(p.name for p in folder.iterdir() if p != unrelated)
    assert len(kept) == 3
    assert all(name.endswith(".fernet") for name in kept)
    assert not older_plain.exists()
    assert unrelated.exists()
    out = StringIO()
    call_command("backup_db", "--keep", "1", stdout=out)
    assert "keeping the newest 1" in out.getvalue()
    assert len([p for p in folder.iterdir() if p != unrelated]) == 1
