"""The SQLite database and the instance folder are private to the service's user."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from issuer.platform.database import create_database_engine
from issuer.platform.settings import read_secret


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that takes nothing away, so that only the modes the code asks for count."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _write_in_wal_mode(database: Path) -> None:
    engine = create_database_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            connection.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
            connection.commit()
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            for suffix in ("-wal", "-shm"):  # present while a connection is open
                assert _mode(database.with_name(database.name + suffix)) == 0o600
    finally:
        engine.dispose()


@pytest.mark.usefixtures("open_umask")
def test_a_new_sqlite_database_and_its_folder_are_private(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    database = instance / "microbadges.sqlite3"
    _write_in_wal_mode(database)
    assert _mode(instance) == 0o700
    assert _mode(database) == 0o600


@pytest.mark.usefixtures("open_umask")
def test_an_existing_world_readable_database_is_made_private(tmp_path: Path) -> None:
    database = tmp_path / "microbadges.sqlite3"
    files = [database, *(database.with_name(database.name + suffix)
                         for suffix in ("-wal", "-shm"))]
    for path in files:
        path.touch(mode=0o644)  # as an earlier version left them
    create_database_engine(f"sqlite:///{database}").dispose()
    assert [_mode(path) for path in files] == [0o600, 0o600, 0o600]


@pytest.mark.usefixtures("open_umask")
def test_the_secret_file_and_its_folder_are_private(tmp_path: Path) -> None:
    secret = tmp_path / "instance" / "secret.key"
    read_secret(secret)
    assert _mode(secret.parent) == 0o700
    assert _mode(secret) == 0o600
