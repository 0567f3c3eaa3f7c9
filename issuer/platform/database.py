"""The issuer's database: engine set-up for SQLite and PostgreSQL, and Alembic migrations.

SQLite is the embedded default (WAL journal, foreign keys on, a busy timeout so that several
worker processes can share the file); PostgreSQL (psycopg 3) serves real deployments.
Migrations live in `issuer/migrations` and are applied by `microbadges db upgrade` and at
`serve`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "PRIVATE_FILE_MODE",
    "PRIVATE_FOLDER_MODE",
    "create_database_engine",
    "current_revision",
    "head_revision",
    "make_session_factory",
    "upgrade_database",
    "writing",
]

MIGRATIONS: Final = Path(__file__).parent.parent / "migrations"
_SQLITE_BUSY_TIMEOUT_S: Final = 30
# The database holds learners' e-mail addresses and every badge page's capability token.
PRIVATE_FOLDER_MODE: Final = 0o700
PRIVATE_FILE_MODE: Final = 0o600


def create_database_engine(url: str, **options: Any) -> Engine:
    """An Engine for `url`; for SQLite the file's folder is created (0700), the file is
    made readable by its owner only (0600, and so are its -wal and -shm files, which SQLite
    creates with the file's mode) and pragmas are set.

    Raises OSError when the SQLite file's folder or the file cannot be created.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _make_private_sqlite_file(Path(parsed.database))
        engine = create_engine(
            url, connect_args={"timeout": _SQLITE_BUSY_TIMEOUT_S}, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; emit it ourselves so that a
        # transaction takes the write lock when it first writes and reads stay consistent.
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **options)


def _make_private_sqlite_file(path: Path) -> None:
    """Create the folder (0700) and the empty file (0600) of a SQLite database, or take
    the group's and others' permissions away from an existing file and its -wal and -shm
    (an earlier version left them 0644)."""
    path.parent.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = stat.S_IMODE(file.stat().st_mode)
            if mode & 0o077:
                file.chmod(mode & 0o700)
        except OSError:
            pass  # gone, or another user's file: nothing this process may change


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let the "begin" listener emit BEGIN
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_S * 1000}")
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get("sqlite_immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def writing(session: Session) -> Session:
    """Mark `session`'s next transaction as a writer (BEGIN IMMEDIATE on SQLite; a no-op
    elsewhere) before it runs its first statement; returns the session."""
    session.connection(execution_options={"sqlite_immediate": True})
    return session


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (responses are built after it)."""
    return sessionmaker(engine, expire_on_commit=False)


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Apply the migrations up to `revision` (idempotent)."""
    command.upgrade(_alembic_config(engine), revision)


def head_revision() -> str:
    """The newest migration's revision id."""
    script = ScriptDirectory.from_config(_alembic_config(create_engine("sqlite://")))
    head = script.get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
