"""Backup and restore: a backup restored into a new database holds every article, revision and comment."""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from metsinfo.articles.models import Article, GlossaryTerm, Section
from metsinfo.comments.models import Comment, Reply
from metsinfo.contentsync.plan import load_content

MODELS = [Article, Section, Section.history.model, Article.history.model, GlossaryTerm, Comment, Reply]


@pytest.fixture
def content(transactional_db):
    """Committed data (pg_dump runs in another process): content, an edit, comments and a reply."""
    load_content(settings.CONTENT_DIR)
    section = Section.objects.get(kind="research")
    section.body += "\n\nAn edit made after loading, kept as a revision."
    section.save()
    article = Article.objects.get()
    Comment.objects.create(article=article, body="A comment waiting for review.")
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

    def count(self, table: str) -> int:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url) as db:
                return db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 (model table names)
        with sqlite3.connect(self.path) as db:
            return db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 (model table names)

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
